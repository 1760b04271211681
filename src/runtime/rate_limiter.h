// Rate limiters that decide how long a work queue key waits before it is retried, with
// client-go's semantics: per-key exponential back-off, an overall token bucket, the maximum of
// several, and the default controller combination of the first two. They compute delays only;
// waiting is the work queue's job (workqueue.h). Time comes from an injected TimeSource so that
// tests are deterministic.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace awio::runtime {

using Duration = std::chrono::nanoseconds;
// Reads the current time. Injected so tests can drive time; production uses SteadyNow().
using TimeSource = std::function<std::chrono::steady_clock::time_point()>;

inline TimeSource SteadyNow() {
  return [] { return std::chrono::steady_clock::now(); };
}

// Decides the delay before a key is retried. Implementations are thread-safe.
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  // The delay before `key` should be processed again; counts as one more failure of `key`.
  virtual Duration When(const std::string& key) = 0;
  // Clears what is remembered about `key` (call it when the key was processed successfully).
  virtual void Forget(const std::string& key) = 0;
  // How many times When was called for `key` since the last Forget.
  virtual int NumRequeues(const std::string& key) = 0;
};

// Per-key exponential back-off: the n-th When for a key (counting from 0) returns
// base * 2^n, capped at `max`. Independent of time, so it takes no TimeSource.
class ItemExponentialFailureRateLimiter final : public RateLimiter {
 public:
  static constexpr Duration kDefaultBaseDelay = std::chrono::milliseconds(5);
  static constexpr Duration kDefaultMaxDelay = std::chrono::seconds(1000);

  explicit ItemExponentialFailureRateLimiter(Duration base_delay = kDefaultBaseDelay,
                                             Duration max_delay = kDefaultMaxDelay);

  Duration When(const std::string& key) override;
  void Forget(const std::string& key) override;
  int NumRequeues(const std::string& key) override;

 private:
  const Duration base_delay_;
  const Duration max_delay_;
  std::mutex mu_;
  std::unordered_map<std::string, int> failures_;
};

// One token bucket shared by all keys, refilled at `qps` tokens per second up to `burst`, and
// full at first use. Each When reserves a token and returns how long until that token exists
// (zero while tokens remain), so reservations queue up behind one another at 1/qps spacing.
// Delays are rounded to the nearest nanosecond. A qps that is not positive disables the limit
// (When returns zero); a burst below 1 is treated as 1. Forget does nothing and NumRequeues is
// always 0: the bucket has no per-key state.
class BucketRateLimiter final : public RateLimiter {
 public:
  static constexpr double kDefaultQps = 10.0;
  static constexpr int kDefaultBurst = 100;

  explicit BucketRateLimiter(double qps = kDefaultQps, int burst = kDefaultBurst,
                             TimeSource now = SteadyNow());

  Duration When(const std::string& key) override;
  void Forget(const std::string& key) override;
  int NumRequeues(const std::string& key) override;

 private:
  const double qps_;
  const double burst_;
  const TimeSource now_;
  std::mutex mu_;
  bool started_ = false;
  double tokens_ = 0;  // negative while reservations are outstanding
  std::chrono::steady_clock::time_point last_;
};

// The largest delay of several limiters. When, Forget and NumRequeues reach every limiter (so
// each keeps its own count); NumRequeues returns the largest count.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  // Null entries are dropped.
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);

  Duration When(const std::string& key) override;
  void Forget(const std::string& key) override;
  int NumRequeues(const std::string& key) override;

 private:
  std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

struct DefaultRateLimiterOptions {
  Duration base_delay = ItemExponentialFailureRateLimiter::kDefaultBaseDelay;
  Duration max_delay = ItemExponentialFailureRateLimiter::kDefaultMaxDelay;
  double qps = BucketRateLimiter::kDefaultQps;
  int burst = BucketRateLimiter::kDefaultBurst;
};

// What a controller uses unless told otherwise: the maximum of per-key exponential back-off
// (5 ms doubling to 1000 s) and an overall bucket (10 qps, burst 100), so one failing key backs
// off on its own while a storm of failures cannot retry faster than the bucket allows.
std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(DefaultRateLimiterOptions options = {},
                                                          TimeSource now = SteadyNow());

}  // namespace awio::runtime
