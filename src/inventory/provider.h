// The ClusterProfile cluster provider (spec inventory-and-remote-irsa.md §6): watches the hub's
// ClusterProfiles and engages one remote cluster per logical cluster name `L/L` (§3) in a
// runtime::ClusterSet while its profile is ControlPlaneHealthy and its access builds (§1.3),
// rebuilds it only when the access changes in a way that matters (§6.4), and disengages it when
// no profile refers to it any more. It also remembers why a cluster is not usable, so that
// callers can say so. Owns the bookkeeping of profiles to logical names; building the access
// (kube/config/access_provider.h), comparing it (access_equivalence.h) and running the per-
// cluster sources (runtime/cluster_set.h) belong elsewhere.
//
// Deliberate differences from the original:
// * No cache-sync wait (§6.3 step 7.5). ClusterSet engages a cluster at once; its sources are
//   informers that retry on their own, so nothing is withheld while a cluster is slow. Instead
//   the provider probes the target with one GET /version right after engaging it (and again at
//   the periodic re-check while the last probe failed, or when the last success is a re-check
//   interval old) and keeps the outcome as the cluster's LastError.
// * Two healthy profiles with the same cluster-name label but different access (§14 item 3) do
//   not flip-flop: the one first in (namespace, name) order owns the logical cluster and its
//   access is the one used; the others keep it referenced (so deleting one keeps the cluster)
//   and take over, in the same order, when the owner goes.
// Credentials never reach a log record or an error text here.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "kube/client.h"
#include "kube/config/access_provider.h"
#include "runtime/cluster_set.h"
#include "runtime/controller.h"
#include "runtime/informer.h"
#include "runtime/manager.h"

namespace awio::inventory {

// The §6 re-check period of every ClusterProfile, healthy or not.
inline constexpr std::chrono::milliseconds kDefaultRecheck{60'000};
// Bounds the GET /version probe of a newly engaged cluster: long enough for a TLS handshake and
// an exec plugin run on a loaded machine, short enough not to stall the provider's one worker.
inline constexpr std::chrono::milliseconds kProbeTimeout{5'000};
// The Get error text for a logical cluster that is not engaged (§6.2).
inline constexpr char kClusterNotFound[] = "cluster not found";

struct ProviderOptions {
  std::vector<kube::AccessProvider> providers;  // from --clusterprofile-provider-file
  std::vector<std::string> namespaces;          // ClusterProfile namespaces; empty or "*" = all
  std::chrono::milliseconds recheck{kDefaultRecheck};
  int workers = 1;
};

// `profileKeys` of §6.2 with the two operations of §6.3 (remember, disengage-profile) and the
// ownership rule for shared logical names. Pure bookkeeping, not thread-safe; the provider
// guards it.
class ProfileKeys {
 public:
  using ProfileKey = runtime::ObjectKey;  // the profile's namespace and name

  // Maps `profile` to `cluster` (§6.3 step 6). Returns the logical name the profile mapped to
  // before when nothing refers to it any more (the caller disengages it), otherwise nothing.
  std::optional<std::string> Remember(const ProfileKey& profile, const std::string& cluster);

  // disengage-profile: drops the mapping of `profile` and returns, each once and in order, the
  // logical names among its former cluster, `profile` rendered as "ns/name", and
  // `fallback_clusters` to which nothing refers any more (the caller disengages them).
  std::vector<std::string> Forget(const ProfileKey& profile,
                                  const std::vector<std::string>& fallback_clusters);

  std::optional<std::string> ClusterOf(const ProfileKey& profile) const;
  bool Referenced(const std::string& cluster) const;
  // The profile whose access a shared logical cluster is built from: the first in
  // (namespace, name) order among those that map to it.
  std::optional<ProfileKey> Owner(const std::string& cluster) const;

 private:
  std::map<ProfileKey, std::string> clusters_;
};

class ClusterProfileProvider : public runtime::Runnable {
 public:
  // Called with the logical name and whether it is engaged now.
  using Listener = std::function<void(const std::string& logical_key, bool engaged)>;

  ClusterProfileProvider(std::shared_ptr<kube::Client> hub, runtime::ClusterSet& clusters,
                         ProviderOptions options);
  ~ClusterProfileProvider() override;
  ClusterProfileProvider(const ClusterProfileProvider&) = delete;
  ClusterProfileProvider& operator=(const ClusterProfileProvider&) = delete;

  // Starts the ClusterProfile informers and the one-worker controller. Not restartable.
  void Start() override;
  // Stops the controller and the informers, then disengages every cluster it engaged without
  // calling the listeners (the process is shutting down).
  bool Stop(std::chrono::milliseconds deadline) override;
  bool NeedsLeaderElection() const override { return true; }

  // The engaged cluster's client for a logical key "L/L"; otherwise a kNotFound error whose
  // message is exactly "cluster not found" when nothing was tried, or "cluster not found: <why>"
  // when the profile is not ControlPlaneHealthy or its access did not build (§6.3 texts). Never
  // blocks behind a reconcile.
  Result<std::shared_ptr<kube::Client>> Get(const std::string& logical_key) const;
  // The last probe error of an engaged cluster; nullopt when its last probe succeeded or it is
  // not engaged.
  std::optional<std::string> LastError(const std::string& logical_key) const;
  // Register before Start. Called from the provider's worker, never under its locks, after a
  // cluster is engaged or re-engaged (true), disengaged (false), or its probe outcome changed
  // (true).
  void AddListener(Listener listener);
  // Every ClusterProfile informer has listed once.
  bool HasSynced() const;
  // The metadata.resourceVersion of ClusterProfile `ns/name` that the last finished reconcile
  // read; empty before the first and after the profile is gone. Lets tests and diagnostics
  // tell that an event was processed, including one that changed nothing.
  std::string ReconciledResourceVersion(const std::string& profile_key) const;

 private:
  struct Engaged {
    ProfileKeys::ProfileKey owner;      // the profile whose access built it
    kube::ClusterProfileAccess access;  // compared with §6.4 on every reconcile
    std::shared_ptr<kube::Client> client;
    std::optional<std::string> probe_error;
    std::optional<std::chrono::steady_clock::time_point> probed_at;  // nullopt: not yet
  };
  // Why a logical cluster is not engaged, and which profile said so.
  struct Failure {
    ProfileKeys::ProfileKey profile;
    std::string message;
  };
  struct Notification {
    std::string logical_key;
    bool engaged = false;
  };
  struct Outcome {
    Result<runtime::ReconcileResult> result = runtime::ReconcileResult::Done();
    std::vector<Notification> notifications;
    std::shared_ptr<kube::Client> probe;  // set: probe this client of `probe_key`
    std::string probe_key;
  };

  Result<runtime::ReconcileResult> Reconcile(const runtime::Request& request);
  Outcome ReconcileLocked(const ProfileKeys::ProfileKey& key, const kube::Json* profile);
  // disengage-profile plus the failure bookkeeping; `reason` (may be empty) is recorded for
  // `logical_key` when that cluster ends up not engaged.
  void DisengageProfile(const ProfileKeys::ProfileKey& key,
                        const std::vector<std::string>& fallback_clusters,
                        const std::string& logical_key, const std::string& reason,
                        Outcome& outcome);
  void DisengageCluster(const std::string& logical_key, Outcome& outcome);
  // Wakes the new owner of every engaged cluster whose recorded owner no longer owns it.
  void HandOver();
  void Probe(const std::string& logical_key, const std::shared_ptr<kube::Client>& client);
  void Notify(const std::vector<Notification>& notifications);
  std::shared_ptr<const kube::Json> Lookup(const ProfileKeys::ProfileKey& key) const;

  std::shared_ptr<kube::Client> hub_;
  runtime::ClusterSet& clusters_;
  const ProviderOptions options_;
  // By namespace ("" = all). Set once in Start under mu_; the workers read it without the lock.
  std::map<std::string, std::shared_ptr<runtime::JsonInformer>> informers_;
  std::unique_ptr<runtime::Controller> controller_;
  std::vector<Listener> listeners_;

  // Held for the bookkeeping and engage/disengage part of one reconcile: the provider-wide
  // operation lock of §6.3 step 7. Never held by Get.
  std::mutex operation_mu_;
  ProfileKeys profile_keys_;  // guarded by operation_mu_

  mutable std::mutex mu_;  // guards the maps below; held only for short reads and writes
  std::map<std::string, Engaged> engaged_;
  std::map<std::string, Failure> failures_;
  std::map<std::string, std::string> reconciled_versions_;  // "ns/name" -> resourceVersion
};

}  // namespace awio::inventory
