// The AWSServiceAccountRole reconciler (spec role-controller.md §10-§12, §15): for one role, the
// finalizer, the normal flow (duplicate binding, operator and namespace config, inventory, trust
// policy, the generated ACK Policy, the ACK Role, the delivery of the role ARN to the workload
// cluster, Ready, one status write) and the deletion flow (remote annotations, then the ACK
// children, then the finalizer). Hub and remote reads are live, as in the config reconciler:
// a role is reconciled on change and otherwise hourly, and a fresh resourceVersion avoids
// conflict loops. Watches and workers belong to controller.h.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "controllers/common.h"
#include "controllers/operator_metrics.h"
#include "kube/client.h"
#include "runtime/controller.h"
#include "runtime/events.h"

namespace awio::controllers::role {

// Requeue delays of §2.7.
inline constexpr std::chrono::milliseconds kTransientRequeue = std::chrono::seconds(30);
// Steady state of every successful pass (annotation and dependency steady state alike).
inline constexpr std::chrono::milliseconds kSteadyStateRequeue = std::chrono::hours(1);

// The name controllers, events and metrics use for this controller (§1).
inline constexpr std::string_view kControllerName = "AWSServiceAccountRole";

// The EKS Pod Identity Agent DaemonSet looked for on non-Auto-Mode targets (issue 8 item 3;
// this implementation's readiness signal, see docs/development/role-controller.md).
inline constexpr std::string_view kPodIdentityAgentNamespace = "kube-system";
inline constexpr std::string_view kPodIdentityAgentName = "eks-pod-identity-agent";
// PodIdentityAgentReady reasons: True/Ready (agent available), False/RemoteDeliveryPending
// (missing or no available pod), Unknown/RemoteClusterUnavailable (target not reachable).

struct ReconcilerOptions {
  std::shared_ptr<kube::Client> hub;
  RemoteClusterGetter remote;                           // empty: no multicluster support (§8)
  runtime::EventRecorder* events = nullptr;             // null: no events
  OperatorMetrics* metrics = nullptr;                   // null: not counted
  std::vector<std::string> cluster_profile_namespaces;  // empty: every namespace
  std::function<std::chrono::system_clock::time_point()> now;  // empty: the system clock
};

class Reconciler {
 public:
  explicit Reconciler(ReconcilerOptions options);

  // One pass for the role named by `request` (hub requests only).
  Result<runtime::ReconcileResult> Reconcile(const runtime::Request& request);

 private:
  struct Pass;

  Result<runtime::ReconcileResult> ReconcileNormal(Pass& pass);
  Result<runtime::ReconcileResult> ReconcileDelete(Pass& pass);

  // §10.1 step 1: the conflict list when two or more live roles bind the same ServiceAccount.
  Result<std::vector<std::string>> Conflicts(Pass& pass);
  // §10.1 step 11, annotation-based delivery: patches the remote ServiceAccount.
  Result<runtime::ReconcileResult> DeliverAnnotations(Pass& pass);
  // §10.1 step 11, EKSPodIdentity: the association and PodIdentityAgentReady.
  Result<runtime::ReconcileResult> DeliverPodIdentity(Pass& pass);
  void SetAgentReadiness(Pass& pass);
  // §10.2.
  void Aggregate(Pass& pass);

  // Deletion steps (§11.2, §11.3).
  Status CleanupAnnotations(Pass& pass);
  Result<std::string> RoleArnForDeletion(Pass& pass);
  Status CleanAnnotationsOn(Pass& pass, const std::string& cluster, const std::string& arn,
                            const std::string& delivery);
  // True when the child is still present after its delete call.
  Result<bool> DeleteIfOwned(Pass& pass, const kube::ResourceRef& resource,
                             const std::string& name);

  Result<kube::Json> ApplyHubChild(Pass& pass, std::string_view child_kind,
                                   const kube::ResourceRef& resource, const kube::Json& desired);
  void SetCondition(Pass& pass, std::string_view type, std::string_view status,
                    std::string_view reason, std::string_view message);
  void SetCondition(Pass& pass, std::string_view type, bool status, std::string_view reason,
                    std::string_view message);
  // failReady of §10.1: `type` and Ready False with the same reason and message.
  void FailReady(Pass& pass, std::string_view type, std::string_view reason,
                 std::string_view message);
  Status WriteStatus(Pass& pass);
  void Record(const kube::Json& object, bool warning, std::string_view reason,
              std::string_view action, std::string_view note);
  std::chrono::system_clock::time_point Now() const;

  ReconcilerOptions options_;
};

}  // namespace awio::controllers::role
