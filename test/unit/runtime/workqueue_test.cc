// Tests of the rate-limiting work queue (src/runtime/workqueue.h): de-duplication, one worker
// per key, delayed adds, rate-limited retries, shutdown and drain, and the workqueue_* metrics.
// Time comes from a fake clock where durations matter; threads are sequenced with condition
// variables and waits on conditions with a deadline, never with sleeps.
#include "runtime/workqueue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fake_clock.h"
#include "observability/metrics.h"

namespace awio::runtime {
namespace {

using observability::Registry;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeClock;
using ::testing::HasSubstr;

// Long enough never to trip on a loaded machine; only a broken queue reaches it.
constexpr std::chrono::seconds kDeadline{30};

// Polls `condition` until it holds or kDeadline passes; true when it held.
bool WaitUntil(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

// A one-shot signal between threads.
class Notification {
 public:
  void Notify() {
    std::lock_guard lock(mu_);
    notified_ = true;
    cv_.notify_all();
  }
  bool WaitForNotification() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kDeadline, [this] { return notified_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool notified_ = false;
};

// A queue with its own registry and a fake clock; the limiter is exponential from 5 ms.
struct QueueFixture {
  FakeClock clock;
  Registry registry;
  RateLimitingQueue queue{"test", std::make_unique<ItemExponentialFailureRateLimiter>(), &registry,
                          clock.Source()};

  double Gauge(const std::string& name) {
    return (*registry.RegisterGauge(name, "", {"name"}))->WithLabels({"test"}).Value();
  }
  double Counter(const std::string& name) {
    return (*registry.RegisterCounter(name, "", {"name"}))->WithLabels({"test"}).Value();
  }
  observability::HistogramSeries& Histogram(const std::string& name) {
    return (*registry.RegisterHistogram(name, "", {"name"},
                                        observability::kWorkqueueDurationBuckets))
        ->WithLabels({"test"});
  }
};

// Validates that a key added twice before it is taken is queued once, and keys come out in
// the order they were added.
TEST(Queue, KeyAddedTwice_IsQueuedOnce) {
  QueueFixture f;
  f.queue.Add("a");
  f.queue.Add("b");
  f.queue.Add("a");

  EXPECT_EQ(f.queue.Len(), 2u);
  EXPECT_EQ(f.queue.Get(), "a");
  EXPECT_EQ(f.queue.Get(), "b");
  EXPECT_EQ(f.queue.Len(), 0u);
}

// Validates that a key re-added while being processed is not queued until Done, and is queued
// exactly once then.
TEST(Queue, KeyBeingProcessed_IsQueuedOnlyAtDone) {
  QueueFixture f;
  f.queue.Add("a");
  ASSERT_EQ(f.queue.Get(), "a");

  f.queue.Add("a");
  f.queue.Add("a");
  EXPECT_EQ(f.queue.Len(), 0u);

  f.queue.Done("a");
  EXPECT_EQ(f.queue.Len(), 1u);
  EXPECT_EQ(f.queue.Get(), "a");
  f.queue.Done("a");
  EXPECT_EQ(f.queue.Len(), 0u);
}

// Validates that a key re-added while one worker processes it is handed to a second, blocked
// worker only after the first calls Done.
TEST(Queue, KeyBeingProcessed_IsRequeuedAfterDone) {
  QueueFixture f;
  f.queue.Add("a");
  ASSERT_EQ(f.queue.Get(), "a");
  f.queue.Add("a");

  std::atomic<bool> done_called{false};
  std::optional<std::string> second_worker_key;
  bool done_before_get_returned = false;
  Notification about_to_get;
  std::thread second_worker([&] {
    about_to_get.Notify();
    second_worker_key = f.queue.Get();
    done_before_get_returned = done_called.load();
  });
  ASSERT_TRUE(about_to_get.WaitForNotification());

  done_called.store(true);
  f.queue.Done("a");
  second_worker.join();

  EXPECT_EQ(second_worker_key, "a");
  EXPECT_TRUE(done_before_get_returned);
}

// Validates that many workers never hold the same key at once while keys are re-added
// constantly, and that the workers empty the queue after a drain.
TEST(Queue, ConcurrentWorkers_NeverProcessSameKeyTwiceAtOnce) {
  Registry registry;
  RateLimitingQueue queue("stress", nullptr, &registry);
  constexpr int kWorkers = 4;
  constexpr int kAdds = 4000;
  const std::vector<std::string> keys = {"a", "b", "c", "d", "e"};

  std::mutex mu;
  std::set<std::string> in_flight;
  std::atomic<int> overlaps{0};
  std::atomic<int> processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (std::optional<std::string> key = queue.Get()) {
        {
          std::lock_guard lock(mu);
          if (!in_flight.insert(*key).second) overlaps.fetch_add(1);
        }
        processed.fetch_add(1);
        {
          std::lock_guard lock(mu);
          in_flight.erase(*key);
        }
        queue.Done(*key);
      }
    });
  }

  for (int i = 0; i < kAdds; ++i) queue.Add(keys[static_cast<std::size_t>(i) % keys.size()]);
  queue.ShutDownWithDrain();
  for (std::thread& worker : workers) worker.join();

  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GE(processed.load(), static_cast<int>(keys.size()));
  EXPECT_EQ(queue.Len(), 0u);
}

// Validates that delayed keys become available in deadline order as the clock passes each
// deadline, not in the order they were added.
TEST(Queue, AddAfter_HandsOutInDeadlineOrder) {
  QueueFixture f;
  f.queue.AddAfter("a", milliseconds(30));
  f.queue.AddAfter("b", milliseconds(10));
  f.queue.AddAfter("c", milliseconds(20));
  EXPECT_EQ(f.queue.Len(), 0u);

  f.clock.Advance(milliseconds(15));
  EXPECT_EQ(f.queue.Len(), 1u);

  f.clock.Advance(milliseconds(15));
  EXPECT_EQ(f.queue.Len(), 3u);
  EXPECT_EQ(f.queue.Get(), "b");
  EXPECT_EQ(f.queue.Get(), "c");
  EXPECT_EQ(f.queue.Get(), "a");
}

// Validates that a key already waiting keeps the earlier of two deadlines and is added once.
TEST(Queue, AddAfter_KeyAlreadyWaiting_KeepsEarlierDeadline) {
  QueueFixture f;
  f.queue.AddAfter("a", milliseconds(10));
  f.queue.AddAfter("a", milliseconds(50));  // later: ignored
  f.queue.AddAfter("b", milliseconds(50));
  f.queue.AddAfter("b", milliseconds(10));  // earlier: replaces

  f.clock.Advance(milliseconds(10));
  EXPECT_EQ(f.queue.Len(), 2u);
  EXPECT_EQ(f.queue.Get(), "a");
  EXPECT_EQ(f.queue.Get(), "b");

  f.clock.Advance(milliseconds(100));
  EXPECT_EQ(f.queue.Len(), 0u);
}

// Validates that a zero or negative delay adds at once.
TEST(Queue, AddAfter_NonPositiveDelay_AddsAtOnce) {
  QueueFixture f;
  f.queue.AddAfter("a", Duration::zero());
  f.queue.AddAfter("b", -milliseconds(5));
  EXPECT_EQ(f.queue.Len(), 2u);
}

// Validates, on the real clock and by order only, that blocked Gets wake by themselves when
// delayed keys fall due, earliest deadline first.
TEST(Queue, AddAfter_RealClock_BlockedGetWakesInDeadlineOrder) {
  Registry registry;
  RateLimitingQueue queue("real", nullptr, &registry);
  queue.AddAfter("late", milliseconds(20));
  queue.AddAfter("early", milliseconds(2));

  EXPECT_EQ(queue.Get(), "early");
  EXPECT_EQ(queue.Get(), "late");
}

// Validates that a Get blocked on an empty queue wakes for a key added later with a delay.
TEST(Queue, BlockedGet_WakesForLaterAddAfter) {
  Registry registry;
  RateLimitingQueue queue("real", nullptr, &registry);
  std::optional<std::string> key;
  Notification about_to_get;
  std::thread worker([&] {
    about_to_get.Notify();
    key = queue.Get();
  });
  ASSERT_TRUE(about_to_get.WaitForNotification());

  queue.AddAfter("a", milliseconds(1));
  worker.join();

  EXPECT_EQ(key, "a");
}

// Validates that AddRateLimited delays by the limiter's back-off, counts the failure, and
// that Forget resets it.
TEST(Queue, AddRateLimited_DelaysByBackOff_ForgetResets) {
  QueueFixture f;
  f.queue.AddRateLimited("a");
  EXPECT_EQ(f.queue.NumRequeues("a"), 1);

  f.clock.Advance(milliseconds(4));
  EXPECT_EQ(f.queue.Len(), 0u);
  f.clock.Advance(milliseconds(1));
  EXPECT_EQ(f.queue.Len(), 1u);

  ASSERT_EQ(f.queue.Get(), "a");
  f.queue.AddRateLimited("a");  // second failure: 10 ms
  f.queue.Done("a");
  f.clock.Advance(milliseconds(9));
  EXPECT_EQ(f.queue.Len(), 0u);
  f.clock.Advance(milliseconds(1));
  EXPECT_EQ(f.queue.Len(), 1u);

  f.queue.Forget("a");
  EXPECT_EQ(f.queue.NumRequeues("a"), 0);
}

// Validates that ShutDown wakes a Get blocked on an empty queue, which returns nullopt.
TEST(Queue, ShutDown_WakesBlockedGet) {
  QueueFixture f;
  std::optional<std::string> key = "unset";
  Notification about_to_get;
  std::thread worker([&] {
    about_to_get.Notify();
    key = f.queue.Get();
  });
  ASSERT_TRUE(about_to_get.WaitForNotification());

  f.queue.ShutDown();
  worker.join();

  EXPECT_EQ(key, std::nullopt);
  EXPECT_TRUE(f.queue.ShuttingDown());
}

// Validates that after ShutDown new keys and delayed keys are dropped while keys already queued
// are still handed out, and then Get returns nullopt.
TEST(Queue, ShutDown_HandsOutQueuedKeys_ThenNullopt) {
  QueueFixture f;
  f.queue.Add("a");
  f.queue.AddAfter("delayed", milliseconds(10));

  f.queue.ShutDown();
  f.queue.Add("b");
  f.queue.AddAfter("c", milliseconds(1));
  f.queue.AddRateLimited("d");
  f.clock.Advance(seconds(1));

  EXPECT_EQ(f.queue.Get(), "a");
  EXPECT_EQ(f.queue.Get(), std::nullopt);
  EXPECT_EQ(f.Counter("workqueue_retries_total"), 0);
}

// Validates that ShutDownWithDrain returns only after the key in flight is Done.
TEST(Queue, ShutDownWithDrain_WaitsForDone) {
  QueueFixture f;
  f.queue.Add("a");
  ASSERT_EQ(f.queue.Get(), "a");

  std::atomic<bool> drained{false};
  std::thread drainer([&] {
    f.queue.ShutDownWithDrain();
    drained.store(true);
  });
  ASSERT_TRUE(WaitUntil([&] { return f.queue.ShuttingDown(); }));
  EXPECT_FALSE(drained.load());

  f.queue.Done("a");
  drainer.join();
  EXPECT_TRUE(drained.load());
}

// Validates that ShutDownWithDrain with nothing in flight returns at once.
TEST(Queue, ShutDownWithDrain_NothingInFlight_ReturnsAtOnce) {
  QueueFixture f;
  f.queue.Add("queued-but-not-taken");
  f.queue.ShutDownWithDrain();
  EXPECT_TRUE(f.queue.ShuttingDown());
}

// Validates that a ShutDown during a drain ends the drain's wait.
TEST(Queue, ShutDownDuringDrain_EndsWait) {
  QueueFixture f;
  f.queue.Add("a");
  ASSERT_EQ(f.queue.Get(), "a");

  std::thread drainer([&] { f.queue.ShutDownWithDrain(); });
  ASSERT_TRUE(WaitUntil([&] { return f.queue.ShuttingDown(); }));
  f.queue.ShutDown();
  drainer.join();  // returns although "a" was never Done
}

// Validates that Done of a key that is not being processed changes nothing.
TEST(Queue, Done_KeyNotProcessing_IsIgnored) {
  QueueFixture f;
  f.queue.Add("a");
  f.queue.Done("a");
  f.queue.Done("never-seen");

  EXPECT_EQ(f.queue.Len(), 1u);
  EXPECT_EQ(f.Histogram("workqueue_work_duration_seconds").Count(), 0u);
}

// Validates depth, adds, retries, queue and work durations and the unfinished-work gauges
// after a scripted sequence on a fake clock.
TEST(Queue, Metrics_AfterScriptedSequence) {
  QueueFixture f;
  f.queue.Add("a");
  f.queue.Add("b");
  f.queue.Add("a");
  EXPECT_EQ(f.Counter("workqueue_adds_total"), 2);
  EXPECT_EQ(f.Gauge("workqueue_depth"), 2);

  f.clock.Advance(seconds(1));
  ASSERT_EQ(f.queue.Get(), "a");  // queued for 1 s
  EXPECT_EQ(f.Gauge("workqueue_depth"), 1);
  EXPECT_EQ(f.Histogram("workqueue_queue_duration_seconds").Count(), 1u);
  EXPECT_EQ(f.Histogram("workqueue_queue_duration_seconds").Sum(), 1.0);

  f.queue.Add("a");  // re-added while processing: counts as an add and as depth
  EXPECT_EQ(f.Counter("workqueue_adds_total"), 3);
  EXPECT_EQ(f.Gauge("workqueue_depth"), 2);

  f.queue.AddRateLimited("c");  // waits 5 ms
  EXPECT_EQ(f.Counter("workqueue_retries_total"), 1);
  EXPECT_EQ(f.Counter("workqueue_adds_total"), 3);
  f.clock.Advance(milliseconds(5));
  EXPECT_EQ(f.queue.Len(), 2u);  // b and c
  EXPECT_EQ(f.Counter("workqueue_adds_total"), 4);
  EXPECT_EQ(f.Gauge("workqueue_depth"), 3);

  f.clock.Advance(seconds(2));
  f.queue.UpdateUnfinishedWorkMetrics();  // "a" has been processing for 2.005 s
  EXPECT_DOUBLE_EQ(f.Gauge("workqueue_unfinished_work_seconds"), 2.005);
  EXPECT_DOUBLE_EQ(f.Gauge("workqueue_longest_running_processor_seconds"), 2.005);

  f.queue.Done("a");
  EXPECT_EQ(f.Histogram("workqueue_work_duration_seconds").Count(), 1u);
  EXPECT_DOUBLE_EQ(f.Histogram("workqueue_work_duration_seconds").Sum(), 2.005);
  EXPECT_EQ(f.queue.Len(), 3u);  // b, c and the re-added a
  EXPECT_EQ(f.Gauge("workqueue_depth"), 3);

  f.queue.UpdateUnfinishedWorkMetrics();
  EXPECT_EQ(f.Gauge("workqueue_unfinished_work_seconds"), 0);
  EXPECT_EQ(f.Gauge("workqueue_longest_running_processor_seconds"), 0);

  const std::string text = f.registry.Expose();
  EXPECT_THAT(text, HasSubstr("workqueue_depth{name=\"test\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_adds_total{name=\"test\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_retries_total{name=\"test\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_queue_duration_seconds_count{name=\"test\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE workqueue_work_duration_seconds histogram\n"));
}

// Validates that the longest-running gauge reports the oldest of several keys in flight while
// the unfinished gauge sums them.
TEST(Queue, UnfinishedWorkMetrics_SumAndLongest) {
  QueueFixture f;
  f.queue.Add("a");
  ASSERT_EQ(f.queue.Get(), "a");
  f.clock.Advance(seconds(3));
  f.queue.Add("b");
  ASSERT_EQ(f.queue.Get(), "b");
  f.clock.Advance(seconds(1));

  f.queue.UpdateUnfinishedWorkMetrics();

  EXPECT_EQ(f.Gauge("workqueue_unfinished_work_seconds"), 5);  // 4 + 1
  EXPECT_EQ(f.Gauge("workqueue_longest_running_processor_seconds"), 4);
}

// Validates that two queues sharing a registry keep separate series, told apart by `name`.
TEST(Queue, TwoQueues_ShareFamilies_SeparateSeries) {
  Registry registry;
  RateLimitingQueue first("first", nullptr, &registry);
  RateLimitingQueue second("second", nullptr, &registry);
  first.Add("a");

  const std::string text = registry.Expose();
  EXPECT_THAT(text, HasSubstr("workqueue_adds_total{name=\"first\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("workqueue_adds_total{name=\"second\"} 0\n"));
  EXPECT_EQ(first.name(), "first");
}

}  // namespace
}  // namespace awio::runtime
