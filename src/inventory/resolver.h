// Finds the ClusterProfile that backs a hub workload namespace (spec inventory-and-remote-irsa.md
// §2): the label lookup, the (namespace, name) ordering, the four outcomes with their exact
// reasons and messages, the EKS facts copied from status.properties, and the reverse mapping
// from a ClusterProfile event to the workload namespace to enqueue. The pure part works on
// ClusterProfile JSON as the API server returns it; ResolveWorkloadNamespace adds the one List
// call. Never issues a Get (the operator may lack `get` on ClusterProfiles) and never looks at
// ControlPlaneHealthy: here "ready" means "has at least one status.accessProviders entry".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "kube/client.h"
#include "kube/resource.h"

namespace awio::inventory {

// ClusterProfile of Cluster Inventory API v0.1.0 (§1.1): namespaced, with a status subresource.
inline const kube::ResourceRef kClusterProfileResource{"multicluster.x-k8s.io", "v1alpha1",
                                                       "clusterprofiles", true, "ClusterProfile"};
// Condition type whose status "True" says the profile's control plane is healthy (§1.1).
inline constexpr std::string_view kConditionControlPlaneHealthy = "ControlPlaneHealthy";

// Exact message texts of §2.3 that carry no variable part.
inline constexpr std::string_view kResolvedMessage = "ClusterProfile resolved";
inline constexpr std::string_view kNilClientMessage = "inventory resolver client is nil";

// The EKS facts of §2.4, copied from status.properties of the resolved profile.
struct ClusterProperties {
  std::string eks_cluster_name;
  std::string eks_cluster_arn;
  std::string aws_account_id;
  std::string aws_region;  // from the dot-separated property name only
  std::string aws_organization_id;
  bool eks_auto_mode = false;  // property value exactly "true"

  bool operator==(const ClusterProperties&) const = default;
};

// Which row of the §2.3 table applied.
enum class ResolutionOutcome {
  kResolved,     // exactly one ready profile; `ready` is true
  kNotFound,     // no profile carries both labels
  kUnavailable,  // profiles match but none has access providers yet
  kAmbiguous,    // two or more ready profiles match
};

struct Resolution {
  ResolutionOutcome outcome = ResolutionOutcome::kNotFound;
  bool ready = false;
  std::string reason;   // Resolved, ClusterProfileNotFound, InventoryUnavailable, ...
  std::string message;  // the exact §2.3 text
  // The resolved profile's logical cluster name (§3); "<ns>/<ns>" for every other outcome.
  std::string cluster_name;
  // The resolved profile; empty unless `ready`.
  std::string profile_namespace;
  std::string profile_name;
  ClusterProperties properties;  // empty unless `ready`
};

// `open-cluster-management.io/cluster-name=<ns>,x-k8s.io/cluster-manager=open-cluster-management`.
std::string LabelSelectorFor(std::string_view workload_namespace);

// Whether `cluster_profile` carries both labels of the §2.1 lookup for `workload_namespace`.
bool MatchesWorkloadNamespace(const nlohmann::json& cluster_profile,
                              std::string_view workload_namespace);

// §2.2 readiness: status.accessProviders has at least one entry. credentialProviders do not
// count.
bool HasAccessProviders(const nlohmann::json& cluster_profile);

// Whether status.conditions holds ControlPlaneHealthy with status exactly "True". This is the
// multicluster provider's readiness (§6.1); resolution ignores it (§14 item 1).
bool IsControlPlaneHealthy(const nlohmann::json& cluster_profile);

// §2.4: the known properties of status.properties; a repeated name keeps its last value.
ClusterProperties PropertiesOf(const nlohmann::json& cluster_profile);

// §2.1-§2.4 over `cluster_profiles` (any order; profiles without both labels are skipped, so an
// unfiltered list may be passed).
Resolution Resolve(std::string_view workload_namespace,
                   const std::vector<nlohmann::json>& cluster_profiles);

// The "require EKS" check of §2.4, in the spec's order: not ready gives `<reason>: <message>`,
// then a missing EKS cluster name, ARN or account ID. Errors are kInvalid.
Status RequireEKS(const Resolution& resolution);

// §2.5: the workload namespace a ClusterProfile event concerns: its cluster-name label, or
// nothing when the label is absent or empty (no fallback to the object name). Zero or one entry.
std::vector<std::string> WorkloadNamespacesFor(const nlohmann::json& cluster_profile);

// Lists ClusterProfiles with LabelSelectorFor(workload_namespace) and resolves. `namespaces` is
// the search scope (the manager's --cluster-profile-namespaces): empty means every namespace.
// A null `client` gives kNilClientMessage (kConfiguration); a failed List gives
// `list OCM ClusterProfiles for workload namespace "<ns>": <cause>` with the cause's code.
Result<Resolution> ResolveWorkloadNamespace(kube::Client* client,
                                            std::string_view workload_namespace,
                                            const std::vector<std::string>& namespaces = {});

}  // namespace awio::inventory
