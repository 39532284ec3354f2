// Checks Prometheus text exposition (format 0.0.4) line by line, for the
// tests of what writes it: every family has one HELP and one TYPE line
// before its samples, samples belong to the family above them (with
// _bucket/_sum/_count for histograms), label sets are well formed with
// escaped values, values parse, histogram buckets are cumulative and end
// with le="+Inf" equal to _count.
#pragma once

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace sluice::monitor::testing {

struct ParsedSample {
  std::string name;
  std::map<std::string, std::string> labels;  // values unescaped
  double value = 0;
};

// Returns the problems found ("line 3: ..."); empty when the text is valid.
// Fills *samples with every sample.
inline std::vector<std::string> CheckExposition(const std::string& text,
                                                std::vector<ParsedSample>* samples) {
  std::vector<std::string> problems;
  static const std::regex kHelp(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$)");
  static const std::regex kType(
      R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  static const std::regex kSample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$)");
  static const std::regex kLabel(
      R"(^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)\"(,|$))");
  std::set<std::string> families;
  std::string family, type, help_of;
  size_t line_no = 0;
  size_t start = 0;
  if (text.empty() || text.back() != '\n') problems.push_back("the text must end with a newline");
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    const std::string at = "line " + std::to_string(line_no) + ": ";
    std::smatch m;
    if (line.rfind("# HELP ", 0) == 0) {
      if (!std::regex_match(line, m, kHelp)) {
        problems.push_back(at + "bad HELP line");
        continue;
      }
      help_of = m[1];
      if (families.count(help_of) != 0) problems.push_back(at + "family " + help_of + " repeated");
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      if (!std::regex_match(line, m, kType)) {
        problems.push_back(at + "bad TYPE line");
        continue;
      }
      family = m[1];
      type = m[2];
      if (family != help_of) problems.push_back(at + "TYPE of " + family + " without its HELP");
      if (!families.insert(family).second)
        problems.push_back(at + "family " + family + " repeated");
      continue;
    }
    if (line.empty() || line[0] == '#') {
      problems.push_back(at + "unexpected line");
      continue;
    }
    if (!std::regex_match(line, m, kSample)) {
      problems.push_back(at + "bad sample line: " + line);
      continue;
    }
    ParsedSample s;
    s.name = m[1];
    std::string labels = m[3];
    while (!labels.empty()) {
      std::smatch lm;
      if (!std::regex_search(labels, lm, kLabel)) {
        problems.push_back(at + "bad labels: " + labels);
        break;
      }
      std::string value, raw = lm[2];
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) {
          ++i;
          value += raw[i] == 'n' ? '\n' : raw[i];
        } else {
          value += raw[i];
        }
      }
      s.labels[lm[1]] = value;
      labels = lm.suffix();
    }
    const std::string v = m[4];
    if (v == "+Inf") {
      s.value = HUGE_VAL;
    } else if (v == "-Inf") {
      s.value = -HUGE_VAL;
    } else if (v == "NaN") {
      s.value = std::nan("");
    } else {
      try {
        size_t used = 0;
        s.value = std::stod(v, &used);
        if (used != v.size()) problems.push_back(at + "bad value " + v);
      } catch (...) {
        problems.push_back(at + "bad value " + v);
      }
    }
    bool belongs = s.name == family;
    if (type == "histogram") {
      belongs =
          s.name == family + "_bucket" || s.name == family + "_sum" || s.name == family + "_count";
      if (s.name == family + "_bucket" && s.labels.count("le") == 0) {
        problems.push_back(at + "bucket without le");
      }
    }
    if (!belongs) problems.push_back(at + s.name + " outside its family (" + family + ")");
    if (samples != nullptr) samples->push_back(std::move(s));
  }
  return problems;
}

}  // namespace sluice::monitor::testing
