#include "net/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace sluice::net {
namespace {

using namespace std::chrono_literals;

// A blocking HTTP/1.1 client over one TCP connection, precise enough to
// send malformed and pipelined requests.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawClient() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return connected_; }

  void Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  // One response: "<status line>\n<headers>\n\n<body>" as read, or "" on EOF.
  std::string ReadResponse() {
    size_t head_end;
    while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return "";
    }
    std::string head = pending_.substr(0, head_end + 4);
    size_t length = 0;
    size_t at = Lower(head).find("content-length:");
    if (at != std::string::npos) length = std::stoul(head.substr(at + 15));
    while (pending_.size() < head.size() + length) {
      if (!Fill()) return "";
    }
    std::string response = pending_.substr(0, head.size() + length);
    pending_.erase(0, head.size() + length);
    return response;
  }

  // What the server sent so far (at least one read), "" on EOF.
  std::string ReadSome() {
    if (pending_.empty() && !Fill()) return "";
    std::string out;
    out.swap(pending_);
    return out;
  }

  // Whether the server closed the connection (reads EOF).
  bool ReadsEof() {
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  bool Fill() {
    char buf[4096];
    ssize_t n;
    do {
      n = ::recv(fd_, buf, sizeof buf, 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

// The CPU time this process has used so far, all threads.
double CpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string Body(const std::string& response) {
  size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpHandler handler, HttpServerOptions options = {}) {
    server_ = HttpServer::Create(options);
    auto id = server_->Listen("127.0.0.1", 0, std::move(handler), &port_);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    listener_ = *id;
    ASSERT_NE(port_, 0);
  }
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  int listener_ = 0;
};

TEST_F(HttpServerTest, AnswersRequestsOnOneKeptAliveConnection) {
  std::vector<HttpRequest> seen;
  std::mutex mu;
  Start([&](HttpRequest request, std::shared_ptr<Responder> responder) {
    {
      std::lock_guard<std::mutex> lock(mu);
      seen.push_back(request);
    }
    HttpResponse r = HttpResponse::Json(201, "{\"got\":\"" + request.body + "\"}");
    r.set("X-Path", request.path);
    responder->Send(std::move(r));
  });
  RawClient client(port_);
  ASSERT_TRUE(client.connected());
  client.Send(
      "POST /fn/a%20b/live?x=1&y=a+b HTTP/1.1\r\nHost: h\r\nX-Custom: one\r\n"
      "Content-Length: 3\r\n\r\nabc");
  std::string first = client.ReadResponse();
  EXPECT_TRUE(first.starts_with("HTTP/1.1 201 Created\r\n")) << first;
  EXPECT_NE(first.find("X-Path: /fn/a b/live"), std::string::npos) << first;
  EXPECT_NE(first.find("Content-Type: application/json"), std::string::npos) << first;
  EXPECT_EQ(Body(first), "{\"got\":\"abc\"}");
  client.Send("GET /second HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string second = client.ReadResponse();
  EXPECT_TRUE(second.starts_with("HTTP/1.1 201")) << second;

  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/fn/a%20b/live?x=1&y=a+b");
  EXPECT_EQ(seen[0].path, "/fn/a b/live");
  EXPECT_EQ(seen[0].query, "x=1&y=a+b");
  EXPECT_EQ(seen[0].query_param("y"), "a b");
  EXPECT_EQ(seen[0].header("x-custom"), "one");
  EXPECT_EQ(seen[0].remote_address, "127.0.0.1");
  EXPECT_EQ(seen[1].method, "GET");
  EXPECT_EQ(seen[1].body, "");
}

TEST_F(HttpServerTest, AHandlerAnswersLaterFromAnotherThread) {
  std::mutex mu;
  std::condition_variable cv;
  std::shared_ptr<Responder> held;
  Start([&](HttpRequest, std::shared_ptr<Responder> responder) {
    std::lock_guard<std::mutex> lock(mu);
    held = std::move(responder);
    cv.notify_all();
  });
  RawClient client(port_);
  client.Send("GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
  std::thread answer([&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return held != nullptr; });
    held->Send(HttpResponse::Text(200, "event"));
    held->Send(HttpResponse::Text(500, "ignored: answered once"));
    held.reset();
  });
  std::string response = client.ReadResponse();
  answer.join();
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200 OK")) << response;
  EXPECT_EQ(Body(response), "event");
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrderEvenWhenOneWaits) {
  std::mutex mu;
  std::shared_ptr<Responder> held;
  Start([&](HttpRequest request, std::shared_ptr<Responder> responder) {
    if (request.path == "/later") {
      std::lock_guard<std::mutex> lock(mu);
      held = std::move(responder);
      return;
    }
    responder->Send(HttpResponse::Text(200, request.path));
  });
  RawClient client(port_);
  client.Send(
      "POST /one HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx"
      "GET /two HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /later HTTP/1.1\r\nHost: h\r\n\r\n"
      "GET /three HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(Body(client.ReadResponse()), "/one");
  EXPECT_EQ(Body(client.ReadResponse()), "/two");
  std::thread answer([&] {
    for (;;) {
      std::lock_guard<std::mutex> lock(mu);
      if (held) {
        held->Send(HttpResponse::Text(200, "/later"));
        held.reset();
        return;
      }
      std::this_thread::sleep_for(1ms);
    }
  });
  EXPECT_EQ(Body(client.ReadResponse()), "/later");
  EXPECT_EQ(Body(client.ReadResponse()), "/three");
  answer.join();
}

TEST_F(HttpServerTest, AnAnswerDoesNotWaitForAPartlySentNextRequest) {
  Start([](HttpRequest request, std::shared_ptr<Responder> responder) {
    responder->Send(HttpResponse::Text(200, request.path + ":" + request.body));
  });
  RawClient client(port_);
  // The second request's head is complete, its body is not: the first
  // answer must not wait for the rest.
  client.Send(
      "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab");
  EXPECT_EQ(Body(client.ReadResponse()), "/one:");
  client.Send("cd");
  EXPECT_EQ(Body(client.ReadResponse()), "/two:abcd");
  client.Send("GET /thr");  // and a partial head
  client.Send("ee HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(Body(client.ReadResponse()), "/three:");
}

TEST_F(HttpServerTest, AnIdleConnectionIsClosedButAWaitingOneIsNot) {
  std::mutex mu;
  std::shared_ptr<Responder> held;
  HttpServerOptions options;
  options.idle_timeout = 200ms;
  Start(
      [&](HttpRequest request, std::shared_ptr<Responder> responder) {
        if (request.path == "/wait") {
          std::lock_guard<std::mutex> lock(mu);
          held = std::move(responder);
          return;
        }
        responder->Send(HttpResponse::Text(200, "ok"));
      },
      options);
  RawClient idle(port_);
  idle.Send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(Body(idle.ReadResponse()), "ok");
  EXPECT_TRUE(idle.ReadsEof());  // closed once idle past the timeout

  RawClient waiting(port_);
  waiting.Send("GET /wait HTTP/1.1\r\nHost: h\r\n\r\n");
  // Five idle timeouts. Meanwhile the server only waits: a timer that
  // fired over and over would keep a core busy.
  const double cpu_before = CpuSeconds();
  std::this_thread::sleep_for(1000ms);
  EXPECT_LT(CpuSeconds() - cpu_before, 0.3) << "seconds of CPU while a request waited";
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_NE(held, nullptr);
    held->Send(HttpResponse::Text(200, "at last"));
    held.reset();
  }
  EXPECT_EQ(Body(waiting.ReadResponse()), "at last");
}

TEST_F(HttpServerTest, ConnectionsOnDifferentLoopsAnswerEachOther) {
  // A request on one connection is answered by the handler of a request on
  // another: across I/O threads, as an invocation and its instance are.
  std::mutex mu;
  std::shared_ptr<Responder> waiting;
  HttpServerOptions options;
  options.io_threads = 3;
  Start(
      [&](HttpRequest request, std::shared_ptr<Responder> responder) {
        std::lock_guard<std::mutex> lock(mu);
        if (request.path == "/wait") {
          waiting = std::move(responder);
        } else if (waiting) {
          waiting->Send(HttpResponse::Text(200, "from " + request.path));
          waiting.reset();
          responder->Send(HttpResponse::Text(200, "delivered"));
        } else {
          responder->Send(HttpResponse::Text(409, "nobody waits"));
        }
      },
      options);
  for (int round = 0; round < 6; ++round) {
    RawClient waiter(port_);
    RawClient sender(port_);
    waiter.Send("GET /wait HTTP/1.1\r\nHost: h\r\n\r\n");
    std::string answer;
    for (int tries = 0; tries < 1000; ++tries) {
      sender.Send("GET /send" + std::to_string(round) + " HTTP/1.1\r\nHost: h\r\n\r\n");
      answer = Body(sender.ReadResponse());
      if (answer == "delivered") break;
      std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(answer, "delivered");
    EXPECT_EQ(Body(waiter.ReadResponse()), "from /send" + std::to_string(round));
  }
}

TEST_F(HttpServerTest, AHandlerThatThrowsAnswers500AndTheConnectionGoesOn) {
  Start([](HttpRequest request, std::shared_ptr<Responder> responder) {
    if (request.path == "/bug") throw std::runtime_error("a bug");
    responder->Send(HttpResponse::Text(200, "fine"));
  });
  RawClient client(port_);
  client.Send("GET /bug HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_TRUE(client.ReadResponse().starts_with("HTTP/1.1 500")) << "";
  client.Send("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(Body(client.ReadResponse()), "fine");
}

TEST_F(HttpServerTest, AResponderDroppedUnansweredSends500) {
  Start([](HttpRequest, std::shared_ptr<Responder>) {});
  RawClient client(port_);
  client.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string response = client.ReadResponse();
  EXPECT_TRUE(response.starts_with("HTTP/1.1 500")) << response;
  EXPECT_NE(Body(response).find("not answered"), std::string::npos);
}

TEST_F(HttpServerTest, ABodyOverTheLimitIs413WithoutCallingTheHandler) {
  std::atomic<int> calls{0};
  HttpServerOptions options;
  options.max_body_bytes = 10;
  Start(
      [&](HttpRequest, std::shared_ptr<Responder> r) {
        ++calls;
        r->Send(HttpResponse::Text(200, "ok"));
      },
      options);
  RawClient client(port_);
  client.Send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n01234567890");
  std::string response = client.ReadResponse();
  EXPECT_TRUE(response.starts_with("HTTP/1.1 413")) << response;
  EXPECT_NE(Body(response).find("larger than 10 bytes"), std::string::npos) << response;
  EXPECT_EQ(calls.load(), 0);
  EXPECT_TRUE(client.ReadsEof());
}

TEST_F(HttpServerTest, AMalformedRequestIs400AndTheConnectionCloses) {
  Start([](HttpRequest, std::shared_ptr<Responder> r) { r->Send(HttpResponse::Text(200, "")); });
  RawClient client(port_);
  client.Send("NOT HTTP AT ALL\r\n\r\n");
  std::string response = client.ReadResponse();
  EXPECT_TRUE(response.starts_with("HTTP/1.1 400")) << response;
  EXPECT_TRUE(client.ReadsEof());
}

TEST_F(HttpServerTest, AnAnswerToAClientThatLeftIsDroppedAndOthersAreServed) {
  std::mutex mu;
  std::shared_ptr<Responder> held;
  Start([&](HttpRequest request, std::shared_ptr<Responder> responder) {
    if (request.path == "/next") {
      std::lock_guard<std::mutex> lock(mu);
      held = std::move(responder);
      return;
    }
    responder->Send(HttpResponse::Text(200, "still here"));
  });
  {
    RawClient client(port_);
    client.Send("GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
    for (int i = 0; i < 500; ++i) {
      std::lock_guard<std::mutex> lock(mu);
      if (held) break;
      std::this_thread::sleep_for(10ms);
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_NE(held, nullptr);
    held->Send(HttpResponse::Text(200, "nobody reads this"));
    held.reset();
  }
  RawClient other(port_);
  other.Send("GET /other HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(Body(other.ReadResponse()), "still here");
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  Start([](HttpRequest, std::shared_ptr<Responder> r) { r->Send(HttpResponse::Text(200, "x")); });
  RawClient client(port_);
  client.Send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  std::string response = client.ReadResponse();
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  EXPECT_TRUE(client.ReadsEof());
}

TEST_F(HttpServerTest, ListenersShareTheServerAndCloseAlone) {
  Start([](HttpRequest, std::shared_ptr<Responder> r) { r->Send(HttpResponse::Text(200, "a")); });
  uint16_t other_port = 0;
  auto other = server_->Listen(
      "127.0.0.1", 0,
      [](HttpRequest, std::shared_ptr<Responder> r) { r->Send(HttpResponse::Text(200, "b")); },
      &other_port);
  ASSERT_TRUE(other.ok());
  RawClient a(port_), b(other_port);
  a.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  b.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(Body(a.ReadResponse()), "a");
  EXPECT_EQ(Body(b.ReadResponse()), "b");

  server_->Close(*other);
  bool refused = false;
  for (int i = 0; i < 500 && !refused; ++i) {
    refused = !RawClient(other_port).connected();
    if (!refused) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(refused);
  RawClient again(port_);
  again.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(Body(again.ReadResponse()), "a");
}

TEST_F(HttpServerTest, AnAddressInUseIsAnErrorNamingIt) {
  Start([](HttpRequest, std::shared_ptr<Responder> r) { r->Send(HttpResponse::Text(200, "")); });
  uint16_t ignored = 0;
  auto taken = server_->Listen("127.0.0.1", port_, nullptr, &ignored);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.status().code(), StatusCode::kIoError);
  EXPECT_NE(taken.status().message().find("127.0.0.1:" + std::to_string(port_)), std::string::npos)
      << taken.status().message();
  auto bad = server_->Listen("localhost:80", 0, nullptr, &ignored);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HttpServerTest, StopEndsWaitingRequestsAndLaterAnswersAreIgnored) {
  std::mutex mu;
  std::shared_ptr<Responder> held;
  Start([&](HttpRequest, std::shared_ptr<Responder> responder) {
    std::lock_guard<std::mutex> lock(mu);
    held = std::move(responder);
  });
  RawClient client(port_);
  client.Send("GET /next HTTP/1.1\r\nHost: h\r\n\r\n");
  for (int i = 0; i < 500; ++i) {
    std::lock_guard<std::mutex> lock(mu);
    if (held) break;
    std::this_thread::sleep_for(10ms);
  }
  server_->Stop();
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_NE(held, nullptr);
  held->Send(HttpResponse::Text(200, "too late"));
  held.reset();
  server_.reset();
}

// Reads everything until the server closes the connection.
std::string ReadAll(RawClient& client) {
  std::string all;
  for (;;) {
    std::string more = client.ReadSome();
    if (more.empty()) return all;
    all += more;
  }
}

TEST_F(HttpServerTest, AStreamSendsItsPiecesAsChunksAndClosesAtTheEnd) {
  std::thread writer;
  Start([&](HttpRequest, std::shared_ptr<Responder> responder) {
    HttpResponse head;
    head.set("Content-Type", "text/event-stream");
    head.set("Content-Length", "99");  // the stream's framing wins
    auto stream = responder->Stream(std::move(head));
    writer = std::thread([stream] {
      EXPECT_TRUE(stream->Write("data: one\n\n"));
      EXPECT_TRUE(stream->Write(""));
      EXPECT_TRUE(stream->Write("data: two\n\n"));
      stream->End();
      EXPECT_FALSE(stream->Write("after the end"));
    });
  });
  RawClient client(port_);
  client.Send("GET /events HTTP/1.1\r\nHost: h\r\n\r\n");
  std::string all = ReadAll(client);
  writer.join();
  EXPECT_TRUE(all.starts_with("HTTP/1.1 200 OK\r\n")) << all;
  EXPECT_NE(all.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << all;
  EXPECT_NE(all.find("Connection: close\r\n"), std::string::npos) << all;
  EXPECT_EQ(all.find("Content-Length"), std::string::npos) << all;
  EXPECT_EQ(Body(all), "b\r\ndata: one\n\n\r\nb\r\ndata: two\n\n\r\n0\r\n\r\n");
}

TEST_F(HttpServerTest, AStreamToAnHttp10ClientSendsTheBytesAsTheyCome) {
  Start([&](HttpRequest, std::shared_ptr<Responder> responder) {
    auto stream = responder->Stream(HttpResponse::Text(200, "ignored"));
    stream->Write("abc");
    stream->Write("def");
  });  // dropping the stream ends it
  RawClient client(port_);
  client.Send("GET /events HTTP/1.0\r\n\r\n");
  std::string all = ReadAll(client);
  EXPECT_TRUE(all.starts_with("HTTP/1.0 200 OK\r\n")) << all;
  EXPECT_EQ(all.find("chunked"), std::string::npos) << all;
  EXPECT_EQ(Body(all), "abcdef");
}

TEST_F(HttpServerTest, AStreamLearnsThatItsClientLeft) {
  std::mutex mu;
  std::shared_ptr<ResponseStream> held;
  Start([&](HttpRequest, std::shared_ptr<Responder> responder) {
    auto stream = responder->Stream(HttpResponse::Text(200, ""));
    stream->Write("hello");
    std::lock_guard<std::mutex> lock(mu);
    held = stream;
  });
  {
    RawClient client(port_);
    client.Send("GET /events HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_NE(client.ReadSome(), "");
  }  // the client closes its connection
  bool gone = false;
  for (int i = 0; i < 1000 && !gone; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      gone = held != nullptr && held->client_gone();
    }
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_FALSE(held->Write("anyone?"));
}

TEST_F(HttpServerTest, StreamingAfterAnAnswerGivesAStreamThatIsGone) {
  Start([&](HttpRequest, std::shared_ptr<Responder> responder) {
    responder->Send(HttpResponse::Text(200, "plain"));
    auto stream = responder->Stream(HttpResponse::Text(200, ""));
    EXPECT_TRUE(stream->client_gone());
    EXPECT_FALSE(stream->Write("x"));
  });
  RawClient client(port_);
  client.Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(Body(client.ReadResponse()), "plain");
}

}  // namespace
}  // namespace sluice::net
