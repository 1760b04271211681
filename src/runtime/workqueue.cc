// Implementation of the rate-limiting work queue (workqueue.h): the dirty/processing sets, the
// deadline-ordered waiting keys, shutdown and drain, and the workqueue_* metrics.
#include "runtime/workqueue.h"

#include <algorithm>
#include <vector>

namespace awio::runtime {
namespace {

using observability::kWorkqueueDurationBuckets;
using observability::Registry;

// A blocked Get whose earliest delayed key is not yet due waits at least this long before
// looking again. With the real clock it only makes a due key up to this late; with a test
// clock that stands still it keeps the wait from spinning.
constexpr std::chrono::milliseconds kMinDelayWait{1};

double Seconds(Duration duration) { return std::chrono::duration<double>(duration).count(); }

}  // namespace

RateLimitingQueue::RateLimitingQueue(std::string name, std::unique_ptr<RateLimiter> limiter,
                                     Registry* registry, TimeSource now)
    : name_(std::move(name)),
      limiter_(limiter != nullptr ? std::move(limiter) : DefaultControllerRateLimiter()),
      now_(std::move(now)) {
  Registry& metrics = registry != nullptr ? *registry : Registry::Default();
  const std::vector<std::string> labels = {"name"};
  auto gauge = [&](const char* metric, const char* help) {
    return &metrics.Gauge(metric, help, labels).WithLabels({name_});
  };
  auto counter = [&](const char* metric, const char* help) {
    return &metrics.Counter(metric, help, labels).WithLabels({name_});
  };
  auto histogram = [&](const char* metric, const char* help) {
    return &metrics.Histogram(metric, help, labels, kWorkqueueDurationBuckets).WithLabels({name_});
  };

  metrics_.depth = gauge("workqueue_depth",
                         "Current depth of the work queue: keys waiting to be handed to a worker, "
                         "including keys re-added while being processed.");
  metrics_.adds = counter("workqueue_adds_total", "Total number of keys added to the work queue.");
  metrics_.queue_duration =
      histogram("workqueue_queue_duration_seconds",
                "How long in seconds a key stays in the work queue before a worker takes it.");
  metrics_.work_duration =
      histogram("workqueue_work_duration_seconds",
                "How long in seconds a worker takes to process a key from the work queue.");
  metrics_.retries = counter("workqueue_retries_total",
                             "Total number of rate-limited retries of work queue keys.");
  metrics_.unfinished_work = gauge("workqueue_unfinished_work_seconds",
                                   "Seconds of work in progress that no Done has accounted for "
                                   "yet; a steady rise suggests stuck workers.");
  metrics_.longest_running = gauge("workqueue_longest_running_processor_seconds",
                                   "How long in seconds the longest-running worker of the queue "
                                   "has been processing its key.");
}

RateLimitingQueue::~RateLimitingQueue() { ShutDown(); }

bool RateLimitingQueue::AddLocked(const std::string& key, TimePoint added_at) {
  if (shutting_down_ || dirty_.contains(key)) return false;

  dirty_.insert(key);
  added_at_.try_emplace(key, added_at);
  metrics_.adds->Inc();
  metrics_.depth->Set(static_cast<double>(dirty_.size()));
  if (processing_.contains(key)) return false;  // queued again by Done

  queue_.push_back(key);
  return true;
}

void RateLimitingQueue::PromoteDueLocked(TimePoint now) {
  while (!waiting_.empty() && waiting_.begin()->first.first <= now) {
    auto due = waiting_.begin();
    const TimePoint deadline = due->first.first;
    std::string key = std::move(due->second);
    waiting_.erase(due);
    waiting_slot_.erase(key);
    // The key joined the queue at its deadline, however late this call notices it.
    if (AddLocked(key, deadline)) ready_.notify_one();
  }
}

void RateLimitingQueue::Add(const std::string& key) {
  std::lock_guard lock(mu_);
  const TimePoint now = now_();
  PromoteDueLocked(now);
  if (AddLocked(key, now)) ready_.notify_one();
}

void RateLimitingQueue::AddAfter(const std::string& key, Duration delay) {
  if (delay <= Duration::zero()) {
    Add(key);
    return;
  }

  std::lock_guard lock(mu_);
  if (shutting_down_) return;
  const TimePoint now = now_();
  PromoteDueLocked(now);
  const TimePoint deadline = now + delay;

  auto existing = waiting_slot_.find(key);
  if (existing != waiting_slot_.end()) {
    if (existing->second.first <= deadline) return;  // the earlier deadline stands
    waiting_.erase(existing->second);
    waiting_slot_.erase(existing);
  }
  const WaitingSlot slot{deadline, next_sequence_++};
  waiting_.emplace(slot, key);
  waiting_slot_.emplace(key, slot);

  // Blocked getters time their waits by the earliest deadline; a new earliest one (or the
  // first one, when they wait without a deadline) must make them look again.
  if (waiting_.begin()->first == slot) ready_.notify_all();
}

void RateLimitingQueue::AddRateLimited(const std::string& key) {
  if (ShuttingDown()) return;
  metrics_.retries->Inc();
  AddAfter(key, limiter_->When(key));
}

void RateLimitingQueue::Forget(const std::string& key) { limiter_->Forget(key); }

int RateLimitingQueue::NumRequeues(const std::string& key) { return limiter_->NumRequeues(key); }

std::optional<std::string> RateLimitingQueue::Get() {
  std::unique_lock lock(mu_);
  TimePoint now = now_();
  for (;;) {
    PromoteDueLocked(now);
    if (!queue_.empty()) break;
    if (shutting_down_) return std::nullopt;

    if (waiting_.empty()) {
      ready_.wait(lock);
    } else {
      const Duration until_due = waiting_.begin()->first.first - now;
      ready_.wait_for(lock, std::max<Duration>(until_due, kMinDelayWait));
    }
    now = now_();
  }

  std::string key = std::move(queue_.front());
  queue_.pop_front();
  dirty_.erase(key);
  processing_.insert_or_assign(key, now);
  if (auto added = added_at_.find(key); added != added_at_.end()) {
    metrics_.queue_duration->Observe(Seconds(now - added->second));
    added_at_.erase(added);
  }
  metrics_.depth->Set(static_cast<double>(dirty_.size()));
  return key;
}

void RateLimitingQueue::Done(const std::string& key) {
  std::lock_guard lock(mu_);
  const TimePoint now = now_();
  PromoteDueLocked(now);

  auto it = processing_.find(key);
  if (it == processing_.end()) return;
  metrics_.work_duration->Observe(Seconds(now - it->second));
  processing_.erase(it);

  // Re-queued even during shutdown, so that a drain hands out what was added before it began.
  if (dirty_.contains(key)) {
    queue_.push_back(key);
    ready_.notify_one();
  }
  if (processing_.empty()) drained_.notify_all();
}

void RateLimitingQueue::ShutDownLocked() {
  shutting_down_ = true;
  waiting_.clear();
  waiting_slot_.clear();
  ready_.notify_all();
}

void RateLimitingQueue::ShutDown() {
  std::lock_guard lock(mu_);
  ShutDownLocked();
  draining_ = false;
  drained_.notify_all();
}

void RateLimitingQueue::ShutDownWithDrain() {
  std::unique_lock lock(mu_);
  ShutDownLocked();
  draining_ = true;
  drained_.wait(lock, [this] { return processing_.empty() || !draining_; });
}

bool RateLimitingQueue::ShuttingDown() const {
  std::lock_guard lock(mu_);
  return shutting_down_;
}

std::size_t RateLimitingQueue::Len() {
  std::lock_guard lock(mu_);
  PromoteDueLocked(now_());
  return queue_.size();
}

void RateLimitingQueue::UpdateUnfinishedWorkMetrics() {
  std::lock_guard lock(mu_);
  const TimePoint now = now_();
  PromoteDueLocked(now);

  double total = 0;
  double longest = 0;
  for (const auto& [key, started] : processing_) {
    const double seconds = Seconds(now - started);
    total += seconds;
    longest = std::max(longest, seconds);
  }
  metrics_.unfinished_work->Set(total);
  metrics_.longest_running->Set(longest);
}

}  // namespace awio::runtime
