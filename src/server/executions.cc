#include "server/executions.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "engine/engine.h"
#include "engine/status.h"

namespace sluice::server {

// Forwards the engine's progress to the change counter of one execution.
class ExecutionQueue::Observer final : public engine::ExecutionObserver {
 public:
  Observer(ExecutionQueue& queue, std::string id) : queue_(queue), id_(std::move(id)) {}
  void OnNodeChanged(const store::NodeRecord&) override { queue_.NoteChange(id_); }
  void OnLogLine(const std::string&, std::string_view) override { queue_.NoteChange(id_); }

 private:
  ExecutionQueue& queue_;
  const std::string id_;
};

ExecutionQueue::ExecutionQueue(ExecutionQueueDeps deps, ExecutionQueueOptions options)
    : deps_(deps), options_(std::move(options)) {
  const int workers = std::max(options_.max_parallel, 1);
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
  abort_watcher_ = std::thread([this] { WatchAborts(); });
}

ExecutionQueue::~ExecutionQueue() { Shutdown(); }

Status ExecutionQueue::Submit(Launch launch, std::string triggered_by) {
  const std::string id = launch.record.id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      return Status::FailedPrecondition("the server is shutting down; execution " + id +
                                        " will start when it runs again");
    }
    queue_.push_back(Job{std::move(launch), std::move(triggered_by)});
    ++changes_[id];
  }
  work_cv_.notify_one();
  changed_cv_.notify_all();
  return Status::Ok();
}

Result<std::vector<std::string>> ExecutionQueue::ResumeInterrupted(
    const std::string& triggered_by, std::vector<std::string>* problems) {
  SLUICE_ASSIGN_OR_RETURN(store::ExecutionPage page,
                          deps_.store.QueryExecutions({.status = "Running", .limit = 1000}));
  std::vector<store::ExecutionRecord> left = page.executions;
  std::reverse(left.begin(), left.end());  // oldest first
  std::vector<std::string> resumed;
  for (const store::ExecutionRecord& rec : left) {
    if (ProcessAlive(rec.runner_pid) || queued(rec.id) || running(rec.id)) continue;
    auto launch = PrepareResume(deps_.store, rec.id, getpid());
    if (!launch.ok()) {
      if (problems != nullptr) problems->push_back(rec.id + ": " + launch.status().message());
      continue;
    }
    SLUICE_RETURN_IF_ERROR(Submit(std::move(*launch), triggered_by));
    resumed.push_back(rec.id);
  }
  return resumed;
}

Result<std::vector<std::string>> ExecutionQueue::ResumeDecidedApprovals(
    const std::string& triggered_by) {
  SLUICE_ASSIGN_OR_RETURN(
      store::ExecutionPage page,
      deps_.store.QueryExecutions({.status = "ApprovalWaiting", .limit = 1000}));
  const int64_t now = deps_.clock.NowMillis();
  std::vector<std::string> resumed;
  for (const store::ExecutionRecord& rec : page.executions) {
    if (queued(rec.id) || running(rec.id)) continue;
    auto approvals = deps_.store.approvals().ApprovalsOf(rec.id);
    if (!approvals.ok()) continue;
    bool due = false;
    for (const store::ApprovalRecord& a : *approvals) {
      due = due || a.status != "Waiting" || (a.deadline_ms > 0 && now >= a.deadline_ms);
    }
    if (!due) continue;
    auto launch = PrepareResume(deps_.store, rec.id, getpid());
    if (!launch.ok()) continue;
    if (!Submit(std::move(*launch), triggered_by).ok()) break;  // shutting down
    resumed.push_back(rec.id);
  }
  return resumed;
}

Status ExecutionQueue::Abort(const std::string& id, const std::string& reason) {
  std::optional<Job> dropped;
  if (running(id)) {
    // Recorded first: a worker that sees its run end during a shutdown
    // must know it was aborted, not interrupted.
    SLUICE_RETURN_IF_ERROR(deps_.store.RequestAbort(id));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = running_.find(id); it != running_.end()) {
      if (!reason.empty()) abort_reasons_[id] = reason;
      it->second->Cancel();
      return Status::Ok();
    }
    auto it = std::find_if(queue_.begin(), queue_.end(),
                           [&](const Job& j) { return j.launch.record.id == id; });
    if (it == queue_.end()) {
      return Status::NotFound("execution " + id + " is not run by this server");
    }
    dropped = std::move(*it);
    queue_.erase(it);
    ++changes_[id];
  }
  changed_cv_.notify_all();
  store::ExecutionRecord rec = dropped->launch.record;
  SLUICE_RETURN_IF_ERROR(deps_.store.RequestAbort(id));
  rec.status = "Aborted";
  rec.ended_ms = deps_.clock.NowMillis();
  rec.failure_message = reason.empty() ? "aborted before it started" : reason;
  return deps_.store.UpdateExecution(rec);
}

bool ExecutionQueue::queued(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::any_of(queue_.begin(), queue_.end(),
                     [&](const Job& j) { return j.launch.record.id == id; });
}

bool ExecutionQueue::running(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_.count(id) > 0;
}

uint64_t ExecutionQueue::changes(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = changes_.find(id);
  return it == changes_.end() ? 0 : it->second;
}

uint64_t ExecutionQueue::WaitForChange(const std::string& id, uint64_t seen,
                                       std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  auto current = [&] {
    auto it = changes_.find(id);
    return it == changes_.end() ? uint64_t{0} : it->second;
  };
  changed_cv_.wait_for(lock, timeout, [&] { return stopping_ || current() > seen; });
  return current();
}

void ExecutionQueue::NoteChange(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++changes_[id];
  }
  changed_cv_.notify_all();
}

bool ExecutionQueue::shutting_down() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_;
}

void ExecutionQueue::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      stop_ms_ = deps_.clock.NowMillis();
      for (auto& [id, cancel] : running_) cancel->Cancel();
    }
  }
  work_cv_.notify_all();
  changed_cv_.notify_all();
  stop_watch_.Cancel();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  if (abort_watcher_.joinable()) abort_watcher_.join();
  // What never started stays Running without a process: the next start
  // resumes it.
  std::deque<Job> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    left.swap(queue_);
  }
  for (Job& job : left) {
    store::ExecutionRecord rec = job.launch.record;
    rec.runner_pid = 0;
    Status ignored = deps_.store.UpdateExecution(rec);  // best effort while stopping
    (void)ignored;
  }
}

void ExecutionQueue::Work() {
  for (;;) {
    Job job;
    Cancellation cancel;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      running_[job.launch.record.id] = &cancel;
      ++changes_[job.launch.record.id];
    }
    changed_cv_.notify_all();
    RunJob(job, cancel);
    int64_t stop_ms = 0;
    std::string abort_reason;
    {
      std::lock_guard<std::mutex> lock(mu_);
      running_.erase(job.launch.record.id);
      if (auto it = abort_reasons_.find(job.launch.record.id); it != abort_reasons_.end()) {
        abort_reason = std::move(it->second);
        abort_reasons_.erase(it);
      }
      ++changes_[job.launch.record.id];
      if (stopping_) stop_ms = stop_ms_;
    }
    if (!abort_reason.empty() && job.launch.record.status == "Aborted") {
      // The engine names the step it stopped; who stopped it says more.
      job.launch.record.failure_message = abort_reason;
      Status ignored = deps_.store.UpdateExecution(job.launch.record);
      (void)ignored;
    }
    changed_cv_.notify_all();
    if (stop_ms > 0) {
      auto requested = deps_.store.AbortRequested(job.launch.record.id);
      // An execution someone aborted stays aborted; one the shutdown
      // stopped runs again at the next start.
      if (!requested.ok() || !*requested) MakeResumable(job.launch.record, stop_ms);
    }
  }
}

void ExecutionQueue::RunJob(Job& job, Cancellation& cancel) {
  store::ExecutionRecord& record = job.launch.record;
  Observer observer(*this, record.id);
  std::unique_ptr<engine::ExecutionEventListener> events =
      deps_.events ? deps_.events(job.launch.project) : nullptr;
  engine::EngineDeps deps{deps_.store,        deps_.secrets, deps_.processes, deps_.steps,
                          job.launch.project, deps_.clock,   &observer,       events.get()};
  engine::EngineOptions options;
  options.state_dir = options_.state_dir;
  options.sandbox = options_.sandbox;
  options.triggered_by = job.triggered_by;
  engine::Engine engine(deps, options);
  auto result = engine.Run(record, job.launch.pipeline, job.launch.prior, cancel);
  if (!result.ok()) {
    // The engine could not go on (the store failed): record that if we can.
    record.status = "Errored";
    record.ended_ms = deps_.clock.NowMillis();
    record.failure_message = result.status().message();
    Status ignored = deps_.store.UpdateExecution(record);
    (void)ignored;
  }
}

void ExecutionQueue::MakeResumable(store::ExecutionRecord record, int64_t since_ms) {
  auto current = deps_.store.GetExecution(record.id);
  if (current.ok()) record = *current;
  record.status = "Running";
  record.ended_ms = 0;
  record.runner_pid = 0;
  record.failure_message.clear();
  Status s = deps_.store.UpdateExecution(record);
  if (!s.ok()) return;
  auto nodes = deps_.store.GetNodes(record.id);
  if (!nodes.ok()) return;
  for (store::NodeRecord n : *nodes) {
    // Only what the cancellation itself ended: nodes that finished before
    // the shutdown keep their results.
    if (n.status != "Aborted" || (n.ended_ms != 0 && n.ended_ms < since_ms)) continue;
    n.status = n.started_ms > 0 ? "Running" : "NotStarted";
    n.ended_ms = 0;
    n.failure_type.clear();
    n.failure_message.clear();
    Status ignored = deps_.store.PutNode(n);
    (void)ignored;
  }
}

void ExecutionQueue::WatchAborts() {
  while (!stop_watch_.cancelled()) {
    std::vector<std::string> ids;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [id, cancel] : running_) ids.push_back(id);
    }
    for (const std::string& id : ids) {
      auto requested = deps_.store.AbortRequested(id);
      if (!requested.ok() || !*requested) continue;
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = running_.find(id); it != running_.end()) it->second->Cancel();
    }
    (void)ResumeDecidedApprovals("sluice server");
    pollfd p{stop_watch_.fd(), POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(options_.abort_poll.count()));
  }
}

Result<std::string> AbortExecutionAnywhere(ExecutionQueue& queue, store::Store& store,
                                           const store::ExecutionRecord& rec, const Clock& clock,
                                           const std::string& reason) {
  if (queue.queued(rec.id) || queue.running(rec.id)) {
    SLUICE_RETURN_IF_ERROR(queue.Abort(rec.id, reason));
    return "abort requested for execution " + rec.id;
  }
  return AbortElsewhere(store, rec, clock, reason);
}

}  // namespace sluice::server
