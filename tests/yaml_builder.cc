#include "yaml_builder.h"

#include <sstream>

namespace sluice::testing {

std::string Indent(const std::string& yaml, int n) {
  std::istringstream in(yaml);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    if (!line.empty()) out += std::string(static_cast<size_t>(n), ' ') + line;
    out += '\n';
  }
  return out;
}

namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += i.empty() || i.back() == '\n' ? i : i + "\n";
  return out;
}

std::string Header(const std::string& kind, const std::string& type, const std::string& id) {
  return "- " + kind + ":\n    type: " + type + "\n    name: " + id + "\n    identifier: " + id +
         "\n";
}

}  // namespace

std::string ShellStep(const std::string& id, const std::string& script, const StepParts& more) {
  return Header("step", "ShellScript", id) +
         "    spec:\n"
         "      shell: Bash\n"
         "      source:\n"
         "        type: Inline\n"
         "        spec:\n"
         "          script: |-\n" +
         Indent(script, 12) + Indent(more.spec, 6) + Indent(more.fields, 4);
}

std::string RunStep(const std::string& id, const std::string& command, const StepParts& more) {
  return Header("step", "Run", id) +
         "    spec:\n"
         "      shell: Sh\n"
         "      command: |-\n" +
         Indent(command, 8) + Indent(more.spec, 6) + Indent(more.fields, 4);
}

std::string StepGroup(const std::string& id, const std::vector<std::string>& steps,
                      const std::string& fields) {
  return "- stepGroup:\n    name: " + id + "\n    identifier: " + id + "\n    steps:\n" +
         Indent(Join(steps), 6) + Indent(fields, 4);
}

std::string Parallel(const std::vector<std::string>& members) {
  return "- parallel:\n" + Indent(Join(members), 4);
}

std::string CustomStage(const std::string& id, const std::vector<std::string>& steps,
                        const StageParts& more) {
  return Header("stage", "Custom", id) +
         "    spec:\n"
         "      execution:\n"
         "        steps:\n" +
         Indent(Join(steps), 10) + Indent(more.execution, 8) + Indent(more.spec, 6) +
         Indent(more.fields, 4);
}

std::string CiStage(const std::string& id, const std::vector<std::string>& steps,
                    const StageParts& more) {
  std::string clone =
      more.spec.find("cloneCodebase") == std::string::npos ? "      cloneCodebase: false\n" : "";
  return Header("stage", "CI", id) + "    spec:\n" + clone +
         "      platform:\n"
         "        os: Linux\n"
         "        arch: Amd64\n"
         "      runtime:\n"
         "        type: Cloud\n"
         "        spec: {}\n"
         "      execution:\n"
         "        steps:\n" +
         Indent(Join(steps), 10) + Indent(more.execution, 8) + Indent(more.spec, 6) +
         Indent(more.fields, 4);
}

std::string Pipeline(const std::string& id, const std::vector<std::string>& stages,
                     const std::string& fields) {
  return "pipeline:\n  name: " + id + "\n  identifier: " + id +
         "\n  projectIdentifier: default_project\n  orgIdentifier: default\n" + Indent(fields, 2) +
         "  stages:\n" + Indent(Join(stages), 4);
}

std::string OnFailure(const std::string& action, const std::string& errors) {
  return "failureStrategies:\n  - onFailure:\n      errors: " + errors + "\n      action:\n" +
         Indent(action, 8);
}

}  // namespace sluice::testing
