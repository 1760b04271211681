// The fixture of the config reconciler integration tests: a Reconciler wired to the shared hub,
// the target cluster (as its only remote cluster), an S3 publisher cache aimed at the emulator
// through a transport that logs every S3 call, and an event recorder; plus the parts the tests
// play themselves: ACK (status of Bucket and OpenIDConnectProvider objects, the S3 bucket in the
// emulator), the chart's bootstrap of the webhook namespace, and the Deployment controller
// (Deployment status on the target). Tests call Reconciler::Reconcile directly, one pass at a
// time. Each test prepares its own hub namespace; the operator config is a cluster-scoped
// singleton, so Prepare recreates it with a webhook namespace of the test's own on the target.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "aws/http.h"
#include "controllers/config/reconciler.h"
#include "kube/client.h"
#include "oidc/keys.h"
#include "runtime/events.h"

namespace awio::controllers::config::test {

using Json = nlohmann::json;

// The AWS region of the emulator and of most configs here.
inline constexpr char kRegion[] = "us-east-1";
// Name of the target API server in the shared environment.
inline constexpr char kTargetCluster[] = "target";
// The workload namespace whose issuer the target cluster's tokens name. The URL is written out
// (spec config-controller.md §3.1, §6.1: bounded("awi-cr-verified-us-east-1", 63,
// "cr-verified", "us-east-1"), hash tail sha256("cr-verified/us-east-1")[:10]) rather than
// computed with the code under test.
inline constexpr char kVerifiedNamespace[] = "cr-verified";
inline constexpr char kVerifiedIssuerUrl[] =
    "https://awi-cr-verified-us-east-1-ce691b8d7a.s3.us-east-1.amazonaws.com";
// The webhook image given to the reconciler (--pod-identity-webhook-image).
inline constexpr char kWebhookImage[] = "example.com/pod-identity-webhook:test";
// UID-independent literals of the spec.
inline constexpr char kConfigFinalizer[] = "aws.identity.appthrust.io/config-finalizer";
inline constexpr char kSigningSecretName[] = "awi-signing-key-default";
// The finalizers ACK's controllers put on their objects; the tests add them to play ACK.
inline constexpr char kAckBucketFinalizer[] = "finalizers.s3.services.k8s.aws/Bucket";
inline constexpr char kAckProviderFinalizer[] =
    "finalizers.iam.services.k8s.aws/OpenIDConnectProvider";
// The S3 object keys of §1.
inline constexpr char kDiscoveryKey[] = ".well-known/openid-configuration";
inline constexpr char kJwksKey[] = "keys.json";

// The key the target API server signs service-account tokens with (generated once per run).
const oidc::GeneratedSigningKey& TargetSigningKey();

// Forwards S3 requests to the real transport and records "<METHOD> <key>" for each (path-style
// URLs: /<bucket>/<key>).
class S3CallLog {
 public:
  aws::HttpTransport Transport();
  // The calls since the last Take().
  std::vector<std::string> Take();

 private:
  const aws::HttpTransport real_ = aws::TransportOrDefault({});
  std::mutex mutex_;
  std::vector<std::string> calls_;
};

// An events.k8s.io/v1 Event as the tests compare it.
struct SeenEvent {
  std::string type, reason, action, note, regarding;
  bool operator==(const SeenEvent&) const = default;
};
void PrintTo(const SeenEvent& event, std::ostream* out);

// What the emulator holds for one S3 object.
struct S3Object {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

class ConfigReconcilerTest : public ::testing::Test {
 protected:
  struct Setup {
    // A ClusterProfile for the namespace exists ...
    bool cluster_profile = true;
    // ... and has an access provider (ready), or none yet (InventoryUnavailable).
    bool access_providers = true;
    // The webhook namespace exists on the target with the chart's bootstrap labels.
    bool webhook_namespace = true;
  };

  void SetUp() override;
  void TearDown() override;

  // Creates the hub namespace `ns`, recreates the operator config with WebhookNamespace(ns),
  // and sets up inventory and the target as `setup` says.
  void Prepare(const std::string& ns, Setup setup);
  void Prepare(const std::string& ns) { Prepare(ns, Setup{}); }
  static std::string WebhookNamespace(const std::string& ns) { return ns + "-wh"; }

  // Hub objects.
  Json CreateConfig(const std::string& ns, const Json& spec, const Json& metadata = Json::object());
  // The config, or null when it does not exist.
  Json GetConfig(const std::string& ns);
  void PatchConfigStatus(const std::string& ns, const Json& status);
  void MergePatch(kube::Client& client, const kube::ResourceRef& resource, const std::string& ns,
                  const std::string& name, const Json& patch, const std::string& subresource = "");
  void DeleteConfig(const std::string& ns);
  // Removes the config's finalizers and deletes it (cleanup, not a reconciler path).
  void ForgetConfig(const std::string& ns);
  void CreateOperatorConfig(const std::string& webhook_namespace);
  void DeleteOperatorConfig();
  // The object, or null when it does not exist (any other failure fails the test).
  Json Fetch(kube::Client& client, const kube::ResourceRef& resource, const std::string& ns,
             const std::string& name);
  Json Create(kube::Client& client, const kube::ResourceRef& resource, const std::string& ns,
              const Json& object);

  // Creates a SelfHostedIRSA config in `ns` and runs its finalizer pass; the config afterwards.
  Json StartSelfHostedConfig(const std::string& ns, const std::string& region = kRegion);
  // Plays ACK for the Bucket: the bucket exists in S3 and the CR reports it synced.
  void SyncBucket(const std::string& ns, const std::string& bucket,
                  const std::string& region = kRegion);

  // One reconcile pass of the config in `ns` with options_.
  Result<runtime::ReconcileResult> Reconcile(const std::string& ns);
  // A pass that must succeed; its result (a failure is recorded and Done returned).
  runtime::ReconcileResult ReconcileOk(const std::string& ns);

  // Plays ACK: writes the ACK.ResourceSynced condition and ackResourceMetadata (with `arn`
  // when not empty) into the object's status.
  void SetAckStatus(const kube::ResourceRef& resource, const std::string& ns,
                    const std::string& name, bool synced, const std::string& arn = "");
  void SetFinalizers(const kube::ResourceRef& resource, const std::string& ns,
                     const std::string& name, const std::vector<std::string>& finalizers);

  // The emulator.
  void CreateEmulatorBucket(const std::string& bucket, const std::string& region);
  void PutS3Object(const std::string& bucket, const std::string& key, const std::string& body);
  S3Object GetS3Object(const std::string& bucket, const std::string& key);

  // The target.
  void BootstrapWebhookNamespace(const std::string& webhook_namespace);
  // Writes the status a Deployment controller writes for one available replica.
  void MarkWebhookDeploymentAvailable(const std::string& webhook_namespace);
  // Deletes the cluster-scoped runtime objects every webhook namespace shares.
  void RemoveTargetClusterScoped();

  // Every Event in `ns` once the recorder has written what it was given.
  std::vector<SeenEvent> Events(const std::string& ns);

  std::shared_ptr<kube::Client> hub_;
  std::shared_ptr<kube::Client> target_;
  std::shared_ptr<S3CallLog> s3_calls_;
  std::unique_ptr<runtime::EventRecorder> recorder_;
  // Cluster keys the reconciler asked the remote getter for.
  std::vector<std::string> remote_keys_;
  ReconcilerOptions options_;

 private:
  std::set<std::string> config_namespaces_;
};

// Test name of a parameterized case: its `ns` with '-' replaced by '_'.
template <typename Case>
std::string CaseName(const ::testing::TestParamInfo<Case>& param_info) {
  std::string name;
  for (char ch : param_info.param.ns) name += ch == '-' ? '_' : ch;
  return name;
}

// The controller owner reference of §4 for a config with `uid`.
Json OwnerReferences(const std::string& uid);
// The four config labels of §3.3, and the same as sorted tags (§3.4).
Json ConfigLabels(const std::string& uid, const std::string& owner_ref,
                  const std::string& delivery = "SelfHostedIRSA");
Json ConfigTags(const std::string& uid, const std::string& owner_ref,
                const std::string& delivery = "SelfHostedIRSA");
// §5.2 computed here independently: base64url(SHA-256(DER of the first PEM block)).
std::string KidOf(const std::string& public_pem);

// "<status>/<reason>: <message>" of condition `type` of `object`, or "" when absent.
std::string Condition(const Json& object, std::string_view type);
// The condition entry itself, or null.
Json ConditionEntry(const Json& object, std::string_view type);
// Condition types present, sorted.
std::vector<std::string> ConditionTypes(const Json& object);
// Keys of object["status"], sorted.
std::vector<std::string> StatusKeys(const Json& object);
std::string ResourceVersion(const Json& object);
std::string Uid(const Json& object);
// Base64 decoding of Secret data[key] ("" when absent).
std::string SecretData(const Json& secret, const std::string& key);

}  // namespace awio::controllers::config::test
