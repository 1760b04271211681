// Tests of SetCondition and friends (src/runtime/conditions.h) against apimachinery's
// meta.SetStatusCondition semantics, and of the Kubernetes time formats.
#include "runtime/conditions.h"

#include <gtest/gtest.h>

#include <chrono>

namespace awio::runtime {
namespace {

using namespace std::chrono_literals;

// 2026-12-03T19:00:00Z
const WallTime kT0 = WallTime{} + std::chrono::seconds(1796324400);

Condition Ready(std::string status, std::string reason, std::string message = "msg",
                std::int64_t generation = 1) {
  return {.type = "Ready",
          .status = std::move(status),
          .observed_generation = generation,
          .reason = std::move(reason),
          .message = std::move(message)};
}

// Validates that a new condition is appended with `now` as its lastTransitionTime.
TEST(ConditionsTest, SetCondition_New_AppendsWithNowAsTransitionTime) {
  Json conditions = Json::array();
  EXPECT_TRUE(SetCondition(conditions, Ready("True", "Synced"), kT0));
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0],
            Json::parse(R"({"type": "Ready", "status": "True", "observedGeneration": 1,
                            "lastTransitionTime": "2026-12-03T19:00:00Z", "reason": "Synced",
                            "message": "msg"})"));
}

// Validates that a null conditions field becomes an array holding the condition.
TEST(ConditionsTest, SetCondition_NullConditions_BecomesArray) {
  Json conditions;
  EXPECT_TRUE(SetCondition(conditions, Ready("True", "Synced"), kT0));
  ASSERT_TRUE(conditions.is_array());
  EXPECT_EQ(conditions.size(), 1u);
}

// Validates that the same status with another reason and message keeps lastTransitionTime.
TEST(ConditionsTest, SetCondition_SameStatusDifferentReason_KeepsTransitionTime) {
  Json conditions = Json::array();
  ASSERT_TRUE(SetCondition(conditions, Ready("False", "Creating"), kT0));
  EXPECT_TRUE(SetCondition(conditions, Ready("False", "Waiting", "other"), kT0 + 1h));
  EXPECT_EQ(conditions[0]["lastTransitionTime"], "2026-12-03T19:00:00Z");
  EXPECT_EQ(conditions[0]["reason"], "Waiting");
  EXPECT_EQ(conditions[0]["message"], "other");
}

// Validates that a status flip moves lastTransitionTime to `now`.
TEST(ConditionsTest, SetCondition_StatusFlip_ChangesTransitionTime) {
  Json conditions = Json::array();
  ASSERT_TRUE(SetCondition(conditions, Ready("False", "Creating"), kT0));
  EXPECT_TRUE(SetCondition(conditions, Ready("True", "Synced"), kT0 + 90s));
  EXPECT_EQ(conditions[0]["status"], "True");
  EXPECT_EQ(conditions[0]["lastTransitionTime"], "2026-12-03T19:01:30Z");
}

// Validates that a caller-set lastTransitionTime is used for a transition instead of `now`.
TEST(ConditionsTest, SetCondition_ExplicitTransitionTime_IsUsedOnTransition) {
  Json conditions = Json::array();
  Condition c = Ready("True", "Synced");
  c.last_transition_time = kT0 - 24h;
  ASSERT_TRUE(SetCondition(conditions, c, kT0));
  EXPECT_EQ(conditions[0]["lastTransitionTime"], "2026-12-02T19:00:00Z");
}

// Validates that a changed observedGeneration alone is a change and is written.
TEST(ConditionsTest, SetCondition_ObservedGenerationChanged_UpdatesIt) {
  Json conditions = Json::array();
  ASSERT_TRUE(SetCondition(conditions, Ready("True", "Synced", "msg", 1), kT0));
  EXPECT_TRUE(SetCondition(conditions, Ready("True", "Synced", "msg", 2), kT0 + 1min));
  EXPECT_EQ(conditions[0]["observedGeneration"], 2);
  EXPECT_EQ(conditions[0]["lastTransitionTime"], "2026-12-03T19:00:00Z");
}

// Validates that observedGeneration 0 is omitted, as metav1 serializes it.
TEST(ConditionsTest, SetCondition_ObservedGenerationZero_OmitsField) {
  Json conditions = Json::array();
  ASSERT_TRUE(SetCondition(conditions, Ready("True", "Synced", "msg", 3), kT0));
  EXPECT_TRUE(SetCondition(conditions, Ready("True", "Synced", "msg", 0), kT0));
  EXPECT_FALSE(conditions[0].contains("observedGeneration"));
  EXPECT_FALSE(SetCondition(conditions, Ready("True", "Synced", "msg", 0), kT0));
}

// Validates that setting an identical condition reports no change and edits nothing.
TEST(ConditionsTest, SetCondition_Identical_ReturnsFalse) {
  Json conditions = Json::array();
  ASSERT_TRUE(SetCondition(conditions, Ready("True", "Synced"), kT0));
  Json before = conditions;
  EXPECT_FALSE(SetCondition(conditions, Ready("True", "Synced"), kT0 + 5min));
  EXPECT_EQ(conditions, before);
}

// Validates that updating one condition keeps the order of all and their unknown fields.
TEST(ConditionsTest, SetCondition_UpdateInMiddle_KeepsOrderAndUnknownFields) {
  Json conditions = Json::array();
  for (const char* type : {"A", "Ready", "C"}) {
    Condition c = Ready("True", "Synced");
    c.type = type;
    ASSERT_TRUE(SetCondition(conditions, c, kT0));
  }
  conditions[1]["extra"] = "kept";
  EXPECT_TRUE(SetCondition(conditions, Ready("False", "Failed"), kT0 + 1s));
  ASSERT_EQ(conditions.size(), 3u);
  EXPECT_EQ(conditions[0]["type"], "A");
  EXPECT_EQ(conditions[1]["type"], "Ready");
  EXPECT_EQ(conditions[1]["extra"], "kept");
  EXPECT_EQ(conditions[2]["type"], "C");
}

// Validates that an existing entry without lastTransitionTime (refused by the schema) is
// repaired with `now` even when its status is unchanged.
TEST(ConditionsTest, SetCondition_ExistingWithoutTransitionTime_StampsNow) {
  Json conditions = Json::parse(
      R"([{"type": "Ready", "status": "True", "reason": "Synced", "message": "msg",
           "observedGeneration": 1}])");
  EXPECT_TRUE(SetCondition(conditions, Ready("True", "Synced"), kT0));
  EXPECT_EQ(conditions[0]["lastTransitionTime"], "2026-12-03T19:00:00Z");
}

// Validates that FindCondition reads every field and tolerates fields of the wrong type.
TEST(ConditionsTest, FindCondition_ReadsFieldsAndToleratesWrongTypes) {
  Json conditions = Json::parse(
      R"([{"type": "Synced", "status": 7},
          {"type": "Ready", "status": "False", "observedGeneration": 4, "reason": "Failed",
           "message": "boom", "lastTransitionTime": "2026-12-03T19:00:00Z"}])");
  auto ready = FindCondition(conditions, "Ready");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->observed_generation, 4);
  EXPECT_EQ(ready->reason, "Failed");
  EXPECT_EQ(ready->message, "boom");
  EXPECT_EQ(ready->last_transition_time, kT0);

  auto synced = FindCondition(conditions, "Synced");
  ASSERT_TRUE(synced.has_value());
  EXPECT_EQ(synced->status, "");
  EXPECT_FALSE(FindCondition(conditions, "Missing").has_value());
  EXPECT_FALSE(FindCondition(Json::object(), "Ready").has_value());
}

// Validates that IsConditionTrue is true only for a present condition with status "True".
TEST(ConditionsTest, IsConditionTrue_OnlyForStatusTrue) {
  Json conditions = Json::array();
  EXPECT_FALSE(IsConditionTrue(conditions, "Ready"));
  ASSERT_TRUE(SetCondition(conditions, Ready("Unknown", "Pending"), kT0));
  EXPECT_FALSE(IsConditionTrue(conditions, "Ready"));
  ASSERT_TRUE(SetCondition(conditions, Ready("True", "Synced"), kT0));
  EXPECT_TRUE(IsConditionTrue(conditions, "Ready"));
}

// Validates that RemoveCondition removes the type, keeps the rest in order and reports it.
TEST(ConditionsTest, RemoveCondition_RemovesOnlyThatType) {
  Json conditions = Json::parse(R"([{"type": "A"}, {"type": "Ready"}, {"type": "C"}])");
  EXPECT_TRUE(RemoveCondition(conditions, "Ready"));
  EXPECT_EQ(conditions, Json::parse(R"([{"type": "A"}, {"type": "C"}])"));
  EXPECT_FALSE(RemoveCondition(conditions, "Ready"));
  Json not_array = "x";
  EXPECT_FALSE(RemoveCondition(not_array, "Ready"));
}

// Validates the metav1.Time and metav1.MicroTime formats.
TEST(TimeFormatTest, Format_SecondsAndMicroseconds) {
  WallTime t = kT0 + 123456789ns;
  EXPECT_EQ(FormatRfc3339(t), "2026-12-03T19:00:00Z");
  EXPECT_EQ(FormatRfc3339Micros(t), "2026-12-03T19:00:00.123456Z");
  EXPECT_EQ(FormatRfc3339Micros(kT0), "2026-12-03T19:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339(WallTime{}), "1970-01-01T00:00:00Z");
}

// Validates that RFC 3339 parsing honours fractions and offsets and refuses malformed text.
TEST(TimeFormatTest, Parse_FractionsOffsetsAndErrors) {
  EXPECT_EQ(ParseRfc3339("2026-12-03T19:00:00Z"), kT0);
  EXPECT_EQ(ParseRfc3339("2026-12-03T21:30:00+02:30"), kT0);
  EXPECT_EQ(ParseRfc3339("2026-12-03T18:00:00-01:00"), kT0);
  auto micro = ParseRfc3339("2026-12-03T19:00:00.123456Z");
  ASSERT_TRUE(micro.has_value());
  EXPECT_EQ(*micro - kT0, std::chrono::microseconds(123456));
  for (const char* bad :
       {"", "2026-12-03", "2026-12-03T19:00:00", "2026-13-03T19:00:00Z", "2026-02-30T19:00:00Z",
        "2026-12-03T19:00:00.Z", "2026-12-03T19:00:00Zjunk"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace awio::runtime
