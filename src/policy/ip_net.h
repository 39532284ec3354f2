// IP addresses and CIDR blocks as Go's net package reads and prints them,
// for the net.cidr_* builtins (OPA v1/topdown/cidr.go is built on net.IP
// and net.IPNet, so Go's parsing and printing rules are the spec).
//
// An address is 16 bytes; an IPv4 address is held IPv4-mapped
// (::ffff:a.b.c.d), as Go's net.ParseIP does, and every IPv4-mapped address
// counts as IPv4 (Go's IP.To4()): it prints dotted and only IPv4 blocks
// contain it. A block is normalised the way Go's IPNet methods see it: an
// IPv6 block whose network lies in ::ffff:0:0/96 is the IPv4 block with
// 96 fewer prefix bits ("::ffff:1.2.3.0/120" is "1.2.3.0/24").
//
// Pure functions on values; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::policy::ipnet {

__extension__ using U128 = unsigned __int128;

struct Addr {
  std::array<uint8_t, 16> bytes{};
  bool IsV4() const;  // IPv4-mapped
  U128 ToU128() const;
  static Addr FromU128(U128 v);
};

struct Block {
  Addr network;    // masked
  int prefix = 0;  // in the family's bits: 0..32 for IPv4, 0..128 for IPv6
  bool v4 = false;
  int Bits() const { return v4 ? 32 : 128; }
  Addr Last() const;  // the block's highest address
  bool Contains(const Addr& a) const;
};

// Go's net.ParseIP: dotted IPv4 without leading zeros, or IPv6 (with an
// optional trailing dotted IPv4), no zone.
std::optional<Addr> ParseAddr(std::string_view s);
// Go's net.ParseCIDR: "<addr>/<decimal prefix>"; the address is masked.
std::optional<Block> ParseCidr(std::string_view s);

// Go's net.IP.String(): dotted for IPv4, RFC 5952 for IPv6.
std::string FormatAddr(const Addr& a);
// "<network>/<prefix>".
std::string FormatBlock(const Block& b);

// The addresses of a block, in order; nullopt when there are more than
// `limit`.
std::optional<std::vector<Addr>> Expand(const Block& b, uint64_t limit);

// One input of net.cidr_merge: a range of addresses (IPv4-mapped for
// IPv4) and, while it is not merged with another, the text Go prints for
// the network it came from.
struct MergeRange {
  U128 first = 0;
  U128 last = 0;
  std::string text;
};
// The smallest list of blocks covering the union of the ranges, as OPA's
// net.cidr_merge computes it (ranges sorted by last then first address,
// merged from the end when adjacent or overlapping), as text.
std::vector<std::string> Merge(std::vector<MergeRange> ranges);

}  // namespace sluice::policy::ipnet
