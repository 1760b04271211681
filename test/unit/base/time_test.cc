// Tests of the RFC 3339 helpers in src/base/time.h.
#include "base/time.h"

#include <gtest/gtest.h>

#include <chrono>

namespace awio::base {
namespace {

WallTime Utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

// Validates that RFC 3339 times parse with and without fractions, with 'Z' or an offset, in
// either letter case (AWS and Kubernetes both send these forms).
TEST(Rfc3339, Parse_AcceptsFractionsAndOffsets) {
  EXPECT_EQ(ParseRfc3339("2030-01-02T03:04:05Z"), Utc(2030, 1, 2, 3, 4, 5));
  EXPECT_EQ(ParseRfc3339("2030-01-02t03:04:05z"), Utc(2030, 1, 2, 3, 4, 5));
  EXPECT_EQ(ParseRfc3339("2030-01-02T03:04:05.250Z"),
            Utc(2030, 1, 2, 3, 4, 5) + std::chrono::milliseconds(250));
  EXPECT_EQ(ParseRfc3339("2030-01-02T05:04:05+02:00"), Utc(2030, 1, 2, 3, 4, 5));
  EXPECT_EQ(ParseRfc3339("2030-01-01T22:04:05.5-05:00"),
            Utc(2030, 1, 2, 3, 4, 5) + std::chrono::milliseconds(500));
  EXPECT_EQ(ParseRfc3339("2030-01-02T03:04:05.123456789123Z"),
            Utc(2030, 1, 2, 3, 4, 5) + std::chrono::nanoseconds(123456789));
}

// Validates that malformed times are refused rather than half-parsed.
TEST(Rfc3339, Parse_RejectsMalformed) {
  for (const char* text :
       {"", "2030-01-02", "2030-01-02T03:04:05", "2030-13-02T03:04:05Z", "2030-02-30T03:04:05Z",
        "2030-01-02T03:04:05.Z", "2030-01-02T03:04:05+0200", "2030-01-02 03:04:05Z",
        "2030-01-02T03:04:05Zjunk", "2030-01-02T24:04:05Z", "2030-01-02T03:04:05+24:00"}) {
    EXPECT_FALSE(ParseRfc3339(text).has_value()) << text;
  }
}

// Validates the two output forms: whole seconds (metav1.Time) and microseconds (MicroTime),
// both in UTC, and that formatting then parsing keeps the instant at that precision.
TEST(Rfc3339, Format_SecondsAndMicros) {
  const WallTime t = Utc(2026, 12, 3, 19, 0, 7) + std::chrono::microseconds(123456);
  EXPECT_EQ(FormatRfc3339(t), "2026-12-03T19:00:07Z");
  EXPECT_EQ(FormatRfc3339Micros(t), "2026-12-03T19:00:07.123456Z");
  EXPECT_EQ(ParseRfc3339(FormatRfc3339Micros(t)), t);
  EXPECT_EQ(FormatRfc3339(Utc(1999, 1, 1, 0, 0, 0)), "1999-01-01T00:00:00Z");
}

}  // namespace
}  // namespace awio::base
