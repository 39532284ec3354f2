// The wire format between a SandboxSession (in sluice) and the stage agent
// (inside the stage's sandbox). Internal to the runner module.
//
// Wire format, version 1 (kAgentProtocolVersion). Both ends come from the
// same build, so there is no negotiation: the agent announces its version
// and the session refuses any other. Integers are in host byte order (both
// ends run on one machine).
//
// Control socket — SOCK_SEQPACKET, one per agent:
//   agent → sluice, once at start:  "sluice-stage-agent <version>"
//   sluice → agent, per command:    one byte, 'C' (no stdin) or 'I' (stdin
//       pipe), with SCM_RIGHTS [command socket, stdout write end, stderr
//       write end(, stdin read end)].
//   sluice closes it: the agent exits, and with it the whole sandbox.
// Command socket — SOCK_STREAM, one per command:
//   sluice → agent: one frame holding a SpawnRequest; later single bytes
//       kSignalTerm / kSignalKill for the command's process group. EOF
//       before the command ended: SIGKILL to the group.
//   agent → sluice: one frame, kStarted, or kNotStarted + the reason; after
//       kStarted, when the leader has exited and the rest of its group has
//       been killed: kExited + the int32 wait status (5 bytes, no frame).
// Frame: uint32 length, then that many bytes (at most kMaxFrame).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "runner/fd.h"

namespace sluice::runner {

inline constexpr int kAgentProtocolVersion = 1;
inline constexpr size_t kMaxFrame = size_t{64} * 1024 * 1024;

inline constexpr char kCommandNoStdin = 'C';
inline constexpr char kCommandWithStdin = 'I';
inline constexpr char kSignalTerm = 'T';
inline constexpr char kSignalKill = 'K';
inline constexpr char kStarted = 'S';
inline constexpr char kNotStarted = 'E';
inline constexpr char kExited = 'X';

// The agent's greeting on the control socket.
std::string AgentHello();

struct SpawnRequest {
  std::vector<std::string> argv;  // argv[0] resolved by the agent with env's PATH
  std::vector<std::string> env;   // "KEY=VALUE", the whole environment
  std::string working_dir;        // as seen in the sandbox; "" = the agent's
};

std::string EncodeSpawnRequest(const SpawnRequest& request);
std::optional<SpawnRequest> DecodeSpawnRequest(std::string_view data);

// Blocking writes/reads on a socket; no SIGPIPE. ReadFrame: Aborted at EOF
// before the first byte (the peer went away), IoError otherwise.
Status WriteAll(int fd, std::string_view data);
Status WriteFrame(int fd, std::string_view payload);
Result<std::string> ReadFrame(int fd);

// One byte with descriptors on a SOCK_SEQPACKET socket. SendWithFds:
// IoError with errno kept in *err (EPIPE etc. when the agent is gone).
Status SendWithFds(int socket, char tag, const std::vector<int>& fds, int* err = nullptr);
struct Received {
  char tag = 0;               // 0 at EOF
  std::vector<UniqueFd> fds;  // close-on-exec
};
Result<Received> ReceiveWithFds(int socket);

}  // namespace sluice::runner
