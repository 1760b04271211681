// Integration tests of the S3 client (src/aws/s3.h) against the AWS emulator: the publisher's
// three calls with their content type and metadata (spec config-controller §7.2-§7.4), the
// endpoint override in path style and virtual-hosted style (§7.1), and, with the emulator's
// signature checks on, that its independent SigV4 verifier accepts our signatures and that bad
// keys and missing permissions map to the access-denied category.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/aws_error.h"
#include "aws/s3.h"
#include "client_emulator.h"
#include "support/shared_environment.h"

namespace awio::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::shared_ptr<CredentialsProvider> Keys(const std::string& id, const std::string& secret) {
  Credentials credentials;
  credentials.access_key_id = id;
  credentials.secret_access_key = SecretString(secret);
  credentials.source = "test";
  return std::make_shared<StaticCredentialsProvider>(credentials);
}

std::unique_ptr<S3Client> ClientFor(std::shared_ptr<CredentialsProvider> credentials,
                                    std::string endpoint = {}, bool force_path_style = false) {
  auto client = S3Client::Create(
      {.endpoint = {.region = test::EmulatorRegion(),
                    .endpoint_override = endpoint.empty() ? test::EmulatorEndpoint() : endpoint,
                    .force_path_style = force_path_style},
       .allow_plain_http = true,
       .credentials = std::move(credentials)});
  EXPECT_TRUE(client.ok()) << client.error().message;
  return client.ok() ? std::move(*client) : nullptr;
}

// The launcher's keys; the emulator accepts any key while its signature checks are off.
std::unique_ptr<S3Client> DefaultClient() {
  const auto& aws = awio::test::SharedEnvironment().aws();
  return ClientFor(Keys(aws.access_key_id, aws.secret_access_key));
}

PutObjectInput PublicationObject(const std::string& bucket, const std::string& key) {
  return {.bucket = bucket,
          .key = key,
          .body = R"({"keys":[{"kty":"RSA","use":"sig","alg":"RS256"}]})",
          .content_type = "application/json",
          .metadata = {{"awio-publication-format", "self-hosted-oidc/v1"},
                       {"awio-object-digest", "sha256:0159"},
                       {"awio-object-set-digest", "sha256:4fd6"}}};
}

// Validates spec config-controller §7.2-§7.3 against the emulator: PutObject stores the content
// type and the three metadata values, HeadObject returns them (what "current" is decided on),
// DeleteObject removes the object, and a later HeadObject is NotFound.
TEST(S3ClientEmulatorTest, PutHeadDelete_PublicationObject_RoundTripsTypeAndMetadata) {
  const std::string bucket = test::UniqueName("awio-s3-roundtrip");
  test::CreateBucket(bucket);
  auto client = DefaultClient();
  ASSERT_NE(client, nullptr);

  const PutObjectInput object = PublicationObject(bucket, "keys.json");
  const Status put = client->PutObject(object);
  ASSERT_TRUE(put.ok()) << put.error().message;

  auto info = client->HeadObject(bucket, "keys.json");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->content_type, "application/json");
  EXPECT_EQ(info->metadata, object.metadata);
  EXPECT_EQ(info->content_length, object.body.size());
  EXPECT_FALSE(info->etag.empty());

  const Status deleted = client->DeleteObject(bucket, "keys.json");
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  auto gone = client->HeadObject(bucket, "keys.json");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(gone.error().reason, "NotFound");
}

// Validates spec config-controller §7.2 ("NotFound (HTTP 404 on HEAD) or NoSuchKey → missing")
// for an object that was never written, and §7.3 for a bucket that does not exist.
TEST(S3ClientEmulatorTest, MissingObjectAndBucket_AreNotFound) {
  const std::string bucket = test::UniqueName("awio-s3-missing");
  test::CreateBucket(bucket);
  auto client = DefaultClient();
  ASSERT_NE(client, nullptr);

  auto missing = client->HeadObject(bucket, ".well-known/openid-configuration");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_EQ(missing.error().message, "S3 HeadObject s3://" + bucket +
                                         "/.well-known/openid-configuration: NotFound: Not Found");

  const Status no_bucket = client->DeleteObject(test::UniqueName("awio-s3-absent"), "keys.json");
  ASSERT_FALSE(no_bucket.ok());
  EXPECT_EQ(no_bucket.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(no_bucket.error().reason, "NoSuchBucket");
}

// Validates the endpoint override of spec config-controller §7.1: with a host name the bucket is
// addressed virtual-hosted (http://<bucket>.localhost:<port>), and forced path style reaches the
// same object through the path; both see what the other wrote.
TEST(S3ClientEmulatorTest, EndpointOverride_VirtualHostedAndPathStyle_ReachTheSameObject) {
  const std::string bucket = test::UniqueName("awio-s3-addressing");
  test::CreateBucket(bucket);
  const auto& aws = awio::test::SharedEnvironment().aws();
  const std::string localhost = "http://localhost:" + test::EmulatorEndpoint().substr(
                                                          test::EmulatorEndpoint().rfind(':') + 1);

  auto virtual_hosted = ClientFor(Keys(aws.access_key_id, aws.secret_access_key), localhost);
  auto path_style = ClientFor(Keys(aws.access_key_id, aws.secret_access_key), localhost, true);
  ASSERT_NE(virtual_hosted, nullptr);
  ASSERT_NE(path_style, nullptr);

  const Status put =
      virtual_hosted->PutObject(PublicationObject(bucket, ".well-known/openid-configuration"));
  ASSERT_TRUE(put.ok()) << put.error().message;
  auto seen = path_style->HeadObject(bucket, ".well-known/openid-configuration");
  ASSERT_TRUE(seen.ok()) << seen.error().message;
  EXPECT_EQ(seen->metadata.at("awio-publication-format"), "self-hosted-oidc/v1");

  ASSERT_TRUE(path_style->DeleteObject(bucket, ".well-known/openid-configuration").ok());
  EXPECT_EQ(virtual_hosted->HeadObject(bucket, ".well-known/openid-configuration").error().code,
            ErrorCode::kNotFound);
}

// Validates our SigV4 against an independent verifier: with the emulator checking signatures and
// IAM policies, a user's real keys sign Put, Head and Delete of keys that need escaping, and the
// emulator accepts them.
TEST(S3ClientEmulatorTest, SignatureChecksOn_ValidKeys_AreAccepted) {
  const std::string bucket = test::UniqueName("awio-s3-signed");
  test::CreateBucket(bucket);
  const test::AccessKey key = test::CreateUserWithAccessKey(test::UniqueName("awio-writer"), true);
  ASSERT_FALSE(key.id.empty());
  auto client = ClientFor(Keys(key.id, key.secret));
  ASSERT_NE(client, nullptr);

  const test::EmulatorSignatureChecks checks;
  for (const std::string& object_key :
       {std::string(".well-known/openid-configuration"), std::string("keys.json"),
        std::string("dir/with space+plus$dollar=eq/caf\xC3\xA9.json")}) {
    const Status put = client->PutObject(PublicationObject(bucket, object_key));
    ASSERT_TRUE(put.ok()) << object_key << ": " << put.error().message;
    auto info = client->HeadObject(bucket, object_key);
    ASSERT_TRUE(info.ok()) << object_key << ": " << info.error().message;
    EXPECT_EQ(info->metadata.at("awio-object-digest"), "sha256:0159");
    const Status deleted = client->DeleteObject(bucket, object_key);
    EXPECT_TRUE(deleted.ok()) << object_key << ": " << deleted.error().message;
  }
}

// Validates the access-denied category (spec config-controller §7.4: a Put failure is a hard
// error) with the emulator's checks on: a wrong secret is SignatureDoesNotMatch and an unknown key
// InvalidAccessKeyId (kUnauthorized: credentials rejected), a user without permissions is
// AccessDenied (kForbidden); no message carries the secret or a request id.
TEST(S3ClientEmulatorTest, SignatureChecksOn_BadKeysAndMissingPermission_AreAccessDenied) {
  const std::string bucket = test::UniqueName("awio-s3-denied");
  test::CreateBucket(bucket);
  const test::AccessKey writer = test::CreateUserWithAccessKey(test::UniqueName("awio-w"), true);
  const test::AccessKey reader = test::CreateUserWithAccessKey(test::UniqueName("awio-n"), false);
  const std::string wrong_secret = "WRONG" + writer.secret.substr(5);

  const test::EmulatorSignatureChecks checks;
  struct Case {
    std::string name;
    std::shared_ptr<CredentialsProvider> credentials;
    std::string reason;
    ErrorCode code;
  };
  for (const Case& c :
       std::vector<Case>{{"wrong secret", Keys(writer.id, wrong_secret), "SignatureDoesNotMatch",
                          ErrorCode::kUnauthorized},
                         {"unknown key", Keys("AKIAUNKNOWNKEY000000", writer.secret),
                          "InvalidAccessKeyId", ErrorCode::kUnauthorized},
                         {"no permission", Keys(reader.id, reader.secret), "AccessDenied",
                          ErrorCode::kForbidden}}) {
    auto client = ClientFor(c.credentials);
    ASSERT_NE(client, nullptr);
    const Status put = client->PutObject(PublicationObject(bucket, "keys.json"));
    ASSERT_FALSE(put.ok()) << c.name;
    EXPECT_EQ(put.error().reason, c.reason) << c.name << ": " << put.error().message;
    EXPECT_EQ(put.error().code, c.code) << c.name;
    EXPECT_EQ(put.error().http_status, 403) << c.name;
    EXPECT_EQ(CategorizeAwsError({.http_status = 403, .code = put.error().reason}),
              AwsErrorCategory::kAccessDenied)
        << c.name;
    EXPECT_THAT(put.error().message, Not(HasSubstr(writer.secret))) << c.name;
    EXPECT_THAT(put.error().message, Not(HasSubstr("RequestId"))) << c.name;
  }
}

}  // namespace
}  // namespace awio::aws
