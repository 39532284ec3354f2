// server_api_client: the load and the clocks of bench/server_api. A plain
// blocking-socket HTTP/1.1 client (keep-alive, TCP_NODELAY, one connection
// per client thread), so that the client's own cost — a few microseconds a
// request — stays far below what it measures.
//
//   server_api_client requests --sluice PORT --python PORT --token T
//       [--requests N] [--clients C,C...] [--runs R]
//     Walks both servers' whole executions list once (untimed; checks they
//     hold the same executions in the same order) for ids and cursors,
//     then per run and route times N requests on one connection and N
//     requests spread over each C concurrent connections, sluice then
//     python, after 50 untimed ones. Routes: the first page (limit=50), pages
//     filtered by pipeline and status (rotating over the combinations),
//     pages from a cursor 5,000 or more executions deep (random), the
//     detail of a random execution. Prints p50 / p99 / max in ms per
//     route, side and client count — the median over the runs of each —
//     and the python/sluice ratio of p99.
//
//   server_api_client events --port PORT --token T --pipeline ID
//       --node PATH --lines N [--poll-ms 100] [--runs R]
//     Per run: starts the pipeline over the API; its step prints N lines
//     "sse <date +%s%N>". One thread reads the execution's server-sent
//     events and takes each log line's delay (arrival - the time in it);
//     another polls GET /api/executions/{id}/logs?node=PATH every poll-ms
//     on its own connection and takes the same delay for the new lines of
//     each answer. Both watch the same execution at once. Prints p50 / p99
//     / max of the delays, the median over the runs of each.
//
//   server_api_client get --port PORT --token T --path PATH [--requests N]
//       [--clients C]
//     One route's p50 / p99 / max and requests/s, to look into a figure.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "median.h"

namespace {

using sluice::bench::Median;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "server_api_client: %s\n", what.c_str());
  std::exit(1);
}

int64_t WallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One keep-alive connection to 127.0.0.1:port.
class Connection {
 public:
  Connection(int port, std::string token) : port_(port), token_(std::move(token)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      Die("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends a request; returns the status, the body in *body.
  int Request(const std::string& method, const std::string& target, std::string* body,
              const std::string& payload = "") {
    std::string req = method + " " + target +
                      " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token_ + "\r\n";
    if (!payload.empty() || method == "POST") {
      req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) +
             "\r\n";
    }
    req += "\r\n" + payload;
    SendAll(req);
    return ReadResponse(body);
  }

 private:
  void SendAll(const std::string& data) {
    size_t at = 0;
    while (at < data.size()) {
      ssize_t n = send(fd_, data.data() + at, data.size() - at, MSG_NOSIGNAL);
      if (n <= 0) Die(std::string("send: ") + std::strerror(errno));
      at += static_cast<size_t>(n);
    }
  }
  // Reads more bytes into buf_; dies at EOF.
  void Fill() {
    char chunk[65536];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      Die("the server on port " + std::to_string(port_) + " closed the connection" +
          (n < 0 ? std::string(": ") + std::strerror(errno) : std::string()));
    }
    buf_.append(chunk, static_cast<size_t>(n));
  }
  std::string TakeLine() {  // up to CRLF, without it
    size_t at;
    while ((at = buf_.find("\r\n")) == std::string::npos) Fill();
    std::string line = buf_.substr(0, at);
    buf_.erase(0, at + 2);
    return line;
  }
  std::string TakeBytes(size_t n) {
    while (buf_.size() < n) Fill();
    std::string out = buf_.substr(0, n);
    buf_.erase(0, n);
    return out;
  }
  int ReadResponse(std::string* body) {
    std::string status_line = TakeLine();
    if (status_line.size() < 12) Die("bad status line: " + status_line);
    const int status = std::stoi(status_line.substr(9, 3));
    int64_t length = -1;
    bool chunked = false;
    for (std::string line; !(line = TakeLine()).empty();) {
      std::string lower = line;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower.rfind("content-length:", 0) == 0) length = std::stoll(lower.substr(15));
      if (lower.rfind("transfer-encoding:", 0) == 0 && lower.find("chunked") != std::string::npos)
        chunked = true;
    }
    body->clear();
    if (chunked) {
      for (;;) {
        size_t size = std::stoul(TakeLine(), nullptr, 16);
        if (size == 0) {
          TakeLine();
          break;
        }
        *body += TakeBytes(size);
        TakeLine();
      }
    } else if (length >= 0) {
      *body = TakeBytes(static_cast<size_t>(length));
    } else {
      Die("a response without Content-Length or chunks");
    }
    return status;
  }

  int fd_ = -1;
  int port_;
  std::string token_;
  std::string buf_;
};

std::string Arg(int argc, char** argv, const std::string& name, const std::string& fallback = "") {
  for (int i = 2; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  if (fallback.empty()) Die("missing " + name);
  return fallback;
}

// Nearest rank.
double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(q * static_cast<double>(v.size()) + 0.999999);
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

struct Figures {
  std::vector<double> p50, p99, max, rate;
};

struct Side {
  const char* name;
  int port;
  std::vector<std::string> deep_cursors;  // of pages 100 and later
};

// --- requests

std::string Get(Connection& c, const std::string& target) {
  std::string body;
  int status = c.Request("GET", target, &body);
  if (status != 200) Die("GET " + target + ": " + std::to_string(status) + " " + body);
  return body;
}

// Walks the whole list; fills ids (newest first) and the side's deep cursors.
std::vector<std::string> Walk(Side& side, const std::string& token) {
  Connection c(side.port, token);
  std::vector<std::string> ids;
  std::string cursor;
  for (int page = 0;; ++page) {
    auto doc = nlohmann::json::parse(
        Get(c, "/api/executions?limit=50" + (cursor.empty() ? "" : "&cursor=" + cursor)));
    for (const auto& e : doc["executions"]) ids.push_back(e["id"].get<std::string>());
    if (doc["nextCursor"].is_null()) break;
    cursor = doc["nextCursor"].get<std::string>();
    if (page >= 99) side.deep_cursors.push_back(cursor);
  }
  return ids;
}

// Times `n` GETs of target(i) over `clients` connections; returns the
// latencies in ms and the wall time in s.
std::pair<std::vector<double>, double> Load(int port, const std::string& token, int n, int clients,
                                            const std::function<std::string(int)>& target) {
  std::vector<std::vector<double>> per(static_cast<size_t>(clients));
  std::atomic<int> next{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      Connection c(port, token);
      for (int i; (i = next.fetch_add(1)) < n;) {
        std::string want = target(i);
        auto t0 = Clock::now();
        Get(c, want);
        per[static_cast<size_t>(t)].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  for (auto& th : threads) th.join();
  double wall = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : per) all.insert(all.end(), v.begin(), v.end());
  return {all, wall};
}

int Requests(int argc, char** argv) {
  const std::string token = Arg(argc, argv, "--token");
  const int n = std::stoi(Arg(argc, argv, "--requests", "2000"));
  std::vector<int> loads = {1};  // client counts: 1, then --clients' list
  {
    std::string list = Arg(argc, argv, "--clients", "4");
    for (size_t at = 0; at < list.size();) {
      size_t comma = std::min(list.find(',', at), list.size());
      loads.push_back(std::stoi(list.substr(at, comma - at)));
      at = comma + 1;
    }
  }
  const int runs = std::stoi(Arg(argc, argv, "--runs", "3"));
  Side sides[2] = {{"sluice", std::stoi(Arg(argc, argv, "--sluice")), {}},
                   {"python", std::stoi(Arg(argc, argv, "--python")), {}}};
  std::vector<std::string> ids = Walk(sides[0], token);
  if (Walk(sides[1], token) != ids) Die("the two servers list different executions");
  std::printf("%zu executions listed alike by both; %zu deep cursors each\n", ids.size(),
              sides[0].deep_cursors.size());
  if (sides[0].deep_cursors.empty()) Die("too few executions for deep pages");

  const std::vector<std::string> pipelines = {"credit_card_approval", "nightly_retrain",
                                              "build_and_push",       "data_validation",
                                              "deploy_lambda",        "security_scan"};
  const std::vector<std::string> statuses = {"Success", "Failed", "Aborted"};
  struct Route {
    const char* name;
    std::function<std::string(const Side&, int)> target;
  };
  std::mt19937 rng(11);
  std::vector<int> picks(static_cast<size_t>(n + 100));
  for (int& p : picks) p = static_cast<int>(rng() & 0x7fffffff);
  auto pick = [&](int i) { return picks[static_cast<size_t>(i) % picks.size()]; };
  const std::vector<Route> routes = {
      {"list, first page",
       [](const Side&, int) { return std::string("/api/executions?limit=50"); }},
      {"list, pipeline+status",
       [&](const Side&, int i) {
         return "/api/executions?limit=50&pipeline=" + pipelines[static_cast<size_t>(i) % 6] +
                "&status=" + statuses[static_cast<size_t>(i / 6) % 3];
       }},
      {"list, deep cursor",
       [&](const Side& s, int i) {
         return "/api/executions?limit=50&cursor=" +
                s.deep_cursors[static_cast<size_t>(pick(i)) % s.deep_cursors.size()];
       }},
      {"detail",
       [&](const Side&, int i) {
         return "/api/executions/" + ids[static_cast<size_t>(pick(i)) % ids.size()];
       }},
  };
  // figures[route][load][side]
  std::vector<std::vector<std::vector<Figures>>> figures(
      routes.size(), std::vector<std::vector<Figures>>(loads.size(), std::vector<Figures>(2)));
  for (int run = 0; run < runs; ++run) {
    for (size_t r = 0; r < routes.size(); ++r) {
      for (size_t l = 0; l < loads.size(); ++l) {
        for (int s = 0; s < 2; ++s) {
          const Side& side = sides[s];
          auto target = [&](int i) { return routes[r].target(side, i); };
          Load(side.port, token, 50, 1, target);  // warm-up
          auto [lat, wall] = Load(side.port, token, n, loads[l], target);
          Figures& f = figures[r][l][static_cast<size_t>(s)];
          f.p50.push_back(Percentile(lat, 0.50));
          f.p99.push_back(Percentile(lat, 0.99));
          f.max.push_back(Percentile(lat, 1.0));
          f.rate.push_back(static_cast<double>(n) / wall);
        }
      }
    }
    std::fprintf(stderr, "run %d of %d done\n", run + 1, runs);
  }
  std::printf("\n%-22s %7s  %-31s %-31s %s\n", "route", "clients", "sluice p50/p99/max ms (req/s)",
              "python p50/p99/max ms (req/s)", "p99 python/sluice");
  for (size_t r = 0; r < routes.size(); ++r) {
    for (size_t l = 0; l < loads.size(); ++l) {
      char cell[2][64];
      double p99[2];
      for (int s = 0; s < 2; ++s) {
        const Figures& f = figures[r][l][static_cast<size_t>(s)];
        p99[s] = Median(f.p99);
        std::snprintf(cell[s], sizeof cell[s], "%.2f / %.2f / %.1f (%.0f)", Median(f.p50), p99[s],
                      Median(f.max), Median(f.rate));
      }
      std::printf("%-22s %7d  %-31s %-31s %.1fx\n", routes[r].name, loads[l], cell[0], cell[1],
                  p99[1] / p99[0]);
    }
  }
  return 0;
}

// --- events

// Delays (ms) of the "sse <ns>" lines in `text` arriving at `now_ns`.
void Delays(const std::string& text, int64_t now_ns, std::vector<double>* out) {
  size_t at = 0;
  while ((at = text.find("sse ", at)) != std::string::npos) {
    int64_t written = std::strtoll(text.c_str() + at + 4, nullptr, 10);
    if (written > 0) out->push_back(static_cast<double>(now_ns - written) / 1e6);
    at += 4;
  }
}

// Reads the event stream of `id` until its end event; the delays of its log lines.
std::vector<double> ReadEvents(int port, const std::string& token, const std::string& id) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("events: connect");
  // HTTP/1.0: the stream comes unchunked and ends with the connection.
  std::string req = "GET /api/executions/" + id +
                    "/events HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                    "\r\n\r\n";
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
    Die("events: send");
  std::vector<double> delays;
  std::string buf;
  bool head_done = false;
  std::string event;
  char chunk[65536];
  for (;;) {
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    const int64_t now = WallNanos();
    if (n <= 0) break;
    buf.append(chunk, static_cast<size_t>(n));
    if (!head_done) {
      size_t end = buf.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      if (buf.compare(9, 3, "200") != 0) Die("events: " + buf);
      buf.erase(0, end + 4);
      head_done = true;
    }
    size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (line.rfind("event: ", 0) == 0) event = line.substr(7);
      if (event == "log" && line.rfind("data: ", 0) == 0) {
        auto doc = nlohmann::json::parse(line.substr(6));
        Delays(doc.value("line", ""), now, &delays);
      }
    }
  }
  close(fd);
  return delays;
}

int Events(int argc, char** argv) {
  const int port = std::stoi(Arg(argc, argv, "--port"));
  const std::string token = Arg(argc, argv, "--token");
  const std::string pipeline = Arg(argc, argv, "--pipeline");
  const std::string node = Arg(argc, argv, "--node");
  const size_t lines = std::stoul(Arg(argc, argv, "--lines"));
  const int poll_ms = std::stoi(Arg(argc, argv, "--poll-ms", "100"));
  const int runs = std::stoi(Arg(argc, argv, "--runs", "3"));
  Figures sse, poll;
  for (int run = 0; run < runs; ++run) {
    Connection api(port, token);
    std::string body;
    int status = api.Request("POST", "/api/pipelines/" + pipeline + "/executions", &body, "{}");
    if (status != 201) Die("starting " + pipeline + ": " + std::to_string(status) + " " + body);
    const std::string id = nlohmann::json::parse(body)["id"].get<std::string>();
    std::vector<double> sse_delays;
    std::atomic<bool> stream_ended{false};
    std::thread reader([&] {
      sse_delays = ReadEvents(port, token, id);
      stream_ended = true;
    });
    std::vector<double> poll_delays;
    {
      Connection c(port, token);
      size_t seen = 0;  // bytes of whole lines taken
      auto next = Clock::now();
      while (poll_delays.size() < lines) {
        std::string text;
        int st = c.Request("GET", "/api/executions/" + id + "/logs?node=" + node, &text);
        const int64_t now = WallNanos();
        if (st == 200 && text.size() > seen) {
          size_t end = text.rfind('\n');
          if (end != std::string::npos && end + 1 > seen) {
            Delays(text.substr(seen, end + 1 - seen), now, &poll_delays);
            seen = end + 1;
          }
        }
        if (stream_ended && poll_delays.size() < lines) {
          // The execution ended: one more poll takes whatever is left.
          if (st == 200 && text.size() == seen) break;
        }
        next += std::chrono::milliseconds(poll_ms);
        std::this_thread::sleep_until(next);
      }
    }
    reader.join();
    if (sse_delays.size() != lines || poll_delays.size() != lines) {
      Die("run " + std::to_string(run + 1) + " of " + id + ": got " +
          std::to_string(sse_delays.size()) + " lines over events and " +
          std::to_string(poll_delays.size()) + " by polling, not " + std::to_string(lines));
    }
    for (auto [f, d] : {std::pair{&sse, &sse_delays}, std::pair{&poll, &poll_delays}}) {
      f->p50.push_back(Percentile(*d, 0.50));
      f->p99.push_back(Percentile(*d, 0.99));
      f->max.push_back(Percentile(*d, 1.0));
    }
    std::fprintf(stderr, "run %d of %d (execution %s) done\n", run + 1, runs, id.c_str());
  }
  std::printf("\n%-34s %-26s\n", "log line written -> client", "p50 / p99 / max ms");
  std::printf("%-34s %.1f / %.1f / %.1f\n", "sluice, server-sent events", Median(sse.p50),
              Median(sse.p99), Median(sse.max));
  std::printf("%-34s %.1f / %.1f / %.1f\n",
              ("sluice, polling logs every " + std::to_string(poll_ms) + " ms").c_str(),
              Median(poll.p50), Median(poll.p99), Median(poll.max));
  std::printf("%-34s %.1fx / %.1fx\n", "ratio polling/events (p50 / p99)",
              Median(poll.p50) / Median(sse.p50), Median(poll.p99) / Median(sse.p99));
  return 0;
}

// One route, for looking into a figure: p50 / p99 / max ms of N GETs.
int GetOne(int argc, char** argv) {
  const int port = std::stoi(Arg(argc, argv, "--port"));
  const std::string token = Arg(argc, argv, "--token");
  const std::string path = Arg(argc, argv, "--path");
  const int n = std::stoi(Arg(argc, argv, "--requests", "2000"));
  const int clients = std::stoi(Arg(argc, argv, "--clients", "1"));
  auto target = [&](int) { return path; };
  Load(port, token, 50, 1, target);
  auto [lat, wall] = Load(port, token, n, clients, target);
  std::printf("%s: %.3f / %.3f / %.3f ms, %.0f req/s\n", path.c_str(), Percentile(lat, 0.5),
              Percentile(lat, 0.99), Percentile(lat, 1.0), static_cast<double>(n) / wall);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "requests") return Requests(argc, argv);
  if (mode == "events") return Events(argc, argv);
  if (mode == "get") return GetOne(argc, argv);
  std::fprintf(stderr, "usage: server_api_client requests|events ... (see the header comment)\n");
  return 2;
}
