// An HTTP/1.1 server for sluice's own endpoints: the Lambda Runtime API
// the function instances call, the invoke and function-URL routes, and
// sluice server's API (with its server-sent events) and UI. Boost.Beast over Asio, kept out of this header.
//
// Model: `io_threads` event loops, one thread each; every connection lives
// on one loop (new connections take the loops in turn), keep-alive, one
// request at a time per connection. For each request the server calls the
// handler on the connection's thread with the request and a Responder.
// The handler must not block: it either answers at once (responder->Send
// during the call, which costs no wake-up) or keeps the responder and
// answers later from any thread -- a long poll (the Runtime API's /next)
// or an invocation waiting for an instance. The connection reads nothing
// more until the answer is ready. A responder dropped without an answer
// sends 500, and so does a handler that throws (the error goes to stderr).
// An answer to a client that has gone is dropped.
//
// Streaming (server-sent events, live logs): instead of Send, a handler may
// call Responder::Stream with the head of the answer (status and headers)
// and then Write pieces of the body from any thread, for as long as it
// likes, and End it. HTTP/1.1 clients get the pieces as chunks
// (Transfer-Encoding: chunked), HTTP/1.0 clients the bytes as they come;
// the connection closes after the stream ends (so nothing else is read from
// it meanwhile). While it streams the server watches the connection: a
// client that closes its side (or any bytes it sends) marks the stream
// gone, Write then returns false and client_gone() true, and the writer
// should stop. The idle timeout does not apply while a stream is open.
// Writes are queued without bound: a writer should not outrun a slow
// client by much (server-sent events are small).
//
// Pipelining: requests a client sent back to back are answered in order,
// and answers ready while the next request is already buffered leave
// together in one write (a runtime posting a response and asking for the
// next event at once costs one round trip).
//
// Limits: request head 64 KiB, body `max_body_bytes` (413 beyond, with a
// JSON error body, before the handler is called); a connection idle for
// `idle_timeout` between requests is closed. Malformed requests get 400 and
// the connection is closed.
//
// Listening: `Listen` binds before returning, so port 0 gives a random
// free port known at once. Many listeners may share one server (the
// runtime gives every function instance its own Runtime API port). Binds
// 127.0.0.1 unless told otherwise.
//
// Thread-safe: Listen/Close from any thread; Stop() closes every listener
// and connection and joins the I/O threads (the destructor calls it).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "net/http_message.h"

namespace sluice::net {

// The body of a streamed answer (Responder::Stream). Thread-safe.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues `data` to be sent; false (nothing queued) once the client has
  // gone, the server stopped or End was called. Empty data sends nothing.
  virtual bool Write(std::string data) = 0;
  // Ends the answer; the connection closes once what is queued is sent.
  // Dropping the last reference to the stream ends it too.
  virtual void End() = 0;
  // True once the client closed its side or the server stopped.
  virtual bool client_gone() const = 0;
};

class Responder {
 public:
  virtual ~Responder() = default;
  // Sends the response (once; later calls are ignored). Any thread.
  virtual void Send(HttpResponse response) = 0;
  // Sends `head` (status and headers; its body is ignored) and returns the
  // stream for the body. Instead of Send, once; after an answer was given it
  // returns a stream that is already gone. Any thread.
  virtual std::shared_ptr<ResponseStream> Stream(HttpResponse head) = 0;
};

using HttpHandler = std::function<void(HttpRequest request, std::shared_ptr<Responder> responder)>;

struct HttpServerOptions {
  int io_threads = 1;
  size_t max_body_bytes = 6 * 1024 * 1024 + 100;
  std::chrono::milliseconds idle_timeout{60'000};
};

class HttpServer {
 public:
  static std::unique_ptr<HttpServer> Create(HttpServerOptions options = {});
  virtual ~HttpServer() = default;

  // Starts accepting on `address`:`port` (0 = a free port) with `handler`.
  // Returns the listener's id (for Close) and, in *bound_port, the port.
  // IoError naming the address when it cannot bind.
  virtual Result<int> Listen(const std::string& address, uint16_t port, HttpHandler handler,
                             uint16_t* bound_port) = 0;
  // Stops accepting on the listener; its open connections finish their
  // current request and close.
  virtual void Close(int listener_id) = 0;
  virtual void Stop() = 0;
};

}  // namespace sluice::net
