#include "serve/function_runtime.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/hash.h"
#include "common/ids.h"
#include "serve/function_image.h"
#include "serve/function_log.h"

namespace sluice::serve {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr size_t kMaxEventBytes = 6 * 1024 * 1024;

// A version-4 UUID, as Lambda's request ids are.
std::string NewRequestId() {
  std::string hex = QuickRandomHex(16);
  hex[12] = '4';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string NewTraceId() {
  char epoch[16];
  std::snprintf(epoch, sizeof epoch, "%08llx",
                static_cast<unsigned long long>(DefaultClock().NowMillis() / 1000));
  return "Root=1-" + std::string(epoch) + "-" + QuickRandomHex(12) +
         ";Parent=" + QuickRandomHex(8) + ";Sampled=0";
}

InvokeResult ErrorResult(int status, std::string type, std::string_view kind,
                         const std::string& message) {
  InvokeResult r;
  r.status = status;
  r.error_type = std::move(type);
  r.body = nlohmann::json{{"Type", kind}, {"message", message}}.dump();
  return r;
}

// One version an invocation may run: its label and configuration.
struct Target {
  std::string version;  // "$LATEST" or "3"
  store::FunctionConfig config;
  std::string config_sha256;
};

// What a qualifier resolves to: one target, or an alias's two with the
// second's weight.
struct Resolution {
  Target main;
  std::optional<Target> additional;
  double weight = 0;
  // The function's reserved concurrency (a function-level setting, as in
  // Lambda: $LATEST's, whatever the qualifier); <= 0 when none.
  int reserved_concurrency = 0;
};

// The invocations of one function running now, over all its versions and
// aliases, against its reserved concurrency.
struct InFlight {
  std::atomic<int> running{0};
};

struct CachedResolution {
  std::string function;
  std::string qualifier;
  Result<Resolution> resolution = Status::NotFound("");
  Clock::time_point expires;    // re-read from the store after this
  Clock::time_point last_used;  // dropped when unused for long
};

class RuntimeImpl final : public FunctionRuntime {
 public:
  RuntimeImpl(store::Store& store, RuntimeOptions options)
      : store_(store),
        options_(std::move(options)),
        logs_(options_.state_dir / "functions" / "logs") {
    if (options_.max_instances_per_version <= 0) {
      options_.max_instances_per_version =
          std::max(2, 2 * static_cast<int>(std::thread::hardware_concurrency()));
    }
    if (options_.processes == nullptr) {
      own_runner_ = std::make_unique<runner::LocalProcessRunner>();
      options_.processes = own_runner_.get();
    }
    if (!options_.instance_spec) {
      options_.instance_spec = [dir = options_.state_dir, region = options_.region](
                                   const std::string& function, const std::string& version,
                                   const store::FunctionConfig& config) {
        return FunctionInstanceSpec(dir, InstanceIdentity{function, version, region}, config);
      };
    }
    if (options_.runtime_api_server != nullptr) {
      runtime_api_ = options_.runtime_api_server;
    } else {
      net::HttpServerOptions api;
      api.max_body_bytes = kRuntimeApiMaxBody;  // the pool answers 413 above 6 MiB itself
      own_runtime_api_ = net::HttpServer::Create(api);
      runtime_api_ = own_runtime_api_.get();
    }
    background_ = std::thread([this] { Background(); });
  }
  ~RuntimeImpl() override { Shutdown(); }

  std::string Arn(const std::string& function, const std::string& qualifier) const override {
    std::string arn =
        "arn:aws:lambda:" + options_.region + ":" + options_.account_id + ":function:" + function;
    if (!qualifier.empty()) arn += ":" + qualifier;
    return arn;
  }

  void Invoke(InvokeRequest request, std::function<void(InvokeResult)> done) override {
    if (request.payload.size() > kMaxEventBytes) {
      done(ErrorResult(413, "RequestEntityTooLargeException", "User",
                       "Request must be smaller than " + std::to_string(kMaxEventBytes) +
                           " bytes for the InvokeFunction operation"));
      return;
    }
    Result<Resolution> resolved = Resolve(request.function, request.qualifier);
    if (!resolved.ok()) {
      const Status& s = resolved.status();
      done(s.code() == StatusCode::kNotFound
               ? ErrorResult(404, "ResourceNotFoundException", "User", s.message())
           : s.code() == StatusCode::kInvalidArgument
               ? ErrorResult(400, "InvalidParameterValueException", "User", s.message())
               : ErrorResult(500, "ServiceException", "Service", s.message()));
      return;
    }
    const Target& target = Pick(*resolved);
    std::shared_ptr<InFlight> in_flight;
    if (resolved->reserved_concurrency > 0) {
      in_flight = InFlightOf(request.function);
      if (in_flight->running.fetch_add(1) >= resolved->reserved_concurrency) {
        in_flight->running.fetch_sub(1);
        done(Throttled());
        return;
      }
    }
    Result<std::shared_ptr<VersionPool>> pool = PoolFor(request.function, target);
    if (!pool.ok()) {
      if (in_flight) in_flight->running.fetch_sub(1);
      done(ErrorResult(500, "ServiceException", "Service", pool.status().message()));
      return;
    }
    Invocation inv;
    inv.request_id = NewRequestId();
    inv.payload = std::move(request.payload);
    inv.function_arn =
        Arn(request.function, request.qualifier == "$LATEST" ? "" : request.qualifier);
    inv.trace_id = request.trace_id.empty() ? NewTraceId() : request.trace_id;
    inv.tail_log = request.tail_log;
    const int64_t started_ms = DefaultClock().NowMillis();
    const Clock::time_point started = Clock::now();
    std::string features = request.features.empty() ? inv.payload : std::move(request.features);
    inv.done = [this, done = std::move(done), function = request.function,
                qualifier = request.qualifier, version = target.version, rid = inv.request_id,
                features = std::move(features), started, started_ms,
                in_flight = std::move(in_flight)](InvocationOutcome o) mutable {
      if (in_flight) in_flight->running.fetch_sub(1);
      InvokeResult r = ToResult(std::move(o), version, rid);
      const microseconds latency = duration_cast<microseconds>(Clock::now() - started);
      Record(function, qualifier, version, started_ms, latency, r, features);
      if (options_.observe) {
        options_.observe({function, qualifier.empty() ? "$LATEST" : qualifier, version, latency,
                          r.status, r.error_type});
      }
      done(std::move(r));
    };
    (*pool)->Invoke(std::move(inv));
  }

  void Shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_all();
    if (background_.joinable()) background_.join();
    std::map<std::string, std::shared_ptr<VersionPool>> pools;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pools.swap(pools_);
    }
    for (auto& [key, pool] : pools) pool->Shutdown();
    FlushRecords();
    logs_.Flush();
    if (own_runtime_api_) own_runtime_api_->Stop();
  }

 private:
  // Lambda's answer to an invocation beyond the function's reserved
  // concurrency: 429 at once, never queued.
  static InvokeResult Throttled() {
    InvokeResult r;
    r.status = 429;
    r.error_type = "TooManyRequestsException";
    r.body = nlohmann::json{{"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"},
                            {"Type", "User"},
                            {"message", "Rate Exceeded."}}
                 .dump();
    return r;
  }

  std::shared_ptr<InFlight> InFlightOf(const std::string& function) {
    std::lock_guard<std::mutex> lock(mu_);
    std::shared_ptr<InFlight>& slot = in_flight_[function];
    if (!slot) slot = std::make_shared<InFlight>();
    return slot;
  }

  static InvokeResult ToResult(InvocationOutcome o, const std::string& version,
                               const std::string& rid) {
    InvokeResult r;
    r.request_id = rid;
    r.executed_version = version;
    r.body = std::move(o.body);
    r.log_tail = std::move(o.log);
    switch (o.kind) {
      case InvocationOutcome::Kind::kResponse:
        break;
      case InvocationOutcome::Kind::kFunctionError:
      case InvocationOutcome::Kind::kRuntimeError:
        r.function_error = "Unhandled";
        r.error_type = std::move(o.error_type);
        break;
      case InvocationOutcome::Kind::kThrottled:
        r.status = 429;
        r.error_type = "TooManyRequestsException";
        r.executed_version.clear();
        break;
    }
    return r;
  }

  // From the cache, kept fresh by the background thread, so that an I/O
  // thread never waits on the store for a function it has seen before
  // (the store may be busy writing invocation samples).
  Result<Resolution> Resolve(const std::string& function, const std::string& qualifier) {
    if (options_.refresh.count() <= 0) return ResolveFromStore(function, qualifier);
    const std::string key = function + "\n" + qualifier;
    const Clock::time_point now = Clock::now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = resolutions_.find(key);
      if (it != resolutions_.end()) {
        it->second.last_used = now;
        return it->second.resolution;
      }
    }
    Result<Resolution> fresh = ResolveFromStore(function, qualifier);
    std::lock_guard<std::mutex> lock(mu_);
    resolutions_[key] = CachedResolution{function, qualifier, fresh, now + options_.refresh, now};
    return fresh;
  }

  // Re-reads the resolutions older than `refresh`; forgets those unused
  // for a minute. Background thread only.
  void RefreshResolutions(Clock::time_point now) {
    std::vector<std::pair<std::string, std::string>> due;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = resolutions_.begin(); it != resolutions_.end();) {
        if (now - it->second.last_used > std::chrono::minutes(1)) {
          it = resolutions_.erase(it);
          continue;
        }
        if (it->second.expires <= now) due.emplace_back(it->second.function, it->second.qualifier);
        ++it;
      }
    }
    for (const auto& [function, qualifier] : due) {
      Result<Resolution> fresh = ResolveFromStore(function, qualifier);
      std::lock_guard<std::mutex> lock(mu_);
      auto it = resolutions_.find(function + "\n" + qualifier);
      if (it == resolutions_.end()) continue;
      it->second.resolution = std::move(fresh);
      it->second.expires = now + options_.refresh;
    }
  }

  Result<Target> VersionTarget(const std::string& function, int64_t version) {
    Result<store::FunctionVersionRecord> v = store_.functions().GetVersion(function, version);
    if (!v.ok()) return v.status();
    return Target{std::to_string(v->version), v->config, v->config_sha256};
  }

  Result<Resolution> ResolveFromStore(const std::string& function, const std::string& qualifier) {
    store::FunctionStore& fns = store_.functions();
    Result<store::FunctionRecord> fn = fns.GetFunction(function);
    if (!fn.ok()) {
      if (fn.status().code() == StatusCode::kNotFound) {
        return Status::NotFound("Function not found: " + Arn(function, qualifier));
      }
      return fn.status();
    }
    Resolution r;
    r.reserved_concurrency = fn->latest.reserved_concurrency;
    if (qualifier.empty() || qualifier == "$LATEST") {
      r.main = Target{"$LATEST", fn->latest, Sha256Hex(store::FunctionConfigJson(fn->latest))};
      return r;
    }
    if (qualifier.find_first_not_of("0123456789") == std::string::npos) {
      Result<Target> t = VersionTarget(function, std::stoll(qualifier));
      if (!t.ok()) return Status::NotFound("Function not found: " + Arn(function, qualifier));
      r.main = *std::move(t);
      return r;
    }
    Result<store::FunctionAliasRecord> alias = fns.GetAlias(function, qualifier);
    if (!alias.ok()) {
      if (alias.status().code() == StatusCode::kNotFound) {
        return Status::NotFound("Function not found: " + Arn(function, qualifier));
      }
      return alias.status();
    }
    SLUICE_ASSIGN_OR_RETURN(r.main, VersionTarget(function, alias->version));
    if (alias->additional_version && alias->additional_weight > 0) {
      SLUICE_ASSIGN_OR_RETURN(Target extra, VersionTarget(function, *alias->additional_version));
      r.additional = std::move(extra);
      r.weight = alias->additional_weight;
    }
    return r;
  }

  static const Target& Pick(const Resolution& r) {
    if (!r.additional) return r.main;
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    return unit(rng) < r.weight ? *r.additional : r.main;
  }

  Result<std::shared_ptr<VersionPool>> PoolFor(const std::string& function, const Target& target) {
    const std::string key = function + "\n" + target.version + "\n" + target.config_sha256;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return Status::Aborted("the function runtime is shutting down");
      auto it = pools_.find(key);
      if (it != pools_.end()) return it->second;
    }
    // Made outside the lock: the first use of an image unpacks it.
    SLUICE_ASSIGN_OR_RETURN(runner::ProcessSpec spec,
                            options_.instance_spec(function, target.version, target.config));
    VersionPoolOptions o;
    o.name = function + ":" + target.version;
    o.process = std::move(spec);
    o.timeout = milliseconds(std::max(1, target.config.timeout_s) * 1000LL);
    o.memory_mb = target.config.memory_mb;
    o.max_instances =
        target.config.reserved_concurrency > 0
            ? std::min(target.config.reserved_concurrency, options_.max_instances_per_version)
            : options_.max_instances_per_version;
    o.max_queue = options_.max_queue_per_version;
    o.idle_ttl = options_.idle_ttl;
    o.log = [this, function](std::string_view line) { logs_.Append(function, line); };
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Aborted("the function runtime is shutting down");
    auto [it, added] = pools_.try_emplace(key, nullptr);
    if (added) it->second = VersionPool::Create(std::move(o), *runtime_api_, *options_.processes);
    return it->second;
  }

  void Record(const std::string& function, const std::string& qualifier, const std::string& version,
              int64_t started_ms, microseconds latency, const InvokeResult& r,
              const std::string& features) {
    std::lock_guard<std::mutex> lock(records_mu_);
    // At most records_per_second per function: a budget refilled each second.
    Budget& b = budgets_[function];
    const int64_t second = started_ms / 1000;
    if (b.second != second) {
      b.second = second;
      b.used = 0;
    }
    if (b.used >= options_.records_per_second) return;
    ++b.used;
    store::InvocationRecord rec;
    rec.function = function;
    rec.qualifier = qualifier.empty() ? "$LATEST" : qualifier;
    rec.version = version;
    rec.started_ms = started_ms;
    rec.latency_us = latency.count();
    rec.status = r.status;
    rec.error_type = r.error_type;
    if (features.size() <= options_.record_bytes) rec.input = features;
    if (r.body.size() <= options_.record_bytes) rec.output = r.body;
    pending_records_.push_back(std::move(rec));
  }

  void FlushRecords() {
    std::vector<store::InvocationRecord> batch;
    {
      std::lock_guard<std::mutex> lock(records_mu_);
      batch.swap(pending_records_);
    }
    if (batch.empty()) return;
    // Monitoring loses a sample when the store is busy; invocations go on.
    (void)store_.functions().AddInvocations(&batch, options_.keep_invocations);
  }

  void Background() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      wake_.wait_for(lock, milliseconds(100));
      if (stopping_) break;
      std::vector<std::shared_ptr<VersionPool>> pools;
      for (auto& [key, pool] : pools_) pools.push_back(pool);
      lock.unlock();
      const Clock::time_point now = Clock::now();
      for (auto& pool : pools) pool->Reap(now);
      logs_.Flush();
      FlushRecords();
      RefreshResolutions(now);
      lock.lock();
    }
  }

  struct Budget {
    int64_t second = 0;
    int used = 0;
  };

  store::Store& store_;
  RuntimeOptions options_;
  std::unique_ptr<runner::ProcessRunner> own_runner_;
  FunctionLogs logs_;
  std::unique_ptr<net::HttpServer> own_runtime_api_;
  net::HttpServer* runtime_api_ = nullptr;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, CachedResolution> resolutions_;
  std::map<std::string, std::shared_ptr<VersionPool>> pools_;
  std::map<std::string, std::shared_ptr<InFlight>> in_flight_;  // by function
  std::thread background_;

  std::mutex records_mu_;
  std::map<std::string, Budget> budgets_;
  std::vector<store::InvocationRecord> pending_records_;
};

}  // namespace

InvokeResult FunctionRuntime::InvokeAndWait(InvokeRequest request) {
  auto promise = std::make_shared<std::promise<InvokeResult>>();
  std::future<InvokeResult> future = promise->get_future();
  Invoke(std::move(request), [promise](InvokeResult r) { promise->set_value(std::move(r)); });
  return future.get();
}

Result<std::unique_ptr<FunctionRuntime>> FunctionRuntime::Start(store::Store& store,
                                                                RuntimeOptions options) {
  if (options.state_dir.empty()) {
    return Status::InvalidArgument("the function runtime needs a state directory");
  }
  return std::unique_ptr<FunctionRuntime>(new RuntimeImpl(store, std::move(options)));
}

}  // namespace sluice::serve
