// Tests of the ACK object builders in src/aws/ack_objects.h against role-controller spec §4 and
// §17.4 and config-controller spec §4, §15.4 and §15.5, plus the partition of derived ARNs.
#include "aws/ack_objects.h"

#include <gtest/gtest.h>

#include "aws/trust_policy.h"
#include "base/encoding.h"

namespace awio::aws {
namespace {

const OwnerIdentity kFixtureRole{"wlc-a", "app", "role-uid"};
const ServiceAccountRef kFixtureServiceAccount{"default", "app"};
const OwnerIdentity kFixtureConfig{"wlc-a", "default", "config-uid"};

const char kFixtureTrustPolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/example"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"example.s3.ap-northeast-1.amazonaws.com:aud":"sts.amazonaws.com","example.s3.ap-northeast-1.amazonaws.com:sub":"system:serviceaccount:default:app"}}}]})";

Json RoleLabelsJson(std::string_view delivery) {
  return {{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
          {"aws.identity.appthrust.io/binding-uid", "role-uid"},
          {"aws.identity.appthrust.io/delivery", delivery},
          {"aws.identity.appthrust.io/owner-ref", "wlc-a-app-62a7cbd1e8"},
          {"aws.identity.appthrust.io/service-account", "default-app-a1989cdf73"}};
}

Json RoleTagsJson(std::string_view delivery) {
  const Json labels = RoleLabelsJson(delivery);
  Json tags = Json::array();
  for (const auto& [key, value] : labels.items()) {
    tags.push_back({{"key", key}, {"value", value}});
  }
  return tags;
}

const Json kRoleOwnerReference = {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                                  {"kind", "AWSServiceAccountRole"},
                                  {"name", "app"},
                                  {"uid", "role-uid"},
                                  {"controller", true},
                                  {"blockOwnerDeletion", true}};

const Json kConfigLabels = {{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
                            {"aws.identity.appthrust.io/config-uid", "config-uid"},
                            {"aws.identity.appthrust.io/delivery", "SelfHostedIRSA"},
                            {"aws.identity.appthrust.io/owner-ref", "wlc-a-default-d861c72129"}};

const Json kConfigTags = Json::parse(R"([
  {"key":"app.kubernetes.io/managed-by","value":"aws-workload-identity-operator"},
  {"key":"aws.identity.appthrust.io/config-uid","value":"config-uid"},
  {"key":"aws.identity.appthrust.io/delivery","value":"SelfHostedIRSA"},
  {"key":"aws.identity.appthrust.io/owner-ref","value":"wlc-a-default-d861c72129"}])");

const Json kConfigOwnerReference = {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                                    {"kind", "AWSWorkloadIdentityConfig"},
                                    {"name", "default"},
                                    {"uid", "config-uid"},
                                    {"controller", true},
                                    {"blockOwnerDeletion", true}};

// Validates the IAM Role of §17.4 for the fixture role (SelfHostedIRSA, one managed policy, no
// boundary), field by field and as a whole.
TEST(BuildIamRole, FixtureRole_MatchesSpecObject) {
  const Json role = BuildIamRole({.role = kFixtureRole,
                                  .service_account = kFixtureServiceAccount,
                                  .delivery = "SelfHostedIRSA",
                                  .trust_policy = kFixtureTrustPolicy,
                                  .policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"}});
  const Json expected = {{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
                         {"kind", "Role"},
                         {"metadata",
                          {{"name", "awi-wlc-a-app-366495dc46"},
                           {"namespace", "wlc-a"},
                           {"labels", RoleLabelsJson("SelfHostedIRSA")},
                           {"ownerReferences", Json::array({kRoleOwnerReference})}}},
                         {"spec",
                          {{"name", "awi-wlc-a-app-366495dc46"},
                           {"assumeRolePolicyDocument", kFixtureTrustPolicy},
                           {"maxSessionDuration", 3600},
                           {"path", "/"},
                           {"policies", {"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
                           {"tags", RoleTagsJson("SelfHostedIRSA")}}}};
  EXPECT_EQ(role, expected) << role.dump(2);
}

// Validates §4.3 list and optional fields: policy ARNs keep their order and the generated
// policy ARN comes last; the permissions boundary appears only when set; an empty list is
// omitted; path and maxSessionDuration are always explicit (the "{}" trust policy test).
TEST(BuildIamRole, PoliciesBoundaryAndDefaults) {
  const Json full = BuildIamRole({.role = kFixtureRole,
                                  .service_account = kFixtureServiceAccount,
                                  .delivery = "EKSIRSA",
                                  .trust_policy = "{}",
                                  .policy_arns = {"arn:b", "arn:a"},
                                  .generated_policy_arn = "arn:generated",
                                  .permissions_boundary_arn = "arn:boundary"});
  EXPECT_EQ(full["spec"]["policies"], Json({"arn:b", "arn:a", "arn:generated"}));
  EXPECT_EQ(full["spec"]["permissionsBoundary"], "arn:boundary");

  const Json bare = BuildIamRole({.role = kFixtureRole,
                                  .service_account = kFixtureServiceAccount,
                                  .delivery = "EKSIRSA",
                                  .trust_policy = "{}"});
  EXPECT_FALSE(bare["spec"].contains("policies"));
  EXPECT_FALSE(bare["spec"].contains("permissionsBoundary"));
  EXPECT_EQ(bare["spec"]["path"], "/");
  EXPECT_EQ(bare["spec"]["maxSessionDuration"], 3600);
  EXPECT_EQ(bare["spec"]["assumeRolePolicyDocument"], "{}");
  for (const char* absent :
       {"description", "inlinePolicies", "permissionsBoundaryRef", "policyRefs"}) {
    EXPECT_FALSE(bare["spec"].contains(absent)) << absent;
  }
}

// Validates the generated IAM Policy of §4.4 and §17.4: name, description, document, tags, and
// no path.
TEST(BuildIamPolicy, FixtureRole_NameDescriptionDocumentTags) {
  const std::string document = R"({"Version":"2012-10-17","Statement":[]})";
  const Json policy = BuildIamPolicy({.role = kFixtureRole,
                                      .service_account = kFixtureServiceAccount,
                                      .delivery = "SelfHostedIRSA",
                                      .policy_document = document});
  EXPECT_EQ(policy["apiVersion"], "iam.services.k8s.aws/v1alpha1");
  EXPECT_EQ(policy["kind"], "Policy");
  EXPECT_EQ(policy["metadata"]["name"], "awi-pol-wlc-a-app-fc802795bf");
  EXPECT_EQ(policy["metadata"]["namespace"], "wlc-a");
  EXPECT_EQ(policy["metadata"]["labels"], RoleLabelsJson("SelfHostedIRSA"));
  EXPECT_EQ(policy["metadata"]["ownerReferences"], Json::array({kRoleOwnerReference}));
  EXPECT_EQ(policy["spec"],
            Json({{"name", "awi-pol-wlc-a-app-fc802795bf"},
                  {"description", "Generated by aws-workload-identity-operator for wlc-a/app"},
                  {"policyDocument", document},
                  {"tags", RoleTagsJson("SelfHostedIRSA")}}));
}

// Validates the PodIdentityAssociation of §4.5 and §17.4: tags are a map, the client request
// token is the role UID, and the cluster ARN appears nowhere.
TEST(BuildPodIdentityAssociation, FixtureRole_MatchesSpecObject) {
  const Json association =
      BuildPodIdentityAssociation({.role = kFixtureRole,
                                   .service_account = kFixtureServiceAccount,
                                   .eks_cluster_name = "wlc-a",
                                   .role_arn = "arn:aws:iam::123456789012:role/app"});
  const Json expected = {{"apiVersion", "eks.services.k8s.aws/v1alpha1"},
                         {"kind", "PodIdentityAssociation"},
                         {"metadata",
                          {{"name", "awi-pia-app"},
                           {"namespace", "wlc-a"},
                           {"labels", RoleLabelsJson("EKSPodIdentity")},
                           {"ownerReferences", Json::array({kRoleOwnerReference})}}},
                         {"spec",
                          {{"clientRequestToken", "role-uid"},
                           {"clusterName", "wlc-a"},
                           {"namespace", "default"},
                           {"serviceAccount", "app"},
                           {"roleARN", "arn:aws:iam::123456789012:role/app"},
                           {"tags", RoleLabelsJson("EKSPodIdentity")}}}};
  EXPECT_EQ(association, expected) << association.dump(2);
}

// Validates the bucket policy of §4.5 byte for byte (commercial partition) and that the ARN
// partition follows the region for aws-cn and aws-us-gov (a deliberate difference: the original
// always writes "arn:aws:").
TEST(BucketPolicy, PartitionFollowsRegion) {
  struct Case {
    std::string region;
    std::string partition;
  };
  const Case cases[] = {{"ap-northeast-1", "aws"},       {"us-east-1", "aws"},
                        {"cn-north-1", "aws-cn"},        {"cn-northwest-1", "aws-cn"},
                        {"us-gov-west-1", "aws-us-gov"}, {"us-gov-east-1", "aws-us-gov"}};
  for (const Case& c : cases) {
    EXPECT_EQ(
        BucketPolicy("b", c.region).value(),
        R"({"Version":"2012-10-17","Statement":[{"Sid":"PublicReadOIDCDiscoveryOnly","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["arn:)" +
            c.partition + R"(:s3:::b/.well-known/openid-configuration","arn:)" + c.partition +
            R"(:s3:::b/keys.json"]}]})")
        << c.region;
  }
  auto empty = BucketPolicy("", "us-east-1");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalid);
}

// Validates the Bucket of config-controller spec §15.4 for the fixture config.
TEST(BuildBucket, FixtureConfig_MatchesSpecObject) {
  auto bucket = BuildBucket({.config = kFixtureConfig,
                             .delivery = "SelfHostedIRSA",
                             .region = "ap-northeast-1",
                             .bucket_name = BucketName("wlc-a", "ap-northeast-1")});
  ASSERT_TRUE(bucket.ok()) << bucket.error().message;
  const Json expected = {
      {"apiVersion", "s3.services.k8s.aws/v1alpha1"},
      {"kind", "Bucket"},
      {"metadata",
       {{"name", "awi-wlc-a-ap-northeast-1-c7c9fccd48"},
        {"namespace", "wlc-a"},
        {"labels", kConfigLabels},
        {"ownerReferences", Json::array({kConfigOwnerReference})}}},
      {"spec",
       {{"name", "awi-wlc-a-ap-northeast-1-c7c9fccd48"},
        {"objectOwnership", "BucketOwnerEnforced"},
        {"policy",
         R"({"Version":"2012-10-17","Statement":[{"Sid":"PublicReadOIDCDiscoveryOnly","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::awi-wlc-a-ap-northeast-1-c7c9fccd48/.well-known/openid-configuration","arn:aws:s3:::awi-wlc-a-ap-northeast-1-c7c9fccd48/keys.json"]}]})"},
        {"publicAccessBlock",
         {{"blockPublicACLs", true},
          {"blockPublicPolicy", false},
          {"ignorePublicACLs", true},
          {"restrictPublicBuckets", false}}},
        {"tagging", {{"tagSet", kConfigTags}}}}}};
  EXPECT_EQ(*bucket, expected) << bucket->dump(2);
  EXPECT_FALSE(BuildBucket({.config = kFixtureConfig, .region = "us-east-1"}).ok());
}

// Validates the OpenIDConnectProvider of §15.5 for the self-hosted fixture and the EKSIRSA
// managed vector, with no thumbprints.
TEST(BuildOidcProvider, SelfHostedAndEksIrsa_MatchSpecObjects) {
  const Json self_hosted = BuildOidcProvider(
      {.config = kFixtureConfig,
       .delivery = "SelfHostedIRSA",
       .issuer_host_path = "awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com"});
  EXPECT_EQ(self_hosted["apiVersion"], "iam.services.k8s.aws/v1alpha1");
  EXPECT_EQ(self_hosted["kind"], "OpenIDConnectProvider");
  EXPECT_EQ(self_hosted["metadata"]["name"], "awi-oidc-wlc-a");
  EXPECT_EQ(self_hosted["metadata"]["namespace"], "wlc-a");
  EXPECT_EQ(self_hosted["metadata"]["labels"], kConfigLabels);
  EXPECT_EQ(self_hosted["metadata"]["ownerReferences"], Json::array({kConfigOwnerReference}));
  EXPECT_EQ(
      self_hosted["spec"],
      Json({{"url", "https://awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com"},
            {"clientIDs", {"sts.amazonaws.com"}},
            {"tags", kConfigTags}}));

  const Json eks =
      BuildOidcProvider({.config = kFixtureConfig,
                         .delivery = "EKSIRSA",
                         .issuer_host_path = "oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE"});
  EXPECT_EQ(eks["spec"]["url"], "https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE");
  EXPECT_EQ(eks["spec"]["clientIDs"], Json({"sts.amazonaws.com"}));
  EXPECT_EQ(eks["metadata"]["labels"]["aws.identity.appthrust.io/delivery"], "EKSIRSA");
  EXPECT_FALSE(eks["spec"].contains("thumbprints"));
}

// Validates the signing Secret of §4.2: generated material gives type Opaque and exactly the
// two data keys (base64); adopted material leaves type and data out so they stay untouched.
TEST(BuildSigningSecret, GeneratedAndAdoptedShapes) {
  const Json generated = BuildSigningSecret(
      {.config = kFixtureConfig,
       .delivery = "SelfHostedIRSA",
       .key_id = "kid-1",
       .generated = SigningKeyMaterial{.private_key_pem = "PRIVATE", .public_key_pem = "PUBLIC"}});
  EXPECT_EQ(generated["apiVersion"], "v1");
  EXPECT_EQ(generated["kind"], "Secret");
  EXPECT_EQ(generated["metadata"]["name"], "awi-signing-key-default");
  EXPECT_EQ(generated["metadata"]["namespace"], "wlc-a");
  EXPECT_EQ(generated["metadata"]["labels"], kConfigLabels);
  EXPECT_EQ(generated["metadata"]["annotations"],
            Json({{"aws.identity.appthrust.io/signing-key-id", "kid-1"}}));
  EXPECT_EQ(generated["metadata"]["ownerReferences"], Json::array({kConfigOwnerReference}));
  EXPECT_EQ(generated["type"], "Opaque");
  EXPECT_EQ(generated["data"], Json({{"sa.key", base::Base64Encode("PRIVATE")},
                                     {"sa.pub", base::Base64Encode("PUBLIC")}}));

  const Json adopted =
      BuildSigningSecret({.config = kFixtureConfig, .delivery = "SelfHostedIRSA", .key_id = "k"});
  EXPECT_FALSE(adopted.contains("type"));
  EXPECT_FALSE(adopted.contains("data"));
  EXPECT_EQ(adopted["metadata"]["annotations"]["aws.identity.appthrust.io/signing-key-id"], "k");
}

}  // namespace
}  // namespace awio::aws
