#include "serve/version_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "common/cancellation.h"
#include "common/clock.h"
#include "runner/output_barrier.h"
#include "serve/instance_memory.h"

namespace sluice::serve {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr std::string_view kApi = "/2018-06-01/runtime/";
constexpr std::string_view kInvocation = "/2018-06-01/runtime/invocation/";
constexpr size_t kLogTailBytes = 4096;

std::string ErrorJson(std::string_view type, std::string_view message) {
  return nlohmann::json{{"errorMessage", message}, {"errorType", type}}.dump();
}

net::HttpResponse ApiError(int status, std::string_view type, std::string_view message) {
  return net::HttpResponse::Json(status, ErrorJson(type, message));
}

std::string Millis(Clock::duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", duration_cast<microseconds>(d).count() / 1000.0);
  return text;
}

struct Pending {
  Invocation invocation;
  Clock::time_point deadline;
  int64_t deadline_epoch_ms = 0;
  Clock::time_point sent_at;
};

struct Instance {
  int id = 0;
  int listener = -1;
  uint16_t port = 0;
  bool started = false;  // its first /next arrived (init done)
  bool dying = false;    // killed or exited: takes no work
  Clock::time_point launched;
  Clock::time_point idle_since;
  microseconds init_duration{0};
  std::shared_ptr<net::Responder> waiting;  // its /next, when it waits for work
  std::optional<Pending> current;           // the invocation it has (sent or not)
  bool current_sent = false;
  std::set<std::string> answered;  // request ids already answered (for 403)
  Cancellation cancel;
  std::thread thread;
  // Orders its output with its Runtime API calls, for the log tail.
  std::shared_ptr<runner::OutputBarrier> barrier = std::make_shared<runner::OutputBarrier>();
  // Memory, sampled by WatchMemory.
  std::vector<pid_t> pids;  // found by their AWS_LAMBDA_RUNTIME_API
  int64_t peak_bytes = 0;
  bool out_of_memory = false;
  std::atomic<bool> sampled{false};  // FirstSample ran
  // The log of a current invocation with tail_log; its own lock, since the
  // instance's output lines arrive on the instance's thread.
  std::atomic<bool> tailing{false};
  std::mutex tail_mu;
  std::string tail;

  void Tail(std::string_view line) {
    std::lock_guard<std::mutex> lock(tail_mu);
    tail.append(line).push_back('\n');
    if (tail.size() > 2 * kLogTailBytes) tail.erase(0, tail.size() - kLogTailBytes);
  }
  // The collected log with `last` appended, its last 4 KiB; stops collecting.
  std::string TakeTail(std::string_view last) {
    if (!tailing.exchange(false)) return "";
    std::lock_guard<std::mutex> lock(tail_mu);
    std::string out = std::move(tail);
    tail.clear();
    out.append(last);
    if (out.size() > kLogTailBytes) out.erase(0, out.size() - kLogTailBytes);
    return out;
  }
};

class PoolImpl final : public VersionPool, public std::enable_shared_from_this<PoolImpl> {
 public:
  PoolImpl(VersionPoolOptions options, net::HttpServer& server, runner::ProcessRunner& runner)
      : options_(std::move(options)), server_(server), runner_(runner) {}
  ~PoolImpl() override { Shutdown(); }

  void Invoke(Invocation invocation) override {
    std::vector<std::function<void()>> fire;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (shut_down_) {
        Fail(std::move(invocation), InvocationOutcome::Kind::kRuntimeError, "Runtime.Shutdown",
             "the function runtime is shutting down", &fire);
      } else if (static_cast<int>(queue_.size()) >= options_.max_queue) {
        Fail(std::move(invocation), InvocationOutcome::Kind::kThrottled, "TooManyRequestsException",
             "Rate exceeded: " + options_.name + " has " + std::to_string(options_.max_instances) +
                 " busy instances and " + std::to_string(queue_.size()) + " invocations waiting",
             &fire);
      } else {
        Pending p;
        p.deadline = Clock::now() + options_.timeout;
        p.deadline_epoch_ms = DefaultClock().NowMillis() + options_.timeout.count();
        p.invocation = std::move(invocation);
        queue_.push_back(std::move(p));
        Pump(&fire);
      }
    }
    for (auto& f : fire) f();
  }

  void Reap(Clock::time_point now) override {
    std::vector<std::function<void()>> fire;
    std::vector<std::thread> finished;
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished.swap(finished_);
      while (!queue_.empty() && queue_.front().deadline <= now) {
        Pending p = std::move(queue_.front());
        queue_.pop_front();
        TimedOut(std::move(p.invocation), &fire);
      }
      for (auto& [id, instance] : instances_) {
        Instance& in = *instance;
        if (in.dying) continue;
        if (in.current && in.current->deadline <= now) {
          Pending p = std::move(*in.current);
          in.current.reset();
          Log("END RequestId: " + p.invocation.request_id);
          TimedOut(std::move(p.invocation), &fire, &in);
          Kill(in);
        } else if (!in.current && in.started && in.waiting &&
                   now - in.idle_since >= options_.idle_ttl) {
          Kill(in);
        }
      }
    }
    for (auto& f : fire) f();
    for (std::thread& t : finished) t.join();
    WatchMemory();
  }

  void Shutdown() override {
    std::vector<std::function<void()>> fire;
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (shut_down_) return;
      shut_down_ = true;
      while (!queue_.empty()) {
        Fail(std::move(queue_.front().invocation), InvocationOutcome::Kind::kRuntimeError,
             "Runtime.Shutdown", "the function runtime is shutting down", &fire);
        queue_.pop_front();
      }
      for (auto& [id, instance] : instances_) {
        if (instance->current) {
          Fail(std::move(instance->current->invocation), InvocationOutcome::Kind::kRuntimeError,
               "Runtime.Shutdown", "the function runtime is shutting down", &fire);
          instance->current.reset();
        }
        Kill(*instance);
      }
    }
    for (auto& f : fire) f();
    // Instance threads end when their processes do; each removes itself.
    std::unique_lock<std::mutex> lock(mu_);
    gone_.wait(lock, [&] { return instances_.empty(); });
    threads.swap(finished_);
    lock.unlock();
    for (std::thread& t : threads) t.join();
  }

  Stats stats() const override {
    std::lock_guard<std::mutex> lock(mu_);
    Stats s;
    s.queued = static_cast<int>(queue_.size());
    s.cold_starts = cold_starts_;
    for (const auto& [id, in] : instances_) {
      if (in->dying) continue;
      ++s.instances;
      if (in->current) ++s.busy;
    }
    return s;
  }

 private:
  void Log(const std::string& line) {
    if (options_.log) options_.log(line);
  }

  static void Fail(Invocation invocation, InvocationOutcome::Kind kind, std::string type,
                   const std::string& message, std::vector<std::function<void()>>* fire,
                   std::string log = "") {
    InvocationOutcome outcome;
    outcome.kind = kind;
    outcome.error_type = type;
    outcome.body = ErrorJson(type, message);
    outcome.log = std::move(log);
    fire->push_back([done = std::move(invocation.done), o = std::move(outcome)]() mutable {
      if (done) done(std::move(o));
    });
  }

  // `in`: the instance it ran on, when it got that far.
  void TimedOut(Invocation invocation, std::vector<std::function<void()>>* fire,
                Instance* in = nullptr) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", options_.timeout.count() / 1000.0);
    const std::string line =
        invocation.request_id + " Task timed out after " + seconds + " seconds";
    Log(line);
    std::string log =
        in ? in->TakeTail("END RequestId: " + invocation.request_id + "\n" + line + "\n") : "";
    Fail(std::move(invocation), InvocationOutcome::Kind::kRuntimeError, "Sandbox.Timeout",
         std::string("Task timed out after ") + seconds + " seconds", fire, std::move(log));
  }

  // Hands queued invocations to instances, starting new ones as allowed.
  void Pump(std::vector<std::function<void()>>* fire) {
    while (!queue_.empty() && !shut_down_) {
      Instance* target = nullptr;
      for (auto& [id, in] : instances_) {
        if (!in->dying && !in->current && in->waiting) {
          target = in.get();
          break;
        }
      }
      if (target == nullptr) {
        // One that is starting, or that has just answered and is about to
        // ask for more: it gets the event at its /next, sooner than a new
        // instance would start.
        for (auto& [id, in] : instances_) {
          if (!in->dying && !in->current) {
            target = in.get();
            break;
          }
        }
      }
      if (target == nullptr && Alive() < options_.max_instances) {
        target = Launch(fire);
        if (target == nullptr) return;  // it could not start; the invocation was failed
      }
      if (target == nullptr) return;
      target->current = std::move(queue_.front());
      target->current_sent = false;
      queue_.pop_front();
      if (target->waiting) Deliver(*target, std::move(target->waiting));
    }
  }

  int Alive() const {
    int n = 0;
    for (const auto& [id, in] : instances_) n += in->dying ? 0 : 1;
    return n;
  }

  void Deliver(Instance& in, std::shared_ptr<net::Responder> next) {
    Pending& p = *in.current;
    net::HttpResponse r;
    r.status = 200;
    r.headers = {{"Content-Type", "application/json"},
                 {"Lambda-Runtime-Aws-Request-Id", p.invocation.request_id},
                 {"Lambda-Runtime-Deadline-Ms", std::to_string(p.deadline_epoch_ms)},
                 {"Lambda-Runtime-Invoked-Function-Arn", p.invocation.function_arn},
                 {"Lambda-Runtime-Trace-Id", p.invocation.trace_id}};
    r.body = p.invocation.payload;
    in.current_sent = true;
    p.sent_at = Clock::now();
    std::string start =
        "START RequestId: " + p.invocation.request_id + " Version: " + version_label();
    if (!p.invocation.tail_log) {
      Log(start);
      next->Send(std::move(r));
      return;
    }
    // The tail starts after all the instance wrote before it asked for
    // this event (its start-up, an earlier invocation's last lines).
    auto event = std::make_shared<net::HttpResponse>(std::move(r));
    std::shared_ptr<Instance> keep = instances_.at(in.id);
    in.barrier->Pass([this, keep, start = std::move(start), next = std::move(next), event] {
      Log(start);
      {
        std::lock_guard<std::mutex> lock(keep->tail_mu);
        keep->tail = start + "\n";
      }
      keep->tailing = true;
      next->Send(std::move(*event));
    });
  }

  std::string version_label() const {
    size_t colon = options_.name.rfind(':');
    return colon == std::string::npos ? "$LATEST" : options_.name.substr(colon + 1);
  }

  // A new instance with its Runtime API listener; null (and the queue's
  // first invocation failed) when it cannot start.
  Instance* Launch(std::vector<std::function<void()>>* fire) {
    auto in = std::make_shared<Instance>();
    in->id = next_id_++;
    in->launched = Clock::now();
    std::weak_ptr<PoolImpl> weak = weak_from_this();
    const int id = in->id;
    auto listener = server_.Listen(
        "127.0.0.1", 0,
        [weak, id, in](net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
          if (auto pool = weak.lock()) {
            if (!in->sampled.load(std::memory_order_relaxed)) pool->FirstSample(*in);
            if (in->tailing && request.method == "POST") {
              // An answer ends the tail: first the lines the instance
              // wrote before sending it.
              auto call = std::make_shared<net::HttpRequest>(std::move(request));
              in->barrier->Pass([weak, id, call, responder] {
                if (auto still = weak.lock()) {
                  still->OnApi(id, std::move(*call), responder);
                } else {
                  responder->Send(
                      ApiError(500, "Runtime.Shutdown", "the function runtime stopped"));
                }
              });
              return;
            }
            pool->OnApi(id, std::move(request), std::move(responder));
          } else {
            responder->Send(ApiError(500, "Runtime.Shutdown", "the function runtime stopped"));
          }
        },
        &in->port);
    if (!listener.ok()) {
      Pending p = std::move(queue_.front());
      queue_.pop_front();
      Fail(std::move(p.invocation), InvocationOutcome::Kind::kRuntimeError, "Runtime.Unknown",
           "cannot start an instance of " + options_.name + ": " + listener.status().message(),
           fire);
      return nullptr;
    }
    in->listener = *listener;
    ++cold_starts_;
    runner::ProcessSpec spec = options_.process;
    spec.env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:" + std::to_string(in->port);
    spec.output_barrier = in->barrier;
    instances_[id] = in;
    // The thread uses `this`: Shutdown (which the destructor calls) joins
    // every instance thread before the pool goes away.
    in->thread = std::thread([this, in, spec = std::move(spec)] { RunInstance(in, spec); });
    return in.get();
  }

  void RunInstance(std::shared_ptr<Instance> in, runner::ProcessSpec spec) {
    struct Sink final : runner::LineSink {
      PoolImpl* pool;
      Instance* in;
      void OnLine(runner::StreamKind, std::string_view line) override {
        if (pool->options_.log) pool->options_.log(line);
        if (in->tailing) in->Tail(line);
      }
    } sink;
    sink.pool = this;
    sink.in = in.get();
    Result<runner::ProcessResult> result = runner_.Run(spec, sink, in->cancel);
    std::string why;
    if (!result.ok()) {
      why = result.status().message();
    } else if (result->term_signal != 0) {
      why = "the runtime was killed by signal " + std::to_string(result->term_signal);
    } else {
      why = "the runtime exited with code " + std::to_string(result->exit_code);
    }
    std::vector<std::function<void()>> fire;
    {
      std::lock_guard<std::mutex> lock(mu_);
      server_.Close(in->listener);
      in->waiting.reset();
      if (in->current && !in->current_sent && in->started) {
        // It never saw the event: another instance may serve it.
        queue_.push_front(std::move(*in->current));
        in->current.reset();
      }
      if (in->current) {
        Pending p = std::move(*in->current);
        in->current.reset();
        std::string type = in->started ? "Runtime.ExitError" : "Runtime.InitError";
        std::string message = options_.name + ": " + why;
        std::string line = "RequestId: " + p.invocation.request_id + " Error: " + why;
        if (in->out_of_memory) {
          // Lambda's words for an environment killed over its memory size.
          type = "Runtime.OutOfMemory";
          message = line = "RequestId: " + p.invocation.request_id +
                           " Error: Runtime exited with error: signal: killed";
        }
        Log(line);
        Log(type);
        std::string log = in->TakeTail(line + "\n" + type + "\n");
        Fail(std::move(p.invocation), InvocationOutcome::Kind::kRuntimeError, type, message, &fire,
             std::move(log));
      }
      finished_.push_back(std::move(in->thread));
      instances_.erase(in->id);
      Pump(&fire);
    }
    gone_.notify_all();
    for (auto& f : fire) f();
  }

  static std::string RuntimeApiEntry(uint16_t port) {
    return "AWS_LAMBDA_RUNTIME_API=127.0.0.1:" + std::to_string(port);
  }

  // An instance's first sample, at its first Runtime API request (its init
  // done), so that its first REPORT has a figure: once per instance, on
  // the I/O thread, outside the lock.
  void FirstSample(Instance& in) {
    if (in.sampled.exchange(true)) return;
    std::vector<pid_t> pids = ProcessesWithEnvironment(RuntimeApiEntry(in.port));
    const int64_t peak = ProcessTreePeakBytes(pids);
    std::lock_guard<std::mutex> lock(mu_);
    if (in.pids.empty()) in.pids = std::move(pids);
    in.peak_bytes = std::max(in.peak_bytes, peak);
  }

  // Samples the instances' memory and kills those over memory_mb. /proc
  // is read outside the lock; an instance's processes are looked up by
  // their environment until found.
  void WatchMemory() {
    struct Probe {
      int id;
      uint16_t port;
      std::vector<pid_t> pids;
      int64_t peak = 0;
    };
    std::vector<Probe> probes;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [id, in] : instances_) {
        if (!in->dying) probes.push_back({id, in->port, in->pids});
      }
    }
    for (Probe& p : probes) {
      if (p.pids.empty()) {
        p.pids = ProcessesWithEnvironment(RuntimeApiEntry(p.port));
      }
      p.peak = ProcessTreePeakBytes(p.pids);
    }
    const int64_t limit = int64_t{options_.memory_mb} << 20;
    std::lock_guard<std::mutex> lock(mu_);
    for (Probe& p : probes) {
      auto it = instances_.find(p.id);
      if (it == instances_.end() || it->second->dying) continue;
      Instance& in = *it->second;
      in.pids = std::move(p.pids);
      in.peak_bytes = std::max(in.peak_bytes, p.peak);
      if (options_.memory_mb > 0 && in.peak_bytes > limit) {
        Log("instance of " + options_.name + " used " + std::to_string(in.peak_bytes >> 20) +
            " MB, over its " + std::to_string(options_.memory_mb) + " MB: killed");
        in.out_of_memory = true;
        Kill(in);
      }
    }
  }

  void Kill(Instance& in) {
    in.dying = true;
    in.waiting.reset();  // its /next gets a 500 as the sandbox goes down
    in.cancel.Cancel();
  }

  void OnApi(int id, net::HttpRequest request, std::shared_ptr<net::Responder> responder) {
    std::vector<std::function<void()>> fire;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = instances_.find(id);
      if (it == instances_.end() || it->second->dying) {
        responder->Send(ApiError(500, "Runtime.Shutdown", "this instance is being stopped"));
        return;
      }
      Instance& in = *it->second;
      const std::string& path = request.path;
      if (request.method == "GET" && path == std::string(kInvocation) + "next") {
        OnNext(in, std::move(responder), &fire);
      } else if (request.method == "POST" && path == std::string(kApi) + "init/error") {
        OnInitError(in, request, std::move(responder), &fire);
      } else if (request.method == "POST" && path.starts_with(kInvocation) &&
                 (path.ends_with("/response") || path.ends_with("/error"))) {
        bool error = path.ends_with("/error");
        std::string rid =
            path.substr(kInvocation.size(), path.size() - kInvocation.size() - (error ? 6 : 9));
        OnResult(in, rid, error, std::move(request), std::move(responder), &fire);
      } else {
        responder->Send(
            ApiError(404, "InvalidRequest", "no Runtime API route " + request.method + " " + path));
      }
    }
    for (auto& f : fire) f();
  }

  void OnNext(Instance& in, std::shared_ptr<net::Responder> next,
              std::vector<std::function<void()>>* fire) {
    if (!in.started) {
      in.started = true;
      in.init_duration = duration_cast<microseconds>(Clock::now() - in.launched);
    }
    if (in.current && in.current_sent) {
      // Asked for more work while holding an invocation: that one is lost.
      Pending p = std::move(*in.current);
      in.current.reset();
      Fail(std::move(p.invocation), InvocationOutcome::Kind::kRuntimeError, "Runtime.InvalidState",
           "the runtime asked for the next event without answering this one", fire);
    }
    in.waiting = std::move(next);
    in.idle_since = Clock::now();
    if (in.current) {
      Deliver(in, std::move(in.waiting));
      return;
    }
    Pump(fire);
  }

  void OnResult(Instance& in, const std::string& rid, bool error, net::HttpRequest request,
                std::shared_ptr<net::Responder> responder,
                std::vector<std::function<void()>>* fire) {
    if (!in.current || !in.current_sent || in.current->invocation.request_id != rid) {
      if (in.answered.contains(rid)) {
        responder->Send(
            ApiError(403, "InvalidStateTransition", "request " + rid + " was already answered"));
      } else {
        responder->Send(
            ApiError(400, "InvalidRequestID",
                     "no invocation with request id " + rid + " is running on this instance"));
      }
      return;
    }
    Pending p = std::move(*in.current);
    in.current.reset();
    if (in.answered.size() > 64) in.answered.clear();
    in.answered.insert(rid);
    InvocationOutcome outcome;
    outcome.init_duration = std::exchange(in.init_duration, microseconds(0));  // first one only
    if (request.body.size() > options_.max_response_bytes) {
      std::string message = "Response payload size (" + std::to_string(request.body.size()) +
                            " bytes) exceeded maximum allowed payload size (" +
                            std::to_string(options_.max_response_bytes) + " bytes).";
      responder->Send(ApiError(413, "Function.ResponseSizeTooLarge", message));
      Fail(std::move(p.invocation), InvocationOutcome::Kind::kRuntimeError,
           "Function.ResponseSizeTooLarge", message, fire);
      return;
    }
    if (error) {
      outcome.kind = InvocationOutcome::Kind::kFunctionError;
      outcome.error_type = std::string(request.header("Lambda-Runtime-Function-Error-Type"));
      if (outcome.error_type.empty()) outcome.error_type = "Function.Unhandled";
    }
    outcome.body = std::move(request.body);
    responder->Send(net::HttpResponse::Json(202, R"({"status":"OK"})"));
    Clock::duration took = Clock::now() - p.sent_at;
    Log("END RequestId: " + rid);
    const auto billed = std::max<int64_t>(
        1, (duration_cast<microseconds>(took).count() + 999) / 1000);  // whole ms, as Lambda bills
    std::string report =
        "REPORT RequestId: " + rid + "\tDuration: " + Millis(took) +
        " ms\tBilled Duration: " + std::to_string(billed) +
        " ms\tMemory Size: " + std::to_string(options_.memory_mb) + " MB" +
        "\tMax Memory Used: " + std::to_string((in.peak_bytes + (1 << 20) - 1) >> 20) + " MB";
    if (outcome.init_duration.count() > 0)
      report += "\tInit Duration: " + Millis(outcome.init_duration) + " ms";
    Log(report);
    if (p.invocation.tail_log)
      outcome.log = in.TakeTail("END RequestId: " + rid + "\n" + report + "\n");
    fire->push_back([done = std::move(p.invocation.done), o = std::move(outcome)]() mutable {
      if (done) done(std::move(o));
    });
  }

  void OnInitError(Instance& in, const net::HttpRequest& request,
                   std::shared_ptr<net::Responder> responder,
                   std::vector<std::function<void()>>* fire) {
    responder->Send(net::HttpResponse::Json(202, R"({"status":"OK"})"));
    std::string type(request.header("Lambda-Runtime-Function-Error-Type"));
    if (type.empty()) type = "Runtime.InitError";
    Log("INIT_REPORT Status: error\tError Type: " + type);
    if (in.current) {
      Pending p = std::move(*in.current);
      in.current.reset();
      InvocationOutcome outcome;
      outcome.kind = InvocationOutcome::Kind::kRuntimeError;
      outcome.error_type = type;
      outcome.body =
          request.body.empty() ? ErrorJson(type, "the runtime failed to start") : request.body;
      fire->push_back([done = std::move(p.invocation.done), o = std::move(outcome)]() mutable {
        if (done) done(std::move(o));
      });
    }
    Kill(in);
  }

  VersionPoolOptions options_;
  net::HttpServer& server_;
  runner::ProcessRunner& runner_;

  mutable std::mutex mu_;
  std::condition_variable gone_;
  bool shut_down_ = false;
  int next_id_ = 1;
  int64_t cold_starts_ = 0;
  std::map<int, std::shared_ptr<Instance>> instances_;
  std::deque<Pending> queue_;
  std::vector<std::thread> finished_;  // exited instances' threads, to join
};

}  // namespace

std::shared_ptr<VersionPool> VersionPool::Create(VersionPoolOptions options,
                                                 net::HttpServer& server,
                                                 runner::ProcessRunner& runner) {
  return std::make_shared<PoolImpl>(std::move(options), server, runner);
}

}  // namespace sluice::serve
