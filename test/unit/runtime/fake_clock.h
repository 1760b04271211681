// A manual clock for the runtime unit tests: time moves only when a test advances it, so
// delays and durations are exact. Thread-safe, because queue tests read it from workers.
#pragma once

#include <chrono>
#include <mutex>

#include "runtime/rate_limiter.h"

namespace awio::runtime::testing {

class FakeClock {
 public:
  std::chrono::steady_clock::time_point Now() const {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Advance(std::chrono::nanoseconds by) {
    std::lock_guard lock(mu_);
    now_ += by;
  }
  // A TimeSource reading this clock; the clock must outlive whatever holds it.
  TimeSource Source() {
    return [this] { return Now(); };
  }

 private:
  mutable std::mutex mu_;
  // An arbitrary start far from zero, so that nothing depends on the epoch.
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1000)};
};

}  // namespace awio::runtime::testing
