// The AWSWorkloadIdentityConfig reconciler (spec config-controller.md): for one config, the
// finalizer, the normal flow (operator config, inventory, the delivery type's components,
// Ready, one status write) and the deletion flow (roles gate, remote runtime, hub children in
// order, finalizer). It reads the hub live rather than from caches: a config is reconciled on
// change and otherwise at most hourly, and a fresh resourceVersion avoids conflict loops.
// Watches and workers belong to controller.h; remote objects to webhookruntime/.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "controllers/common.h"
#include "controllers/operator_metrics.h"
#include "kube/client.h"
#include "oidc/publisher.h"
#include "runtime/controller.h"
#include "runtime/events.h"

namespace awio::controllers::config {

// Requeue delays of config-controller §1 and §12.
inline constexpr std::chrono::milliseconds kTransientRequeue = std::chrono::seconds(30);
// Every config is looked at again at least this often, whatever happened ("dependency safety").
inline constexpr std::chrono::milliseconds kSafetyRequeue = std::chrono::hours(1);

// The name controllers, events and metrics use for this controller.
inline constexpr std::string_view kControllerName = "AWSWorkloadIdentityConfig";

// Condition added by this implementation (not in the original): whether the target cluster's
// own service-account issuer matches the published one (SelfHostedIRSA only).
inline constexpr std::string_view kConditionTargetIssuerVerified = "TargetIssuerVerified";
inline constexpr std::string_view kReasonIssuerVerified = "IssuerVerified";
inline constexpr std::string_view kReasonIssuerMismatch = "IssuerMismatch";
inline constexpr std::string_view kReasonSigningKeyMismatch = "SigningKeyMismatch";
inline constexpr std::string_view kReasonIssuerDiscoveryUnavailable = "IssuerDiscoveryUnavailable";

struct ReconcilerOptions {
  std::shared_ptr<kube::Client> hub;
  RemoteClusterGetter remote;  // empty: no multicluster support (generic error)
  std::shared_ptr<oidc::PublisherCache> publishers;  // null: publishing fails (§7.1)
  std::string publishers_unavailable;        // why `publishers` is null (e.g. no AWS credentials)
  runtime::EventRecorder* events = nullptr;  // null: no events
  OperatorMetrics* metrics = nullptr;        // null: not counted
  std::vector<std::string> cluster_profile_namespaces;         // empty: every namespace
  std::string webhook_image;                                   // empty: the default image
  std::function<std::chrono::system_clock::time_point()> now;  // empty: the system clock
};

class Reconciler {
 public:
  explicit Reconciler(ReconcilerOptions options);

  // One pass for the config named by `request` (hub requests only).
  Result<runtime::ReconcileResult> Reconcile(const runtime::Request& request);

 private:
  struct Pass;

  Result<runtime::ReconcileResult> ReconcileNormal(Pass& pass);
  Result<runtime::ReconcileResult> ReconcileDelete(Pass& pass);

  // Components of the normal flow; each edits pass.status.
  void ReconcileEKSPodIdentity(Pass& pass);
  Status ReconcileEKSIRSA(Pass& pass);
  Status ReconcileSelfHostedIssuer(Pass& pass);
  Result<runtime::ReconcileResult> ReconcileSelfHostedRuntime(Pass& pass);
  void VerifyTargetIssuer(Pass& pass, kube::Client& remote);
  // IAMProviderReady and status.oidcProviderARN from an OpenIDConnectProvider object (§8.5.1
  // step 10); returns whether ACK reports it synced.
  bool SetIamProviderReady(Pass& pass, const kube::Json& provider);

  // Deletion steps.
  Status CleanupRemoteRuntime(Pass& pass);
  Status DeleteHubChildren(Pass& pass);
  Result<bool> RuntimeSharedWithSibling(Pass& pass, const std::string& cluster_key);

  Result<kube::Json> ApplyHubChild(Pass& pass, std::string_view child_kind,
                                   const kube::ResourceRef& resource, const kube::Json& desired);
  void SetCondition(Pass& pass, std::string_view type, bool status, std::string_view reason,
                    std::string_view message);
  Status WriteStatus(Pass& pass);
  void Record(const kube::Json& object, bool warning, std::string_view reason,
              std::string_view action, std::string_view note);
  std::chrono::system_clock::time_point Now() const;

  ReconcilerOptions options_;
};

}  // namespace awio::controllers::config
