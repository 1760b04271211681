// Tests of the self-hosted issuer publisher (src/oidc/publisher.h; spec config-controller §7.2-
// §7.5, vectors §15.8): which objects a HEAD pass rewrites, the PUT it sends, how S3 failures are
// classified and worded, and the condition-message sanitisation. The real S3 client runs over a
// scripted transport that answers per method and object key.
#include "oidc/publisher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "aws/ack_objects.h"
#include "spec_vectors.h"

namespace awio::oidc {
namespace {

using test_vectors::kSpecKeyId;
using test_vectors::kSpecPublicKey;

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;

// sa.pub of spec config-controller §15.6.
constexpr char kBucket[] = "issuer-bucket";
constexpr char kRegion[] = "us-east-1";
const std::string kDiscovery(aws::kDiscoveryObjectKey);
const std::string kJwks(aws::kJwksObjectKey);

Publication TestPublication() {
  auto publication =
      RenderPublication("https://issuer.example.com", kSpecPublicKey, kSpecKeyId, "sa.pub");
  EXPECT_TRUE(publication.ok()) << publication.error().message;
  return *publication;
}

std::string S3Error(std::string_view code, std::string_view message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + std::string(code) +
         "</Code><Message>" + std::string(message) +
         "</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>";
}

// Answers S3 requests by "<METHOD> <key>" and records every request. Unscripted requests get a
// 200 without headers (for HEAD: an object with no content type and no metadata). Thread-safe.
class ScriptedS3 {
 public:
  void Answer(std::string method, std::string_view key, aws::HttpResponse response) {
    std::lock_guard lock(mutex_);
    answers_[method + " " + std::string(key)] = std::move(response);
  }
  // A HEAD answer of an object that is current for `publication`.
  void AnswerCurrent(const Publication& publication, const PublishedObject& object) {
    std::vector<aws::HttpHeader> headers = {{"content-type", object.content_type}};
    for (const auto& [name, value] : ObjectMetadata(object, publication.object_set_digest)) {
      headers.push_back({std::string(kUserMetadataHeaderPrefix) + name, value});
    }
    Answer("HEAD", object.key, {.status = 200, .headers = std::move(headers)});
  }

  aws::HttpTransport transport() {
    return [this](const aws::HttpRequest& request) -> Result<aws::HttpResponse> {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      auto found = answers_.find(request.method + " " + KeyOf(request.url));
      if (found == answers_.end()) return aws::HttpResponse{.status = 200};
      return found->second;
    };
  }

  // "<METHOD> <key>" of every request, in order.
  std::vector<std::string> Calls() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> calls;
    for (const auto& request : requests_)
      calls.push_back(request.method + " " + KeyOf(request.url));
    return calls;
  }
  std::vector<aws::HttpRequest> Requests(std::string_view method) const {
    std::lock_guard lock(mutex_);
    std::vector<aws::HttpRequest> matching;
    for (const auto& request : requests_) {
      if (request.method == method) matching.push_back(request);
    }
    return matching;
  }

 private:
  // The key of a virtual-hosted URL https://<bucket>.s3.<region>.amazonaws.com/<key>.
  static std::string KeyOf(const std::string& url) {
    const size_t host = url.find("://") + 3;
    return url.substr(url.find('/', host) + 1);
  }

  mutable std::mutex mutex_;
  std::map<std::string, aws::HttpResponse> answers_;
  std::vector<aws::HttpRequest> requests_;
};

std::shared_ptr<aws::CredentialsProvider> StaticKeys() {
  aws::Credentials credentials;
  credentials.access_key_id = "AKIDEXAMPLE";
  credentials.secret_access_key = aws::SecretString("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  return std::make_shared<aws::StaticCredentialsProvider>(credentials);
}

PublisherOptions Options(ScriptedS3& s3) {
  return {.region = kRegion,
          .credentials = StaticKeys(),
          .transport = s3.transport(),
          .retry = aws::RetryPolicy{.sleep = [](std::chrono::milliseconds) {}}};
}

std::unique_ptr<Publisher> MakePublisher(ScriptedS3& s3) {
  auto publisher = Publisher::Create(Options(s3));
  EXPECT_TRUE(publisher.ok()) << publisher.error().message;
  return std::move(*publisher);
}

std::string HeaderOf(const aws::HttpRequest& request, std::string_view name) {
  for (const auto& header : request.headers) {
    if (header.name.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size(); ++i) {
      same = same && std::tolower(static_cast<unsigned char>(header.name[i])) ==
                         std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return header.value;
  }
  return "<absent>";
}

// Validates spec §15.8: when both HEADs show the content type and all three metadata values, Ensure
// makes two HEAD calls (discovery first), no PUT, and reports nothing changed.
TEST(PublisherTest, Ensure_BothObjectsCurrent_HeadsOnlyAndReportsUnchanged) {
  ScriptedS3 s3;
  const Publication publication = TestPublication();
  s3.AnswerCurrent(publication, publication.objects[0]);
  s3.AnswerCurrent(publication, publication.objects[1]);

  auto result = MakePublisher(s3)->Ensure(kBucket, publication);

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(result->changed);
  EXPECT_THAT(s3.Calls(), ElementsAre("HEAD " + kDiscovery, "HEAD " + kJwks));
  ASSERT_EQ(result->objects.size(), 2u);
  EXPECT_EQ(result->objects[0].key, kDiscovery);
  EXPECT_EQ(result->objects[0].action, ObjectAction::kUnchanged);
  EXPECT_EQ(result->objects[1].action, ObjectAction::kUnchanged);
}

// One way a HEAD answer can differ from what is current (spec §7.2: content type and the three
// metadata values decide; the body is not inspected).
struct StaleCase {
  std::string name;
  std::string header;  // header of the current answer to replace
  std::string value;   // replacement; empty: the header is dropped
};
void PrintTo(const StaleCase& test_case, std::ostream* out) { *out << test_case.name; }

class PublisherStaleTest : public ::testing::TestWithParam<StaleCase> {};

// Validates spec §7.2 and §15.8: a JWKS object whose HEAD differs in content type or any metadata
// value is rewritten, alone, with one PUT, and the result says it was updated.
TEST_P(PublisherStaleTest, Ensure_JwksStale_PutsOnlyJwks) {
  ScriptedS3 s3;
  const Publication publication = TestPublication();
  s3.AnswerCurrent(publication, publication.objects[0]);
  std::vector<aws::HttpHeader> headers = {{"content-type", "application/json"}};
  for (const auto& [name, value] :
       ObjectMetadata(publication.objects[1], publication.object_set_digest)) {
    headers.push_back({std::string(kUserMetadataHeaderPrefix) + name, value});
  }
  std::vector<aws::HttpHeader> changed;
  for (auto& header : headers) {
    if (header.name != GetParam().header) {
      changed.push_back(header);
    } else if (!GetParam().value.empty()) {
      changed.push_back({header.name, GetParam().value});
    }
  }
  s3.Answer("HEAD", kJwks, {.status = 200, .headers = changed});

  auto result = MakePublisher(s3)->Ensure(kBucket, publication);

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->changed);
  EXPECT_THAT(s3.Calls(), ElementsAre("HEAD " + kDiscovery, "HEAD " + kJwks, "PUT " + kJwks));
  ASSERT_EQ(result->objects.size(), 2u);
  EXPECT_EQ(result->objects[0].action, ObjectAction::kUnchanged);
  EXPECT_EQ(result->objects[1].action, ObjectAction::kUpdated);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, PublisherStaleTest,
    ::testing::Values(
        StaleCase{"ContentTypeDiffers", "content-type", "application/octet-stream"},
        StaleCase{"FormatDiffers", "x-amz-meta-awio-publication-format", "self-hosted-oidc/v0"},
        StaleCase{"FormatMissing", "x-amz-meta-awio-publication-format", ""},
        StaleCase{"ObjectDigestDiffers", "x-amz-meta-awio-object-digest", "sha256:00"},
        StaleCase{"SetDigestDiffers", "x-amz-meta-awio-object-set-digest", "sha256:00"},
        StaleCase{"SetDigestMissing", "x-amz-meta-awio-object-set-digest", ""}),
    [](const auto& test_case) { return test_case.param.name; });

// Validates spec §15.8: with the JWKS HEAD carrying the content type but empty metadata, Ensure
// makes exactly one PUT, for keys.json, and reports a change.
TEST(PublisherTest, Ensure_JwksHeadHasEmptyMetadata_PutsOnlyJwks) {
  ScriptedS3 s3;
  const Publication publication = TestPublication();
  s3.AnswerCurrent(publication, publication.objects[0]);
  s3.Answer("HEAD", kJwks, {.status = 200, .headers = {{"content-type", "application/json"}}});

  auto result = MakePublisher(s3)->Ensure(kBucket, publication);

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->changed);
  ASSERT_EQ(s3.Requests("PUT").size(), 1u);
  EXPECT_THAT(s3.Requests("PUT")[0].url, EndsWith("/keys.json"));
}

// How S3 can say an object is missing on HEAD (spec §7.2: NotFound or NoSuchKey).
struct MissingCase {
  std::string name;
  aws::HttpResponse response;
};
void PrintTo(const MissingCase& test_case, std::ostream* out) { *out << test_case.name; }

class PublisherMissingTest : public ::testing::TestWithParam<MissingCase> {};

// Validates spec §7.2 and §15.8: when both HEADs say the object is missing, Ensure PUTs both to
// the bucket with their exact body, content type application/json and the three metadata values
// of the publication, and reports them created.
TEST_P(PublisherMissingTest, Ensure_BothMissing_PutsBothWithBodyTypeAndMetadata) {
  ScriptedS3 s3;
  const Publication publication = TestPublication();
  s3.Answer("HEAD", kDiscovery, GetParam().response);
  s3.Answer("HEAD", kJwks, GetParam().response);

  auto result = MakePublisher(s3)->Ensure(kBucket, publication);

  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->changed);
  EXPECT_THAT(s3.Calls(), ElementsAre("HEAD " + kDiscovery, "PUT " + kDiscovery, "HEAD " + kJwks,
                                      "PUT " + kJwks));
  const auto puts = s3.Requests("PUT");
  ASSERT_EQ(puts.size(), 2u);
  for (size_t i = 0; i < puts.size(); ++i) {
    const PublishedObject& object = publication.objects[i];
    EXPECT_EQ(puts[i].url, "https://issuer-bucket.s3.us-east-1.amazonaws.com/" + object.key);
    EXPECT_EQ(puts[i].body, object.body);
    EXPECT_FALSE(puts[i].body.empty());
    EXPECT_EQ(HeaderOf(puts[i], "Content-Type"), "application/json");
    EXPECT_EQ(HeaderOf(puts[i], "x-amz-meta-awio-publication-format"), "self-hosted-oidc/v1");
    EXPECT_EQ(HeaderOf(puts[i], "x-amz-meta-awio-object-digest"), object.digest);
    EXPECT_EQ(HeaderOf(puts[i], "x-amz-meta-awio-object-set-digest"),
              publication.object_set_digest);
    EXPECT_EQ(result->objects[i].action, ObjectAction::kCreated);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Variants, PublisherMissingTest,
    ::testing::Values(MissingCase{"NotFoundWithoutBody", {.status = 404}},
                      MissingCase{
                          "NoSuchKeyDocument",
                          {.status = 404,
                           .body = S3Error("NoSuchKey", "The specified key does not exist.")}}),
    [](const auto& test_case) { return test_case.param.name; });

// A HEAD failure that is not "missing" (spec §7.4: anything else, including 403, is a hard error).
struct HeadFailureCase {
  std::string name;
  aws::HttpResponse response;
  ErrorCode code;
  std::string message;
};
void PrintTo(const HeadFailureCase& test_case, std::ostream* out) { *out << test_case.name; }

class PublisherHeadFailureTest : public ::testing::TestWithParam<HeadFailureCase> {};

// Validates spec §7.2/§7.4: a HEAD failing with anything but NotFound/NoSuchKey fails Ensure with
// `head S3 object s3://<bucket>/<key>: <Code>: <Message>`, the category of the S3 error, and no
// PUT and no further HEAD.
TEST_P(PublisherHeadFailureTest, Ensure_HeadFails_ReturnsClassifiedErrorWithoutPut) {
  ScriptedS3 s3;
  s3.Answer("HEAD", kDiscovery, GetParam().response);

  auto result = MakePublisher(s3)->Ensure(kBucket, TestPublication());

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, GetParam().code);
  EXPECT_EQ(result.error().message, GetParam().message);
  EXPECT_TRUE(s3.Requests("PUT").empty());
  EXPECT_TRUE(s3.Requests("HEAD").size() >= 1u);
  for (const auto& call : s3.Calls()) EXPECT_EQ(call, "HEAD " + kDiscovery);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, PublisherHeadFailureTest,
    ::testing::Values(
        HeadFailureCase{"Forbidden",
                        {.status = 403},
                        ErrorCode::kForbidden,
                        "head S3 object s3://issuer-bucket/.well-known/openid-configuration: "
                        "Forbidden: Forbidden"},
        HeadFailureCase{"ServerError",
                        {.status = 500},
                        ErrorCode::kInternal,
                        "head S3 object s3://issuer-bucket/.well-known/openid-configuration: "
                        "InternalServerError: Internal Server Error"}),
    [](const auto& test_case) { return test_case.param.name; });

// Validates spec §7.2/§7.4: a failing PUT fails Ensure with `put S3 object s3://<bucket>/<key>:
// <Code>: <Message>` and its category, and the pass stops there (the JWKS is not touched).
TEST(PublisherTest, Ensure_PutFails_ReturnsPutErrorAndStops) {
  ScriptedS3 s3;
  s3.Answer("HEAD", kDiscovery, {.status = 404});
  s3.Answer("PUT", kDiscovery, {.status = 403, .body = S3Error("AccessDenied", "Access Denied")});

  auto result = MakePublisher(s3)->Ensure(kBucket, TestPublication());

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(result.error().reason, "AccessDenied");
  EXPECT_EQ(result.error().message,
            "put S3 object s3://issuer-bucket/.well-known/openid-configuration: AccessDenied: "
            "Access Denied");
  EXPECT_THAT(s3.Calls(), ElementsAre("HEAD " + kDiscovery, "PUT " + kDiscovery));
}

// A publication Ensure must refuse before any AWS call (spec §7.2 step 1).
struct InvalidCase {
  std::string name;
  std::string bucket;
  std::function<void(Publication&)> damage;
};
void PrintTo(const InvalidCase& test_case, std::ostream* out) { *out << test_case.name; }

class PublisherInvalidTest : public ::testing::TestWithParam<InvalidCase> {};

// Validates spec §7.2 step 1: an empty bucket, an empty set digest, no objects, or an object
// without key, content type or digest is kInvalid and makes no AWS call.
TEST_P(PublisherInvalidTest, Ensure_InvalidInput_FailsWithoutCalls) {
  ScriptedS3 s3;
  Publication publication = TestPublication();
  GetParam().damage(publication);

  auto result = MakePublisher(s3)->Ensure(GetParam().bucket, publication);

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
  EXPECT_TRUE(s3.Calls().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Variants, PublisherInvalidTest,
    ::testing::Values(
        InvalidCase{"EmptyBucket", "", [](Publication&) {}},
        InvalidCase{"EmptySetDigest", kBucket, [](Publication& p) { p.object_set_digest.clear(); }},
        InvalidCase{"NoObjects", kBucket, [](Publication& p) { p.objects.clear(); }},
        InvalidCase{"EmptyKey", kBucket, [](Publication& p) { p.objects[1].key.clear(); }},
        InvalidCase{"EmptyContentType", kBucket,
                    [](Publication& p) { p.objects[1].content_type.clear(); }},
        InvalidCase{"EmptyDigest", kBucket, [](Publication& p) { p.objects[1].digest.clear(); }}),
    [](const auto& test_case) { return test_case.param.name; });

// Validates spec §7.3 and §15.8: Delete issues exactly two DeleteObject calls on the bucket, for
// the discovery document and the JWKS.
TEST(PublisherTest, Delete_Success_DeletesBothObjects) {
  ScriptedS3 s3;
  s3.Answer("DELETE", kDiscovery, {.status = 204});
  s3.Answer("DELETE", kJwks, {.status = 204});

  auto deleted = MakePublisher(s3)->Delete(kBucket);

  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_THAT(s3.Calls(), ElementsAre("DELETE " + kDiscovery, "DELETE " + kJwks));
  for (const auto& request : s3.Requests("DELETE")) {
    EXPECT_THAT(request.url, ::testing::StartsWith("https://issuer-bucket.s3.us-east-1."));
  }
}

// Validates spec §7.3/§7.4: a missing bucket (NoSuchBucket) is not a deletion error.
TEST(PublisherTest, Delete_NoSuchBucket_Succeeds) {
  ScriptedS3 s3;
  const aws::HttpResponse missing{
      .status = 404, .body = S3Error("NoSuchBucket", "The specified bucket does not exist")};
  s3.Answer("DELETE", kDiscovery, missing);
  s3.Answer("DELETE", kJwks, missing);

  auto deleted = MakePublisher(s3)->Delete(kBucket);

  EXPECT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(s3.Requests("DELETE").size(), 2u);
}

// Validates spec §7.3/§7.4: any other DeleteObject failure is `delete S3 object
// s3://<bucket>/<key>: ...` with the S3 error's category.
TEST(PublisherTest, Delete_AccessDenied_ReturnsDeleteError) {
  ScriptedS3 s3;
  s3.Answer("DELETE", kJwks, {.status = 403, .body = S3Error("AccessDenied", "Access Denied")});

  auto deleted = MakePublisher(s3)->Delete(kBucket);

  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(deleted.error().message,
            "delete S3 object s3://issuer-bucket/keys.json: AccessDenied: Access Denied");
}

// Validates spec §7.3: an empty bucket name is an error and makes no call.
TEST(PublisherTest, Delete_EmptyBucket_IsInvalidWithoutCalls) {
  ScriptedS3 s3;

  auto deleted = MakePublisher(s3)->Delete("");

  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code, ErrorCode::kInvalid);
  EXPECT_TRUE(s3.Calls().empty());
}

// Validates spec §7.5: text after the API error's own "<Code>: <Message>" (transport detail such
// as request ids) is dropped, and the caller's prefixes are kept.
TEST(PublisherTest, SanitizedMessage_TrailingDetail_IsCutAfterApiError) {
  ScriptedS3 s3;
  s3.Answer("HEAD", kDiscovery, {.status = 403});
  auto result = MakePublisher(s3)->Ensure(kBucket, TestPublication());
  ASSERT_FALSE(result.ok());

  const std::string full = "publish self-hosted OIDC issuer objects: " + result.error().message +
                           ", RequestID: 4442587FB7D0A2F9";

  EXPECT_EQ(SanitizedPublisherMessage(full, result.error()),
            "publish self-hosted OIDC issuer objects: head S3 object "
            "s3://issuer-bucket/.well-known/openid-configuration: Forbidden: Forbidden");
}

// Validates spec §7.5: a message longer than 256 bytes keeps its first 253 bytes plus "...", also
// for failures that did not come from an AWS response.
TEST(PublisherTest, SanitizedMessage_LongText_IsCappedAt256Bytes) {
  const Error transport = MakeError(ErrorCode::kUnavailable, "connection refused");
  const std::string full = std::string(300, 'x');

  const std::string sanitized = SanitizedPublisherMessage(full, transport);

  EXPECT_EQ(sanitized.size(), 256u);
  EXPECT_EQ(sanitized, std::string(253, 'x') + "...");
}

// Validates spec §7.1: the cache creates one publisher per region and hands the same one out
// again, while another region gets its own.
TEST(PublisherCacheTest, ForRegion_SameRegion_ReturnsSamePublisher) {
  ScriptedS3 s3;
  PublisherCache cache(Options(s3));

  auto first = cache.ForRegion("ap-northeast-1");
  auto again = cache.ForRegion("ap-northeast-1");
  auto other = cache.ForRegion("eu-west-1");

  ASSERT_TRUE(first.ok() && again.ok() && other.ok());
  EXPECT_EQ(first->get(), again->get());
  EXPECT_NE(first->get(), other->get());
}

// Validates spec §7.1: a creation failure is wrapped `create S3 OIDC issuer publisher: ...`.
TEST(PublisherCacheTest, ForRegion_NoCredentials_FailsWithCreatePrefix) {
  PublisherCache cache(PublisherOptions{});

  auto publisher = cache.ForRegion("ap-northeast-1");

  ASSERT_FALSE(publisher.ok());
  EXPECT_THAT(publisher.error().message,
              ::testing::StartsWith("create S3 OIDC issuer publisher: "));
}

// Validates spec §7.1: the publisher addresses the region's virtual-hosted endpoint, or the
// endpoint override with path style when asked.
TEST(PublisherTest, Create_EndpointOverridePathStyle_AddressesOverride) {
  ScriptedS3 s3;
  PublisherOptions options = Options(s3);
  options.endpoint_override = "http://127.0.0.1:5000";
  options.force_path_style = true;
  options.allow_plain_http = true;
  auto publisher = Publisher::Create(std::move(options));
  ASSERT_TRUE(publisher.ok()) << publisher.error().message;

  ASSERT_TRUE((*publisher)->Delete(kBucket).ok());

  ASSERT_FALSE(s3.Requests("DELETE").empty());
  EXPECT_EQ(s3.Requests("DELETE")[0].url,
            "http://127.0.0.1:5000/issuer-bucket/.well-known/openid-configuration");
}

}  // namespace
}  // namespace awio::oidc
