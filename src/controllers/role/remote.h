// The two controllers that watch ServiceAccounts on the workload clusters (role-controller.md
// §13, §14, §16.2). Both share one ServiceAccount informer per engaged cluster, run on the
// runtime's shared event loop, and feed shared work queues: no thread or queue per cluster.
//   * Repair (`selfhosted-serviceaccount`): an annotated ServiceAccount was created or changed;
//     put back the four annotations of the single live role that binds it (§13).
//   * Role enqueue (`selfhosted-role-enqueue`): an annotated ServiceAccount was deleted; wake
//     every role of the workload namespace that binds it, through the hub role index (§14).
// This file holds the pure parts (predicates, cluster names) and the repair reconciler; the
// wiring lives in controller.cc.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "controllers/operator_metrics.h"
#include "controllers/role/reconciler.h"
#include "kube/client.h"
#include "runtime/controller.h"
#include "runtime/events.h"

namespace awio::controllers::role {

// Names of the two remote controllers (§13, §14), for logs and metrics.
inline constexpr std::string_view kRepairControllerName = "selfhosted-serviceaccount";
inline constexpr std::string_view kEnqueueControllerName = "selfhosted-role-enqueue";

// Name of the hub role index (§16.3). Values are "<role ns>/<sa ns>/<sa name>": the spec's
// value is "<sa ns>/<sa name>" scoped by the role's namespace; folding the namespace into the
// value makes every lookup one map access.
inline constexpr std::string_view kServiceAccountIndex = "spec.serviceAccount";
std::vector<std::string> ServiceAccountIndexValues(const kube::Json& role);
std::string ServiceAccountIndexKey(const std::string& role_ns, const std::string& sa_ns,
                                   const std::string& sa_name);

// §13 and §17.6: whether the ServiceAccount carries eks.amazonaws.com/role-arn (any value).
bool HasRoleArnAnnotation(const kube::Json& service_account);
// §13 predicate: create and generic when annotated; update when either side is; never delete.
runtime::Predicate RepairPredicate();
// §14 predicate: only deletes of an annotated ServiceAccount.
runtime::Predicate EnqueuePredicate();

// What the cached ServiceAccount copy keeps (§16.4): no managedFields, secrets or
// imagePullSecrets; annotations stay.
kube::Json StripServiceAccount(kube::Json service_account);

struct RepairOptions {
  std::shared_ptr<kube::Client> hub;
  RemoteClusterGetter remote;
  runtime::EventRecorder* events = nullptr;
  OperatorMetrics* metrics = nullptr;
  std::vector<std::string> cluster_profile_namespaces;
  // The roles of `role_ns` that bind `sa_ns/sa_name` (the hub index of §16.3).
  std::function<Result<std::vector<kube::Json>>(
      const std::string& role_ns, const std::string& sa_ns, const std::string& sa_name)>
      roles_binding;
};

// §13 flow for one request {cluster, ServiceAccount namespace, name}.
class ServiceAccountRepairer {
 public:
  explicit ServiceAccountRepairer(RepairOptions options);
  Result<runtime::ReconcileResult> Reconcile(const runtime::Request& request);

 private:
  void Count(std::string_view delivery, std::string_view result, std::string_view reason);
  RepairOptions options_;
};

}  // namespace awio::controllers::role
