// Tests of the loaders' shared helpers (src/kube/config/config_support.h): quoting and whitespace
// trimming.
#include "kube/config/config_support.h"

#include <gtest/gtest.h>

namespace awio::kube::config_internal {
namespace {

// Validates that quoting escapes characters that would break a message.
TEST(ConfigSupport, Quote_EscapesQuotesAndControls) {
  EXPECT_EQ(Quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\x0a\"");
  EXPECT_EQ(TrimSpace("  tok \n"), "tok");
}

}  // namespace
}  // namespace awio::kube::config_internal
