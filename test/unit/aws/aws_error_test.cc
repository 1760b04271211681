// Tests of AWS error decoding, classification and condition-message sanitisation
// (src/aws/aws_error.h; spec config-controller §7.4 and §7.5).
#include "aws/aws_error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace awio::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

HttpResponse Response(long status, std::string body, std::vector<HttpHeader> headers = {}) {
  return HttpResponse{.status = status, .headers = std::move(headers), .body = std::move(body)};
}

// Validates that S3's XML error document is decoded and that its request id and host id are kept
// for debugging but never put into the error message (spec config-controller §7.5).
TEST(AwsErrorTest, Decode_S3XmlError_KeepsIdsOutOfMessage) {
  const HttpResponse response =
      Response(404,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
               "<Key>keys.json</Key><RequestId>4442587FB7D0A2F9</RequestId>"
               "<HostId>gE8xXC9ZRmS4Uq2vkL0m</HostId></Error>",
               {{"x-amz-request-id", "4442587FB7D0A2F9"}});
  const AwsApiError error = DecodeAwsError(response);
  EXPECT_EQ(error.code, "NoSuchKey");
  EXPECT_EQ(error.message, "The specified key does not exist.");
  EXPECT_EQ(error.request_id, "4442587FB7D0A2F9");
  EXPECT_EQ(error.host_id, "gE8xXC9ZRmS4Uq2vkL0m");
  EXPECT_EQ(CategorizeAwsError(error), AwsErrorCategory::kNotFound);

  const Error made = MakeAwsError("S3 HeadObject s3://b/keys.json", error, &response);
  EXPECT_EQ(made.code, ErrorCode::kNotFound);
  EXPECT_EQ(made.reason, "NoSuchKey");
  EXPECT_EQ(made.http_status, 404);
  EXPECT_EQ(made.message,
            "S3 HeadObject s3://b/keys.json: NoSuchKey: The specified key does not "
            "exist.");
  EXPECT_THAT(made.message, Not(HasSubstr("4442587FB7D0A2F9")));
  EXPECT_THAT(made.message, Not(HasSubstr("gE8xXC9ZRmS4Uq2vkL0m")));
}

// Validates that the query APIs' <ErrorResponse> (STS, IAM) is decoded, request id included.
TEST(AwsErrorTest, Decode_QueryApiErrorResponse_ReadsCodeMessageAndRequestId) {
  const AwsApiError error = DecodeAwsError(Response(
      400,
      "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
      "  <Error>\n    <Type>Sender</Type>\n    <Code>InvalidIdentityToken</Code>\n"
      "    <Message>Couldn't retrieve verification key from your identity provider</Message>\n"
      "  </Error>\n  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
      "</ErrorResponse>"));
  EXPECT_EQ(error.code, "InvalidIdentityToken");
  EXPECT_EQ(error.message, "Couldn't retrieve verification key from your identity provider");
  EXPECT_EQ(error.request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
  EXPECT_EQ(CategorizeAwsError(error), AwsErrorCategory::kInvalid);
  EXPECT_EQ(AwsErrorCode(error), ErrorCode::kInvalid);
}

// Validates the JSON protocols' `__type` ("namespace#Code") and the x-amzn-ErrorType header
// ("Code:uri") when the body has no type.
TEST(AwsErrorTest, Decode_JsonErrors_StripNamespaceAndSuffix) {
  const AwsApiError typed = DecodeAwsError(Response(
      400, R"({"__type":"com.amazon.coral.service#ExpiredTokenException","message":"expired"})"));
  EXPECT_EQ(typed.code, "ExpiredTokenException");
  EXPECT_EQ(typed.message, "expired");
  EXPECT_EQ(AwsErrorCode(typed), ErrorCode::kUnauthorized);

  const AwsApiError from_header = DecodeAwsError(
      Response(404, R"({"message":"No cluster found"})",
               {{"x-amzn-errortype", "ResourceNotFoundException:http://internal.amazon.com/"}}));
  EXPECT_EQ(from_header.code, "ResourceNotFoundException");
  EXPECT_EQ(from_header.message, "No cluster found");
  EXPECT_EQ(CategorizeAwsError(from_header), AwsErrorCategory::kNotFound);
}

// Validates that responses without an error document (every HEAD error, a proxy's HTML page)
// get the code and message AWS SDKs derive from the status (spec §7.2: "NotFound (HTTP 404 on
// HEAD)").
TEST(AwsErrorTest, Decode_NoErrorDocument_DerivesCodeFromStatus) {
  struct Case {
    long status;
    std::string body;
    std::string code;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {404, "", "NotFound", "Not Found"},
           {403, "", "Forbidden", "Forbidden"},
           {400, "", "BadRequest", "Bad Request"},
           {301, "", "MovedPermanently", "Moved Permanently"},
           {502, "<html><body>Bad gateway</body></html>", "BadGateway", "Bad Gateway"},
           {418, "not xml", "HTTP418", "HTTP 418"}}) {
    const AwsApiError error = DecodeAwsError(Response(c.status, c.body));
    EXPECT_EQ(error.code, c.code) << c.status;
    EXPECT_EQ(error.message, c.message) << c.status;
  }
}

struct CategoryCase {
  std::string code;
  int status;
  AwsErrorCategory category;
  ErrorCode error_code;
};

class AwsErrorCategoryTest : public ::testing::TestWithParam<CategoryCase> {};

// Validates the classification table: spec §7.4's "NotFound / NoSuchKey = missing", access
// refusals split into kForbidden (policy) and kUnauthorized (credentials), throttling, transient
// service failures and plain refusals.
TEST_P(AwsErrorCategoryTest, Categorize_CodeAndStatus_MapsToCategoryAndErrorCode) {
  const CategoryCase& c = GetParam();
  AwsApiError error{.http_status = c.status, .code = c.code, .message = "m"};
  EXPECT_EQ(CategorizeAwsError(error), c.category) << c.code;
  EXPECT_EQ(AwsErrorCode(error), c.error_code) << c.code;
}

INSTANTIATE_TEST_SUITE_P(
    Codes, AwsErrorCategoryTest,
    ::testing::Values(
        CategoryCase{"NoSuchKey", 404, AwsErrorCategory::kNotFound, ErrorCode::kNotFound},
        CategoryCase{"NotFound", 404, AwsErrorCategory::kNotFound, ErrorCode::kNotFound},
        CategoryCase{"NoSuchBucket", 404, AwsErrorCategory::kNotFound, ErrorCode::kNotFound},
        CategoryCase{"AccessDenied", 403, AwsErrorCategory::kAccessDenied, ErrorCode::kForbidden},
        CategoryCase{"Forbidden", 403, AwsErrorCategory::kAccessDenied, ErrorCode::kForbidden},
        CategoryCase{"SignatureDoesNotMatch", 403, AwsErrorCategory::kAccessDenied,
                     ErrorCode::kUnauthorized},
        CategoryCase{"InvalidAccessKeyId", 403, AwsErrorCategory::kAccessDenied,
                     ErrorCode::kUnauthorized},
        CategoryCase{"ExpiredToken", 400, AwsErrorCategory::kAccessDenied,
                     ErrorCode::kUnauthorized},
        CategoryCase{"SlowDown", 503, AwsErrorCategory::kThrottled, ErrorCode::kThrottled},
        CategoryCase{"Throttling", 400, AwsErrorCategory::kThrottled, ErrorCode::kThrottled},
        CategoryCase{"TooManyRequests", 429, AwsErrorCategory::kThrottled, ErrorCode::kThrottled},
        CategoryCase{"RequestTimeout", 400, AwsErrorCategory::kTransient, ErrorCode::kTimeout},
        CategoryCase{"InternalError", 500, AwsErrorCategory::kTransient, ErrorCode::kInternal},
        CategoryCase{"ServiceUnavailable", 503, AwsErrorCategory::kTransient,
                     ErrorCode::kUnavailable},
        CategoryCase{"IDPCommunicationError", 400, AwsErrorCategory::kTransient,
                     ErrorCode::kUnavailable},
        CategoryCase{"OperationAborted", 409, AwsErrorCategory::kInvalid, ErrorCode::kConflict},
        CategoryCase{"MalformedXML", 400, AwsErrorCategory::kInvalid, ErrorCode::kInvalid},
        CategoryCase{"InvalidIdentityToken", 400, AwsErrorCategory::kInvalid, ErrorCode::kInvalid}),
    [](const auto& case_info) { return case_info.param.code; });

// Validates that a Retry-After header in seconds reaches the error, and a date form is ignored.
TEST(AwsErrorTest, MakeAwsError_RetryAfterSeconds_IsCarried) {
  const HttpResponse seconds = Response(503, "", {{"retry-after", "7"}});
  EXPECT_EQ(MakeAwsError("op", DecodeAwsError(seconds), &seconds).retry_after,
            std::chrono::seconds(7));
  const HttpResponse date = Response(503, "", {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}});
  EXPECT_FALSE(MakeAwsError("op", DecodeAwsError(date), &date).retry_after.has_value());
}

// Validates which outcomes the standard retry loop tries again.
TEST(AwsErrorTest, IsRetryableOutcome_TransportAndServerFailures_AreRetried) {
  EXPECT_TRUE(IsRetryableOutcome(MakeError(ErrorCode::kUnavailable, "refused")));
  EXPECT_TRUE(IsRetryableOutcome(MakeError(ErrorCode::kTimeout, "timed out")));
  EXPECT_FALSE(IsRetryableOutcome(MakeError(ErrorCode::kConfiguration, "plain http")));
  EXPECT_TRUE(IsRetryableOutcome(Response(500, "")));
  EXPECT_TRUE(IsRetryableOutcome(Response(503, "")));
  EXPECT_TRUE(IsRetryableOutcome(Response(429, "")));
  EXPECT_TRUE(IsRetryableOutcome(
      Response(400, "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>")));
  EXPECT_TRUE(IsRetryableOutcome(
      Response(400, "<Error><Code>RequestTimeout</Code><Message>m</Message></Error>")));
  EXPECT_FALSE(IsRetryableOutcome(Response(200, "")));
  EXPECT_FALSE(IsRetryableOutcome(Response(404, "")));
  EXPECT_FALSE(IsRetryableOutcome(
      Response(403, "<Error><Code>AccessDenied</Code><Message>m</Message></Error>")));
}

// Validates spec config-controller §7.5 step 2: the text from the last occurrence of the API
// error's own text to the end is replaced by "<Code>: <Message>", so request ids that follow it
// disappear; when the text is absent, the canonical text alone is the message.
TEST(AwsErrorTest, Sanitize_ApiErrorText_ReplacesTailOrStandsAlone) {
  EXPECT_EQ(SanitizeAwsErrorText("put S3 object s3://b/k: AccessDenied: Access Denied, RequestID: "
                                 "ABC, HostID: XYZ",
                                 "AccessDenied: Access Denied"),
            "put S3 object s3://b/k: AccessDenied: Access Denied");
  EXPECT_EQ(SanitizeAwsErrorText("a: X: m, then X: m again (RequestID 1)", "X: m"),
            "a: X: m, then X: m");
  EXPECT_EQ(SanitizeAwsErrorText("wrapped differently", "AccessDenied: Access Denied"),
            "AccessDenied: Access Denied");
  EXPECT_EQ(SanitizeAwsErrorText("no api error here", ""), "no api error here");
}

// Validates spec config-controller §7.5 step 3: longer than 256 bytes keeps 253 and appends "...",
// and the cut never splits a UTF-8 sequence.
TEST(AwsErrorTest, Sanitize_LongText_IsCappedAt256Bytes) {
  const std::string long_text(300, 'x');
  const std::string capped = SanitizeAwsErrorText(long_text, "");
  EXPECT_EQ(capped.size(), 256u);
  EXPECT_EQ(capped, std::string(253, 'x') + "...");

  EXPECT_EQ(SanitizeAwsErrorText(std::string(256, 'y'), ""), std::string(256, 'y'));

  // 252 ASCII bytes, then a 3-byte character that would straddle byte 253.
  const std::string multibyte = std::string(252, 'z') + "\xE2\x82\xAC" + std::string(10, 'z');
  const std::string cut = SanitizeAwsErrorText(multibyte, "");
  EXPECT_EQ(cut, std::string(252, 'z') + "...");
}

}  // namespace
}  // namespace awio::aws
