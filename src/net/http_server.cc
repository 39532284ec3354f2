#include "net/http_server.h"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/text.h"

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

// One request waiting for its answer. The connection's coroutine waits on
// `wake` (a timer that never expires on its own) until Send cancels it.
class Exchange final : public Responder, public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<ServerState> server, asio::any_io_executor strand)
      : server_(std::move(server)), strand_(std::move(strand)), wake_(strand_) {
    wake_.expires_at(asio::steady_timer::time_point::max());
  }
  ~Exchange() override = default;

  void Send(HttpResponse response) override {
    if (sent_.exchange(true)) return;
    std::lock_guard<std::mutex> lock(server_->mu);
    if (!server_->running) return;
    // The timer belongs to the connection's strand.
    asio::post(strand_, [self = shared_from_this(), r = std::move(response)]() mutable {
      self->response_ = std::move(r);
      self->wake_.cancel();
    });
  }
  bool closed() const override { return closed_.load(); }

  void MarkClosed() { closed_ = true; }
  bool answered() const { return response_.has_value(); }
  HttpResponse Take() { return std::move(*response_); }
  asio::steady_timer& wake() { return wake_; }

 private:
  std::shared_ptr<ServerState> server_;
  asio::any_io_executor strand_;
  asio::steady_timer wake_;
  std::optional<HttpResponse> response_;  // on the strand
  std::atomic<bool> sent_{false};
  std::atomic<bool> closed_{false};
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
  bool closed() const override { return exchange_->closed(); }

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

// For a HEAD request the answer carries GET's Content-Length -- the
// handler's own Content-Length header when it left the body out, else its
// body's size -- and no body.
http::response<http::string_body> ToBeast(HttpResponse in, unsigned version, bool keep_alive,
                                          bool head = false) {
  http::response<http::string_body> out;
  std::optional<uint64_t> head_length;
  out.version(version);
  out.result(static_cast<unsigned>(in.status));
  std::string_view reason = StatusReason(in.status);
  if (!reason.empty()) out.reason(boost::beast::string_view(reason.data(), reason.size()));
  for (auto& [name, value] : in.headers) {
    std::string lower = AsciiLower(name);
    if (lower == "content-length" || lower == "connection" || lower == "transfer-encoding") {
      if (head && lower == "content-length")
        head_length = std::strtoull(value.c_str(), nullptr, 10);
      continue;
    }
    out.insert(name, value);
  }
  out.body() = std::move(in.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  if (head) {
    out.content_length(head_length.value_or(out.body().size()));
    out.body().clear();
  }
  return out;
}

// Whether the peer closed its end (a read would return end of file),
// without consuming anything it sent.
bool PeerClosed(tcp::socket& socket) {
  char byte;
  ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

class ServerImpl final : public HttpServer {
 public:
  explicit ServerImpl(HttpServerOptions options)
      : options_(options),
        io_(std::max(options.io_threads, 1)),
        guard_(asio::make_work_guard(io_)),
        state_(std::make_shared<ServerState>()) {
    for (int i = 0; i < std::max(options_.io_threads, 1); ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
  }
  ~ServerImpl() override { Stop(); }

  Result<int> Listen(const std::string& address, uint16_t port, HttpHandler handler,
                     uint16_t* bound_port) override {
    error_code ec;
    asio::ip::address ip = asio::ip::make_address(address, ec);
    if (ec)
      return Status::InvalidArgument("cannot listen on \"" + address + "\": not an IP address");
    auto acceptor = std::make_shared<tcp::acceptor>(asio::make_strand(io_));
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
    guard_.reset();
    io_.stop();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

 private:
  static Status BindError(const std::string& where, const error_code& ec) {
    return Status::IoError("cannot listen on " + where + ": " + ec.message());
  }

  asio::awaitable<void> Accept(std::shared_ptr<tcp::acceptor> acceptor,
                               std::shared_ptr<HttpHandler> handler) {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await acceptor->async_accept(
          asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
        continue;  // a failed accept (out of descriptors) leaves the listener open
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto executor = socket.get_executor();
      asio::co_spawn(executor, Serve(std::move(socket), handler), asio::detached);
    }
  }

  asio::awaitable<void> Serve(tcp::socket socket, std::shared_ptr<HttpHandler> handler) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    error_code ec;
    const tcp::endpoint peer = stream.socket().remote_endpoint(ec);
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(options_.max_body_bytes);
      stream.expires_after(options_.idle_timeout);
      error_code read_ec;
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, read_ec));
      if (read_ec) {
        if (read_ec == http::error::body_limit) {
          co_await Reply(
              stream,
              HttpResponse::Json(413, R"({"message":"the request body is larger than )" +
                                          std::to_string(options_.max_body_bytes) + R"( bytes"})"),
              11, false);
        } else if (read_ec != http::error::end_of_stream && read_ec != beast::error::timeout &&
                   read_ec != asio::error::eof && read_ec != asio::error::connection_reset &&
                   read_ec != asio::error::operation_aborted) {
          co_await Reply(stream, HttpResponse::Json(400, R"({"message":"malformed HTTP request"})"),
                         11, false);
        }
        co_return;
      }
      stream.expires_never();
      http::request<http::string_body> request = parser.release();
      const bool keep_alive = request.keep_alive();
      const unsigned version = request.version();
      const bool head = request.method() == http::verb::head;

      auto exchange = std::make_shared<Exchange>(state_, stream.get_executor());
      (*handler)(ToRequest(request, peer), std::make_shared<HeldResponder>(exchange));
      // Notice a client that goes away while the answer is awaited: a
      // readable socket with nothing to read. Pipelined bytes stop the watch.
      tcp::socket& peer_socket = stream.socket();
      peer_socket.async_wait(tcp::socket::wait_read,
                             [exchange, &peer_socket](const error_code& wait_ec) {
                               if (!wait_ec && !exchange->answered() && PeerClosed(peer_socket)) {
                                 exchange->MarkClosed();
                               }
                             });
      while (!exchange->answered()) {
        error_code wake_ec;  // cancelled by Send: the answer is there
        co_await exchange->wake().async_wait(asio::redirect_error(asio::use_awaitable, wake_ec));
      }
      error_code ignored;
      peer_socket.cancel(ignored);  // ends the watch (its handler sees operation_aborted)
      bool ok = co_await Reply(stream, exchange->Take(), version, keep_alive, head);
      if (!ok || !keep_alive) co_return;
    }
  }

  static asio::awaitable<bool> Reply(beast::tcp_stream& stream, HttpResponse response,
                                     unsigned version, bool keep_alive, bool head = false) {
    auto message = ToBeast(std::move(response), version, keep_alive, head);
    error_code ec;
    co_await http::async_write(stream, message, asio::redirect_error(asio::use_awaitable, ec));
    if (!keep_alive || ec) {
      error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    co_return !ec;
  }

  HttpServerOptions options_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
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
