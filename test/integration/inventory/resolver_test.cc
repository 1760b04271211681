// Integration tests of workload namespace to ClusterProfile resolution
// (src/inventory/resolver.h) through a real kube-apiserver: the label-selected List, status
// written through the status subresource as OCM does, and the outcomes of spec
// inventory-and-remote-irsa.md §2.3 with the properties of §2.4. Each test uses its own
// workload namespace label value and its own namespaces, prefixed "inv-".
#include "inventory/resolver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kube/client.h"
#include "kube/rest_config.h"
#include "kube/transport.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::inventory {
namespace {

using kube::Json;
using namespace std::chrono_literals;

// Time the API server gets to make a just-written object visible to a List.
constexpr auto kVisibleTimeout = 10s;

Json OcmLabels(const std::string& workload_namespace) {
  return {{"open-cluster-management.io/cluster-name", workload_namespace},
          {"x-k8s.io/cluster-manager", "open-cluster-management"}};
}

Json Property(const std::string& name, const std::string& value) {
  return {{"name", name}, {"value", value}};
}

Json AccessProviders() {
  return Json::array({{{"name", "open-cluster-management"},
                       {"cluster", {{"server", "https://remote.example.com:6443"}}}}});
}

class InventoryResolverTest : public ::testing::Test {
 protected:
  void SetUp() override { client_ = test::AdminClient(test::SharedEnvironment().hub()); }

  void EnsureNamespace(const std::string& name) {
    auto made = client_->Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", name}}}});
    ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
        << made.error().ToString();
  }

  // Creates a ClusterProfile, then writes `status` (when not null) through the status
  // subresource, the only way a cluster manager can set it.
  void CreateProfile(const std::string& ns, const std::string& name, const Json& labels,
                     const Json& status = nullptr) {
    EnsureNamespace(ns);
    Json object = {
        {"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
        {"kind", "ClusterProfile"},
        {"metadata", {{"name", name}, {"labels", labels}}},
        {"spec",
         {{"displayName", name}, {"clusterManager", {{"name", "open-cluster-management"}}}}}};
    auto made = client_->Create(kClusterProfileResource, ns, object);
    ASSERT_TRUE(made.ok()) << made.error().ToString();
    if (status.is_null()) return;

    kube::PatchOptions options;
    options.subresource = "status";
    auto patched = client_->Patch(kClusterProfileResource, ns, name, kube::PatchType::kMerge,
                                  Json{{"status", status}}.dump(), options);
    ASSERT_TRUE(patched.ok()) << patched.error().ToString();
    ASSERT_EQ((*patched)["status"], status) << "the server dropped part of the status";
  }

  // Resolves until `reason` comes back or the deadline passes; returns the last resolution.
  Resolution ResolveExpecting(const std::string& workload_namespace, const std::string& reason,
                              const std::vector<std::string>& namespaces = {}) {
    Resolution last;
    bool reached = test::WaitUntil(kVisibleTimeout, [&] {
      auto got = ResolveWorkloadNamespace(client_.get(), workload_namespace, namespaces);
      EXPECT_TRUE(got.ok()) << got.error().ToString();
      if (!got.ok()) return true;
      last = *got;
      return last.reason == reason;
    });
    EXPECT_TRUE(reached) << "waited for reason " << reason << ", last was " << last.reason << ": "
                         << last.message;
    return last;
  }

  std::shared_ptr<kube::Client> client_;
};

// Validates that one ready profile in another namespace resolves, named by its cluster-name
// label, with every §2.4 property copied from status written through the subresource, and the
// slash-form region ignored (§2.3 "exactly 1 ready", §13.1 rows 1, 2 and 5).
TEST_F(InventoryResolverTest, OneReadyProfile_ResolvesWithProperties) {
  Json status = {
      {"accessProviders", AccessProviders()},
      {"properties",
       Json::array({Property("aws.identity.appthrust.io/eks-cluster-name", "prod"),
                    Property("aws.identity.appthrust.io/eks-cluster-arn",
                             "arn:aws:eks:us-east-1:123456789012:cluster/prod"),
                    Property("aws.identity.appthrust.io/aws-account-id", "123456789012"),
                    Property("aws.identity.appthrust.io/aws-region", "us-west-2"),
                    Property("aws.identity.appthrust.io.aws-region", "us-east-1"),
                    Property("aws.identity.appthrust.io/aws-organization-id", "o-abc123"),
                    Property("aws.identity.appthrust.io/eks-auto-mode", "true")})}};
  CreateProfile("inv-system", "inv-found", OcmLabels("inv-found"), status);

  Resolution got = ResolveExpecting("inv-found", "Resolved");
  EXPECT_TRUE(got.ready);
  EXPECT_EQ(got.message, "ClusterProfile resolved");
  EXPECT_EQ(got.cluster_name, "inv-found/inv-found");
  EXPECT_EQ(got.profile_namespace, "inv-system");
  EXPECT_EQ(got.profile_name, "inv-found");
  ClusterProperties want{.eks_cluster_name = "prod",
                         .eks_cluster_arn = "arn:aws:eks:us-east-1:123456789012:cluster/prod",
                         .aws_account_id = "123456789012",
                         .aws_region = "us-east-1",
                         .aws_organization_id = "o-abc123",
                         .eks_auto_mode = true};
  EXPECT_EQ(got.properties, want);
  EXPECT_TRUE(RequireEKS(got).ok());
}

// Validates that nothing matches when no profile carries both labels: a profile with only the
// cluster-name label, or another cluster manager, is not selected by the List (§2.1, §2.3
// "0 matches").
TEST_F(InventoryResolverTest, NoProfileWithBothLabels_IsNotFound) {
  CreateProfile("inv-notfound", "only-name-label",
                {{"open-cluster-management.io/cluster-name", "inv-notfound"}},
                {{"accessProviders", AccessProviders()}});
  CreateProfile("inv-notfound", "other-manager",
                {{"open-cluster-management.io/cluster-name", "inv-notfound"},
                 {"x-k8s.io/cluster-manager", "someone-else"}},
                {{"accessProviders", AccessProviders()}});

  Resolution got = ResolveExpecting("inv-notfound", "ClusterProfileNotFound");
  EXPECT_FALSE(got.ready);
  EXPECT_EQ(got.message, "ClusterProfile for workload namespace inv-notfound was not found");
  EXPECT_EQ(got.cluster_name, "inv-notfound/inv-notfound");
}

// Validates that a matching profile without access providers (none yet, or only the deprecated
// credentialProviders) is reported as not provisioned (§2.3 "none ready", §13.1 rows 3 and 4).
TEST_F(InventoryResolverTest, ProfilesWithoutAccessProviders_AreUnavailable) {
  CreateProfile("inv-unavailable", "no-status", OcmLabels("inv-unavailable"));
  CreateProfile("inv-unavailable", "legacy", OcmLabels("inv-unavailable"),
                {{"credentialProviders",
                  Json::array({{{"name", "legacy"},
                                {"cluster", {{"server", "https://legacy.example.com"}}}}})}});

  Resolution got = ResolveExpecting("inv-unavailable", "InventoryUnavailable");
  EXPECT_FALSE(got.ready);
  EXPECT_EQ(got.message,
            "OCM ClusterProfile for workload namespace inv-unavailable exists but has not been "
            "provisioned with access providers yet");
  EXPECT_EQ(got.cluster_name, "inv-unavailable/inv-unavailable");
}

// Validates that three ready profiles in different namespaces are ambiguous and listed sorted by
// namespace (§2.2, §2.3 "≥2 ready", §13.1 row 7), and that restricting the search scope to one
// namespace (--cluster-profile-namespaces, §2.1) resolves it instead.
TEST_F(InventoryResolverTest, SeveralReadyProfiles_AmbiguousUnlessScoped) {
  Json ready = {{"accessProviders", AccessProviders()}};
  CreateProfile("inv-amb-c", "wlc", OcmLabels("inv-amb"), ready);
  CreateProfile("inv-amb-a", "wlc", OcmLabels("inv-amb"), ready);
  CreateProfile("inv-amb-b", "wlc", OcmLabels("inv-amb"), ready);
  CreateProfile("inv-amb-a", "pending", OcmLabels("inv-amb"));

  Resolution got = ResolveExpecting("inv-amb", "InventoryAmbiguous");
  EXPECT_FALSE(got.ready);
  EXPECT_EQ(got.message,
            "multiple OCM ClusterProfiles match cluster-name label \"inv-amb\" with "
            "AccessProviders: inv-amb-a/wlc, inv-amb-b/wlc, inv-amb-c/wlc");
  EXPECT_EQ(got.cluster_name, "inv-amb/inv-amb");

  Resolution scoped = ResolveExpecting("inv-amb", "Resolved", {"inv-amb-b"});
  EXPECT_EQ(scoped.profile_namespace, "inv-amb-b");
  EXPECT_EQ(scoped.cluster_name, "inv-amb/inv-amb");
}

// Validates that one ready profile next to a non-ready peer resolves to the ready one (§13.1
// row 8).
TEST_F(InventoryResolverTest, ReadyAndPendingPeer_ResolvesReadyOne) {
  CreateProfile("inv-peer-a", "wlc", OcmLabels("inv-peer"),
                {{"accessProviders", AccessProviders()},
                 {"properties",
                  Json::array({Property("aws.identity.appthrust.io/eks-cluster-name", "prod")})}});
  CreateProfile("inv-peer-b", "wlc", OcmLabels("inv-peer"));

  Resolution got = ResolveExpecting("inv-peer", "Resolved");
  EXPECT_EQ(got.profile_namespace, "inv-peer-a");
  EXPECT_EQ(got.properties.eks_cluster_name, "prod");
}

// RBAC objects for a caller that may list ClusterProfiles but not get them.
const kube::ResourceRef kClusterRoles{"rbac.authorization.k8s.io", "v1", "clusterroles", false,
                                      "ClusterRole"};
const kube::ResourceRef kClusterRoleBindings{"rbac.authorization.k8s.io", "v1",
                                             "clusterrolebindings", false, "ClusterRoleBinding"};

// Validates that resolution needs only `list` on ClusterProfiles: a ServiceAccount whose RBAC
// forbids `get` still resolves (§2.1 "No Get-by-name is ever issued", §13.1 last row).
TEST_F(InventoryResolverTest, ListOnlyRbac_Resolves) {
  CreateProfile("inv-listonly-hub", "wlc", OcmLabels("inv-listonly"),
                {{"accessProviders", AccessProviders()}});
  EnsureNamespace("inv-listonly");
  ASSERT_TRUE(client_
                  ->Create(kube::resources::kServiceAccounts, "inv-listonly",
                           {{"metadata", {{"name", "resolver"}}}})
                  .ok());
  ASSERT_TRUE(client_
                  ->Create(kClusterRoles, "",
                           {{"metadata", {{"name", "inv-list-clusterprofiles"}}},
                            {"rules", Json::array({{{"apiGroups", {"multicluster.x-k8s.io"}},
                                                    {"resources", {"clusterprofiles"}},
                                                    {"verbs", {"list"}}}})}})
                  .ok());
  ASSERT_TRUE(client_
                  ->Create(kClusterRoleBindings, "",
                           {{"metadata", {{"name", "inv-list-clusterprofiles"}}},
                            {"roleRef",
                             {{"apiGroup", "rbac.authorization.k8s.io"},
                              {"kind", "ClusterRole"},
                              {"name", "inv-list-clusterprofiles"}}},
                            {"subjects", Json::array({{{"kind", "ServiceAccount"},
                                                       {"name", "resolver"},
                                                       {"namespace", "inv-listonly"}}})}})
                  .ok());
  auto token = client_->CreateSubresource(kube::resources::kServiceAccounts, "inv-listonly",
                                          "resolver", "token",
                                          {{"apiVersion", "authentication.k8s.io/v1"},
                                           {"kind", "TokenRequest"},
                                           {"spec", {{"expirationSeconds", 600}}}});
  ASSERT_TRUE(token.ok()) << token.error().ToString();

  kube::RestConfig config = test::AdminRestConfig(test::SharedEnvironment().hub());
  config.client_cert_pem.clear();
  config.client_key_pem.clear();
  config.bearer_token = (*token)["status"]["token"].get<std::string>();
  kube::Client limited(kube::Transport::Create(config));

  auto get = limited.Get(kClusterProfileResource, "inv-listonly-hub", "wlc");
  ASSERT_FALSE(get.ok()) << "the ServiceAccount must not be allowed to get";
  EXPECT_EQ(get.error().code, ErrorCode::kForbidden);

  Resolution got;
  bool resolved = test::WaitUntil(kVisibleTimeout, [&] {
    auto result = ResolveWorkloadNamespace(&limited, "inv-listonly");
    if (result.ok()) got = *result;
    return result.ok() && got.ready;
  });
  EXPECT_TRUE(resolved) << "waited for RBAC and resolution; last: " << got.reason << ": "
                        << got.message;
  EXPECT_EQ(got.profile_namespace, "inv-listonly-hub");
}

// Validates that a refused List surfaces as an error that names the workload namespace and keeps
// the server's category, not as a "not found" outcome (§2.3 "List fails").
TEST_F(InventoryResolverTest, ListRefused_IsWrappedError) {
  kube::RestConfig config = test::AdminRestConfig(test::SharedEnvironment().hub());
  config.client_cert_pem.clear();
  config.client_key_pem.clear();
  kube::Client anonymous(kube::Transport::Create(config));

  auto got = ResolveWorkloadNamespace(&anonymous, "inv-denied");
  ASSERT_FALSE(got.ok()) << "anonymous List was allowed: " << got->reason;
  EXPECT_EQ(got.error().message.rfind(
                "list OCM ClusterProfiles for workload namespace \"inv-denied\": ", 0),
            0u)
      << got.error().message;
  EXPECT_TRUE(got.error().code == ErrorCode::kForbidden ||
              got.error().code == ErrorCode::kUnauthorized)
      << got.error().ToString();
}

}  // namespace
}  // namespace awio::inventory
