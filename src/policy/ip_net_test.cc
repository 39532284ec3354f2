#include "policy/ip_net.h"

#include <gtest/gtest.h>

namespace sluice::policy::ipnet {
namespace {

std::string Canonical(std::string_view s) {
  std::optional<Addr> a = ParseAddr(s);
  return a ? FormatAddr(*a) : "<invalid>";
}

TEST(IpNetTest, ParsesAddressesLikeGo) {
  EXPECT_EQ(Canonical("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(Canonical("010.0.0.1"), "<invalid>");  // leading zero
  EXPECT_EQ(Canonical("1.2.3"), "<invalid>");
  EXPECT_EQ(Canonical("256.0.0.1"), "<invalid>");
  EXPECT_EQ(Canonical("::"), "::");
  EXPECT_EQ(Canonical("2001:DB8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");  // first longest run
  EXPECT_EQ(Canonical("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");  // one zero group stays
  EXPECT_EQ(Canonical("::ffff:1.2.3.4"), "1.2.3.4");  // IPv4-mapped prints dotted
  EXPECT_EQ(Canonical("::1.2.3.4"), "::102:304");
  EXPECT_EQ(Canonical("1:2:3:4:5:6:7::8"), "<invalid>");  // "::" standing for nothing
  EXPECT_EQ(Canonical("fe80::1%eth0"), "<invalid>");      // zones refused
}

TEST(IpNetTest, CidrMasksAndNormalisesMappedBlocks) {
  std::optional<Block> b = ParseCidr("192.168.1.77/24");
  ASSERT_TRUE(b);
  EXPECT_EQ(FormatBlock(*b), "192.168.1.0/24");
  EXPECT_FALSE(ParseCidr("192.168.1.1/33"));
  EXPECT_FALSE(ParseCidr("192.168.1.1"));
  b = ParseCidr("::ffff:1.2.3.4/120");
  ASSERT_TRUE(b);
  EXPECT_EQ(FormatBlock(*b), "1.2.3.0/24");
  EXPECT_TRUE(b->Contains(*ParseAddr("1.2.3.200")));
  EXPECT_FALSE(ParseCidr("::/0")->Contains(*ParseAddr("1.2.3.4")));  // families differ
}

TEST(IpNetTest, MergeJoinsAdjacentAndSplitsIntoAlignedBlocks) {
  auto range = [](std::string_view cidr) {
    Block b = *ParseCidr(cidr);
    return MergeRange{b.network.ToU128(), b.Last().ToU128(), FormatBlock(b)};
  };
  EXPECT_EQ(Merge({range("10.0.0.0/25"), range("10.0.0.128/25")}), std::vector<std::string>{"10.0.0.0/24"});
  // 10.0.0.1 .. 10.0.0.6 is not one block.
  std::vector<std::string> got =
      Merge({range("10.0.0.1/32"), range("10.0.0.2/31"), range("10.0.0.4/31"), range("10.0.0.6/32")});
  EXPECT_EQ(got, (std::vector<std::string>{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"}));
  // An unmerged range keeps its own text.
  EXPECT_EQ(Merge({MergeRange{1, 1, "as given"}}), std::vector<std::string>{"as given"});
}

TEST(IpNetTest, ExpandRefusesHugeBlocks) {
  EXPECT_EQ(Expand(*ParseCidr("10.0.0.0/30"), 16)->size(), 4u);
  EXPECT_FALSE(Expand(*ParseCidr("10.0.0.0/8"), 16));
}

}  // namespace
}  // namespace sluice::policy::ipnet
