// Smoke tests of the local control plane (issue: foundation). Each test fails when the
// component it names is missing or broken: real kube-apiservers over one etcd, the restricted
// kube-controller-manager, the third-party CRDs, service-account token signing configured as a
// SelfHostedIRSA target, the AWS emulator's S3, the real ACK IAM controller, and the stand-ins
// for what cannot run here (ACK's EKS and S3 controllers, the deployment controller and kubelet).
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "pki.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::test {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// The target is configured like a SelfHostedIRSA cluster (testenv.md §3; issue 2, item 3):
// issuer = an S3 URL, signing key = a key the test supplies, audiences include STS.
const char* const kTargetIssuer = "https://awio-smoke-oidc.s3.us-east-1.amazonaws.com";
std::string& TargetSigningKey() {
  static std::string key = testenv::GenerateRsaKey().private_key_pem;
  return key;
}

std::string Base64UrlDecode(std::string in) {
  for (auto& c : in) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (in.size() % 4 != 0) in.push_back('=');
  std::string out(in.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return {};
  std::size_t pad = 0;
  for (auto it = in.rbegin(); it != in.rend() && *it == '='; ++it) ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

// Verifies an RS256 JWS signature over "header.payload" with a PEM public key.
bool VerifyRs256(const std::string& signing_input, const std::string& signature,
                 const std::string& public_key_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

// Validates that the hub and the target are real kube-apiservers of the pinned minor version:
// /version must carry the stamped v1.35.x, not the unstamped "v0.0.0-master" of a bare build.
TEST(LocalControlPlane, HubAndTarget_ReportPinnedKubernetesVersion) {
  auto& env = SharedEnvironment();
  for (const auto* name : {"hub", "target-a"}) {
    auto r = KubeRequest(env.cluster(name), "GET", "/version");
    ASSERT_EQ(r.status, 200) << name << ": " << r.raw;
    std::string version = r.body.value("gitVersion", "");
    EXPECT_EQ(version.rfind("v1.35.", 0), 0u) << name << " reports " << version;
    EXPECT_EQ(r.body.value("major", ""), "1");
    EXPECT_EQ(r.body.value("minor", ""), "35");
  }
}

// Validates that every third-party CRD the operator depends on is installed on the hub and
// Established (issue 2, item 3: ClusterProfile; OCM; ACK IAM, S3, EKS; ACK common).
TEST(LocalControlPlane, Hub_ThirdPartyCrdsAreEstablished) {
  auto& env = SharedEnvironment();
  for (const auto* crd :
       {"clusterprofiles.multicluster.x-k8s.io", "placements.cluster.open-cluster-management.io",
        "placementdecisions.cluster.open-cluster-management.io",
        "managedclustersetbindings.cluster.open-cluster-management.io",
        "roles.iam.services.k8s.aws", "policies.iam.services.k8s.aws",
        "openidconnectproviders.iam.services.k8s.aws", "buckets.s3.services.k8s.aws",
        "podidentityassociations.eks.services.k8s.aws", "fieldexports.services.k8s.aws",
        "iamroleselectors.services.k8s.aws"}) {
    auto r =
        KubeRequest(env.hub(), "GET",
                    std::string("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/") + crd);
    ASSERT_EQ(r.status, 200) << crd << ": " << r.raw;
    EXPECT_EQ(ConditionStatus(r.body, "Established"), "True") << crd;
  }
}

// Validates the restricted kube-controller-manager: an owned ConfigMap is garbage-collected when
// its owner goes, and a deleted namespace finishes terminating (neither happens without KCM).
TEST(LocalControlPlane, Hub_GarbageCollectsOwnedObjectsAndDeletesNamespaces) {
  auto& env = SharedEnvironment();
  const auto& hub = env.hub();
  const std::string ns = "smoke-gc";
  ASSERT_EQ(KubeRequest(hub, "POST", "/api/v1/namespaces", {{"metadata", {{"name", ns}}}}).status,
            201);
  const std::string cms = "/api/v1/namespaces/" + ns + "/configmaps";
  auto parent = KubeRequest(hub, "POST", cms, {{"metadata", {{"name", "parent"}}}});
  ASSERT_EQ(parent.status, 201) << parent.raw;
  json owner = {{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"name", "parent"},
                {"uid", parent.body["metadata"]["uid"]}};
  auto child = KubeRequest(hub, "POST", cms,
                           {{"metadata", {{"name", "child"}, {"ownerReferences", {owner}}}}});
  ASSERT_EQ(child.status, 201) << child.raw;

  ASSERT_EQ(KubeRequest(hub, "DELETE", cms + "/parent").status, 200);
  EXPECT_TRUE(WaitUntil(90s, [&] { return KubeRequest(hub, "GET", cms + "/child").status == 404; }))
      << "the owned ConfigMap was not garbage-collected";

  ASSERT_EQ(KubeRequest(hub, "DELETE", "/api/v1/namespaces/" + ns).status, 200);
  EXPECT_TRUE(WaitUntil(90s, [&] {
    return KubeRequest(hub, "GET", "/api/v1/namespaces/" + ns).status == 404;
  })) << "the namespace stayed Terminating";
}

// Validates the SelfHostedIRSA-shaped target: a TokenRequest for audience sts.amazonaws.com
// returns an RS256 JWT whose iss is the configured S3 issuer and whose signature verifies with
// the public half of the key the test supplied.
TEST(LocalControlPlane, Target_TokenRequestIsSignedByConfiguredKeyAndIssuer) {
  auto& env = SharedEnvironment();
  const auto& target = env.cluster("target-a");
  auto sa = KubeRequest(target, "POST", "/api/v1/namespaces/default/serviceaccounts",
                        {{"metadata", {{"name", "smoke-token"}}}});
  ASSERT_TRUE(sa.status == 201 || sa.status == 409) << sa.raw;

  auto token =
      KubeRequest(target, "POST", "/api/v1/namespaces/default/serviceaccounts/smoke-token/token",
                  {{"apiVersion", "authentication.k8s.io/v1"},
                   {"kind", "TokenRequest"},
                   {"spec", {{"audiences", {"sts.amazonaws.com"}}, {"expirationSeconds", 3600}}}});
  ASSERT_EQ(token.status, 201) << token.raw;
  std::string jwt = token.body["status"]["token"];
  auto dot1 = jwt.find('.');
  auto dot2 = jwt.find('.', dot1 + 1);
  ASSERT_NE(dot2, std::string::npos);

  json header = json::parse(Base64UrlDecode(jwt.substr(0, dot1)));
  json claims = json::parse(Base64UrlDecode(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
  EXPECT_EQ(header.value("alg", ""), "RS256");
  EXPECT_EQ(claims.value("iss", ""), kTargetIssuer);
  EXPECT_EQ(claims["aud"], json::array({"sts.amazonaws.com"}));
  EXPECT_EQ(claims.value("sub", ""), "system:serviceaccount:default:smoke-token");

  std::string public_key = testenv::PublicKeyFromPrivate(TargetSigningKey());
  std::string signature = Base64UrlDecode(jwt.substr(dot2 + 1));
  EXPECT_TRUE(VerifyRs256(jwt.substr(0, dot2), signature, public_key));
  // A different key must not verify it, or the check above proves nothing.
  EXPECT_FALSE(
      VerifyRs256(jwt.substr(0, dot2), signature, testenv::GenerateRsaKey().public_key_pem));
}

// Validates the AWS emulator's S3: put an object with a content type and user metadata, read
// both back with HEAD, delete it, and see HEAD answer 404.
TEST(AwsEmulator, S3_PutHeadDeleteRoundTripKeepsMetadata) {
  auto& env = SharedEnvironment();
  const auto& aws = env.aws();
  const std::string bucket = "/awio-smoke-bucket";
  auto made = testenv::Send(aws.Request("s3", "PUT", bucket));
  ASSERT_EQ(made.status, 200) << made.body << made.error;

  auto put = aws.Request("s3", "PUT", bucket + "/.well-known/openid-configuration", R"({"a":1})");
  put.headers = {"Content-Type: application/json", "x-amz-meta-awio-digest: abc123"};
  auto put_response = testenv::Send(put);
  ASSERT_EQ(put_response.status, 200) << put_response.body << put_response.error;

  auto head =
      testenv::Send(aws.Request("s3", "HEAD", bucket + "/.well-known/openid-configuration"));
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-type"], "application/json");
  EXPECT_EQ(head.headers["x-amz-meta-awio-digest"], "abc123");
  EXPECT_EQ(head.headers["content-length"], "7");

  auto del =
      testenv::Send(aws.Request("s3", "DELETE", bucket + "/.well-known/openid-configuration"));
  EXPECT_EQ(del.status, 204);
  auto gone =
      testenv::Send(aws.Request("s3", "HEAD", bucket + "/.well-known/openid-configuration"));
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(testenv::Send(aws.Request("s3", "DELETE", bucket)).status, 204);
}

// Validates the emulator's default bucket encryption (testenv.md §5): without it the real ACK
// S3 controller panics on every Bucket read.
TEST(AwsEmulator, S3_NewBucketHasDefaultEncryptionLikeAws) {
  auto& env = SharedEnvironment();
  const auto& aws = env.aws();
  ASSERT_EQ(testenv::Send(aws.Request("s3", "PUT", "/awio-smoke-encrypted")).status, 200);
  auto enc = testenv::Send(aws.Request("s3", "GET", "/awio-smoke-encrypted?encryption"));
  EXPECT_EQ(enc.status, 200) << enc.body;
  EXPECT_NE(enc.body.find("AES256"), std::string::npos) << enc.body;
  EXPECT_EQ(testenv::Send(aws.Request("s3", "DELETE", "/awio-smoke-encrypted")).status, 204);
}

// Validates the real ACK IAM controller against the emulator: an ACK Role becomes an IAM role
// and reports ACK.ResourceSynced=True; deleting the Role removes the IAM role.
TEST(AckIamController, Role_IsCreatedInEmulatorAndReportsSynced) {
  auto& env = SharedEnvironment();
  const auto& hub = env.hub();
  const auto& aws = env.aws();
  const std::string ns = "smoke-ack";
  auto made_ns = KubeRequest(hub, "POST", "/api/v1/namespaces", {{"metadata", {{"name", ns}}}});
  ASSERT_TRUE(made_ns.status == 201 || made_ns.status == 409) << made_ns.raw;

  const std::string role_name = "awio-smoke-role";
  json trust = {{"Version", "2012-10-17"},
                {"Statement",
                 {{{"Effect", "Allow"},
                   {"Principal", {{"Service", "ec2.amazonaws.com"}}},
                   {"Action", "sts:AssumeRole"}}}}};
  const std::string roles = "/apis/iam.services.k8s.aws/v1alpha1/namespaces/" + ns + "/roles";
  auto created = KubeRequest(hub, "POST", roles,
                             {{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
                              {"kind", "Role"},
                              {"metadata", {{"name", "smoke"}}},
                              {"spec",
                               {{"name", role_name},
                                {"assumeRolePolicyDocument", trust.dump()},
                                {"tags", {{{"key", "owner"}, {"value", "awio-smoke"}}}}}}});
  ASSERT_EQ(created.status, 201) << created.raw;

  json observed;
  EXPECT_TRUE(WaitUntil(180s,
                        [&] {
                          observed = KubeRequest(hub, "GET", roles + "/smoke").body;
                          return ConditionStatus(observed, "ACK.ResourceSynced") == "True";
                        }))
      << "ACK never synced the Role: " << observed.dump();

  auto get_role = [&] {
    return testenv::Send(
        aws.Request("iam", "POST", "/", "Action=GetRole&Version=2010-05-08&RoleName=" + role_name));
  };
  auto got = get_role();
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_NE(got.body.find("<RoleName>" + role_name + "</RoleName>"), std::string::npos);
  EXPECT_EQ(observed["status"]["ackResourceMetadata"].value("arn", ""),
            "arn:aws:iam::" + aws.account_id + ":role/" + role_name);

  ASSERT_EQ(KubeRequest(hub, "DELETE", roles + "/smoke").status, 200);
  EXPECT_TRUE(WaitUntil(120s, [&] {
    return KubeRequest(hub, "GET", roles + "/smoke").status == 404;
  })) << "the Role kept its finalizer";
  EXPECT_EQ(get_role().status, 404) << "the IAM role outlived its ACK Role";
}

// Validates the stand-in for the ACK EKS controller (issue 2: "a clearly named stand-in that
// plays ACK's part for that one kind"): a PodIdentityAssociation becomes an association in the
// emulator's EKS Pod Identity API with ACK.ResourceSynced=True and its ARN recorded, and
// deleting the object deletes the association before the finalizer goes.
TEST(AckEksStandin, PodIdentityAssociation_IsCreatedInEmulatorAndDeletedWithObject) {
  auto& env = SharedEnvironment();
  const auto& hub = env.hub();
  const auto& aws = env.aws();
  auto cluster =
      aws.Request("eks", "POST", "/clusters",
                  R"({"name":"smoke-eks","roleArn":"arn:aws:iam::123456789012:role/eks",)"
                  R"("resourcesVpcConfig":{}})");
  cluster.headers = {"Content-Type: application/json"};
  auto made_cluster = testenv::Send(cluster);
  ASSERT_EQ(made_cluster.status, 200) << made_cluster.body;

  const std::string ns = "smoke-eks";
  auto made_ns = KubeRequest(hub, "POST", "/api/v1/namespaces", {{"metadata", {{"name", ns}}}});
  ASSERT_TRUE(made_ns.status == 201 || made_ns.status == 409) << made_ns.raw;
  const std::string pias =
      "/apis/eks.services.k8s.aws/v1alpha1/namespaces/" + ns + "/podidentityassociations";
  const std::string role_arn = "arn:aws:iam::" + aws.account_id + ":role/smoke-pia";
  auto created = KubeRequest(hub, "POST", pias,
                             {{"apiVersion", "eks.services.k8s.aws/v1alpha1"},
                              {"kind", "PodIdentityAssociation"},
                              {"metadata", {{"name", "smoke"}}},
                              {"spec",
                               {{"clusterName", "smoke-eks"},
                                {"namespace", "app"},
                                {"serviceAccount", "reader"},
                                {"roleARN", role_arn}}}});
  ASSERT_EQ(created.status, 201) << created.raw;

  json observed;
  EXPECT_TRUE(WaitUntil(60s, [&] {
    observed = KubeRequest(hub, "GET", pias + "/smoke").body;
    return ConditionStatus(observed, "ACK.ResourceSynced") == "True";
  })) << observed.dump();
  std::string arn = observed["status"].value("associationARN", "");
  EXPECT_EQ(
      arn.rfind("arn:aws:eks:us-east-1:" + aws.account_id + ":podidentityassociation/smoke-eks/a-",
                0),
      0u)
      << arn;
  EXPECT_EQ(observed["status"]["ackResourceMetadata"].value("arn", ""), arn);

  auto list = [&] {
    return json::parse(
        testenv::Send(aws.Request("eks", "GET", "/clusters/smoke-eks/pod-identity-associations"))
            .body)["associations"];
  };
  ASSERT_EQ(list().size(), 1u);
  EXPECT_EQ(list()[0].value("serviceAccount", ""), "reader");

  ASSERT_EQ(KubeRequest(hub, "DELETE", pias + "/smoke").status, 200);
  EXPECT_TRUE(
      WaitUntil(60s, [&] { return KubeRequest(hub, "GET", pias + "/smoke").status == 404; }));
  EXPECT_TRUE(list().empty()) << "the association outlived its object";
}

// Creates `ns` on `cluster` unless it exists.
void EnsureNamespace(const testenv::Cluster& cluster, const std::string& ns) {
  auto made = KubeRequest(cluster, "POST", "/api/v1/namespaces", {{"metadata", {{"name", ns}}}});
  ASSERT_TRUE(made.status == 201 || made.status == 409) << made.raw;
}

// The message of condition `type` in object["status"]["conditions"], or "" when absent.
std::string ConditionMessage(const json& object, const std::string& type) {
  for (const auto& c : object.value("status", json::object()).value("conditions", json::array())) {
    if (c.value("type", "") == type) return c.value("message", "");
  }
  return "";
}

// The texts of every element `name` in `xml`, entities decoded. The emulator's answers are small
// documents whose text elements have no children, so a scan is enough; a root element may carry
// an xmlns attribute.
std::vector<std::string> ElementTexts(const std::string& xml, const std::string& name) {
  std::vector<std::string> texts;
  const std::string open = "<" + name, close = "</" + name + ">";
  for (auto start = xml.find(open); start != std::string::npos; start = xml.find(open, start)) {
    start += open.size();
    if (xml[start] != '>' && xml[start] != ' ') continue;  // a longer name with this prefix
    start = xml.find('>', start) + 1;
    const auto end = xml.find(close, start);
    if (end == std::string::npos) break;
    std::string text = xml.substr(start, end - start);
    for (const auto& [entity, character] : std::vector<std::pair<std::string, std::string>>{
             {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}}) {
      for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
        text.replace(at, entity.size(), character);
      }
    }
    texts.push_back(text);
  }
  return texts;
}

// The tags of an emulator bucket, by key ({} when it has none).
std::map<std::string, std::string> BucketTags(const testenv::AwsEmulator& aws,
                                              const std::string& bucket) {
  std::map<std::string, std::string> tags;
  auto r = testenv::Send(aws.Request("s3", "GET", "/" + bucket + "?tagging"));
  if (r.status != 200) return tags;
  const auto keys = ElementTexts(r.body, "Key");
  const auto values = ElementTexts(r.body, "Value");
  for (std::size_t i = 0; i < keys.size() && i < values.size(); ++i) tags[keys[i]] = values[i];
  return tags;
}

// The text of the first element `name` of the emulator's answer to GET `path`, or "".
std::string EmulatorElement(const testenv::AwsEmulator& aws, const std::string& path,
                            const std::string& name) {
  auto r = testenv::Send(aws.Request("s3", "GET", path));
  if (r.status != 200) return "";
  const auto texts = ElementTexts(r.body, name);
  return texts.empty() ? "" : texts.front();
}

// Validates the stand-in for the ACK S3 controller (docs/development/local-environment.md,
// "Which ACK kinds run for real": it plays ACK's part for Bucket against the emulator). A Bucket
// like the one the operator writes (config-controller spec §4.3) gets ACK's finalizer, becomes a
// bucket with the spec's policy, public access block, ownership and tags, reports
// ACK.ResourceSynced=True with ackResourceMetadata; a tag change in the spec reaches the bucket;
// deleting the object while the bucket holds an object reports ACK.Recoverable (BucketNotEmpty)
// and keeps the finalizer, and once the bucket is empty both the bucket and the object go.
TEST(AckS3Standin, Bucket_IsSyncedToEmulatorAndDeletedWithObjectOnceEmpty) {
  auto& env = SharedEnvironment();
  const auto& hub = env.hub();
  const auto& aws = env.aws();
  const std::string ns = "smoke-s3";
  EnsureNamespace(hub, ns);
  const std::string bucket = "awio-smoke-standin-bucket";
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"PublicReadOIDCDiscoveryOnly",)"
      R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":[)"
      R"("arn:aws:s3:::awio-smoke-standin-bucket/keys.json"]}]})";
  const std::string buckets = "/apis/s3.services.k8s.aws/v1alpha1/namespaces/" + ns + "/buckets";
  auto created = KubeRequest(hub, "POST", buckets,
                             {{"apiVersion", "s3.services.k8s.aws/v1alpha1"},
                              {"kind", "Bucket"},
                              {"metadata", {{"name", "smoke"}}},
                              {"spec",
                               {{"name", bucket},
                                {"objectOwnership", "BucketOwnerEnforced"},
                                {"policy", policy},
                                {"publicAccessBlock",
                                 {{"blockPublicACLs", true},
                                  {"blockPublicPolicy", false},
                                  {"ignorePublicACLs", true},
                                  {"restrictPublicBuckets", false}}},
                                {"tagging",
                                 {{"tagSet",
                                   {{{"key", "owner"}, {"value", "awio-smoke"}},
                                    {{"key", "escaped"}, {"value", "a&b<c>"}}}}}}}}});
  ASSERT_EQ(created.status, 201) << created.raw;

  json observed;
  EXPECT_TRUE(WaitUntil(60s, [&] {
    observed = KubeRequest(hub, "GET", buckets + "/smoke").body;
    return ConditionStatus(observed, "ACK.ResourceSynced") == "True";
  })) << observed.dump();
  EXPECT_EQ(observed["metadata"]["finalizers"],
            json::array({"finalizers.s3.services.k8s.aws/Bucket"}));
  EXPECT_EQ(observed["status"]["ackResourceMetadata"], json({{"arn", "arn:aws:s3:::" + bucket},
                                                             {"ownerAccountID", aws.account_id},
                                                             {"region", "us-east-1"}}));

  auto stored_policy = testenv::Send(aws.Request("s3", "GET", "/" + bucket + "?policy"));
  ASSERT_EQ(stored_policy.status, 200) << stored_policy.body;
  EXPECT_EQ(json::parse(stored_policy.body, nullptr, false), json::parse(policy));
  EXPECT_EQ(BucketTags(aws, bucket),
            (std::map<std::string, std::string>{{"owner", "awio-smoke"}, {"escaped", "a&b<c>"}}));
  const std::string pab = "/" + bucket + "?publicAccessBlock";
  EXPECT_EQ(EmulatorElement(aws, pab, "BlockPublicAcls"), "true");
  EXPECT_EQ(EmulatorElement(aws, pab, "IgnorePublicAcls"), "true");
  EXPECT_EQ(EmulatorElement(aws, pab, "BlockPublicPolicy"), "false");
  EXPECT_EQ(EmulatorElement(aws, pab, "RestrictPublicBuckets"), "false");
  EXPECT_EQ(EmulatorElement(aws, "/" + bucket + "?ownershipControls", "ObjectOwnership"),
            "BucketOwnerEnforced");

  // A spec change (new generation) reaches the bucket without waiting for a resync.
  auto patched = KubeRequest(
      hub, "PATCH", buckets + "/smoke",
      {{"spec", {{"tagging", {{"tagSet", {{{"key", "owner"}, {"value", "changed"}}}}}}}}});
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_TRUE(WaitUntil(5s, [&] {
    return BucketTags(aws, bucket) == std::map<std::string, std::string>{{"owner", "changed"}};
  })) << "the tag change did not reach the bucket";

  auto put = aws.Request("s3", "PUT", "/" + bucket + "/keys.json", "{}");
  ASSERT_EQ(testenv::Send(put).status, 200);
  ASSERT_EQ(KubeRequest(hub, "DELETE", buckets + "/smoke").status, 200);
  EXPECT_TRUE(WaitUntil(30s, [&] {
    observed = KubeRequest(hub, "GET", buckets + "/smoke").body;
    return ConditionStatus(observed, "ACK.Recoverable") == "True";
  })) << observed.dump();
  EXPECT_NE(ConditionMessage(observed, "ACK.Recoverable").find("api error BucketNotEmpty"),
            std::string::npos)
      << observed.dump();
  EXPECT_EQ(ConditionStatus(observed, "ACK.ResourceSynced"), "False");
  EXPECT_EQ(testenv::Send(aws.Request("s3", "HEAD", "/" + bucket)).status, 200)
      << "a non-empty bucket was deleted";

  ASSERT_EQ(testenv::Send(aws.Request("s3", "DELETE", "/" + bucket + "/keys.json")).status, 204);
  EXPECT_TRUE(WaitUntil(30s, [&] {
    return KubeRequest(hub, "GET", buckets + "/smoke").status == 404;
  })) << "the Bucket kept its finalizer after the bucket was emptied";
  EXPECT_EQ(testenv::Send(aws.Request("s3", "HEAD", "/" + bucket)).status, 404)
      << "the bucket outlived its Bucket object";
}

// Validates that the ACK S3 stand-in creates a bucket in the region ACK would use: the object's
// services.k8s.aws/region annotation over the controller default, with that LocationConstraint
// (S3 refuses a bucket outside us-east-1 without one), and records the region in
// ackResourceMetadata.
TEST(AckS3Standin, Bucket_WithRegionAnnotation_IsCreatedInThatRegion) {
  auto& env = SharedEnvironment();
  const auto& hub = env.hub();
  const auto& aws = env.aws();
  const std::string ns = "smoke-s3-region";
  EnsureNamespace(hub, ns);
  const std::string bucket = "awio-smoke-standin-eu";
  const std::string buckets = "/apis/s3.services.k8s.aws/v1alpha1/namespaces/" + ns + "/buckets";
  auto created = KubeRequest(
      hub, "POST", buckets,
      {{"apiVersion", "s3.services.k8s.aws/v1alpha1"},
       {"kind", "Bucket"},
       {"metadata", {{"name", "eu"}, {"annotations", {{"services.k8s.aws/region", "eu-west-1"}}}}},
       {"spec", {{"name", bucket}}}});
  ASSERT_EQ(created.status, 201) << created.raw;

  json observed;
  EXPECT_TRUE(WaitUntil(60s, [&] {
    observed = KubeRequest(hub, "GET", buckets + "/eu").body;
    return ConditionStatus(observed, "ACK.ResourceSynced") == "True";
  })) << observed.dump();
  EXPECT_EQ(observed["status"]["ackResourceMetadata"].value("region", ""), "eu-west-1");
  EXPECT_EQ(EmulatorElement(aws, "/" + bucket + "?location", "LocationConstraint"), "eu-west-1");

  ASSERT_EQ(KubeRequest(hub, "DELETE", buckets + "/eu").status, 200);
  EXPECT_TRUE(
      WaitUntil(30s, [&] { return KubeRequest(hub, "GET", buckets + "/eu").status == 404; }));
  EXPECT_EQ(testenv::Send(aws.Request("s3", "HEAD", "/" + bucket)).status, 404);
}

// Validates the stand-in for the deployment controller and kubelet (local-environment.md: no
// pods run here): on a target started with workload_standin, a Deployment reports the status the
// operator's readiness assessment needs (config-controller spec §9.8: observedGeneration,
// updatedReplicas, availableReplicas, Available=True), follows a scale-up to the new generation,
// and no Pod is created.
TEST(WorkloadStandin, Deployment_OnTargetWithStandin_BecomesAvailableWithoutPods) {
  auto& env = SharedEnvironment();
  const auto& target = env.cluster("target-a");
  const std::string ns = "smoke-workload";
  EnsureNamespace(target, ns);
  const std::string deployments = "/apis/apps/v1/namespaces/" + ns + "/deployments";
  json labels = {{"app", "smoke"}};
  auto created = KubeRequest(
      target, "POST", deployments,
      {{"apiVersion", "apps/v1"},
       {"kind", "Deployment"},
       {"metadata", {{"name", "smoke"}}},
       {"spec",
        {{"replicas", 2},
         {"selector", {{"matchLabels", labels}}},
         {"template",
          {{"metadata", {{"labels", labels}}},
           {"spec",
            {{"containers", {{{"name", "app"}, {"image", "example.invalid/app:1"}}}}}}}}}}});
  ASSERT_EQ(created.status, 201) << created.raw;

  json observed;
  auto available_at = [&](long generation, long replicas) {
    observed = KubeRequest(target, "GET", deployments + "/smoke").body;
    const json status = observed.value("status", json::object());
    return observed["metadata"].value("generation", 0L) == generation &&
           status.value("observedGeneration", 0L) == generation &&
           status.value("updatedReplicas", 0L) == replicas &&
           status.value("readyReplicas", 0L) == replicas &&
           status.value("availableReplicas", 0L) == replicas &&
           ConditionStatus(observed, "Available") == "True" &&
           ConditionStatus(observed, "Progressing") == "True";
  };
  EXPECT_TRUE(WaitUntil(30s, [&] { return available_at(1, 2); })) << observed.dump();

  auto scaled = KubeRequest(target, "PATCH", deployments + "/smoke", {{"spec", {{"replicas", 3}}}});
  ASSERT_EQ(scaled.status, 200) << scaled.raw;
  EXPECT_TRUE(WaitUntil(30s, [&] { return available_at(2, 3); })) << observed.dump();

  auto pods = KubeRequest(target, "GET", "/api/v1/namespaces/" + ns + "/pods");
  ASSERT_EQ(pods.status, 200) << pods.raw;
  EXPECT_TRUE(pods.body["items"].empty()) << "the stand-in must not create pods";
  EXPECT_EQ(KubeRequest(target, "DELETE", deployments + "/smoke").status, 200);
}

}  // namespace
}  // namespace awio::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = true, .third_party_crds = true});
  spec.clusters.push_back({.name = "target-a",
                           .service_account_issuer = awio::test::kTargetIssuer,
                           .service_account_signing_key_pem = awio::test::TargetSigningKey(),
                           .controller_manager = false,
                           .workload_standin = true});
  spec.aws_emulator = true;
  spec.ack_iam_controller = true;
  spec.ack_eks_standin = true;
  spec.ack_s3_standin = true;
  awio::test::RegisterSharedEnvironment(spec);
  return RUN_ALL_TESTS();
}
