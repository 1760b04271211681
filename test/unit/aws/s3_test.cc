// Tests of the S3 client's request building and response handling (src/aws/s3.h; spec
// config-controller §7.2-§7.4), with a scripted transport instead of a server.
#include "aws/s3.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "client_fake_transport.h"

namespace awio::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using namespace std::chrono_literals;

std::chrono::system_clock::time_point FixedTime() {
  return std::chrono::sys_days{std::chrono::year{2026} / 5 / 4} + 12h;
}

std::shared_ptr<CredentialsProvider> StaticKeys(std::string token = {}) {
  Credentials credentials;
  credentials.access_key_id = "AKIDEXAMPLE";
  credentials.secret_access_key = SecretString("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  credentials.session_token = SecretString(std::move(token));
  return std::make_shared<StaticCredentialsProvider>(credentials);
}

std::unique_ptr<S3Client> MakeClient(test::FakeTransport& fake,
                                     std::shared_ptr<CredentialsProvider> credentials = nullptr,
                                     S3EndpointOptions endpoint = {.region = "ap-northeast-1"}) {
  auto client = S3Client::Create({.endpoint = std::move(endpoint),
                                  .credentials = credentials ? credentials : StaticKeys(),
                                  .transport = fake.transport(),
                                  .retry = test::NoWaitRetries(),
                                  .clock = [] { return FixedTime(); }});
  EXPECT_TRUE(client.ok());
  return std::move(*client);
}

// Validates spec config-controller §7.2: HeadObject returns the content type and the user
// metadata the publisher compares, from a signed HEAD to the virtual-hosted regional URL.
TEST(S3Test, HeadObject_Success_ReturnsContentTypeAndMetadata) {
  test::FakeTransport fake;
  fake.PushResponse(200, "",
                    {{"content-type", "application/json"},
                     {"etag", "\"9b2cf535f27731c974343645a3985328\""},
                     {"content-length", "462"},
                     {"x-amz-meta-awio-publication-format", "self-hosted-oidc/v1"},
                     {"x-amz-meta-awio-object-digest", "sha256:0159"},
                     {"x-amz-request-id", "ignored"}});
  auto client = MakeClient(fake);
  auto info = client->HeadObject("awi-wlc-a-ap-northeast-1-c7c9fccd48", "keys.json");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->content_type, "application/json");
  EXPECT_EQ(info->etag, "\"9b2cf535f27731c974343645a3985328\"");
  EXPECT_EQ(info->content_length, 462u);
  EXPECT_EQ(info->metadata, (std::map<std::string, std::string>{
                                {"awio-object-digest", "sha256:0159"},
                                {"awio-publication-format", "self-hosted-oidc/v1"}}));

  ASSERT_EQ(fake.requests().size(), 1u);
  const HttpRequest request = fake.requests()[0];
  EXPECT_EQ(request.method, "HEAD");
  EXPECT_EQ(
      request.url,
      "https://awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com/keys.json");
  EXPECT_THAT(test::HeaderOf(request, "Authorization"),
              StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260504/ap-northeast-1/s3/"
                         "aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, "));
  EXPECT_EQ(test::HeaderOf(request, "x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(test::HeaderOf(request, "X-Amz-Date"), "20260504T120000Z");
}

// Validates spec config-controller §7.2/§7.4: a HEAD of a missing object (404 without a body) is
// kNotFound with reason NotFound, and the message names the object.
TEST(S3Test, HeadObject_Missing_IsNotFound) {
  test::FakeTransport fake;
  fake.PushResponse(404, "", {{"x-amz-request-id", "REQ123"}});
  auto info = MakeClient(fake)->HeadObject("issuer-bucket", "keys.json");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(info.error().reason, "NotFound");
  EXPECT_EQ(info.error().message,
            "S3 HeadObject s3://issuer-bucket/keys.json: NotFound: Not Found");
  EXPECT_EQ(fake.requests().size(), 1u);
}

// Validates spec config-controller §7.4 and ambiguity 1: a 403 on HEAD (no ListBucket
// permission) is an access refusal, not "missing".
TEST(S3Test, HeadObject_Forbidden_IsForbiddenNotMissing) {
  test::FakeTransport fake;
  fake.PushResponse(403, "");
  auto info = MakeClient(fake)->HeadObject("issuer-bucket", "keys.json");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(info.error().reason, "Forbidden");
}

// Validates the PutObject of spec config-controller §15.6: body, Content-Type and the three
// x-amz-meta-* headers are sent, and the payload hash signed is the body's SHA-256.
TEST(S3Test, PutObject_PublicationObject_SendsTypeMetadataAndBodyHash) {
  test::FakeTransport fake;
  fake.PushResponse(200, "");
  const std::string body = R"({"keys":[]})";
  const Status status = MakeClient(fake)->PutObject(
      {.bucket = "awi-wlc-a-ap-northeast-1-c7c9fccd48",
       .key = "keys.json",
       .body = body,
       .content_type = "application/json",
       .metadata = {{"awio-publication-format", "self-hosted-oidc/v1"},
                    {"awio-object-digest",
                     "sha256:015940ba4118874d8ac8f503f9d2a7f985eae1770b8737dcf8d09188b5518143"},
                    {"awio-object-set-digest",
                     "sha256:4fd69260418a5a01004a72db8eb39af5a5d08ebfe7f4d84357aaad25a719b08f"}}});
  ASSERT_TRUE(status.ok()) << status.error().message;

  ASSERT_EQ(fake.requests().size(), 1u);
  const HttpRequest request = fake.requests()[0];
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.body, body);
  EXPECT_EQ(test::HeaderOf(request, "Content-Type"), "application/json");
  EXPECT_EQ(test::HeaderOf(request, "x-amz-meta-awio-publication-format"), "self-hosted-oidc/v1");
  EXPECT_EQ(test::HeaderOf(request, "x-amz-meta-awio-object-digest"),
            "sha256:015940ba4118874d8ac8f503f9d2a7f985eae1770b8737dcf8d09188b5518143");
  EXPECT_EQ(test::HeaderOf(request, "x-amz-meta-awio-object-set-digest"),
            "sha256:4fd69260418a5a01004a72db8eb39af5a5d08ebfe7f4d84357aaad25a719b08f");
  EXPECT_EQ(test::HeaderOf(request, "x-amz-content-sha256"), base::Sha256Hex(body));
  EXPECT_THAT(test::HeaderOf(request, "Authorization"),
              HasSubstr("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;"
                        "x-amz-meta-awio-object-digest;x-amz-meta-awio-object-set-digest;"
                        "x-amz-meta-awio-publication-format, "));
}

// Validates that metadata S3 would reject or change (upper case names, non-ASCII values, CR/LF)
// fails before any call.
TEST(S3Test, PutObject_UnsendableMetadata_IsInvalidWithoutCalling) {
  test::FakeTransport fake;
  auto client = MakeClient(fake);
  for (const auto& metadata : std::vector<std::map<std::string, std::string>>{
           {{"Awio-Digest", "x"}},
           {{"awio digest", "x"}},
           {{"awio-digest", "caf\xC3\xA9"}},
           {{"awio-digest", "a\r\nInjected: 1"}},
           {{"awio-digest", std::string(kMaxS3UserMetadataBytes, 'x')}}}) {
    const Status status =
        client->PutObject({.bucket = "b-1", .key = "k", .body = "x", .metadata = metadata});
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kInvalid);
  }
  EXPECT_TRUE(fake.requests().empty());
}

// Validates that a session token is sent and signed, and that a 403 AccessDenied document is
// kForbidden with the AWS code as reason and no request id in the message.
TEST(S3Test, PutObject_AccessDenied_IsForbiddenWithoutRequestId) {
  test::FakeTransport fake;
  fake.PushResponse(403,
                    "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
                    "<RequestId>R3Q</RequestId><HostId>H0ST</HostId></Error>");
  const Status status = MakeClient(fake, StaticKeys("session-token-value"))
                            ->PutObject({.bucket = "b-1", .key = "k", .body = "x"});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(status.error().reason, "AccessDenied");
  EXPECT_EQ(status.error().message, "S3 PutObject s3://b-1/k: AccessDenied: Access Denied");
  EXPECT_THAT(status.error().message, Not(HasSubstr("session-token-value")));

  const HttpRequest request = fake.requests()[0];
  EXPECT_EQ(test::HeaderOf(request, "X-Amz-Security-Token"), "session-token-value");
  EXPECT_THAT(test::HeaderOf(request, "Authorization"), HasSubstr("x-amz-security-token"));
}

// Validates spec config-controller §7.1 retries: a 500 and a 503 SlowDown are retried (three
// attempts in all) and the last failure is returned.
TEST(S3Test, PutObject_ServerErrors_AreRetriedThreeTimes) {
  test::FakeTransport fake;
  fake.PushResponse(500, "<Error><Code>InternalError</Code><Message>try again</Message></Error>");
  fake.PushResponse(503, "<Error><Code>SlowDown</Code><Message>slow down</Message></Error>");
  const Status status = MakeClient(fake)->PutObject({.bucket = "b-1", .key = "k", .body = "x"});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kThrottled);
  EXPECT_EQ(fake.requests().size(), 3u);
}

// Validates spec config-controller §7.3: DeleteObject succeeds on 204, and a missing bucket is
// kNotFound with reason NoSuchBucket (which the publisher ignores).
TEST(S3Test, DeleteObject_Outcomes_MapToStatus) {
  test::FakeTransport ok;
  ok.PushResponse(204, "");
  EXPECT_TRUE(
      MakeClient(ok)->DeleteObject("issuer-bucket", ".well-known/openid-configuration").ok());
  EXPECT_EQ(ok.requests()[0].method, "DELETE");
  EXPECT_EQ(
      ok.requests()[0].url,
      "https://issuer-bucket.s3.ap-northeast-1.amazonaws.com/.well-known/openid-configuration");

  test::FakeTransport missing_bucket;
  missing_bucket.PushResponse(
      404,
      "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>"
      "<BucketName>issuer-bucket</BucketName></Error>");
  const Status status = MakeClient(missing_bucket)->DeleteObject("issuer-bucket", "keys.json");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(status.error().reason, "NoSuchBucket");
}

// Validates that the endpoint override and path style reach the request URL, and that plain
// http is allowed only when the client says so.
TEST(S3Test, Requests_EndpointOverride_UsePathStyleOnIpHosts) {
  test::FakeTransport fake;
  fake.PushResponse(204, "");
  auto client = S3Client::Create(
      {.endpoint = {.region = "us-east-1", .endpoint_override = "http://127.0.0.1:5000"},
       .allow_plain_http = true,
       .credentials = StaticKeys(),
       .transport = fake.transport()});
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->DeleteObject("bucket-a", "keys.json").ok());
  EXPECT_EQ(fake.requests()[0].url, "http://127.0.0.1:5000/bucket-a/keys.json");
  EXPECT_TRUE(fake.requests()[0].allow_plain_http);
}

// Validates that a credentials failure stops the call and is reported with the operation.
TEST(S3Test, Requests_CredentialsFailure_FailsWithoutCalling) {
  class FailingProvider : public CredentialsProvider {
   public:
    Result<Credentials> Retrieve() override {
      return MakeError(ErrorCode::kConfiguration, "web identity token file /t: No such file");
    }
  };
  test::FakeTransport fake;
  auto info = MakeClient(fake, std::make_shared<FailingProvider>())->HeadObject("b-1", "k");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::kConfiguration);
  EXPECT_EQ(info.error().message,
            "S3 HeadObject s3://b-1/k: web identity token file /t: No such file");
  EXPECT_TRUE(fake.requests().empty());

  EXPECT_EQ(S3Client::Create({.endpoint = {.region = "us-east-1"}}).error().code,
            ErrorCode::kConfiguration);
}

}  // namespace
}  // namespace awio::aws
