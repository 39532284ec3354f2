// Rego builtins: uuid.parse, uuid.rfc4122, rand.intn, uri.parse,
// uri.is_valid.
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>

#include "policy/builtins.h"
#include "policy/uri.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;
using Uuid = std::array<uint8_t, 16>;

// A per-thread generator; OPA seeds its own from crypto/rand as well.
std::mt19937_64& Random() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// google/uuid's Parse: 36 characters with dashes, wrapped in braces (38),
// after "urn:uuid:" (45), or 32 hex digits.
std::optional<Uuid> ParseUuid(std::string_view s) {
  if (s.size() == 45) {
    std::string prefix(s.substr(0, 9));
    for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (prefix != "urn:uuid:") return std::nullopt;
    s.remove_prefix(9);
  } else if (s.size() == 38) {
    if (s.front() != '{' || s.back() != '}') return std::nullopt;
    s = s.substr(1, 36);
  }
  std::string hex;
  if (s.size() == 36) {
    for (size_t i = 0; i < s.size(); ++i) {
      bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash_here != (s[i] == '-')) return std::nullopt;
      if (!dash_here) hex += s[i];
    }
  } else if (s.size() == 32) {
    hex = s;
  } else {
    return std::nullopt;
  }
  Uuid u{};
  for (size_t i = 0; i < 16; ++i) {
    int hi = HexDigit(hex[2 * i]), lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    u[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return u;
}

std::string_view Variant(const Uuid& u) {
  if ((u[8] & 0xC0) == 0x80) return "RFC4122";
  if ((u[8] & 0xE0) == 0xC0) return "Microsoft";
  if ((u[8] & 0xE0) == 0xE0) return "Future";
  return "Reserved";
}

std::string_view MacVariables(uint8_t first) {
  if ((first & 3) == 3) return "local:multicast";
  if (first & 1) return "global:multicast";
  if (first & 2) return "local:unicast";
  return "global:unicast";
}

uint64_t BigEndian(const Uuid& u, size_t from, size_t n) {
  uint64_t v = 0;
  for (size_t i = from; i < from + n; ++i) v = (v << 8) | u[i];
  return v;
}

// uuid.parse: version and variant, and for versions 1 and 2 the decoded
// time (Unix nanoseconds), clock sequence and node; for version 2 also the
// local domain and id. Undefined for a string that is not a UUID.
Out UuidParse(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::optional<Uuid> u = ParseUuid(a[0].AsString());
  if (!u) return Out::Undefined();
  ObjectBuilder out;
  int version = (*u)[6] >> 4;
  out.Insert(Value::String("version"), Value::Int(version));
  out.Insert(Value::String("variant"), Value::String(Variant(*u)));
  if (version == 1 || version == 2) {
    // 100ns intervals since 1582-10-15; the Unix epoch is 122192928000000000 of them later.
    int64_t ticks = static_cast<int64_t>(BigEndian(*u, 0, 4) | (BigEndian(*u, 4, 2) << 32) |
                                         ((BigEndian(*u, 6, 2) & 0xFFF) << 48));
    // Unix seconds * 1e9 + nanoseconds, wrapping on overflow as Go's int64 does.
    int64_t since = ticks - 122192928000000000;
    uint64_t ns = static_cast<uint64_t>(since / 10000000) * 1000000000u +
                  static_cast<uint64_t>((since % 10000000) * 100);
    out.Insert(Value::String("time"), Value::Int(static_cast<int64_t>(ns)));
    out.Insert(Value::String("clocksequence"), Value::Int(static_cast<int64_t>(BigEndian(*u, 8, 2) & 0x3FFF)));
    std::string node;
    for (size_t i = 10; i < 16; ++i) {
      char buf[4];
      std::snprintf(buf, sizeof buf, i == 10 ? "%02x" : "-%02x", (*u)[i]);
      node += buf;
    }
    out.Insert(Value::String("nodeid"), Value::String(node));
    out.Insert(Value::String("macvariables"), Value::String(MacVariables((*u)[10])));
    if (version == 2) {
      out.Insert(Value::String("id"), Value::Int(static_cast<int64_t>(BigEndian(*u, 0, 4))));
      static constexpr std::string_view kDomains[] = {"Person", "Group", "Org"};
      out.Insert(Value::String("domain"), Value::String((*u)[9] < 3 ? std::string(kDomains[(*u)[9]])
                                                                   : "Domain" + std::to_string((*u)[9])));
    }
  }
  return std::move(out).Build();
}

// uuid.rfc4122(k): a random version 4 UUID, the same one for the same k
// within a query.
Out UuidRfc4122(Args a, BuiltinContext& ctx) {
  Value key = Value::Array({Value::String("uuid.rfc4122"), a[0]});
  if (auto it = ctx.cache.find(key); it != ctx.cache.end()) return it->second;
  Uuid u{};
  for (size_t i = 0; i < 16; i += 8) {
    uint64_t r = Random()();
    for (size_t k = 0; k < 8; ++k) u[i + k] = static_cast<uint8_t>(r >> (8 * k));
  }
  u[6] = static_cast<uint8_t>((u[6] & 0x0F) | 0x40);
  u[8] = static_cast<uint8_t>((u[8] & 0x3F) | 0x80);
  std::string s;
  for (size_t i = 0; i < 16; ++i) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", u[i]);
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += buf;
  }
  Value v = Value::String(s);
  ctx.cache.emplace(std::move(key), v);
  return v;
}

// rand.intn(k, n): a random integer in [0, |n|), the same one for the same
// k and n within a query; 0 for n = 0.
Out RandIntn(Args a, BuiltinContext& ctx) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  if (!a[1].IsNumber()) return Out::OperandError(2, "number", a[1]);
  std::optional<int64_t> n = a[1].AsNumber().IsInteger() ? a[1].AsNumber().ToInt64() : std::nullopt;
  if (!n) return Out::TypeError("operand 2 must be integer number but got floating-point number");
  if (*n == 0) return Value::Int(0);
  uint64_t bound = *n < 0 ? 0 - static_cast<uint64_t>(*n) : static_cast<uint64_t>(*n);
  Value key = Value::Array({Value::String("rand.intn"), a[0], Value::Int(static_cast<int64_t>(bound))});
  if (auto it = ctx.cache.find(key); it != ctx.cache.end()) return it->second;
  Value v = Value::Int(static_cast<int64_t>(std::uniform_int_distribution<uint64_t>(0, bound - 1)(Random())));
  ctx.cache.emplace(std::move(key), v);
  return v;
}

// uri.parse: the parts of a URL that are present, as Go's net/url sees
// them; undefined when it does not parse.
Out UriParse(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  Result<internal::Uri> u = internal::ParseUri(a[0].AsString());
  if (!u.ok()) return Out::Undefined();
  ObjectBuilder out;
  auto put = [&](std::string_view key, const std::string& v) {
    if (!v.empty()) out.Insert(Value::String(key), Value::String(v));
  };
  put("scheme", u->scheme);
  put("hostname", u->hostname);
  put("port", u->port);
  put("path", u->path);
  put("raw_path", u->raw_path);
  put("raw_query", u->raw_query);
  put("fragment", u->fragment);
  return std::move(out).Build();
}

Out UriIsValid(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  return Value::Boolean(!a[0].AsString().empty() && internal::ParseUri(a[0].AsString()).ok());
}

}  // namespace

void RegisterIdBuiltins(BuiltinRegistry& r) {
  r.Add("uuid.parse", 1, UuidParse);
  r.AddWithContext("uuid.rfc4122", 1, UuidRfc4122);
  r.AddWithContext("rand.intn", 2, RandIntn);
  r.Add("uri.parse", 1, UriParse);
  r.Add("uri.is_valid", 1, UriIsValid);
}

}  // namespace sluice::policy
