// Helpers of the API tests: a blocking HTTP/1.1 client over one TCP
// connection to 127.0.0.1, enough for JSON requests and event streams.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace sluice::server::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  // The body as JSON; an empty object (and a test failure) when it is not.
  nlohmann::json json() const {
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "not JSON (status " << status << "): " << body;
      return nlohmann::json::object();
    }
    return j;
  }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

class TestConnection {
 public:
  explicit TestConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{30, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~TestConnection() { ::close(fd_); }
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  void Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  // Reads until `done(what was read)` holds or the server closes; returns
  // everything read.
  std::string ReadUntil(const std::function<bool(const std::string&)>& done) {
    std::string all;
    char buf[8192];
    while (!done(all)) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;  // a signal (SIGCHLD of a step) is not the end
      if (n <= 0) break;
      all.append(buf, static_cast<size_t>(n));
    }
    return all;
  }
  bool connected() const { return connected_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// The request text for `method path` with `headers` ("Name: value\r\n"...)
// and `body`, closing the connection after the answer.
inline std::string RequestText(uint16_t port, const std::string& method, const std::string& path,
                               const std::string& headers, const std::string& body) {
  return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\nConnection: close\r\n" + headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// Parses a whole response read to the end of the connection (bodies with
// Content-Length).
inline HttpReply ParseReply(const std::string& text) {
  HttpReply reply;
  size_t head_end = text.find("\r\n\r\n");
  if (text.size() < 12 || head_end == std::string::npos) return reply;
  reply.status = std::stoi(text.substr(9, 3));
  size_t at = text.find("\r\n") + 2;
  while (at < head_end) {
    size_t end = text.find("\r\n", at);
    std::string line = text.substr(at, end - at);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t v = line.find_first_not_of(' ', colon + 1);
      reply.headers[name] = v == std::string::npos ? "" : line.substr(v);
    }
    at = end + 2;
  }
  reply.body = text.substr(head_end + 4);
  return reply;
}

inline HttpReply Call(uint16_t port, const std::string& method, const std::string& path,
                      const std::string& headers = "", const std::string& body = "") {
  TestConnection c(port);
  c.Send(RequestText(port, method, path, headers, body));
  return ParseReply(c.ReadUntil([](const std::string&) { return false; }));
}

}  // namespace sluice::server::testing
