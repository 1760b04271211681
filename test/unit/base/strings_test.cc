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

// Validates Go's JSON string escaping: short forms, HTML-safe \u00XX, the two line separators,
// and \ufffd for each byte of invalid UTF-8, so the result is always valid JSON.
TEST(GoJsonString, EscapesLikeGoAndRepairsInvalidUtf8) {
  struct Case {
    std::string in, out;
  };
  for (const auto& c : std::vector<Case>{
           {"plain/text", "\"plain/text\""},
           {"q\"b\\", "\"q\\\"b\\\\\""},
           {"\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""},
           {"<a&b>", "\"\\u003ca\\u0026b\\u003e\""},
           {std::string("\x01", 1), "\"\\u0001\""},
           {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
           {"\xe2\x80\xa8", "\"\\u2028\""},
           {"bad\xff\xc3", "\"bad\\ufffd\\ufffd\""},
       }) {
    EXPECT_EQ(GoJsonString(c.in), c.out) << c.in;
  }
}

}  // namespace
}  // namespace awio::base
