// Tests that the trust policies of src/aws/trust_policy.h (role-controller spec §5) are accepted
// by IAM as the AWS emulator implements it: for each delivery type, CreateRole with the rendered
// AssumeRolePolicyDocument, the role's path, session duration and tags as ACK would send them,
// UpdateAssumeRolePolicy with the same document (the call in which the emulator validates trust
// policies: syntax, version, allowed sts actions, no Resource), then GetRole and a semantic
// comparison of the stored document. A negative control proves that a malformed document would
// be refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/ack_objects.h"
#include "aws/names.h"
#include "aws/trust_policy.h"
#include "model_emulator_util.h"
#include "oidc/documents.h"
#include "support/shared_environment.h"

namespace awio::test {
namespace {

using nlohmann::json;

// Registers an IAM OIDC provider for `host_path` and returns its ARN, as ACK would report it
// in the config's status.oidcProviderARN.
std::string CreateOidcProvider(const testenv::AwsEmulator& aws, const std::string& host_path) {
  auto response = IamCall(aws, {{"Action", "CreateOpenIDConnectProvider"},
                                {"Url", "https://" + host_path},
                                {"ClientIDList.member.1", std::string(aws::kStsAudience)}});
  EXPECT_EQ(response.status, 200) << response.body;
  return XmlText(response.body, "//OpenIDConnectProviderArn");
}

// CreateRole as ACK's IAM controller sends it for our Role object.
testenv::HttpResponse CreateRole(const testenv::AwsEmulator& aws, const std::string& name,
                                 const std::string& trust_policy, const aws::Labels& labels) {
  std::vector<std::pair<std::string, std::string>> params = {
      {"Action", "CreateRole"},
      {"RoleName", name},
      {"AssumeRolePolicyDocument", trust_policy},
      {"Path", std::string(aws::kRolePath)},
      {"MaxSessionDuration", std::to_string(aws::kRoleMaxSessionDurationSeconds)}};
  int index = 1;
  for (const aws::Tag& tag : aws::TagsFromLabels(labels)) {
    const std::string prefix = "Tags.member." + std::to_string(index++);
    params.emplace_back(prefix + ".Key", tag.key);
    params.emplace_back(prefix + ".Value", tag.value);
  }
  return IamCall(aws, params);
}

// UpdateAssumeRolePolicy: the call in which the emulator validates a trust policy.
testenv::HttpResponse UpdateTrustPolicy(const testenv::AwsEmulator& aws, const std::string& name,
                                        const std::string& trust_policy) {
  return IamCall(
      aws,
      {{"Action", "UpdateAssumeRolePolicy"}, {"RoleName", name}, {"PolicyDocument", trust_policy}});
}

struct DeliveryCase {
  std::string name;
  std::string delivery;
  std::string issuer_host_path;   // annotation-based delivery: the issuer to register
  aws::InventoryFacts inventory;  // EKSPodIdentity
};

class TrustPolicyInIam : public ::testing::TestWithParam<DeliveryCase> {};

// Validates that the trust policy rendered for the delivery type is accepted by CreateRole and
// stored as the same JSON document, with our path, session duration and tags.
TEST_P(TrustPolicyInIam, CreateRole_AcceptsAndStoresRenderedPolicy) {
  const DeliveryCase& c = GetParam();
  const testenv::AwsEmulator& aws = SharedEnvironment().aws();
  const aws::OwnerIdentity role{"trust-" + c.name, "app", "uid-" + c.name};
  const aws::ServiceAccountRef service_account{"kube-system", "controller"};

  aws::TrustPolicyInput input{
      .delivery = c.delivery, .inventory = c.inventory, .service_account = service_account};
  if (!c.issuer_host_path.empty()) {
    input.issuer_host_path = c.issuer_host_path;
    input.oidc_provider_arn = CreateOidcProvider(aws, c.issuer_host_path);
    ASSERT_EQ(input.oidc_provider_arn,
              "arn:aws:iam::" + aws.account_id + ":oidc-provider/" + c.issuer_host_path);
  }
  auto trust_policy = aws::RenderTrustPolicy(input);
  ASSERT_TRUE(trust_policy.ok()) << trust_policy.error().message;

  const std::string role_name = aws::IamRoleName(role);
  const aws::Labels labels = aws::RoleLabels(role, service_account, c.delivery);
  auto created = CreateRole(aws, role_name, *trust_policy, labels);
  ASSERT_EQ(created.status, 200) << created.body;
  // The emulator validates trust policies only in UpdateAssumeRolePolicy (which ACK calls when
  // the document changes), so the document goes through it as well.
  auto updated = UpdateTrustPolicy(aws, role_name, *trust_policy);
  ASSERT_EQ(updated.status, 200) << updated.body;

  auto got = IamCall(aws, {{"Action", "GetRole"}, {"RoleName", role_name}});
  ASSERT_EQ(got.status, 200) << got.body;
  const std::string stored = UrlDecode(XmlText(got.body, "//Role/AssumeRolePolicyDocument"));
  EXPECT_EQ(json::parse(stored, nullptr, false), json::parse(*trust_policy)) << stored;
  EXPECT_EQ(XmlText(got.body, "//Role/Path"), "/");
  EXPECT_EQ(XmlText(got.body, "//Role/MaxSessionDuration"), "3600");
  EXPECT_EQ(XmlText(got.body, "//Role/Arn"),
            "arn:aws:iam::" + aws.account_id + ":role/" + role_name);

  auto tags = IamCall(aws, {{"Action", "ListRoleTags"}, {"RoleName", role_name}});
  ASSERT_EQ(tags.status, 200) << tags.body;
  const std::vector<std::string> keys = XmlTexts(tags.body, "//Tags/member/Key");
  const std::vector<std::string> values = XmlTexts(tags.body, "//Tags/member/Value");
  ASSERT_EQ(keys.size(), values.size());
  aws::Labels stored_tags;
  for (std::size_t i = 0; i < keys.size(); ++i) stored_tags[keys[i]] = values[i];
  EXPECT_EQ(stored_tags, labels);
}

const aws::InventoryFacts kPodIdentityInventory{
    .ready = true,
    .eks_cluster_name = "prod",
    .eks_cluster_arn = "arn:aws:eks:us-east-1:123456789012:cluster/prod",
    .account_id = "123456789012"};

INSTANTIATE_TEST_SUITE_P(
    DeliveryTypes, TrustPolicyInIam,
    ::testing::Values(
        DeliveryCase{.name = "selfhosted",
                     .delivery = "SelfHostedIRSA",
                     .issuer_host_path = oidc::IssuerHostPath(
                         aws::BucketName("trust-selfhosted", "us-east-1"), "us-east-1")},
        DeliveryCase{.name = "eksirsa",
                     .delivery = "EKSIRSA",
                     .issuer_host_path = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"},
        DeliveryCase{.name = "podidentity",
                     .delivery = "EKSPodIdentity",
                     .inventory = kPodIdentityInventory},
        DeliveryCase{.name = "podidentity-org",
                     .delivery = "EKSPodIdentity",
                     .inventory =
                         [] {
                           aws::InventoryFacts facts = kPodIdentityInventory;
                           facts.organization_id = "o-abc123";
                           return facts;
                         }()},
        DeliveryCase{.name = "podidentity-gov",
                     .delivery = "EKSPodIdentity",
                     .inventory =
                         [] {
                           aws::InventoryFacts facts = kPodIdentityInventory;
                           facts.eks_cluster_arn =
                               "arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/prod";
                           return facts;
                         }()}),
    [](const auto& param_info) {
      std::string name = param_info.param.name;
      for (char& ch : name) {
        if (ch == '-') ch = '_';
      }
      return name;
    });

// Validates the negative control: the emulator refuses a trust policy IAM would refuse (a
// Resource element, an action STS does not have), so the acceptance above means something.
TEST(TrustPolicyInIamControl, MalformedTrustPolicy_IsRefused) {
  const testenv::AwsEmulator& aws = SharedEnvironment().aws();
  const std::string valid = aws::PodIdentityTrustPolicy(
      {kPodIdentityInventory.eks_cluster_arn, "", {"kube-system", "controller"}});
  json with_resource = json::parse(valid);
  with_resource["Statement"][0]["Resource"] = "*";
  json wrong_action = json::parse(valid);
  wrong_action["Statement"][0]["Action"] = "s3:GetObject";
  ASSERT_EQ(CreateRole(aws, "trust-control", valid, {}).status, 200);
  EXPECT_EQ(UpdateTrustPolicy(aws, "trust-control", valid).status, 200);
  for (const json& document : {with_resource, wrong_action}) {
    auto updated = UpdateTrustPolicy(aws, "trust-control", document.dump());
    EXPECT_EQ(updated.status, 400) << updated.body;
    EXPECT_EQ(XmlText(updated.body, "//Error/Code"), "MalformedPolicyDocument") << updated.body;
  }
}

}  // namespace
}  // namespace awio::test
