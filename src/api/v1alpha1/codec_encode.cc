// Encoding of the four kinds: one ToJson overload per type of types.h, writing optional
// fields only when set. The field lists mirror codec_decode.cc.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/v1alpha1/codec.h"

namespace awio::api::v1alpha1 {
namespace {

Json ToJson(const std::string& v) { return v; }
Json ToJson(bool v) { return v; }
Json ToJson(std::int64_t v) { return v; }
Json ToJson(std::int32_t v) { return v; }
Json ToJson(const Json& v) { return v; }
Json ToJson(const StringMap& v) {
  Json out = Json::object();
  for (const auto& [key, value] : v) out[key] = value;
  return out;
}
Json ToJson(const IntOrString& v) {
  return std::visit([](const auto& alternative) { return Json(alternative); }, v);
}
Json ToJson(const OwnerReference& v);
Json ToJson(const Condition& v);
Json ToJson(const ACKCondition& v);
Json ToJson(const ACKResourceStatus& v);
Json ToJson(const SelfHostedIRSASettings& v);
Json ToJson(const OperatorConfigSpec& v);
Json ToJson(const OIDCProviderRef& v);
Json ToJson(const EKSIRSASpec& v);
Json ToJson(const IssuerPublication& v);
Json ToJson(const SelfHostedIssuerStatus& v);
Json ToJson(const ConfigSpec& v);
Json ToJson(const ConfigStatus& v);
Json ToJson(const ServiceAccountRef& v);
Json ToJson(const RoleSpec& v);
Json ToJson(const RoleStatus& v);
Json ToJson(const MandatoryDecisionGroup& v);
Json ToJson(const RolloutAll& v);
Json ToJson(const RolloutProgressive& v);
Json ToJson(const RolloutProgressivePerGroup& v);
Json ToJson(const RolloutStrategy& v);
Json ToJson(const PlacementRef& v);
Json ToJson(const RoleTemplateMetadata& v);
Json ToJson(const RoleTemplate& v);
Json ToJson(const ReplicaSetSpec& v);
Json ToJson(const RolloutSummary& v);
Json ToJson(const PlacementStatus& v);
Json ToJson(const FailedCluster& v);
Json ToJson(const ClusterStatus& v);
Json ToJson(const ReplicaSetStatus& v);

template <typename T>
Json ToJson(const std::vector<T>& v) {
  Json out = Json::array();
  for (const T& item : v) out.push_back(ToJson(item));
  return out;
}

template <typename T>
void Put(Json& object, const char* key, const T& value) {
  object[key] = ToJson(value);
}

template <typename T>
void Put(Json& object, const char* key, const std::optional<T>& value) {
  if (value) object[key] = ToJson(*value);
}

Json ToJson(const OwnerReference& v) {
  Json out = Json::object();
  Put(out, "apiVersion", v.api_version);
  Put(out, "kind", v.kind);
  Put(out, "name", v.name);
  Put(out, "uid", v.uid);
  Put(out, "controller", v.controller);
  Put(out, "blockOwnerDeletion", v.block_owner_deletion);
  return out;
}

Json ToJson(const Condition& v) {
  Json out = Json::object();
  Put(out, "type", v.type);
  Put(out, "status", v.status);
  Put(out, "observedGeneration", v.observed_generation);
  Put(out, "lastTransitionTime", v.last_transition_time);
  Put(out, "reason", v.reason);
  Put(out, "message", v.message);
  return out;
}

Json ToJson(const ACKCondition& v) {
  Json out = Json::object();
  Put(out, "type", v.type);
  Put(out, "status", v.status);
  Put(out, "lastTransitionTime", v.last_transition_time);
  Put(out, "reason", v.reason);
  Put(out, "message", v.message);
  return out;
}

Json ToJson(const ACKResourceStatus& v) {
  Json out = Json::object();
  Put(out, "apiVersion", v.api_version);
  Put(out, "kind", v.kind);
  Put(out, "namespace", v.ns);
  Put(out, "name", v.name);
  Put(out, "conditions", v.conditions);
  return out;
}

Json ToJson(const SelfHostedIRSASettings& v) {
  Json out = Json::object();
  Put(out, "webhookNamespace", v.webhook_namespace);
  return out;
}

Json ToJson(const OperatorConfigSpec& v) {
  Json out = Json::object();
  Put(out, "permissionsBoundaryARN", v.permissions_boundary_arn);
  Put(out, "selfHostedIRSA", v.self_hosted_irsa);
  return out;
}

Json ToJson(const OIDCProviderRef& v) {
  Json out = Json::object();
  Put(out, "management", v.management);
  Put(out, "arn", v.arn);
  return out;
}

Json ToJson(const EKSIRSASpec& v) {
  Json out = Json::object();
  Put(out, "issuerURL", v.issuer_url);
  Put(out, "oidcProvider", v.oidc_provider);
  return out;
}

Json ToJson(const ConfigSpec& v) {
  Json out = Json::object();
  Put(out, "type", v.type);
  Put(out, "region", v.region);
  Put(out, "eksIRSA", v.eks_irsa);
  return out;
}

Json ToJson(const IssuerPublication& v) {
  Json out = Json::object();
  Put(out, "bucketName", v.bucket_name);
  Put(out, "issuerURL", v.issuer_url);
  Put(out, "signingKeyID", v.signing_key_id);
  Put(out, "objectSetDigest", v.object_set_digest);
  return out;
}

Json ToJson(const SelfHostedIssuerStatus& v) {
  Json out = Json::object();
  Put(out, "bucketName", v.bucket_name);
  Put(out, "publication", v.publication);
  return out;
}

Json ToJson(const ConfigStatus& v) {
  Json out = Json::object();
  Put(out, "observedGeneration", v.observed_generation);
  Put(out, "conditions", v.conditions);
  Put(out, "ackResources", v.ack_resources);
  Put(out, "selfHostedIssuer", v.self_hosted_issuer);
  Put(out, "issuerHostPath", v.issuer_host_path);
  Put(out, "oidcProviderARN", v.oidc_provider_arn);
  Put(out, "resolvedClusterName", v.resolved_cluster_name);
  Put(out, "webhookRuntimeNamespace", v.webhook_runtime_namespace);
  Put(out, "webhookRuntimeCertNotAfter", v.webhook_runtime_cert_not_after);
  return out;
}

Json ToJson(const ServiceAccountRef& v) {
  Json out = Json::object();
  Put(out, "namespace", v.ns);
  Put(out, "name", v.name);
  return out;
}

Json ToJson(const RoleSpec& v) {
  Json out = Json::object();
  Put(out, "serviceAccount", v.service_account);
  Put(out, "policyARNs", v.policy_arns);
  Put(out, "policyDocument", v.policy_document);
  return out;
}

Json ToJson(const RoleStatus& v) {
  Json out = Json::object();
  Put(out, "observedGeneration", v.observed_generation);
  Put(out, "conditions", v.conditions);
  Put(out, "ackResources", v.ack_resources);
  Put(out, "roleARN", v.role_arn);
  Put(out, "generatedPolicyARN", v.generated_policy_arn);
  Put(out, "deliveryType", v.delivery_type);
  Put(out, "resolvedClusterName", v.resolved_cluster_name);
  return out;
}

Json ToJson(const MandatoryDecisionGroup& v) {
  Json out = Json::object();
  Put(out, "groupName", v.group_name);
  Put(out, "groupIndex", v.group_index);
  return out;
}

void PutRolloutConfig(Json& out, const RolloutConfig& v) {
  Put(out, "maxFailures", v.max_failures);
  Put(out, "minSuccessTime", v.min_success_time);
  Put(out, "progressDeadline", v.progress_deadline);
}

Json ToJson(const RolloutAll& v) {
  Json out = Json::object();
  PutRolloutConfig(out, v.config);
  return out;
}

Json ToJson(const RolloutProgressive& v) {
  Json out = Json::object();
  PutRolloutConfig(out, v.config);
  Put(out, "mandatoryDecisionGroups", v.mandatory_decision_groups);
  Put(out, "maxConcurrency", v.max_concurrency);
  return out;
}

Json ToJson(const RolloutProgressivePerGroup& v) {
  Json out = Json::object();
  PutRolloutConfig(out, v.config);
  Put(out, "mandatoryDecisionGroups", v.mandatory_decision_groups);
  return out;
}

Json ToJson(const RolloutStrategy& v) {
  Json out = Json::object();
  Put(out, "type", v.type);
  Put(out, "all", v.all);
  Put(out, "progressive", v.progressive);
  Put(out, "progressivePerGroup", v.progressive_per_group);
  return out;
}

Json ToJson(const PlacementRef& v) {
  Json out = Json::object();
  Put(out, "name", v.name);
  Put(out, "rolloutStrategy", v.rollout_strategy);
  return out;
}

Json ToJson(const RoleTemplateMetadata& v) {
  Json out = Json::object();
  Put(out, "labels", v.labels);
  Put(out, "annotations", v.annotations);
  return out;
}

Json ToJson(const RoleTemplate& v) {
  Json out = Json::object();
  Put(out, "metadata", v.metadata);
  out["spec"] = ToJson(v.spec);
  return out;
}

Json ToJson(const ReplicaSetSpec& v) {
  Json out = Json::object();
  Put(out, "placementRefs", v.placement_refs);
  Put(out, "template", v.role_template);
  return out;
}

Json ToJson(const RolloutSummary& v) {
  Json out = Json::object();
  Put(out, "total", v.total);
  Put(out, "updating", v.updating);
  Put(out, "succeeded", v.succeeded);
  Put(out, "failed", v.failed);
  Put(out, "timedOut", v.timed_out);
  Put(out, "conditions", v.conditions);
  return out;
}

Json ToJson(const PlacementStatus& v) {
  Json out = Json::object();
  Put(out, "name", v.name);
  Put(out, "selectedClusterCount", v.selected_cluster_count);
  Put(out, "availableDecisionGroups", v.available_decision_groups);
  Put(out, "rollout", v.rollout);
  Put(out, "conditions", v.conditions);
  return out;
}

Json ToJson(const FailedCluster& v) {
  Json out = Json::object();
  Put(out, "clusterName", v.cluster_name);
  Put(out, "phase", v.phase);
  Put(out, "reason", v.reason);
  Put(out, "message", v.message);
  return out;
}

Json ToJson(const ClusterStatus& v) {
  Json out = Json::object();
  Put(out, "clusterName", v.cluster_name);
  Put(out, "namespace", v.ns);
  Put(out, "name", v.name);
  Put(out, "phase", v.phase);
  Put(out, "reason", v.reason);
  Put(out, "message", v.message);
  return out;
}

Json ToJson(const ReplicaSetStatus& v) {
  Json out = Json::object();
  Put(out, "observedGeneration", v.observed_generation);
  Put(out, "selectedClusterCount", v.selected_cluster_count);
  Put(out, "desiredClusterCount", v.desired_cluster_count);
  Put(out, "appliedClusterCount", v.applied_cluster_count);
  Put(out, "readyClusterCount", v.ready_cluster_count);
  Put(out, "staleClusterCount", v.stale_cluster_count);
  Put(out, "conflictCount", v.conflict_count);
  Put(out, "failureCount", v.failure_count);
  Put(out, "placements", v.placements);
  Put(out, "rollout", v.rollout);
  Put(out, "failedClusters", v.failed_clusters);
  Put(out, "clusters", v.clusters);
  Put(out, "conditions", v.conditions);
  return out;
}

template <typename T>
Json EncodeKind(const T& v) {
  Json out = Json::object();
  out["apiVersion"] = kAPIVersion;
  out["kind"] = T::kKind;
  out["metadata"] = EncodeObjectMeta(v.metadata);
  out["spec"] = ToJson(v.spec);
  if constexpr (requires { v.status; }) Put(out, "status", v.status);
  return out;
}

}  // namespace

Json Encode(const OperatorConfig& object) { return EncodeKind(object); }

Json Encode(const Config& object) { return EncodeKind(object); }

Json Encode(const Role& object) { return EncodeKind(object); }

Json Encode(const ReplicaSet& object) { return EncodeKind(object); }

Json EncodeObjectMeta(const ObjectMeta& metadata) {
  Json out = metadata.unmodeled.is_object() ? metadata.unmodeled : Json::object();
  auto put_string = [&out](const char* key, const std::string& value) {
    if (!value.empty()) out[key] = value;
  };
  put_string("name", metadata.name);
  put_string("namespace", metadata.ns);
  put_string("uid", metadata.uid);
  put_string("resourceVersion", metadata.resource_version);
  if (metadata.generation != 0) out["generation"] = metadata.generation;
  put_string("creationTimestamp", metadata.creation_timestamp);
  put_string("deletionTimestamp", metadata.deletion_timestamp);
  if (!metadata.labels.empty()) out["labels"] = ToJson(metadata.labels);
  if (!metadata.annotations.empty()) out["annotations"] = ToJson(metadata.annotations);
  if (!metadata.finalizers.empty()) out["finalizers"] = metadata.finalizers;
  if (!metadata.owner_references.empty()) {
    out["ownerReferences"] = ToJson(metadata.owner_references);
  }
  return out;
}

Json EncodeRoleSpec(const RoleSpec& spec) { return ToJson(spec); }

std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

}  // namespace awio::api::v1alpha1
