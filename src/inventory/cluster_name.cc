// Logical cluster names of ClusterProfiles (spec §3); see cluster_name.h.
#include "inventory/cluster_name.h"

#include <string>

#include "api/v1alpha1/constants.h"

namespace awio::inventory {

namespace label = api::v1alpha1::label;

std::string LogicalClusterKey(const nlohmann::json& cluster_profile) {
  const nlohmann::json* metadata = nullptr;
  if (cluster_profile.is_object() && cluster_profile.contains("metadata") &&
      cluster_profile["metadata"].is_object()) {
    metadata = &cluster_profile["metadata"];
  }
  if (metadata == nullptr) return {};

  auto labels = metadata->find("labels");
  if (labels != metadata->end() && labels->is_object()) {
    auto value = labels->find(std::string(label::kClusterName));
    if (value != labels->end() && value->is_string() && !value->get<std::string>().empty()) {
      return value->get<std::string>();
    }
  }
  auto name = metadata->find("name");
  return name != metadata->end() && name->is_string() ? name->get<std::string>() : std::string();
}

std::string ClusterNameFor(std::string_view logical_key) {
  std::string name(logical_key);
  name += '/';
  name += logical_key;
  return name;
}

std::string ClusterName(const nlohmann::json& cluster_profile) {
  return ClusterNameFor(LogicalClusterKey(cluster_profile));
}

std::optional<ClusterNameParts> SplitClusterName(std::string_view cluster_name) {
  auto slash = cluster_name.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ClusterNameParts parts{std::string(cluster_name.substr(0, slash)),
                         std::string(cluster_name.substr(slash + 1))};
  if (parts.workload_namespace.empty() || parts.rest.empty()) return std::nullopt;
  return parts;
}

}  // namespace awio::inventory
