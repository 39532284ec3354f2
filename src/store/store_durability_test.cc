// Crash safety: a child process writes through its own Store and dies
// without any cleanup (_exit or SIGKILL) right after a call returned; the
// parent reopens the state directory and must find every committed change.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>

#include "store/store.h"
#include "store/store_test_util.h"

namespace sluice::store {
namespace {

using testing::MakeStateDir;
using testing::OpenOrDie;
using testing::SampleExecution;
using testing::SampleNode;

// Runs `body` in a forked child that opens its own Store (a connection must
// never cross fork()). body returns false on failure; the child then exits 2.
// Returns the raw wait status.
template <typename Body>
int RunInChild(const std::filesystem::path& state_dir, Body body) {
  pid_t pid = fork();
  if (pid == 0) {
    auto store = Store::Open(state_dir);
    if (!store.ok() || !body(**store)) _exit(2);
    _exit(0);  // no destructors: the Store is never closed
  }
  int wstatus = 0;
  EXPECT_EQ(waitpid(pid, &wstatus, 0), pid);
  return wstatus;
}

TEST(StoreDurabilityTest, ChangesSurviveExitWithoutClosingTheStore) {
  TempDir dir = MakeStateDir();
  int ws = RunInChild(dir.path(), [](Store& s) {
    ExecutionRecord rec = SampleExecution();
    rec.id = "exit-child";
    NodeRecord n = SampleNode(rec.id, "S.step");
    n.status = "Success";
    return s.CreateExecution(&rec).ok() && s.PutNode(n).ok() && s.AppendLog(rec.id, "S.step", "done").ok();
  });
  ASSERT_TRUE(WIFEXITED(ws));
  ASSERT_EQ(WEXITSTATUS(ws), 0);

  auto store = OpenOrDie(dir.path());
  auto nodes = store->GetNodes("exit-child");
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ(nodes->front().status, "Success");
  auto log = store->ReadLog("exit-child", "S.step");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(*log, "done\n");
}

TEST(StoreDurabilityTest, PutNodeSurvivesSigkillRightAfterItReturns) {
  TempDir dir = MakeStateDir();
  int ws = RunInChild(dir.path(), [](Store& s) {
    ExecutionRecord rec = SampleExecution();
    rec.id = "killed-child";
    if (!s.CreateExecution(&rec).ok()) return false;
    NodeRecord n = SampleNode(rec.id, "S.step");
    n.status = "Failed";
    n.failure_message = "last words";
    if (!s.PutNode(n).ok() || !s.AppendLog(rec.id, "S.step", "partial output").ok()) return false;
    kill(getpid(), SIGKILL);
    return false;  // not reached
  });
  ASSERT_TRUE(WIFSIGNALED(ws));
  EXPECT_EQ(WTERMSIG(ws), SIGKILL);

  auto store = OpenOrDie(dir.path());
  auto nodes = store->GetNodes("killed-child");
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ(nodes->front().failure_message, "last words");
  auto log = store->ReadLog("killed-child", "S.step");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(*log, "partial output\n");
}

// The parent kills a child that is busy writing; every node the child
// reported as stored (after PutNode returned) must be there.
TEST(StoreDurabilityTest, EveryAcknowledgedNodeSurvivesAKillMidStream) {
  TempDir dir = MakeStateDir();
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(acks[0]);
    auto store = Store::Open(dir.path());
    ExecutionRecord rec = SampleExecution();
    rec.id = "stream-child";
    if (!store.ok() || !(*store)->CreateExecution(&rec).ok()) _exit(2);
    for (int32_t i = 0;; ++i) {
      if (!(*store)->PutNode(SampleNode(rec.id, "n" + std::to_string(i), i)).ok()) _exit(3);
      if (write(acks[1], &i, sizeof i) != static_cast<ssize_t>(sizeof i)) _exit(4);
    }
  }
  close(acks[1]);
  int32_t last = -1;
  while (last < 200) {
    int32_t i = 0;
    ASSERT_EQ(read(acks[0], &i, sizeof i), static_cast<ssize_t>(sizeof i)) << "child stopped early";
    last = i;
  }
  kill(pid, SIGKILL);
  int ws = 0;
  ASSERT_EQ(waitpid(pid, &ws, 0), pid);
  close(acks[0]);
  ASSERT_TRUE(WIFSIGNALED(ws));

  auto store = OpenOrDie(dir.path());
  auto nodes = store->GetNodes("stream-child");
  ASSERT_TRUE(nodes.ok());
  ASSERT_GT(static_cast<int64_t>(nodes->size()), last);
  for (int32_t i = 0; i <= last; ++i) EXPECT_EQ((*nodes)[static_cast<size_t>(i)].path, "n" + std::to_string(i));
}

TEST(StoreDurabilityTest, AnotherProcessSeesWritesWhileTheWriterIsOpen) {
  TempDir dir = MakeStateDir();
  auto store = OpenOrDie(dir.path());
  ExecutionRecord rec = SampleExecution("cross");
  ASSERT_TRUE(store->CreateExecution(&rec).ok());
  ASSERT_TRUE(store->PutNode(SampleNode(rec.id, "S")).ok());
  const std::string id = rec.id;
  int ws = RunInChild(dir.path(), [&id](Store& s) {
    auto nodes = s.GetNodes(id);
    ExecutionRecord next = SampleExecution("cross");
    return nodes.ok() && nodes->size() == 1 && s.RequestAbort(id).ok() && s.CreateExecution(&next).ok() &&
           next.sequence_id == 2;
  });
  ASSERT_TRUE(WIFEXITED(ws));
  EXPECT_EQ(WEXITSTATUS(ws), 0);
  auto aborted = store->AbortRequested(id);
  ASSERT_TRUE(aborted.ok());
  EXPECT_TRUE(*aborted);
}

}  // namespace
}  // namespace sluice::store
