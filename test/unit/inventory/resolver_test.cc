// Tests of workload namespace to ClusterProfile resolution (src/inventory/resolver.h). Spec:
// inventory-and-remote-irsa.md §2.1-§2.5, test vectors §13.1; property names api.md §10.4.
#include "inventory/resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace awio::inventory {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kWorkloadNamespace[] = "wlc-a";

json OcmLabels(const std::string& cluster_name = kWorkloadNamespace) {
  return {{"open-cluster-management.io/cluster-name", cluster_name},
          {"x-k8s.io/cluster-manager", "open-cluster-management"}};
}

json Property(const std::string& name, const std::string& value) {
  return {{"name", name}, {"value", value}};
}

json AccessProviders() {
  return json::array({{{"name", "open-cluster-management"},
                       {"cluster", {{"server", "https://wlc-a.example.com"}}}}});
}

// A ClusterProfile as the API server returns it.
json Profile(const std::string& ns, const std::string& name, json status = json::object(),
             json labels = OcmLabels()) {
  return {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
          {"kind", "ClusterProfile"},
          {"metadata", {{"namespace", ns}, {"name", name}, {"labels", labels}}},
          {"spec", {{"clusterManager", {{"name", "open-cluster-management"}}}}},
          {"status", status}};
}

// A status with access providers. `properties` is a vector, not a json, so that a one-element
// braced list stays a list (a braced json of one element may copy that element instead).
json ReadyStatus(const std::vector<json>& properties = {}) {
  return {{"accessProviders", AccessProviders()}, {"properties", json(properties)}};
}

json Healthy() {
  return json::array({{{"type", "ControlPlaneHealthy"},
                       {"status", "True"},
                       {"reason", "Healthy"},
                       {"message", ""},
                       {"lastTransitionTime", "2026-01-01T00:00:00Z"}}});
}

struct ResolveCase {
  std::string description;
  std::vector<json> profiles;
  bool ready;
  std::string reason;
  std::string cluster_name;
  std::string eks_cluster_name;
  std::string aws_region;
};

class ResolveVectorTest : public ::testing::TestWithParam<ResolveCase> {};

// Validates the §13.1 resolution vectors: readiness, reason, cluster name and the copied EKS
// name and region.
TEST_P(ResolveVectorTest, Resolve_SpecVector_GivesExpectedOutcome) {
  const ResolveCase& c = GetParam();
  Resolution got = Resolve(kWorkloadNamespace, c.profiles);
  EXPECT_EQ(got.ready, c.ready);
  EXPECT_EQ(got.reason, c.reason);
  EXPECT_EQ(got.cluster_name, c.cluster_name);
  EXPECT_EQ(got.properties.eks_cluster_name, c.eks_cluster_name);
  EXPECT_EQ(got.properties.aws_region, c.aws_region);
}

json WithConditions(json status) {
  status["conditions"] = Healthy();
  return status;
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, ResolveVectorTest,
    ::testing::Values(
        ResolveCase{
            "ReadyWithDotRegion",
            {Profile("wlc-a", "wlc-a",
                     WithConditions(ReadyStatus(
                         {Property("aws.identity.appthrust.io/eks-cluster-name", "prod"),
                          Property("aws.identity.appthrust.io.aws-region", "us-east-1")})))},
            true,
            "Resolved",
            "wlc-a/wlc-a",
            "prod",
            "us-east-1"},
        ResolveCase{
            "SlashRegionIgnored",
            {Profile("wlc-a", "wlc-a",
                     WithConditions(ReadyStatus(
                         {Property("aws.identity.appthrust.io/eks-cluster-name", "prod"),
                          Property("aws.identity.appthrust.io/aws-region", "us-west-2")})))},
            true,
            "Resolved",
            "wlc-a/wlc-a",
            "prod",
            ""},
        ResolveCase{"NoAccessProviders",
                    {Profile("wlc-a", "wlc-a", json::object())},
                    false,
                    "InventoryUnavailable",
                    "wlc-a/wlc-a",
                    "",
                    ""},
        ResolveCase{"OnlyCredentialProviders",
                    {Profile("wlc-a", "wlc-a",
                             {{"credentialProviders",
                               json::array({{{"name", "legacy"}, {"cluster", json::object()}}})}})},
                    false,
                    "InventoryUnavailable",
                    "wlc-a/wlc-a",
                    "",
                    ""},
        ResolveCase{"OtherNamespace_NameFromLabel",
                    {Profile("awio-system", "wlc-a",
                             ReadyStatus({Property("aws.identity.appthrust.io/eks-cluster-name",
                                                   "prod")}))},
                    true,
                    "Resolved",
                    "wlc-a/wlc-a",
                    "prod",
                    ""},
        ResolveCase{"None", {}, false, "ClusterProfileNotFound", "wlc-a/wlc-a", "", ""},
        ResolveCase{
            "ThreeReady_Ambiguous",
            {Profile("hub-c", "wlc-a", ReadyStatus()), Profile("hub-a", "wlc-a", ReadyStatus()),
             Profile("hub-b", "wlc-a", ReadyStatus())},
            false,
            "InventoryAmbiguous",
            "wlc-a/wlc-a",
            "",
            ""},
        ResolveCase{
            "OneReadyOneNot_ReadyWins",
            {Profile("hub-a", "wlc-a",
                     ReadyStatus({Property("aws.identity.appthrust.io/eks-cluster-name", "prod")})),
             Profile("hub-b", "wlc-a", json::object())},
            true,
            "Resolved",
            "wlc-a/wlc-a",
            "prod",
            ""},
        ResolveCase{"ClusterManagerLabelMissing_NotMatched",
                    {Profile("wlc-a", "wlc-a", ReadyStatus(),
                             {{"open-cluster-management.io/cluster-name", "wlc-a"}})},
                    false,
                    "ClusterProfileNotFound",
                    "wlc-a/wlc-a",
                    "",
                    ""},
        ResolveCase{"OtherClusterManager_NotMatched",
                    {Profile("wlc-a", "wlc-a", ReadyStatus(),
                             {{"open-cluster-management.io/cluster-name", "wlc-a"},
                              {"x-k8s.io/cluster-manager", "someone-else"}})},
                    false,
                    "ClusterProfileNotFound",
                    "wlc-a/wlc-a",
                    "",
                    ""},
        ResolveCase{"OtherWorkloadNamespace_NotMatched",
                    {Profile("wlc-b", "wlc-b", ReadyStatus(), OcmLabels("wlc-b"))},
                    false,
                    "ClusterProfileNotFound",
                    "wlc-a/wlc-a",
                    "",
                    ""},
        ResolveCase{"NameOnlyWithoutLabel_NotMatched",
                    {Profile("wlc-a", "wlc-a", ReadyStatus(), json::object())},
                    false,
                    "ClusterProfileNotFound",
                    "wlc-a/wlc-a",
                    "",
                    ""}),
    [](const auto& param_info) { return param_info.param.description; });

// Validates the exact §2.3 messages of the not-found and not-provisioned outcomes.
TEST(Resolve, NotFoundAndUnavailable_UseExactMessages) {
  Resolution missing = Resolve(kWorkloadNamespace, {});
  EXPECT_EQ(missing.outcome, ResolutionOutcome::kNotFound);
  EXPECT_EQ(missing.message, "ClusterProfile for workload namespace wlc-a was not found");

  Resolution unavailable = Resolve(kWorkloadNamespace, {Profile("wlc-a", "wlc-a")});
  EXPECT_EQ(unavailable.outcome, ResolutionOutcome::kUnavailable);
  EXPECT_EQ(unavailable.message,
            "OCM ClusterProfile for workload namespace wlc-a exists but has not been provisioned "
            "with access providers yet");
}

// Validates that an ambiguous match lists only the ready profiles as namespace/name, sorted by
// namespace then name, joined by ", " (§2.2, §2.3, §13.1).
TEST(Resolve, Ambiguous_ListsReadyProfilesSorted) {
  Resolution got =
      Resolve(kWorkloadNamespace,
              {Profile("hub-c", "wlc-a", ReadyStatus()), Profile("hub-a", "wlc-a", ReadyStatus()),
               Profile("hub-a", "not-ready"), Profile("hub-b", "wlc-a", ReadyStatus())});
  EXPECT_EQ(got.outcome, ResolutionOutcome::kAmbiguous);
  EXPECT_EQ(got.message,
            "multiple OCM ClusterProfiles match cluster-name label \"wlc-a\" with AccessProviders: "
            "hub-a/wlc-a, hub-b/wlc-a, hub-c/wlc-a");
  EXPECT_TRUE(got.profile_name.empty());
}

// Validates that ordering is byte-wise on namespace first, then name (§2.2): "B" sorts before
// "a", and name decides within one namespace.
TEST(Resolve, Ambiguous_OrdersByteWiseNamespaceThenName) {
  Resolution got = Resolve(kWorkloadNamespace,
                           {Profile("hub", "b", ReadyStatus()), Profile("hub", "a", ReadyStatus()),
                            Profile("Hub", "z", ReadyStatus())});
  EXPECT_EQ(got.message,
            "multiple OCM ClusterProfiles match cluster-name label \"wlc-a\" with AccessProviders: "
            "Hub/z, hub/a, hub/b");
}

// Validates that a resolution names the chosen profile and says "ClusterProfile resolved" (§2.3).
TEST(Resolve, Resolved_NamesProfileAndMessage) {
  Resolution got = Resolve(kWorkloadNamespace,
                           {Profile("hub-a", "wlc-a", ReadyStatus()), Profile("hub-b", "wlc-a")});
  EXPECT_EQ(got.outcome, ResolutionOutcome::kResolved);
  EXPECT_EQ(got.message, "ClusterProfile resolved");
  EXPECT_EQ(got.profile_namespace, "hub-a");
  EXPECT_EQ(got.profile_name, "wlc-a");
}

// Validates that every §2.4 property is copied, the last of a repeated name wins, and auto mode
// needs exactly "true".
TEST(PropertiesOf, CopiesKnownProperties_LastDuplicateWins) {
  json profile =
      Profile("wlc-a", "wlc-a",
              ReadyStatus({Property("aws.identity.appthrust.io/eks-cluster-name", "first"),
                           Property("aws.identity.appthrust.io/eks-cluster-name", "prod"),
                           Property("aws.identity.appthrust.io/eks-cluster-arn",
                                    "arn:aws:eks:us-east-1:123456789012:cluster/prod"),
                           Property("aws.identity.appthrust.io/aws-account-id", "123456789012"),
                           Property("aws.identity.appthrust.io.aws-region", "eu-west-1"),
                           Property("aws.identity.appthrust.io/aws-organization-id", "o-abc123"),
                           Property("aws.identity.appthrust.io/eks-auto-mode", "true"),
                           Property("unrelated", "x")}));
  ClusterProperties want{.eks_cluster_name = "prod",
                         .eks_cluster_arn = "arn:aws:eks:us-east-1:123456789012:cluster/prod",
                         .aws_account_id = "123456789012",
                         .aws_region = "eu-west-1",
                         .aws_organization_id = "o-abc123",
                         .eks_auto_mode = true};
  EXPECT_EQ(PropertiesOf(profile), want);
  EXPECT_EQ(Resolve(kWorkloadNamespace, {profile}).properties, want);
}

struct AutoModeCase {
  std::string value;
  bool expected;
};

class EksAutoModeTest : public ::testing::TestWithParam<AutoModeCase> {};

// Validates that EKS Auto Mode is on only for the exact, case-sensitive value "true" (§2.4).
TEST_P(EksAutoModeTest, AutoMode_OnlyExactTrue) {
  json profile =
      Profile("wlc-a", "wlc-a",
              ReadyStatus({Property("aws.identity.appthrust.io/eks-auto-mode", GetParam().value)}));
  EXPECT_EQ(PropertiesOf(profile).eks_auto_mode, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Values, EksAutoModeTest,
                         ::testing::Values(AutoModeCase{"true", true}, AutoModeCase{"True", false},
                                           AutoModeCase{"TRUE", false}, AutoModeCase{"1", false},
                                           AutoModeCase{"false", false}));

// Validates that properties of a profile that did not resolve are not reported (§2.4 copies on
// success only).
TEST(Resolve, Unresolved_CopiesNoProperties) {
  std::vector<json> properties = {Property("aws.identity.appthrust.io/eks-cluster-name", "prod")};
  Resolution got =
      Resolve(kWorkloadNamespace, {Profile("hub-a", "wlc-a", ReadyStatus(properties)),
                                   Profile("hub-b", "wlc-a", ReadyStatus(properties))});
  EXPECT_EQ(got.properties, ClusterProperties{});
}

struct ProviderCase {
  std::string description;
  json status;
  bool expected;
};

class HasAccessProvidersTest : public ::testing::TestWithParam<ProviderCase> {};

// Validates the §13.1 "has access provider" predicate: access only true, credential only false,
// neither false.
TEST_P(HasAccessProvidersTest, HasAccessProviders_OnlyAccessProvidersCount) {
  EXPECT_EQ(HasAccessProviders(Profile("wlc-a", "wlc-a", GetParam().status)), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, HasAccessProvidersTest,
    ::testing::Values(ProviderCase{"AccessOnly", {{"accessProviders", AccessProviders()}}, true},
                      ProviderCase{
                          "CredentialOnly", {{"credentialProviders", AccessProviders()}}, false},
                      ProviderCase{"Neither", json::object(), false},
                      ProviderCase{"EmptyAccessList", {{"accessProviders", json::array()}}, false}),
    [](const auto& param_info) { return param_info.param.description; });

// Validates the §13.1 require-EKS vectors: a ready resolution with name, ARN and account passes;
// a ready one with nothing fails.
TEST(RequireEKS, SpecVectors) {
  Resolution complete{.outcome = ResolutionOutcome::kResolved, .ready = true};
  complete.properties = {
      .eks_cluster_name = "prod", .eks_cluster_arn = "arn", .aws_account_id = "123456789012"};
  EXPECT_TRUE(RequireEKS(complete).ok());

  Resolution bare{.outcome = ResolutionOutcome::kResolved, .ready = true};
  EXPECT_FALSE(RequireEKS(bare).ok());
}

struct RequireCase {
  std::string description;
  Resolution resolution;
  std::string message;
};

class RequireEKSTest : public ::testing::TestWithParam<RequireCase> {};

// Validates the order and texts of the require-EKS checks (§2.4): readiness first, then name,
// ARN and account ID.
TEST_P(RequireEKSTest, RequireEKS_FirstFailureInSpecOrder) {
  auto status = RequireEKS(GetParam().resolution);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, GetParam().message);
}

Resolution ReadyWith(ClusterProperties properties) {
  Resolution resolution{.outcome = ResolutionOutcome::kResolved, .ready = true};
  resolution.properties = std::move(properties);
  return resolution;
}

INSTANTIATE_TEST_SUITE_P(
    Order, RequireEKSTest,
    ::testing::Values(
        RequireCase{"NotReady", Resolve(kWorkloadNamespace, {}),
                    "ClusterProfileNotFound: ClusterProfile for workload namespace wlc-a was not "
                    "found"},
        RequireCase{"NoName", ReadyWith({.eks_cluster_arn = "arn", .aws_account_id = "1"}),
                    "missing EKS cluster name property"},
        RequireCase{"NoArn", ReadyWith({.eks_cluster_name = "prod", .aws_account_id = "1"}),
                    "missing EKS cluster ARN property"},
        RequireCase{"NoAccount", ReadyWith({.eks_cluster_name = "prod", .eks_cluster_arn = "arn"}),
                    "missing AWS account ID property"}),
    [](const auto& param_info) { return param_info.param.description; });

// Validates that a ClusterProfile event maps to the namespace in its cluster-name label and to
// nothing without it, with no fallback to the object name (§2.5).
TEST(WorkloadNamespacesFor, UsesClusterNameLabelOnly) {
  EXPECT_THAT(WorkloadNamespacesFor(Profile("awio-system", "x", {}, OcmLabels("wlc-a"))),
              ElementsAre("wlc-a"));
  EXPECT_THAT(WorkloadNamespacesFor(Profile("wlc-a", "wlc-a", {}, json::object())), IsEmpty());
  EXPECT_THAT(WorkloadNamespacesFor(
                  Profile("wlc-a", "wlc-a", {}, {{"open-cluster-management.io/cluster-name", ""}})),
              IsEmpty());
}

// Validates that control-plane health needs ControlPlaneHealthy with status exactly "True" and
// that resolution does not depend on it (§1.1, §2.1 "not consulted", §14 item 1).
TEST(IsControlPlaneHealthy, OnlyStatusTrue_AndIgnoredByResolve) {
  EXPECT_TRUE(IsControlPlaneHealthy(Profile("wlc-a", "wlc-a", WithConditions(ReadyStatus()))));
  json unhealthy = WithConditions(ReadyStatus());
  unhealthy["conditions"][0]["status"] = "False";
  EXPECT_FALSE(IsControlPlaneHealthy(Profile("wlc-a", "wlc-a", unhealthy)));
  EXPECT_FALSE(IsControlPlaneHealthy(Profile("wlc-a", "wlc-a", ReadyStatus())));
  EXPECT_TRUE(Resolve(kWorkloadNamespace, {Profile("wlc-a", "wlc-a", unhealthy)}).ready);
}

// Validates the List label selector of §2.1: both labels, cluster-name first.
TEST(LabelSelectorFor, SelectsBothLabels) {
  EXPECT_EQ(LabelSelectorFor("wlc-a"),
            "open-cluster-management.io/cluster-name=wlc-a,"
            "x-k8s.io/cluster-manager=open-cluster-management");
}

// Validates that a resolver without a client returns the §2.3 error instead of a result.
TEST(ResolveWorkloadNamespace, NilClient_IsError) {
  auto got = ResolveWorkloadNamespace(nullptr, kWorkloadNamespace);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "inventory resolver client is nil");
}

}  // namespace
}  // namespace awio::inventory
