// Implementation of the ClusterProfile cluster provider (provider.h): the profile-key
// bookkeeping, the reconcile of one ClusterProfile (§6.3), the probe, and the listeners.
#include "inventory/provider.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/log.h"
#include "inventory/access_equivalence.h"
#include "inventory/cluster_name.h"
#include "inventory/resolver.h"
#include "kube/api_error.h"

namespace awio::inventory {
namespace {

using ProfileKey = ProfileKeys::ProfileKey;

// Logger and field names of §12.
constexpr char kLogger[] = "cluster-inventory-api-cluster-provider";
constexpr std::string_view kProfileField = "clusterprofile";
constexpr std::string_view kRemoteClusterField = "remoteCluster";

// `ns/name` of the profile; also the key of the §6.3 fallback logic.
std::string RequestKey(const ProfileKey& key) { return key.ns + "/" + key.name; }

std::vector<std::string> WatchedNamespaces(const std::vector<std::string>& configured) {
  std::set<std::string> namespaces;
  for (const auto& ns : configured) {
    if (ns == "*") return {""};
    if (!ns.empty()) namespaces.insert(ns);
  }
  if (namespaces.empty()) return {""};
  return {namespaces.begin(), namespaces.end()};
}

Error NotFound(const std::string& why) {
  return MakeError(ErrorCode::kNotFound,
                   why.empty() ? std::string(kClusterNotFound) : kClusterNotFound + (": " + why));
}

}  // namespace

std::optional<std::string> ProfileKeys::Remember(const ProfileKey& profile,
                                                 const std::string& cluster) {
  auto it = clusters_.find(profile);
  if (it == clusters_.end()) {
    clusters_.emplace(profile, cluster);
    return std::nullopt;
  }
  if (it->second == cluster) return std::nullopt;
  std::string previous = std::exchange(it->second, cluster);
  if (Referenced(previous)) return std::nullopt;
  return previous;
}

std::vector<std::string> ProfileKeys::Forget(const ProfileKey& profile,
                                             const std::vector<std::string>& fallback_clusters) {
  std::vector<std::string> considered;
  const auto consider = [&](const std::string& cluster) {
    if (std::find(considered.begin(), considered.end(), cluster) == considered.end()) {
      considered.push_back(cluster);
    }
  };
  if (auto it = clusters_.find(profile); it != clusters_.end()) {
    consider(it->second);
    clusters_.erase(it);
  }
  consider(RequestKey(profile));
  for (const auto& cluster : fallback_clusters) consider(cluster);

  std::vector<std::string> released;
  for (const auto& cluster : considered) {
    if (!Referenced(cluster)) released.push_back(cluster);
  }
  return released;
}

std::optional<std::string> ProfileKeys::ClusterOf(const ProfileKey& profile) const {
  auto it = clusters_.find(profile);
  if (it == clusters_.end()) return std::nullopt;
  return it->second;
}

bool ProfileKeys::Referenced(const std::string& cluster) const {
  return Owner(cluster).has_value();
}

std::optional<ProfileKeys::ProfileKey> ProfileKeys::Owner(const std::string& cluster) const {
  // The map is ordered by (namespace, name), so the first match is the owner.
  for (const auto& [profile, mapped] : clusters_) {
    if (mapped == cluster) return profile;
  }
  return std::nullopt;
}

ClusterProfileProvider::ClusterProfileProvider(std::shared_ptr<kube::Client> hub,
                                               runtime::ClusterSet& clusters,
                                               ProviderOptions options)
    : hub_(std::move(hub)), clusters_(clusters), options_(std::move(options)) {}

ClusterProfileProvider::~ClusterProfileProvider() { Stop(std::chrono::milliseconds(0)); }

void ClusterProfileProvider::AddListener(Listener listener) {
  listeners_.push_back(std::move(listener));
}

void ClusterProfileProvider::Start() {
  if (controller_) return;
  runtime::ControllerOptions controller_options;
  controller_options.workers = std::max(1, options_.workers);
  controller_ = std::make_unique<runtime::Controller>(
      kLogger, [this](const runtime::Request& request) { return Reconcile(request); },
      std::move(controller_options));

  std::map<std::string, std::shared_ptr<runtime::JsonInformer>> informers;
  for (const auto& ns : WatchedNamespaces(options_.namespaces)) {
    auto informer =
        runtime::MakeJsonInformer(hub_, {.resource = kClusterProfileResource, .ns = ns});
    // Every event, no predicate (§6.1): a status-only change may flip ControlPlaneHealthy or
    // the access providers.
    controller_->For(*informer);
    informers.emplace(ns, std::move(informer));
  }
  {
    // Readiness checks may call HasSynced from another thread at any time.
    std::lock_guard lock(mu_);
    informers_ = informers;
  }
  for (auto& [ns, informer] : informers) informer->Start();
  controller_->Start();
}

bool ClusterProfileProvider::Stop(std::chrono::milliseconds deadline) {
  if (!controller_) return true;
  const bool drained = controller_->Stop(deadline);
  for (auto& [ns, informer] : informers_) informer->Stop();

  std::lock_guard operation(operation_mu_);
  std::map<std::string, Engaged> engaged;
  {
    std::lock_guard lock(mu_);
    engaged.swap(engaged_);
  }
  for (const auto& [logical_key, cluster] : engaged) clusters_.Disengage(logical_key);
  return drained;
}

bool ClusterProfileProvider::HasSynced() const {
  std::lock_guard lock(mu_);
  if (informers_.empty()) return false;
  return std::all_of(informers_.begin(), informers_.end(),
                     [](const auto& entry) { return entry.second->HasSynced(); });
}

Result<std::shared_ptr<kube::Client>> ClusterProfileProvider::Get(
    const std::string& logical_key) const {
  std::lock_guard lock(mu_);
  if (auto it = engaged_.find(logical_key); it != engaged_.end() && it->second.client) {
    return it->second.client;
  }
  if (auto it = failures_.find(logical_key); it != failures_.end()) {
    return NotFound(it->second.message);
  }
  return NotFound("");
}

std::optional<std::string> ClusterProfileProvider::LastError(const std::string& logical_key) const {
  std::lock_guard lock(mu_);
  auto it = engaged_.find(logical_key);
  if (it == engaged_.end()) return std::nullopt;
  return it->second.probe_error;
}

std::string ClusterProfileProvider::ReconciledResourceVersion(
    const std::string& profile_key) const {
  std::lock_guard lock(mu_);
  auto it = reconciled_versions_.find(profile_key);
  return it == reconciled_versions_.end() ? std::string() : it->second;
}

std::shared_ptr<const kube::Json> ClusterProfileProvider::Lookup(const ProfileKey& key) const {
  // informers_ is written once, in Start, before the workers run.
  auto it = informers_.find(informers_.count("") ? std::string() : key.ns);
  if (it == informers_.end()) return nullptr;
  return it->second->Get(key);
}

Result<runtime::ReconcileResult> ClusterProfileProvider::Reconcile(
    const runtime::Request& request) {
  const ProfileKey key{request.ns, request.name};
  const std::shared_ptr<const kube::Json> profile = Lookup(key);

  Outcome outcome;
  {
    std::lock_guard operation(operation_mu_);
    outcome = ReconcileLocked(key, profile.get());
  }
  Notify(outcome.notifications);
  if (outcome.probe) Probe(outcome.probe_key, outcome.probe);

  std::lock_guard lock(mu_);
  if (profile) {
    reconciled_versions_[RequestKey(key)] =
        profile->value(kube::Json::json_pointer("/metadata/resourceVersion"), std::string());
  } else {
    reconciled_versions_.erase(RequestKey(key));
  }
  return outcome.result;
}

ClusterProfileProvider::Outcome ClusterProfileProvider::ReconcileLocked(const ProfileKey& key,
                                                                        const kube::Json* profile) {
  Outcome outcome;
  const std::string request_key = RequestKey(key);
  const auto recheck = runtime::ReconcileResult::RequeueAfter(options_.recheck);

  // Deleted, or in a namespace no longer watched: §6.3 step 1.
  if (!profile) {
    DisengageProfile(key, {ClusterNameFor(key.name)}, "", "", outcome);
    return outcome;
  }

  const std::string logical_key = ClusterName(*profile);
  if (!IsControlPlaneHealthy(*profile)) {
    DisengageProfile(
        key, {logical_key}, logical_key,
        "ClusterProfile " + request_key + " is not " + std::string(kConditionControlPlaneHealthy),
        outcome);
    outcome.result = recheck;
    return outcome;
  }

  // §6.3 step 5: credential providers are not stripped here (§14 item 2).
  auto config = kube::ConfigFromClusterProfile(options_.providers, *profile, true);
  auto access = config.ok() ? kube::ResolveClusterProfileAccess(options_.providers, *profile, true)
                            : Result<kube::ClusterProfileAccess>(config.error());
  if (!access.ok()) {
    Error error = access.error();
    error.message = "build kubeconfig for ClusterProfile " + request_key +
                    ": build kubeconfig from ClusterProfile: " + error.message;
    DisengageProfile(key, {logical_key}, logical_key, error.message, outcome);
    outcome.result = error;
    return outcome;
  }

  if (auto released = profile_keys_.Remember(key, logical_key)) {
    DisengageCluster(*released, outcome);
  }
  HandOver();
  {
    // What this profile said earlier about a cluster no longer holds.
    std::lock_guard lock(mu_);
    std::erase_if(failures_, [&](const auto& entry) { return entry.second.profile == key; });
  }
  if (profile_keys_.Owner(logical_key) != key) {
    // §14 item 3: a profile earlier in (namespace, name) order owns this logical cluster.
    outcome.result = recheck;
    return outcome;
  }

  {
    std::lock_guard lock(mu_);
    auto it = engaged_.find(logical_key);
    if (it != engaged_.end() && EquivalentAccess(it->second.access, *access)) {
      Engaged& engaged = it->second;
      engaged.owner = key;
      const bool probe_due =
          engaged.probe_error || !engaged.probed_at ||
          std::chrono::steady_clock::now() - *engaged.probed_at >= options_.recheck;
      if (probe_due) {
        outcome.probe = engaged.client;
        outcome.probe_key = logical_key;
      }
      outcome.result = recheck;
      return outcome;
    }
  }

  // New, or its access changed (§6.4): build a fresh client. Disengaging first makes the
  // ClusterSet build a new one even when it would consider the two configs the same.
  bool replaced = false;
  {
    std::lock_guard lock(mu_);
    replaced = engaged_.erase(logical_key) > 0;
  }
  if (replaced) clusters_.Disengage(logical_key);
  clusters_.Engage(logical_key, *config);
  auto client = clusters_.Client(logical_key);
  {
    std::lock_guard lock(mu_);
    engaged_[logical_key] = Engaged{.owner = key, .access = *access, .client = client};
    failures_.erase(logical_key);
  }
  log::Info(
      kLogger,
      replaced ? "re-engaged remote cluster after an access change" : "engaged remote cluster",
      {{kProfileField, request_key}, {kRemoteClusterField, logical_key}});
  outcome.notifications.push_back({logical_key, true});
  outcome.probe = client;
  outcome.probe_key = logical_key;
  outcome.result = recheck;
  return outcome;
}

void ClusterProfileProvider::DisengageProfile(const ProfileKey& key,
                                              const std::vector<std::string>& fallback_clusters,
                                              const std::string& logical_key,
                                              const std::string& reason, Outcome& outcome) {
  for (const auto& released : profile_keys_.Forget(key, fallback_clusters)) {
    DisengageCluster(released, outcome);
  }
  HandOver();

  std::lock_guard lock(mu_);
  std::erase_if(failures_, [&](const auto& entry) { return entry.second.profile == key; });
  if (!reason.empty() && !engaged_.count(logical_key)) {
    failures_[logical_key] = Failure{.profile = key, .message = reason};
  }
}

void ClusterProfileProvider::DisengageCluster(const std::string& logical_key, Outcome& outcome) {
  std::optional<Engaged> engaged;
  {
    std::lock_guard lock(mu_);
    auto it = engaged_.find(logical_key);
    if (it == engaged_.end()) return;
    engaged = std::move(it->second);
    engaged_.erase(it);
  }
  clusters_.Disengage(logical_key);
  log::Info(kLogger, "disengaged remote cluster",
            {{kProfileField, RequestKey(engaged->owner)}, {kRemoteClusterField, logical_key}});
  outcome.notifications.push_back({logical_key, false});
}

void ClusterProfileProvider::HandOver() {
  std::vector<ProfileKey> wake;
  {
    std::lock_guard lock(mu_);
    for (const auto& [logical_key, engaged] : engaged_) {
      auto owner = profile_keys_.Owner(logical_key);
      if (owner && *owner != engaged.owner) wake.push_back(*owner);
    }
  }
  for (const auto& owner : wake) controller_->Enqueue({"", owner.ns, owner.name});
}

void ClusterProfileProvider::Probe(const std::string& logical_key,
                                   const std::shared_ptr<kube::Client>& client) {
  std::optional<std::string> problem;
  if (!client) {
    problem = "no client was built";
  } else {
    auto response = client->transport()->Send({.path = "/version", .timeout = kProbeTimeout});
    if (!response.ok()) {
      problem = "get /version: " + response.error().ToString();
    } else if (response->status != 200) {
      problem = kube::ErrorFromResponse(*response, "get /version").ToString();
    }
  }

  bool changed = false;
  {
    std::lock_guard lock(mu_);
    auto it = engaged_.find(logical_key);
    // Replaced or gone meanwhile: the outcome describes a client nobody uses.
    if (it == engaged_.end() || it->second.client != client) return;
    // The engage notification went out already: a first probe that succeeds changes nothing.
    changed = it->second.probe_error != problem;
    it->second.probe_error = problem;
    it->second.probed_at = std::chrono::steady_clock::now();
  }
  if (!changed) return;
  if (problem) {
    log::Warn(kLogger, "remote cluster is not reachable",
              {{kRemoteClusterField, logical_key}, {log::keys::kError, *problem}});
  } else {
    log::Info(kLogger, "remote cluster is reachable", {{kRemoteClusterField, logical_key}});
  }
  Notify({{logical_key, true}});
}

void ClusterProfileProvider::Notify(const std::vector<Notification>& notifications) {
  for (const auto& notification : notifications) {
    for (const auto& listener : listeners_) {
      listener(notification.logical_key, notification.engaged);
    }
  }
}

}  // namespace awio::inventory
