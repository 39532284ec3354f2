// ParseDockerfile(): one handler per instruction over the logical lines.
#include <cctype>
#include <charconv>
#include <utility>

#include "oci/dockerfile.h"
#include "oci/dockerfile_lines.h"
#include "oci/dockerfile_words.h"

namespace sluice::oci {
namespace {

// `--name=value` and `--name` flags at the start of the arguments.
struct Flag {
  std::string name;
  std::string value;
  bool has_value = false;
};

bool IsValidStageName(std::string_view name) {
  if (name.empty() || !std::islower(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

bool IsValidArgName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '$' || c == '"' || c == '\'') {
      return false;
    }
  }
  return true;
}

// A Go duration: one or more <number><unit>, units ns us ms s m h.
bool IsGoDuration(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  while (i < s.size()) {
    size_t digits = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == digits) return false;
    size_t unit = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view u = s.substr(unit, i - unit);
    if (u != "ns" && u != "us" && u != "ms" && u != "s" && u != "m" && u != "h") return false;
  }
  return true;
}

// Double-quotes `text` so that ExpandWord gives it back unchanged.
std::string QuoteLiteral(std::string_view text, char escape) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '$' || c == escape) out += escape;
    out += c;
  }
  return out + "\"";
}

class Parser {
 public:
  Parser(std::string file, char escape, DiagnosticList& diagnostics)
      : escape_(escape), diagnostics_(diagnostics) {
    dockerfile_.file = std::move(file);
    dockerfile_.escape = escape;
  }

  void Line(const LogicalLine& l) {
    line_ = l.line;
    column_ = l.column;
    keyword_ = l.keyword;
    std::string rest = l.rest;
    if (keyword_ == "FROM") return From(rest);
    if (keyword_ == "ARG") return Arg(rest);
    if (keyword_ == "ONBUILD") {
      return Error(
          "ONBUILD is not supported; put the instructions in the Dockerfile of the "
          "image that builds on this one");
    }
    if (Known(keyword_) && dockerfile_.stages.empty()) {
      return Error(keyword_ + " before the first FROM; only ARG may come before FROM");
    }
    if (keyword_ == "ENV") return Pairs(InstructionKind::kEnv, rest);
    if (keyword_ == "LABEL") return Pairs(InstructionKind::kLabel, rest);
    if (keyword_ == "MAINTAINER") return Maintainer(rest);
    if (keyword_ == "WORKDIR") return Single(InstructionKind::kWorkdir, rest);
    if (keyword_ == "USER") return Single(InstructionKind::kUser, rest);
    if (keyword_ == "STOPSIGNAL") return Single(InstructionKind::kStopsignal, rest);
    if (keyword_ == "COPY") return Copy(InstructionKind::kCopy, rest);
    if (keyword_ == "ADD") return Copy(InstructionKind::kAdd, rest);
    if (keyword_ == "RUN") return Run(rest);
    if (keyword_ == "CMD") return CommandForm(InstructionKind::kCmd, rest);
    if (keyword_ == "ENTRYPOINT") return CommandForm(InstructionKind::kEntrypoint, rest);
    if (keyword_ == "SHELL") return Shell(rest);
    if (keyword_ == "EXPOSE") return List(InstructionKind::kExpose, rest, false);
    if (keyword_ == "VOLUME") return List(InstructionKind::kVolume, rest, true);
    if (keyword_ == "HEALTHCHECK") return HealthcheckLine(rest);
    Error("unknown instruction " + keyword_ +
          "; use one of FROM, ARG, ENV, LABEL, WORKDIR, USER, COPY, ADD, RUN, CMD, "
          "ENTRYPOINT, EXPOSE, VOLUME, HEALTHCHECK, SHELL, STOPSIGNAL");
  }

  Dockerfile Finish(int last_line) {
    if (dockerfile_.stages.empty() && !diagnostics_.has_errors()) {
      diagnostics_.Error(
          {dockerfile_.file, last_line > 0 ? last_line : 1, 1},
          "no FROM instruction; a Dockerfile starts with FROM <image> or FROM scratch");
    }
    return std::move(dockerfile_);
  }

 private:
  static bool Known(const std::string& k) {
    for (const char* name :
         {"ENV", "LABEL", "MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL", "COPY", "ADD", "RUN",
          "CMD", "ENTRYPOINT", "SHELL", "EXPOSE", "VOLUME", "HEALTHCHECK"}) {
      if (k == name) return true;
    }
    return false;
  }

  void Error(std::string message) {
    diagnostics_.Error({dockerfile_.file, line_, column_}, std::move(message));
  }

  // Appends to the current stage, or to the global ARGs before the first FROM.
  Instruction& Add(InstructionKind kind) {
    Instruction& ins = dockerfile_.stages.empty()
                           ? dockerfile_.global_args.emplace_back()
                           : dockerfile_.stages.back().instructions.emplace_back();
    ins.kind = kind;
    ins.line = line_;
    ins.column = column_;
    return ins;
  }

  // Removes leading `--flag[=value]` words from `rest`; false after reporting
  // a flag outside `allowed`.
  bool TakeFlags(std::string& rest, std::initializer_list<std::string_view> allowed,
                 std::vector<Flag>& flags) {
    while (rest.rfind("--", 0) == 0) {
      size_t end = rest.find_first_of(" \t");
      std::string word = rest.substr(0, end);
      rest = end == std::string::npos ? "" : rest.substr(rest.find_first_not_of(" \t", end));
      Flag flag;
      size_t eq = word.find('=');
      flag.name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (eq != std::string::npos) {
        flag.value = word.substr(eq + 1);
        flag.has_value = true;
      }
      bool ok = false;
      for (std::string_view a : allowed) ok = ok || a == flag.name;
      if (!ok) {
        Error(keyword_ + " does not support --" + flag.name + FlagAdvice(flag.name));
        return false;
      }
      flags.push_back(std::move(flag));
    }
    return true;
  }

  std::string FlagAdvice(const std::string& flag) const {
    if (keyword_ == "RUN" && (flag == "mount" || flag == "network" || flag == "security")) {
      return "; sluice runs RUN without BuildKit mounts and options: copy what the command "
             "needs with COPY first";
    }
    if (keyword_ == "ADD" && flag == "from") {
      return "; use COPY --from to copy from a stage or image";
    }
    return "; remove the flag";
  }

  bool RejectHeredoc(std::string_view rest) {
    for (size_t p = rest.find("<<"); p != std::string_view::npos; p = rest.find("<<", p + 2)) {
      if (p > 0 && rest[p - 1] != ' ' && rest[p - 1] != '\t') continue;  // a heredoc starts a word
      size_t q = p + 2;
      if (q < rest.size() && rest[q] == '-') ++q;
      if (q < rest.size() && (rest[q] == '"' || rest[q] == '\'')) ++q;
      if (q < rest.size() &&
          (std::isalpha(static_cast<unsigned char>(rest[q])) || rest[q] == '_')) {
        Error("heredocs (" + keyword_ +
              " <<...) are not supported; put the content in a file "
              "in the build context and COPY it, or use a RUN with a continued line");
        return true;
      }
    }
    return false;
  }

  // A FROM in error still opens a stage, so the instructions after it are
  // not reported again as coming before the first FROM.
  void From(std::string rest) {
    Stage& stage = dockerfile_.stages.emplace_back();
    stage.line = line_;
    stage.column = column_;
    std::vector<Flag> flags;
    if (!TakeFlags(rest, {"platform"}, flags)) return;
    for (const Flag& f : flags) stage.platform = f.value;
    std::vector<std::string> words = SplitWords(rest, escape_);
    std::string as = words.size() == 3 ? words[1] : "";
    for (char& c : as) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool named = as == "AS";
    if (words.size() != 1 && !named) {
      return Error(
          "FROM takes an image and an optional 'AS name': FROM [--platform=p] image [AS name]");
    }
    stage.base = words[0];
    if (!named) return;
    std::string name = words[2];
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!IsValidStageName(name)) {
      return Error("invalid stage name \"" + words[2] +
                   "\"; use a letter followed by letters, digits, '-', '_' or '.'");
    }
    for (const Stage& s : dockerfile_.stages) {
      if (s.name == name) {
        return Error("duplicate stage name \"" + name + "\"; name each stage once");
      }
    }
    stage.name = std::move(name);
  }

  void Arg(const std::string& rest) {
    std::vector<std::string> words = SplitWords(rest, escape_);
    if (words.empty()) return Error("ARG needs a name: ARG name or ARG name=default");
    std::vector<KeyValue> pairs;
    for (const std::string& w : words) {
      size_t eq = w.find('=');
      KeyValue kv{w.substr(0, eq), eq == std::string::npos ? "" : w.substr(eq + 1),
                  eq != std::string::npos};
      if (!IsValidArgName(kv.key)) {
        return Error("invalid ARG name \"" + kv.key + "\"; write ARG name or ARG name=default");
      }
      pairs.push_back(std::move(kv));
    }
    Add(InstructionKind::kArg).pairs = std::move(pairs);
  }

  void Pairs(InstructionKind kind, const std::string& rest) {
    std::vector<std::string> words = SplitWords(rest, escape_);
    if (words.empty()) return Error(keyword_ + " needs name=value pairs");
    std::vector<KeyValue> pairs;
    if (words[0].find('=') == std::string::npos) {
      // The old form: `ENV name value with spaces`, one pair per line.
      size_t after = rest.find_first_of(" \t");
      if (after == std::string::npos) {
        return Error(keyword_ + " " + words[0] + " has no value; write " + keyword_ + " " +
                     words[0] + "=value");
      }
      pairs.push_back({words[0], rest.substr(rest.find_first_not_of(" \t", after)), true});
    } else {
      for (const std::string& w : words) {
        size_t eq = w.find('=');
        if (eq == std::string::npos || eq == 0) {
          return Error(keyword_ + ": \"" + w +
                       "\" is not name=value; quote values with spaces: " + "name=\"a b\"");
        }
        pairs.push_back({w.substr(0, eq), w.substr(eq + 1), true});
      }
    }
    Add(kind).pairs = std::move(pairs);
  }

  void Maintainer(const std::string& rest) {
    diagnostics_.Warning({dockerfile_.file, line_, column_},
                         "MAINTAINER is deprecated; write LABEL maintainer=\"...\" instead");
    Add(InstructionKind::kLabel).pairs = {{"maintainer", QuoteLiteral(rest, escape_), true}};
  }

  void Single(InstructionKind kind, const std::string& rest) {
    if (rest.empty()) return Error(keyword_ + " needs a value");
    if (kind != InstructionKind::kWorkdir && SplitWords(rest, escape_).size() != 1) {
      return Error(keyword_ + " takes exactly one argument");
    }
    Add(kind).values = {rest};
  }

  void Copy(InstructionKind kind, std::string rest) {
    std::vector<Flag> flags;
    bool ok = kind == InstructionKind::kCopy
                  ? TakeFlags(rest, {"from", "chown", "chmod", "link"}, flags)
                  : TakeFlags(rest, {"chown", "chmod", "link"}, flags);
    if (!ok || RejectHeredoc(rest)) return;
    CopySpec spec;
    for (const Flag& f : flags) {
      if (f.name == "link") {
        if (f.has_value && f.value != "true" && f.value != "false") {
          return Error(keyword_ + " --link takes true or false, not \"" + f.value + "\"");
        }
        spec.link = !f.has_value || f.value == "true";
        continue;
      }
      if (f.value.empty()) {
        return Error(keyword_ + " --" + f.name + " needs a value: --" + f.name + "=...");
      }
      (f.name == "from" ? spec.from : f.name == "chown" ? spec.chown : spec.chmod) = f.value;
    }
    std::vector<std::string> words;
    if (auto json = ParseJsonArray(rest)) {
      // JSON strings are taken literally; quote them so substitution leaves
      // the quoting alone but still expands variables, as Docker does.
      for (const std::string& s : *json) words.push_back(EscapeAllButDollar(s));
    } else {
      words = SplitWords(rest, escape_);
    }
    if (words.size() < 2) {
      return Error(keyword_ + " needs at least one source and a destination: " + keyword_ +
                   " src... dest");
    }
    spec.destination = words.back();
    words.pop_back();
    spec.sources = std::move(words);
    Add(kind).copy = std::move(spec);
  }

  // A JSON-form string with the characters ExpandWord treats specially
  // escaped, except `$`, so variables are still substituted.
  std::string EscapeAllButDollar(std::string_view s) const {
    std::string out;
    for (char c : s) {
      if (c == '"' || c == '\'' || c == escape_) out += escape_;
      out += c;
    }
    return out;
  }

  bool ParseCommand(const std::string& rest, Command& command) {
    if (auto json = ParseJsonArray(rest)) {
      command.exec_form = true;
      command.args = std::move(*json);
      return true;
    }
    if (rest.empty()) {
      Error(keyword_ + " needs a command: " + keyword_ + " command or " + keyword_ +
            " [\"executable\", \"arg\"]");
      return false;
    }
    command.exec_form = false;
    command.args = {rest};
    return true;
  }

  void Run(std::string rest) {
    std::vector<Flag> flags;
    if (!TakeFlags(rest, {}, flags) || RejectHeredoc(rest)) return;
    Command command;
    if (ParseCommand(rest, command)) Add(InstructionKind::kRun).command = std::move(command);
  }

  void CommandForm(InstructionKind kind, const std::string& rest) {
    Command command;
    if (ParseCommand(rest, command)) Add(kind).command = std::move(command);
  }

  void Shell(const std::string& rest) {
    auto json = ParseJsonArray(rest);
    if (!json || json->empty()) {
      return Error("SHELL needs the JSON form: SHELL [\"/bin/sh\", \"-c\"]");
    }
    Instruction& ins = Add(InstructionKind::kShell);
    ins.command.exec_form = true;
    ins.command.args = std::move(*json);
  }

  void List(InstructionKind kind, const std::string& rest, bool json_allowed) {
    std::vector<std::string> values;
    if (auto json = json_allowed ? ParseJsonArray(rest) : std::nullopt) {
      for (const std::string& s : *json) values.push_back(EscapeAllButDollar(s));
    } else {
      values = SplitWords(rest, escape_);
    }
    if (values.empty()) return Error(keyword_ + " needs at least one value");
    Add(kind).values = std::move(values);
  }

  void HealthcheckLine(std::string rest) {
    std::vector<Flag> flags;
    if (!TakeFlags(rest, {"interval", "timeout", "start-period", "start-interval", "retries"},
                   flags)) {
      return;
    }
    Healthcheck hc;
    std::string upper = rest.substr(0, rest.find_first_of(" \t"));
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == "NONE") {
      if (!flags.empty() || upper.size() != rest.size()) {
        return Error("HEALTHCHECK NONE takes no options or arguments");
      }
      hc.none = true;
      Add(InstructionKind::kHealthcheck).healthcheck = std::move(hc);
      return;
    }
    if (upper != "CMD") {
      return Error("HEALTHCHECK needs NONE or CMD: HEALTHCHECK [--interval=30s ...] CMD command");
    }
    for (const Flag& f : flags) {
      if (f.name == "retries") {
        auto [ptr, ec] =
            std::from_chars(f.value.data(), f.value.data() + f.value.size(), hc.retries);
        if (ec != std::errc() || ptr != f.value.data() + f.value.size() || hc.retries < 0) {
          return Error("HEALTHCHECK --retries needs a whole number (0: the default), not \"" +
                       f.value + "\"");
        }
        continue;
      }
      if (!IsGoDuration(f.value)) {
        return Error("HEALTHCHECK --" + f.name + " needs a duration like 30s or 1m30s, not \"" +
                     f.value + "\"");
      }
      (f.name == "interval"       ? hc.interval
       : f.name == "timeout"      ? hc.timeout
       : f.name == "start-period" ? hc.start_period
                                  : hc.start_interval) = f.value;
    }
    size_t cmd_start = rest.find_first_not_of(" \t", 3);
    if (!ParseCommand(cmd_start == std::string::npos ? "" : rest.substr(cmd_start), hc.command)) {
      return;
    }
    Add(InstructionKind::kHealthcheck).healthcheck = std::move(hc);
  }

  char escape_;
  DiagnosticList& diagnostics_;
  Dockerfile dockerfile_;
  int line_ = 0;
  int column_ = 1;
  std::string keyword_;
};

}  // namespace

Result<Dockerfile> ParseDockerfile(std::string_view text, std::string_view file,
                                   DiagnosticList& diagnostics) {
  DiagnosticList found;
  DockerfileLines lines = SplitLogicalLines(text, std::string(file), found);
  Parser parser(std::string(file), lines.escape, found);
  for (const LogicalLine& l : lines.lines) parser.Line(l);
  Dockerfile dockerfile = parser.Finish(lines.lines.empty() ? 1 : lines.lines.back().line);
  diagnostics.Append(found);
  for (const Diagnostic& d : found.items()) {
    if (d.severity == Severity::kError) {
      return Status::InvalidArgument(d.location.ToString() + ": " + d.message);
    }
  }
  return dockerfile;
}

}  // namespace sluice::oci
