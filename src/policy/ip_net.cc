#include "policy/ip_net.h"

#include <algorithm>

namespace sluice::policy::ipnet {
namespace {

constexpr U128 kV4Base = U128{0xffff} << 32;  // ::ffff:0.0.0.0

// Ones in the low `k` bits (k may be 128).
U128 LowMask(int k) { return k >= 128 ? ~U128{0} : (U128{1} << k) - 1; }

// Go's parseIPv4Fields: four dotted decimal octets, no leading zeros.
bool ParseV4(std::string_view s, uint8_t* out) {
  int val = 0, digits = 0, pos = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (digits == 1 && val == 0) return false;
      val = val * 10 + (c - '0');
      ++digits;
      if (val > 255) return false;
    } else if (c == '.') {
      if (i == 0 || i + 1 == s.size() || s[i - 1] == '.' || pos == 3) return false;
      out[pos++] = static_cast<uint8_t>(val);
      val = digits = 0;
    } else {
      return false;
    }
  }
  if (pos < 3) return false;
  out[3] = static_cast<uint8_t>(val);
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's netip parseIPv6 without a zone: hex groups, at most one "::", an
// optional trailing dotted IPv4.
bool ParseV6(std::string_view s, std::array<uint8_t, 16>& ip) {
  int ellipsis = -1;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    s.remove_prefix(2);
    if (s.empty()) return true;
  }
  int i = 0;
  while (i < 16) {
    size_t off = 0;
    uint32_t acc = 0;
    for (; off < s.size(); ++off) {
      int d = HexDigit(s[off]);
      if (d < 0) break;
      if (off > 3) return false;
      acc = (acc << 4) + static_cast<uint32_t>(d);
    }
    if (off == 0) return false;
    if (off < s.size() && s[off] == '.') {
      if ((ellipsis < 0 && i != 12) || i + 4 > 16) return false;
      if (!ParseV4(s, &ip[static_cast<size_t>(i)])) return false;
      s = {};
      i += 4;
      break;
    }
    ip[static_cast<size_t>(i)] = static_cast<uint8_t>(acc >> 8);
    ip[static_cast<size_t>(i) + 1] = static_cast<uint8_t>(acc);
    i += 2;
    s.remove_prefix(off);
    if (s.empty()) break;
    if (s[0] != ':' || s.size() == 1) return false;
    s.remove_prefix(1);
    if (s[0] == ':') {
      if (ellipsis >= 0) return false;
      ellipsis = i;
      s.remove_prefix(1);
      if (s.empty()) break;
    }
  }
  if (!s.empty()) return false;
  if (i < 16) {
    if (ellipsis < 0) return false;
    int n = 16 - i;
    for (int j = i - 1; j >= ellipsis; --j) ip[static_cast<size_t>(j + n)] = ip[static_cast<size_t>(j)];
    std::fill(ip.begin() + ellipsis, ip.begin() + ellipsis + n, uint8_t{0});
  } else if (ellipsis >= 0) {
    return false;  // "::" must stand for at least one group
  }
  return true;
}

enum class Family { kNone, kV4, kV6 };

// Go's netip.ParseAddr (zones refused): the first '.' or ':' decides.
std::optional<Addr> Parse(std::string_view s, Family& family) {
  Addr a;
  for (char c : s) {
    if (c == '.') {
      a.bytes[10] = a.bytes[11] = 0xff;
      if (!ParseV4(s, &a.bytes[12])) return std::nullopt;
      family = Family::kV4;
      return a;
    }
    if (c == ':') {
      if (!ParseV6(s, a.bytes)) return std::nullopt;
      family = Family::kV6;
      return a;
    }
    if (c == '%') return std::nullopt;
  }
  return std::nullopt;
}

// Appends the text of the fewest aligned blocks that cover [first, last],
// offsets within a family of `bits` bits whose addresses start at `base`.
void Decompose(U128 first, U128 last, int bits, U128 base, std::vector<std::string>& out) {
  while (true) {
    int k = 0;
    while (k < bits && (first & LowMask(k + 1)) == 0 && last - first >= LowMask(k + 1)) ++k;
    Block b{Addr::FromU128(base + first), bits - k, bits == 32};
    out.push_back(FormatBlock(b));
    if (last - first == LowMask(k)) return;
    first += LowMask(k) + 1;
  }
}

}  // namespace

bool Addr::IsV4() const { return (ToU128() >> 32) == 0xffff; }

U128 Addr::ToU128() const {
  U128 v = 0;
  for (uint8_t b : bytes) v = (v << 8) | b;
  return v;
}

Addr Addr::FromU128(U128 v) {
  Addr a;
  for (size_t i = 16; i > 0; --i) {
    a.bytes[i - 1] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
  return a;
}

Addr Block::Last() const {
  int host = Bits() - prefix;
  return Addr::FromU128(network.ToU128() | LowMask(host));
}

bool Block::Contains(const Addr& a) const {
  if (a.IsV4() != v4) return false;
  int host = Bits() - prefix;
  return (a.ToU128() & ~LowMask(host)) == network.ToU128();
}

std::optional<Addr> ParseAddr(std::string_view s) {
  Family family = Family::kNone;
  return Parse(s, family);
}

std::optional<Block> ParseCidr(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  Family family = Family::kNone;
  std::optional<Addr> addr = Parse(s.substr(0, slash), family);
  if (!addr) return std::nullopt;
  std::string_view len = s.substr(slash + 1);
  int max = family == Family::kV4 ? 32 : 128;
  int n = 0;
  if (len.empty()) return std::nullopt;
  for (char c : len) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
    if (n > max) return std::nullopt;
  }
  int prefix = family == Family::kV4 ? 96 + n : n;
  U128 network = addr->ToU128() & ~LowMask(128 - prefix);
  Block b{Addr::FromU128(network), prefix, false};
  if (b.network.IsV4() && prefix >= 96) {
    b.v4 = true;
    b.prefix = prefix - 96;
  }
  return b;
}

std::string FormatAddr(const Addr& a) {
  std::string out;
  if (a.IsV4()) {
    for (size_t i = 12; i < 16; ++i) {
      if (i > 12) out += '.';
      out += std::to_string(a.bytes[i]);
    }
    return out;
  }
  uint16_t groups[8];
  for (size_t i = 0; i < 8; ++i) groups[i] = static_cast<uint16_t>(a.bytes[2 * i] << 8 | a.bytes[2 * i + 1]);
  // The longest run of at least two zero groups (the first of equals)
  // becomes "::".
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best + best_len) out += ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int d = (groups[i] >> shift) & 15;
      if (d != 0 || started || shift == 0) {
        out += kHex[d];
        started = true;
      }
    }
  }
  return out;
}

std::string FormatBlock(const Block& b) { return FormatAddr(b.network) + "/" + std::to_string(b.prefix); }

std::optional<std::vector<Addr>> Expand(const Block& b, uint64_t limit) {
  int host = b.Bits() - b.prefix;
  if (host >= 64 || (uint64_t{1} << host) > limit) return std::nullopt;
  std::vector<Addr> out;
  U128 first = b.network.ToU128();
  for (uint64_t i = 0; i < (uint64_t{1} << host); ++i) out.push_back(Addr::FromU128(first + i));
  return out;
}

std::vector<std::string> Merge(std::vector<MergeRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const MergeRange& x, const MergeRange& y) {
    return x.last != y.last ? x.last < y.last : x.first < y.first;
  });
  for (size_t i = ranges.size(); i-- > 1;) {
    U128 first = ranges[i].first;
    // Go's GetPreviousIP stays at the lowest IPv4 or IPv6 address.
    U128 previous = (first == 0 || first == kV4Base) ? first : first - 1;
    if (previous <= ranges[i - 1].last) {
      ranges[i - 1] = {std::min(ranges[i - 1].first, first), ranges[i].last, ""};
      ranges.erase(ranges.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  std::vector<std::string> out;
  for (const MergeRange& r : ranges) {
    if (!r.text.empty()) {
      out.push_back(r.text);
    } else if ((r.first >> 32) == 0xffff && (r.last >> 32) == 0xffff) {
      Decompose(r.first - kV4Base, r.last - kV4Base, 32, kV4Base, out);
    } else {
      Decompose(r.first, r.last, 128, 0, out);
    }
  }
  return out;
}

}  // namespace sluice::policy::ipnet
