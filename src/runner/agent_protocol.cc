#include "runner/agent_protocol.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace sluice::runner {

namespace {

constexpr size_t kMaxFds = 4;

void PutU32(std::string& out, uint32_t v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

bool GetU32(std::string_view& in, uint32_t* v) {
  if (in.size() < sizeof *v) return false;
  std::memcpy(v, in.data(), sizeof *v);
  in.remove_prefix(sizeof *v);
  return true;
}

void PutStrings(std::string& out, const std::vector<std::string>& strings) {
  PutU32(out, static_cast<uint32_t>(strings.size()));
  for (const std::string& s : strings) {
    PutU32(out, static_cast<uint32_t>(s.size()));
    out.append(s);
  }
}

bool GetString(std::string_view& in, std::string* s) {
  uint32_t n = 0;
  if (!GetU32(in, &n) || in.size() < n) return false;
  s->assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

bool GetStrings(std::string_view& in, std::vector<std::string>* strings) {
  uint32_t count = 0;
  if (!GetU32(in, &count)) return false;
  for (uint32_t i = 0; i < count; ++i) {
    if (!GetString(in, &strings->emplace_back())) return false;
  }
  return true;
}

Status ReadExactly(int fd, char* data, size_t size, bool* eof_at_start) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::recv(fd, data + done, size - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::string("agent socket: ") + std::strerror(errno));
    if (n == 0) {
      if (done == 0 && eof_at_start != nullptr) *eof_at_start = true;
      return Status::IoError("agent socket closed");
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

std::string AgentHello() { return "sluice-stage-agent " + std::to_string(kAgentProtocolVersion); }

std::string EncodeSpawnRequest(const SpawnRequest& request) {
  std::string out;
  PutStrings(out, request.argv);
  PutStrings(out, request.env);
  PutU32(out, static_cast<uint32_t>(request.working_dir.size()));
  out.append(request.working_dir);
  return out;
}

std::optional<SpawnRequest> DecodeSpawnRequest(std::string_view data) {
  SpawnRequest r;
  if (!GetStrings(data, &r.argv) || !GetStrings(data, &r.env) || !GetString(data, &r.working_dir) ||
      !data.empty() || r.argv.empty()) {
    return std::nullopt;
  }
  return r;
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::string("agent socket: ") + std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status WriteFrame(int fd, std::string_view payload) {
  std::string header;
  PutU32(header, static_cast<uint32_t>(payload.size()));
  SLUICE_RETURN_IF_ERROR(WriteAll(fd, header));
  return WriteAll(fd, payload);
}

Result<std::string> ReadFrame(int fd) {
  uint32_t size = 0;
  bool eof = false;
  Status s = ReadExactly(fd, reinterpret_cast<char*>(&size), sizeof size, &eof);
  if (eof) return Status::Aborted("agent socket closed");
  SLUICE_RETURN_IF_ERROR(s);
  if (size > kMaxFrame) return Status::IoError("agent frame too large");
  std::string payload(size, '\0');
  SLUICE_RETURN_IF_ERROR(ReadExactly(fd, payload.data(), size, nullptr));
  return payload;
}

Status SendWithFds(int socket, char tag, const std::vector<int>& fds, int* err) {
  char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
  iovec iov{&tag, 1};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t n;
  do {
    n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n == 1) return Status::Ok();
  int e = n < 0 ? errno : EIO;
  if (err != nullptr) *err = e;
  return Status::IoError(std::string("cannot reach the stage agent: ") + std::strerror(e));
}

Result<Received> ReceiveWithFds(int socket) {
  char tag = 0;
  char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
  iovec iov{&tag, 1};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Status::IoError(std::string("control socket: ") + std::strerror(errno));
  Received r;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      r.fds.emplace_back(fd);
    }
  }
  if (n == 0) return r;  // EOF: tag stays 0
  r.tag = tag;
  return r;
}

}  // namespace sluice::runner
