// Tests of the loaders' shared helpers (src/kube/config/config_support.h): RFC 3339 parsing,
// quoting and whitespace trimming.
#include "kube/config/config_support.h"

#include <gtest/gtest.h>

#include <chrono>

namespace awio::kube::config_internal {
namespace {

using std::chrono::system_clock;

system_clock::time_point Utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

// Validates that RFC 3339 times parse with and without fractions, with 'Z' or an offset.
TEST(ConfigSupport, Rfc3339_AcceptsFractionsAndOffsets) {
  EXPECT_EQ(ParseRfc3339("2030-01-02T03:04:05Z"), Utc(2030, 1, 2, 3, 4, 5));
  EXPECT_EQ(ParseRfc3339("2030-01-02T03:04:05.250Z"),
            Utc(2030, 1, 2, 3, 4, 5) + std::chrono::milliseconds(250));
  EXPECT_EQ(ParseRfc3339("2030-01-02T05:04:05+02:00"), Utc(2030, 1, 2, 3, 4, 5));
  EXPECT_EQ(ParseRfc3339("2030-01-01T22:04:05.5-05:00"),
            Utc(2030, 1, 2, 3, 4, 5) + std::chrono::milliseconds(500));
}

// Validates that malformed times are refused rather than half-parsed.
TEST(ConfigSupport, Rfc3339_RejectsMalformed) {
  for (const char* text :
       {"", "2030-01-02", "2030-01-02T03:04:05", "2030-13-02T03:04:05Z", "2030-02-30T03:04:05Z",
        "2030-01-02T03:04:05.Z", "2030-01-02T03:04:05+0200", "2030-01-02 03:04:05Z",
        "2030-01-02T03:04:05Zjunk"}) {
    EXPECT_FALSE(ParseRfc3339(text).has_value()) << text;
  }
}

// Validates that quoting escapes characters that would break a message.
TEST(ConfigSupport, Quote_EscapesQuotesAndControls) {
  EXPECT_EQ(Quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\x0a\"");
  EXPECT_EQ(TrimSpace("  tok \n"), "tok");
}

}  // namespace
}  // namespace awio::kube::config_internal
