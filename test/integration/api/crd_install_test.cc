// Installs our CRDs (config/crd, the files the chart ships) on a real kube-apiserver: each one
// passes server-side dry-run apply, becomes Established with its names accepted, and is served
// under aws.identity.appthrust.io/v1alpha1 with the names and scope of api.md §1.1. Covers
// vector TV-186: the ReplicaSet CRD passes the server's CRD validation, static CEL cost
// estimation included.
#include <gtest/gtest.h>

#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "api_test_util.h"
#include "crd_schema.h"
#include "support/kube_test_util.h"
#include "support/project_crds.h"
#include "support/shared_environment.h"

namespace awio::test {
namespace {

using nlohmann::json;

constexpr char kCrdPath[] = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

std::vector<CrdFile> LoadOurCrds() {
  auto files = LoadCrdDirectory(ProjectCrdDir());
  EXPECT_TRUE(files.ok()) << files.error().ToString();
  return files.ok() ? *files : std::vector<CrdFile>();
}

std::string ConditionOf(const json& crd, const std::string& type) {
  for (const auto& condition : crd["status"].value("conditions", json::array())) {
    if (condition.value("type", "") == type) return condition.value("status", "");
  }
  return "";
}

// Validates that `kubectl apply --dry-run=server` accepts every CRD file as it is.
TEST(CrdInstallTest, EveryCrd_PassesServerSideDryRunApply) {
  const auto& env = SharedEnvironment();
  const auto files = LoadOurCrds();
  ASSERT_EQ(files.size(), 4u);
  for (const auto& file : files) {
    try {
      const std::string out =
          env.Kubectl(env.hub(), {"apply", "--dry-run=server", "-f", file.path.string()});
      EXPECT_NE(out.find("(server dry run)"), std::string::npos) << out;
    } catch (const std::exception& e) {
      ADD_FAILURE() << file.path.filename() << " refused: " << e.what();
    }
  }
}

// Validates that every installed CRD is Established with its names accepted and no
// structural-schema complaint (api.md §1.2: all schemas are structural).
TEST(CrdInstallTest, EveryCrd_IsEstablishedWithNamesAccepted) {
  const auto& hub = SharedEnvironment().hub();
  for (const auto& file : LoadOurCrds()) {
    const std::string name = file.crd["metadata"].value("name", "");
    const auto response = KubeRequest(hub, "GET", std::string(kCrdPath) + "/" + name);
    ASSERT_EQ(response.status, 200) << name << ": " << response.raw;
    EXPECT_EQ(ConditionOf(response.body, "Established"), "True") << name;
    EXPECT_EQ(ConditionOf(response.body, "NamesAccepted"), "True") << name;
    EXPECT_EQ(ConditionOf(response.body, "NonStructuralSchema"), "") << name;
    EXPECT_EQ(response.body["status"]["acceptedNames"], file.crd["spec"]["names"]) << name;
  }
}

// Validates that discovery serves the four kinds with their short names, scope and the
// status subresource exactly where api.md §1.1 says.
TEST(CrdInstallTest, Discovery_ServesTheFourKindsAsSpecified) {
  const auto response =
      KubeRequest(SharedEnvironment().hub(), "GET", "/apis/aws.identity.appthrust.io/v1alpha1");
  ASSERT_EQ(response.status, 200) << response.raw;
  std::map<std::string, json> resources;
  for (const auto& resource : response.body.value("resources", json::array())) {
    resources[resource.value("name", "")] = resource;
  }
  struct Expected {
    std::string plural, kind, short_name;
    bool namespaced;
  };
  for (const Expected& e : std::vector<Expected>{
           {"awsworkloadidentityoperatorconfigs", "AWSWorkloadIdentityOperatorConfig", "awioc",
            false},
           {"awsworkloadidentityconfigs", "AWSWorkloadIdentityConfig", "awic", true},
           {"awsserviceaccountroles", "AWSServiceAccountRole", "awsar", true},
           {"awsserviceaccountrolereplicasets", "AWSServiceAccountRoleReplicaSet", "awsarrs",
            true}}) {
    SCOPED_TRACE(e.plural);
    ASSERT_EQ(resources.count(e.plural), 1u);
    EXPECT_EQ(resources[e.plural].value("kind", ""), e.kind);
    EXPECT_EQ(resources[e.plural].value("namespaced", !e.namespaced), e.namespaced);
    EXPECT_EQ(resources[e.plural].value("shortNames", json()), json::array({e.short_name}));
    EXPECT_EQ(resources.count(e.plural + "/status"),
              e.kind == "AWSWorkloadIdentityOperatorConfig" ? 0u : 1u);
  }
}

// Validates TV-186: creating the ReplicaSet CRD (here under a scratch group, as a dry run so
// nothing is stored) passes every server check on CRDs, including the static CEL cost limits
// that a per-element rule on the unbounded mandatoryDecisionGroups list would break (§5.3).
TEST(CrdInstallTest, ReplicaSetCrd_PassesServerValidationIncludingCelCost_TV186) {
  json crd;
  for (const auto& file : LoadOurCrds()) {
    if (file.crd["spec"]["names"].value("kind", "") == "AWSServiceAccountRoleReplicaSet") {
      crd = file.crd;
    }
  }
  ASSERT_FALSE(crd.is_null());
  const std::string group = "tv186.test.awio.io";
  crd["spec"]["group"] = group;
  crd["metadata"]["name"] = crd["spec"]["names"].value("plural", "") + "." + group;

  const auto response =
      KubeRequest(SharedEnvironment().hub(), "POST", std::string(kCrdPath) + "?dryRun=All", crd);
  EXPECT_EQ(response.status, 201) << response.raw;
}

}  // namespace
}  // namespace awio::test
