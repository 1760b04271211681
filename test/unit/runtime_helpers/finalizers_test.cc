// Tests of the finalizer reads (src/runtime/finalizers.h); the writes are covered against a
// real API server in test/integration/runtime_helpers/.
#include "runtime/finalizers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace awio::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Validates that Finalizers lists names in order and skips entries that are not strings.
TEST(FinalizersTest, Finalizers_ListsNamesInOrder) {
  auto object = kube::Json::parse(R"({"metadata": {"finalizers": ["b/x", 3, "a/y"]}})");
  EXPECT_THAT(Finalizers(object), ElementsAre("b/x", "a/y"));
}

// Validates that objects without a usable finalizers list have none.
TEST(FinalizersTest, Finalizers_MissingOrMalformed_AreEmpty) {
  for (const char* text : {R"({})", R"({"metadata": 1})", R"({"metadata": {}})",
                           R"({"metadata": {"finalizers": "x"}})", R"([])", R"(null)"}) {
    EXPECT_THAT(Finalizers(kube::Json::parse(text)), IsEmpty()) << text;
  }
}

// Validates that HasFinalizer matches whole names only.
TEST(FinalizersTest, HasFinalizer_MatchesWholeNames) {
  auto object =
      kube::Json::parse(R"({"metadata": {"finalizers": ["aws.identity.appthrust.io/cleanup"]}})");
  EXPECT_TRUE(HasFinalizer(object, "aws.identity.appthrust.io/cleanup"));
  EXPECT_FALSE(HasFinalizer(object, "aws.identity.appthrust.io/clean"));
  EXPECT_FALSE(HasFinalizer(object, ""));
  EXPECT_FALSE(HasFinalizer(kube::Json::object(), "aws.identity.appthrust.io/cleanup"));
}

}  // namespace
}  // namespace awio::runtime
