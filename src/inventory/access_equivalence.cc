// Connection equivalence of ClusterProfile access descriptions (spec §6.4); see
// access_equivalence.h.
#include "inventory/access_equivalence.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace awio::inventory {
namespace {

// Env as the plugin sees it: one value per name, the last duplicate winning. Env policies
// rebuild the list from a map, so its order carries no meaning.
std::map<std::string, std::string> EnvMap(
    const std::vector<std::pair<std::string, std::string>>& env) {
  std::map<std::string, std::string> map;
  for (const auto& [name, value] : env) map[name] = value;
  return map;
}

// The exec cluster config is raw JSON from a ClusterProfile extension; the API server may
// re-serialize it with other key order or spacing without changing its meaning.
bool EquivalentClusterConfig(const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (a.empty() || b.empty()) return false;
  auto parsed_a = nlohmann::json::parse(a, nullptr, /*allow_exceptions=*/false);
  auto parsed_b = nlohmann::json::parse(b, nullptr, /*allow_exceptions=*/false);
  if (parsed_a.is_discarded() || parsed_b.is_discarded()) return false;
  return parsed_a == parsed_b;
}

}  // namespace

bool EquivalentExec(const kube::ExecConfig& a, const kube::ExecConfig& b) {
  return a.api_version == b.api_version && a.command == b.command && a.args == b.args &&
         EnvMap(a.env) == EnvMap(b.env) && a.install_hint == b.install_hint &&
         a.provide_cluster_info == b.provide_cluster_info &&
         EquivalentClusterConfig(a.cluster_config_json, b.cluster_config_json);
}

bool EquivalentAccess(const kube::ClusterProfileAccess& a, const kube::ClusterProfileAccess& b) {
  return a.server == b.server && a.ca_pem == b.ca_pem && a.proxy_url == b.proxy_url &&
         EquivalentExec(a.exec, b.exec);
}

}  // namespace awio::inventory
