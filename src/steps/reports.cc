#include "steps/reports.h"

#include "common/files.h"
#include "common/glob.h"
#include "steps/junit.h"

namespace sluice::steps {
namespace {

// A paths entry as written, for the log.
std::string Quoted(const YAML::Node& path) {
  return "\"" + (path.IsScalar() ? path.Scalar() : std::string("(not a string)")) + "\"";
}

}  // namespace

void CheckJUnitReports(SpecChecker& check, const YAML::Node& spec) {
  YAML::Node reports = spec["reports"];
  if (!reports || reports.IsNull()) return;
  if (!reports.IsMap()) {
    check.Error(reports, "reports must be {type: JUnit, spec: {paths: [...]}}");
    return;
  }
  check.CheckOneOf(reports, "type", {"JUnit"}, "reports");
  if (!reports["spec"] || !reports["spec"]["paths"] || !reports["spec"]["paths"].IsSequence()) {
    check.Error(reports, "reports needs spec.paths: a list of globs (e.g. - report.xml)");
  }
}

void CollectJUnitReports(engine::StepContext& ctx, const YAML::Node& reports,
                         const ImageRoot* image, engine::StepOutcome* outcome) {
  if (!reports || !reports.IsMap() || !reports["spec"] || !reports["spec"]["paths"]) return;
  TestReport total;
  int files = 0;
  for (const YAML::Node& p : reports["spec"]["paths"]) {
    auto pattern = ctx.ResolveString(p, "spec.reports.spec.paths");
    if (!pattern.ok()) {
      ctx.Log("[sluice] reports: skipped the path " + Quoted(p) + ": " +
              pattern.status().message());
      continue;
    }
    // Paths are as the script saw them: the directory part before the
    // first wildcard goes through the mounts, the rest is globbed there.
    std::string pat = *pattern;
    size_t wild = pat.find_first_of("*?[");
    size_t cut = pat.rfind('/', wild == std::string::npos ? pat.size() : wild);
    std::string dir = cut == std::string::npos ? "." : pat.substr(0, cut == 0 ? 1 : cut);
    std::string rest = cut == std::string::npos ? pat : pat.substr(cut + 1);
    std::filesystem::path base =
        image ? image->ToHost(ctx.workspace, dir) : ctx.workspace.ToHost(dir);
    for (const auto& file : FindFiles(base, rest)) {
      std::string shown =
          (std::filesystem::path(dir) / file.lexically_relative(base)).lexically_normal().string();
      auto text = ReadFile(file);
      if (!text.ok()) {
        ctx.Log("[sluice] reports: skipped " + shown + ": " + text.status().message());
        continue;
      }
      auto report = ParseJUnit(*text, shown);
      if (!report.ok()) {
        ctx.Log("[sluice] " + report.status().message());
        continue;
      }
      ++files;
      total.Merge(*report);
    }
  }
  if (files == 0) {
    ctx.Log("[sluice] reports: no JUnit file matched the given paths");
  } else {
    ctx.Log("[sluice] tests: " + std::to_string(total.total) + " total, " +
            std::to_string(total.total - total.failed - total.skipped) + " passed, " +
            std::to_string(total.failed) + " failed, " + std::to_string(total.skipped) +
            " skipped (" + std::to_string(files) + " report file(s))");
    for (const TestCaseResult& c : total.cases) {
      if (c.outcome == "failed" || c.outcome == "error") {
        ctx.Log("[sluice]   " + c.outcome + ": " + (c.classname.empty() ? "" : c.classname + ".") +
                c.name + (c.message.empty() ? "" : ": " + c.message));
      }
    }
  }
  outcome->details["tests"] = total.ToJson();
}

}  // namespace sluice::steps
