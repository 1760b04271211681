// Tests of access equivalence (src/inventory/access_equivalence.h), which decides whether a
// remote cluster is kept or rebuilt. Spec: inventory-and-remote-irsa.md §6.4, vectors §13.7
// (the equivalence bullets that apply to ClusterProfile builds).
#include "inventory/access_equivalence.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kube/config/access_provider.h"

namespace awio::inventory {
namespace {

using kube::ClusterProfileAccess;
using nlohmann::json;

ClusterProfileAccess Full() {
  ClusterProfileAccess access;
  access.provider = "open-cluster-management";
  access.server = "https://target.example.com:6443";
  access.ca_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  access.proxy_url = "http://proxy-a.example.com:8080";
  access.exec.api_version = "client.authentication.k8s.io/v1";
  access.exec.command = "/plugins/cp-creds";
  access.exec.args = {"--cluster", "target"};
  access.exec.env = {{"AWS_REGION", "us-east-1"}, {"AWS_PROFILE", "target"}};
  access.exec.provide_cluster_info = true;
  access.exec.cluster_config_json = R"({"clusterName":"target","audience":"sts"})";
  access.exec.install_hint = "";
  return access;
}

// Validates that identical full descriptions are equivalent (§13.7 "identical full configs").
TEST(EquivalentAccess, Identical_AreEquivalent) { EXPECT_TRUE(EquivalentAccess(Full(), Full())); }

struct ChangeCase {
  std::string description;
  std::function<void(ClusterProfileAccess&)> change;
};

class SingleChangeTest : public ::testing::TestWithParam<ChangeCase> {};

// Validates that each single connection-relevant change makes the descriptions unequal, so the
// remote cluster is rebuilt (§6.4, §13.7 "each single change ... unequal").
TEST_P(SingleChangeTest, SingleChange_IsNotEquivalent) {
  ClusterProfileAccess changed = Full();
  GetParam().change(changed);
  EXPECT_FALSE(EquivalentAccess(Full(), changed));
  EXPECT_FALSE(EquivalentAccess(changed, Full()));
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, SingleChangeTest,
    ::testing::Values(
        ChangeCase{"Server", [](auto& a) { a.server = "https://other.example.com:6443"; }},
        ChangeCase{"CaData", [](auto& a) { a.ca_pem += "x"; }},
        ChangeCase{"CaDataRemoved", [](auto& a) { a.ca_pem.clear(); }},
        ChangeCase{"Proxy", [](auto& a) { a.proxy_url = "http://proxy-b.example.com:8080"; }},
        ChangeCase{"ProxyRemoved", [](auto& a) { a.proxy_url.clear(); }},
        ChangeCase{"ExecApiVersion",
                   [](auto& a) { a.exec.api_version = "client.authentication.k8s.io/v1beta1"; }},
        ChangeCase{"ExecCommand", [](auto& a) { a.exec.command = "/plugins/other"; }},
        ChangeCase{"ExecArgs",
                   [](auto& a) {
                     a.exec.args = {"--cluster", "changed"};
                   }},
        ChangeCase{"ExecArgsOrder",
                   [](auto& a) {
                     a.exec.args = {"target", "--cluster"};
                   }},
        ChangeCase{"ExecEnvValue", [](auto& a) { a.exec.env[0].second = "us-west-2"; }},
        ChangeCase{"ExecEnvAdded",
                   [](auto& a) {
                     a.exec.env.push_back({"EXTRA", "1"});
                   }},
        ChangeCase{"ProvideClusterInfo", [](auto& a) { a.exec.provide_cluster_info = false; }},
        ChangeCase{"InstallHint", [](auto& a) { a.exec.install_hint = "install cp-creds"; }},
        ChangeCase{"ExecClusterConfig",
                   [](auto& a) { a.exec.cluster_config_json = R"({"clusterName":"other"})"; }},
        ChangeCase{"ExecClusterConfigRemoved",
                   [](auto& a) { a.exec.cluster_config_json.clear(); }}),
    [](const auto& param_info) { return param_info.param.description; });

// Validates that env is compared as a map: reversed order is equivalent (§13.7), and a repeated
// name counts with its last value (§6.4 "last duplicate wins").
TEST(EquivalentAccess, EnvOrderInsensitive_LastDuplicateWins) {
  ClusterProfileAccess reversed = Full();
  reversed.exec.env = {{"AWS_PROFILE", "target"}, {"AWS_REGION", "us-east-1"}};
  EXPECT_TRUE(EquivalentAccess(Full(), reversed));

  ClusterProfileAccess duplicated = Full();
  duplicated.exec.env = {
      {"AWS_REGION", "eu-west-1"}, {"AWS_PROFILE", "target"}, {"AWS_REGION", "us-east-1"}};
  EXPECT_TRUE(EquivalentAccess(Full(), duplicated));

  duplicated.exec.env.push_back({"AWS_PROFILE", "other"});
  EXPECT_FALSE(EquivalentAccess(Full(), duplicated));
}

// Validates that the exec cluster config is compared as JSON, not as text: key order and spacing
// do not matter, values do (§6.4 "semantic equality of the raw JSON object").
TEST(EquivalentAccess, ExecClusterConfig_ComparedSemantically) {
  ClusterProfileAccess reordered = Full();
  reordered.exec.cluster_config_json = R"({ "audience": "sts", "clusterName": "target" })";
  EXPECT_TRUE(EquivalentAccess(Full(), reordered));

  ClusterProfileAccess retyped = Full();
  retyped.exec.cluster_config_json = R"({"clusterName":"target","audience":["sts"]})";
  EXPECT_FALSE(EquivalentAccess(Full(), retyped));
}

// Validates that the provider name alone does not force a rebuild: only the connection it
// produces is compared (§6.4 compares config fields, not where they came from).
TEST(EquivalentAccess, ProviderNameAlone_IsEquivalent) {
  ClusterProfileAccess renamed = Full();
  renamed.provider = "other-provider";
  EXPECT_TRUE(EquivalentAccess(Full(), renamed));
}

// Builds through the real access-provider code (§1.3) for the §13.7 "two builds" vectors.
std::vector<kube::AccessProvider> Providers(const std::string& policy) {
  auto parsed = kube::ParseAccessProviders(json{
      {"providers", json::array({{{"name", "open-cluster-management"},
                                  {"execConfig",
                                   {{"apiVersion", "client.authentication.k8s.io/v1"},
                                    {"command", "/plugins/cp-creds"},
                                    {"args", json::array({"--cluster", "target"})},
                                    {"provideClusterInfo", true}}},
                                  {"profileSourcedCLIArgsPolicy",
                                   policy}}})}}.dump());
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? *parsed : std::vector<kube::AccessProvider>{};
}

json TargetProfile(json extensions = json::array()) {
  return {{"metadata", {{"namespace", "target"}, {"name", "target"}}},
          {"status",
           {{"accessProviders", json::array({{{"name", "open-cluster-management"},
                                              {"cluster",
                                               {{"server", "https://target.example.com"},
                                                {"extensions", extensions}}}}})}}}};
}

ClusterProfileAccess MustBuild(const std::vector<kube::AccessProvider>& providers,
                               const json& profile) {
  auto built = kube::ResolveClusterProfileAccess(providers, profile, true);
  EXPECT_TRUE(built.ok()) << built.error().message;
  return built.ok() ? *built : ClusterProfileAccess{};
}

// Validates that two builds from the same provider file and profile are kept, and that changing
// the file's args to `--cluster changed` rebuilds (§13.7).
TEST(EquivalentAccess, TwoBuilds_SameInputsKept_ChangedArgsRebuilt) {
  auto providers = Providers("");
  ClusterProfileAccess first = MustBuild(providers, TargetProfile());
  EXPECT_TRUE(EquivalentAccess(first, MustBuild(providers, TargetProfile())));

  auto changed = providers;
  ASSERT_FALSE(changed.empty());
  changed[0].exec_config->args = {"--cluster", "changed"};
  EXPECT_FALSE(EquivalentAccess(first, MustBuild(changed, TargetProfile())));
}

// Validates that under the Append policy repeated builds do not accumulate extension args, so a
// second build stays equivalent, and that a changed additional-args extension rebuilds (§6.4,
// §13.7 "no accumulation").
TEST(EquivalentAccess, AppendPolicy_NoAccumulation_ExtensionChangeRebuilds) {
  auto providers = Providers("Append");
  json extension =
      json::array({{{"name", "clusterprofiles.multicluster.x-k8s.io/exec/additional-args"},
                    {"extension", json::array({"--audience", "target"})}}});
  ClusterProfileAccess first = MustBuild(providers, TargetProfile(extension));
  EXPECT_EQ(first.exec.args,
            (std::vector<std::string>{"--cluster", "target", "--audience", "target"}));
  EXPECT_TRUE(EquivalentAccess(first, MustBuild(providers, TargetProfile(extension))));

  extension[0]["extension"] = json::array({"--audience", "other"});
  EXPECT_FALSE(EquivalentAccess(first, MustBuild(providers, TargetProfile(extension))));
}

}  // namespace
}  // namespace awio::inventory
