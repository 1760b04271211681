// Wires the role reconciler to its hub event sources (role-controller.md §16.1): the roles
// themselves (root-changed filter), sibling roles binding the same ServiceAccount, the owned
// ACK Role, Policy and PodIdentityAssociation objects (every event, status included), the
// ACK CRDs becoming Established, the namespace configs, the operator config, ClusterProfiles,
// and remote clusters being engaged. It also runs the remote ServiceAccount controllers of
// §13-§14 (remote.h): one ServiceAccount informer per engaged cluster feeding the repair queue
// (requests carry the cluster) and, for deletes, this controller's queue through the role index.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controllers/role/reconciler.h"
#include "controllers/role/remote.h"
#include "runtime/cluster_set.h"
#include "runtime/controller.h"
#include "runtime/informer.h"
#include "runtime/manager.h"

namespace awio::controllers::role {

struct ControllerOptions {
  ReconcilerOptions reconciler;
  int workers = 4;  // --max-concurrent-reconciles
  // Remote clusters: engaging one wakes the roles of its workload namespace (a role waiting
  // for its target delivers at once). Null: no such wake-up.
  runtime::ClusterSet* clusters = nullptr;
};

class RoleController : public runtime::Runnable {
 public:
  explicit RoleController(ControllerOptions options);
  ~RoleController() override;

  void Start() override;
  bool Stop(std::chrono::milliseconds deadline) override;

  // Readiness: nullopt once the hub informers of the kinds that must exist have synced (ACK
  // kinds and ClusterProfile may be missing and are not waited for).
  std::optional<std::string> CachesSynced() const;

  // Wakes one role (for example from the remote enqueue controller).
  void Enqueue(const std::string& ns, const std::string& name);
  // Wakes every role of a workload namespace (used when a remote cluster is engaged).
  void EnqueueNamespace(const std::string& ns);

 private:
  std::vector<runtime::Request> Roles(const std::string& ns);  // "" = every namespace

  ControllerOptions options_;
  OperatorMetrics* metrics_;
  std::shared_ptr<Reconciler> reconciler_;
  std::unique_ptr<runtime::Controller> controller_;
  std::shared_ptr<ServiceAccountRepairer> repairer_;
  std::unique_ptr<runtime::Controller> repair_;  // §13, requests carry the remote cluster
  std::shared_ptr<runtime::JsonInformer> roles_, ack_roles_, ack_policies_, associations_, crds_,
      configs_, operator_configs_, profiles_;
  std::vector<std::shared_ptr<runtime::JsonInformer>> all_, required_;
  std::atomic<bool> started_{false};
};

}  // namespace awio::controllers::role
