// The set of clusters a manager works with: the local (hub) cluster plus remote clusters that
// a provider engages and disengages at run time. Engaging a cluster builds its client and runs
// every registered per-cluster source (typically informers feeding controllers with requests
// that carry the cluster name); disengaging stops them. An unreachable cluster reports its
// health through its informers and never blocks the others: everything runs on the shared
// event loop.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kube/client.h"
#include "kube/rest_config.h"
#include "runtime/manager.h"

namespace awio::runtime {

// What runs for one engaged cluster: whatever a source factory built for it.
struct ClusterSourceInstance {
  std::function<void()> stop;
  // nullopt while healthy; otherwise why the cluster is not usable (unreachable, forbidden).
  std::function<std::optional<std::string>()> health;
};

// Builds the per-cluster part of a controller's watches for a newly engaged cluster.
using ClusterSourceFactory = std::function<ClusterSourceInstance(
    const std::string& cluster, const std::shared_ptr<kube::Client>& client)>;

struct EngagedCluster {
  std::string name;
  kube::RestConfig config;
  std::shared_ptr<kube::Client> client;
  std::vector<ClusterSourceInstance> sources;
};

class ClusterSet {
 public:
  // Registers a source to run in every engaged cluster, including those engaged already.
  void AddSourceFactory(ClusterSourceFactory factory);

  // Engages `name` with `config`, or re-engages it when it is engaged with another config.
  void Engage(const std::string& name, const kube::RestConfig& config);
  void Disengage(const std::string& name);

  std::shared_ptr<kube::Client> Client(const std::string& name) const;  // null if not engaged
  std::vector<std::string> Names() const;
  // Per-cluster health: nullopt when every source is healthy.
  std::optional<std::string> Health(const std::string& name) const;

  ~ClusterSet();

 private:
  mutable std::mutex mu_;
  std::vector<ClusterSourceFactory> factories_;
  std::map<std::string, std::shared_ptr<EngagedCluster>> clusters_;
};

// True when two configurations reach the same server with the same identity (decides whether
// a change of a provider's data needs a re-engage).
bool SameAccess(const kube::RestConfig& a, const kube::RestConfig& b);

}  // namespace awio::runtime
