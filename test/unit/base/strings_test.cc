// Tests of the text helpers in src/base/strings.h.
#include "base/strings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace awio::base {
namespace {

// Validates that text is quoted as Go's %q does: quotes, backslashes and control bytes escaped
// (short forms where Go has them, \xNN otherwise), ordinary characters kept.
TEST(GoQuote, EscapesLikeGo) {
  struct Case {
    std::string in, out;
  };
  for (const auto& c :
       std::vector<Case>{{"app.kubernetes.io/managed-by", "\"app.kubernetes.io/managed-by\""},
                         {"a\"b", "\"a\\\"b\""},
                         {"a\\b", "\"a\\\\b\""},
                         {"a\nb\tc", "\"a\\nb\\tc\""},
                         {"\a\b\f\r\v", "\"\\a\\b\\f\\r\\v\""},
                         {std::string("a\x01", 2), "\"a\\x01\""},
                         {"del\x7f", "\"del\\x7f\""},
                         {"", "\"\""}}) {
    EXPECT_EQ(GoQuote(c.in), c.out) << c.in;
  }
}

}  // namespace
}  // namespace awio::base
