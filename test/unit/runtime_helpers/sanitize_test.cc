// Tests of SanitizeMessage (src/runtime/conditions.h): rotating AWS ids removed so that retries
// of one failure give the same bytes, length capped on a UTF-8 boundary with a marker, and
// invalid UTF-8 replaced.
#include <gtest/gtest.h>

#include <string>

#include "runtime/conditions.h"

namespace awio::runtime {
namespace {

struct IdCase {
  const char* name;
  const char* input;
  const char* expected;
};

const IdCase kIdCases[] = {
    {"sdk_v1_trailer",
     "AccessDenied: not authorized to perform iam:CreateRole\n\tstatus code: 403, request id: "
     "6a1f0c8e-2b0e-4b8f-9c3e-1d2f3a4b5c6d",
     "AccessDenied: not authorized to perform iam:CreateRole\n\tstatus code: 403"},
    {"sdk_v2_middle",
     "operation error IAM: GetRole, https response error StatusCode: 404, RequestID: "
     "0b6c1a4e-9d7f-4e2a-8f00-123456789abc, NoSuchEntity: The role x cannot be found.",
     "operation error IAM: GetRole, https response error StatusCode: 404, NoSuchEntity: The "
     "role x cannot be found."},
    {"request_id_colon_no_space", "Throttling: Rate exceeded RequestId:abc-123 retry later",
     "Throttling: Rate exceeded retry later"},
    {"leading", "RequestId: 11111111-2222-3333-4444-555555555555, AccessDenied", "AccessDenied"},
    {"parenthesised",
     "Forbidden (Service: S3, Status Code: 403, Request ID: 4442587FB7D0A2F9, Extended Request "
     "ID: dGhpcyBpcyBub3QgYSByZWFs/aWQ=)",
     "Forbidden (Service: S3, Status Code: 403)"},
    {"alone_in_brackets", "failed [RequestId: 0f0f-aa] now", "failed now"},
    {"s3_host_id", "AccessDenied: denied, HostId: Zm9vYmFy+YmF6/cXV4=", "AccessDenied: denied"},
    {"amz_header", "x-amz-request-id: 7A4D8C; upload failed", "upload failed"},
    {"equals_and_quotes", R"(error {"RequestId"="abc-def"} end)", R"(error {} end)"},
    {"not_an_id", "the request identifier is missing", "the request identifier is missing"},
    {"no_separator", "request id missing", "request id missing"},
    {"trims", "  \n plain message \t\n", "plain message"},
};

class SanitizeIdsTest : public ::testing::TestWithParam<IdCase> {};

// Validates that rotating request and host ids are removed with their separators.
TEST_P(SanitizeIdsTest, SanitizeMessage_RotatingIds_AreRemoved) {
  EXPECT_EQ(SanitizeMessage(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Cases, SanitizeIdsTest, ::testing::ValuesIn(kIdCases),
                         [](const auto& test_case) { return std::string(test_case.param.name); });

// Validates that two retries of one failure with different request ids sanitize to equal text.
TEST(SanitizeMessageTest, SanitizeMessage_RetriesWithNewRequestIds_AreEqual) {
  EXPECT_EQ(SanitizeMessage("LimitExceeded: too many roles, request id: "
                            "aaaaaaaa-0000-0000-0000-000000000001"),
            SanitizeMessage("LimitExceeded: too many roles, request id: "
                            "bbbbbbbb-0000-0000-0000-000000000002"));
}

// Validates that long text is cut to the limit, ends with the marker, and keeps its start.
TEST(SanitizeMessageTest, SanitizeMessage_LongText_IsCutWithMarker) {
  std::string long_text(5000, 'x');
  std::string out = SanitizeMessage(long_text);
  EXPECT_EQ(out.size(), kMaxConditionMessageBytes);
  EXPECT_TRUE(out.ends_with(kTruncationMarker));
  EXPECT_EQ(out.substr(0, 10), "xxxxxxxxxx");
  EXPECT_EQ(SanitizeMessage(std::string(kMaxConditionMessageBytes, 'y')).size(),
            kMaxConditionMessageBytes);
}

// Validates that the cut never splits a multi-byte character.
TEST(SanitizeMessageTest, SanitizeMessage_CutInsideCharacter_BacksOffToBoundary) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "\xE2\x82\xAC";  // U+20AC, 3 bytes
  for (std::size_t limit = 20; limit < 40; ++limit) {
    std::string out = SanitizeMessage(text, limit);
    ASSERT_LE(out.size(), limit);
    ASSERT_TRUE(out.ends_with(kTruncationMarker));
    std::string kept = out.substr(0, out.size() - kTruncationMarker.size());
    EXPECT_EQ(kept.size() % 3, 0u) << "limit " << limit;
    EXPECT_GT(kept.size() + 3, limit - kTruncationMarker.size()) << "limit " << limit;
  }
}

// Validates that a limit smaller than the marker still yields a bounded prefix.
TEST(SanitizeMessageTest, SanitizeMessage_TinyLimit_CutsWithoutMarker) {
  EXPECT_EQ(SanitizeMessage("abcdefghij", 4), "abcd");
}

// Validates that invalid UTF-8 is replaced by U+FFFD and valid text is untouched.
TEST(SanitizeMessageTest, SanitizeMessage_InvalidUtf8_IsReplaced) {
  EXPECT_EQ(SanitizeMessage("ok \xFF end"), "ok \xEF\xBF\xBD end");
  EXPECT_EQ(SanitizeMessage("cut \xE2\x82"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeMessage("overlong \xC0\xAF"), "overlong \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeMessage("surrogate \xED\xA0\x80"),
            "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(SanitizeMessage("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  // The result always encodes as JSON.
  EXPECT_NO_THROW((void)Json(SanitizeMessage("\x80\x81\xFE")).dump());
}

}  // namespace
}  // namespace awio::runtime
