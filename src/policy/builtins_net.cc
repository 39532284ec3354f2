// Rego builtins: net.cidr_*, net.lookup_ip_addr.
//
// As in OPA (v1/topdown/cidr.go), a CIDR that does not parse is reported
// with Go's net.ParseCIDR text ("invalid CIDR address: <s>"), and a non-string
// CIDR as operand 1 whichever argument it was.
#include <netdb.h>
#include <sys/socket.h>

#include <string>
#include <vector>

#include "policy/builtins.h"
#include "policy/ip_net.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

// The block a string operand names, or OPA's error for it.
bool BlockOperand(const Value& v, ipnet::Block& out, Out& err) {
  if (!v.IsString()) {
    err = Out::OperandError(1, "string", v);
    return false;
  }
  std::optional<ipnet::Block> b = ipnet::ParseCidr(v.AsString());
  if (!b) {
    err = Out::Error("invalid CIDR address: " + std::string(v.AsString()));
    return false;
  }
  out = *b;
  return true;
}

// net.cidr_contains(cidr, cidr_or_ip).
Out CidrContains(Args a) {
  ipnet::Block outer;
  Out err;
  if (!BlockOperand(a[0], outer, err)) return err;
  if (!a[1].IsString()) return Out::OperandError(1, "string", a[1]);
  if (std::optional<ipnet::Addr> ip = ipnet::ParseAddr(a[1].AsString())) {
    return Value::Boolean(outer.Contains(*ip));
  }
  std::optional<ipnet::Block> inner = ipnet::ParseCidr(a[1].AsString());
  if (!inner) {
    return Out::Error("not a valid textual representation of an IP address or CIDR: " +
                      std::string(a[1].AsString()));
  }
  return Value::Boolean(outer.Contains(inner->network) && outer.Contains(inner->Last()));
}

Out CidrIntersects(Args a) {
  ipnet::Block x, y;
  Out err;
  if (!BlockOperand(a[0], x, err) || !BlockOperand(a[1], y, err)) return err;
  return Value::Boolean(x.Contains(y.network) || y.Contains(x.network));
}

Out CidrIsValid(Args a) { return Value::Boolean(a[0].IsString() && ipnet::ParseCidr(a[0].AsString())); }

// Expansion stops at a /12 of IPv4 (about a million addresses, some tens of
// MB as Values) rather than exhausting memory; OPA has no limit and runs
// until the query is cancelled.
constexpr uint64_t kMaxExpand = uint64_t{1} << 20;

Out CidrExpand(Args a) {
  ipnet::Block b;
  Out err;
  if (!BlockOperand(a[0], b, err)) return err;
  std::optional<std::vector<ipnet::Addr>> addrs = ipnet::Expand(b, kMaxExpand);
  if (!addrs) return Out::Error("CIDR too large to expand: " + std::string(a[0].AsString()));
  std::vector<Value> out;
  out.reserve(addrs->size());
  for (const ipnet::Addr& ip : *addrs) out.push_back(Value::String(ipnet::FormatAddr(ip)));
  return Value::Set(std::move(out));
}

// One (cidr, key) pair of a net.cidr_contains_matches operand.
struct Match {
  Value cidr;
  Value key;
};

// A string stands for itself; a collection's elements are strings or
// arrays whose first element is the CIDR, keyed by index, element or key.
bool MatchOperand(int n, const Value& v, std::vector<Match>& out, Out& err) {
  auto element = [&](const Value& e, Value key) {
    if (e.IsString()) {
      out.push_back({e, std::move(key)});
      return true;
    }
    if (e.IsArray() && !e.ArrayElems().empty()) {
      out.push_back({e.ArrayElems()[0], std::move(key)});
      return true;
    }
    err = Out::Error("operand " + std::to_string(n) + ": element must be string or non-empty array");
    return false;
  };
  if (v.IsString()) {
    out.push_back({v, v});
  } else if (v.IsArray()) {
    for (size_t i = 0; i < v.ArrayElems().size(); ++i) {
      if (!element(v.ArrayElems()[i], Value::Int(static_cast<int64_t>(i)))) return false;
    }
  } else if (v.IsSet()) {
    for (const Value& e : v.SetElems()) {
      if (!element(e, e)) return false;
    }
  } else if (v.IsObject()) {
    for (const ObjectEntry& e : v.ObjectEntries()) {
      if (!element(e.value, e.key)) return false;
    }
  }
  return true;
}

Out CidrContainsMatches(Args a) {
  std::vector<Match> cidrs, addrs;
  Out err;
  if (!MatchOperand(1, a[0], cidrs, err) || !MatchOperand(2, a[1], addrs, err)) return err;
  std::vector<Value> out;
  for (const Match& c : cidrs) {
    for (const Match& x : addrs) {
      Value pair[] = {c.cidr, x.cidr};
      Out r = CidrContains(pair);
      if (r.state != Out::State::kValue) return r;
      if (r.value.AsBool()) out.push_back(Value::Array({c.key, x.key}));
    }
  }
  return Value::Set(std::move(out));
}

// A net.cidr_merge element: a CIDR, or an IPv4 address standing for its
// classful network (Go's IP.DefaultMask), printed unmasked as Go does.
bool MergeElement(const Value& v, std::vector<ipnet::MergeRange>& out, Out& err) {
  if (!v.IsString()) {
    err = Out::Error("element must be string");
    return false;
  }
  if (std::optional<ipnet::Addr> ip = ipnet::ParseAddr(v.AsString())) {
    if (!ip->IsV4()) {
      err = Out::Error("IPv6 invalid: needs prefix length");
      return false;
    }
    int prefix = ip->bytes[12] < 0x80 ? 8 : (ip->bytes[12] < 0xC0 ? 16 : 24);
    ipnet::Block b{*ip, prefix, true};
    b.network = ipnet::Addr::FromU128(ip->ToU128() >> (32 - prefix) << (32 - prefix));
    out.push_back({b.network.ToU128(), b.Last().ToU128(), ipnet::FormatAddr(*ip) + "/" + std::to_string(prefix)});
    return true;
  }
  ipnet::Block b;
  if (!BlockOperand(v, b, err)) return false;
  out.push_back({b.network.ToU128(), b.Last().ToU128(), ipnet::FormatBlock(b)});
  return true;
}

Out CidrMerge(Args a) {
  std::span<const Value> elems;
  if (a[0].IsArray()) {
    elems = a[0].ArrayElems();
  } else if (a[0].IsSet()) {
    elems = a[0].SetElems();
  } else {
    return Out::Error("operand must be an array");
  }
  std::vector<ipnet::MergeRange> ranges;
  Out err;
  for (const Value& e : elems) {
    if (!MergeElement(e, ranges, err)) return err;
  }
  std::vector<Value> out;
  for (std::string& s : ipnet::Merge(std::move(ranges))) out.push_back(Value::String(s));
  return Value::Set(std::move(out));
}

// The system resolver (an IP literal resolves to itself; names go through
// /etc/hosts and DNS). A failed lookup is an error, as in OPA.
Out LookupIpAddr(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::string name(a[0].AsString());
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
  if (rc != 0) return Out::Error("lookup " + name + ": " + gai_strerror(rc));
  std::vector<Value> out;
  for (addrinfo* p = res; p != nullptr; p = p->ai_next) {
    char host[NI_MAXHOST];
    if (getnameinfo(p->ai_addr, p->ai_addrlen, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) continue;
    // Print through Go's rules (no zone, RFC 5952).
    std::string text(host);
    if (size_t pct = text.find('%'); pct != std::string::npos) text.resize(pct);
    std::optional<ipnet::Addr> ip = ipnet::ParseAddr(text);
    if (ip) out.push_back(Value::String(ipnet::FormatAddr(*ip)));
  }
  freeaddrinfo(res);
  return Value::Set(std::move(out));
}

}  // namespace

void RegisterNetBuiltins(BuiltinRegistry& registry) {
  registry.Add("net.cidr_contains", 2, CidrContains);
  registry.Add("net.cidr_overlap", 2, CidrContains);  // deprecated alias
  registry.Add("net.cidr_intersects", 2, CidrIntersects);
  registry.Add("net.cidr_is_valid", 1, CidrIsValid);
  registry.Add("net.cidr_expand", 1, CidrExpand);
  registry.Add("net.cidr_contains_matches", 2, CidrContainsMatches);
  registry.Add("net.cidr_merge", 1, CidrMerge);
  registry.Add("net.lookup_ip_addr", 1, LookupIpAddr);
}

}  // namespace sluice::policy
