// Tests of the work queue rate limiters (src/runtime/rate_limiter.h): exponential doubling and
// its cap, Forget, the token bucket's burst, spacing and refill, and the maximum of several.
// Time comes from a fake clock; nothing sleeps.
#include "runtime/rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "fake_clock.h"

namespace awio::runtime {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeClock;

// Validates that the delay doubles from 5 ms per failure of the same key.
TEST(ExponentialRateLimiter, RepeatedFailures_DoubleFromFiveMilliseconds) {
  ItemExponentialFailureRateLimiter limiter;

  EXPECT_EQ(limiter.When("a"), milliseconds(5));
  EXPECT_EQ(limiter.When("a"), milliseconds(10));
  EXPECT_EQ(limiter.When("a"), milliseconds(20));
  EXPECT_EQ(limiter.When("a"), milliseconds(40));
  EXPECT_EQ(limiter.NumRequeues("a"), 4);
}

// Validates that the delay stops at 1000 s (5 ms * 2^17 = 655.36 s is the last below it) and
// stays there however many failures follow, without overflowing.
TEST(ExponentialRateLimiter, ManyFailures_CappedAtThousandSeconds) {
  ItemExponentialFailureRateLimiter limiter;

  for (int failure = 0; failure < 18; ++failure) {
    ASSERT_EQ(limiter.When("a"), milliseconds(5) * (1 << failure)) << "failure " << failure;
  }
  EXPECT_EQ(limiter.When("a"), seconds(1000));
  for (int failure = 19; failure < 200; ++failure) {
    ASSERT_EQ(limiter.When("a"), seconds(1000)) << "failure " << failure;
  }
  EXPECT_EQ(limiter.NumRequeues("a"), 200);
}

// Validates that Forget resets one key's back-off and leaves other keys alone.
TEST(ExponentialRateLimiter, Forget_ResetsOnlyThatKey) {
  ItemExponentialFailureRateLimiter limiter;
  (void)limiter.When("a");
  (void)limiter.When("a");
  (void)limiter.When("b");

  limiter.Forget("a");

  EXPECT_EQ(limiter.NumRequeues("a"), 0);
  EXPECT_EQ(limiter.When("a"), milliseconds(5));
  EXPECT_EQ(limiter.NumRequeues("b"), 1);
  EXPECT_EQ(limiter.When("b"), milliseconds(10));
}

// Validates that the base and cap are configurable.
TEST(ExponentialRateLimiter, CustomBaseAndCap_AreHonoured) {
  ItemExponentialFailureRateLimiter limiter(milliseconds(100), milliseconds(350));

  EXPECT_EQ(limiter.When("a"), milliseconds(100));
  EXPECT_EQ(limiter.When("a"), milliseconds(200));
  EXPECT_EQ(limiter.When("a"), milliseconds(350));
  EXPECT_EQ(limiter.When("a"), milliseconds(350));
}

// Validates that the bucket lets a burst through at once and then spaces reservations 1/qps
// apart, across all keys.
TEST(BucketRateLimiter, BurstThenSpacedAtOneOverQps) {
  FakeClock clock;
  BucketRateLimiter limiter(10, 100, clock.Source());

  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(limiter.When("key-" + std::to_string(i)), Duration::zero()) << "request " << i;
  }
  EXPECT_EQ(limiter.When("x"), milliseconds(100));
  EXPECT_EQ(limiter.When("y"), milliseconds(200));
  EXPECT_EQ(limiter.When("x"), milliseconds(300));
  EXPECT_EQ(limiter.NumRequeues("x"), 0);
}

// Validates that elapsed time refills the bucket at qps tokens per second, first paying off
// outstanding reservations.
TEST(BucketRateLimiter, ElapsedTime_RefillsAtQps) {
  FakeClock clock;
  BucketRateLimiter limiter(10, 5, clock.Source());
  for (int i = 0; i < 7; ++i) (void)limiter.When("k");  // 5 free, 2 reserved ahead

  clock.Advance(seconds(1));  // +10 tokens: 2 repay the reservations, 8 would remain, cap 5

  for (int i = 0; i < 5; ++i) ASSERT_EQ(limiter.When("k"), Duration::zero()) << "request " << i;
  EXPECT_EQ(limiter.When("k"), milliseconds(100));
}

// Validates that a partial refill shortens the wait by the time already passed.
TEST(BucketRateLimiter, PartialRefill_ShortensWait) {
  FakeClock clock;
  BucketRateLimiter limiter(4, 1, clock.Source());
  EXPECT_EQ(limiter.When("k"), Duration::zero());
  EXPECT_EQ(limiter.When("k"), milliseconds(250));

  clock.Advance(milliseconds(100));

  EXPECT_EQ(limiter.When("k"), milliseconds(400));  // 500 ms after start, 100 ms have passed
}

// Validates that a long idle period refills no more than the burst.
TEST(BucketRateLimiter, LongIdle_RefillsAtMostBurst) {
  FakeClock clock;
  BucketRateLimiter limiter(10, 3, clock.Source());
  for (int i = 0; i < 3; ++i) (void)limiter.When("k");

  clock.Advance(hours(24));

  for (int i = 0; i < 3; ++i) ASSERT_EQ(limiter.When("k"), Duration::zero()) << "request " << i;
  EXPECT_EQ(limiter.When("k"), milliseconds(100));
}

// Validates that a non-positive qps disables the limit.
TEST(BucketRateLimiter, NonPositiveQps_NeverDelays) {
  FakeClock clock;
  BucketRateLimiter limiter(0, 1, clock.Source());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.When("k"), Duration::zero());
}

// Validates that the combination returns the larger delay and forwards Forget and
// NumRequeues to every limiter.
TEST(MaxOfRateLimiter, ReturnsLargestDelay_AndForwardsForget) {
  FakeClock clock;
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(std::make_unique<ItemExponentialFailureRateLimiter>());
  limiters.push_back(std::make_unique<BucketRateLimiter>(1, 1, clock.Source()));
  MaxOfRateLimiter limiter(std::move(limiters));

  EXPECT_EQ(limiter.When("a"), milliseconds(5));  // exponential 5 ms, bucket 0
  EXPECT_EQ(limiter.When("a"), seconds(1));       // exponential 10 ms, bucket 1 s
  EXPECT_EQ(limiter.NumRequeues("a"), 2);

  limiter.Forget("a");
  EXPECT_EQ(limiter.NumRequeues("a"), 0);
  clock.Advance(seconds(2));                      // the bucket is full again
  EXPECT_EQ(limiter.When("a"), milliseconds(5));  // and the back-off started over
}

// Validates that the default controller limiter backs each key off on its own from 5 ms while
// the shared bucket (10 qps, burst 100) caps the overall retry rate.
TEST(DefaultControllerRateLimiter, CombinesPerKeyBackOffAndSharedBucket) {
  FakeClock clock;
  std::unique_ptr<RateLimiter> limiter = DefaultControllerRateLimiter({}, clock.Source());

  EXPECT_EQ(limiter->When("a"), milliseconds(5));
  EXPECT_EQ(limiter->When("a"), milliseconds(10));
  for (int i = 0; i < 98; ++i) {
    ASSERT_EQ(limiter->When("key-" + std::to_string(i)), milliseconds(5)) << "key " << i;
  }
  // The bucket's 100 tokens are spent; the next reservation waits 1/10 s.
  EXPECT_EQ(limiter->When("fresh"), milliseconds(100));
  EXPECT_EQ(limiter->NumRequeues("a"), 2);
}

// Validates that the default limiter's parameters are configurable.
TEST(DefaultControllerRateLimiter, Options_AreHonoured) {
  FakeClock clock;
  std::unique_ptr<RateLimiter> limiter = DefaultControllerRateLimiter(
      {.base_delay = milliseconds(1), .max_delay = milliseconds(3), .qps = 2, .burst = 1},
      clock.Source());

  EXPECT_EQ(limiter->When("a"), milliseconds(1));
  EXPECT_EQ(limiter->When("b"), milliseconds(500));  // bucket: one token, then 1/2 s
  clock.Advance(seconds(10));
  EXPECT_EQ(limiter->When("a"), milliseconds(2));
  EXPECT_EQ(limiter->When("a"), milliseconds(500));  // the bucket dominates again
  clock.Advance(seconds(10));
  EXPECT_EQ(limiter->When("a"), milliseconds(3));  // capped
}

}  // namespace
}  // namespace awio::runtime
