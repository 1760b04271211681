// Tests of the API's literal strings (src/api/v1alpha1/constants.h, resources.h) and the
// delivery type helpers of types.h, checked against the text of spec/api.md.
#include "api/v1alpha1/constants.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <ostream>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/v1alpha1/resources.h"
#include "api/v1alpha1/types.h"

namespace awio::api::v1alpha1 {
namespace {

// The backtick-quoted words of `text`, in order.
std::vector<std::string> Backticked(std::string_view text) {
  static const std::regex kQuoted("`([^`]+)`");
  std::vector<std::string> out;
  const std::string s(text);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kQuoted); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

template <std::size_t N>
std::vector<std::string> AsStrings(const std::array<std::string_view, N>& values) {
  return {values.begin(), values.end()};
}

// spec/api.md §7.4, the master list paragraph, verbatim.
constexpr std::string_view kSpecReasonList = R"(
`Ready`, `AnnotationRepaired`, `Reconciled`, `Resolved`, `Rendered`, `NotRequired`,
`HubResourcesReady`, `EKSAutoMode`, `ManagedPoliciesOnly`, `InvalidSpec`,
`OperatorConfigUnavailable`, `ConfigNotReady`, `ConfigUnavailable`, `ResolverError`,
`ClusterProfileNotFound`, `TrustPolicyInputMissing`, `RolesRemain`, `ACKResourceSynced`,
`ACKResourceNotSynced`, `ACKResourceIdentifierPending`, `WaitingForACK`, `RemoteCheckPending`,
`RemoteDeliveryPending`, `DeletionBlocked`, `InventoryUnavailable`, `InventoryAmbiguous`,
`ACKResourceWaiting`, `IssuerReconcileFailed`, `OIDCObjectsPublished`,
`OIDCObjectsPublishFailed`, `RemoteClusterUnavailable`, `RemoteRuntimeUnmanaged`,
`RemoteNamespaceBootstrapPending`, `WebhookRuntimeApplyFailed`, `WebhookRuntimeSynced`,
`WebhookRuntimeUnavailable`, `WaitingForWebhookDeployment`,
`WebhookDeploymentObservedGenerationLag`, `WebhookDeploymentRolloutInProgress`,
`WebhookDeploymentReplicasUnavailable`, `PlacementUnavailable`, `ChildApplyFailed`,
`ChildConflict`, `ChildOwnershipMismatch`, `ChildrenApplied`, `ChildrenPending`, `ChildrenReady`,
`ClusterNamespaceMissing`, `ImmutableChildDrift`, `DeletionUnblocked`, `Progressing`, `Complete`,
`RolloutTimedOut`, `RolloutPending`.
)";

// spec/api.md §7.4, the condition type paragraph, verbatim.
constexpr std::string_view kSpecConditionTypes = R"(
The condition types are: `OperatorConfigReady`, `ClusterProfileResolved`, `InventoryResolved`,
`BucketReady`, `OIDCObjectsPublished`, `IAMProviderReady`, `IssuerReady`, `ConfigResolved`,
`PolicyReady`, `RoleReady`, `TrustPolicyReady`, `ServiceAccountAnnotationReady`,
`WebhookRuntimeReady`, `PodIdentityAssociationReady`, `PodIdentityAgentReady`, `DeliveryReady`,
`Ready`, `DeletionBlocked`, `PlacementResolved`, `PlacementRolledOut`, `Progressing`,
`AWSServiceAccountRolesApplied`, `AWSServiceAccountRolesReady`, `CleanupBlocked`.
)";

// spec/api.md §8.6 step 2, the reserved label keys, verbatim.
constexpr std::string_view kSpecReservedLabels = R"(
   * `app.kubernetes.io/managed-by`
   * `aws.identity.appthrust.io/binding-uid`
   * `aws.identity.appthrust.io/config-uid`
   * `aws.identity.appthrust.io/delivery`
   * `aws.identity.appthrust.io/inventory-namespace`
   * `aws.identity.appthrust.io/owner-ref`
   * `aws.identity.appthrust.io/replicaset-uid`
   * `aws.identity.appthrust.io/runtime`
   * `aws.identity.appthrust.io/service-account`
)";

// Validates that every reason of the §7.4 master list appears exactly once in reason::kAll,
// in source order, and that the list holds nothing else (54 reasons).
TEST(ConstantsTest, Reasons_MatchSpecMasterListExactlyOnce) {
  const std::vector<std::string> spec = Backticked(kSpecReasonList);
  ASSERT_EQ(spec.size(), 54u);
  for (const std::string& reason : spec) {
    EXPECT_EQ(std::count(reason::kAll.begin(), reason::kAll.end(), reason), 1) << reason;
  }
  EXPECT_EQ(AsStrings(reason::kAll), spec);
}

// Validates that the condition types are the §7.4 list, in its order, without duplicates.
TEST(ConstantsTest, ConditionTypes_MatchSpecList) {
  const std::vector<std::string> spec = Backticked(kSpecConditionTypes);
  ASSERT_EQ(spec.size(), 24u);
  EXPECT_EQ(AsStrings(condition::kAll), spec);
  EXPECT_EQ(std::set<std::string>(spec.begin(), spec.end()).size(), spec.size());
}

// Validates that the reserved template label keys are the §8.6 list, in ascending byte order
// (the order the webhook reports them in), and that the one reserved annotation is §8.6's.
TEST(ConstantsTest, ReservedTemplateKeys_MatchSpecAndAreSorted) {
  EXPECT_EQ(AsStrings(label::kReservedTemplateKeys), Backticked(kSpecReservedLabels));
  EXPECT_TRUE(
      std::is_sorted(label::kReservedTemplateKeys.begin(), label::kReservedTemplateKeys.end()));
  EXPECT_EQ(AsStrings(annotation::kReservedTemplateKeys),
            std::vector<std::string>{"aws.identity.appthrust.io/replicaset-owner-ref"});
}

struct Literal {
  std::string_view constant;
  std::string_view spec_text;
};
void PrintTo(const Literal& v, std::ostream* os) { *os << v.spec_text; }

class LiteralTest : public ::testing::TestWithParam<Literal> {};

// Validates that a constant spells the spec's literal exactly.
TEST_P(LiteralTest, Constant_EqualsSpecLiteral) {
  EXPECT_EQ(GetParam().constant, GetParam().spec_text);
}

const Literal kLiterals[] = {
    // §1.1
    {kGroup, "aws.identity.appthrust.io"},
    {kVersion, "v1alpha1"},
    {kAPIVersion, "aws.identity.appthrust.io/v1alpha1"},
    {kKindOperatorConfig, "AWSWorkloadIdentityOperatorConfig"},
    {kKindConfig, "AWSWorkloadIdentityConfig"},
    {kKindRole, "AWSServiceAccountRole"},
    {kKindReplicaSet, "AWSServiceAccountRoleReplicaSet"},
    {kListKindOperatorConfig, "AWSWorkloadIdentityOperatorConfigList"},
    {kListKindConfig, "AWSWorkloadIdentityConfigList"},
    {kListKindRole, "AWSServiceAccountRoleList"},
    {kListKindReplicaSet, "AWSServiceAccountRoleReplicaSetList"},
    {kResourceOperatorConfigs, "awsworkloadidentityoperatorconfigs"},
    {kResourceConfigs, "awsworkloadidentityconfigs"},
    {kResourceRoles, "awsserviceaccountroles"},
    {kResourceReplicaSets, "awsserviceaccountrolereplicasets"},
    // §9.2
    {kSingletonName, "default"},
    {kDefaultWebhookNamespace, "aws-pod-identity-webhook"},
    // §10.1
    {label::kManagedBy, "app.kubernetes.io/managed-by"},
    {label::kManagedByValue, "aws-workload-identity-operator"},
    {label::kRuntime, "aws.identity.appthrust.io/runtime"},
    {label::kRuntimeSelfHostedWebhook, "self-hosted-webhook"},
    {label::kReplicaSetUID, "aws.identity.appthrust.io/replicaset-uid"},
    // §1.3
    {label::kClusterName, "open-cluster-management.io/cluster-name"},
    {label::kClusterManager, "x-k8s.io/cluster-manager"},
    {label::kClusterManagerOCM, "open-cluster-management"},
    // §10.2
    {annotation::kForceDelete, "aws.identity.appthrust.io/force-delete"},
    {annotation::kForceDeleteValue, "true"},
    {annotation::kReplicaSetOwnerRef, "aws.identity.appthrust.io/replicaset-owner-ref"},
    {annotation::kSigningKeyID, "aws.identity.appthrust.io/signing-key-id"},
    {annotation::kServingCertSHA256, "aws.identity.appthrust.io/serving-cert-sha256"},
    // §10.5
    {annotation::kEKSRoleARN, "eks.amazonaws.com/role-arn"},
    {annotation::kEKSAudience, "eks.amazonaws.com/audience"},
    {annotation::kEKSAudienceValue, "sts.amazonaws.com"},
    {annotation::kEKSSTSRegionalEndpoints, "eks.amazonaws.com/sts-regional-endpoints"},
    {annotation::kEKSSTSRegionalEndpointsValue, "true"},
    {annotation::kEKSTokenExpiration, "eks.amazonaws.com/token-expiration"},
    {annotation::kEKSTokenExpirationValue, "86400"},
    // §10.3
    {finalizer::kConfig, "aws.identity.appthrust.io/config-finalizer"},
    {finalizer::kRole, "aws.identity.appthrust.io/service-account-role-finalizer"},
    {finalizer::kReplicaSet, "aws.identity.appthrust.io/service-account-role-replicaset-finalizer"},
    // §10.4
    {cluster_property::kEKSClusterName, "aws.identity.appthrust.io/eks-cluster-name"},
    {cluster_property::kEKSClusterARN, "aws.identity.appthrust.io/eks-cluster-arn"},
    {cluster_property::kAWSAccountID, "aws.identity.appthrust.io/aws-account-id"},
    {cluster_property::kAWSOrganizationID, "aws.identity.appthrust.io/aws-organization-id"},
    {cluster_property::kEKSAutoMode, "aws.identity.appthrust.io/eks-auto-mode"},
    {cluster_property::kAWSRegion, "aws.identity.appthrust.io.aws-region"},
    // §1.5.2
    {ack::kS3APIVersion, "s3.services.k8s.aws/v1alpha1"},
    {ack::kIAMAPIVersion, "iam.services.k8s.aws/v1alpha1"},
    {ack::kEKSAPIVersion, "eks.services.k8s.aws/v1alpha1"},
    // §8.1
    {webhook::kConfigName, "vawsworkloadidentityconfig.aws.identity.appthrust.io"},
    {webhook::kConfigPath,
     "/validate-aws-identity-appthrust-io-v1alpha1-awsworkloadidentityconfig"},
    {webhook::kRoleName, "vawsserviceaccountrole.aws.identity.appthrust.io"},
    {webhook::kRolePath, "/validate-aws-identity-appthrust-io-v1alpha1-awsserviceaccountrole"},
    {webhook::kReplicaSetName, "vawsserviceaccountrolereplicaset.aws.identity.appthrust.io"},
    {webhook::kReplicaSetPath,
     "/validate-aws-identity-appthrust-io-v1alpha1-awsserviceaccountrolereplicaset"},
    // §5.2, §9.1
    {rollout::kDefaultMinSuccessTime, "0"},
    {rollout::kDefaultProgressDeadline, "None"},
};
INSTANTIATE_TEST_SUITE_P(Spec, LiteralTest, ::testing::ValuesIn(kLiterals));

// Validates the enumerations against the CRD enum lists (§1.5.3 order, §3.1, §5.2, §5.4).
TEST(ConstantsTest, Enumerations_MatchSpecOrder) {
  EXPECT_EQ(AsStrings(delivery::kAll),
            (std::vector<std::string>{"SelfHostedIRSA", "EKSPodIdentity", "EKSIRSA"}));
  EXPECT_EQ(AsStrings(management::kAll), (std::vector<std::string>{"Managed", "External"}));
  EXPECT_EQ(AsStrings(rollout::kTypes),
            (std::vector<std::string>{"All", "Progressive", "ProgressivePerGroup"}));
  EXPECT_EQ(AsStrings(phase::kAll),
            (std::vector<std::string>{"Pending", "Ready", "Conflict", "Failed", "TimedOut"}));
}

// Validates that the ResourceRefs name the kinds' URL paths and scopes (§1.1).
TEST(ConstantsTest, Resources_BuildApiPaths) {
  EXPECT_EQ(
      kRoleResource.Path("wlc-a", "demo"),
      "/apis/aws.identity.appthrust.io/v1alpha1/namespaces/wlc-a/awsserviceaccountroles/demo");
  EXPECT_EQ(kConfigResource.Path("wlc-a", "default", "status"),
            "/apis/aws.identity.appthrust.io/v1alpha1/namespaces/wlc-a/awsworkloadidentityconfigs/"
            "default/status");
  EXPECT_EQ(kReplicaSetResource.QualifiedName(),
            "awsserviceaccountrolereplicasets.aws.identity.appthrust.io");
  // Cluster-scoped: the namespace argument is ignored.
  EXPECT_EQ(kOperatorConfigResource.Path("ignored", "default"),
            "/apis/aws.identity.appthrust.io/v1alpha1/awsworkloadidentityoperatorconfigs/default");
  EXPECT_FALSE(kOperatorConfigResource.namespaced);
  EXPECT_TRUE(kConfigResource.namespaced && kRoleResource.namespaced &&
              kReplicaSetResource.namespaced);
  EXPECT_EQ(kRoleResource.kind, "AWSServiceAccountRole");
}

struct DeliveryCase {
  std::string_view text;
  std::optional<DeliveryType> parsed;
  bool annotations;
};
void PrintTo(const DeliveryCase& v, std::ostream* os) { *os << '"' << v.text << '"'; }

class DeliveryTypeTest : public ::testing::TestWithParam<DeliveryCase> {};

// Validates parsing of the delivery type strings (exact, case-sensitive) and which ones
// deliver through ServiceAccount annotations (§1.5.3).
TEST_P(DeliveryTypeTest, Parse_ExactStringsOnly) {
  const DeliveryCase& c = GetParam();
  EXPECT_EQ(ParseDeliveryType(c.text), c.parsed);
  if (c.parsed) {
    EXPECT_EQ(DeliveryTypeName(*c.parsed), c.text);
    EXPECT_EQ(UsesServiceAccountAnnotations(*c.parsed), c.annotations);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, DeliveryTypeTest,
    ::testing::Values(DeliveryCase{"SelfHostedIRSA", DeliveryType::kSelfHostedIRSA, true},
                      DeliveryCase{"EKSPodIdentity", DeliveryType::kEKSPodIdentity, false},
                      DeliveryCase{"EKSIRSA", DeliveryType::kEKSIRSA, true},
                      DeliveryCase{"eksirsa", std::nullopt, false},
                      DeliveryCase{"IRSA", std::nullopt, false},
                      DeliveryCase{"", std::nullopt, false}));

}  // namespace
}  // namespace awio::api::v1alpha1
