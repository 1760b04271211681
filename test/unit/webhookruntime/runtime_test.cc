// Tests of the renewal and requeue arithmetic of spec config-controller.md §8.5.2 with the
// vectors of §15.13 (src/webhookruntime/runtime.h).
#include "webhookruntime/runtime.h"

#include <gtest/gtest.h>

#include <chrono>

#include "base/time.h"

namespace awio::webhookruntime {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const auto kNow = *base::ParseRfc3339("2026-12-03T19:00:00Z");
constexpr std::chrono::hours kDay{24};

// Validates the §15.13 renewal vectors: 335 days clamps to 24 h, 30 d + 10 min gives 10 min, and
// a NotAfter inside the threshold gives the 1 min floor.
TEST(RenewalDelay, FollowsSpecVectors) {
  struct Case {
    const char* name;
    std::chrono::system_clock::duration not_after_from_now;
    milliseconds expected;
  };
  const Case cases[] = {
      {"a year left", 365 * kDay, 24h},  {"30 days and 10 minutes left", 30 * kDay + 10min, 10min},
      {"29 days left", 29 * kDay, 1min}, {"exactly 30 days left", 30 * kDay, 1min},
      {"already expired", -kDay, 1min},  {"30 days and 23 hours left", 30 * kDay + 23h, 23h},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(RenewalDelay(kNow + c.not_after_from_now, kNow), c.expected) << c.name;
  }
}

// Validates the §15.13 schedule vector {readiness 30 s, renewal 12 h}: not ready → 30 s, ready
// → 12 h; and without a certificate both fall back to the readiness retry.
TEST(RequeueAfter, FollowsSpecSchedule) {
  Outcome outcome;
  outcome.cert_not_after = kNow + 30 * kDay + 12h;
  outcome.ready = false;
  EXPECT_EQ(RequeueAfter(outcome, kNow), 30s);
  outcome.ready = true;
  EXPECT_EQ(RequeueAfter(outcome, kNow), 12h);

  Outcome no_certificate;
  EXPECT_EQ(RequeueAfter(no_certificate, kNow), 30s);
  no_certificate.ready = true;
  EXPECT_EQ(RequeueAfter(no_certificate, kNow), 30s);
}

}  // namespace
}  // namespace awio::webhookruntime
