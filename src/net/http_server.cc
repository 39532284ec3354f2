#include "net/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/text.h"
#include "net/http_wire.h"

namespace sluice::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr size_t kHeaderLimit = 64 * 1024;

// What outlives the server's threads: responders may be held anywhere and
// answer after Stop(); they post to the I/O context only while it runs.
struct ServerState {
  std::mutex mu;
  bool running = true;
};

// The body of a streamed answer: pieces queued by any thread, sent by the
// connection's coroutine, which waits on `wake` between them.
class StreamState final : public ResponseStream, public std::enable_shared_from_this<StreamState> {
 public:
  StreamState(std::shared_ptr<ServerState> server, asio::any_io_executor loop, bool gone = false)
      : server_(std::move(server)), loop_(std::move(loop)), wake_(loop_), gone_(gone) {
    wake_.expires_at(asio::steady_timer::time_point::max());
  }

  bool Write(std::string data) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (gone_ || ended_) return false;
      if (data.empty()) return true;
      pending_.push_back(std::move(data));
    }
    Wake();
    return true;
  }
  void End() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (ended_) return;
      ended_ = true;
    }
    Wake();
  }
  bool client_gone() const override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (gone_) return true;
    }
    std::lock_guard<std::mutex> lock(server_->mu);
    return !server_->running;
  }

  // What the coroutine takes each time it wakes.
  struct Batch {
    std::vector<std::string> data;
    bool ended = false;
    bool gone = false;
  };
  Batch Take() {
    std::lock_guard<std::mutex> lock(mu_);
    Batch b;
    b.data.swap(pending_);
    b.ended = ended_;
    b.gone = gone_;
    return b;
  }
  // On the loop.
  void MarkGone() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      gone_ = true;
    }
    wake_.cancel();
  }
  asio::steady_timer& wake() { return wake_; }

 private:
  void Wake() {
    std::lock_guard<std::mutex> lock(server_->mu);
    if (!server_->running) return;
    asio::post(loop_, [self = shared_from_this()] { self->wake_.cancel(); });
  }

  std::shared_ptr<ServerState> server_;
  asio::any_io_executor loop_;
  asio::steady_timer wake_;  // on the loop
  mutable std::mutex mu_;
  std::vector<std::string> pending_;  // guarded by mu_
  bool ended_ = false;                // guarded by mu_
  bool gone_ = false;                 // guarded by mu_
};

// What a handler holds of a stream: dropping it ends the stream.
class HeldStream final : public ResponseStream {
 public:
  explicit HeldStream(std::shared_ptr<StreamState> state) : state_(std::move(state)) {}
  ~HeldStream() override { state_->End(); }
  bool Write(std::string data) override { return state_->Write(std::move(data)); }
  void End() override { state_->End(); }
  bool client_gone() const override { return state_->client_gone(); }

 private:
  std::shared_ptr<StreamState> state_;
};

// One request waiting for its answer. The connection's coroutine waits on
// `wake` (a timer that never expires on its own) until Send cancels it.
class Exchange final : public Responder, public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<ServerState> server, asio::any_io_executor loop)
      : server_(std::move(server)), loop_(std::move(loop)), wake_(loop_) {
    wake_.expires_at(asio::steady_timer::time_point::max());
  }
  ~Exchange() override = default;

  void Send(HttpResponse response) override {
    if (sent_.exchange(true)) return;
    Deliver(std::move(response), nullptr);
  }
  std::shared_ptr<ResponseStream> Stream(HttpResponse head) override {
    if (sent_.exchange(true)) {
      return std::make_shared<HeldStream>(std::make_shared<StreamState>(server_, loop_, true));
    }
    auto state = std::make_shared<StreamState>(server_, loop_);
    Deliver(std::move(head), state);
    return std::make_shared<HeldStream>(std::move(state));
  }
  // Brackets the handler call: a Send from that thread meanwhile is inline.
  void BeginInline() { inline_thread_.store(std::this_thread::get_id()); }
  void EndInline() { inline_thread_.store(std::thread::id()); }
  bool answered() const { return response_.has_value(); }
  HttpResponse Take() { return std::move(*response_); }
  // The stream when the answer is streamed, else null.
  std::shared_ptr<StreamState> stream() const { return stream_; }
  asio::steady_timer& wake() { return wake_; }

 private:
  void Deliver(HttpResponse response, std::shared_ptr<StreamState> stream) {
    if (inline_thread_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
      // Answered from inside the handler call, on the connection's own
      // loop: no wake-up needed.
      response_ = std::move(response);
      stream_ = std::move(stream);
      return;
    }
    std::lock_guard<std::mutex> lock(server_->mu);
    if (!server_->running) return;
    // The timer belongs to the connection's loop.
    asio::post(loop_, [self = shared_from_this(), r = std::move(response),
                       st = std::move(stream)]() mutable {
      self->response_ = std::move(r);
      self->stream_ = std::move(st);
      self->wake_.cancel();
    });
  }

  std::shared_ptr<ServerState> server_;
  asio::any_io_executor loop_;
  asio::steady_timer wake_;
  std::optional<HttpResponse> response_;  // on the loop
  std::shared_ptr<StreamState> stream_;   // on the loop
  std::atomic<bool> sent_{false};
  std::atomic<std::thread::id> inline_thread_{};
};

// What the handler holds: answering through it wakes the connection; if it
// is dropped unanswered the client gets a 500.
class HeldResponder final : public Responder {
 public:
  explicit HeldResponder(std::shared_ptr<Exchange> exchange) : exchange_(std::move(exchange)) {}
  ~HeldResponder() override {
    exchange_->Send(HttpResponse::Json(500, R"({"message":"the request was not answered"})"));
  }
  void Send(HttpResponse response) override { exchange_->Send(std::move(response)); }
  std::shared_ptr<ResponseStream> Stream(HttpResponse head) override {
    return exchange_->Stream(std::move(head));
  }

 private:
  std::shared_ptr<Exchange> exchange_;
};

HttpRequest ToRequest(const http::request<http::string_body>& in, const tcp::endpoint& peer) {
  HttpRequest out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  const std::string_view target = out.target;
  size_t q = target.find('?');
  out.path = PercentDecode(target.substr(0, q));
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
  for (const auto& field : in) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = in.body();
  error_code ec;
  out.remote_address = peer.address().to_string(ec);
  out.remote_port = peer.port();
  out.version = in.version();
  return out;
}

class ServerImpl final : public HttpServer {
 public:
  explicit ServerImpl(HttpServerOptions options)
      : options_(options), state_(std::make_shared<ServerState>()) {
    // One event loop per thread, each connection on one of them: a
    // connection's handlers never run concurrently and need no strand.
    const int threads = std::max(options_.io_threads, 1);
    for (int i = 0; i < threads; ++i) {
      loops_.push_back(std::make_unique<Loop>());
    }
    for (auto& loop : loops_) {
      threads_.emplace_back([io = &loop->io] { io->run(); });
    }
  }
  ~ServerImpl() override { Stop(); }

  Result<int> Listen(const std::string& address, uint16_t port, HttpHandler handler,
                     uint16_t* bound_port) override {
    error_code ec;
    asio::ip::address ip = asio::ip::make_address(address, ec);
    if (ec)
      return Status::InvalidArgument("cannot listen on \"" + address + "\": not an IP address");
    auto acceptor = std::make_shared<tcp::acceptor>(NextLoop());
    tcp::endpoint endpoint(ip, port);
    std::string where = address + ":" + std::to_string(port);
    if (acceptor->open(endpoint.protocol(), ec); ec) return BindError(where, ec);
    acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (acceptor->bind(endpoint, ec); ec) return BindError(where, ec);
    if (acceptor->listen(asio::socket_base::max_listen_connections, ec); ec) {
      return BindError(where, ec);
    }
    if (bound_port != nullptr) *bound_port = acceptor->local_endpoint(ec).port();
    auto shared_handler = std::make_shared<HttpHandler>(std::move(handler));
    int id;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return Status::FailedPrecondition("the HTTP server is stopped");
      id = next_id_++;
      acceptors_[id] = acceptor;
    }
    asio::co_spawn(acceptor->get_executor(), Accept(acceptor, shared_handler), asio::detached);
    return id;
  }

  void Close(int listener_id) override {
    std::shared_ptr<tcp::acceptor> acceptor;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = acceptors_.find(listener_id);
      if (it == acceptors_.end()) return;
      acceptor = it->second;
      acceptors_.erase(it);
    }
    asio::post(acceptor->get_executor(), [acceptor] {
      error_code ignored;
      acceptor->close(ignored);
    });
  }

  void Stop() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) return;
      stopped_ = true;
      acceptors_.clear();
    }
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->running = false;
    }
    for (auto& loop : loops_) {
      loop->guard.reset();
      loop->io.stop();
    }
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

 private:
  static Status BindError(const std::string& where, const error_code& ec) {
    return Status::IoError("cannot listen on " + where + ": " + ec.message());
  }

  // The loops take new connections in turn.
  asio::io_context& NextLoop() {
    return loops_[next_loop_.fetch_add(1, std::memory_order_relaxed) % loops_.size()]->io;
  }

  asio::awaitable<void> Accept(std::shared_ptr<tcp::acceptor> acceptor,
                               std::shared_ptr<HttpHandler> handler) {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await acceptor->async_accept(
          NextLoop(), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        continue;  // a failed accept (out of descriptors) leaves the listener open
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto executor = socket.get_executor();
      asio::co_spawn(executor, Serve(std::move(socket), handler), asio::detached);
    }
  }

  // The connection's idle timeout, checked by one timer that re-arms
  // itself rather than by a timer per request: it closes the socket once
  // nothing has happened for `idle_timeout` while no answer is awaited.
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)), idle(socket.get_executor()) {}
    tcp::socket socket;
    asio::steady_timer idle;
    std::chrono::steady_clock::time_point last_active = std::chrono::steady_clock::now();
    bool awaiting_answer = false;
    bool ended = false;
  };

  static void WatchIdle(const std::shared_ptr<Connection>& c, std::chrono::milliseconds timeout) {
    // While an answer is awaited (a long poll, a stream) the connection
    // is looked at again a whole timeout later: its last activity may be
    // long past, and a timer set from it would fire at once, again and
    // again.
    const auto now = std::chrono::steady_clock::now();
    c->idle.expires_at(c->awaiting_answer ? now + timeout : c->last_active + timeout);
    c->idle.async_wait([c, timeout](const error_code& ec) {
      if (ec || c->ended) return;
      if (c->awaiting_answer || std::chrono::steady_clock::now() - c->last_active < timeout) {
        WatchIdle(c, timeout);
        return;
      }
      error_code ignored;
      c->socket.close(ignored);  // its pending read ends with an error
    });
  }

  asio::awaitable<void> Serve(tcp::socket socket, std::shared_ptr<HttpHandler> handler) {
    auto c = std::make_shared<Connection>(std::move(socket));
    WatchIdle(c, options_.idle_timeout);
    co_await ServeRequests(c, *handler);
    c->ended = true;
    error_code ignored;
    c->idle.cancel(ignored);
  }

  // Reads requests and answers them in order. Answers given while the next
  // request is already buffered (a pipelining client, such as a runtime
  // posting its response and asking for the next event at once) wait in
  // `out` and leave together in one write.
  asio::awaitable<void> ServeRequests(std::shared_ptr<Connection> connection,
                                      const HttpHandler& handler) {
    Connection& c = *connection;
    tcp::socket& socket = c.socket;
    beast::flat_buffer buffer;
    std::string out;
    error_code ec;
    const tcp::endpoint peer = socket.remote_endpoint(ec);
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(options_.max_body_bytes);
      error_code read_ec;
      // Answers wait only for a next request that is wholly buffered:
      // before the socket is read, they go out.
      if (!out.empty() && !ParseBuffered(parser, buffer, read_ec) && !read_ec &&
          !co_await Write(c, out)) {
        co_return;
      }
      if (!read_ec && !parser.is_done()) {
        co_await http::async_read(socket, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, read_ec));
      }
      c.last_active = std::chrono::steady_clock::now();
      if (read_ec) {
        std::optional<HttpResponse> refusal;
        if (read_ec == http::error::body_limit) {
          refusal =
              HttpResponse::Json(413, R"({"message":"the request body is larger than )" +
                                          std::to_string(options_.max_body_bytes) + R"( bytes"})");
        } else if (read_ec != http::error::end_of_stream && read_ec != asio::error::eof &&
                   read_ec != asio::error::connection_reset &&
                   read_ec != asio::error::operation_aborted &&
                   read_ec != asio::error::bad_descriptor) {
          refusal = HttpResponse::Json(400, R"({"message":"malformed HTTP request"})");
        }
        if (refusal) AppendResponse(*refusal, ResponseFraming{11, false, false}, &out);
        if (!out.empty()) co_await Write(c, out);
        ShutdownSend(socket);
        co_return;
      }
      http::request<http::string_body> request = parser.release();
      const ResponseFraming framing{static_cast<int>(request.version()), request.keep_alive(),
                                    request.method() == http::verb::head};

      auto exchange = std::make_shared<Exchange>(state_, socket.get_executor());
      exchange->BeginInline();
      try {
        handler(ToRequest(request, peer), std::make_shared<HeldResponder>(exchange));
      } catch (const std::exception& e) {
        // A handler's bug answers 500 rather than dropping the connection.
        exchange->Send(HttpResponse::Json(
            500, R"({"message":"internal error while answering this request"})"));
        std::fprintf(stderr, "sluice: internal error answering %s %s: %s\n",
                     std::string(request.method_string()).c_str(),
                     std::string(request.target()).c_str(), e.what());
      }
      exchange->EndInline();
      if (!exchange->answered()) {
        // A long poll, or work elsewhere: what is ready goes out first.
        if (!out.empty() && !co_await Write(c, out)) co_return;
        c.awaiting_answer = true;
        while (!exchange->answered()) {
          error_code wake_ec;  // cancelled by Send: the answer is there
          co_await exchange->wake().async_wait(asio::redirect_error(asio::use_awaitable, wake_ec));
        }
        c.awaiting_answer = false;
        c.last_active = std::chrono::steady_clock::now();
      }
      if (auto stream = exchange->stream()) {
        if (!out.empty() && !co_await Write(c, out)) co_return;
        co_await ServeStream(connection, exchange->Take(), framing, std::move(stream));
        co_return;
      }
      AppendResponse(exchange->Take(), framing, &out);
      if (!framing.keep_alive) {
        co_await Write(c, out);
        ShutdownSend(socket);
        co_return;
      }
    }
  }

  // Sends a streamed answer: its head, then each piece as it is written
  // (as a chunk for HTTP/1.1), until the handler ends it or the client
  // leaves; then closes the connection.
  asio::awaitable<void> ServeStream(std::shared_ptr<Connection> c, HttpResponse head,
                                    ResponseFraming framing, std::shared_ptr<StreamState> stream) {
    c->awaiting_answer = true;  // no idle timeout while streaming
    const bool chunked = framing.version != 10;
    std::string out;
    head.body.clear();
    AppendResponse(head, ResponseFraming{framing.version, false, framing.head}, &out);
    // AppendResponse frames a whole (here empty) body; the stream's framing
    // takes the place of its Content-Length.
    static constexpr std::string_view kEmptyLength = "Content-Length: 0\r\n";
    if (size_t at = out.find(kEmptyLength); at != std::string::npos) {
      out.replace(at, kEmptyLength.size(),
                  chunked && !framing.head ? "Transfer-Encoding: chunked\r\n" : "");
    }
    bool open = co_await Write(*c, out);
    if (open && !framing.head) {
      asio::co_spawn(c->socket.get_executor(), WatchClient(c, stream), asio::detached);
      for (;;) {
        StreamState::Batch batch = stream->Take();
        if (batch.data.empty() && !batch.ended && !batch.gone) {
          // Nothing queued: sleep until Write, End or the client leaving
          // cancels the wait. Every wake-up is preceded by a change Take
          // sees, and Take always runs before waiting, so none is lost
          // (a cancel that finds no waiter, during a write, is harmless).
          error_code wake_ec;
          co_await stream->wake().async_wait(asio::redirect_error(asio::use_awaitable, wake_ec));
          continue;
        }
        for (const std::string& data : batch.data) {
          if (chunked) {
            char size[20];
            int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
            out.append(size, static_cast<size_t>(n));
            out.append(data);
            out.append("\r\n");
          } else {
            out.append(data);
          }
        }
        if (batch.ended && chunked && !batch.gone) out.append("0\r\n\r\n");
        if (!out.empty() && !co_await Write(*c, out)) break;
        if (batch.ended || batch.gone) break;
      }
    }
    stream->MarkGone();
    ShutdownSend(c->socket);
    error_code ignored;
    c->socket.close(ignored);
  }

  // While a stream is open nothing more is read from its connection: a
  // read that ends (the client closed, or sent anything) means the client
  // is done with it.
  static asio::awaitable<void> WatchClient(std::shared_ptr<Connection> c,
                                           std::shared_ptr<StreamState> stream) {
    char buffer[256];
    error_code ec;
    co_await c->socket.async_read_some(asio::buffer(buffer),
                                       asio::redirect_error(asio::use_awaitable, ec));
    stream->MarkGone();
  }

  // Feeds `parser` what `buffer` holds, without reading the socket; true
  // when that was a whole request. A malformed request sets `ec`.
  static bool ParseBuffered(http::request_parser<http::string_body>& parser,
                            beast::flat_buffer& buffer, error_code& ec) {
    while (buffer.size() > 0 && !parser.is_done()) {
      const size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec || used == 0) break;
    }
    return !ec && parser.is_done();
  }

  static asio::awaitable<bool> Write(Connection& c, std::string& out) {
    error_code ec;
    co_await asio::async_write(c.socket, asio::buffer(out),
                               asio::redirect_error(asio::use_awaitable, ec));
    out.clear();
    c.last_active = std::chrono::steady_clock::now();
    co_return !ec;
  }

  static void ShutdownSend(tcp::socket& socket) {
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
  }

  HttpServerOptions options_;
  struct Loop {
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard{asio::make_work_guard(io)};
  };
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<size_t> next_loop_{0};
  std::shared_ptr<ServerState> state_;
  std::vector<std::thread> threads_;

  std::mutex mu_;
  bool stopped_ = false;
  int next_id_ = 1;
  std::map<int, std::shared_ptr<tcp::acceptor>> acceptors_;
};

}  // namespace

std::unique_ptr<HttpServer> HttpServer::Create(HttpServerOptions options) {
  return std::make_unique<ServerImpl>(options);
}

}  // namespace sluice::net
