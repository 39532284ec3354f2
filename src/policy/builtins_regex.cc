// Rego builtins: regex.* and re_match (Go regexp semantics through
// go_regexp.h), and regex.globs_match (glob_intersection.h).
#include <memory>
#include <string>
#include <vector>

#include "policy/builtins.h"
#include "policy/glob_intersection.h"
#include "policy/go_regexp.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;
using internal::GoRegexp;
using RegexpPtr = std::shared_ptr<const GoRegexp>;

// Checks that args[0..n) are strings, naming the first that is not.
bool Strings(Args a, size_t n, Out& err) {
  for (size_t i = 0; i < n; ++i) {
    if (!a[i].IsString()) {
      err = Out::OperandError(static_cast<int>(i) + 1, "string", a[i]);
      return false;
    }
  }
  return true;
}

bool Compile(std::string_view pattern, RegexpPtr& re, Out& err) {
  Result<RegexpPtr> compiled = GoRegexp::Compile(pattern);
  if (!compiled.ok()) {
    err = Out::Error(compiled.status().message());
    return false;
  }
  re = std::move(compiled).value();
  return true;
}

Out IsValid(Args a) {
  return Value::Boolean(a[0].IsString() && GoRegexp::IsValid(a[0].AsString()));
}

Out Match(Args a) {
  Out err;
  RegexpPtr re;
  if (!Strings(a, 2, err) || !Compile(a[0].AsString(), re, err)) return err;
  return Value::Boolean(re->MatchString(a[1].AsString()));
}

Out Split(Args a) {
  Out err;
  RegexpPtr re;
  if (!Strings(a, 2, err) || !Compile(a[0].AsString(), re, err)) return err;
  ArrayBuilder out;
  for (std::string_view part : re->Split(a[1].AsString())) out.Push(Value::String(part));
  return std::move(out).Build();
}

// regex.find_n and regex.find_all_string_submatch_n.
template <bool kGroups>
Out Find(Args a) {
  Out err;
  RegexpPtr re;
  int64_t n = 0;
  if (!Strings(a, 2, err) || !IntOperand(a[2], 3, n, err) || !Compile(a[0].AsString(), re, err)) {
    return err;
  }
  std::string_view s = a[1].AsString();
  ArrayBuilder out;
  for (const GoRegexp::Indices& m : re->FindAll(s, n)) {
    auto text = [&](size_t k) {
      if (m[2 * k] < 0) return Value::String("");
      return Value::String(s.substr(static_cast<size_t>(m[2 * k]), static_cast<size_t>(m[2 * k + 1] - m[2 * k])));
    };
    if (!kGroups) {
      out.Push(text(0));
      continue;
    }
    ArrayBuilder groups;
    for (size_t k = 0; k < m.size() / 2; ++k) groups.Push(text(k));
    out.Push(std::move(groups).Build());
  }
  return std::move(out).Build();
}

Out Replace(Args a) {
  Out err;
  RegexpPtr re;
  if (!Strings(a, 3, err) || !Compile(a[1].AsString(), re, err)) return err;
  return Value::String(re->ReplaceAll(a[0].AsString(), a[2].AsString()));
}

// regex.template_match(template, s, start, end): the template's text
// outside the delimiters is literal, the parts inside are regexps.
Out TemplateMatch(Args a) {
  Out err;
  if (!Strings(a, 4, err)) return err;
  std::string_view tpl = a[0].AsString(), open = a[2].AsString(), close = a[3].AsString();
  if (open.size() != 1) {
    return Out::Error("start delimiter has to be exactly one character long but is " +
                      std::to_string(open.size()) + " long");
  }
  if (close.size() != 1) {
    // OPA reports the start delimiter's length here too.
    return Out::Error("end delimiter has to be exactly one character long but is " +
                      std::to_string(open.size()) + " long");
  }
  std::string pattern = "^";
  size_t literal_from = 0, group_from = 0;
  int level = 0;
  for (size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == open[0]) {
      if (++level == 1) group_from = i;
    } else if (tpl[i] == close[0]) {
      if (--level == 0) {
        std::string_view inner = tpl.substr(group_from + 1, i - group_from - 1);
        RegexpPtr part;
        if (!Compile("^" + std::string(inner) + "$", part, err)) return err;
        pattern += internal::RegexpQuoteMeta(tpl.substr(literal_from, group_from - literal_from));
        pattern += "(" + std::string(inner) + ")";
        literal_from = i + 1;
      } else if (level < 0) {
        break;
      }
    }
  }
  if (level != 0) return Out::Error("unbalanced braces in \"" + std::string(tpl) + "\"");
  pattern += internal::RegexpQuoteMeta(tpl.substr(literal_from)) + "$";
  RegexpPtr re;
  if (!Compile(pattern, re, err)) return err;
  return Value::Boolean(re->MatchString(a[1].AsString()));
}

Out GlobsMatch(Args a) {
  Out err;
  if (!Strings(a, 2, err)) return err;
  Result<bool> ne = internal::GlobsIntersect(a[0].AsString(), a[1].AsString());
  if (!ne.ok()) return Out::Error(ne.status().message());
  return Value::Boolean(*ne);
}

}  // namespace

void RegisterRegexBuiltins(BuiltinRegistry& r) {
  r.Add("regex.is_valid", 1, IsValid);
  r.Add("regex.match", 2, Match);
  r.Add("re_match", 2, Match);
  r.Add("regex.split", 2, Split);
  r.Add("regex.find_n", 3, Find<false>);
  r.Add("regex.find_all_string_submatch_n", 3, Find<true>);
  r.Add("regex.replace", 3, Replace);
  r.Add("regex.template_match", 4, TemplateMatch);
  r.Add("regex.globs_match", 2, GlobsMatch);
}

}  // namespace sluice::policy
