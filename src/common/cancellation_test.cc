#include "common/cancellation.h"

#include <poll.h>

#include <gtest/gtest.h>

namespace sluice {
namespace {

bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

TEST(CancellationTest, CancelSetsFlagAndWakesPollers) {
  Cancellation c;
  EXPECT_FALSE(c.cancelled());
  EXPECT_FALSE(Readable(c.fd()));
  c.Cancel();
  c.Cancel();
  EXPECT_TRUE(c.cancelled());
  EXPECT_TRUE(Readable(c.fd()));
}

TEST(CancellationTest, ParentCancelsChildrenButNotTheOtherWay) {
  Cancellation root;
  Cancellation a(&root);
  Cancellation b(&root);
  a.Cancel();
  EXPECT_FALSE(root.cancelled());
  EXPECT_FALSE(b.cancelled());
  root.Cancel();
  EXPECT_TRUE(b.cancelled());
  Cancellation late(&root);
  EXPECT_TRUE(late.cancelled());
}

}  // namespace
}  // namespace sluice
