// The Authenticator behind a real HTTP server on 127.0.0.1: cookies, CSRF
// tokens, bearer tokens and the 401/403 split as a client sees them. The
// handler hands each request to a worker thread, as auth.h asks (sign-in
// blocks on Argon2id).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "net/http_server.h"
#include "server/auth.h"
#include "server/credentials.h"
#include "server/server_test_util.h"

namespace sluice::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// One request over a fresh connection; returns the raw response text.
std::string Exchange(uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    timeval tv{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) response.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return response;
}

std::string HeaderOf(const std::string& response, const std::string& name) {
  size_t at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  at += name.size() + 4;
  return response.substr(at, response.find("\r\n", at) - at);
}

class AuthHttpTest : public testing::AuthFixture {
 protected:
  void SetUp() override {
    AuthFixture::SetUp();
    AddUser("alice", Role::kExecutor);
    AddUser("victor", Role::kViewer);
    auth_ = std::make_unique<Authenticator>(
        store_->auth(), store_->audit(), std::vector<pipeline::UserGroup>{}, clock_,
        AuthOptions{.secure_cookies = false}, [](std::chrono::milliseconds) {});
    server_ = net::HttpServer::Create();
    auto listener = server_->Listen(
        "127.0.0.1", 0,
        [this](net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
          std::lock_guard<std::mutex> lock(workers_mu_);
          workers_.emplace_back([this, request = std::move(request), responder] {
            responder->Send(Handle(request));
          });
        },
        &port_);
    ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  }

  void TearDown() override {
    server_->Stop();
    std::lock_guard<std::mutex> lock(workers_mu_);
    for (std::thread& t : workers_) t.join();
  }

  // POST /login (body "user:password"), POST /logout, GET /whoami, POST /run.
  net::HttpResponse Handle(const net::HttpRequest& request) {
    if (request.path == "/login") {
      size_t colon = request.body.find(':');
      auto login = auth_->Login(request.body.substr(0, colon), request.body.substr(colon + 1),
                                request.remote_address);
      if (!login.ok()) return net::HttpResponse::Text(401, login.status().message());
      net::HttpResponse r = net::HttpResponse::Text(200, login->csrf_token);
      r.set("Set-Cookie", login->set_cookie);
      return r;
    }
    auto principal = auth_->Authenticate(request, request.remote_address);
    if (!principal.ok()) return net::HttpResponse::Text(401, principal.status().message());
    if (Status s = auth_->CheckUnsafeRequest(request, *principal); !s.ok()) {
      return net::HttpResponse::Text(403, s.message());
    }
    if (request.path == "/logout") {
      auto cleared = auth_->Logout(*principal, request.remote_address);
      if (!cleared.ok()) return net::HttpResponse::Text(500, cleared.status().message());
      net::HttpResponse r = net::HttpResponse::Text(200, "bye");
      r.set("Set-Cookie", *cleared);
      return r;
    }
    Action action = request.path == "/run" ? Action::kRun : Action::kRead;
    if (Status s = auth_->Authorize(*principal, action); !s.ok()) {
      return net::HttpResponse::Text(403, s.message());
    }
    return net::HttpResponse::Text(
        200, principal->user + " via " + std::string(AuthMethodName(principal->method)));
  }

  std::string Send(const std::string& method, const std::string& path,
                   const std::string& headers = "", const std::string& body = "") {
    return Exchange(port_,
                    method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                        "\r\nConnection: close\r\n" + headers +
                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }

  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<net::HttpServer> server_;
  uint16_t port_ = 0;
  std::mutex workers_mu_;
  std::vector<std::thread> workers_;
};

TEST_F(AuthHttpTest, ABrowserSignsInUsesItsCookieWithTheCsrfTokenAndSignsOut) {
  std::string login = Send("POST", "/login", "", "alice:alice-password");
  ASSERT_THAT(login, StartsWith("HTTP/1.1 200"));
  const std::string set_cookie = HeaderOf(login, "Set-Cookie");
  EXPECT_THAT(set_cookie, HasSubstr("; HttpOnly; SameSite=Strict"));
  EXPECT_THAT(set_cookie, Not(HasSubstr("Secure")));
  const std::string cookie = "Cookie: " + set_cookie.substr(0, set_cookie.find(';')) + "\r\n";
  const std::string csrf = login.substr(login.find("\r\n\r\n") + 4);

  EXPECT_THAT(Send("GET", "/whoami", cookie), HasSubstr("alice via session"));
  std::string no_csrf = Send("POST", "/run", cookie);
  EXPECT_THAT(no_csrf, StartsWith("HTTP/1.1 403"));
  EXPECT_THAT(no_csrf, HasSubstr("missing X-CSRF-Token header"));
  EXPECT_THAT(Send("POST", "/run", cookie + "X-CSRF-Token: " + csrf + "\r\n"),
              StartsWith("HTTP/1.1 200"));
  std::string cross = Send(
      "POST", "/run", cookie + "X-CSRF-Token: " + csrf + "\r\nOrigin: http://evil.example\r\n");
  EXPECT_THAT(cross, StartsWith("HTTP/1.1 403"));

  std::string logout = Send("POST", "/logout", cookie + "X-CSRF-Token: " + csrf + "\r\n");
  EXPECT_THAT(HeaderOf(logout, "Set-Cookie"), HasSubstr("sluice_session=; "));
  EXPECT_THAT(Send("GET", "/whoami", cookie), StartsWith("HTTP/1.1 401"));
}

TEST_F(AuthHttpTest, ApiClientsUseBearerTokensAndRolesDecide) {
  auto alice = accounts_->CreateToken(admin_, "alice", "ci", std::nullopt);
  auto victor = accounts_->CreateToken(admin_, "victor", "ci", std::nullopt);
  ASSERT_TRUE(alice.ok() && victor.ok());
  EXPECT_THAT(Send("POST", "/run", "Authorization: Bearer " + alice->value + "\r\n"),
              HasSubstr("alice via token"));
  std::string refused = Send("POST", "/run", "Authorization: Bearer " + victor->value + "\r\n");
  EXPECT_THAT(refused, StartsWith("HTTP/1.1 403"));
  EXPECT_THAT(refused, HasSubstr("may not run: that needs the executor role or higher"));
  EXPECT_THAT(Send("GET", "/whoami", "Authorization: Bearer " + NewTokenValue() + "\r\n"),
              StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(Send("GET", "/whoami"), StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(Send("POST", "/login", "", "alice:wrong-password"),
              HasSubstr("invalid user name or password"));
}

}  // namespace
}  // namespace sluice::server
