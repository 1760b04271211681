// Integration tests of the config reconciler's SelfHostedIRSA runtime flow and Ready (spec
// config-controller.md §8.5.2, §8.6, §9, §12, §15.11) and of this implementation's target issuer
// check: provider and Deployment readiness, the remote webhook runtime on the target, a remote
// cluster that is not engaged or broken, inventory that is not ready, a webhook namespace that
// is not bootstrapped, and refused remote applies. The tests play ACK and the Deployment
// controller (Deployment status on the target).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/encoding.h"
#include "base/time.h"
#include "controllers/ack_resources.h"
#include "kube/resource.h"
#include "reconciler_fixture.h"
#include "webhookruntime/objects.h"

namespace awio::controllers::config::test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;

const std::string kRuntimeSynced =
    "True/WebhookRuntimeSynced: remote self-hosted webhook runtime is synced and serving-ready";

class SelfHostedRuntimeTest : public ConfigReconcilerTest {};

// Validates §8.5.1 steps 10-11 (the three IAM provider readiness cases), §8.5.2 and §8.6 on a
// target whose API server issues tokens for another issuer: IAMProviderReady follows the ACK
// status (not synced, synced without ARN, synced with ARN), Ready waits for the webhook
// Deployment with the runtime's reason, and once the runtime is serving the target issuer check
// (this implementation, reconciler.h) reports IssuerMismatch naming both issuers, which Ready
// copies: tokens of that target would not verify against the published issuer.
TEST_F(SelfHostedRuntimeTest, Reconcile_ProviderAndRuntimeReadiness_EndsInIssuerMismatch) {
  const std::string ns = "cr-sh-readiness";
  const std::string bucket = "awi-cr-sh-readiness-us-east-1-d5b190a528";
  const std::string provider_name = "awi-oidc-cr-sh-readiness";
  const std::string arn =
      "arn:aws:iam::123456789012:oidc-provider/" + bucket + ".s3.us-east-1.amazonaws.com";
  const std::string webhook_ns = WebhookNamespace(ns);
  Prepare(ns);
  StartSelfHostedConfig(ns);
  ReconcileOk(ns);
  SyncBucket(ns, bucket);

  ReconcileOk(ns);
  Json config = GetConfig(ns);
  EXPECT_EQ(Condition(config, "IAMProviderReady"),
            "False/ACKResourceNotSynced: waiting for ACK IAM OpenIDConnectProvider sync");
  EXPECT_EQ(Condition(config, "IssuerReady"), "False/WaitingForACK: waiting for ACK resources");

  SetAckStatus(kAckOidcProviderResource, ns, provider_name, true);
  ReconcileOk(ns);
  config = GetConfig(ns);
  EXPECT_EQ(Condition(config, "IAMProviderReady"),
            "False/ACKResourceIdentifierPending: ACK reports IAM OpenIDConnectProvider as synced "
            "but its identifier has not been observed yet");
  EXPECT_EQ(Condition(config, "IssuerReady"), "False/WaitingForACK: waiting for ACK resources");
  EXPECT_FALSE(config["status"].contains("oidcProviderARN"));

  SetAckStatus(kAckOidcProviderResource, ns, provider_name, true, arn);
  auto result = ReconcileOk(ns);
  config = GetConfig(ns);
  EXPECT_EQ(result.requeue_after, 30s);
  EXPECT_EQ(Condition(config, "IAMProviderReady"),
            "True/ACKResourceSynced: IAM OpenIDConnectProvider is synced by ACK");
  EXPECT_EQ(Condition(config, "IssuerReady"),
            "True/Ready: self-hosted issuer resources are synced");
  EXPECT_EQ(config["status"]["oidcProviderARN"], arn);
  const std::string deployment_waiting =
      "False/WebhookDeploymentObservedGenerationLag: waiting for remote webhook Deployment to "
      "become Available before installing admission configuration: remote webhook Deployment "
      "status is stale: observedGeneration=0, generation=1";
  EXPECT_EQ(Condition(config, "WebhookRuntimeReady"), deployment_waiting);
  EXPECT_EQ(Condition(config, "Ready"), deployment_waiting);
  EXPECT_TRUE(Fetch(*target_, webhookruntime::resources::kMutatingWebhookConfigurations, "",
                    "pod-identity-webhook")
                  .is_null());

  MarkWebhookDeploymentAvailable(webhook_ns);
  result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 1h);
  config = GetConfig(ns);
  EXPECT_EQ(Condition(config, "WebhookRuntimeReady"), kRuntimeSynced);
  EXPECT_EQ(config["status"]["webhookRuntimeNamespace"], webhook_ns);
  // §9.6: the serving certificate is valid for 365 days from about now.
  const auto not_after =
      base::ParseRfc3339(config["status"].value("webhookRuntimeCertNotAfter", ""));
  ASSERT_TRUE(not_after.has_value());
  const auto now = std::chrono::system_clock::now();
  EXPECT_GT(*not_after, now + std::chrono::hours(24 * 364));
  EXPECT_LT(*not_after, now + std::chrono::hours(24 * 366));
  EXPECT_FALSE(Fetch(*target_, webhookruntime::resources::kMutatingWebhookConfigurations, "",
                     "pod-identity-webhook")
                   .is_null());
  const Json verified = ConditionEntry(config, "TargetIssuerVerified");
  EXPECT_EQ(verified.value("status", ""), "False");
  EXPECT_EQ(verified.value("reason", ""), "IssuerMismatch");
  EXPECT_THAT(verified.value("message", ""),
              AllOf(HasSubstr(kVerifiedIssuerUrl),
                    HasSubstr("https://" + bucket + ".s3.us-east-1.amazonaws.com")));
  EXPECT_EQ(Condition(config, "Ready"), Condition(config, "TargetIssuerVerified"));
  EXPECT_EQ(remote_keys_.back(), ns + "/" + ns);
}

// Validates §5.1 (generated key), §5.2, §7.2 and this implementation's target issuer check on
// the target that issues tokens for this namespace's issuer: a generated key is an Opaque Secret
// with exactly sa.key (PKCS#1) and sa.pub (SPKI) and the kid of §5.2, which the target does not
// sign with (SigningKeyMismatch, Ready False); after the user puts the target's key pair into the
// Secret, the kid follows, both S3 objects are rewritten, the check passes and the config is
// Ready with the 1 h safety requeue; a further pass only HEADs the two objects and writes
// nothing on the hub (§10.2).
TEST_F(SelfHostedRuntimeTest, Reconcile_TargetUsesOurIssuer_VerifiesSigningKeyAndBecomesReady) {
  const std::string ns = kVerifiedNamespace;
  const std::string bucket = "awi-cr-verified-us-east-1-ce691b8d7a";
  const std::string provider_name = "awi-oidc-cr-verified";
  Prepare(ns);
  const std::string uid = Uid(StartSelfHostedConfig(ns));

  ReconcileOk(ns);

  Json secret = Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName);
  ASSERT_FALSE(secret.is_null());
  EXPECT_EQ(secret["type"], "Opaque");
  std::vector<std::string> data_keys;
  for (const auto& [key, value] : secret["data"].items()) data_keys.push_back(key);
  EXPECT_EQ(data_keys, (std::vector<std::string>{"sa.key", "sa.pub"}));
  EXPECT_THAT(SecretData(secret, "sa.key"), StartsWith("-----BEGIN RSA PRIVATE KEY-----\n"));
  EXPECT_THAT(SecretData(secret, "sa.pub"), StartsWith("-----BEGIN PUBLIC KEY-----\n"));
  const std::string generated_kid = KidOf(SecretData(secret, "sa.pub"));
  EXPECT_EQ(generated_kid.size(), 43u);
  EXPECT_EQ(secret["metadata"]["annotations"],
            (Json{{"aws.identity.appthrust.io/signing-key-id", generated_kid}}));
  EXPECT_EQ(secret["metadata"]["labels"], ConfigLabels(uid, "cr-verified-default-49f6fe2691"));
  EXPECT_EQ(GetConfig(ns)["status"]["issuerHostPath"],
            "awi-cr-verified-us-east-1-ce691b8d7a.s3.us-east-1.amazonaws.com");

  SyncBucket(ns, bucket);
  ReconcileOk(ns);
  SetAckStatus(kAckOidcProviderResource, ns, provider_name, true,
               "arn:aws:iam::123456789012:oidc-provider/" + bucket + ".s3.us-east-1.amazonaws.com");
  MarkWebhookDeploymentAvailable(WebhookNamespace(ns));
  ReconcileOk(ns);

  Json config = GetConfig(ns);
  EXPECT_EQ(config["status"]["selfHostedIssuer"]["publication"]["signingKeyID"], generated_kid);
  EXPECT_EQ(Condition(config, "WebhookRuntimeReady"), kRuntimeSynced);
  EXPECT_EQ(ConditionEntry(config, "TargetIssuerVerified").value("reason", ""),
            "SigningKeyMismatch");
  EXPECT_EQ(Condition(config, "Ready"), Condition(config, "TargetIssuerVerified"));

  const auto& key = TargetSigningKey();
  MergePatch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName,
             {{"data",
               {{"sa.key", base::Base64Encode(key.private_key_pem)},
                {"sa.pub", base::Base64Encode(key.public_key_pem)}}}});
  s3_calls_->Take();
  auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 1h);
  config = GetConfig(ns);
  EXPECT_EQ(KidOf(key.public_key_pem), key.key_id);
  secret = Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName);
  EXPECT_EQ(secret["metadata"]["annotations"]["aws.identity.appthrust.io/signing-key-id"],
            key.key_id);
  EXPECT_EQ(SecretData(secret, "sa.key"), key.private_key_pem);
  EXPECT_EQ(config["status"]["selfHostedIssuer"]["publication"]["signingKeyID"], key.key_id);
  EXPECT_EQ(config["status"]["selfHostedIssuer"]["publication"]["issuerURL"], kVerifiedIssuerUrl);
  EXPECT_THAT(GetS3Object(bucket, kJwksKey).body, HasSubstr("\"kid\":\"" + key.key_id + "\""));
  EXPECT_THAT(s3_calls_->Take(), UnorderedElementsAre("HEAD " + std::string(kDiscoveryKey),
                                                      "PUT " + std::string(kDiscoveryKey),
                                                      "HEAD keys.json", "PUT keys.json"));
  EXPECT_EQ(Condition(config, "TargetIssuerVerified"),
            "True/IssuerVerified: the target cluster's issuer and signing key match the "
            "published issuer");
  EXPECT_EQ(Condition(config, "Ready"), "True/Reconciled: config reconciliation completed");

  const std::string bucket_version = ResourceVersion(Fetch(*hub_, kAckBucketResource, ns, bucket));
  const std::string provider_version =
      ResourceVersion(Fetch(*hub_, kAckOidcProviderResource, ns, provider_name));
  result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 1h);
  EXPECT_EQ(ResourceVersion(GetConfig(ns)), ResourceVersion(config));
  EXPECT_EQ(ResourceVersion(Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName)),
            ResourceVersion(secret));
  EXPECT_EQ(ResourceVersion(Fetch(*hub_, kAckBucketResource, ns, bucket)), bucket_version);
  EXPECT_EQ(ResourceVersion(Fetch(*hub_, kAckOidcProviderResource, ns, provider_name)),
            provider_version);
  EXPECT_THAT(s3_calls_->Take(),
              UnorderedElementsAre("HEAD " + std::string(kDiscoveryKey), "HEAD keys.json"));
  EXPECT_THAT(Events(ns),
              Contains(AllOf(Field(&SeenEvent::type, "Normal"), Field(&SeenEvent::reason, "Ready"),
                             Field(&SeenEvent::note,
                                   "Ready transitioned to True "
                                   "with reason Reconciled"))));
}

struct RemoteFailureCase {
  std::string ns;
  ErrorCode code;
  std::string message;
  bool want_error;
};

class RemoteFailureTest : public SelfHostedRuntimeTest,
                          public ::testing::WithParamInterface<RemoteFailureCase> {};

// Validates §8.5.2 step 2: when the remote cluster cannot be obtained, WebhookRuntimeReady is
// False/RemoteClusterUnavailable with the cause and the previous runtime status fields stay; a
// "cluster not found" (not engaged yet) is parked with a 30 s requeue and no error, any other
// failure is the error "resolve remote cluster for self-hosted webhook runtime: ...". The issuer
// flow still ran (IssuerReady is set), and Ready reports the issuer first (§8.6).
TEST_P(RemoteFailureTest, Reconcile_RemoteClusterUnavailable_ReportsRemoteClusterUnavailable) {
  const RemoteFailureCase& c = GetParam();
  Prepare(c.ns);
  StartSelfHostedConfig(c.ns);
  PatchConfigStatus(c.ns, {{"webhookRuntimeNamespace", "previous-webhook"},
                           {"webhookRuntimeCertNotAfter", "2030-01-01T00:00:00Z"}});
  options_.remote = [&](const std::string& key) -> Result<std::shared_ptr<kube::Client>> {
    remote_keys_.push_back(key);
    return MakeError(c.code, c.message);
  };

  const auto result = Reconcile(c.ns);

  if (c.want_error) {
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().message,
                AllOf(HasSubstr("resolve remote cluster for self-hosted webhook runtime"),
                      HasSubstr(c.message)));
  } else {
    ASSERT_TRUE(result.ok()) << result.error().ToString();
    EXPECT_EQ(result->requeue_after, 30s);
  }
  EXPECT_EQ(remote_keys_, (std::vector<std::string>{c.ns + "/" + c.ns}));
  const Json config = GetConfig(c.ns);
  const Json runtime_ready = ConditionEntry(config, "WebhookRuntimeReady");
  EXPECT_EQ(runtime_ready.value("status", ""), "False");
  EXPECT_EQ(runtime_ready.value("reason", ""), "RemoteClusterUnavailable");
  EXPECT_THAT(runtime_ready.value("message", ""), HasSubstr(c.message));
  EXPECT_EQ(config["status"]["webhookRuntimeNamespace"], "previous-webhook");
  EXPECT_EQ(config["status"]["webhookRuntimeCertNotAfter"], "2030-01-01T00:00:00Z");
  EXPECT_EQ(Condition(config, "IssuerReady"), "False/WaitingForACK: waiting for ACK resources");
  EXPECT_EQ(Condition(config, "Ready"), "False/WaitingForACK: waiting for ACK resources");
  EXPECT_TRUE(
      Fetch(*target_, kube::resources::kDeployments, WebhookNamespace(c.ns), "pod-identity-webhook")
          .is_null());
}

INSTANTIATE_TEST_SUITE_P(
    Causes, RemoteFailureTest,
    ::testing::Values(RemoteFailureCase{"cr-sh-not-engaged", ErrorCode::kNotFound,
                                        "cluster not found", false},
                      RemoteFailureCase{"cr-sh-remote-broken", ErrorCode::kConfiguration,
                                        "exec plugin failed: no credentials", true}),
    CaseName<RemoteFailureCase>);

struct InventoryCase {
  std::string ns;
  bool cluster_profile;
  std::string reason;
  std::string message;
};

class InventoryNotReadyTest : public SelfHostedRuntimeTest,
                              public ::testing::WithParamInterface<InventoryCase> {};

// Validates §8.2 steps 4-5, §8.5.2 step 1 and §8.6 step 1 with the §2.4 literals: with no
// ClusterProfile, or one without access providers, ClusterProfileResolved, WebhookRuntimeReady
// and Ready carry the resolution's reason and message, a stale resolvedClusterName is removed,
// no remote cluster is asked for, the pass requeues after 30 s without an error, and the
// transition is a Warning InventoryUnavailable event (§10.2).
TEST_P(InventoryNotReadyTest, Reconcile_InventoryNotReady_ReportsResolutionOnRuntime) {
  const InventoryCase& c = GetParam();
  Prepare(c.ns, {.cluster_profile = c.cluster_profile, .access_providers = false});
  StartSelfHostedConfig(c.ns);
  PatchConfigStatus(c.ns, {{"resolvedClusterName", "stale/stale"}});

  const auto result = ReconcileOk(c.ns);

  EXPECT_EQ(result.requeue_after, 30s);
  const Json config = GetConfig(c.ns);
  const std::string want = "False/" + c.reason + ": " + c.message;
  EXPECT_EQ(Condition(config, "ClusterProfileResolved"), want);
  EXPECT_EQ(Condition(config, "WebhookRuntimeReady"), want);
  EXPECT_EQ(Condition(config, "Ready"), want);
  EXPECT_FALSE(config["status"].contains("resolvedClusterName"));
  EXPECT_THAT(remote_keys_, IsEmpty());
  EXPECT_THAT(Events(c.ns), Contains(AllOf(Field(&SeenEvent::type, "Warning"),
                                           Field(&SeenEvent::reason, "InventoryUnavailable"),
                                           Field(&SeenEvent::note,
                                                 "ClusterProfileResolved transitioned to "
                                                 "False with reason " +
                                                     c.reason))));
}

INSTANTIATE_TEST_SUITE_P(
    Resolutions, InventoryNotReadyTest,
    ::testing::Values(
        InventoryCase{"cr-sh-no-profile", false, "ClusterProfileNotFound",
                      "ClusterProfile for workload namespace cr-sh-no-profile was not found"},
        InventoryCase{"cr-sh-no-access", true, "InventoryUnavailable",
                      "OCM ClusterProfile for workload namespace cr-sh-no-access exists but has "
                      "not been provisioned with access providers yet"}),
    CaseName<InventoryCase>);

// Validates §8.5.2 steps 4 and 6 with §9.5: when the webhook namespace has not been bootstrapped
// on the target, WebhookRuntimeReady is False/RemoteNamespaceBootstrapPending with the literal
// message, webhookRuntimeNamespace is recorded, no certificate NotAfter is recorded, the pass
// requeues after 30 s, and the namespace is not created.
TEST_F(SelfHostedRuntimeTest, Reconcile_WebhookNamespaceAbsent_ReportsBootstrapPending) {
  const std::string ns = "cr-sh-bootstrap";
  const std::string webhook_ns = WebhookNamespace(ns);
  Prepare(ns, {.webhook_namespace = false});
  StartSelfHostedConfig(ns);

  const auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 30s);
  const Json config = GetConfig(ns);
  EXPECT_EQ(Condition(config, "WebhookRuntimeReady"),
            "False/RemoteNamespaceBootstrapPending: remote webhook namespace has not been "
            "bootstrapped: namespace \"" +
                webhook_ns +
                "\" absent on workload cluster; expected chart-managed OCM ManifestWork (or "
                "equivalent external bootstrap) to create it");
  EXPECT_EQ(config["status"]["webhookRuntimeNamespace"], webhook_ns);
  EXPECT_FALSE(config["status"].contains("webhookRuntimeCertNotAfter"));
  EXPECT_TRUE(Fetch(*target_, kube::resources::kNamespaces, "", webhook_ns).is_null());
}

struct ApplyFailureCase {
  std::string ns;
  std::string object;  // "ServiceAccount" (unlabelled) or "Deployment" (managed, other selector)
  std::string reason;
  std::string message_part;
};

class RuntimeApplyFailureTest : public SelfHostedRuntimeTest,
                                public ::testing::WithParamInterface<ApplyFailureCase> {};

// Validates §8.5.2 step 5 with §9.2 and §9.8: when the remote apply fails, WebhookRuntimeReady
// is False with RemoteRuntimeUnmanaged for an existing object without the managed labels (the
// message tells how to proceed, force-delete included) or WebhookRuntimeApplyFailed for any
// other refusal (a managed Deployment whose selector differs); the pass returns the error
// "apply self-hosted webhook runtime: ...", records webhookRuntimeNamespace, and leaves the
// offending object as it was.
TEST_P(RuntimeApplyFailureTest, Reconcile_RuntimeApplyFails_ReportsApplyFailure) {
  const ApplyFailureCase& c = GetParam();
  const std::string webhook_ns = WebhookNamespace(c.ns);
  Prepare(c.ns);
  Json existing;
  if (c.object == "ServiceAccount") {
    existing =
        Create(*target_, kube::resources::kServiceAccounts, webhook_ns,
               {{"metadata", {{"name", "pod-identity-webhook"}, {"namespace", webhook_ns}}}});
  } else {
    const Json other = {{"app.kubernetes.io/name", "other"}};
    existing = Create(
        *target_, kube::resources::kDeployments, webhook_ns,
        {{"metadata",
          {{"name", "pod-identity-webhook"},
           {"namespace", webhook_ns},
           {"labels",
            {{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
             {"aws.identity.appthrust.io/runtime", "self-hosted-webhook"}}}}},
         {"spec",
          {{"selector", {{"matchLabels", other}}},
           {"template",
            {{"metadata", {{"labels", other}}},
             {"spec",
              {{"containers", {{{"name", "other"}, {"image", "example.com/other:1"}}}}}}}}}}});
  }
  StartSelfHostedConfig(c.ns);

  const auto result = Reconcile(c.ns);

  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, StartsWith("apply self-hosted webhook runtime: "));
  const Json config = GetConfig(c.ns);
  const Json runtime_ready = ConditionEntry(config, "WebhookRuntimeReady");
  EXPECT_EQ(runtime_ready.value("status", ""), "False");
  EXPECT_EQ(runtime_ready.value("reason", ""), c.reason);
  EXPECT_THAT(runtime_ready.value("message", ""), HasSubstr(c.message_part));
  EXPECT_EQ(config["status"]["webhookRuntimeNamespace"], webhook_ns);
  const kube::ResourceRef& resource = c.object == "ServiceAccount"
                                          ? kube::resources::kServiceAccounts
                                          : kube::resources::kDeployments;
  EXPECT_EQ(ResourceVersion(Fetch(*target_, resource, webhook_ns, "pod-identity-webhook")),
            ResourceVersion(existing));
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, RuntimeApplyFailureTest,
    ::testing::Values(
        ApplyFailureCase{"cr-sh-unmanaged", "ServiceAccount", "RemoteRuntimeUnmanaged",
                         "remote webhook runtime object is not managed by this operator: "
                         "refusing to apply"},
        ApplyFailureCase{"cr-sh-selector", "Deployment", "WebhookRuntimeApplyFailed",
                         "selector is immutable and the Deployment must be recreated"}),
    CaseName<ApplyFailureCase>);

}  // namespace
}  // namespace awio::controllers::config::test
