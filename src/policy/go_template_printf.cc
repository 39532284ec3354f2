// fmt.Sprintf for template values (the printf function): flags - + # 0 and
// space, width, precision, and the verbs v s q d t f e g x X c %; a verb
// that does not fit its operand prints Go's "%!d(string=hi)" form.
#include <cstdio>
#include <string>

#include "policy/go_template_internal.h"

namespace sluice::policy::gotmpl {
namespace {

struct Spec {
  bool minus = false, plus = false, sharp = false, zero = false, space = false;
  int width = -1, precision = -1;
  char verb = 'v';
};

std::string Pad(std::string s, const Spec& spec, bool numeric) {
  if (spec.width < 0 || static_cast<int>(s.size()) >= spec.width) return s;
  size_t fill = static_cast<size_t>(spec.width) - s.size();
  if (spec.minus) return s + std::string(fill, ' ');
  if (spec.zero && numeric) {
    size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    return s.insert(sign, std::string(fill, '0'));
  }
  return std::string(fill, ' ') + s;
}

// strconv.Quote for ASCII; other bytes pass through.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string BadVerb(const TVal& v, char verb) {
  std::string out = "%!";
  out += verb;
  if (v.IsInvalid()) return out + "(<nil>)";
  return out + "(" + std::string(GoTypeName(v)) + "=" + FormatV(v) + ")";
}

std::string CFormat(const Spec& spec, char verb, double f) {
  std::string fmt = "%";
  if (spec.plus) fmt += '+';
  if (spec.space) fmt += ' ';
  if (spec.sharp) fmt += '#';
  fmt += '.';
  fmt += std::to_string(spec.precision < 0 ? 6 : spec.precision);
  fmt += verb;
  char buf[512];
  snprintf(buf, sizeof buf, fmt.c_str(), f);
  return buf;
}

std::string FormatOne(const TVal& v, const Spec& spec) {
  char verb = spec.verb;
  if (verb == 'v') {
    if (v.t == TVal::T::kFloat && spec.precision >= 0) return CFormat(spec, 'g', v.f);
    std::string s = FormatV(v);
    if (spec.plus && (v.t == TVal::T::kInt || v.t == TVal::T::kFloat) && s[0] != '-') s = "+" + s;
    return s;
  }
  if (v.t == TVal::T::kArray && verb != 'q') {
    std::string out = "[";
    bool first = true;
    for (const TVal& e : Elements(v)) {
      if (!first) out += ' ';
      first = false;
      out += FormatOne(e, spec);
    }
    return out + "]";
  }
  switch (verb) {
    case 's':
    case 'q':
      if (verb == 'q' && v.t == TVal::T::kInt && v.i >= ' ' && v.i < 0x7f) {
        char c = static_cast<char>(v.i);  // a quoted character literal
        return c == '\'' || c == '\\' ? std::string("'\\") + c + "'" : std::string("'") + c + "'";
      }
      if (!v.IsStringKind()) break;
      if (verb == 'q') return Quote(v.s);
      return spec.precision >= 0 ? v.s.substr(0, static_cast<size_t>(spec.precision)) : v.s;
    case 't':
      if (v.t == TVal::T::kBool) return v.b ? "true" : "false";
      break;
    case 'd':
      if (v.t == TVal::T::kInt) return (spec.plus && v.i >= 0 ? "+" : "") + std::to_string(v.i);
      break;
    case 'c':
      if (v.t == TVal::T::kInt && v.i >= 0 && v.i < 128) return std::string(1, static_cast<char>(v.i));
      break;
    case 'x':
    case 'X':
      if (v.t == TVal::T::kInt || v.IsStringKind()) {
        std::string out;
        char buf[32];
        const char* f = verb == 'x' ? "%02x" : "%02X";
        if (v.t == TVal::T::kInt) {
          snprintf(buf, sizeof buf, verb == 'x' ? "%llx" : "%llX",
                   static_cast<unsigned long long>(v.i < 0 ? -v.i : v.i));
          return (v.i < 0 ? "-" : "") + std::string(spec.sharp ? (verb == 'x' ? "0x" : "0X") : "") + buf;
        }
        for (unsigned char c : v.s) {
          snprintf(buf, sizeof buf, f, c);
          out += buf;
        }
        return out;
      }
      break;
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
      if (v.t == TVal::T::kFloat) {
        if ((verb == 'g' || verb == 'G') && spec.precision < 0) return FormatFloatG(v.f);
        return CFormat(spec, verb == 'F' ? 'f' : verb, v.f);
      }
      break;
    default:
      break;
  }
  return BadVerb(v, verb);
}

}  // namespace

std::string Sprintf(std::string_view format, std::span<const TVal> args) {
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    Spec spec;
    ++i;
    for (; i < format.size(); ++i) {
      char c = format[i];
      if (c == '-') spec.minus = true;
      else if (c == '+') spec.plus = true;
      else if (c == '#') spec.sharp = true;
      else if (c == '0') spec.zero = true;
      else if (c == ' ') spec.space = true;
      else break;
    }
    auto digits = [&](int& into) {
      if (i >= format.size() || format[i] < '0' || format[i] > '9') return;
      into = 0;
      while (i < format.size() && format[i] >= '0' && format[i] <= '9' && into < 10000) {
        into = into * 10 + (format[i++] - '0');
      }
    };
    digits(spec.width);
    if (i < format.size() && format[i] == '.') {
      ++i;
      spec.precision = 0;
      digits(spec.precision);
    }
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    spec.verb = format[i];
    if (spec.verb == '%') {
      out += '%';
      continue;
    }
    if (next >= args.size()) {
      out += std::string("%!") + spec.verb + "(MISSING)";
      continue;
    }
    const TVal& arg = args[next++];
    bool numeric = arg.t == TVal::T::kInt || arg.t == TVal::T::kFloat;
    out += Pad(FormatOne(arg, spec), spec, numeric);
  }
  if (next < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = next; k < args.size(); ++k) {
      if (k > next) out += ", ";
      out += args[k].IsInvalid() ? "<nil>" : std::string(GoTypeName(args[k])) + "=" + FormatV(args[k]);
    }
    out += ")";
  }
  return out;
}

}  // namespace sluice::policy::gotmpl
