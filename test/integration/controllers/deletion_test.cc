// Integration tests of the config reconciler's deletion flow (spec config-controller.md §8.7,
// §9.10, §15.14): the roles gate and force-delete, the remote runtime cleanup with the
// shared-runtime check, owned and foreign hub children, S3 objects removed before their Bucket,
// and this implementation's wait for ACK to remove the ACK objects (reconciler.h, deletion.cc)
// before the finalizer goes. The tests play ACK by putting ACK's finalizers on its objects and
// removing them later.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/v1alpha1/resources.h"
#include "aws/credentials.h"
#include "base/encoding.h"
#include "controllers/ack_resources.h"
#include "kube/resource.h"
#include "oidc/publisher.h"
#include "process.h"
#include "reconciler_fixture.h"
#include "support/shared_environment.h"
#include "webhookruntime/objects.h"

namespace awio::controllers::config::test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Each;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;

constexpr char kSentinelFinalizer[] = "example.com/sentinel";

bool BeingDeleted(const Json& object) {
  return object.is_object() && object["metadata"].contains("deletionTimestamp");
}

class DeletionTest : public ConfigReconcilerTest {
 protected:
  void CreateRole(const std::string& ns) {
    Create(*hub_, api::v1alpha1::kRoleResource, ns,
           {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
            {"kind", "AWSServiceAccountRole"},
            {"metadata", {{"name", "app"}, {"namespace", ns}}},
            {"spec",
             {{"serviceAccount", {{"name", "app"}, {"namespace", "default"}}},
              {"policyARNs", {"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}}});
  }

  void Annotate(const std::string& ns, const std::string& force_delete) {
    MergePatch(*hub_, api::v1alpha1::kConfigResource, ns, "default",
               {{"metadata",
                 {{"annotations", {{"aws.identity.appthrust.io/force-delete", force_delete}}}}}});
  }

  // A hub namespace without Prepare (which would replace the operator config).
  void CreateHubNamespace(const std::string& ns) {
    auto made = hub_->Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", ns}}}});
    ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
        << made.error().ToString();
  }

  // The runtime objects of §9.3a that Apply creates, by "<Kind> <name>".
  std::vector<std::pair<const kube::ResourceRef*, std::string>> RuntimeObjects() {
    return {{&kube::resources::kDeployments, "pod-identity-webhook"},
            {&kube::resources::kServices, "pod-identity-webhook"},
            {&kube::resources::kSecrets, "pod-identity-webhook"},
            {&kube::resources::kSecrets, "pod-identity-webhook-ca"},
            {&kube::resources::kServiceAccounts, "pod-identity-webhook"},
            {&webhookruntime::resources::kClusterRoles, "pod-identity-webhook"},
            {&webhookruntime::resources::kClusterRoleBindings, "pod-identity-webhook"}};
  }
};

// Validates §8.7 steps 1, 4 and 5 and the force-delete rule of §1: while an
// AWSServiceAccountRole remains, deletion is blocked with DeletionBlocked=True/RolesRemain (a
// Warning DeletionBlocked event, 30 s requeue, finalizer kept, nothing rewritten on a repeat);
// the annotation value "True" is not "true" and changes nothing; with "true" the gate is
// bypassed, DeletionBlocked becomes False/DeletionUnblocked and only our finalizer is removed
// (a sentinel finalizer keeps the object readable). The Role itself is not touched.
TEST_F(DeletionTest, Reconcile_DeletingWithRolesRemaining_BlocksUntilForceDelete) {
  const std::string ns = "cr-del-roles";
  Prepare(ns);
  CreateConfig(ns, {{"type", "EKSPodIdentity"}, {"region", kRegion}},
               {{"finalizers", {kSentinelFinalizer}}});
  ReconcileOk(ns);
  ReconcileOk(ns);
  CreateRole(ns);
  DeleteConfig(ns);

  auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 30s);
  Json config = GetConfig(ns);
  EXPECT_EQ(Condition(config, "DeletionBlocked"),
            "True/RolesRemain: AWSServiceAccountRole objects remain in namespace");
  EXPECT_EQ(config["status"]["observedGeneration"], config["metadata"]["generation"]);
  EXPECT_EQ(config["metadata"]["finalizers"], Json({kSentinelFinalizer, kConfigFinalizer}));
  EXPECT_THAT(Events(ns),
              Contains(AllOf(
                  Field(&SeenEvent::type, "Warning"), Field(&SeenEvent::reason, "DeletionBlocked"),
                  Field(&SeenEvent::note,
                        "DeletionBlocked transitioned to True with reason RolesRemain"))));

  result = ReconcileOk(ns);
  EXPECT_EQ(result.requeue_after, 30s);
  EXPECT_EQ(ResourceVersion(GetConfig(ns)), ResourceVersion(config));

  Annotate(ns, "True");
  result = ReconcileOk(ns);
  EXPECT_EQ(result.requeue_after, 30s);
  EXPECT_EQ(GetConfig(ns)["metadata"]["finalizers"], Json({kSentinelFinalizer, kConfigFinalizer}));

  Annotate(ns, "true");
  result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  config = GetConfig(ns);
  EXPECT_EQ(config["metadata"]["finalizers"], Json({kSentinelFinalizer}));
  EXPECT_EQ(Condition(config, "DeletionBlocked"),
            "False/DeletionUnblocked: deletion is no longer blocked");
  EXPECT_FALSE(Fetch(*hub_, api::v1alpha1::kRoleResource, ns, "app").is_null());
  EXPECT_THAT(Events(ns),
              Contains(AllOf(Field(&SeenEvent::type, "Normal"),
                             Field(&SeenEvent::reason, "FinalizerRemoved"),
                             Field(&SeenEvent::action, "RemoveFinalizer"),
                             Field(&SeenEvent::note, "removed finalizer after cleanup"))));
}

// Validates §8.7 steps 2-5 and §9.10 for a fully reconciled SelfHostedIRSA config whose ACK
// objects carry ACK's finalizers: the remote runtime on the target is deleted (its namespace
// kept); while S3 refuses the object deletion the Bucket CR is not deleted (objects first), the
// error names the S3 step and the finalizer stays; then both objects are deleted from S3, the
// Bucket and OpenIDConnectProvider are deleted and the signing Secret is gone; the finalizer
// stays while either ACK object still exists and is removed once ACK has let both go.
TEST_F(DeletionTest, Reconcile_DeletingSelfHostedConfig_DeletesObjectsBeforeBucketAndWaitsForAck) {
  const std::string ns = "cr-del-owned";
  const std::string bucket = "awi-cr-del-owned-us-east-1-afd2a9cdf1";
  const std::string provider_name = "awi-oidc-cr-del-owned";
  const std::string webhook_ns = WebhookNamespace(ns);
  Prepare(ns);
  CreateConfig(ns, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  ReconcileOk(ns);
  ReconcileOk(ns);
  CreateEmulatorBucket(bucket, kRegion);
  SetAckStatus(kAckBucketResource, ns, bucket, true);
  ReconcileOk(ns);
  SetAckStatus(kAckOidcProviderResource, ns, provider_name, true,
               "arn:aws:iam::123456789012:oidc-provider/" + bucket + ".s3.us-east-1.amazonaws.com");
  MarkWebhookDeploymentAvailable(webhook_ns);
  ReconcileOk(ns);
  ASSERT_EQ(GetS3Object(bucket, kDiscoveryKey).status, 200);
  ASSERT_EQ(GetS3Object(bucket, kJwksKey).status, 200);
  ASSERT_FALSE(Fetch(*target_, webhookruntime::resources::kMutatingWebhookConfigurations, "",
                     "pod-identity-webhook")
                   .is_null());
  SetFinalizers(kAckBucketResource, ns, bucket, {kAckBucketFinalizer});
  SetFinalizers(kAckOidcProviderResource, ns, provider_name, {kAckProviderFinalizer});
  DeleteConfig(ns);

  // S3 refuses: an endpoint nothing listens on, without retries.
  const auto working_publishers = options_.publishers;
  const auto& emulator = awio::test::SharedEnvironment().aws();
  aws::Credentials keys;
  keys.access_key_id = emulator.access_key_id;
  keys.secret_access_key = aws::SecretString(emulator.secret_access_key);
  options_.publishers = std::make_shared<oidc::PublisherCache>(oidc::PublisherOptions{
      .endpoint_override = "http://127.0.0.1:" + std::to_string(testenv::FreeLoopbackPort()),
      .allow_plain_http = true,
      .credentials = std::make_shared<aws::StaticCredentialsProvider>(keys),
      .retry = {.max_attempts = 1}});
  auto failed = Reconcile(ns);

  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.error().message,
              HasSubstr("delete config children: delete OIDC issuer objects: delete self-hosted "
                        "OIDC issuer objects: delete S3 object s3://" +
                        bucket + "/"));
  EXPECT_FALSE(BeingDeleted(Fetch(*hub_, kAckBucketResource, ns, bucket)));
  EXPECT_EQ(GetS3Object(bucket, kDiscoveryKey).status, 200);
  EXPECT_EQ(GetConfig(ns)["metadata"]["finalizers"], Json({kConfigFinalizer}));
  for (const auto& [resource, name] : RuntimeObjects()) {
    EXPECT_TRUE(Fetch(*target_, *resource, webhook_ns, name).is_null()) << resource->kind;
  }
  EXPECT_TRUE(Fetch(*target_, webhookruntime::resources::kMutatingWebhookConfigurations, "",
                    "pod-identity-webhook")
                  .is_null());
  EXPECT_FALSE(Fetch(*target_, kube::resources::kNamespaces, "", webhook_ns).is_null());

  options_.publishers = working_publishers;
  s3_calls_->Take();
  auto result = ReconcileOk(ns);

  EXPECT_GT(result.requeue_after, 0ms);
  EXPECT_THAT(s3_calls_->Take(), UnorderedElementsAre("DELETE " + std::string(kDiscoveryKey),
                                                      "DELETE " + std::string(kJwksKey)));
  EXPECT_EQ(GetS3Object(bucket, kDiscoveryKey).status, 404);
  EXPECT_EQ(GetS3Object(bucket, kJwksKey).status, 404);
  EXPECT_TRUE(BeingDeleted(Fetch(*hub_, kAckBucketResource, ns, bucket)));
  EXPECT_TRUE(BeingDeleted(Fetch(*hub_, kAckOidcProviderResource, ns, provider_name)));
  EXPECT_TRUE(Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName).is_null());
  EXPECT_EQ(GetConfig(ns)["metadata"]["finalizers"], Json({kConfigFinalizer}));

  SetFinalizers(kAckOidcProviderResource, ns, provider_name, {});
  result = ReconcileOk(ns);

  EXPECT_GT(result.requeue_after, 0ms);
  EXPECT_EQ(GetConfig(ns)["metadata"]["finalizers"], Json({kConfigFinalizer}));

  SetFinalizers(kAckBucketResource, ns, bucket, {});
  result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  EXPECT_TRUE(GetConfig(ns).is_null());
  EXPECT_THAT(Events(ns), Contains(Field(&SeenEvent::reason, "FinalizerRemoved")));
}

// Validates §8.7 step 3 "owned-delete" and §15.14: a Bucket, OpenIDConnectProvider and signing
// Secret with the child names but neither our owner reference nor our config-uid label are kept
// untouched, the S3 objects in that bucket are not deleted (no S3 call at all), each skip is a
// Warning ChildOwnershipMismatch event (the Bucket twice: S3 guard and delete guard) with the
// literal note, and the finalizer is still removed.
TEST_F(DeletionTest, Reconcile_DeletingWithForeignChildren_KeepsThemAndWarns) {
  const std::string ns = "cr-del-foreign";
  const std::string bucket = "awi-cr-del-foreign-us-east-1-116b89df71";
  const std::string provider_name = "awi-oidc-cr-del-foreign";
  Prepare(ns);
  CreateConfig(ns, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  ReconcileOk(ns);
  Create(*hub_, kAckBucketResource, ns,
         {{"apiVersion", "s3.services.k8s.aws/v1alpha1"},
          {"kind", "Bucket"},
          {"metadata", {{"name", bucket}, {"namespace", ns}}},
          {"spec", {{"name", bucket}}}});
  Create(
      *hub_, kAckOidcProviderResource, ns,
      {{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
       {"kind", "OpenIDConnectProvider"},
       {"metadata", {{"name", provider_name}, {"namespace", ns}}},
       {"spec", {{"url", "https://foreign.example.test"}, {"clientIDs", {"sts.amazonaws.com"}}}}});
  Create(*hub_, kube::resources::kSecrets, ns,
         {{"metadata", {{"name", kSigningSecretName}, {"namespace", ns}}},
          {"type", "Opaque"},
          {"data", {{"owner", base::Base64Encode("someone else")}}}});
  CreateEmulatorBucket(bucket, kRegion);
  PutS3Object(bucket, kDiscoveryKey, "foreign discovery");
  PutS3Object(bucket, kJwksKey, "foreign keys");
  DeleteConfig(ns);

  const auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  EXPECT_TRUE(GetConfig(ns).is_null());
  EXPECT_FALSE(BeingDeleted(Fetch(*hub_, kAckBucketResource, ns, bucket)));
  EXPECT_FALSE(BeingDeleted(Fetch(*hub_, kAckOidcProviderResource, ns, provider_name)));
  EXPECT_FALSE(BeingDeleted(Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName)));
  EXPECT_FALSE(Fetch(*hub_, kAckBucketResource, ns, bucket).is_null());
  EXPECT_FALSE(Fetch(*hub_, kAckOidcProviderResource, ns, provider_name).is_null());
  EXPECT_FALSE(Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName).is_null());
  EXPECT_THAT(s3_calls_->Take(), IsEmpty());
  EXPECT_EQ(GetS3Object(bucket, kDiscoveryKey).body, "foreign discovery");
  EXPECT_EQ(GetS3Object(bucket, kJwksKey).body, "foreign keys");

  std::vector<SeenEvent> mismatches;
  for (const auto& event : Events(ns)) {
    if (event.reason == "ChildOwnershipMismatch") mismatches.push_back(event);
  }
  ASSERT_EQ(mismatches.size(), 4u);
  EXPECT_THAT(mismatches, Each(AllOf(Field(&SeenEvent::type, "Warning"),
                                     Field(&SeenEvent::action, "SkipDeleteForeignChild"))));
  const std::string by =
      ": not controlled by *v1alpha1.AWSWorkloadIdentityConfig " + ns + "/default";
  EXPECT_THAT(mismatches, Contains(Field(&SeenEvent::note, "skipping delete of *v1.Secret " + ns +
                                                               "/" + kSigningSecretName + by)));
  EXPECT_THAT(mismatches, Contains(Field(&SeenEvent::note,
                                         "skipping delete of *v1alpha1.OpenIDConnectProvider " +
                                             ns + "/" + provider_name + by)));
  EXPECT_THAT(mismatches, Contains(Field(&SeenEvent::note, "skipping delete of *v1alpha1.Bucket " +
                                                               ns + "/" + bucket + by)));
}

// Validates §8.7 step 2.2 and §15.14 (shared runtime): another live SelfHostedIRSA config whose
// status.resolvedClusterName is this config's cluster key shares the target's runtime, so the
// remote cleanup is skipped entirely (no remote client is requested, every runtime object stays)
// while the hub children are still deleted and the finalizer removed.
TEST_F(DeletionTest, Reconcile_DeletingWhileSiblingSharesCluster_KeepsRemoteRuntime) {
  const std::string ns = "cr-del-shared";
  const std::string sibling = "cr-del-shared-sibling";
  const std::string webhook_ns = WebhookNamespace(ns);
  Prepare(ns);
  CreateConfig(ns, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  ReconcileOk(ns);
  ReconcileOk(ns);
  for (const auto& [resource, name] : RuntimeObjects()) {
    ASSERT_FALSE(Fetch(*target_, *resource, webhook_ns, name).is_null()) << resource->kind;
  }
  CreateHubNamespace(sibling);
  CreateConfig(sibling, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  PatchConfigStatus(sibling, {{"resolvedClusterName", ns + "/" + ns}});
  DeleteConfig(ns);
  remote_keys_.clear();

  const auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  EXPECT_TRUE(GetConfig(ns).is_null());
  EXPECT_THAT(remote_keys_, IsEmpty());
  for (const auto& [resource, name] : RuntimeObjects()) {
    EXPECT_FALSE(Fetch(*target_, *resource, webhook_ns, name).is_null()) << resource->kind;
  }
  EXPECT_TRUE(Fetch(*hub_, kube::resources::kSecrets, ns, kSigningSecretName).is_null());
  EXPECT_THAT((*hub_->List(kAckBucketResource, ns))["items"], IsEmpty());
}

// Validates §8.7 step 2 (strict variant, conservative path) and §16.11: a live SelfHostedIRSA
// sibling whose own namespace does not resolve blocks the remote cleanup, so deletion is blocked
// with DeletionBlocked=True/RemoteClusterUnavailable naming the sibling (30 s, finalizer kept);
// force-delete makes that failure non-blocking and the finalizer is removed.
TEST_F(DeletionTest, Reconcile_DeletingWhileSiblingInventoryNotReady_BlocksUntilForceDelete) {
  const std::string ns = "cr-del-blocked";
  const std::string sibling = "cr-del-blocked-sibling";
  Prepare(ns);
  CreateConfig(ns, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  ReconcileOk(ns);
  CreateHubNamespace(sibling);
  CreateConfig(sibling, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  DeleteConfig(ns);

  auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 30s);
  Json config = GetConfig(ns);
  const Json blocked = ConditionEntry(config, "DeletionBlocked");
  EXPECT_EQ(blocked.value("status", ""), "True");
  EXPECT_EQ(blocked.value("reason", ""), "RemoteClusterUnavailable");
  EXPECT_THAT(blocked.value("message", ""),
              AllOf(HasSubstr("sibling " + sibling +
                              "/default inventory is not ready during remote runtime cleanup"),
                    HasSubstr("ClusterProfileNotFound")));
  EXPECT_EQ(config["metadata"]["finalizers"], Json({kConfigFinalizer}));
  EXPECT_THAT(Events(ns), Contains(AllOf(Field(&SeenEvent::type, "Warning"),
                                         Field(&SeenEvent::reason, "DeletionBlocked"))));

  Annotate(ns, "true");
  result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  EXPECT_TRUE(GetConfig(ns).is_null());
}

// Validates §8.7 steps 3-4 with this implementation's wait for ACK: once the last Role is gone
// and the hub children have been deleted, deletion is no longer blocked, so DeletionBlocked
// turns False/DeletionUnblocked even while the finalizer still waits for ACK to release the
// OpenIDConnectProvider; the finalizer goes once ACK lets the provider go.
// BUG R-2: the unblock is written only after the wait, so while ACK works the config keeps
// reporting DeletionBlocked=True/RolesRemain although no Role remains.
TEST_F(DeletionTest, Reconcile_RolesGoneWhileWaitingForAck_ReportsDeletionUnblocked) {
  const std::string ns = "cr-del-unblock";
  const std::string provider_name = "awi-oidc-cr-del-unblock";
  Prepare(ns);
  CreateConfig(ns, {{"type", "EKSIRSA"},
                    {"region", "ap-northeast-1"},
                    {"eksIRSA",
                     {{"issuerURL", "https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE"},
                      {"oidcProvider", {{"management", "Managed"}}}}}});
  ReconcileOk(ns);
  ReconcileOk(ns);
  SetFinalizers(kAckOidcProviderResource, ns, provider_name, {kAckProviderFinalizer});
  CreateRole(ns);
  DeleteConfig(ns);
  ReconcileOk(ns);
  ASSERT_EQ(ConditionEntry(GetConfig(ns), "DeletionBlocked").value("reason", ""), "RolesRemain");
  auto deleted = hub_->Delete(api::v1alpha1::kRoleResource, ns, "app");
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();

  auto result = ReconcileOk(ns);

  EXPECT_GT(result.requeue_after, 0ms);
  EXPECT_TRUE(BeingDeleted(Fetch(*hub_, kAckOidcProviderResource, ns, provider_name)));
  Json config = GetConfig(ns);
  EXPECT_EQ(config["metadata"]["finalizers"], Json({kConfigFinalizer}));
  EXPECT_EQ(Condition(config, "DeletionBlocked"),
            "False/DeletionUnblocked: deletion is no longer blocked");

  SetFinalizers(kAckOidcProviderResource, ns, provider_name, {});
  result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  EXPECT_TRUE(GetConfig(ns).is_null());
}

// Validates §8.7 step 2.4 and §16.15: the remote cleanup deletes the runtime in the namespace
// recorded in status.webhookRuntimeNamespace, not in the operator config's current one (the
// operator config was recreated with another namespace after the runtime was applied).
TEST_F(DeletionTest, Reconcile_DeletingAfterWebhookNamespaceChange_CleansRecordedNamespace) {
  const std::string ns = "cr-del-moved";
  const std::string recorded = WebhookNamespace(ns);
  const std::string current = "cr-del-moved-new-wh";
  Prepare(ns);
  CreateConfig(ns, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  ReconcileOk(ns);
  ReconcileOk(ns);
  ASSERT_EQ(GetConfig(ns)["status"]["webhookRuntimeNamespace"], recorded);
  BootstrapWebhookNamespace(current);
  Create(*target_, kube::resources::kServiceAccounts, current,
         {{"metadata",
           {{"name", "pod-identity-webhook"},
            {"namespace", current},
            {"labels",
             {{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
              {"aws.identity.appthrust.io/runtime", "self-hosted-webhook"}}}}}});
  DeleteOperatorConfig();
  CreateOperatorConfig(current);
  DeleteConfig(ns);

  const auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  EXPECT_TRUE(GetConfig(ns).is_null());
  for (const auto& [resource, name] : RuntimeObjects()) {
    EXPECT_TRUE(Fetch(*target_, *resource, recorded, name).is_null()) << resource->kind;
  }
  EXPECT_FALSE(Fetch(*target_, kube::resources::kServiceAccounts, current, "pod-identity-webhook")
                   .is_null());
}

// Validates §8.7 step 2 with §9.10: a cluster-scoped runtime object on the target without the
// managed labels stops the remote cleanup, so deletion is blocked with
// DeletionBlocked=True/RemoteRuntimeUnmanaged and a message that names force-delete; with
// force-delete the failure is ignored, the finalizer is removed, and the object is left alone.
TEST_F(DeletionTest, Reconcile_DeletingWithUnmanagedClusterRole_BlocksUntilForceDelete) {
  const std::string ns = "cr-del-unmanaged";
  Prepare(ns);
  const Json cluster_role =
      Create(*target_, webhookruntime::resources::kClusterRoles, "",
             {{"metadata", {{"name", "pod-identity-webhook"}}}, {"rules", Json::array()}});
  CreateConfig(ns, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
  ReconcileOk(ns);
  DeleteConfig(ns);

  auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 30s);
  const Json blocked = ConditionEntry(GetConfig(ns), "DeletionBlocked");
  EXPECT_EQ(blocked.value("status", ""), "True");
  EXPECT_EQ(blocked.value("reason", ""), "RemoteRuntimeUnmanaged");
  EXPECT_THAT(blocked.value("message", ""),
              AllOf(HasSubstr("remote webhook runtime object is not managed by this operator: "
                              "refusing to delete cluster-scoped"),
                    HasSubstr("aws.identity.appthrust.io/force-delete")));

  Annotate(ns, "true");
  result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  EXPECT_TRUE(GetConfig(ns).is_null());
  EXPECT_EQ(ResourceVersion(Fetch(*target_, webhookruntime::resources::kClusterRoles, "",
                                  "pod-identity-webhook")),
            ResourceVersion(cluster_role));
}

// Validates §8.7 step 3c and the note of §4.3: deletion uses the bucket name recorded in
// status.selfHostedIssuer.bucketName, so the S3 objects of that bucket are deleted and its owned
// Bucket CR (owned through the config-uid label alone) is deleted, while the computed name is
// not looked at.
TEST_F(DeletionTest, Reconcile_DeletingWithRecordedBucketName_CleansTheRecordedBucket) {
  const std::string ns = "cr-del-recorded";
  const std::string recorded = "cr-del-recorded-previous-bucket";
  Prepare(ns);
  const std::string uid = Uid(CreateConfig(ns, {{"type", "SelfHostedIRSA"}, {"region", kRegion}}));
  ReconcileOk(ns);
  Create(*hub_, kAckBucketResource, ns,
         {{"apiVersion", "s3.services.k8s.aws/v1alpha1"},
          {"kind", "Bucket"},
          {"metadata",
           {{"name", recorded},
            {"namespace", ns},
            {"labels", {{"aws.identity.appthrust.io/config-uid", uid}}}}},
          {"spec", {{"name", recorded}}}});
  CreateEmulatorBucket(recorded, kRegion);
  PutS3Object(recorded, kDiscoveryKey, "old discovery");
  PutS3Object(recorded, kJwksKey, "old keys");
  PatchConfigStatus(ns, {{"selfHostedIssuer", {{"bucketName", recorded}}}});
  DeleteConfig(ns);
  s3_calls_->Take();

  const auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  EXPECT_TRUE(GetConfig(ns).is_null());
  EXPECT_THAT(s3_calls_->Take(), UnorderedElementsAre("DELETE " + std::string(kDiscoveryKey),
                                                      "DELETE " + std::string(kJwksKey)));
  EXPECT_EQ(GetS3Object(recorded, kDiscoveryKey).status, 404);
  EXPECT_EQ(GetS3Object(recorded, kJwksKey).status, 404);
  EXPECT_TRUE(Fetch(*hub_, kAckBucketResource, ns, recorded).is_null());
}

// Validates §8.7 step 3 and §15.14 for EKSIRSA External: there is nothing of ours to delete, so
// an OpenIDConnectProvider with the child name is neither read nor deleted, even one carrying
// this config's config-uid label.
TEST_F(DeletionTest, Reconcile_DeletingEKSIRSAExternal_LeavesSameNamedProviderAlone) {
  const std::string ns = "cr-del-external";
  const std::string provider_name = "awi-oidc-cr-del-external";
  Prepare(ns);
  const std::string uid = Uid(
      CreateConfig(ns, {{"type", "EKSIRSA"},
                        {"region", "ap-northeast-1"},
                        {"eksIRSA",
                         {{"issuerURL", "https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE"},
                          {"oidcProvider",
                           {{"management", "External"},
                            {"arn",
                             "arn:aws:iam::123456789012:oidc-provider/"
                             "oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE"}}}}}}));
  ReconcileOk(ns);
  Create(*hub_, kAckOidcProviderResource, ns,
         {{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
          {"kind", "OpenIDConnectProvider"},
          {"metadata",
           {{"name", provider_name},
            {"namespace", ns},
            {"labels", {{"aws.identity.appthrust.io/config-uid", uid}}}}},
          {"spec", {{"url", "https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE"}}}});
  DeleteConfig(ns);

  const auto result = ReconcileOk(ns);

  EXPECT_EQ(result.requeue_after, 0ms);
  EXPECT_TRUE(GetConfig(ns).is_null());
  EXPECT_FALSE(BeingDeleted(Fetch(*hub_, kAckOidcProviderResource, ns, provider_name)));
  EXPECT_FALSE(Fetch(*hub_, kAckOidcProviderResource, ns, provider_name).is_null());
}

}  // namespace
}  // namespace awio::controllers::config::test
