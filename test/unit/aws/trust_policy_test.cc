// Tests of the trust policy documents in src/aws/trust_policy.h against role-controller spec §5
// and the byte-exact vectors of §17.2.
#include "aws/trust_policy.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace awio::aws {
namespace {

// Validates the three web identity vectors of §17.2 byte for byte (SelfHostedIRSA bucket
// issuer, EKSIRSA issuer with a path, and the 353-character fixture document).
TEST(WebIdentityTrustPolicy, SpecVectorsByteExact) {
  struct Case {
    WebIdentityTrust input;
    std::string expected;
  };
  const Case cases[] = {
      {{"bucket.s3.ap-northeast-1.amazonaws.com",
        "arn:aws:iam::123456789012:oidc-provider/bucket",
        {"kube-system", "controller"}},
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/bucket"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"bucket.s3.ap-northeast-1.amazonaws.com:aud":"sts.amazonaws.com","bucket.s3.ap-northeast-1.amazonaws.com:sub":"system:serviceaccount:kube-system:controller"}}}]})"},
      {{"oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
        {"apps", "api"}},
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE:aud":"sts.amazonaws.com","oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE:sub":"system:serviceaccount:apps:api"}}}]})"},
      {{"example.s3.ap-northeast-1.amazonaws.com",
        "arn:aws:iam::123456789012:oidc-provider/example",
        {"default", "app"}},
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/example"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"example.s3.ap-northeast-1.amazonaws.com:aud":"sts.amazonaws.com","example.s3.ap-northeast-1.amazonaws.com:sub":"system:serviceaccount:default:app"}}}]})"},
  };
  for (const Case& c : cases) EXPECT_EQ(WebIdentityTrustPolicy(c.input), c.expected);
  EXPECT_EQ(WebIdentityTrustPolicy(cases[2].input).size(), 353u);
}

// Validates the substrings §17.2 requires for the EKSIRSA issuer with SA default/app.
TEST(WebIdentityTrustPolicy, EksIrsaDefaultApp_ContainsPrincipalAndSubject) {
  const std::string policy = WebIdentityTrustPolicy(
      {"oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
       "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
       {"default", "app"}});
  EXPECT_NE(
      policy.find(
          R"("Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE")"),
      std::string::npos);
  EXPECT_NE(
      policy.find(
          R"("oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE:sub":"system:serviceaccount:default:app")"),
      std::string::npos);
}

// Validates the two EKS Pod Identity vectors of §17.2: with an organization id the
// aws:SourceOrgId entry sorts last; without one it is absent.
TEST(PodIdentityTrustPolicy, SpecVectorsByteExact) {
  EXPECT_EQ(
      PodIdentityTrustPolicy(
          {"arn:aws:eks:ap-northeast-1:123456789012:cluster/prod", "o-abc", {"apps", "api"}}),
      R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowEksAuthToAssumeRoleForPodIdentity","Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"aws:RequestTag/eks-cluster-arn":"arn:aws:eks:ap-northeast-1:123456789012:cluster/prod","aws:RequestTag/kubernetes-namespace":"apps","aws:RequestTag/kubernetes-service-account":"api","aws:SourceOrgId":"o-abc"}}}]})");
  EXPECT_EQ(
      PodIdentityTrustPolicy(
          {"arn:aws:eks:ap-northeast-1:123456789012:cluster/wlc-a", "", {"default", "app"}}),
      R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowEksAuthToAssumeRoleForPodIdentity","Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"aws:RequestTag/eks-cluster-arn":"arn:aws:eks:ap-northeast-1:123456789012:cluster/wlc-a","aws:RequestTag/kubernetes-namespace":"default","aws:RequestTag/kubernetes-service-account":"app"}}}]})");
}

// Validates that ARNs of other partitions are carried through unchanged (the principal comes
// from ACK status; the trust policy never rewrites a partition).
TEST(TrustPolicy, OtherPartitionArns_AreKeptVerbatim) {
  const std::string cn = WebIdentityTrustPolicy({"b.s3.cn-north-1.amazonaws.com.cn",
                                                 "arn:aws-cn:iam::123456789012:oidc-provider/b",
                                                 {"ns", "sa"}});
  EXPECT_NE(cn.find(R"("Federated":"arn:aws-cn:iam::123456789012:oidc-provider/b")"),
            std::string::npos);
  const std::string gov = PodIdentityTrustPolicy(
      {"arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/c", "", {"ns", "sa"}});
  EXPECT_NE(gov.find(R"("arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/c")"),
            std::string::npos);
}

// Validates Go's escaping (§5): <, > and & become \u003c, \u003e, \u0026; '/' is not escaped;
// and the document still parses to the original strings.
TEST(TrustPolicy, HtmlCharacters_AreEscapedAsGoDoes) {
  const std::string policy = WebIdentityTrustPolicy({"h/p", "arn:<x>&y", {"ns", "a\"b"}});
  EXPECT_NE(policy.find(R"("Federated":"arn:\u003cx\u003e\u0026y")"), std::string::npos);
  EXPECT_NE(policy.find(R"("h/p:sub":"system:serviceaccount:ns:a\"b")"), std::string::npos);
  const auto parsed = nlohmann::json::parse(policy);
  EXPECT_EQ(parsed["Statement"][0]["Principal"]["Federated"], "arn:<x>&y");
}

// Validates the precondition table of §5.3: the first missing input wins, in the spec's order,
// with the original message, and a complete input renders.
TEST(RenderTrustPolicy, Preconditions_FirstMissingInputIsReported) {
  const InventoryFacts ready{
      .ready = true,
      .eks_cluster_name = "wlc-a",
      .eks_cluster_arn = "arn:aws:eks:ap-northeast-1:123456789012:cluster/wlc-a",
      .account_id = "123456789012"};
  struct Case {
    std::string name;
    TrustPolicyInput input;
    std::string message;  // empty: success expected
  };
  auto with_inventory = [&](auto change) {
    InventoryFacts facts = ready;
    change(facts);
    return TrustPolicyInput{
        .delivery = "EKSPodIdentity", .inventory = facts, .service_account = {"default", "app"}};
  };
  const Case cases[] = {
      {"irsa both empty",
       {.delivery = "SelfHostedIRSA"},
       "AWSWorkloadIdentityConfig.status.oidcProviderARN is empty"},
      {"irsa no host path",
       {.delivery = "EKSIRSA", .oidc_provider_arn = "arn:aws:iam::1:oidc-provider/x"},
       "AWSWorkloadIdentityConfig.status.issuerHostPath is empty"},
      {"irsa no arn",
       {.delivery = "SelfHostedIRSA", .issuer_host_path = "h"},
       "AWSWorkloadIdentityConfig.status.oidcProviderARN is empty"},
      {"irsa complete",
       {.delivery = "SelfHostedIRSA", .issuer_host_path = "h", .oidc_provider_arn = "p"},
       ""},
      {"pod identity not ready", with_inventory([](InventoryFacts& f) {
         f = {.reason = "ClusterProfileNotFound",
              .message = "ClusterProfile for workload namespace wlc-a was not found"};
       }),
       "require EKS inventory properties: ClusterProfileNotFound: ClusterProfile for workload "
       "namespace wlc-a was not found"},
      {"pod identity no name",
       with_inventory([](InventoryFacts& f) { f.eks_cluster_name.clear(); }),
       "require EKS inventory properties: missing EKS cluster name property"},
      {"pod identity no arn", with_inventory([](InventoryFacts& f) { f.eks_cluster_arn.clear(); }),
       "require EKS inventory properties: missing EKS cluster ARN property"},
      {"pod identity no account", with_inventory([](InventoryFacts& f) { f.account_id.clear(); }),
       "require EKS inventory properties: missing AWS account ID property"},
      {"pod identity complete", with_inventory([](InventoryFacts&) {}), ""},
      {"unknown delivery", {.delivery = "Other"}, R"(unsupported delivery type "Other")"},
      {"empty delivery", {}, R"(unsupported delivery type "")"},
      {"quoted delivery", {.delivery = "a\"b\n"}, R"(unsupported delivery type "a\"b\n")"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto result = RenderTrustPolicy(c.input);
    if (c.message.empty()) {
      ASSERT_TRUE(result.ok()) << result.error().message;
      EXPECT_FALSE(result->empty());
    } else {
      ASSERT_FALSE(result.ok());
      EXPECT_EQ(result.error().message, c.message);
      EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
    }
  }
}

// Validates that RenderTrustPolicy picks the document of the delivery type: web identity for
// both annotation-based types, the Pod Identity document (with the org id) for EKSPodIdentity.
TEST(RenderTrustPolicy, DeliveryType_SelectsDocument) {
  const TrustPolicyInput irsa{
      .delivery = "EKSIRSA",
      .issuer_host_path = "example.s3.ap-northeast-1.amazonaws.com",
      .oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/example",
      .service_account = {"default", "app"}};
  EXPECT_EQ(
      RenderTrustPolicy(irsa).value(),
      WebIdentityTrustPolicy({irsa.issuer_host_path, irsa.oidc_provider_arn, {"default", "app"}}));

  const TrustPolicyInput pod{
      .delivery = "EKSPodIdentity",
      .inventory = {.ready = true,
                    .eks_cluster_name = "prod",
                    .eks_cluster_arn = "arn:aws:eks:ap-northeast-1:123456789012:cluster/prod",
                    .account_id = "123456789012",
                    .organization_id = "o-abc"},
      .service_account = {"apps", "api"}};
  EXPECT_EQ(
      RenderTrustPolicy(pod).value(),
      PodIdentityTrustPolicy(
          {"arn:aws:eks:ap-northeast-1:123456789012:cluster/prod", "o-abc", {"apps", "api"}}));
}

}  // namespace
}  // namespace awio::aws
