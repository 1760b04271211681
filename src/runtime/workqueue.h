// The work queue that feeds a controller's reconcile workers, with client-go's semantics: a key
// is queued at most once, handed to at most one worker at a time, re-queued after Done when it
// was added again meanwhile, delayed on request, and retried through a rate limiter. It also
// keeps the workqueue_* metrics that Go controllers' dashboards expect. It owns keys and their
// timing only; it never calls a reconciler and starts no threads.
//
// Typical worker loop:
//
//   while (std::optional<std::string> key = queue.Get()) {
//     if (Reconcile(*key).ok()) queue.Forget(*key); else queue.AddRateLimited(*key);
//     queue.Done(*key);
//   }
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "observability/metrics.h"
#include "runtime/rate_limiter.h"

namespace awio::runtime {

// A rate-limited, delaying, de-duplicating FIFO of string keys. Thread-safe; waiting is on
// condition variables, never by polling.
//
// Delayed keys are moved into the queue lazily, by whichever call first sees their deadline
// pass: a blocked Get wakes at the earliest deadline, and every other call (Add, Done, Len,
// UpdateUnfinishedWorkMetrics) promotes what is due before acting. A queue with busy workers
// therefore shows a due key in Len and workqueue_depth at the next such call rather than at
// the exact deadline; calling UpdateUnfinishedWorkMetrics periodically bounds that lag.
class RateLimitingQueue {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `name` labels the metrics (label `name`); give each queue its own. A null `limiter` is
  // replaced by DefaultControllerRateLimiter(), a null `registry` by Registry::Default(). The
  // workqueue_* shapes are fixed in code, so a clash with another registration of those names
  // aborts with a message naming it (Registry::Gauge and friends).
  explicit RateLimitingQueue(std::string name,
                             std::unique_ptr<RateLimiter> limiter = DefaultControllerRateLimiter(),
                             observability::Registry* registry = nullptr,
                             TimeSource now = SteadyNow());
  // Shuts the queue down (ShutDown, not drain). Callers must have stopped their workers first.
  ~RateLimitingQueue();

  RateLimitingQueue(const RateLimitingQueue&) = delete;
  RateLimitingQueue& operator=(const RateLimitingQueue&) = delete;

  const std::string& name() const { return name_; }

  // Queues `key` unless it is already queued. A key being processed is marked instead and
  // queued again when its Done is called. Ignored once shutdown has begun.
  void Add(const std::string& key);
  // Adds `key` once `delay` has passed; a delay of zero or less adds at once. A key already
  // waiting keeps the earlier of its two deadlines. Ignored once shutdown has begun; keys still
  // waiting at shutdown are dropped.
  void AddAfter(const std::string& key, Duration delay);
  // AddAfter(key, limiter.When(key)), counted in workqueue_retries_total.
  void AddRateLimited(const std::string& key);
  // Clears the limiter's memory of `key` (its back-off starts over). Does not dequeue it.
  void Forget(const std::string& key);
  // The limiter's failure count for `key`.
  int NumRequeues(const std::string& key);

  // Blocks until a key is available and hands it out; the caller owns it until Done(key).
  // After shutdown, keys still queued are handed out until none remain, then nullopt.
  std::optional<std::string> Get();
  // Marks `key` as processed; if it was added again meanwhile it is queued now. A key that is
  // not being processed is ignored.
  void Done(const std::string& key);

  // Stops accepting keys and wakes every blocked Get. Also ends a ShutDownWithDrain wait.
  void ShutDown();
  // ShutDown, then waits until no key that was handed out is still without its Done (keys
  // handed out while draining count too). Keys still queued are not waited for; workers that
  // keep calling Get receive them. A concurrent ShutDown ends the wait early.
  void ShutDownWithDrain();
  bool ShuttingDown() const;

  // Keys queued and ready to be handed out (not those waiting for a delay or for Done).
  std::size_t Len();

  // Sets workqueue_unfinished_work_seconds (the summed time keys handed out have been
  // processing) and workqueue_longest_running_processor_seconds (the longest of those). The
  // owner calls it periodically, typically every 500 ms.
  void UpdateUnfinishedWorkMetrics();

 private:
  struct Metrics {
    observability::GaugeSeries* depth = nullptr;
    observability::CounterSeries* adds = nullptr;
    observability::HistogramSeries* queue_duration = nullptr;
    observability::HistogramSeries* work_duration = nullptr;
    observability::CounterSeries* retries = nullptr;
    observability::GaugeSeries* unfinished_work = nullptr;
    observability::GaugeSeries* longest_running = nullptr;
  };
  // Orders waiting keys by deadline, then by arrival among equal deadlines.
  using WaitingSlot = std::pair<TimePoint, std::uint64_t>;

  // Queues `key` as of `added_at` unless it is already queued; true when it went into queue_.
  bool AddLocked(const std::string& key, TimePoint added_at);
  // Moves keys whose deadline is at or before `now` into the queue and wakes getters for them.
  void PromoteDueLocked(TimePoint now);
  void ShutDownLocked();

  const std::string name_;
  const std::unique_ptr<RateLimiter> limiter_;
  const TimeSource now_;
  Metrics metrics_;

  mutable std::mutex mu_;
  std::condition_variable ready_;          // a key was queued, or shutdown began
  std::condition_variable drained_;        // processing_ emptied, or a drain was cancelled
  std::deque<std::string> queue_;          // ready keys in hand-out order; each also in dirty_
  std::unordered_set<std::string> dirty_;  // keys that need processing (queued or re-added)
  std::unordered_map<std::string, TimePoint> processing_;      // key -> when it was handed out
  std::unordered_map<std::string, TimePoint> added_at_;        // key -> when it became dirty
  std::map<WaitingSlot, std::string> waiting_;                 // delayed keys by deadline
  std::unordered_map<std::string, WaitingSlot> waiting_slot_;  // delayed key -> its slot
  std::uint64_t next_sequence_ = 0;
  bool shutting_down_ = false;
  bool draining_ = false;
};

}  // namespace awio::runtime
