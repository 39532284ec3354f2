// sluice image ls | inspect REF [--remote] | push LOCAL_TAG REMOTE_REF |
// pull REMOTE_REF [LOCAL_TAG] | build -f DOCKERFILE -t TAG [--build-arg K=V]...
// [--target STAGE] [--push] CONTEXT: the local image store (an OCI image layout in
// <state dir>/images, which skopeo and umoci read too) and copying images
// between it and registries (oci/transfer.h).
//
// Registry credentials come from --creds USER:PASS or from
// SLUICE_REGISTRY_USER / SLUICE_REGISTRY_PASSWORD and are never printed.
// `build` builds without a daemon (oci/builder.h), stamping the image with
// $SOURCE_DATE_EPOCH (default 0), printing its progress ("STEP n/m: ...",
// RUN output) to stderr as it goes and the manifest digest to stdout;
// --no-cache runs every step instead of reusing cached layers; with --push
// it pushes the image to TAG, read as a registry reference, as `image push
// TAG TAG` would, each layer's upload starting as soon as it is built;
// Dockerfile errors are printed as file:line:col with the line and a caret.
// Loopback registries are spoken to over plain HTTP; other hosts need
// --insecure-registry HOST for that. Exit 0 on success, 1 when the store or
// the registry fails, 2 for bad references and flags.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/image_support.h"
#include "cli/signal_watcher.h"
#include "common/files.h"
#include "oci/build_push.h"
#include "oci/builder.h"
#include "oci/layer_tar.h"
#include "oci/layout.h"
#include "oci/reference.h"
#include "oci/registry.h"
#include "oci/store_lock.h"
#include "oci/transfer.h"

namespace sluice::cli {

namespace {

using nlohmann::json;

// Config and layer bytes, plus the manifest itself.
int64_t ImageSize(const oci::Descriptor& manifest_desc, const oci::Manifest& manifest) {
  int64_t size = manifest_desc.size + manifest.config.size;
  for (const auto& layer : manifest.layers) size += layer.size;
  return size;
}

int List(const GlobalOptions& options) {
  auto layout = OpenStore(options);
  if (!layout.ok()) return Fail(layout.status());
  auto tags = layout->ListTags();
  if (!tags.ok()) return Fail(tags.status());
  std::vector<std::vector<std::string>> rows = {{"REF", "DIGEST", "SIZE", "CREATED"}};
  for (const std::string& tag : *tags) {
    auto desc = layout->Resolve(tag);
    if (!desc.ok()) return Fail(desc.status());
    auto manifest = layout->ReadManifest(desc->digest);
    if (!manifest.ok()) return Fail(manifest.status().Annotate(tag));
    auto config = layout->ReadConfig(*manifest);
    if (!config.ok()) return Fail(config.status().Annotate(tag));
    rows.push_back({tag, desc->digest.str(), HumanSize(ImageSize(*desc, *manifest)),
                    config->created.empty() ? "-" : config->created});
  }
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      std::cout << row[i];
      if (i + 1 < row.size()) std::cout << std::string(widths[i] - row[i].size() + 2, ' ');
    }
    std::cout << "\n";
  }
  return kExitOk;
}

// {"reference", "digest", "mediaType", "manifest", "config"} as JSON on stdout.
int PrintInspect(const std::string& reference, const oci::Digest& digest,
                 const std::string& media_type, const std::string& manifest,
                 const std::string& config) {
  json out = {{"reference", reference},
              {"digest", digest.str()},
              {"mediaType", media_type},
              {"manifest", json::parse(manifest, nullptr, false)},
              {"config", json::parse(config, nullptr, false)}};
  std::cout << out.dump(2) << "\n";
  return kExitOk;
}

int Inspect(const GlobalOptions& options, const std::string& ref, bool remote,
            const RegistryFlags& flags) {
  if (!remote) {
    auto layout = OpenStore(options);
    if (!layout.ok()) return Fail(layout.status());
    auto desc = layout->Resolve(ref);
    if (!desc.ok()) {
      return Fail(Status::NotFound(desc.status().message() +
                                   "; add --remote to inspect it in its registry"));
    }
    auto manifest_bytes = layout->ReadBlob(desc->digest);
    if (!manifest_bytes.ok()) return Fail(manifest_bytes.status());
    auto manifest = oci::ParseManifest(*manifest_bytes);
    if (!manifest.ok()) return Fail(manifest.status().Annotate(ref));
    auto config = layout->ReadBlob(manifest->config.digest);
    if (!config.ok()) return Fail(config.status());
    return PrintInspect(ref, desc->digest, desc->media_type, *manifest_bytes, *config);
  }
  auto parsed = oci::ParseImageReference(ref);
  if (!parsed.ok()) return Fail(parsed.status(), kExitUsage);
  auto client = Client(*parsed, flags);
  if (!client.ok()) return Fail(client.status(), kExitUsage);
  auto raw = oci::FetchImageManifest(**client, *parsed);
  if (!raw.ok()) return Fail(raw.status().Annotate("inspecting " + parsed->str()));
  auto manifest = oci::ParseManifest(raw->bytes);
  if (!manifest.ok()) return Fail(manifest.status().Annotate(parsed->str()));
  auto config = (*client)->GetBlob(parsed->repository, manifest->config.digest);
  if (!config.ok()) return Fail(config.status().Annotate(parsed->str()));
  return PrintInspect(parsed->str(), raw->digest, raw->media_type, raw->bytes, *config);
}

// The line a push ends with.
void PrintPushed(const std::string& local_tag, const oci::ImageReference& ref,
                 const oci::PushResult& pushed) {
  std::cout << "pushed " << local_tag << " to " << ref.str() << "@" << pushed.manifest.digest.str()
            << " (" << HumanSize(pushed.bytes_sent) << " sent in " << pushed.blobs_uploaded
            << " blob(s), " << pushed.blobs_skipped << " already there)\n";
}

int PushImage(const GlobalOptions& options, const std::string& local_tag, const std::string& remote,
              const RegistryFlags& flags) {
  auto ref = oci::ParseImageReference(remote);
  if (!ref.ok()) return Fail(ref.status(), kExitUsage);
  if (ref->digest) {
    return Fail(Status::InvalidArgument("cannot push to " + remote +
                                        ": name a tag (REGISTRY/REPOSITORY:TAG), not a digest"),
                kExitUsage);
  }
  auto layout = OpenStore(options);
  if (!layout.ok()) return Fail(layout.status());
  auto client = Client(*ref, flags);
  if (!client.ok()) return Fail(client.status(), kExitUsage);
  auto pushed = oci::Push(*layout, local_tag, **client, ref->repository, ref->tag);
  if (!pushed.ok()) return Fail(pushed.status());
  PrintPushed(local_tag, *ref, *pushed);
  return kExitOk;
}

int PullImage(const GlobalOptions& options, const std::string& remote, std::string local_tag,
              const RegistryFlags& flags) {
  auto ref = oci::ParseImageReference(remote);
  if (!ref.ok()) return Fail(ref.status(), kExitUsage);
  if (local_tag.empty()) local_tag = ref->str();
  Cancellation never;
  auto lock = LockStore(options, never);
  if (!lock.ok()) return Fail(lock.status());
  auto layout = OpenStore(options);
  if (!layout.ok()) return Fail(layout.status());
  auto client = Client(*ref, flags);
  if (!client.ok()) return Fail(client.status(), kExitUsage);
  auto pulled = oci::Pull(**client, *ref, *layout, local_tag);
  if (!pulled.ok()) return Fail(pulled.status());
  std::cout << "pulled " << ref->str() << " as " << local_tag << " ("
            << pulled->manifest.digest.str() << ", " << HumanSize(pulled->bytes_received)
            << " received)\n";
  return kExitOk;
}

struct BuildFlags {
  std::string dockerfile;  // default: CONTEXT/Dockerfile
  std::string tag;
  std::vector<std::string> build_args;  // K=V, or K to take $K
  std::string target;
  std::string context;
  bool push = false;  // then push `tag` to the registry it names
  bool no_cache = false;
};

int BuildImageCommand(const GlobalOptions& options, const BuildFlags& flags,
                      const RegistryFlags& registry_flags) {
  if (flags.push) {
    auto ref = oci::ParseImageReference(flags.tag);
    if (!ref.ok()) {
      return Fail(ref.status().Annotate("--push needs -t REGISTRY/REPOSITORY:TAG"), kExitUsage);
    }
    if (ref->digest) {
      return Fail(Status::InvalidArgument("--push needs -t REGISTRY/REPOSITORY:TAG, not a digest"),
                  kExitUsage);
    }
  }
  oci::BuildRequest request;
  request.context = flags.context;
  request.dockerfile = flags.dockerfile.empty() ? request.context / "Dockerfile"
                                                : std::filesystem::path(flags.dockerfile);
  request.tag = flags.tag;
  request.target = flags.target;
  request.no_cache = flags.no_cache;
  request.log = [](std::string_view line) { std::cerr << line << std::endl; };
  for (const std::string& arg : flags.build_args) {
    size_t eq = arg.find('=');
    if (eq == 0) {
      return Fail(Status::InvalidArgument("--build-arg " + arg + ": write NAME=VALUE or NAME"),
                  kExitUsage);
    }
    if (eq != std::string::npos) {
      request.build_args[arg.substr(0, eq)] = arg.substr(eq + 1);
    } else if (const char* value = std::getenv(arg.c_str())) {
      request.build_args[arg] = value;  // Docker's NAME form: from the environment, if set
    }
  }
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    auto parsed = oci::ParseSourceDateEpoch(epoch);
    if (!parsed.ok()) return Fail(parsed.status().Annotate("SOURCE_DATE_EPOCH"), kExitUsage);
    request.epoch = *parsed;
  }
  // Ctrl-C stops a RUN in progress and lets the build clean up its mounts.
  Cancellation cancel;
  SignalWatcher signals(cancel, "stopping the build");
  request.cancel = &cancel;
  auto locked = LockStore(options, cancel);
  if (!locked.ok()) return Fail(locked.status());
  std::optional<oci::StoreLock> lock(std::move(*locked));
  auto layout = OpenStore(options);
  if (!layout.ok()) return Fail(layout.status());
  DiagnosticList diagnostics;
  // With --push, the image is pushed while it is built (build_push.h).
  std::optional<oci::ImageReference> push_to;
  std::unique_ptr<oci::RegistryClient> client;
  if (flags.push) {
    push_to = *oci::ParseImageReference(flags.tag);
    auto made = Client(*push_to, registry_flags);
    if (!made.ok()) return Fail(made.status(), kExitUsage);
    client = std::move(*made);
  }
  std::optional<Result<oci::PushResult>> pushed;
  auto built = [&]() -> Result<oci::Descriptor> {
    if (!flags.push) return oci::BuildImage(request, *layout, diagnostics);
    SLUICE_ASSIGN_OR_RETURN(oci::BuildPushResult both,
                            oci::BuildAndPush(request, *layout, diagnostics, *client,
                                              push_to->repository, push_to->tag));
    pushed = std::move(both.pushed);
    return both.image;
  }();
  if (!diagnostics.empty()) {
    auto text = ReadFile(request.dockerfile);
    for (const Diagnostic& d : diagnostics.items()) {
      std::cerr << FormatDiagnostic(d, text.ok() ? *text : "");
    }
  }
  if (!built.ok()) {
    if (diagnostics.has_errors()) return kExitFailed;
    return Fail(built.status());
  }
  std::cout << built->digest.str() << "\n";
  if (!pushed) return kExitOk;
  if (!pushed->ok()) return Fail(pushed->status());
  PrintPushed(flags.tag, *push_to, **pushed);
  return kExitOk;
}

}  // namespace

void AddImageCommand(CLI::App& cli, GlobalOptions& options) {
  auto* cmd = cli.add_subcommand(
      "image", "Container images: the local store in <state>/images and registries");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<RegistryFlags>();

  auto* ls = cmd->add_subcommand("ls", "List the images in the local store");
  ls->callback([&options] { std::exit(List(options)); });

  auto inspect_ref = std::make_shared<std::string>();
  auto inspect_remote = std::make_shared<bool>(false);
  auto* inspect = cmd->add_subcommand("inspect", "Print an image's manifest and config as JSON");
  inspect->add_option("ref", *inspect_ref, "A local tag, or with --remote an image reference")
      ->required();
  inspect->add_flag("--remote", *inspect_remote, "Read the image from its registry");
  AddRegistryFlags(inspect, *flags);
  inspect->callback([&options, inspect_ref, inspect_remote, flags] {
    std::exit(Inspect(options, *inspect_ref, *inspect_remote, *flags));
  });

  auto push_args = std::make_shared<std::pair<std::string, std::string>>();
  auto* push = cmd->add_subcommand("push", "Push a local image to a registry");
  push->add_option("local_tag", push_args->first, "Tag in the local store")->required();
  push->add_option("remote_ref", push_args->second, "REGISTRY/REPOSITORY:TAG")->required();
  AddRegistryFlags(push, *flags);
  push->callback([&options, push_args, flags] {
    std::exit(PushImage(options, push_args->first, push_args->second, *flags));
  });

  auto pull_args = std::make_shared<std::pair<std::string, std::string>>();
  auto* pull = cmd->add_subcommand("pull", "Pull an image from a registry into the local store");
  pull->add_option("remote_ref", pull_args->first, "REGISTRY/REPOSITORY[:TAG|@DIGEST]")->required();
  pull->add_option("local_tag", pull_args->second,
                   "Tag in the local store (default: the full reference)");
  AddRegistryFlags(pull, *flags);
  pull->callback([&options, pull_args, flags] {
    std::exit(PullImage(options, pull_args->first, pull_args->second, *flags));
  });

  auto build_flags = std::make_shared<BuildFlags>();
  auto* build =
      cmd->add_subcommand("build", "Build an image from a Dockerfile into the local store");
  build->add_option("-f,--file", build_flags->dockerfile,
                    "The Dockerfile (default: CONTEXT/Dockerfile)");
  build->add_option("-t,--tag", build_flags->tag, "Tag in the local store")->required();
  build->add_option("--build-arg", build_flags->build_args,
                    "NAME=VALUE for an ARG, or NAME to take $NAME (repeatable)");
  build->add_option("--target", build_flags->target, "The stage to build (default: the last)");
  build->add_flag("--push", build_flags->push,
                  "Push the image to the -t reference (REGISTRY/REPOSITORY:TAG) while it is built");
  AddRegistryFlags(build, *flags);
  build->add_flag("--no-cache", build_flags->no_cache,
                  "Run every step instead of reusing cached layers (results are still cached)");
  build->add_option("context", build_flags->context, "The build context directory")->required();
  build->callback([&options, build_flags, flags] {
    std::exit(BuildImageCommand(options, *build_flags, *flags));
  });

  AddImageScanCommand(*cmd, options);
}

}  // namespace sluice::cli
