#include "runner/agent_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sluice::runner {
namespace {

using ::testing::ElementsAre;

TEST(AgentProtocolTest, SpawnRequestRoundTrips) {
  SpawnRequest r;
  r.argv = {"sh", "-c", std::string("a\0b", 3), ""};
  r.env = {"A=1", "B="};
  r.working_dir = "/harness";
  auto back = DecodeSpawnRequest(EncodeSpawnRequest(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->argv, r.argv);
  EXPECT_EQ(back->env, r.env);
  EXPECT_EQ(back->working_dir, "/harness");
}

TEST(AgentProtocolTest, MalformedRequestsAreRejected) {
  SpawnRequest r;
  r.argv = {"true"};
  std::string data = EncodeSpawnRequest(r);
  EXPECT_FALSE(DecodeSpawnRequest(data.substr(0, data.size() - 1)).has_value());
  EXPECT_FALSE(DecodeSpawnRequest(data + "x").has_value());
  EXPECT_FALSE(DecodeSpawnRequest("").has_value());
  r.argv.clear();
  EXPECT_FALSE(DecodeSpawnRequest(EncodeSpawnRequest(r)).has_value());
}

TEST(AgentProtocolTest, FramesAndDescriptorsCrossASocket) {
  int stream[2], packet[2], pipe_fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, stream), 0);
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, packet), 0);
  ASSERT_EQ(::pipe(pipe_fds), 0);
  UniqueFd s0(stream[0]), s1(stream[1]), p0(packet[0]), p1(packet[1]);
  UniqueFd pipe_read(pipe_fds[0]), pipe_write(pipe_fds[1]);

  ASSERT_TRUE(WriteFrame(s0.get(), "hello").ok());
  auto frame = ReadFrame(s1.get());
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(*frame, "hello");

  // A descriptor sent over is the same pipe.
  ASSERT_TRUE(SendWithFds(p0.get(), kCommandNoStdin, {pipe_write.get()}).ok());
  auto got = ReceiveWithFds(p1.get());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->tag, kCommandNoStdin);
  ASSERT_EQ(got->fds.size(), 1u);
  ASSERT_EQ(::write(got->fds[0].get(), "x", 1), 1);
  char c = 0;
  ASSERT_EQ(::read(pipe_read.get(), &c, 1), 1);
  EXPECT_EQ(c, 'x');

  // EOF: the peer closed.
  s0.Reset();
  EXPECT_EQ(ReadFrame(s1.get()).status().code(), StatusCode::kAborted);
  p0.Reset();
  auto eof = ReceiveWithFds(p1.get());
  ASSERT_TRUE(eof.ok());
  EXPECT_EQ(eof->tag, 0);
}

}  // namespace
}  // namespace sluice::runner
