// Implementation of the cluster set.
#include "runtime/cluster_set.h"

namespace awio::runtime {
namespace {

void StopAll(EngagedCluster& cluster) {
  for (auto& s : cluster.sources) {
    if (s.stop) s.stop();
  }
  cluster.sources.clear();
}

}  // namespace

bool SameAccess(const kube::RestConfig& a, const kube::RestConfig& b) {
  return a.server == b.server && a.ca_pem == b.ca_pem && a.tls_server_name == b.tls_server_name &&
         a.insecure_skip_tls_verify == b.insecure_skip_tls_verify && a.proxy_url == b.proxy_url &&
         a.bearer_token == b.bearer_token && a.client_cert_pem == b.client_cert_pem &&
         a.client_key_pem == b.client_key_pem && a.credentials == b.credentials;
}

ClusterSet::~ClusterSet() {
  std::map<std::string, std::shared_ptr<EngagedCluster>> clusters;
  {
    std::lock_guard lock(mu_);
    clusters.swap(clusters_);
  }
  for (auto& [name, cluster] : clusters) StopAll(*cluster);
}

void ClusterSet::AddSourceFactory(ClusterSourceFactory factory) {
  std::vector<std::shared_ptr<EngagedCluster>> engaged;
  {
    std::lock_guard lock(mu_);
    factories_.push_back(factory);
    for (auto& [name, cluster] : clusters_) engaged.push_back(cluster);
  }
  for (auto& cluster : engaged) {
    auto instance = factory(cluster->name, cluster->client);
    std::lock_guard lock(mu_);
    cluster->sources.push_back(std::move(instance));
  }
}

void ClusterSet::Engage(const std::string& name, const kube::RestConfig& config) {
  std::shared_ptr<EngagedCluster> previous;
  std::vector<ClusterSourceFactory> factories;
  {
    std::lock_guard lock(mu_);
    auto it = clusters_.find(name);
    if (it != clusters_.end()) {
      if (SameAccess(it->second->config, config)) return;
      previous = it->second;
      clusters_.erase(it);
    }
    factories = factories_;
  }
  if (previous) StopAll(*previous);

  auto cluster = std::make_shared<EngagedCluster>();
  cluster->name = name;
  cluster->config = config;
  cluster->client = std::make_shared<kube::Client>(kube::Transport::Create(config));
  for (auto& factory : factories) cluster->sources.push_back(factory(name, cluster->client));
  std::lock_guard lock(mu_);
  clusters_[name] = std::move(cluster);
}

void ClusterSet::Disengage(const std::string& name) {
  std::shared_ptr<EngagedCluster> cluster;
  {
    std::lock_guard lock(mu_);
    auto it = clusters_.find(name);
    if (it == clusters_.end()) return;
    cluster = it->second;
    clusters_.erase(it);
  }
  StopAll(*cluster);
}

std::shared_ptr<kube::Client> ClusterSet::Client(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : it->second->client;
}

std::vector<std::string> ClusterSet::Names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, cluster] : clusters_) out.push_back(name);
  return out;
}

std::optional<std::string> ClusterSet::Health(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = clusters_.find(name);
  if (it == clusters_.end()) return "cluster " + name + " is not engaged";
  for (const auto& s : it->second->sources) {
    if (!s.health) continue;
    if (auto problem = s.health()) return problem;
  }
  return std::nullopt;
}

}  // namespace awio::runtime
