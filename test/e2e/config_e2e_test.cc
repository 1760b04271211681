// End-to-end tests of the AWSWorkloadIdentityConfig controller (spec config-controller.md) with
// the manager binary as a process: every delivery type reaches Ready, SelfHostedIRSA publishes
// the exact issuer objects to S3 and installs the webhook runtime on the target, drift on the
// target is repaired, missing inventory, an unreachable target, a failing exec plugin and a
// refusing S3 endpoint are reported and recovered from, and deletion cleans up AWS and the
// target. The tests share one environment and run in file order: the deletion tests come last.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "aws/names.h"
#include "base/encoding.h"
#include "e2e_support.h"
#include "oidc/publication.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/project_crds.h"
#include "support/shared_environment.h"

namespace awio::test::e2e {
namespace {

using namespace std::chrono_literals;

const kube::ResourceRef kBuckets{"s3.services.k8s.aws", "v1alpha1", "buckets", true, "Bucket"};
const kube::ResourceRef kOidcProviders{"iam.services.k8s.aws", "v1alpha1", "openidconnectproviders",
                                       true, "OpenIDConnectProvider"};
const kube::ResourceRef kClusterRoles{"rbac.authorization.k8s.io", "v1", "clusterroles", false,
                                      "ClusterRole"};
const kube::ResourceRef kClusterRoleBindings{"rbac.authorization.k8s.io", "v1",
                                             "clusterrolebindings", false, "ClusterRoleBinding"};
const kube::ResourceRef kMutatingWebhooks{"admissionregistration.k8s.io", "v1",
                                          "mutatingwebhookconfigurations", false,
                                          "MutatingWebhookConfiguration"};

constexpr char kEksIrsaNamespace[] = "eksirsa-b";
constexpr char kEksExternalNamespace[] = "eksexternal-c";
constexpr char kPodIdentityNamespace[] = "podidentity-d";
constexpr char kNoProfileNamespace[] = "noprofile-e";
constexpr char kForceNamespace[] = "force-f";
constexpr char kLateCrdNamespace[] = "lateack-g";
constexpr char kLeaderNamespace[] = "leader-h";
constexpr char kManagedIssuer[] = "https://oidc.eks.us-east-1.amazonaws.com/id/E2EMANAGED";
constexpr char kExternalArn[] =
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/E2EEXTERNAL";

// Long enough for ACK and the stand-ins to act a few times; the usual case is seconds.
constexpr auto kReadyTimeout = 180s;

// Waits until the config's condition `type` has `status` (and `reason`, when given).
bool WaitCondition(const std::string& ns, const std::string& type, const std::string& status,
                   const std::string& reason = {},
                   std::chrono::milliseconds timeout = kReadyTimeout) {
  bool ok = WaitUntil(timeout, [&] {
    Json c = FindCondition(GetConfig(ns), type);
    return c.value("status", "") == status && (reason.empty() || c.value("reason", "") == reason);
  });
  if (!ok)
    ADD_FAILURE() << ns << " " << type << " never became " << status << "/" << reason
                  << "; config: " << GetConfig(ns).dump(2);
  return ok;
}

// Touches an annotation so that the manager reconciles the config now.
void Nudge(const std::string& ns) {
  static int n = 0;
  Json patch = {{"metadata", {{"annotations", {{"e2e.example.com/nudge", std::to_string(++n)}}}}}};
  auto patched = Hub()->Patch(kConfigs, ns, "default", kube::PatchType::kMerge, patch.dump());
  ASSERT_TRUE(patched.ok()) << patched.error().ToString();
}

class ConfigE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto& env = SharedEnvironment();
    InstallProjectCrds(env, env.hub());
    auto hub = Hub();
    for (const char* ns : {kInventoryNamespace, kSelfHostedNamespace, kEksIrsaNamespace,
                           kEksExternalNamespace, kPodIdentityNamespace, kNoProfileNamespace,
                           kForceNamespace, kLateCrdNamespace, kLeaderNamespace}) {
      CreateNamespace(*hub, ns);
    }
    CreatePlatformBasics();
    const auto& target = env.cluster(kSelfHostedTarget);
    for (const char* ns :
         {kSelfHostedNamespace, kEksIrsaNamespace, kEksExternalNamespace, kPodIdentityNamespace,
          kForceNamespace, kLateCrdNamespace, kLeaderNamespace}) {
      PutClusterProfile(std::string("profile-") + ns, ns, target);
    }
    manager_ = std::make_unique<Manager>();
    ASSERT_TRUE(manager_->WaitReady(60s));
  }

  static void TearDownTestSuite() { manager_.reset(); }

  // Replaces the running manager with one started with `run`.
  static void RestartManager(ManagerRun run = {}) {
    // SIGTERM ends the manager gracefully (inventory-and-remote-irsa §7.7).
    EXPECT_EQ(manager_->Stop(), "exited with status 0") << manager_->Log();
    manager_.reset();
    manager_ = std::make_unique<Manager>(std::move(run));
    ASSERT_TRUE(manager_->WaitReady(60s));
  }

  void TearDown() override {
    if (HasFailure() && manager_) std::cerr << "manager log tail:\n" << manager_->Log() << "\n";
  }

  static std::unique_ptr<Manager> manager_;
};

std::unique_ptr<Manager> ConfigE2E::manager_;

// Validates that a SelfHostedIRSA config becomes Ready (config-controller §8.5, §10.4): the two
// S3 objects carry the exact bodies and digest metadata of §6, the IAM OIDC provider exists in
// the emulator through the real ACK IAM controller, the webhook runtime of §9.3a exists on the
// target, and the target's issuer matches the published one.
TEST_F(ConfigE2E, SelfHostedIRSA_ReachesReady_WithIssuerInS3AndRuntimeOnTarget) {
  CreateConfig(kSelfHostedNamespace, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  ASSERT_TRUE(WaitCondition(kSelfHostedNamespace, "Ready", "True", "Reconciled"));

  const Json config = GetConfig(kSelfHostedNamespace);
  const Json& status = config["status"];
  const std::string bucket = SelfHostedBucket();
  const std::string host_path = bucket + ".s3.us-east-1.amazonaws.com";
  EXPECT_EQ(status.value("issuerHostPath", ""), host_path);
  EXPECT_EQ(status.value("resolvedClusterName", ""),
            std::string(kSelfHostedNamespace) + "/" + kSelfHostedNamespace);
  EXPECT_EQ(status.value("webhookRuntimeNamespace", ""), kWebhookNamespace);
  EXPECT_FALSE(status.value("webhookRuntimeCertNotAfter", "").empty());
  ASSERT_EQ(status.value("ackResources", Json::array()).size(), 2u) << status.dump(2);
  EXPECT_EQ(status["ackResources"][0].value("kind", ""), "Bucket");
  EXPECT_EQ(status["ackResources"][1].value("kind", ""), "OpenIDConnectProvider");
  for (const char* type :
       {"OperatorConfigReady", "ClusterProfileResolved", "BucketReady", "OIDCObjectsPublished",
        "IAMProviderReady", "IssuerReady", "WebhookRuntimeReady", "TargetIssuerVerified"}) {
    EXPECT_EQ(FindCondition(config, type).value("status", ""), "True")
        << FindCondition(config, type).dump();
  }

  // The pre-created key was adopted, not replaced.
  const Json publication = status["selfHostedIssuer"]["publication"];
  EXPECT_EQ(publication.value("signingKeyID", ""), SelfHostedKey().key_id);
  EXPECT_EQ(publication.value("issuerURL", ""), SelfHostedIssuerUrl());

  // §6: the exact objects, content type and metadata.
  auto expected = oidc::RenderPublication(SelfHostedIssuerUrl(), SelfHostedKey().public_key_pem,
                                          SelfHostedKey().key_id, "test key");
  ASSERT_TRUE(expected.ok()) << expected.error().message;
  EXPECT_EQ(publication.value("objectSetDigest", ""), expected->object_set_digest);
  for (const auto& object : expected->objects) {
    S3Object stored = GetS3Object(bucket, object.key);
    ASSERT_EQ(stored.status, 200) << object.key << ": " << stored.body;
    EXPECT_EQ(stored.body, object.body) << object.key;
    EXPECT_EQ(stored.headers["content-type"], "application/json") << object.key;
    EXPECT_EQ(stored.headers["x-amz-meta-awio-publication-format"], "self-hosted-oidc/v1");
    EXPECT_EQ(stored.headers["x-amz-meta-awio-object-digest"], object.digest) << object.key;
    EXPECT_EQ(stored.headers["x-amz-meta-awio-object-set-digest"], expected->object_set_digest);
  }

  // The IAM OIDC provider, created in the emulator by ACK.
  const std::string arn = status.value("oidcProviderARN", "");
  EXPECT_EQ(arn, "arn:aws:iam::123456789012:oidc-provider/" + host_path);
  auto arns = ListOidcProviderArns();
  EXPECT_NE(std::find(arns.begin(), arns.end(), arn), arns.end());

  // The webhook runtime on the target (§9.3a).
  auto target = Target(kSelfHostedTarget);
  for (const auto& [resource, ns, name] :
       std::vector<std::tuple<kube::ResourceRef, std::string, std::string>>{
           {kube::resources::kSecrets, kWebhookNamespace, "pod-identity-webhook-ca"},
           {kube::resources::kSecrets, kWebhookNamespace, "pod-identity-webhook"},
           {kube::resources::kServiceAccounts, kWebhookNamespace, "pod-identity-webhook"},
           {kube::resources::kServices, kWebhookNamespace, "pod-identity-webhook"},
           {kube::resources::kDeployments, kWebhookNamespace, "pod-identity-webhook"},
           {kClusterRoles, "", "pod-identity-webhook"},
           {kClusterRoleBindings, "", "pod-identity-webhook"},
           {kMutatingWebhooks, "", "pod-identity-webhook"}}) {
    EXPECT_TRUE(Exists(*target, resource, ns, name)) << resource.kind << " " << name;
  }
  auto ca = target->Get(kube::resources::kSecrets, kWebhookNamespace, "pod-identity-webhook-ca");
  auto mwhc = target->Get(kMutatingWebhooks, "", "pod-identity-webhook");
  ASSERT_TRUE(ca.ok() && mwhc.ok());
  EXPECT_EQ((*mwhc)["webhooks"][0]["clientConfig"].value("caBundle", ""),
            (*ca)["data"].value("ca.crt", ""));
}

// Validates that runtime objects deleted or altered on the target are re-applied (§11.2).
TEST_F(ConfigE2E, SelfHostedIRSA_RuntimeObjectDeletedOnTarget_IsRecreated) {
  ASSERT_TRUE(WaitCondition(kSelfHostedNamespace, "Ready", "True"));
  auto target = Target(kSelfHostedTarget);
  auto before = target->Get(kube::resources::kServices, kWebhookNamespace, "pod-identity-webhook");
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(
      target->Delete(kube::resources::kServices, kWebhookNamespace, "pod-identity-webhook").ok());
  ASSERT_TRUE(target->Delete(kClusterRoles, "", "pod-identity-webhook").ok());
  EXPECT_TRUE(WaitUntil(60s, [&] {
    auto after = target->Get(kube::resources::kServices, kWebhookNamespace, "pod-identity-webhook");
    return after.ok() &&
           (*after)["metadata"].value("uid", "") != (*before)["metadata"].value("uid", "");
  })) << "the Service was not recreated";
  EXPECT_TRUE(WaitUntil(60s, [&] {
    return Exists(*target, kClusterRoles, "", "pod-identity-webhook");
  })) << "the ClusterRole was not recreated";

  // An edited rule is put back.
  auto role = target->Get(kClusterRoles, "", "pod-identity-webhook");
  ASSERT_TRUE(role.ok());
  (*role)["rules"][0]["verbs"] = Json::array({"get"});
  ASSERT_TRUE(target->Update(kClusterRoles, "", *role).ok());
  EXPECT_TRUE(WaitUntil(60s, [&] {
    auto now = target->Get(kClusterRoles, "", "pod-identity-webhook");
    return now.ok() && (*now)["rules"][0]["verbs"].size() == 3;
  })) << "the ClusterRole rules were not repaired";
}

// The value of the first series of `metrics` (Prometheus text) whose line starts with `prefix`,
// or -1 when absent.
double SeriesValue(const std::string& metrics, const std::string& prefix) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return -1;
}

std::string ResourceVersion(kube::Client& client, const kube::ResourceRef& r, const std::string& ns,
                            const std::string& name) {
  auto got = client.Get(r, ns, name);
  return got.ok() ? (*got)["metadata"].value("resourceVersion", "") : "";
}

// Validates that /metrics of the manager binary refuses a request without a token (401) and
// serves a token allowed by RBAC (packaging-observability §6.1), and that a reconcile of a
// Ready config rewrites none of its children: the unchanged applies are counted and no
// resourceVersion moves (config-controller §4.1; STYLE "a no-op reconcile makes no writes").
TEST_F(ConfigE2E, Metrics_RequireAToken_AndShowNoOpReconcilesWriteNothing) {
  ASSERT_TRUE(WaitCondition(kSelfHostedNamespace, "Ready", "True"));
  const std::string url =
      "http://127.0.0.1:" + std::to_string(manager_->metrics_port()) + "/metrics";
  testenv::HttpRequest anonymous;
  anonymous.url = url;
  EXPECT_EQ(testenv::Send(anonymous).status, 401);

  auto hub = Hub();
  const kube::ResourceRef cluster_roles = kClusterRoles;
  const kube::ResourceRef bindings = kClusterRoleBindings;
  ASSERT_TRUE(hub->Create(kube::resources::kServiceAccounts, kInventoryNamespace,
                          {{"metadata", {{"name", "scraper"}}}})
                  .ok());
  ASSERT_TRUE(hub->Create(cluster_roles, "",
                          {{"metadata", {{"name", "e2e-metrics-reader"}}},
                           {"rules", {{{"nonResourceURLs", {"/metrics"}}, {"verbs", {"get"}}}}}})
                  .ok());
  ASSERT_TRUE(hub->Create(bindings, "",
                          {{"metadata", {{"name", "e2e-metrics-reader"}}},
                           {"roleRef",
                            {{"apiGroup", "rbac.authorization.k8s.io"},
                             {"kind", "ClusterRole"},
                             {"name", "e2e-metrics-reader"}}},
                           {"subjects",
                            {{{"kind", "ServiceAccount"},
                              {"name", "scraper"},
                              {"namespace", kInventoryNamespace}}}}})
                  .ok());
  auto token = hub->CreateSubresource(kube::resources::kServiceAccounts, kInventoryNamespace,
                                      "scraper", "token",
                                      {{"apiVersion", "authentication.k8s.io/v1"},
                                       {"kind", "TokenRequest"},
                                       {"spec", Json::object()}});
  ASSERT_TRUE(token.ok()) << token.error().ToString();
  testenv::HttpRequest scrape;
  scrape.url = url;
  scrape.bearer_token = (*token)["status"].value("token", "");

  const std::string unchanged_provider =
      "awio_child_apply_total{controller=\"AWSWorkloadIdentityConfig\",child_kind="
      "\"OpenIDConnectProvider\",operation=\"unchanged\",result=\"success\"}";
  double before = -1;
  ASSERT_TRUE(WaitUntil(30s, [&] {
    auto response = testenv::Send(scrape);
    before = response.status == 200 ? SeriesValue(response.body, unchanged_provider) : -1;
    return response.status == 200;
  })) << "scrape with an allowed token failed";

  const std::string bucket_version =
      ResourceVersion(*hub, kBuckets, kSelfHostedNamespace, SelfHostedBucket());
  const std::string provider_version =
      ResourceVersion(*hub, kOidcProviders, kSelfHostedNamespace,
                      aws::OidcProviderObjectName(kSelfHostedNamespace));
  const std::string secret_version = ResourceVersion(
      *hub, kube::resources::kSecrets, kSelfHostedNamespace, "awi-signing-key-default");
  auto target = Target(kSelfHostedTarget);
  const std::string deployment_version = ResourceVersion(*target, kube::resources::kDeployments,
                                                         kWebhookNamespace, "pod-identity-webhook");
  const std::string webhook_version =
      ResourceVersion(*target, kMutatingWebhooks, "", "pod-identity-webhook");
  Nudge(kSelfHostedNamespace);
  EXPECT_TRUE(WaitUntil(30s, [&] {
    auto response = testenv::Send(scrape);
    return response.status == 200 && SeriesValue(response.body, unchanged_provider) > before;
  })) << "no reconcile counted after the nudge";
  EXPECT_EQ(ResourceVersion(*hub, kBuckets, kSelfHostedNamespace, SelfHostedBucket()),
            bucket_version);
  EXPECT_EQ(ResourceVersion(*hub, kOidcProviders, kSelfHostedNamespace,
                            aws::OidcProviderObjectName(kSelfHostedNamespace)),
            provider_version);
  EXPECT_EQ(ResourceVersion(*hub, kube::resources::kSecrets, kSelfHostedNamespace,
                            "awi-signing-key-default"),
            secret_version);
  EXPECT_EQ(ResourceVersion(*target, kube::resources::kDeployments, kWebhookNamespace,
                            "pod-identity-webhook"),
            deployment_version);
  EXPECT_EQ(ResourceVersion(*target, kMutatingWebhooks, "", "pod-identity-webhook"),
            webhook_version);
}

// Validates that an EKSIRSA config with a Managed provider becomes Ready once ACK created the
// IAM OIDC provider (§8.4, §15.5).
TEST_F(ConfigE2E, EKSIRSA_Managed_ReachesReady_WithProviderInIam) {
  CreateConfig(kEksIrsaNamespace,
               {{"type", "EKSIRSA"},
                {"region", kRegion},
                {"eksIRSA",
                 {{"issuerURL", kManagedIssuer}, {"oidcProvider", {{"management", "Managed"}}}}}});
  ASSERT_TRUE(WaitCondition(kEksIrsaNamespace, "Ready", "True", "Reconciled"));
  const Json status = GetConfig(kEksIrsaNamespace)["status"];
  EXPECT_EQ(status.value("issuerHostPath", ""), "oidc.eks.us-east-1.amazonaws.com/id/E2EMANAGED");
  const std::string arn = status.value("oidcProviderARN", "");
  EXPECT_EQ(arn,
            "arn:aws:iam::123456789012:oidc-provider/"
            "oidc.eks.us-east-1.amazonaws.com/id/E2EMANAGED");
  auto arns = ListOidcProviderArns();
  EXPECT_NE(std::find(arns.begin(), arns.end(), arn), arns.end());
  EXPECT_EQ(ConditionReason(GetConfig(kEksIrsaNamespace), "WebhookRuntimeReady"), "NotRequired");
}

// Validates that an EKSIRSA config with an External provider ARN matching its issuer becomes
// Ready without any ACK object (§8.4 External).
TEST_F(ConfigE2E, EKSIRSA_External_ReachesReady_WithoutAckObjects) {
  CreateConfig(kEksExternalNamespace,
               {{"type", "EKSIRSA"},
                {"region", kRegion},
                {"eksIRSA",
                 {{"issuerURL", "https://oidc.eks.us-east-1.amazonaws.com/id/E2EEXTERNAL"},
                  {"oidcProvider", {{"management", "External"}, {"arn", kExternalArn}}}}}});
  ASSERT_TRUE(WaitCondition(kEksExternalNamespace, "Ready", "True", "Reconciled"));
  const Json status = GetConfig(kEksExternalNamespace)["status"];
  EXPECT_EQ(status.value("oidcProviderARN", ""), kExternalArn);
  EXPECT_FALSE(status.contains("ackResources"));
  EXPECT_FALSE(Exists(*Hub(), kOidcProviders, kEksExternalNamespace,
                      aws::OidcProviderObjectName(kEksExternalNamespace)));
}

// Validates that an EKSPodIdentity config becomes Ready with issuer and runtime not required
// (§8.3).
TEST_F(ConfigE2E, EKSPodIdentity_ReachesReady) {
  CreateConfig(kPodIdentityNamespace, {{"type", "EKSPodIdentity"}, {"region", kRegion}});
  ASSERT_TRUE(WaitCondition(kPodIdentityNamespace, "Ready", "True", "Reconciled"));
  const Json config = GetConfig(kPodIdentityNamespace);
  EXPECT_EQ(ConditionReason(config, "IssuerReady"), "NotRequired");
  EXPECT_EQ(ConditionReason(config, "WebhookRuntimeReady"), "NotRequired");
  EXPECT_FALSE(config["status"].contains("resolvedClusterName"));
}

// Validates that a config without a ClusterProfile reports ClusterProfileNotFound and becomes
// Ready once the profile appears (§2.3, §11.1 ClusterProfile watch).
TEST_F(ConfigE2E, MissingClusterProfile_ReportsNotFound_AndRecovers) {
  CreateConfig(kNoProfileNamespace, {{"type", "EKSPodIdentity"}, {"region", kRegion}});
  ASSERT_TRUE(WaitCondition(kNoProfileNamespace, "ClusterProfileResolved", "False",
                            "ClusterProfileNotFound"));
  EXPECT_EQ(ConditionReason(GetConfig(kNoProfileNamespace), "Ready"), "ClusterProfileNotFound");
  PutClusterProfile(std::string("profile-") + kNoProfileNamespace, kNoProfileNamespace,
                    SharedEnvironment().cluster(kSelfHostedTarget));
  EXPECT_TRUE(WaitCondition(kNoProfileNamespace, "Ready", "True", "Reconciled", 60s));
}

// Validates that an unreachable target is reported as RemoteClusterUnavailable and that the
// config becomes Ready again when the target's API server is back.
TEST_F(ConfigE2E, UnreachableTarget_ReportsRemoteClusterUnavailable_AndRecovers) {
  ASSERT_TRUE(WaitCondition(kSelfHostedNamespace, "Ready", "True"));
  auto& env = const_cast<testenv::Environment&>(SharedEnvironment());
  env.StopApiServer(kSelfHostedTarget);
  Nudge(kSelfHostedNamespace);
  const bool reported = WaitCondition(kSelfHostedNamespace, "WebhookRuntimeReady", "False",
                                      "RemoteClusterUnavailable", 90s);
  env.StartStoppedApiServer(kSelfHostedTarget);
  ASSERT_TRUE(reported);
  EXPECT_EQ(ConditionReason(GetConfig(kSelfHostedNamespace), "Ready"), "RemoteClusterUnavailable");
  EXPECT_TRUE(WaitCondition(kSelfHostedNamespace, "Ready", "True", "Reconciled", 120s));
}

// Validates that an exec plugin that fails is named in the condition (the plugin's own stderr
// is not copied into status: plugins may print what they were given), and that the config
// recovers once the manager runs with a working provider file.
TEST_F(ConfigE2E, FailingExecPlugin_ReportsCause_AndRecovers) {
  RestartManager({.provider_file = FailingProviderFile("e2e plugin refuses to issue credentials")});
  Nudge(kSelfHostedNamespace);
  EXPECT_TRUE(WaitUntil(90s, [&] {
    Json c = FindCondition(GetConfig(kSelfHostedNamespace), "WebhookRuntimeReady");
    return c.value("status", "") == "False" &&
           c.value("message", "").find("exec-credential-plugin.sh failed with exit code 1") !=
               std::string::npos;
  })) << GetConfig(kSelfHostedNamespace).dump(2);
  RestartManager();
  EXPECT_TRUE(WaitCondition(kSelfHostedNamespace, "Ready", "True", "Reconciled", 120s));
}

// Validates that an S3 endpoint refusing connections is reported as OIDCObjectsPublishFailed
// naming the object, without a crash, and that the config recovers with a working endpoint.
TEST_F(ConfigE2E, RefusingS3Endpoint_ReportsPublishFailure_AndRecovers) {
  const int closed_port = testenv::FreeLoopbackPort();
  RestartManager({.aws_endpoint = "http://127.0.0.1:" + std::to_string(closed_port)});
  Nudge(kSelfHostedNamespace);
  ASSERT_TRUE(WaitCondition(kSelfHostedNamespace, "OIDCObjectsPublished", "False",
                            "OIDCObjectsPublishFailed", 120s));
  const std::string message =
      FindCondition(GetConfig(kSelfHostedNamespace), "OIDCObjectsPublished").value("message", "");
  EXPECT_NE(message.find("s3://" + SelfHostedBucket() + "/"), std::string::npos) << message;
  EXPECT_TRUE(manager_->Running()) << manager_->ExitDescription();
  RestartManager();
  EXPECT_TRUE(WaitCondition(kSelfHostedNamespace, "Ready", "True", "Reconciled", 120s));
}

// Validates leader election of the manager binary (inventory-and-remote-irsa §7.5): of two
// replicas with --leader-elect one holds the Lease aws-workload-identity-operator and both are
// ready; when the leader stops, the other takes the Lease over and reconciles.
TEST_F(ConfigE2E, LeaderElection_SecondReplicaTakesOverWhenTheLeaderStops) {
  const kube::ResourceRef leases = kube::resources::kLeases;
  EXPECT_EQ(manager_->Stop(), "exited with status 0");
  const std::vector<std::string> elect = {
      "--leader-elect", std::string("--leader-election-namespace=") + kInventoryNamespace};
  auto first = std::make_unique<Manager>(ManagerRun{.extra_args = elect});
  auto second = std::make_unique<Manager>(ManagerRun{.extra_args = elect});
  ASSERT_TRUE(first->WaitReady(60s));
  ASSERT_TRUE(second->WaitReady(60s));
  std::string holder;
  ASSERT_TRUE(WaitUntil(30s, [&] {
    auto lease = Hub()->Get(leases, kInventoryNamespace, "aws-workload-identity-operator");
    holder = lease.ok() ? (*lease)["spec"].value("holderIdentity", "") : "";
    return !holder.empty();
  }));

  // Stop the leader; the survivor must take over (the Lease is not released on shutdown, so
  // this waits for its 15 s expiry) and reconcile a new config.
  std::unique_ptr<Manager>* leader = nullptr;
  ASSERT_TRUE(WaitUntil(30s, [&] {
    for (auto* m : {&first, &second}) {
      if ((*m)->LogContains("became leader")) leader = m;
    }
    return leader != nullptr;
  }));
  std::unique_ptr<Manager>& survivor = leader == &first ? second : first;
  EXPECT_FALSE(survivor->LogContains("became leader"));
  EXPECT_EQ((*leader)->Stop(), "exited with status 0");
  CreateConfig(kLeaderNamespace, {{"type", "EKSPodIdentity"}, {"region", kRegion}});
  EXPECT_TRUE(WaitCondition(kLeaderNamespace, "Ready", "True", "Reconciled", 90s))
      << survivor->Log();
  EXPECT_TRUE(survivor->LogContains("became leader"));
  auto lease = Hub()->Get(leases, kInventoryNamespace, "aws-workload-identity-operator");
  ASSERT_TRUE(lease.ok());
  EXPECT_NE((*lease)["spec"].value("holderIdentity", ""), holder);
  first.reset();
  second.reset();
  manager_ = std::make_unique<Manager>();
  ASSERT_TRUE(manager_->WaitReady(60s));
}

// Validates that an unreadable provider file stops the manager at start-up with exit status 1
// and an error naming the file (inventory-and-remote-irsa §7.4 step 4), not a crash.
TEST_F(ConfigE2E, BrokenProviderFile_ExitsWithErrorNamingTheFile) {
  const auto broken = SharedEnvironment().work_dir() / "e2e" / "broken-provider-file.json";
  {
    std::ofstream out(broken);
    out << "{not json";
  }
  auto [exit, log] = RunManagerToExit(
      {"--kubeconfig=" + SharedEnvironment().hub().kubeconfig.string(),
       "--cluster-profile-namespaces=" + std::string(kInventoryNamespace),
       "--clusterprofile-provider-file=" + broken.string(), "--health-probe-bind-address=0"},
      30s);
  EXPECT_EQ(exit, "exited with status 1") << log;
  EXPECT_NE(log.find("unable to create Cluster Inventory provider"), std::string::npos) << log;
  EXPECT_NE(log.find("failed to unmarshal access providers"), std::string::npos) << log;
}

// Validates that deleting a SelfHostedIRSA config removes, in order, the webhook runtime on the
// target (the namespace stays), the S3 objects, the Bucket and the IAM OIDC provider (through
// ACK, so nothing is left in the emulator) and the signing Secret (§8.7, §9.10).
TEST_F(ConfigE2E, SelfHostedIRSA_Deletion_CleansUpEverything) {
  ASSERT_TRUE(WaitCondition(kSelfHostedNamespace, "Ready", "True"));
  const std::string arn = GetConfig(kSelfHostedNamespace)["status"].value("oidcProviderARN", "");
  ASSERT_TRUE(Hub()->Delete(kConfigs, kSelfHostedNamespace, "default").ok());
  ASSERT_TRUE(WaitUntil(kReadyTimeout, [&] { return GetConfig(kSelfHostedNamespace).is_null(); }))
      << GetConfig(kSelfHostedNamespace).dump(2) << "\n"
      << manager_->Log();

  auto target = Target(kSelfHostedTarget);
  EXPECT_FALSE(
      Exists(*target, kube::resources::kDeployments, kWebhookNamespace, "pod-identity-webhook"));
  EXPECT_FALSE(Exists(*target, kMutatingWebhooks, "", "pod-identity-webhook"));
  EXPECT_FALSE(Exists(*target, kClusterRoles, "", "pod-identity-webhook"));
  EXPECT_FALSE(
      Exists(*target, kube::resources::kSecrets, kWebhookNamespace, "pod-identity-webhook-ca"));
  EXPECT_TRUE(Exists(*target, kube::resources::kNamespaces, "", kWebhookNamespace));

  EXPECT_FALSE(
      Exists(*Hub(), kube::resources::kSecrets, kSelfHostedNamespace, "awi-signing-key-default"));
  EXPECT_FALSE(Exists(*Hub(), kBuckets, kSelfHostedNamespace, SelfHostedBucket()));
  EXPECT_FALSE(Exists(*Hub(), kOidcProviders, kSelfHostedNamespace,
                      aws::OidcProviderObjectName(kSelfHostedNamespace)));
  EXPECT_FALSE(BucketExists(SelfHostedBucket()));
  auto arns = ListOidcProviderArns();
  EXPECT_EQ(std::find(arns.begin(), arns.end(), arn), arns.end()) << arn;
}

// Validates that deleting an EKSIRSA Managed config removes its IAM OIDC provider from AWS.
TEST_F(ConfigE2E, EKSIRSA_Managed_Deletion_RemovesProviderFromIam) {
  const std::string arn = GetConfig(kEksIrsaNamespace)["status"].value("oidcProviderARN", "");
  ASSERT_FALSE(arn.empty());
  ASSERT_TRUE(Hub()->Delete(kConfigs, kEksIrsaNamespace, "default").ok());
  ASSERT_TRUE(WaitUntil(kReadyTimeout, [&] { return GetConfig(kEksIrsaNamespace).is_null(); }));
  auto arns = ListOidcProviderArns();
  EXPECT_EQ(std::find(arns.begin(), arns.end(), arn), arns.end()) << arn;
}

// Validates that remaining roles block deletion with DeletionBlocked/RolesRemain and that the
// force-delete annotation lets it finish (§8.7 step 1).
TEST_F(ConfigE2E, ForceDelete_BypassesRemainingRoles) {
  CreateConfig(kForceNamespace, {{"type", "EKSPodIdentity"}, {"region", kRegion}});
  ASSERT_TRUE(WaitCondition(kForceNamespace, "Ready", "True"));
  auto role = Hub()->Create(kRoles, kForceNamespace,
                            {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                             {"kind", "AWSServiceAccountRole"},
                             {"metadata", {{"name", "app"}, {"namespace", kForceNamespace}}},
                             {"spec",
                              {{"serviceAccount", {{"namespace", "default"}, {"name", "app"}}},
                               {"policyARNs", {"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}}});
  ASSERT_TRUE(role.ok()) << role.error().ToString();
  ASSERT_TRUE(Hub()->Delete(kConfigs, kForceNamespace, "default").ok());
  ASSERT_TRUE(WaitCondition(kForceNamespace, "DeletionBlocked", "True", "RolesRemain", 60s));
  Json patch = {
      {"metadata", {{"annotations", {{"aws.identity.appthrust.io/force-delete", "true"}}}}}};
  ASSERT_TRUE(
      Hub()
          ->Patch(kConfigs, kForceNamespace, "default", kube::PatchType::kMerge, patch.dump())
          .ok());
  EXPECT_TRUE(WaitUntil(60s, [&] { return GetConfig(kForceNamespace).is_null(); }));
  EXPECT_TRUE(Exists(*Hub(), kRoles, kForceNamespace, "app"));
}

// Validates that a missing optional CRD does not stop the manager: with the ACK S3 Bucket CRD
// absent, a SelfHostedIRSA config reports which CRD to install, and once the CRD is back the
// config proceeds without a restart (the CRD watch wakes it). The target here issues tokens for
// another namespace's issuer, so the target issuer check then reports IssuerMismatch and keeps
// Ready False with that reason (this implementation's TargetIssuerVerified condition).
TEST_F(ConfigE2E, MissingAckCrd_IsReported_AndPickedUpWhenInstalled) {
  const auto& env = SharedEnvironment();
  const auto crd_file = env.toolchain().crd_dir / "s3.services.k8s.aws_buckets.yaml";
  env.Kubectl(env.hub(), {"delete", "crd", "buckets.s3.services.k8s.aws", "--wait=true"});
  CreateConfig(kLateCrdNamespace, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  EXPECT_TRUE(WaitUntil(60s, [&] {
    Json c = FindCondition(GetConfig(kLateCrdNamespace), "BucketReady");
    return c.value("status", "") == "False" &&
           c.value("message", "").find("buckets.s3.services.k8s.aws") != std::string::npos;
  })) << GetConfig(kLateCrdNamespace).dump(2);
  EXPECT_TRUE(manager_->Running());

  env.Kubectl(env.hub(), {"apply", "--server-side", "-f", crd_file.string()});
  EXPECT_TRUE(WaitCondition(kLateCrdNamespace, "OIDCObjectsPublished", "True", "", 120s));
  EXPECT_TRUE(WaitCondition(kLateCrdNamespace, "TargetIssuerVerified", "False", "IssuerMismatch"));
  EXPECT_TRUE(WaitCondition(kLateCrdNamespace, "Ready", "False", "IssuerMismatch"));
}

}  // namespace
}  // namespace awio::test::e2e
