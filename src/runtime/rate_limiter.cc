// Implementation of the work queue rate limiters (rate_limiter.h). Pure arithmetic on an
// injected clock; nothing here sleeps.
#include "runtime/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace awio::runtime {
namespace {

// Beyond this many doublings any positive base overflows a 64-bit nanosecond count, so the
// cap applies without computing the power.
constexpr int kMaxDoublings = 62;

}  // namespace

ItemExponentialFailureRateLimiter::ItemExponentialFailureRateLimiter(Duration base_delay,
                                                                     Duration max_delay)
    : base_delay_(base_delay), max_delay_(max_delay) {}

Duration ItemExponentialFailureRateLimiter::When(const std::string& key) {
  int exponent = 0;
  {
    std::lock_guard lock(mu_);
    int& failures = failures_[key];
    exponent = failures;
    if (failures < std::numeric_limits<int>::max()) ++failures;
  }

  if (exponent > kMaxDoublings) return max_delay_;
  const double delay =
      static_cast<double>(base_delay_.count()) * std::ldexp(1.0, exponent);  // base * 2^n
  if (delay >= static_cast<double>(max_delay_.count())) return max_delay_;
  return Duration(static_cast<Duration::rep>(delay));
}

void ItemExponentialFailureRateLimiter::Forget(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

int ItemExponentialFailureRateLimiter::NumRequeues(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

BucketRateLimiter::BucketRateLimiter(double qps, int burst, TimeSource now)
    : qps_(qps), burst_(static_cast<double>(std::max(burst, 1))), now_(std::move(now)) {}

Duration BucketRateLimiter::When(const std::string& /*key*/) {
  if (!(qps_ > 0.0)) return Duration::zero();

  const std::chrono::steady_clock::time_point now = now_();
  std::lock_guard lock(mu_);
  if (!started_) {
    started_ = true;
    tokens_ = burst_;
    last_ = now;
  } else if (now > last_) {
    // A clock that steps back adds nothing and keeps the later reference point.
    const double elapsed_seconds = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed_seconds * qps_);
    last_ = now;
  }

  tokens_ -= 1.0;
  if (tokens_ >= 0.0) return Duration::zero();
  const double wait_seconds = -tokens_ / qps_;
  return Duration(std::llround(wait_seconds * 1e9));
}

void BucketRateLimiter::Forget(const std::string& /*key*/) {}

int BucketRateLimiter::NumRequeues(const std::string& /*key*/) { return 0; }

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters) {
  for (auto& limiter : limiters) {
    if (limiter != nullptr) limiters_.push_back(std::move(limiter));
  }
}

Duration MaxOfRateLimiter::When(const std::string& key) {
  Duration longest = Duration::zero();
  for (const auto& limiter : limiters_) longest = std::max(longest, limiter->When(key));
  return longest;
}

void MaxOfRateLimiter::Forget(const std::string& key) {
  for (const auto& limiter : limiters_) limiter->Forget(key);
}

int MaxOfRateLimiter::NumRequeues(const std::string& key) {
  int most = 0;
  for (const auto& limiter : limiters_) most = std::max(most, limiter->NumRequeues(key));
  return most;
}

std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(DefaultRateLimiterOptions options,
                                                          TimeSource now) {
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(
      std::make_unique<ItemExponentialFailureRateLimiter>(options.base_delay, options.max_delay));
  limiters.push_back(
      std::make_unique<BucketRateLimiter>(options.qps, options.burst, std::move(now)));
  return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

}  // namespace awio::runtime
