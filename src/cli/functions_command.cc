// sluice functions list | versions NAME | deploy NAME --image REF | alias NAME ALIAS VERSION
//                | rm NAME | invoke NAME [--qualifier Q] [--log-type Tail] --payload JSON
//                | logs NAME
//                | serve (functions_serve.cc)
// The function runtime's records (src/serve) from the command line, as the
// AWS CLI's `aws lambda` does for Lambda.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/app.h"
#include "cli/image_support.h"
#include "common/clock.h"
#include "common/files.h"
#include "serve/deploy.h"
#include "serve/function_log.h"
#include "serve/function_runtime.h"

namespace sluice::cli {
namespace {

std::string AliasText(const store::FunctionAliasRecord& a) {
  char weight[32] = "";
  if (a.additional_version) {
    std::snprintf(weight, sizeof weight, " (%.0f%% to %lld)", a.additional_weight * 100,
                  static_cast<long long>(*a.additional_version));
  }
  return a.name + "->" + std::to_string(a.version) + weight;
}

nlohmann::json AliasJson(const store::FunctionAliasRecord& a) {
  nlohmann::json j = {{"name", a.name}, {"version", a.version}};
  if (a.additional_version) {
    j["additionalVersionWeights"] = {{std::to_string(*a.additional_version), a.additional_weight}};
  }
  return j;
}

int List(App& app, bool json) {
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  store::FunctionStore& fns = (*store)->functions();
  auto all = fns.ListFunctions();
  if (!all.ok()) return Fail(all.status());
  nlohmann::json out = nlohmann::json::array();
  if (!json && all->empty()) {
    std::cout << "no functions yet (deploy one with `sluice functions deploy` or a pipeline's "
                 "AwsLambdaDeploy step)\n";
    return kExitOk;
  }
  int name_width = 4, image_width = 5;
  for (const store::FunctionRecord& f : *all) {
    name_width = std::max(name_width, static_cast<int>(f.name.size()));
    image_width = std::max(image_width, static_cast<int>(f.latest.image.size()));
  }
  if (!json) {
    std::printf("%-*s  %-*s  %8s  %-24s  %s\n", name_width, "NAME", image_width, "IMAGE",
                "VERSIONS", "UPDATED", "ALIASES");
  }
  for (const store::FunctionRecord& f : *all) {
    auto aliases = fns.ListAliases(f.name);
    if (!aliases.ok()) return Fail(aliases.status());
    if (json) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& alias : *aliases) a.push_back(AliasJson(alias));
      out.push_back({{"name", f.name},
                     {"image", f.latest.image},
                     {"imageDigest", f.latest.image_digest},
                     {"lastVersion", f.last_version},
                     {"updatedAt", FormatTimestamp(f.updated_ms)},
                     {"aliases", std::move(a)}});
      continue;
    }
    std::string alias_text;
    for (const auto& alias : *aliases)
      alias_text += (alias_text.empty() ? "" : ", ") + AliasText(alias);
    std::printf("%-*s  %-*s  %8lld  %-24s  %s\n", name_width, f.name.c_str(), image_width,
                f.latest.image.c_str(), static_cast<long long>(f.last_version),
                FormatTimestamp(f.updated_ms).c_str(),
                alias_text.empty() ? "-" : alias_text.c_str());
  }
  if (json) std::cout << out.dump(2) << "\n";
  return kExitOk;
}

int Versions(App& app, const std::string& name, bool json) {
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  store::FunctionStore& fns = (*store)->functions();
  auto fn = fns.GetFunction(name);
  if (!fn.ok()) return Fail(fn.status(), kExitUsage);
  auto versions = fns.ListVersions(name);
  if (!versions.ok()) return Fail(versions.status());
  auto aliases = fns.ListAliases(name);
  if (!aliases.ok()) return Fail(aliases.status());
  if (json) {
    nlohmann::json v = nlohmann::json::array();
    v.push_back({{"version", "$LATEST"},
                 {"image", fn->latest.image},
                 {"imageDigest", fn->latest.image_digest},
                 {"updatedAt", FormatTimestamp(fn->updated_ms)}});
    for (const auto& r : *versions) {
      v.push_back({{"version", std::to_string(r.version)},
                   {"image", r.config.image},
                   {"imageDigest", r.config.image_digest},
                   {"description", r.description},
                   {"createdAt", FormatTimestamp(r.created_ms)}});
    }
    nlohmann::json a = nlohmann::json::array();
    for (const auto& alias : *aliases) a.push_back(AliasJson(alias));
    std::cout << nlohmann::json{{"name", name}, {"versions", v}, {"aliases", a}}.dump(2) << "\n";
    return kExitOk;
  }
  std::printf("%-8s  %-40s  %-19s  %-24s  %s\n", "VERSION", "IMAGE", "DIGEST", "CREATED",
              "DESCRIPTION");
  auto short_digest = [](const std::string& d) { return d.substr(0, 19); };
  std::printf("%-8s  %-40s  %-19s  %-24s  %s\n", "$LATEST", fn->latest.image.c_str(),
              short_digest(fn->latest.image_digest).c_str(),
              FormatTimestamp(fn->updated_ms).c_str(), "");
  for (const auto& r : *versions) {
    std::printf("%-8lld  %-40s  %-19s  %-24s  %s\n", static_cast<long long>(r.version),
                r.config.image.c_str(), short_digest(r.config.image_digest).c_str(),
                FormatTimestamp(r.created_ms).c_str(), r.description.c_str());
  }
  for (const auto& alias : *aliases) std::cout << "alias " << AliasText(alias) << "\n";
  return kExitOk;
}

struct DeployFlags {
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> env;
  int timeout_s = 3;
  int memory_mb = 128;
  int concurrency = -1;
  std::string handler;
  std::vector<std::string> aliases;
  std::string description;
  bool canary = false;
};

int DeployCommand(App& app, const std::string& name, const DeployFlags& flags) {
  auto layout = OpenStore(app.options());
  if (!layout.ok()) return Fail(layout.status());
  auto image = layout->Resolve(flags.image);
  if (!image.ok()) {
    return Fail(Status::NotFound("image " + flags.image + " is not in the local image store (" +
                                 layout->dir().string() +
                                 "); build it with `sluice image build -t` or pull it with "
                                 "`sluice image pull`"),
                kExitUsage);
  }
  serve::DeployPlan plan;
  plan.function = name;
  plan.config.image = flags.image;
  plan.config.image_digest = image->digest.str();
  plan.config.command = flags.command;
  for (const std::string& kv : flags.env) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(Status::InvalidArgument("--env " + kv + ": give NAME=VALUE"), kExitUsage);
    }
    plan.config.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  plan.config.timeout_s = flags.timeout_s;
  plan.config.memory_mb = flags.memory_mb;
  plan.config.reserved_concurrency = flags.concurrency;
  plan.config.handler = flags.handler;
  plan.aliases = flags.aliases;
  plan.description = flags.description;
  plan.canary = flags.canary;
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  auto record = serve::Deploy((*store)->functions(), plan, DefaultClock().NowMillis());
  if (!record.ok()) return Fail(record.status(), kExitUsage);
  std::cout << (record->created ? "created " : "updated ") << name << " from " << flags.image
            << " (" << plan.config.image_digest.substr(0, 19) << ")\n";
  std::cout << (record->new_version ? "published version " : "unchanged: version ")
            << record->version << "\n";
  for (const auto& a : record->aliases) {
    if (flags.canary && a.existed) {
      std::cout << "alias " << a.name << " still serves version " << a.alias.version
                << " (shift traffic with `sluice functions alias`)\n";
    } else {
      std::cout << "alias " << a.name << " -> version " << record->version << "\n";
    }
  }
  return kExitOk;
}

int AliasCommand(App& app, const std::string& name, const std::string& alias, int64_t version,
                 const std::string& weight) {
  store::FunctionAliasRecord a;
  a.function = name;
  a.name = alias;
  a.version = version;
  if (!weight.empty()) {
    size_t eq = weight.find('=');
    try {
      if (eq == std::string::npos) throw std::invalid_argument("no =");
      a.additional_version = std::stoll(weight.substr(0, eq));
      a.additional_weight = std::stod(weight.substr(eq + 1)) / 100.0;
    } catch (const std::exception&) {
      return Fail(Status::InvalidArgument("--weight " + weight +
                                          ": give VERSION=PERCENT, e.g. --weight 4=10"),
                  kExitUsage);
    }
  }
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  Status s = (*store)->functions().PutAlias(a, DefaultClock().NowMillis());
  if (!s.ok()) return Fail(s, kExitUsage);
  std::cout << "alias " << AliasText(a) << "\n";
  return kExitOk;
}

int Remove(App& app, const std::string& name) {
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  Status s = (*store)->functions().DeleteFunction(name);
  if (!s.ok()) return Fail(s, kExitUsage);
  std::cout << "deleted " << name << "\n";
  return kExitOk;
}

int Invoke(App& app, const std::string& name, const std::string& qualifier, std::string payload,
           const std::string& log_type) {
  if (!log_type.empty() && log_type != "Tail" && log_type != "None") {
    return Fail(Status::InvalidArgument("--log-type " + log_type + ": give Tail or None"),
                kExitUsage);
  }
  if (payload.starts_with("@")) {
    auto text = ReadFile(payload.substr(1));
    if (!text.ok()) return Fail(text.status(), kExitUsage);
    payload = *text;
  }
  auto store = app.Store();
  if (!store.ok()) return Fail(store.status());
  serve::RuntimeOptions options;
  options.state_dir = app.StateDir();
  auto runtime = serve::FunctionRuntime::Start(**store, options);
  if (!runtime.ok()) return Fail(runtime.status());
  serve::InvokeRequest request;
  request.function = name;
  request.qualifier = qualifier;
  request.payload = payload.empty() ? "{}" : payload;
  request.tail_log = log_type == "Tail";
  serve::InvokeResult r = (*runtime)->InvokeAndWait(std::move(request));
  (*runtime)->Shutdown();
  std::cout << r.body << "\n";
  std::cerr << r.log_tail;
  if (!r.executed_version.empty()) std::cerr << "executed version: " << r.executed_version << "\n";
  if (r.status != 200 || !r.function_error.empty()) {
    std::cerr << "sluice: "
              << (r.function_error.empty() ? r.error_type
                                           : r.error_type + " (" + r.function_error + ")")
              << "; `sluice functions logs " << name << "` shows the function's log\n";
    return kExitFailed;
  }
  return kExitOk;
}

int Logs(App& app, const std::string& name, size_t tail) {
  auto text = serve::FunctionLogs::Tail(app.StateDir() / "functions" / "logs", name, tail);
  if (!text.ok()) return Fail(text.status());
  std::cout << *text;
  return kExitOk;
}

}  // namespace

void AddFunctionsCommand(CLI::App& cli, GlobalOptions& options) {
  CLI::App* cmd = cli.add_subcommand("functions", "Functions hosted by the local function runtime");
  cmd->require_subcommand(1);
  struct Flags {
    bool json = false;
    std::string name, alias_name, weight, qualifier, payload, log_type;
    int64_t version = 0;
    size_t tail = 64 * 1024;
    DeployFlags deploy;
  };
  auto f = std::make_shared<Flags>();

  CLI::App* list = cmd->add_subcommand("list", "List functions with their aliases");
  list->add_flag("--json", f->json, "Print JSON");
  list->callback([&options, f] {
    App app(options);
    std::exit(List(app, f->json));
  });

  CLI::App* versions = cmd->add_subcommand("versions", "A function's versions and aliases");
  versions->add_option("NAME", f->name, "Function name")->required();
  versions->add_flag("--json", f->json, "Print JSON");
  versions->callback([&options, f] {
    App app(options);
    std::exit(Versions(app, f->name, f->json));
  });

  CLI::App* deploy = cmd->add_subcommand(
      "deploy", "Create or update a function from a local image and publish a version");
  deploy->add_option("NAME", f->name, "Function name")->required();
  deploy->add_option("--image", f->deploy.image, "Image in the local image store")->required();
  deploy->add_option("--command", f->deploy.command, "Replaces the image's ENTRYPOINT and CMD");
  deploy->add_option("--env", f->deploy.env, "NAME=VALUE environment variables");
  deploy->add_option("--timeout", f->deploy.timeout_s, "Seconds per invocation (default 3)");
  deploy->add_option("--memory", f->deploy.memory_mb, "MemorySize in MB (default 128)");
  deploy->add_option("--concurrency", f->deploy.concurrency, "Reserved concurrency");
  deploy->add_option("--handler", f->deploy.handler, "_HANDLER for the runtime");
  deploy->add_option("--alias", f->deploy.aliases, "Aliases to point at the new version");
  deploy->add_option("--description", f->deploy.description, "The version's description");
  deploy->add_flag("--canary", f->deploy.canary,
                   "Publish only; existing aliases keep serving their version");
  deploy->callback([&options, f] {
    App app(options);
    std::exit(DeployCommand(app, f->name, f->deploy));
  });

  CLI::App* alias = cmd->add_subcommand("alias", "Create or move an alias");
  alias->add_option("NAME", f->name, "Function name")->required();
  alias->add_option("ALIAS", f->alias_name, "Alias name")->required();
  alias->add_option("VERSION", f->version, "Version the alias points at")->required();
  alias->add_option("--weight", f->weight, "VERSION=PERCENT of the traffic to another version");
  alias->callback([&options, f] {
    App app(options);
    std::exit(AliasCommand(app, f->name, f->alias_name, f->version, f->weight));
  });

  CLI::App* rm = cmd->add_subcommand("rm", "Delete a function with its versions and aliases");
  rm->add_option("NAME", f->name, "Function name")->required();
  rm->callback([&options, f] {
    App app(options);
    std::exit(Remove(app, f->name));
  });

  CLI::App* invoke = cmd->add_subcommand("invoke", "Invoke a function once and print its answer");
  invoke->add_option("NAME", f->name, "Function name")->required();
  invoke->add_option("--qualifier", f->qualifier, "Version or alias (default $LATEST)");
  invoke->add_option("--payload", f->payload, "The event: JSON, or @FILE")->required();
  invoke->add_option("--log-type", f->log_type,
                     "Tail: print the invocation's log (its last 4 KB) to stderr");
  invoke->callback([&options, f] {
    App app(options);
    std::exit(Invoke(app, f->name, f->qualifier, f->payload, f->log_type));
  });

  CLI::App* logs = cmd->add_subcommand("logs", "A function's log (START, END, REPORT, its output)");
  logs->add_option("NAME", f->name, "Function name")->required();
  logs->add_option("--tail", f->tail, "Bytes from the end (default 65536)");
  logs->callback([&options, f] {
    App app(options);
    std::exit(Logs(app, f->name, f->tail));
  });

  AddFunctionsServeCommand(*cmd, options);
}

}  // namespace sluice::cli
