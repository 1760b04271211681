// Integration tests of the config reconciler's SelfHostedIRSA issuer flow (spec
// config-controller.md §4.2-§4.6, §5, §6, §7, §8.5.1, §15.4-§15.6, §15.10, §16): the signing
// Secret (generated, adopted or replaced), the ACK Bucket, the S3 objects in the emulator byte
// for byte, the ACK OpenIDConnectProvider, drift repair, and the conditions each stage and each
// failure reports. The tests play ACK (status writes, the S3 bucket).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/encoding.h"
#include "controllers/ack_resources.h"
#include "kube/resource.h"
#include "oidc/keys.h"
#include "reconciler_fixture.h"

namespace awio::controllers::config::test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;

// §15.6: the public key of the spec's vectors and what it yields for wlc-a in ap-northeast-1.
constexpr char kSpecPublicKey[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA5XeGCu7wOvRR+GShz2Ir\n"
    "RzZdoqqOixQgTApSdZhvUQ/43kcHqGktilIjG7c9MNHc6NjoMx82FeZuxS8sZ436\n"
    "7QPnJ6rYBwxIq0nSH8O+sfZPpvsMAbohBlMvmTn4Kk86gbHWn/KAavvuDIrzBpZf\n"
    "2h/9VJ2RqjELQ8OYIBSeU3Tuhtpe7BdCJqyZGt1eGniCPoo1GgDSWCaYyMFlWEru\n"
    "aG25XQnw4p2YucTz11UlfXjfoBlc5Rfm26AaLukaBkxl2zqwjyLKgVEmonZJSa1c\n"
    "9f/J8gmgWfiFcict8tV0W/QzeNv9hjq4BU/26Ld1KOUhgKbRk3DjD29Gy0jAn6YS\n"
    "UQIDAQAB\n"
    "-----END PUBLIC KEY-----\n";
constexpr char kSpecKid[] = "JmzUd8RskjJMbRV3a2cbqUFjj84pRRqIHQvrvJmRMaQ";
constexpr char kSpecBucket[] = "awi-wlc-a-ap-northeast-1-c7c9fccd48";
constexpr char kSpecIssuer[] =
    "https://awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com";
constexpr char kSpecDiscovery[] =
    R"({"issuer":"https://awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com",)"
    R"("jwks_uri":"https://awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com/keys.json",)"
    R"("response_types_supported":["id_token"],"subject_types_supported":["public"],)"
    R"("id_token_signing_alg_values_supported":["RS256"]})";
constexpr char kSpecJwks[] =
    R"({"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"JmzUd8RskjJMbRV3a2cbqUFjj84pRRqIHQvrvJmRMaQ",)"
    R"("n":"5XeGCu7wOvRR-GShz2IrRzZdoqqOixQgTApSdZhvUQ_43kcHqGktilIjG7c9MNHc6NjoMx82FeZuxS8sZ4367QPnJ6rYBwxIq0nSH8O-)"
    R"(sfZPpvsMAbohBlMvmTn4Kk86gbHWn_KAavvuDIrzBpZf2h_9VJ2RqjELQ8OYIBSeU3Tuhtpe7BdCJqyZGt1eGniCPoo1GgDSWCaYyMFlWEru)"
    R"(aG25XQnw4p2YucTz11UlfXjfoBlc5Rfm26AaLukaBkxl2zqwjyLKgVEmonZJSa1c9f_J8gmgWfiFcict8tV0W_QzeNv9hjq4BU_26Ld1KOUh)"
    R"(gKbRk3DjD29Gy0jAn6YSUQ","e":"AQAB"}]})";
constexpr char kSpecDiscoveryDigest[] =
    "sha256:356d0707389621fce036f30b3b5b20d78097be5dbdd0e403e5af06dc7eda4597";
constexpr char kSpecJwksDigest[] =
    "sha256:015940ba4118874d8ac8f503f9d2a7f985eae1770b8737dcf8d09188b5518143";
constexpr char kSpecSetDigest[] =
    "sha256:4fd69260418a5a01004a72db8eb39af5a5d08ebfe7f4d84357aaad25a719b08f";

// The bucket policy of §4.5 for `bucket`.
std::string BucketPolicy(const std::string& bucket) {
  return R"({"Version":"2012-10-17","Statement":[{"Sid":"PublicReadOIDCDiscoveryOnly",)"
         R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::)" +
         bucket + R"(/.well-known/openid-configuration","arn:aws:s3:::)" + bucket +
         R"(/keys.json"]}]})";
}

// Hash tails and owner-ref labels of §3.2 for the namespaces below, written out.
constexpr char kPublishFailTail[] = "2c5280e2d2";
constexpr char kDriftTail[] = "9cd7191193";
constexpr char kDriftOwnerRef[] = "cr-sh-drift-default-2a9d51859f";

class SelfHostedIssuerTest : public ConfigReconcilerTest {};

// Validates §8.5.1 steps 1-7 and §15.10 (bucket not synced): the Bucket CR is applied,
// BucketReady, OIDCObjectsPublished, IAMProviderReady, IssuerReady and Ready report the
// literal waiting reasons, a previous publication is cleared while oidcProviderARN is kept
// (§16.4), no OpenIDConnectProvider is applied, ackResources holds only the Bucket, and S3 is
// not called at all, so neither object exists in the (already created) bucket.
TEST_F(SelfHostedIssuerTest, Reconcile_BucketNotSynced_WaitsForAckAndPublishesNothing) {
  const std::string ns = "cr-sh-unsynced";
  const std::string bucket = "awi-cr-sh-unsynced-us-east-1-c14e939a72";
  Prepare(ns);
  StartSelfHostedConfig(ns);
  CreateEmulatorBucket(bucket, kRegion);
  const std::string previous_arn = "arn:aws:iam::123456789012:oidc-provider/previous.example.test";
  PatchConfigStatus(ns, {{"selfHostedIssuer",
                          {{"bucketName", bucket},
                           {"publication",
                            {{"bucketName", bucket},
                             {"issuerURL", "https://previous.example.test"},
                             {"signingKeyID", "previous-key"},
                             {"objectSetDigest", "sha256:" + std::string(64, 'a')}}}}},
                         {"oidcProviderARN", previous_arn}});

  const auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 30s);  // the new Deployment is not Available yet
  const Json config = GetConfig(ns);
  EXPECT_EQ(config["status"]["selfHostedIssuer"], (Json{{"bucketName", bucket}}));
  EXPECT_EQ(config["status"]["issuerHostPath"], bucket + ".s3.us-east-1.amazonaws.com");
  EXPECT_EQ(config["status"]["oidcProviderARN"], previous_arn);
  EXPECT_EQ(config["status"]["resolvedClusterName"], ns + "/" + ns);
  EXPECT_EQ(config["status"]["ackResources"],
            Json::array({{{"apiVersion", "s3.services.k8s.aws/v1alpha1"},
                          {"kind", "Bucket"},
                          {"namespace", ns},
                          {"name", bucket}}}));
  EXPECT_EQ(Condition(config, "BucketReady"),
            "False/ACKResourceNotSynced: waiting for ACK S3 Bucket sync");
  EXPECT_EQ(Condition(config, "OIDCObjectsPublished"),
            "False/WaitingForACK: waiting for ACK S3 Bucket sync before publishing OIDC objects");
  EXPECT_EQ(Condition(config, "IAMProviderReady"),
            "False/WaitingForACK: waiting for OIDC discovery objects before reconciling IAM "
            "OpenIDConnectProvider");
  EXPECT_EQ(Condition(config, "IssuerReady"), "False/WaitingForACK: waiting for ACK resources");
  EXPECT_EQ(Condition(config, "Ready"), "False/WaitingForACK: waiting for ACK resources");
  EXPECT_FALSE(Fetch(*hub_, kAckBucketResource, ns, bucket).is_null());
  EXPECT_THAT((*hub_->List(kAckOidcProviderResource, ns))["items"], IsEmpty());
  EXPECT_THAT(s3_calls_->Take(), IsEmpty());
  EXPECT_EQ(GetS3Object(bucket, kDiscoveryKey).status, 404);
  EXPECT_EQ(GetS3Object(bucket, kJwksKey).status, 404);
  EXPECT_THAT(
      Events(ns),
      Contains(AllOf(
          Field(&SeenEvent::reason, "ACKResourceWaiting"),
          Field(&SeenEvent::note, "IssuerReady transitioned to False with reason WaitingForACK"))));
}

// Validates §4.2-§4.5, §5.1 (adoption), §6 and the vectors of §15.3-§15.6 for the spec's own
// fixture (workload namespace wlc-a, region ap-northeast-1, a pre-created Secret holding the
// §15.6 public key): the Bucket CR is exactly §15.4, the two S3 objects are exactly the §15.6
// bodies with content type application/json and the three digest metadata values, the
// publication status is exactly §15.6, the OpenIDConnectProvider is §15.5 without thumbprints,
// and the adopted Secret keeps its bytes, labels and annotations while gaining the config labels,
// the owner reference and the kid annotation.
TEST_F(SelfHostedIssuerTest, Reconcile_SpecFixture_PublishesTheSpecVectors) {
  const std::string ns = "wlc-a";
  const std::string owner_ref = "wlc-a-default-d861c72129";
  Prepare(ns);
  auto unrelated = oidc::GenerateSigningKey();  // sa.key is never parsed (§5.1)
  ASSERT_TRUE(unrelated.ok());
  const std::string private_pem = unrelated->private_key_pem;
  Create(*hub_, kube::resources::kSecrets, ns,
         {{"metadata",
           {{"name", kSigningSecretName},
            {"namespace", ns},
            {"labels", {{"example.com/owner", "platform"}}},
            {"annotations", {{"example.com/note", "pre-created"}}}}},
          {"type", "Opaque"},
          {"data",
           {{"sa.key", base::Base64Encode(private_pem)},
            {"sa.pub", base::Base64Encode(kSpecPublicKey)}}}});
  const std::string uid = Uid(StartSelfHostedConfig(ns, "ap-northeast-1"));

  ReconcileOk(ns);  // the Bucket CR, not synced yet

  const Json bucket_cr = Fetch(*hub_, kAckBucketResource, ns, kSpecBucket);
  ASSERT_FALSE(bucket_cr.is_null());
  EXPECT_EQ(bucket_cr["metadata"]["labels"], ConfigLabels(uid, owner_ref));
  EXPECT_EQ(bucket_cr["metadata"]["ownerReferences"], OwnerReferences(uid));
  EXPECT_EQ(bucket_cr["spec"], (Json{{"name", kSpecBucket},
                                     {"objectOwnership", "BucketOwnerEnforced"},
                                     {"policy", BucketPolicy(kSpecBucket)},
                                     {"publicAccessBlock",
                                      {{"blockPublicACLs", true},
                                       {"blockPublicPolicy", false},
                                       {"ignorePublicACLs", true},
                                       {"restrictPublicBuckets", false}}},
                                     {"tagging", {{"tagSet", ConfigTags(uid, owner_ref)}}}}));

  SyncBucket(ns, kSpecBucket, "ap-northeast-1");
  ReconcileOk(ns);

  S3Object discovery = GetS3Object(kSpecBucket, kDiscoveryKey);
  EXPECT_EQ(discovery.status, 200);
  EXPECT_EQ(discovery.body, kSpecDiscovery);
  EXPECT_EQ(discovery.body.size(), 314u);
  EXPECT_EQ(discovery.headers["content-type"], "application/json");
  EXPECT_EQ(discovery.headers["x-amz-meta-awio-publication-format"], "self-hosted-oidc/v1");
  EXPECT_EQ(discovery.headers["x-amz-meta-awio-object-digest"], kSpecDiscoveryDigest);
  EXPECT_EQ(discovery.headers["x-amz-meta-awio-object-set-digest"], kSpecSetDigest);
  S3Object jwks = GetS3Object(kSpecBucket, kJwksKey);
  EXPECT_EQ(jwks.status, 200);
  EXPECT_EQ(jwks.body, kSpecJwks);
  EXPECT_EQ(jwks.body.size(), 462u);
  EXPECT_EQ(jwks.headers["content-type"], "application/json");
  EXPECT_EQ(jwks.headers["x-amz-meta-awio-publication-format"], "self-hosted-oidc/v1");
  EXPECT_EQ(jwks.headers["x-amz-meta-awio-object-digest"], kSpecJwksDigest);
  EXPECT_EQ(jwks.headers["x-amz-meta-awio-object-set-digest"], kSpecSetDigest);

  const Json config = GetConfig(ns);
  EXPECT_EQ(config["status"]["selfHostedIssuer"], (Json{{"bucketName", kSpecBucket},
                                                        {"publication",
                                                         {{"bucketName", kSpecBucket},
                                                          {"issuerURL", kSpecIssuer},
                                                          {"signingKeyID", kSpecKid},
                                                          {"objectSetDigest", kSpecSetDigest}}}}));
  EXPECT_EQ(config["status"]["issuerHostPath"],
            "awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com");
  EXPECT_EQ(Condition(config, "BucketReady"), "True/ACKResourceSynced: S3 Bucket is synced by ACK");
  EXPECT_EQ(Condition(config, "OIDCObjectsPublished"),
            "True/OIDCObjectsPublished: self-hosted OIDC discovery and JWKS objects are published");
  EXPECT_EQ(Condition(config, "IAMProviderReady"),
            "False/ACKResourceNotSynced: waiting for ACK IAM OpenIDConnectProvider sync");
  EXPECT_EQ(config["status"]["ackResources"],
            Json::array({{{"apiVersion", "s3.services.k8s.aws/v1alpha1"},
                          {"kind", "Bucket"},
                          {"namespace", ns},
                          {"name", kSpecBucket},
                          {"conditions",
                           {{{"type", "ACK.ResourceSynced"},
                             {"status", "True"},
                             {"lastTransitionTime", "2026-01-01T00:00:00Z"},
                             {"message", "Resource synced successfully"}}}}},
                         {{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
                          {"kind", "OpenIDConnectProvider"},
                          {"namespace", ns},
                          {"name", "awi-oidc-wlc-a"}}}));

  const Json provider = Fetch(*hub_, kAckOidcProviderResource, ns, "awi-oidc-wlc-a");
  ASSERT_FALSE(provider.is_null());
  EXPECT_EQ(provider["metadata"]["labels"], ConfigLabels(uid, owner_ref));
  EXPECT_EQ(provider["metadata"]["ownerReferences"], OwnerReferences(uid));
  EXPECT_EQ(provider["spec"], (Json{{"url", kSpecIssuer},
                                    {"clientIDs", {"sts.amazonaws.com"}},
                                    {"tags", ConfigTags(uid, owner_ref)}}));

  const Json secret = Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName);
  ASSERT_FALSE(secret.is_null());
  EXPECT_EQ(SecretData(secret, "sa.pub"), kSpecPublicKey);
  EXPECT_EQ(SecretData(secret, "sa.key"), private_pem);
  EXPECT_EQ(secret["type"], "Opaque");
  Json labels = ConfigLabels(uid, owner_ref);
  labels["example.com/owner"] = "platform";
  EXPECT_EQ(secret["metadata"]["labels"], labels);
  EXPECT_EQ(secret["metadata"]["annotations"],
            (Json{{"example.com/note", "pre-created"},
                  {"aws.identity.appthrust.io/signing-key-id", kSpecKid}}));
  EXPECT_EQ(secret["metadata"]["ownerReferences"], OwnerReferences(uid));
}

// Validates §8.5.1 step 8 and step 12, §7.4, §7.5, §16.5 and §15.11 ("Ensure fails"): the
// Bucket CR reports synced but the bucket does not exist in S3, so the PUT fails for real with
// NoSuchBucket. The pass returns the error; OIDCObjectsPublished, IssuerReady and Ready are
// False/OIDCObjectsPublishFailed with the sanitized "<prefixes>: <Code>: <Message>" text; the
// previous publication is kept; ackResources holds only the Bucket; the runtime flow still ran;
// and, because step 12 applies to every failure of steps 3-10, an IAMProviderReady condition
// left from an older generation becomes False/IssuerReconcileFailed instead of staying True.
// BUG R-1: the publish failure returns before the step 12 failure handling, so the stale
// IAMProviderReady=True survives (see the report for the proposed fix).
TEST_F(SelfHostedIssuerTest, Reconcile_PublishFails_ReportsPublishFailureAndFailsStaleConditions) {
  const std::string ns = "cr-sh-publish-fail";
  const std::string bucket = "awi-cr-sh-publish-fail-us-east-1-" + std::string(kPublishFailTail);
  Prepare(ns);
  StartSelfHostedConfig(ns);
  ReconcileOk(ns);
  const Json previous = {{"bucketName", bucket},
                         {"issuerURL", "https://previous.example.test"},
                         {"signingKeyID", "previous-key"},
                         {"objectSetDigest", "sha256:" + std::string(64, 'b')}};
  PatchConfigStatus(ns,
                    {{"selfHostedIssuer", {{"bucketName", bucket}, {"publication", previous}}},
                     {"ackResources", Json::array({{{"apiVersion", "s3.services.k8s.aws/v1alpha1"},
                                                    {"kind", "Bucket"},
                                                    {"namespace", ns},
                                                    {"name", bucket}},
                                                   {{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
                                                    {"kind", "OpenIDConnectProvider"},
                                                    {"namespace", ns},
                                                    {"name", "awi-oidc-cr-sh-publish-fail"}}})},
                     {"conditions",
                      {{{"type", "IAMProviderReady"},
                        {"status", "True"},
                        {"reason", "ACKResourceSynced"},
                        {"message", "IAM OpenIDConnectProvider is synced by ACK"},
                        {"observedGeneration", 0},
                        {"lastTransitionTime", "2026-01-01T00:00:00Z"}}}}});
  SetAckStatus(kAckBucketResource, ns, bucket, true);  // ACK says synced; S3 has no bucket

  const auto result = Reconcile(ns);

  ASSERT_FALSE(result.ok());
  EXPECT_THAT(
      result.error().message,
      HasSubstr("publish self-hosted OIDC issuer objects: put S3 object s3://" + bucket + "/"));
  const Json config = GetConfig(ns);
  const Json published = ConditionEntry(config, "OIDCObjectsPublished");
  const std::string message = published.value("message", "");
  EXPECT_EQ(published.value("status", ""), "False");
  EXPECT_EQ(published.value("reason", ""), "OIDCObjectsPublishFailed");
  EXPECT_THAT(message, StartsWith("publish self-hosted OIDC issuer objects: put S3 object s3://" +
                                  bucket + "/"));
  EXPECT_THAT(message, ::testing::EndsWith(": NoSuchBucket: The specified bucket does not exist"));
  EXPECT_LE(message.size(), 256u);
  EXPECT_EQ(Condition(config, "IssuerReady"), "False/OIDCObjectsPublishFailed: " + message);
  EXPECT_EQ(Condition(config, "Ready"), "False/OIDCObjectsPublishFailed: " + message);
  EXPECT_EQ(Condition(config, "BucketReady"), "True/ACKResourceSynced: S3 Bucket is synced by ACK");
  EXPECT_EQ(config["status"]["selfHostedIssuer"]["publication"], previous);
  ASSERT_EQ(config["status"]["ackResources"].size(), 1u);
  EXPECT_EQ(config["status"]["ackResources"][0]["kind"], "Bucket");
  EXPECT_EQ(config["status"]["webhookRuntimeNamespace"], WebhookNamespace(ns));
  EXPECT_EQ(ConditionEntry(config, "WebhookRuntimeReady").value("reason", ""),
            "WebhookDeploymentObservedGenerationLag");
  EXPECT_THAT(Events(ns), Contains(AllOf(Field(&SeenEvent::type, "Warning"),
                                         Field(&SeenEvent::reason, "OIDCObjectsPublishFailed"))));
  // Step 12: IAMProviderReady was not written for this generation.
  EXPECT_EQ(Condition(config, "IAMProviderReady"), "False/IssuerReconcileFailed: " + message);
}

// Validates §4.3, §4.4 and §16.6: the operator owns the Bucket and OpenIDConnectProvider
// wholesale, so labels someone added are dropped and spec edits are reverted on the next pass,
// except the provider's thumbprints, which ACK late-initializes and which are carried over; the
// pass after that writes neither object again.
TEST_F(SelfHostedIssuerTest, Reconcile_DriftedAckChildren_AreRestored) {
  const std::string ns = "cr-sh-drift";
  const std::string bucket = "awi-cr-sh-drift-us-east-1-" + std::string(kDriftTail);
  const std::string provider_name = "awi-oidc-cr-sh-drift";
  Prepare(ns);
  const std::string uid = Uid(StartSelfHostedConfig(ns));
  ReconcileOk(ns);
  SyncBucket(ns, bucket);
  ReconcileOk(ns);
  const Json bucket_spec = Fetch(*hub_, kAckBucketResource, ns, bucket)["spec"];
  const Json provider_spec = Fetch(*hub_, kAckOidcProviderResource, ns, provider_name)["spec"];
  const std::vector<std::string> thumbprints = {"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"};
  MergePatch(*hub_, kAckBucketResource, ns, bucket,
             {{"metadata", {{"labels", {{"example.com/extra", "x"}}}}},
              {"spec", {{"objectOwnership", "ObjectWriter"}}}});
  MergePatch(*hub_, kAckOidcProviderResource, ns, provider_name,
             {{"metadata", {{"labels", {{"example.com/extra", "x"}}}}},
              {"spec", {{"clientIDs", {"other-audience"}}, {"thumbprints", thumbprints}}}});

  ReconcileOk(ns);

  const Json restored_bucket = Fetch(*hub_, kAckBucketResource, ns, bucket);
  EXPECT_EQ(restored_bucket["metadata"]["labels"], ConfigLabels(uid, kDriftOwnerRef));
  EXPECT_EQ(restored_bucket["spec"], bucket_spec);
  const Json restored_provider = Fetch(*hub_, kAckOidcProviderResource, ns, provider_name);
  EXPECT_EQ(restored_provider["metadata"]["labels"], ConfigLabels(uid, kDriftOwnerRef));
  Json want_provider_spec = provider_spec;
  want_provider_spec["thumbprints"] = thumbprints;
  EXPECT_EQ(restored_provider["spec"], want_provider_spec);

  ReconcileOk(ns);

  EXPECT_EQ(ResourceVersion(Fetch(*hub_, kAckBucketResource, ns, bucket)),
            ResourceVersion(restored_bucket));
  EXPECT_EQ(ResourceVersion(Fetch(*hub_, kAckOidcProviderResource, ns, provider_name)),
            ResourceVersion(restored_provider));
}

// Validates §5.1 step 3 and §16.16: a pre-created Secret holding only sa.pub (plus another data
// key) is not adoptable, so a fresh RSA key pair replaces the whole data map (exactly sa.key and
// sa.pub, type Opaque), the kid annotation is that of the new public key, and the user's label
// stays.
TEST_F(SelfHostedIssuerTest, Reconcile_PartialSigningSecret_IsReplacedByGeneratedKey) {
  const std::string ns = "cr-sh-partial";
  Prepare(ns);
  Create(*hub_, kube::resources::kSecrets, ns,
         {{"metadata",
           {{"name", kSigningSecretName},
            {"namespace", ns},
            {"labels", {{"example.com/owner", "platform"}}}}},
          {"type", "Opaque"},
          {"data",
           {{"sa.pub", base::Base64Encode(kSpecPublicKey)},
            {"note", base::Base64Encode("keep me?")}}}});
  StartSelfHostedConfig(ns);

  ReconcileOk(ns);

  const Json secret = Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName);
  ASSERT_FALSE(secret.is_null());
  std::vector<std::string> data_keys;
  for (const auto& [key, value] : secret["data"].items()) data_keys.push_back(key);
  EXPECT_EQ(data_keys, (std::vector<std::string>{"sa.key", "sa.pub"}));
  EXPECT_EQ(secret["type"], "Opaque");
  const std::string public_pem = SecretData(secret, "sa.pub");
  EXPECT_NE(public_pem, kSpecPublicKey);
  EXPECT_THAT(SecretData(secret, "sa.key"), StartsWith("-----BEGIN RSA PRIVATE KEY-----\n"));
  EXPECT_EQ(secret["metadata"]["annotations"]["aws.identity.appthrust.io/signing-key-id"],
            KidOf(public_pem));
  EXPECT_EQ(secret["metadata"]["labels"]["example.com/owner"], "platform");
}

struct PreservationCase {
  std::string ns;
  Json conditions;  // written before the failing pass (observedGeneration as given)
  // "<status>/<reason>" of the four issuer conditions and Ready after it.
  std::map<std::string, std::string> want;
  std::vector<std::string> unchanged;  // conditions that must be byte-identical
};

class FailurePreservationTest : public SelfHostedIssuerTest,
                                public ::testing::WithParamInterface<PreservationCase> {};

Json Cond(const std::string& type, const std::string& status, const std::string& reason,
          const std::string& message, int generation) {
  return {{"type", type},
          {"status", status},
          {"reason", reason},
          {"message", message},
          {"observedGeneration", generation},
          {"lastTransitionTime", "2026-01-01T00:00:00Z"}};
}

// Validates §8.5.1 step 12 and §15.10 (failure-condition preservation): when the issuer flow
// fails (here the signing Secret's sa.pub is not a key), an issuer condition already written for
// the config's generation stays exactly as it was, and every other one becomes
// False/IssuerReconcileFailed with the sanitized message; the pass returns the error. The spec
// is immutable, so a generation bump is emulated with conditions stamped observedGeneration 0.
TEST_P(FailurePreservationTest, Reconcile_IssuerFailure_KeepsConditionsOfCurrentGeneration) {
  const PreservationCase& c = GetParam();
  Prepare(c.ns);
  Create(*hub_, kube::resources::kSecrets, c.ns,
         {{"metadata", {{"name", kSigningSecretName}, {"namespace", c.ns}}},
          {"type", "Opaque"},
          {"data",
           {{"sa.key", base::Base64Encode("not a key")},
            {"sa.pub", base::Base64Encode("not a key either")}}}});
  StartSelfHostedConfig(c.ns);
  PatchConfigStatus(c.ns, {{"conditions", c.conditions}});
  const Json before = GetConfig(c.ns);

  const auto result = Reconcile(c.ns);

  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, HasSubstr("reconcile signing Secret: "));
  const Json config = GetConfig(c.ns);
  for (const auto& [type, want] : c.want) {
    const Json entry = ConditionEntry(config, type);
    EXPECT_EQ(entry.value("status", "") + "/" + entry.value("reason", ""), want) << type;
    EXPECT_EQ(entry.value("observedGeneration", -1), 1) << type;
    if (want.ends_with("/IssuerReconcileFailed")) {
      EXPECT_THAT(entry.value("message", ""), StartsWith("reconcile signing Secret: ")) << type;
    }
  }
  for (const auto& type : c.unchanged) {
    EXPECT_EQ(ConditionEntry(config, type), ConditionEntry(before, type)) << type;
  }
  EXPECT_THAT(Events(c.ns), Contains(Field(&SeenEvent::reason, "IssuerReconcileFailed")));
}

INSTANTIATE_TEST_SUITE_P(
    Generations, FailurePreservationTest,
    ::testing::Values(
        PreservationCase{
            "cr-sh-preserve-old",
            Json::array({Cond("BucketReady", "True", "ACKResourceSynced", "old", 0),
                         Cond("OIDCObjectsPublished", "True", "OIDCObjectsPublished", "old", 0),
                         Cond("IAMProviderReady", "True", "ACKResourceSynced", "old", 0),
                         Cond("IssuerReady", "True", "Ready", "old", 0)}),
            {{"BucketReady", "False/IssuerReconcileFailed"},
             {"OIDCObjectsPublished", "False/IssuerReconcileFailed"},
             {"IAMProviderReady", "False/IssuerReconcileFailed"},
             {"IssuerReady", "False/IssuerReconcileFailed"},
             {"Ready", "False/IssuerReconcileFailed"}},
            {}},
        PreservationCase{
            "cr-sh-preserve-current",
            Json::array({Cond("BucketReady", "True", "ACKResourceSynced",
                              "S3 Bucket is synced by ACK", 1),
                         Cond("OIDCObjectsPublished", "True", "OIDCObjectsPublished",
                              "self-hosted OIDC discovery and JWKS objects are published", 1),
                         Cond("IssuerReady", "False", "OIDCObjectsPublishFailed",
                              "publish self-hosted OIDC issuer objects: AccessDenied: denied", 1)}),
            {{"BucketReady", "True/ACKResourceSynced"},
             {"OIDCObjectsPublished", "True/OIDCObjectsPublished"},
             {"IAMProviderReady", "False/IssuerReconcileFailed"},
             {"IssuerReady", "False/OIDCObjectsPublishFailed"},
             {"Ready", "False/OIDCObjectsPublishFailed"}},
            {"BucketReady", "OIDCObjectsPublished", "IssuerReady"}}),
    CaseName<PreservationCase>);

}  // namespace
}  // namespace awio::controllers::config::test
