// Tests of the STS client's pure pieces and request building (src/aws/sts.h; spec
// inventory-and-remote-irsa §8.4), with a scripted transport instead of a server.
#include "aws/sts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/time.h"
#include "client_fake_transport.h"

namespace awio::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// The response example of the AssumeRoleWithWebIdentity API reference (facts, not code).
constexpr const char* kDocumentedResponse =
    R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
    <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2014-10-24T23:00:23Z</Expiration>
      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <SourceIdentity>SourceIdentityValue</SourceIdentity>
    <Provider>www.amazon.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)";

AssumeRoleWithWebIdentityInput SampleInput() {
  return {.role_arn = "arn:aws:iam::123456789012:role/workload",
          .role_session_name = "app-workload",
          .web_identity_token = SecretString("jwt-token")};
}

// Validates that the documented response is read into credentials, the assumed role and the
// identity-provider details.
TEST(StsTest, ParseResponse_DocumentedExample_ReadsEveryField) {
  auto output = ParseAssumeRoleWithWebIdentityResponse(kDocumentedResponse);
  ASSERT_TRUE(output.ok()) << output.error().message;
  EXPECT_EQ(output->credentials.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(output->credentials.secret_access_key.reveal(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  EXPECT_EQ(output->credentials.session_token.reveal(),
            "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE");
  EXPECT_EQ(output->credentials.expiration, base::ParseRfc3339("2014-10-24T23:00:23Z"));
  EXPECT_EQ(output->credentials.source, "web identity");
  EXPECT_EQ(output->assumed_role_arn,
            "arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1");
  EXPECT_EQ(output->assumed_role_id, "AROACLKWSDQRAOEXAMPLE:app1");
  EXPECT_EQ(output->subject_from_web_identity_token, "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A");
  EXPECT_EQ(output->audience, "client.5498841531868486423.1548@apps.example.com");
  EXPECT_EQ(output->provider, "www.amazon.com");
}

// Validates spec inventory-and-remote-irsa §8.4: a response without credentials and one lacking
// any of key id, secret, session token or expiration give the spec's two messages.
TEST(StsTest, ParseResponse_MissingOrIncompleteCredentials_GiveSpecMessages) {
  auto none = ParseAssumeRoleWithWebIdentityResponse(
      "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
      "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "STS response did not include credentials");

  for (const char* missing : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}) {
    std::string xml = kDocumentedResponse;
    const std::string open = std::string("<") + missing + ">";
    const auto start = xml.find(open);
    const auto end = xml.find(std::string("</") + missing + ">");
    xml.erase(start, end + open.size() + 1 - start);
    auto incomplete = ParseAssumeRoleWithWebIdentityResponse(xml);
    ASSERT_FALSE(incomplete.ok()) << missing;
    EXPECT_EQ(incomplete.error().message, "STS response included incomplete credentials")
        << missing;
  }

  auto garbage = ParseAssumeRoleWithWebIdentityResponse("not xml <");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, ErrorCode::kInternal);
}

// Validates the form body: fixed field order, every value percent-encoded, DurationSeconds only
// when a duration is set (spec §8.4 "only when sessionDuration > 0").
TEST(StsTest, Form_Input_IsEncodedInFixedOrder) {
  EXPECT_EQ(AssumeRoleWithWebIdentityForm(SampleInput()),
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fworkload"
            "&RoleSessionName=app-workload&WebIdentityToken=jwt-token");
  AssumeRoleWithWebIdentityInput with_duration = SampleInput();
  with_duration.duration = 1800s;
  with_duration.web_identity_token = SecretString("a.b+c/d=");
  EXPECT_EQ(AssumeRoleWithWebIdentityForm(with_duration),
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&DurationSeconds=1800"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fworkload"
            "&RoleSessionName=app-workload&WebIdentityToken=a.b%2Bc%2Fd%3D");
}

// Validates the request on the wire: an unsigned POST form to the regional endpoint of the
// partition, with no Authorization or X-Amz-* header.
TEST(StsTest, AssumeRole_Request_IsUnsignedFormPostToRegionalEndpoint) {
  test::FakeTransport fake;
  fake.PushResponse(200, kDocumentedResponse);
  auto client = StsClient::Create({.region = "cn-north-1", .transport = fake.transport()});
  ASSERT_TRUE(client.ok());
  auto output = client->AssumeRoleWithWebIdentity(SampleInput());
  ASSERT_TRUE(output.ok()) << output.error().message;

  ASSERT_EQ(fake.requests().size(), 1u);
  const HttpRequest request = fake.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://sts.cn-north-1.amazonaws.com.cn/");
  EXPECT_EQ(test::HeaderOf(request, "Content-Type"),
            "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(test::HeaderOf(request, "Authorization"), "<absent>");
  EXPECT_EQ(test::HeaderOf(request, "X-Amz-Date"), "<absent>");
  EXPECT_FALSE(request.allow_plain_http);
  EXPECT_THAT(request.body, HasSubstr("WebIdentityToken=jwt-token"));
}

// Validates that an STS error document becomes an error carrying the AWS code as reason, with
// neither the request id nor the web identity token in the message.
TEST(StsTest, AssumeRole_ErrorResponse_CarriesCodeWithoutRequestIdOrToken) {
  test::FakeTransport fake;
  fake.PushResponse(400,
                    "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                    "<Message>Token jwt-token is not valid</Message></Error>"
                    "<RequestId>8a1f-request</RequestId></ErrorResponse>");
  auto client = StsClient::Create({.region = "us-east-1", .transport = fake.transport()});
  ASSERT_TRUE(client.ok());
  AssumeRoleWithWebIdentityInput input = SampleInput();
  input.web_identity_token = SecretString("header.payload.signature");
  auto output = client->AssumeRoleWithWebIdentity(input);
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().reason, "InvalidIdentityToken");
  EXPECT_EQ(output.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(output.error().http_status, 400);
  EXPECT_THAT(output.error().message, HasSubstr("STS AssumeRoleWithWebIdentity: "
                                                "InvalidIdentityToken"));
  EXPECT_THAT(output.error().message, Not(HasSubstr("8a1f-request")));
  EXPECT_THAT(output.error().message, Not(HasSubstr("header.payload.signature")));
}

// Validates the standard retries: a 503 is sent again and the following success is returned;
// an AccessDenied is not retried.
TEST(StsTest, AssumeRole_TransientThenSuccess_IsRetried) {
  test::FakeTransport fake;
  fake.PushResponse(503, "");
  fake.PushResponse(200, kDocumentedResponse);
  auto client = StsClient::Create(
      {.region = "us-east-1", .transport = fake.transport(), .retry = test::NoWaitRetries()});
  ASSERT_TRUE(client.ok());
  EXPECT_TRUE(client->AssumeRoleWithWebIdentity(SampleInput()).ok());
  EXPECT_EQ(fake.requests().size(), 2u);

  test::FakeTransport denied;
  denied.PushResponse(403,
                      "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error>"
                      "</ErrorResponse>");
  auto denied_client = StsClient::Create(
      {.region = "us-east-1", .transport = denied.transport(), .retry = test::NoWaitRetries()});
  auto output = denied_client->AssumeRoleWithWebIdentity(SampleInput());
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(denied.requests().size(), 1u);
}

// Validates the checks made before calling: region, role ARN, session name, duration bounds.
TEST(StsTest, AssumeRole_InvalidInput_FailsWithoutCalling) {
  EXPECT_EQ(StsClient::Create({.region = ""}).error().code, ErrorCode::kInvalid);

  test::FakeTransport fake;
  auto client = StsClient::Create({.region = "us-east-1", .transport = fake.transport()});
  ASSERT_TRUE(client.ok());
  AssumeRoleWithWebIdentityInput no_role = SampleInput();
  no_role.role_arn.clear();
  EXPECT_EQ(client->AssumeRoleWithWebIdentity(no_role).error().code, ErrorCode::kInvalid);
  AssumeRoleWithWebIdentityInput too_short = SampleInput();
  too_short.duration = 14min;
  EXPECT_EQ(client->AssumeRoleWithWebIdentity(too_short).error().code, ErrorCode::kInvalid);
  AssumeRoleWithWebIdentityInput too_long = SampleInput();
  too_long.duration = 12h + 1s;
  EXPECT_EQ(client->AssumeRoleWithWebIdentity(too_long).error().code, ErrorCode::kInvalid);
  EXPECT_TRUE(fake.requests().empty());
}

// Validates spec inventory-and-remote-irsa §8.2 step 7: the account id is the fifth field.
TEST(StsTest, AccountIdFromArn_Arns_GiveFifthField) {
  EXPECT_EQ(AccountIdFromArn("arn:aws:sts::123456789012:assumed-role/workload/session"),
            "123456789012");
  EXPECT_EQ(AccountIdFromArn("arn:aws-cn:sts::999:assumed-role/x/y"), "999");
  EXPECT_EQ(AccountIdFromArn("arn:aws:sts::123456789012"), "");
  EXPECT_EQ(AccountIdFromArn("not-an-arn"), "");
  EXPECT_EQ(AccountIdFromArn(""), "");
}

}  // namespace
}  // namespace awio::aws
