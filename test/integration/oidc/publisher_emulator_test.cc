// Integration tests of the self-hosted issuer publisher (src/oidc/publisher.h; spec
// config-controller §7.2-§7.4) against the AWS emulator (moto): the objects it writes, byte for
// byte with their metadata, that a current publication writes nothing, that a tampered object is
// rewritten alone, Delete, and a bucket that does not exist. The publisher's requests go through
// the real libcurl transport, wrapped only to count them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "aws/ack_objects.h"
#include "aws/http.h"
#include "aws/s3.h"
#include "client_emulator.h"
#include "oidc/keys.h"
#include "oidc/publication.h"
#include "oidc/publisher.h"
#include "support/shared_environment.h"

namespace awio::oidc {
namespace {

using ::testing::ElementsAre;

const std::string kDiscovery(aws::kDiscoveryObjectKey);
const std::string kJwks(aws::kJwksObjectKey);

// Forwards to the real transport and records "<METHOD> <key>" of every request it carries.
class CountingTransport {
 public:
  aws::HttpTransport transport() {
    return [this](const aws::HttpRequest& request) {
      {
        std::lock_guard lock(mutex_);
        const size_t path = request.url.find('/', request.url.find("://") + 3);
        const size_t key = request.url.find('/', path + 1);  // path style: /<bucket>/<key>
        calls_.push_back(request.method + " " + request.url.substr(key + 1));
      }
      return real_(request);
    };
  }
  // The calls since the last Take().
  std::vector<std::string> Take() {
    std::lock_guard lock(mutex_);
    return std::exchange(calls_, {});
  }
  std::vector<std::string> Puts() {
    std::vector<std::string> puts;
    for (const auto& call : Take()) {
      if (call.starts_with("PUT ")) puts.push_back(call);
    }
    return puts;
  }

 private:
  const aws::HttpTransport real_ = aws::TransportOrDefault({});
  std::mutex mutex_;
  std::vector<std::string> calls_;
};

// The launcher's keys; the emulator accepts any key while its signature checks are off.
std::shared_ptr<aws::CredentialsProvider> LauncherKeys() {
  const auto& aws = awio::test::SharedEnvironment().aws();
  aws::Credentials credentials;
  credentials.access_key_id = aws.access_key_id;
  credentials.secret_access_key = aws::SecretString(aws.secret_access_key);
  credentials.source = "test";
  return std::make_shared<aws::StaticCredentialsProvider>(credentials);
}

std::unique_ptr<Publisher> EmulatorPublisher(CountingTransport& counting) {
  auto publisher = Publisher::Create({.region = aws::test::EmulatorRegion(),
                                      .endpoint_override = aws::test::EmulatorEndpoint(),
                                      .allow_plain_http = true,
                                      .credentials = LauncherKeys(),
                                      .transport = counting.transport()});
  EXPECT_TRUE(publisher.ok()) << publisher.error().message;
  return publisher.ok() ? std::move(*publisher) : nullptr;
}

// A publication for the bucket's issuer URL with a freshly generated signing key.
Publication IssuerPublication(const std::string& bucket) {
  auto key = GenerateSigningKey();
  EXPECT_TRUE(key.ok()) << key.error().message;
  auto publication = RenderPublication("https://" + bucket + ".s3.us-east-1.amazonaws.com",
                                       key->public_key_pem, key->key_id, "sa.pub");
  EXPECT_TRUE(publication.ok()) << publication.error().message;
  return *publication;
}

// What the emulator holds for one object, read with the launcher's own requests.
struct StoredObject {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};
StoredObject Stored(const std::string& bucket, const std::string& key) {
  const testenv::HttpResponse response =
      aws::test::EmulatorCall("s3", "GET", "/" + bucket + "/" + key);
  return {response.status, response.body, response.headers};
}

// Validates spec §7.2 against the emulator: the first Ensure creates both objects with the exact
// bodies, content type application/json and the three x-amz-meta values; a second Ensure only
// HEADs (no PUT) and reports nothing changed.
TEST(PublisherEmulatorTest, Ensure_FirstThenAgain_WritesOnceWithExactBytesAndMetadata) {
  const std::string bucket = aws::test::UniqueName("awio-pub-ensure");
  aws::test::CreateBucket(bucket);
  CountingTransport counting;
  auto publisher = EmulatorPublisher(counting);
  ASSERT_NE(publisher, nullptr);
  const Publication publication = IssuerPublication(bucket);

  auto first = publisher->Ensure(bucket, publication);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->changed);
  EXPECT_THAT(counting.Take(), ElementsAre("HEAD " + kDiscovery, "PUT " + kDiscovery,
                                           "HEAD " + kJwks, "PUT " + kJwks));
  for (const PublishedObject& object : publication.objects) {
    const StoredObject stored = Stored(bucket, object.key);
    ASSERT_EQ(stored.status, 200) << object.key << ": " << stored.body;
    EXPECT_EQ(stored.body, object.body) << object.key;
    EXPECT_EQ(stored.headers.at("content-type"), "application/json");
    EXPECT_EQ(stored.headers.at("x-amz-meta-awio-publication-format"), "self-hosted-oidc/v1");
    EXPECT_EQ(stored.headers.at("x-amz-meta-awio-object-digest"), object.digest);
    EXPECT_EQ(stored.headers.at("x-amz-meta-awio-object-set-digest"),
              publication.object_set_digest);
  }

  auto second = publisher->Ensure(bucket, publication);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->changed);
  EXPECT_THAT(counting.Take(), ElementsAre("HEAD " + kDiscovery, "HEAD " + kJwks));
}

// Validates spec §7.2 against the emulator: after the JWKS is overwritten directly (not through
// the publisher) with other bytes and none of the metadata, the next Ensure rewrites the JWKS only
// and restores its bytes.
TEST(PublisherEmulatorTest, Ensure_AfterJwksTampered_RewritesOnlyJwks) {
  const std::string bucket = aws::test::UniqueName("awio-pub-tamper");
  aws::test::CreateBucket(bucket);
  CountingTransport counting;
  auto publisher = EmulatorPublisher(counting);
  ASSERT_NE(publisher, nullptr);
  const Publication publication = IssuerPublication(bucket);
  ASSERT_TRUE(publisher->Ensure(bucket, publication).ok());
  counting.Take();

  auto direct =
      aws::S3Client::Create({.endpoint = {.region = aws::test::EmulatorRegion(),
                                          .endpoint_override = aws::test::EmulatorEndpoint()},
                             .allow_plain_http = true,
                             .credentials = LauncherKeys()});
  ASSERT_TRUE(direct.ok()) << direct.error().message;
  const Status tampered = (*direct)->PutObject({.bucket = bucket,
                                                .key = kJwks,
                                                .body = R"({"keys":[]})",
                                                .content_type = "application/json"});
  ASSERT_TRUE(tampered.ok()) << tampered.error().message;
  ASSERT_EQ(Stored(bucket, kJwks).body, R"({"keys":[]})");

  auto repaired = publisher->Ensure(bucket, publication);
  ASSERT_TRUE(repaired.ok()) << repaired.error().message;
  EXPECT_TRUE(repaired->changed);
  ASSERT_EQ(repaired->objects.size(), 2u);
  EXPECT_EQ(repaired->objects[0].action, ObjectAction::kUnchanged);
  EXPECT_EQ(repaired->objects[1].action, ObjectAction::kUpdated);
  EXPECT_THAT(counting.Puts(), ElementsAre("PUT " + kJwks));
  EXPECT_EQ(Stored(bucket, kJwks).body, publication.objects[1].body);
}

// Validates spec §7.3 against the emulator: Delete removes both objects, and deleting again (the
// objects already gone) still succeeds.
TEST(PublisherEmulatorTest, Delete_Published_RemovesBothObjects) {
  const std::string bucket = aws::test::UniqueName("awio-pub-delete");
  aws::test::CreateBucket(bucket);
  CountingTransport counting;
  auto publisher = EmulatorPublisher(counting);
  ASSERT_NE(publisher, nullptr);
  ASSERT_TRUE(publisher->Ensure(bucket, IssuerPublication(bucket)).ok());
  counting.Take();

  const Status deleted = publisher->Delete(bucket);
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_THAT(counting.Take(), ElementsAre("DELETE " + kDiscovery, "DELETE " + kJwks));
  EXPECT_EQ(Stored(bucket, kDiscovery).status, 404);
  EXPECT_EQ(Stored(bucket, kJwks).status, 404);

  const Status again = publisher->Delete(bucket);
  EXPECT_TRUE(again.ok()) << again.error().message;
}

// Validates spec §7.2-§7.4 against the emulator for a bucket that does not exist: the HEAD's bare
// 404 counts as a missing object, the PUT then fails with NoSuchBucket (a hard publish error,
// kNotFound, `put S3 object s3://<bucket>/<key>: NoSuchBucket: ...`), and Delete ignores the
// missing bucket.
TEST(PublisherEmulatorTest, MissingBucket_EnsureFailsOnPutAndDeleteSucceeds) {
  const std::string bucket = aws::test::UniqueName("awio-pub-absent");
  CountingTransport counting;
  auto publisher = EmulatorPublisher(counting);
  ASSERT_NE(publisher, nullptr);

  auto ensured = publisher->Ensure(bucket, IssuerPublication(bucket));
  ASSERT_FALSE(ensured.ok());
  EXPECT_EQ(ensured.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ensured.error().reason, "NoSuchBucket");
  EXPECT_THAT(ensured.error().message, ::testing::StartsWith("put S3 object s3://" + bucket + "/" +
                                                             kDiscovery + ": NoSuchBucket: "));
  EXPECT_THAT(counting.Take(), ElementsAre("HEAD " + kDiscovery, "PUT " + kDiscovery));
  EXPECT_EQ(
      SanitizedPublisherMessage(
          "publish self-hosted OIDC issuer objects: " + ensured.error().message, ensured.error()),
      "publish self-hosted OIDC issuer objects: " + ensured.error().message);

  const Status deleted = publisher->Delete(bucket);
  EXPECT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_THAT(counting.Take(), ElementsAre("DELETE " + kDiscovery, "DELETE " + kJwks));
}

}  // namespace
}  // namespace awio::oidc
