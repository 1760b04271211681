// The logical identity of a remote cluster (spec inventory-and-remote-irsa.md §3): the name a
// ClusterProfile's cluster is known by in the multicluster manager, and how consumers split that
// name back into the hub workload namespace. Pure functions over ClusterProfile JSON; knows
// nothing about engaging clusters or building clients.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace awio::inventory {

// The multicluster manager's name for the local (hub) cluster.
inline constexpr std::string_view kLocalClusterName = "";

// `L`: the profile's open-cluster-management.io/cluster-name label when present and non-empty,
// otherwise its metadata.name. The profile's namespace plays no part.
std::string LogicalClusterKey(const nlohmann::json& cluster_profile);

// "L/L" for a logical key L: the same value on both sides, so that the part before the slash is
// always the workload namespace.
std::string ClusterNameFor(std::string_view logical_key);

// ClusterNameFor(LogicalClusterKey(cluster_profile)).
std::string ClusterName(const nlohmann::json& cluster_profile);

// A cluster name split at its first slash.
struct ClusterNameParts {
  std::string workload_namespace;  // before the first slash
  std::string rest;                // after it (may itself contain slashes)

  bool operator==(const ClusterNameParts&) const = default;
};

// Splits at the first slash; nullopt when the name is "unusable": no slash, or an empty side
// (remote-side controllers skip such requests).
std::optional<ClusterNameParts> SplitClusterName(std::string_view cluster_name);

}  // namespace awio::inventory
