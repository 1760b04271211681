// Wires the config reconciler to its event sources (config-controller.md §11): the configs
// themselves, the operator config, owned Secrets, Buckets and OpenIDConnectProviders, the ACK
// CRDs (so that a CRD installed after start wakes every config at once), ClusterProfiles,
// deleted AWSServiceAccountRoles, and the drift bridge that watches the operator-managed webhook
// runtime objects in every engaged remote cluster. Hub informers for owned kinds are label
// scoped to objects this operator manages, so the cache never holds foreign Secrets. The
// drift bridge enqueues the owning config directly instead of passing through a channel.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controllers/config/reconciler.h"
#include "runtime/cluster_set.h"
#include "runtime/controller.h"
#include "runtime/informer.h"
#include "runtime/manager.h"

namespace awio::controllers::config {

struct ControllerOptions {
  ReconcilerOptions reconciler;
  int workers = 4;                          // --max-concurrent-reconciles
  runtime::ClusterSet* clusters = nullptr;  // remote drift bridge; null: none
};

class ConfigController : public runtime::Runnable {
 public:
  explicit ConfigController(ControllerOptions options);
  ~ConfigController() override;

  void Start() override;
  bool Stop(std::chrono::milliseconds deadline) override;

  // Readiness: nullopt once the hub informers of the kinds that must exist have synced (ACK
  // kinds may be missing and are not waited for).
  std::optional<std::string> CachesSynced() const;

  // Wakes the config of a workload namespace (used when a remote cluster is engaged).
  void EnqueueNamespace(const std::string& ns);

 private:
  std::vector<runtime::Request> AllConfigs();

  ControllerOptions options_;
  OperatorMetrics* metrics_;
  std::shared_ptr<Reconciler> reconciler_;
  std::unique_ptr<runtime::Controller> controller_;
  std::shared_ptr<runtime::JsonInformer> configs_, operator_configs_, secrets_, buckets_,
      providers_, crds_, profiles_, roles_;
  std::vector<std::shared_ptr<runtime::JsonInformer>> required_;
  std::atomic<bool> started_{false};
};

}  // namespace awio::controllers::config
