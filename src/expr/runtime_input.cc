// Runtime inputs: `<+input>` with chained modifiers (expr.h).
//
// `<+input>` is not an expression to evaluate but a marker, so it has its own
// small parser. A modifier is `.name(arguments)`; the arguments run to the
// matching `)`, where parentheses nest (for regexes), a backslash escapes the
// next character, `[...]` is skipped (regex character classes) and an item
// that starts with ' or " runs to its closing quote (so values may hold commas
// and parentheses). List items are trimmed and unquoted.
#include <cctype>
#include <string>
#include <vector>

#include "expr/expr.h"
#include "expr/methods.h"

namespace sluice::expr {
namespace {

constexpr std::string_view kInput = "<+input>";

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// One argument item: trimmed, and unquoted when wholly quoted.
std::string Unquote(std::string_view item) {
  item = Trim(item);
  if (item.size() < 2 || (item.front() != '"' && item.front() != '\'') ||
      item.back() != item.front()) {
    return std::string(item);
  }
  std::string out;
  for (size_t i = 1; i + 1 < item.size(); ++i) {
    if (item[i] == '\\' && i + 2 < item.size() &&
        (item[i + 1] == item.front() || item[i + 1] == '\\')) {
      ++i;
    }
    out += item[i];
  }
  return out;
}

struct Arguments {
  std::string_view raw;                 // between the parentheses
  std::vector<std::string_view> items;  // split at top-level commas
  size_t end = 0;                       // offset just past ')'
};

// Reads `( ... )` starting at text[open] == '('.
Result<Arguments> ReadArguments(std::string_view text, size_t open, std::string_view modifier) {
  Arguments args;
  int depth = 0;
  size_t item_start = open + 1;
  bool item_empty_so_far = true;
  for (size_t i = open + 1; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '"' || c == '\'') && item_empty_so_far) {
      const size_t close = [&] {
        for (size_t j = i + 1; j < text.size(); ++j) {
          if (text[j] == '\\') {
            ++j;
          } else if (text[j] == c) {
            return j;
          }
        }
        return std::string_view::npos;
      }();
      if (close == std::string_view::npos) {
        return Status::InvalidArgument("unterminated quote in ." + std::string(modifier) +
                                       "(...) of " + std::string(text));
      }
      i = close;
      item_empty_so_far = false;
      continue;
    }
    if (c != ' ' && c != '\t') item_empty_so_far = false;
    if (c == '\\') {
      ++i;
    } else if (c == '[') {
      size_t close = text.find(']', i + 1);
      if (close != std::string_view::npos) i = close;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      args.items.push_back(text.substr(item_start, i - item_start));
      item_start = i + 1;
      item_empty_so_far = true;
    } else if (c == ')') {
      args.raw = text.substr(open + 1, i - open - 1);
      args.items.push_back(text.substr(item_start, i - item_start));
      args.end = i + 1;
      return args;
    }
  }
  return Status::InvalidArgument("missing ')' after ." + std::string(modifier) + "( in " +
                                 std::string(text));
}

std::string JoinValues(const std::vector<std::string>& values) {
  std::string s;
  for (const std::string& v : values) {
    if (!s.empty()) s += ", ";
    s += v;
  }
  return s;
}

Result<RuntimeInput> ParseModifiers(std::string_view text) {
  RuntimeInput input;
  bool has_list = false;
  size_t pos = kInput.size();
  auto fail = [&](const std::string& what) {
    return Status::InvalidArgument("invalid runtime input " + std::string(text) + ": " + what);
  };
  while (pos < text.size()) {
    if (text[pos] != '.') {
      return fail("unexpected \"" + std::string(text.substr(pos)) +
                  "\" after <+input> (modifiers look like .default(value))");
    }
    size_t name_end = pos + 1;
    while (name_end < text.size() && std::isalpha(static_cast<unsigned char>(text[name_end]))) {
      ++name_end;
    }
    const std::string name(text.substr(pos + 1, name_end - pos - 1));
    if (name_end >= text.size() || text[name_end] != '(') {
      return fail("expected '(' after ." + name);
    }
    SLUICE_ASSIGN_OR_RETURN(Arguments args, ReadArguments(text, name_end, name));
    pos = args.end;
    if (name == "default") {
      if (input.default_value) return fail("duplicate .default()");
      input.default_value = Unquote(args.raw);
    } else if (name == "allowedValues" || name == "selectOneFrom" || name == "selectManyFrom") {
      if (has_list) return fail("more than one list of allowed values");
      has_list = true;
      input.select_many = name == "selectManyFrom";
      for (std::string_view item : args.items) input.allowed_values.push_back(Unquote(item));
      if (input.allowed_values.size() == 1 && input.allowed_values[0].empty()) {
        return fail("." + name + "() needs at least one value");
      }
    } else if (name == "regex") {
      if (input.regex) return fail("duplicate .regex()");
      input.regex = Unquote(args.raw);
      if (Result<bool> probe = RegexFullMatch(*input.regex, ""); !probe.ok()) {
        return fail(probe.status().message());
      }
    } else if (name == "executionInput") {
      if (!Trim(args.raw).empty()) return fail(".executionInput() takes no arguments");
      input.execution_input = true;
    } else {
      return fail("unknown modifier ." + name +
                  "() (expected default, allowedValues, selectOneFrom, selectManyFrom, regex or "
                  "executionInput)");
    }
  }
  if (input.default_value) {
    Status s = CheckRuntimeInputValue(input, *input.default_value);
    if (!s.ok()) return fail("its default " + s.message());
  }
  return input;
}

}  // namespace

std::optional<Result<RuntimeInput>> ParseRuntimeInput(std::string_view text) {
  text = Trim(text);
  if (text.substr(0, kInput.size()) != kInput) return std::nullopt;
  return ParseModifiers(text);
}

Status CheckRuntimeInputValue(const RuntimeInput& input, std::string_view value) {
  if (!input.allowed_values.empty()) {
    std::vector<std::string_view> chosen;
    if (input.select_many) {
      size_t start = 0;
      while (true) {
        size_t comma = value.find(',', start);
        chosen.push_back(Trim(
            value.substr(start, comma == std::string_view::npos ? value.npos : comma - start)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
    } else {
      chosen.push_back(value);
    }
    for (std::string_view v : chosen) {
      bool allowed = false;
      for (const std::string& a : input.allowed_values) allowed = allowed || a == v;
      if (!allowed) {
        return Status::InvalidArgument(
            "value \"" + std::string(v) +
            "\" is not one of the allowed values: " + JoinValues(input.allowed_values));
      }
    }
  }
  if (input.regex) {
    SLUICE_ASSIGN_OR_RETURN(bool matched, RegexFullMatch(*input.regex, std::string(value)));
    if (!matched) {
      return Status::InvalidArgument("value \"" + std::string(value) +
                                     "\" does not match the pattern " + *input.regex);
    }
  }
  return Status::Ok();
}

}  // namespace sluice::expr
