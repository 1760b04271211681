// Workload namespace to ClusterProfile resolution (spec §2); see resolver.h.
#include "inventory/resolver.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "api/v1alpha1/constants.h"
#include "base/strings.h"
#include "inventory/cluster_name.h"

namespace awio::inventory {
namespace {

namespace label = api::v1alpha1::label;
namespace property = api::v1alpha1::cluster_property;
namespace reason = api::v1alpha1::reason;
using nlohmann::json;

// The member `key` of `object`; null when `object` is not a JSON object or lacks the member.
const json* Member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

std::string StringMember(const json& object, std::string_view key) {
  const json* value = Member(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

// The value of label `key`; empty when absent.
std::string LabelValue(const json& cluster_profile, std::string_view key) {
  const json* metadata = Member(cluster_profile, "metadata");
  if (metadata == nullptr) return {};
  const json* labels = Member(*metadata, "labels");
  return labels == nullptr ? std::string() : StringMember(*labels, key);
}

bool HasLabel(const json& cluster_profile, std::string_view key, std::string_view value) {
  const json* metadata = Member(cluster_profile, "metadata");
  const json* labels = metadata == nullptr ? nullptr : Member(*metadata, "labels");
  const json* found = labels == nullptr ? nullptr : Member(*labels, key);
  return found != nullptr && found->is_string() && found->get<std::string>() == value;
}

struct Candidate {
  std::string namespace_name;
  std::string name;
  const json* profile;
};

Candidate CandidateOf(const json& cluster_profile) {
  const json* metadata = Member(cluster_profile, "metadata");
  if (metadata == nullptr) return {{}, {}, &cluster_profile};
  return {StringMember(*metadata, "namespace"), StringMember(*metadata, "name"), &cluster_profile};
}

// Every non-resolved outcome reports the workload namespace itself as the cluster name.
Resolution Unresolved(std::string_view workload_namespace, ResolutionOutcome outcome,
                      std::string_view why, std::string message) {
  Resolution resolution;
  resolution.outcome = outcome;
  resolution.reason = std::string(why);
  resolution.message = std::move(message);
  resolution.cluster_name = ClusterNameFor(workload_namespace);
  return resolution;
}

}  // namespace

std::string LabelSelectorFor(std::string_view workload_namespace) {
  std::string selector(label::kClusterName);
  selector += '=';
  selector += workload_namespace;
  selector += ',';
  selector += label::kClusterManager;
  selector += '=';
  selector += label::kClusterManagerOCM;
  return selector;
}

bool MatchesWorkloadNamespace(const json& cluster_profile, std::string_view workload_namespace) {
  return HasLabel(cluster_profile, label::kClusterName, workload_namespace) &&
         HasLabel(cluster_profile, label::kClusterManager, label::kClusterManagerOCM);
}

bool HasAccessProviders(const json& cluster_profile) {
  const json* status = Member(cluster_profile, "status");
  const json* providers = status == nullptr ? nullptr : Member(*status, "accessProviders");
  return providers != nullptr && providers->is_array() && !providers->empty();
}

bool IsControlPlaneHealthy(const json& cluster_profile) {
  const json* status = Member(cluster_profile, "status");
  const json* conditions = status == nullptr ? nullptr : Member(*status, "conditions");
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const json& condition : *conditions) {
    if (StringMember(condition, "type") == kConditionControlPlaneHealthy) {
      return StringMember(condition, "status") == api::v1alpha1::condition_status::kTrue;
    }
  }
  return false;
}

ClusterProperties PropertiesOf(const json& cluster_profile) {
  ClusterProperties properties;
  const json* status = Member(cluster_profile, "status");
  const json* list = status == nullptr ? nullptr : Member(*status, "properties");
  if (list == nullptr || !list->is_array()) return properties;

  // Walking in list order and overwriting makes the last occurrence of a name win.
  for (const json& item : *list) {
    std::string name = StringMember(item, "name");
    std::string value = StringMember(item, "value");
    if (name == property::kEKSClusterName) {
      properties.eks_cluster_name = std::move(value);
    } else if (name == property::kEKSClusterARN) {
      properties.eks_cluster_arn = std::move(value);
    } else if (name == property::kAWSAccountID) {
      properties.aws_account_id = std::move(value);
    } else if (name == property::kAWSRegion) {
      properties.aws_region = std::move(value);
    } else if (name == property::kAWSOrganizationID) {
      properties.aws_organization_id = std::move(value);
    } else if (name == property::kEKSAutoMode) {
      properties.eks_auto_mode = value == property::kEKSAutoModeTrue;
    }
  }
  return properties;
}

Resolution Resolve(std::string_view workload_namespace, const std::vector<json>& cluster_profiles) {
  std::vector<Candidate> matches;
  for (const json& profile : cluster_profiles) {
    if (MatchesWorkloadNamespace(profile, workload_namespace)) {
      matches.push_back(CandidateOf(profile));
    }
  }
  // §2.2: byte-wise (namespace, name); std::string compares bytes as unsigned char.
  std::sort(matches.begin(), matches.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.namespace_name, a.name) < std::tie(b.namespace_name, b.name);
  });

  std::string ns(workload_namespace);
  if (matches.empty()) {
    return Unresolved(workload_namespace, ResolutionOutcome::kNotFound,
                      reason::kClusterProfileNotFound,
                      "ClusterProfile for workload namespace " + ns + " was not found");
  }

  std::vector<const Candidate*> ready;
  for (const Candidate& candidate : matches) {
    if (HasAccessProviders(*candidate.profile)) ready.push_back(&candidate);
  }
  if (ready.empty()) {
    return Unresolved(workload_namespace, ResolutionOutcome::kUnavailable,
                      reason::kInventoryUnavailable,
                      "OCM ClusterProfile for workload namespace " + ns +
                          " exists but has not been provisioned with access providers yet");
  }
  if (ready.size() > 1) {
    std::string message = "multiple OCM ClusterProfiles match cluster-name label " +
                          base::GoQuote(ns) + " with AccessProviders: ";
    for (size_t i = 0; i < ready.size(); ++i) {
      if (i > 0) message += ", ";
      message += ready[i]->namespace_name + "/" + ready[i]->name;
    }
    return Unresolved(workload_namespace, ResolutionOutcome::kAmbiguous,
                      reason::kInventoryAmbiguous, std::move(message));
  }

  const Candidate& chosen = *ready.front();
  Resolution resolution;
  resolution.outcome = ResolutionOutcome::kResolved;
  resolution.ready = true;
  resolution.reason = std::string(reason::kResolved);
  resolution.message = std::string(kResolvedMessage);
  resolution.cluster_name = ClusterName(*chosen.profile);
  resolution.profile_namespace = chosen.namespace_name;
  resolution.profile_name = chosen.name;
  resolution.properties = PropertiesOf(*chosen.profile);
  return resolution;
}

Status RequireEKS(const Resolution& resolution) {
  if (!resolution.ready) {
    return MakeError(ErrorCode::kInvalid, resolution.reason + ": " + resolution.message);
  }
  if (resolution.properties.eks_cluster_name.empty()) {
    return MakeError(ErrorCode::kInvalid, "missing EKS cluster name property");
  }
  if (resolution.properties.eks_cluster_arn.empty()) {
    return MakeError(ErrorCode::kInvalid, "missing EKS cluster ARN property");
  }
  if (resolution.properties.aws_account_id.empty()) {
    return MakeError(ErrorCode::kInvalid, "missing AWS account ID property");
  }
  return OkStatus();
}

std::vector<std::string> WorkloadNamespacesFor(const json& cluster_profile) {
  std::string workload_namespace = LabelValue(cluster_profile, label::kClusterName);
  if (workload_namespace.empty()) return {};
  return {std::move(workload_namespace)};
}

Result<Resolution> ResolveWorkloadNamespace(kube::Client* client,
                                            std::string_view workload_namespace,
                                            const std::vector<std::string>& namespaces) {
  if (client == nullptr)
    return MakeError(ErrorCode::kConfiguration, std::string(kNilClientMessage));

  kube::ListOptions options;
  options.label_selector = LabelSelectorFor(workload_namespace);
  // An empty scope is one cluster-wide List; otherwise one List per namespace of the scope.
  std::vector<std::string> scopes = namespaces.empty() ? std::vector<std::string>{""} : namespaces;

  std::vector<json> profiles;
  for (const std::string& scope : scopes) {
    auto listed = client->ListAll(kClusterProfileResource, scope, options);
    if (!listed.ok()) {
      Error error = listed.error();
      error.message = "list OCM ClusterProfiles for workload namespace " +
                      base::GoQuote(workload_namespace) + ": " + error.message;
      return error;
    }
    json& items = (*listed)["items"];
    if (!items.is_array()) continue;
    for (json& item : items) profiles.push_back(std::move(item));
  }
  return Resolve(workload_namespace, profiles);
}

}  // namespace awio::inventory
