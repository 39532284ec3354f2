#include "oci/builder_config.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sluice::oci {
namespace {

void SetEnv(ContainerConfig& config, const std::string& key, const std::string& value) {
  std::string prefix = key + "=";
  for (std::string& e : config.env) {
    if (e.starts_with(prefix)) {
      e = prefix + value;
      return;
    }
  }
  config.env.push_back(prefix + value);
}

std::string Pairs(const std::vector<KeyValue>& pairs) {
  std::string out;
  for (const auto& kv : pairs) out += " " + kv.key + "=" + kv.value;
  return out;
}

Result<HealthConfig> ToHealthConfig(const Healthcheck& h) {
  HealthConfig out;
  if (h.none) {
    out.test = {"NONE"};
    return out;
  }
  if (h.command.exec_form) {
    out.test = {"CMD"};
    out.test.insert(out.test.end(), h.command.args.begin(), h.command.args.end());
  } else {
    out.test = {"CMD-SHELL", Joined(h.command.args)};
  }
  struct {
    const std::string& text;
    const char* flag;
    int64_t& out;
  } durations[] = {{h.interval, "--interval", out.interval},
                   {h.timeout, "--timeout", out.timeout},
                   {h.start_period, "--start-period", out.start_period},
                   {h.start_interval, "--start-interval", out.start_interval}};
  for (auto& d : durations) {
    if (d.text.empty()) continue;
    auto ns = ParseGoDuration(d.text);
    if (!ns.ok())
      return Status::InvalidArgument(std::string(d.flag) + "=" + d.text + ": " +
                                     ns.status().message());
    d.out = *ns;
  }
  out.retries = h.retries;
  return out;
}

}  // namespace

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::vector<std::string> ToArgv(const Command& command, const std::vector<std::string>& shell) {
  if (command.exec_form) return command.args;
  std::vector<std::string> argv = shell;
  argv.push_back(Joined(command.args));
  return argv;
}

std::string Describe(const Instruction& in, const std::vector<std::string>& shell) {
  std::string out(InstructionName(in.kind));
  switch (in.kind) {
    case InstructionKind::kArg:
    case InstructionKind::kEnv:
    case InstructionKind::kLabel:
      return out + Pairs(in.pairs);
    case InstructionKind::kWorkdir:
    case InstructionKind::kUser:
    case InstructionKind::kStopsignal:
    case InstructionKind::kExpose:
    case InstructionKind::kVolume:
      return out + " " + Joined(in.values);
    case InstructionKind::kRun:
    case InstructionKind::kCmd:
    case InstructionKind::kEntrypoint:
      return out + " " + Joined(ToArgv(in.command, shell));
    case InstructionKind::kShell:
      return out + " " + Joined(in.command.args);
    case InstructionKind::kHealthcheck:
      return out + (in.healthcheck.none ? " NONE" : " CMD " + Joined(in.healthcheck.command.args));
    case InstructionKind::kCopy:
    case InstructionKind::kAdd: {
      const CopySpec& c = in.copy;
      if (!c.from.empty()) out += " --from=" + c.from;
      if (!c.chown.empty()) out += " --chown=" + c.chown;
      if (!c.chmod.empty()) out += " --chmod=" + c.chmod;
      return out + " " + Joined(c.sources) + " " + c.destination;
    }
  }
  return out;
}

Status ApplyConfigInstruction(const Instruction& in, StageState& state, ContainerConfig& config) {
  switch (in.kind) {
    case InstructionKind::kEnv:
      for (const auto& kv : in.pairs) SetEnv(config, kv.key, kv.value);
      break;
    case InstructionKind::kLabel:
      for (const auto& kv : in.pairs) config.labels[kv.key] = kv.value;
      break;
    case InstructionKind::kWorkdir:
      state.workdir = config.working_dir = in.values.at(0);
      break;
    case InstructionKind::kUser:
      config.user = in.values.at(0);
      break;
    case InstructionKind::kStopsignal:
      config.stop_signal = in.values.at(0);
      break;
    case InstructionKind::kExpose:
      for (const auto& v : in.values) {
        config.exposed_ports.insert(v.find('/') == std::string::npos ? v + "/tcp" : v);
      }
      break;
    case InstructionKind::kVolume:
      for (const auto& v : in.values) config.volumes.insert(v);
      break;
    case InstructionKind::kCmd:
      config.cmd = ToArgv(in.command, state.shell);
      state.cmd_set = true;
      break;
    case InstructionKind::kEntrypoint:
      config.entrypoint = ToArgv(in.command, state.shell);
      if (!state.cmd_set) config.cmd.reset();  // Docker drops an inherited CMD, not this stage's
      break;
    case InstructionKind::kShell:
      state.shell = in.command.args;
      break;
    case InstructionKind::kHealthcheck: {
      SLUICE_ASSIGN_OR_RETURN(HealthConfig health, ToHealthConfig(in.healthcheck));
      config.healthcheck = std::move(health);
      break;
    }
    case InstructionKind::kArg:
    case InstructionKind::kRun:
    case InstructionKind::kCopy:
    case InstructionKind::kAdd:
      break;
  }
  return Status::Ok();
}

Result<int64_t> ParseGoDuration(std::string_view text) {
  static const struct {
    std::string_view unit;
    double ns;
  } kUnits[] = {{"ns", 1},  {"us", 1e3}, {"µs", 1e3},  {"ms", 1e6},
                {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  auto bad = [&] {
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\" is not a duration; write e.g. 30s, 1m30s or 500ms");
  };
  if (text == "0") return int64_t{0};
  double total = 0;
  std::string_view rest = text;
  if (rest.empty()) return bad();
  while (!rest.empty()) {
    size_t digits = rest.find_first_not_of("0123456789.");
    if (digits == 0 || digits == std::string_view::npos) return bad();
    std::string number(rest.substr(0, digits));
    char* end = nullptr;
    double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return bad();
    rest.remove_prefix(digits);
    size_t unit_len = rest.find_first_of("0123456789.");
    std::string_view unit = rest.substr(0, unit_len);
    const auto* match = std::find_if(std::begin(kUnits), std::end(kUnits),
                                     [&](const auto& u) { return u.unit == unit; });
    if (match == std::end(kUnits)) return bad();
    total += value * match->ns;
    rest.remove_prefix(unit.size());
  }
  return static_cast<int64_t>(std::llround(total));
}

}  // namespace sluice::oci
