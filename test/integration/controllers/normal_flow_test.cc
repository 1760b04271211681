// Integration tests of the config reconciler's entry and normal flow for the delivery types
// without a self-hosted issuer (spec config-controller.md §8.1-§8.4, §8.6, §10, §15.5, §15.9):
// the finalizer pass, a missing operator config, EKSPodIdentity and EKSIRSA (Managed through
// an ACK OpenIDConnectProvider whose status the test writes as ACK would, and External), the
// write-only-on-change rule and the condition transition events. Every expected string is the
// spec's literal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/v1alpha1/resources.h"
#include "controllers/ack_resources.h"
#include "kube/resource.h"
#include "reconciler_fixture.h"

namespace awio::controllers::config::test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::chrono_literals;

const kube::ResourceRef kQuotas{"", "v1", "resourcequotas", true, "ResourceQuota"};

constexpr char kEksIssuerUrl[] = "https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE";
constexpr char kEksHostPath[] = "oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE";
constexpr char kEksProviderArn[] =
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE";

Json EksSpec(const std::string& management, const std::string& arn = "") {
  Json provider = {{"management", management}};
  if (!arn.empty()) provider["arn"] = arn;
  return {{"type", "EKSIRSA"},
          {"region", "ap-northeast-1"},
          {"eksIRSA", {{"issuerURL", kEksIssuerUrl}, {"oidcProvider", provider}}}};
}

auto EventIs(const std::string& type, const std::string& reason, const std::string& note) {
  return AllOf(Field(&SeenEvent::type, type), Field(&SeenEvent::reason, reason),
               Field(&SeenEvent::note, note));
}

class NormalFlowTest : public ConfigReconcilerTest {};

// Validates that a config without the finalizer gets exactly the finalizer in its own pass
// (§8.1 step 2): no status, no children, no remote call, no requeue, and a FinalizerAdded event.
TEST_F(NormalFlowTest, Reconcile_ConfigWithoutFinalizer_AddsOnlyTheFinalizer) {
  const std::string ns = "cr-finalizer";
  Prepare(ns);
  const Json before = CreateConfig(ns, {{"type", "SelfHostedIRSA"}, {"region", kRegion}},
                                   {{"labels", {{"example.com/team", "a"}}}});

  const auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  EXPECT_FALSE(result.requeue);
  const Json after = GetConfig(ns);
  EXPECT_EQ(after["metadata"]["finalizers"], Json::array({kConfigFinalizer}));
  EXPECT_FALSE(after.contains("status") && !after["status"].empty()) << after["status"].dump();
  EXPECT_EQ(after["spec"], before["spec"]);
  EXPECT_EQ(after["metadata"]["labels"], before["metadata"]["labels"]);
  EXPECT_EQ(after["metadata"]["generation"], before["metadata"]["generation"]);
  EXPECT_FALSE(after["metadata"].contains("annotations"));
  EXPECT_TRUE(Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName).is_null());
  EXPECT_THAT((*hub_->List(kAckBucketResource, ns))["items"], IsEmpty());
  EXPECT_THAT((*hub_->List(kAckOidcProviderResource, ns))["items"], IsEmpty());
  EXPECT_THAT(remote_keys_, IsEmpty());
  EXPECT_THAT(s3_calls_->Take(), IsEmpty());
  const auto events = Events(ns);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0],
            (SeenEvent{"Normal", "FinalizerAdded", "AddFinalizer", "added finalizer for cleanup",
                       "AWSWorkloadIdentityConfig/default"}));
}

// Validates §8.2 step 3: without AWSWorkloadIdentityOperatorConfig/default the pass reports
// OperatorConfigUnavailable on OperatorConfigReady and Ready with the literal text, requeues
// after 30 s without an error, leaves status.ackResources as it was and creates nothing; the
// transitions are Warning events (§10.2).
TEST_F(NormalFlowTest, Reconcile_OperatorConfigMissing_ReportsUnavailableAndKeepsAckResources) {
  const std::string ns = "cr-opconfig";
  Prepare(ns);
  CreateConfig(ns, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  ReconcileOk(ns);
  const Json previous = Json::array({{{"apiVersion", "s3.services.k8s.aws/v1alpha1"},
                                      {"kind", "Bucket"},
                                      {"namespace", ns},
                                      {"name", "previous-bucket"}}});
  PatchConfigStatus(ns, {{"ackResources", previous}});
  DeleteOperatorConfig();

  const auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 30s);
  const Json config = GetConfig(ns);
  const std::string text = "AWSWorkloadIdentityOperatorConfig/default is required";
  EXPECT_EQ(Condition(config, "OperatorConfigReady"), "False/OperatorConfigUnavailable: " + text);
  EXPECT_EQ(Condition(config, "Ready"), "False/OperatorConfigUnavailable: " + text);
  EXPECT_EQ(ConditionTypes(config), (std::vector<std::string>{"OperatorConfigReady", "Ready"}));
  EXPECT_EQ(config["status"]["ackResources"], previous);
  EXPECT_EQ(config["status"]["observedGeneration"], config["metadata"]["generation"]);
  EXPECT_THAT((*hub_->List(kAckBucketResource, ns))["items"], IsEmpty());
  EXPECT_THAT(remote_keys_, IsEmpty());
  const auto events = Events(ns);
  EXPECT_THAT(events, Contains(EventIs("Warning", "OperatorConfigUnavailable",
                                       "OperatorConfigReady transitioned to False with reason "
                                       "OperatorConfigUnavailable")));
  EXPECT_THAT(events, Contains(EventIs("Warning", "OperatorConfigUnavailable",
                                       "Ready transitioned to False with reason "
                                       "OperatorConfigUnavailable")));
}

// Validates §8.3 and the EKSPodIdentity column of §10.4: stale issuer and runtime fields are
// removed, exactly five conditions are set with the literal reasons and messages, no remote
// cluster is used, the safety requeue is 1 h; Ready=True is a Normal Ready event; and a second
// identical pass writes nothing (§10.2: the resourceVersion stays).
TEST_F(NormalFlowTest, Reconcile_EKSPodIdentity_ClearsIssuerStatusAndBecomesReady) {
  const std::string ns = "cr-podidentity";
  Prepare(ns);
  CreateConfig(ns, {{"type", "EKSPodIdentity"}, {"region", kRegion}});
  ReconcileOk(ns);
  PatchConfigStatus(
      ns, {{"ackResources", Json::array({{{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
                                          {"kind", "OpenIDConnectProvider"},
                                          {"namespace", ns},
                                          {"name", "stale"}}})},
           {"selfHostedIssuer", {{"bucketName", "stale-bucket"}}},
           {"issuerHostPath", "stale.example.test"},
           {"oidcProviderARN", "arn:aws:iam::123456789012:oidc-provider/stale.example.test"},
           {"resolvedClusterName", "stale/stale"},
           {"webhookRuntimeNamespace", "stale-webhook"},
           {"webhookRuntimeCertNotAfter", "2030-01-01T00:00:00Z"}});

  const auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 1h);
  const Json config = GetConfig(ns);
  EXPECT_EQ(StatusKeys(config), (std::vector<std::string>{"conditions", "observedGeneration"}));
  EXPECT_EQ(ConditionTypes(config),
            (std::vector<std::string>{"ClusterProfileResolved", "IssuerReady",
                                      "OperatorConfigReady", "Ready", "WebhookRuntimeReady"}));
  EXPECT_EQ(Condition(config, "OperatorConfigReady"),
            "True/Ready: operator configuration is valid");
  EXPECT_EQ(Condition(config, "ClusterProfileResolved"), "True/Resolved: ClusterProfile resolved");
  EXPECT_EQ(Condition(config, "IssuerReady"),
            "True/NotRequired: EKSPodIdentity does not use an issuer");
  EXPECT_EQ(Condition(config, "WebhookRuntimeReady"),
            "True/NotRequired: EKSPodIdentity does not use the self-hosted webhook runtime");
  EXPECT_EQ(Condition(config, "Ready"), "True/Reconciled: config reconciliation completed");
  for (const auto& c : config["status"]["conditions"]) {
    EXPECT_EQ(c["observedGeneration"], config["metadata"]["generation"]) << c.dump();
  }
  EXPECT_THAT(remote_keys_, IsEmpty());
  const auto events = Events(ns);
  EXPECT_THAT(events, Contains(EventIs("Normal", "Ready",
                                       "Ready transitioned to True with reason Reconciled")));

  const auto again = ReconcileOk(ns);

  EXPECT_EQ(again.requeue_after, 1h);
  EXPECT_EQ(ResourceVersion(GetConfig(ns)), ResourceVersion(config));
  EXPECT_EQ(Events(ns).size(), events.size());  // no transition, no event
}

// Validates §8.4 Managed, §4.4 and §15.5: the OpenIDConnectProvider is created with exactly the
// four config labels, the controller owner reference, the normalized URL, sts.amazonaws.com and
// the sorted tags, and no thumbprints; while ACK has not synced it IAMProviderReady and
// IssuerReady wait; once ACK reports it synced with an ARN the config is Ready with the ARN and
// the ACK conditions copied into ackResources (§4.6); thumbprints that ACK late-initializes are
// carried over, so the next pass rewrites nothing.
TEST_F(NormalFlowTest, Reconcile_EKSIRSAManaged_AppliesProviderAndFollowsAckStatus) {
  const std::string ns = "cr-eks-managed";
  const std::string provider_name = "awi-oidc-cr-eks-managed";
  Prepare(ns);
  CreateConfig(ns, EksSpec("Managed"));
  ReconcileOk(ns);

  auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 1h);
  Json config = GetConfig(ns);
  const std::string uid = Uid(config);
  const Json labels = {
      {"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
      {"aws.identity.appthrust.io/config-uid", uid},
      {"aws.identity.appthrust.io/delivery", "EKSIRSA"},
      {"aws.identity.appthrust.io/owner-ref", "cr-eks-managed-default-38fd408975"}};
  const Json provider = Fetch(*hub_, kAckOidcProviderResource, ns, provider_name);
  ASSERT_FALSE(provider.is_null());
  EXPECT_EQ(provider["metadata"]["labels"], labels);
  EXPECT_EQ(provider["metadata"]["ownerReferences"], OwnerReferences(uid));
  EXPECT_EQ(
      provider["spec"],
      (Json{
          {"url", kEksIssuerUrl},
          {"clientIDs", {"sts.amazonaws.com"}},
          {"tags",
           {{{"key", "app.kubernetes.io/managed-by"}, {"value", "aws-workload-identity-operator"}},
            {{"key", "aws.identity.appthrust.io/config-uid"}, {"value", uid}},
            {{"key", "aws.identity.appthrust.io/delivery"}, {"value", "EKSIRSA"}},
            {{"key", "aws.identity.appthrust.io/owner-ref"},
             {"value", "cr-eks-managed-default-38fd408975"}}}}}));
  EXPECT_EQ(config["status"]["issuerHostPath"], kEksHostPath);
  EXPECT_EQ(config["status"]["resolvedClusterName"], ns + "/" + ns);
  EXPECT_FALSE(config["status"].contains("oidcProviderARN"));
  EXPECT_EQ(config["status"]["ackResources"],
            Json::array({{{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
                          {"kind", "OpenIDConnectProvider"},
                          {"namespace", ns},
                          {"name", provider_name}}}));
  EXPECT_EQ(Condition(config, "IAMProviderReady"),
            "False/ACKResourceNotSynced: waiting for ACK IAM OpenIDConnectProvider sync");
  EXPECT_EQ(Condition(config, "IssuerReady"),
            "False/WaitingForACK: waiting for IAM OpenIDConnectProvider ARN");
  EXPECT_EQ(Condition(config, "WebhookRuntimeReady"),
            "True/NotRequired: EKSIRSA does not use the self-hosted webhook runtime");
  EXPECT_EQ(Condition(config, "Ready"),
            "False/WaitingForACK: waiting for IAM OpenIDConnectProvider ARN");
  EXPECT_EQ(Condition(config, "BucketReady"), "");
  EXPECT_EQ(Condition(config, "OIDCObjectsPublished"), "");
  EXPECT_TRUE(Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName).is_null());
  EXPECT_THAT((*hub_->List(kAckBucketResource, ns))["items"], IsEmpty());
  EXPECT_THAT(remote_keys_, IsEmpty());

  SetAckStatus(kAckOidcProviderResource, ns, provider_name, true, kEksProviderArn);
  result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 1h);
  config = GetConfig(ns);
  EXPECT_EQ(config["status"]["oidcProviderARN"], kEksProviderArn);
  EXPECT_EQ(Condition(config, "IAMProviderReady"),
            "True/ACKResourceSynced: IAM OpenIDConnectProvider is synced by ACK");
  EXPECT_EQ(Condition(config, "IssuerReady"), "True/Ready: EKS IRSA issuer resources are synced");
  EXPECT_EQ(Condition(config, "Ready"), "True/Reconciled: config reconciliation completed");
  EXPECT_EQ(config["status"]["ackResources"],
            Json::array({{{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
                          {"kind", "OpenIDConnectProvider"},
                          {"namespace", ns},
                          {"name", provider_name},
                          {"conditions",
                           {{{"type", "ACK.ResourceSynced"},
                             {"status", "True"},
                             {"lastTransitionTime", "2026-01-01T00:00:00Z"},
                             {"message", "Resource synced successfully"}}}}}}));
  const auto events = Events(ns);
  EXPECT_THAT(events, Contains(EventIs("Normal", "ACKResourceWaiting",
                                       "Ready transitioned to False with reason WaitingForACK")));
  EXPECT_THAT(events, Contains(EventIs("Normal", "Ready",
                                       "Ready transitioned to True with reason Reconciled")));

  const std::vector<std::string> thumbprints = {"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"};
  MergePatch(*hub_, kAckOidcProviderResource, ns, provider_name,
             {{"spec", {{"thumbprints", thumbprints}}}});
  const Json late_initialized = Fetch(*hub_, kAckOidcProviderResource, ns, provider_name);
  result = ReconcileOk(ns);

  const Json kept = Fetch(*hub_, kAckOidcProviderResource, ns, provider_name);
  EXPECT_EQ(kept["spec"]["thumbprints"], Json(thumbprints));
  EXPECT_EQ(ResourceVersion(kept), ResourceVersion(late_initialized));
  EXPECT_EQ(ResourceVersion(GetConfig(ns)), ResourceVersion(config));
}

struct ExternalCase {
  std::string ns;
  std::string arn;
  std::string want_arn;  // status.oidcProviderARN, "" when absent
  std::string iam_provider_ready;
  std::string issuer_ready;
  std::string ready;
  std::string warning;  // reason of the expected Warning event, "" for none
};

class ExternalProviderTest : public NormalFlowTest,
                             public ::testing::WithParamInterface<ExternalCase> {};

// Validates §8.4 External and §15.9: an ARN whose provider path equals the issuer host/path
// makes the config Ready without any ACK object; a mismatching or malformed ARN makes
// IAMProviderReady, IssuerReady and Ready False/InvalidSpec with the literal message, clears
// oidcProviderARN, returns no error (requeue 1 h) and is a Warning InvalidSpec event.
TEST_P(ExternalProviderTest, Reconcile_EKSIRSAExternal_ChecksArnAgainstIssuer) {
  const ExternalCase& c = GetParam();
  Prepare(c.ns);
  CreateConfig(c.ns, EksSpec("External", c.arn));
  ReconcileOk(c.ns);

  const auto result = ReconcileOk(c.ns);

  EXPECT_EQ(result.requeue_after, 1h);
  const Json config = GetConfig(c.ns);
  EXPECT_EQ(config["status"].value("oidcProviderARN", ""), c.want_arn);
  EXPECT_EQ(config["status"]["issuerHostPath"], kEksHostPath);
  EXPECT_EQ(config["status"]["resolvedClusterName"], c.ns + "/" + c.ns);
  EXPECT_FALSE(config["status"].contains("ackResources"));
  EXPECT_EQ(Condition(config, "IAMProviderReady"), c.iam_provider_ready);
  EXPECT_EQ(Condition(config, "IssuerReady"), c.issuer_ready);
  EXPECT_EQ(Condition(config, "Ready"), c.ready);
  EXPECT_EQ(Condition(config, "WebhookRuntimeReady"),
            "True/NotRequired: EKSIRSA does not use the self-hosted webhook runtime");
  EXPECT_THAT((*hub_->List(kAckOidcProviderResource, c.ns))["items"], IsEmpty());
  if (!c.warning.empty()) {
    EXPECT_THAT(Events(c.ns), Contains(Field(&SeenEvent::reason, c.warning)));
  }
}

const std::string kMismatch =
    "OIDC provider ARN path \"oidc.eks.ap-northeast-1.amazonaws.com/id/OTHER\" does not match "
    "issuer \"oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE\"";
const std::string kTrailingSlashArn =
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE/";
const std::string kTrailingSlash = "invalid IAM OIDC provider ARN \"" + kTrailingSlashArn +
                                   "\": issuer host/path must not end with a slash";

INSTANTIATE_TEST_SUITE_P(
    Arns, ExternalProviderTest,
    ::testing::Values(
        ExternalCase{"cr-eks-external", kEksProviderArn, kEksProviderArn,
                     "True/Ready: external IAM OpenIDConnectProvider ARN matches issuer",
                     "True/Ready: EKS IRSA external issuer is configured",
                     "True/Reconciled: config reconciliation completed", ""},
        ExternalCase{"cr-eks-mismatch",
                     "arn:aws:iam::123456789012:oidc-provider/"
                     "oidc.eks.ap-northeast-1.amazonaws.com/id/OTHER",
                     "", "False/InvalidSpec: " + kMismatch, "False/InvalidSpec: " + kMismatch,
                     "False/InvalidSpec: " + kMismatch, "InvalidSpec"},
        ExternalCase{"cr-eks-slash", kTrailingSlashArn, "", "False/InvalidSpec: " + kTrailingSlash,
                     "False/InvalidSpec: " + kTrailingSlash, "False/InvalidSpec: " + kTrailingSlash,
                     "InvalidSpec"}),
    CaseName<ExternalCase>);

// Validates §8.4 Managed with a provider the API server refuses to create (§15.9, last EKSIRSA
// scenario): a ResourceQuota allowing zero OpenIDConnectProviders in the namespace makes the
// CREATE fail for real; the pass returns the error, clears the stale oidcProviderARN, sets
// IAMProviderReady, IssuerReady and Ready False/IssuerReconcileFailed with the raw error text,
// and leaves ackResources empty.
TEST_F(NormalFlowTest, Reconcile_EKSIRSAManagedProviderCreateRefused_ReportsIssuerReconcileFailed) {
  const std::string ns = "cr-eks-refused";
  Prepare(ns);
  const Json hard = {{"count/openidconnectproviders.iam.services.k8s.aws", "0"}};
  Create(*hub_, kQuotas, ns,
         {{"metadata", {{"name", "no-oidc-providers"}, {"namespace", ns}}},
          {"spec", {{"hard", hard}}}});
  // No quota controller runs on the hub: write the status it would compute.
  MergePatch(
      *hub_, kQuotas, ns, "no-oidc-providers",
      {{"status",
        {{"hard", hard}, {"used", {{"count/openidconnectproviders.iam.services.k8s.aws", "0"}}}}}},
      "status");
  CreateConfig(ns, EksSpec("Managed"));
  ReconcileOk(ns);
  PatchConfigStatus(
      ns, {{"issuerHostPath", "stale.example.test/id/OLD"},
           {"oidcProviderARN", "arn:aws:iam::123456789012:oidc-provider/stale.example.test/id/OLD"},
           {"conditions",
            {{{"type", "Ready"},
              {"status", "True"},
              {"reason", "Reconciled"},
              {"message", "config reconciliation completed"},
              {"lastTransitionTime", "2026-01-01T00:00:00Z"}}}}});

  const auto result = Reconcile(ns);

  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().ToString(), HasSubstr("exceeded quota"));
  const Json config = GetConfig(ns);
  EXPECT_FALSE(config["status"].contains("oidcProviderARN"));
  EXPECT_FALSE(config["status"].contains("ackResources"));
  EXPECT_EQ(config["status"]["issuerHostPath"], kEksHostPath);
  for (const char* type : {"IAMProviderReady", "IssuerReady", "Ready"}) {
    const Json c = ConditionEntry(config, type);
    EXPECT_EQ(c.value("status", ""), "False") << type;
    EXPECT_EQ(c.value("reason", ""), "IssuerReconcileFailed") << type;
    EXPECT_THAT(c.value("message", ""), HasSubstr("exceeded quota")) << type;
  }
  EXPECT_TRUE(Fetch(*hub_, kAckOidcProviderResource, ns, "awi-oidc-cr-eks-refused").is_null());
  EXPECT_THAT(Events(ns), Contains(AllOf(Field(&SeenEvent::type, "Warning"),
                                         Field(&SeenEvent::reason, "IssuerReconcileFailed"))));
}

}  // namespace
}  // namespace awio::controllers::config::test
