// ResolveStage(): variable substitution with the scope Docker gives each
// instruction, and the environment tracked through the stage.
#include <cctype>
#include <string>
#include <utility>

#include "oci/dockerfile.h"
#include "oci/dockerfile_words.h"

namespace sluice::oci {
namespace {

void Set(Environment& env, const std::string& key, const std::string& value) {
  for (KeyValue& kv : env) {
    if (kv.key == key) {
      kv.value = value;
      return;
    }
  }
  env.push_back({key, value, true});
}

bool IsPort(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  int port = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    port = port * 10 + (c - '0');
  }
  return port >= 1 && port <= 65535;
}

// "80", "80/tcp", "8000-8010/udp".
bool IsExposeSpec(std::string_view s) {
  size_t slash = s.find('/');
  if (slash != std::string_view::npos) {
    std::string_view proto = s.substr(slash + 1);
    if (proto != "tcp" && proto != "udp" && proto != "sctp") return false;
    s = s.substr(0, slash);
  }
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) return IsPort(s);
  return IsPort(s.substr(0, dash)) && IsPort(s.substr(dash + 1));
}

constexpr std::string_view kPlatformArgs[] = {
    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
    "BUILDPLATFORM",  "BUILDOS",  "BUILDARCH",  "BUILDVARIANT",
};

bool IsPlatformArg(std::string_view name) {
  for (std::string_view p : kPlatformArgs) {
    if (p == name) return true;
  }
  return false;
}

class Resolver {
 public:
  Resolver(const Dockerfile& dockerfile, std::size_t index, const BuildArgs& build_args,
           const StageBase& base, DiagnosticList& diagnostics)
      : dockerfile_(dockerfile), index_(index), build_args_(build_args), diagnostics_(diagnostics) {
    out_.env = base.env;
    out_.workdir = base.workdir.empty() ? "/" : base.workdir;
  }

  ResolvedStage Run() {
    const Stage& stage = dockerfile_.stages[index_];
    GlobalArgs();
    line_ = stage.line;
    column_ = stage.column;
    out_.name = stage.name;
    out_.line = stage.line;
    out_.base = Expand("FROM", stage.base, globals_);
    out_.platform = Expand("FROM", stage.platform, globals_);
    if (out_.base.empty() && ok_) {
      Error("FROM", "the image is empty after substitution; give the ARG a value");
    }
    for (const Instruction& ins : stage.instructions) {
      line_ = ins.line;
      column_ = ins.column;
      out_.instructions.push_back(Resolve(ins));
    }
    return std::move(out_);
  }

  bool ok() const { return ok_; }

 private:
  void Error(std::string_view instruction, const std::string& message) {
    diagnostics_.Error({dockerfile_.file, line_, column_},
                       std::string(instruction) + ": " + message);
    ok_ = false;
  }

  std::string Expand(std::string_view instruction, const std::string& word,
                     const Environment& vars) {
    Result<std::string> r = ExpandWord(word, vars, dockerfile_.escape);
    if (!r.ok()) {
      Error(instruction, r.status().message());
      return "";
    }
    return std::move(r).value();
  }

  // ARGs before FROM: build args override their defaults; a default may use
  // an earlier global ARG.
  void GlobalArgs() {
    for (const auto& [key, value] : build_args_) {
      if (IsPlatformArg(key)) Set(globals_, key, value);
    }
    for (const Instruction& ins : dockerfile_.global_args) {
      line_ = ins.line;
      column_ = ins.column;
      for (const KeyValue& arg : ins.pairs) {
        if (auto it = build_args_.find(arg.key); it != build_args_.end()) {
          Set(globals_, arg.key, it->second);
        } else if (arg.has_value) {
          Set(globals_, arg.key, Expand("ARG", arg.value, globals_));
        }
      }
    }
  }

  // The variables an instruction sees: the stage's ARGs, with ENV winning.
  Environment Scope() const {
    Environment scope = out_.env;
    for (const KeyValue& kv : args_) {
      if (!FindVariable(scope, kv.key)) scope.push_back(kv);
    }
    return scope;
  }

  Instruction Resolve(const Instruction& in) {
    Instruction ins = in;
    std::string_view name = InstructionName(in.kind);
    Environment scope = Scope();  // the variables from before this instruction
    switch (in.kind) {
      case InstructionKind::kArg:
        for (KeyValue& kv : ins.pairs) {
          const std::string* global = FindVariable(globals_, kv.key);
          if (auto it = build_args_.find(kv.key); it != build_args_.end()) {
            kv.value = it->second;
          } else if (kv.has_value) {
            kv.value = Expand(name, kv.value, Scope());
          } else if (global) {
            kv.value = *global;  // `ARG NAME` in a stage takes the global default
          } else {
            continue;  // declared without a value: unset, so empty when used
          }
          kv.has_value = true;
          Set(args_, kv.key, kv.value);
        }
        break;
      case InstructionKind::kEnv:
      case InstructionKind::kLabel:
        // All pairs of one instruction see the variables from before it.
        for (KeyValue& kv : ins.pairs) {
          kv.key = Expand(name, kv.key, scope);
          kv.value = Expand(name, kv.value, scope);
          if (kv.key.empty()) Error(name, "a name is empty after substitution");
        }
        if (in.kind == InstructionKind::kEnv) {
          for (const KeyValue& kv : ins.pairs) Set(out_.env, kv.key, kv.value);
        }
        break;
      case InstructionKind::kWorkdir: {
        std::string dir = Expand(name, in.values[0], scope);
        if (dir.empty()) {
          Error(name, "the directory is empty after substitution; give the variable a value");
        } else if (dir[0] != '/') {
          dir = (out_.workdir.back() == '/' ? out_.workdir : out_.workdir + "/") + dir;
        }
        out_.workdir = dir;
        ins.values = {dir};
        break;
      }
      case InstructionKind::kUser:
      case InstructionKind::kStopsignal:
      case InstructionKind::kVolume:
      case InstructionKind::kExpose:
        for (std::string& v : ins.values) {
          v = Expand(name, v, scope);
          if (v.empty()) {
            Error(name, "a value is empty after substitution; give the variable a value");
          }
          if (in.kind == InstructionKind::kExpose) {
            // Docker accepts the protocol in any case and stores it lower-cased.
            for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          }
          if (in.kind == InstructionKind::kExpose && !v.empty() && !IsExposeSpec(v)) {
            Error(name, "\"" + v + "\" is not a port; write 80, 80/tcp, 53/udp or 8000-8010/tcp");
          }
        }
        break;
      case InstructionKind::kCopy:
      case InstructionKind::kAdd: {
        CopySpec& c = ins.copy;
        for (std::string& s : c.sources) s = Expand(name, s, scope);
        c.destination = Expand(name, c.destination, scope);
        c.from = Expand(name, c.from, scope);
        c.chown = Expand(name, c.chown, scope);
        c.chmod = Expand(name, c.chmod, scope);
        int from = c.from.empty() ? -1 : FindStage(dockerfile_, c.from);
        if (from >= static_cast<int>(index_)) {
          Error(name, "--from=" + c.from +
                          " names this stage or a later one; copy only from an earlier stage");
        }
        break;
      }
      case InstructionKind::kRun:
        ins.run_env = scope;
        break;
      case InstructionKind::kCmd:
      case InstructionKind::kEntrypoint:
      case InstructionKind::kHealthcheck:
      case InstructionKind::kShell:
        break;  // the shell in the image expands these
    }
    return ins;
  }

  const Dockerfile& dockerfile_;
  std::size_t index_;
  const BuildArgs& build_args_;
  DiagnosticList& diagnostics_;
  Environment globals_;
  Environment args_;
  ResolvedStage out_;
  int line_ = 0;
  int column_ = 1;
  bool ok_ = true;
};

}  // namespace

Result<BuildArgs> PlatformArgs(std::string_view target, std::string_view build) {
  BuildArgs args;
  for (auto [prefix, platform] : {std::pair<std::string, std::string_view>{"TARGET", target},
                                  std::pair<std::string, std::string_view>{"BUILD", build}}) {
    std::vector<std::string_view> parts;
    for (size_t start = 0;;) {
      size_t slash = platform.find('/', start);
      parts.push_back(platform.substr(start, slash - start));
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
    bool empty_part = false;
    for (std::string_view part : parts) empty_part = empty_part || part.empty();
    if (parts.size() < 2 || parts.size() > 3 || empty_part) {
      return Status::InvalidArgument("platform \"" + std::string(platform) +
                                     "\" is not os/arch[/variant]; write e.g. linux/amd64 or "
                                     "linux/arm/v7");
    }
    args[prefix + "PLATFORM"] = std::string(platform);
    args[prefix + "OS"] = std::string(parts[0]);
    args[prefix + "ARCH"] = std::string(parts[1]);
    args[prefix + "VARIANT"] = parts.size() == 3 ? std::string(parts[2]) : "";
  }
  return args;
}

std::vector<std::string> UnusedBuildArgs(const Dockerfile& dockerfile,
                                         const BuildArgs& build_args) {
  std::vector<std::string> unused;
  for (const auto& entry : build_args) {
    const std::string& key = entry.first;
    bool used = IsPlatformArg(key);
    auto declares = [&key](const std::vector<Instruction>& instructions) {
      for (const Instruction& ins : instructions) {
        if (ins.kind != InstructionKind::kArg) continue;
        for (const KeyValue& arg : ins.pairs) {
          if (arg.key == key) return true;
        }
      }
      return false;
    };
    used = used || declares(dockerfile.global_args);
    for (const Stage& stage : dockerfile.stages) used = used || declares(stage.instructions);
    if (!used) unused.push_back(key);
  }
  return unused;  // sorted: BuildArgs is an ordered map
}

Result<ResolvedStage> ResolveStage(const Dockerfile& dockerfile, std::size_t index,
                                   const BuildArgs& build_args, const StageBase& base,
                                   DiagnosticList& diagnostics) {
  if (index >= dockerfile.stages.size()) {
    return Status::InvalidArgument(dockerfile.file + ": there is no stage " +
                                   std::to_string(index) + "; it has " +
                                   std::to_string(dockerfile.stages.size()));
  }
  DiagnosticList found;
  Resolver resolver(dockerfile, index, build_args, base, found);
  ResolvedStage stage = resolver.Run();
  diagnostics.Append(found);
  if (!resolver.ok()) {
    const Diagnostic& first = found.items().front();
    return Status::InvalidArgument(first.location.ToString() + ": " + first.message);
  }
  return stage;
}

}  // namespace sluice::oci
