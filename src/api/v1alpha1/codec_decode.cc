// Decoding of the four kinds: one DecodeValue overload per type of types.h. The field lists
// follow the CRD schemas (config/crd) key for key; codec_encode.cc mirrors them.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/v1alpha1/codec.h"

namespace awio::api::v1alpha1 {
namespace {

// Collects the first decoding failure. Every decode function returns false once it has
// recorded one, so the callers stop at the first bad field.
class Decoder {
 public:
  bool Fail(std::string_view path, std::string_view problem) {
    if (!error_) {
      std::string message(path);
      message += ": ";
      message += problem;
      error_ = MakeError(ErrorCode::kInvalid, std::move(message));
    }
    return false;
  }
  bool TypeMismatch(std::string_view path, std::string_view expected, const Json& got) {
    return Fail(path, "expected " + std::string(expected) + ", got " + got.type_name());
  }
  Error TakeError() { return error_ ? std::move(*error_) : MakeError(ErrorCode::kInternal, ""); }

 private:
  std::optional<Error> error_;
};

std::string Field(std::string_view parent, std::string_view key) {
  std::string path(parent);
  if (!path.empty()) path += '.';
  path += key;
  return path;
}

std::string Index(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

// labels["app.kubernetes.io/name"]: map keys are quoted as JSON strings.
std::string MapKey(std::string_view parent, const std::string& key) {
  return std::string(parent) + "[" + Json(key).dump() + "]";
}

// ---- Decoding: one overload per type, declared first so the templates see them all ----

bool DecodeValue(const Json& v, const std::string& path, std::string& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, bool& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, std::int64_t& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, std::int32_t& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, IntOrString& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, Json& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, StringMap& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, OwnerReference& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, ObjectMeta& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, Condition& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, ACKCondition& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, ACKResourceStatus& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, SelfHostedIRSASettings& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, OperatorConfigSpec& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, OIDCProviderRef& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, EKSIRSASpec& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, ConfigSpec& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, IssuerPublication& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, SelfHostedIssuerStatus& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, ConfigStatus& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, ServiceAccountRef& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, RoleSpec& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, RoleStatus& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, MandatoryDecisionGroup& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, RolloutAll& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, RolloutProgressive& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, RolloutProgressivePerGroup& out,
                 Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, RolloutStrategy& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, PlacementRef& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, RoleTemplateMetadata& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, RoleTemplate& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, ReplicaSetSpec& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, RolloutSummary& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, PlacementStatus& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, FailedCluster& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, ClusterStatus& out, Decoder& d);
bool DecodeValue(const Json& v, const std::string& path, ReplicaSetStatus& out, Decoder& d);

template <typename T>
bool DecodeValue(const Json& v, const std::string& path, std::vector<T>& out, Decoder& d) {
  if (!v.is_array()) return d.TypeMismatch(path, "array", v);
  out.clear();
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    T item{};
    if (!DecodeValue(v[i], Index(path, i), item, d)) return false;
    out.push_back(std::move(item));
  }
  return true;
}

// A field the schema requires: absent or null is an error.
template <typename T>
bool Required(const Json& object, std::string_view key, std::string_view parent, T& out,
              Decoder& d) {
  const std::string path = Field(parent, key);
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return d.Fail(path, "required field is missing");
  return DecodeValue(*it, path, out, d);
}

// A field the schema leaves optional: absent or null leaves `out` empty.
template <typename T>
bool Optional(const Json& object, std::string_view key, std::string_view parent,
              std::optional<T>& out, Decoder& d) {
  out.reset();
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  T value{};
  if (!DecodeValue(*it, Field(parent, key), value, d)) return false;
  out = std::move(value);
  return true;
}

bool ExpectObject(const Json& v, const std::string& path, Decoder& d) {
  return v.is_object() || d.TypeMismatch(path, "object", v);
}

bool DecodeValue(const Json& v, const std::string& path, std::string& out, Decoder& d) {
  if (!v.is_string()) return d.TypeMismatch(path, "string", v);
  out = v.get<std::string>();
  return true;
}

bool DecodeValue(const Json& v, const std::string& path, bool& out, Decoder& d) {
  if (!v.is_boolean()) return d.TypeMismatch(path, "boolean", v);
  out = v.get<bool>();
  return true;
}

// Integers only: as in Go's decoder, 1.0 is not an integer (and a float would not survive a
// round trip as one).
bool DecodeValue(const Json& v, const std::string& path, std::int64_t& out, Decoder& d) {
  if (!v.is_number_integer()) return d.TypeMismatch(path, "integer", v);
  if (v.is_number_unsigned() &&
      v.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return d.Fail(path, "integer " + v.dump() + " does not fit in int64");
  }
  out = v.get<std::int64_t>();
  return true;
}

bool DecodeValue(const Json& v, const std::string& path, std::int32_t& out, Decoder& d) {
  std::int64_t wide = 0;
  if (!DecodeValue(v, path, wide, d)) return false;
  if (wide < std::numeric_limits<std::int32_t>::min() ||
      wide > std::numeric_limits<std::int32_t>::max()) {
    return d.Fail(path, "integer " + v.dump() + " does not fit in int32");
  }
  out = static_cast<std::int32_t>(wide);
  return true;
}

bool DecodeValue(const Json& v, const std::string& path, IntOrString& out, Decoder& d) {
  if (v.is_string()) {
    out = v.get<std::string>();
    return true;
  }
  if (!v.is_number_integer()) return d.TypeMismatch(path, "integer or string", v);
  std::int32_t number = 0;
  if (!DecodeValue(v, path, number, d)) return false;
  out = number;
  return true;
}

// Free-form JSON (policyDocument): must be an object, kept exactly as given.
bool DecodeValue(const Json& v, const std::string& path, Json& out, Decoder& d) {
  if (!ExpectObject(v, path, d)) return false;
  out = v;
  return true;
}

bool DecodeValue(const Json& v, const std::string& path, StringMap& out, Decoder& d) {
  if (!ExpectObject(v, path, d)) return false;
  out.clear();
  for (const auto& [key, value] : v.items()) {
    if (!value.is_string()) return d.TypeMismatch(MapKey(path, key), "string", value);
    out.emplace(key, value.get<std::string>());
  }
  return true;
}

bool DecodeValue(const Json& v, const std::string& path, OwnerReference& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "apiVersion", path, out.api_version, d) &&
         Required(v, "kind", path, out.kind, d) && Required(v, "name", path, out.name, d) &&
         Required(v, "uid", path, out.uid, d) &&
         Optional(v, "controller", path, out.controller, d) &&
         Optional(v, "blockOwnerDeletion", path, out.block_owner_deletion, d);
}

bool IsEmptyMetaValue(const std::string& v) { return v.empty(); }
bool IsEmptyMetaValue(std::int64_t v) { return v == 0; }
bool IsEmptyMetaValue(const StringMap& v) { return v.empty(); }
template <typename T>
bool IsEmptyMetaValue(const std::vector<T>& v) {
  return v.empty();
}

// Moves a metadata field from `rest` into `out` unless it is absent, null or empty, in which
// case it stays in `rest` verbatim (see ObjectMeta).
template <typename T>
bool TakeMeta(Json& rest, std::string_view key, const std::string& parent, T& out, Decoder& d) {
  auto it = rest.find(key);
  if (it == rest.end() || it->is_null()) return true;
  T value{};
  if (!DecodeValue(*it, Field(parent, key), value, d)) return false;
  if (!IsEmptyMetaValue(value)) {
    out = std::move(value);
    rest.erase(it);
  }
  return true;
}

bool DecodeValue(const Json& v, const std::string& path, ObjectMeta& out, Decoder& d) {
  if (!ExpectObject(v, path, d)) return false;
  out = ObjectMeta{};
  Json rest = v;
  if (!(TakeMeta(rest, "name", path, out.name, d) && TakeMeta(rest, "namespace", path, out.ns, d) &&
        TakeMeta(rest, "uid", path, out.uid, d) &&
        TakeMeta(rest, "resourceVersion", path, out.resource_version, d) &&
        TakeMeta(rest, "generation", path, out.generation, d) &&
        TakeMeta(rest, "creationTimestamp", path, out.creation_timestamp, d) &&
        TakeMeta(rest, "deletionTimestamp", path, out.deletion_timestamp, d) &&
        TakeMeta(rest, "labels", path, out.labels, d) &&
        TakeMeta(rest, "annotations", path, out.annotations, d) &&
        TakeMeta(rest, "finalizers", path, out.finalizers, d) &&
        TakeMeta(rest, "ownerReferences", path, out.owner_references, d))) {
    return false;
  }
  out.unmodeled = std::move(rest);
  return true;
}

bool DecodeValue(const Json& v, const std::string& path, Condition& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "type", path, out.type, d) &&
         Required(v, "status", path, out.status, d) &&
         Optional(v, "observedGeneration", path, out.observed_generation, d) &&
         Required(v, "lastTransitionTime", path, out.last_transition_time, d) &&
         Required(v, "reason", path, out.reason, d) && Required(v, "message", path, out.message, d);
}

bool DecodeValue(const Json& v, const std::string& path, ACKCondition& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "type", path, out.type, d) &&
         Required(v, "status", path, out.status, d) &&
         Optional(v, "lastTransitionTime", path, out.last_transition_time, d) &&
         Optional(v, "reason", path, out.reason, d) && Optional(v, "message", path, out.message, d);
}

bool DecodeValue(const Json& v, const std::string& path, ACKResourceStatus& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "apiVersion", path, out.api_version, d) &&
         Required(v, "kind", path, out.kind, d) && Required(v, "namespace", path, out.ns, d) &&
         Required(v, "name", path, out.name, d) &&
         Optional(v, "conditions", path, out.conditions, d);
}

bool DecodeValue(const Json& v, const std::string& path, SelfHostedIRSASettings& out, Decoder& d) {
  return ExpectObject(v, path, d) &&
         Optional(v, "webhookNamespace", path, out.webhook_namespace, d);
}

bool DecodeValue(const Json& v, const std::string& path, OperatorConfigSpec& out, Decoder& d) {
  return ExpectObject(v, path, d) &&
         Optional(v, "permissionsBoundaryARN", path, out.permissions_boundary_arn, d) &&
         Optional(v, "selfHostedIRSA", path, out.self_hosted_irsa, d);
}

bool DecodeValue(const Json& v, const std::string& path, OIDCProviderRef& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "management", path, out.management, d) &&
         Optional(v, "arn", path, out.arn, d);
}

bool DecodeValue(const Json& v, const std::string& path, EKSIRSASpec& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "issuerURL", path, out.issuer_url, d) &&
         Required(v, "oidcProvider", path, out.oidc_provider, d);
}

bool DecodeValue(const Json& v, const std::string& path, ConfigSpec& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "type", path, out.type, d) &&
         Required(v, "region", path, out.region, d) &&
         Optional(v, "eksIRSA", path, out.eks_irsa, d);
}

bool DecodeValue(const Json& v, const std::string& path, IssuerPublication& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "bucketName", path, out.bucket_name, d) &&
         Required(v, "issuerURL", path, out.issuer_url, d) &&
         Required(v, "signingKeyID", path, out.signing_key_id, d) &&
         Required(v, "objectSetDigest", path, out.object_set_digest, d);
}

bool DecodeValue(const Json& v, const std::string& path, SelfHostedIssuerStatus& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "bucketName", path, out.bucket_name, d) &&
         Optional(v, "publication", path, out.publication, d);
}

bool DecodeValue(const Json& v, const std::string& path, ConfigStatus& out, Decoder& d) {
  return ExpectObject(v, path, d) &&
         Optional(v, "observedGeneration", path, out.observed_generation, d) &&
         Optional(v, "conditions", path, out.conditions, d) &&
         Optional(v, "ackResources", path, out.ack_resources, d) &&
         Optional(v, "selfHostedIssuer", path, out.self_hosted_issuer, d) &&
         Optional(v, "issuerHostPath", path, out.issuer_host_path, d) &&
         Optional(v, "oidcProviderARN", path, out.oidc_provider_arn, d) &&
         Optional(v, "resolvedClusterName", path, out.resolved_cluster_name, d) &&
         Optional(v, "webhookRuntimeNamespace", path, out.webhook_runtime_namespace, d) &&
         Optional(v, "webhookRuntimeCertNotAfter", path, out.webhook_runtime_cert_not_after, d);
}

bool DecodeValue(const Json& v, const std::string& path, ServiceAccountRef& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "namespace", path, out.ns, d) &&
         Required(v, "name", path, out.name, d);
}

bool DecodeValue(const Json& v, const std::string& path, RoleSpec& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "serviceAccount", path, out.service_account, d) &&
         Optional(v, "policyARNs", path, out.policy_arns, d) &&
         Optional(v, "policyDocument", path, out.policy_document, d);
}

bool DecodeValue(const Json& v, const std::string& path, RoleStatus& out, Decoder& d) {
  return ExpectObject(v, path, d) &&
         Optional(v, "observedGeneration", path, out.observed_generation, d) &&
         Optional(v, "conditions", path, out.conditions, d) &&
         Optional(v, "ackResources", path, out.ack_resources, d) &&
         Optional(v, "roleARN", path, out.role_arn, d) &&
         Optional(v, "generatedPolicyARN", path, out.generated_policy_arn, d) &&
         Optional(v, "deliveryType", path, out.delivery_type, d) &&
         Optional(v, "resolvedClusterName", path, out.resolved_cluster_name, d);
}

bool DecodeValue(const Json& v, const std::string& path, MandatoryDecisionGroup& out, Decoder& d) {
  return ExpectObject(v, path, d) && Optional(v, "groupName", path, out.group_name, d) &&
         Optional(v, "groupIndex", path, out.group_index, d);
}

// The RolloutConfig fields OCM inlines into each variant.
bool DecodeRolloutConfig(const Json& v, const std::string& path, RolloutConfig& out, Decoder& d) {
  return Optional(v, "maxFailures", path, out.max_failures, d) &&
         Optional(v, "minSuccessTime", path, out.min_success_time, d) &&
         Optional(v, "progressDeadline", path, out.progress_deadline, d);
}

bool DecodeValue(const Json& v, const std::string& path, RolloutAll& out, Decoder& d) {
  return ExpectObject(v, path, d) && DecodeRolloutConfig(v, path, out.config, d);
}

bool DecodeValue(const Json& v, const std::string& path, RolloutProgressive& out, Decoder& d) {
  return ExpectObject(v, path, d) && DecodeRolloutConfig(v, path, out.config, d) &&
         Optional(v, "mandatoryDecisionGroups", path, out.mandatory_decision_groups, d) &&
         Optional(v, "maxConcurrency", path, out.max_concurrency, d);
}

bool DecodeValue(const Json& v, const std::string& path, RolloutProgressivePerGroup& out,
                 Decoder& d) {
  return ExpectObject(v, path, d) && DecodeRolloutConfig(v, path, out.config, d) &&
         Optional(v, "mandatoryDecisionGroups", path, out.mandatory_decision_groups, d);
}

bool DecodeValue(const Json& v, const std::string& path, RolloutStrategy& out, Decoder& d) {
  return ExpectObject(v, path, d) && Optional(v, "type", path, out.type, d) &&
         Optional(v, "all", path, out.all, d) &&
         Optional(v, "progressive", path, out.progressive, d) &&
         Optional(v, "progressivePerGroup", path, out.progressive_per_group, d);
}

bool DecodeValue(const Json& v, const std::string& path, PlacementRef& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "name", path, out.name, d) &&
         Optional(v, "rolloutStrategy", path, out.rollout_strategy, d);
}

bool DecodeValue(const Json& v, const std::string& path, RoleTemplateMetadata& out, Decoder& d) {
  return ExpectObject(v, path, d) && Optional(v, "labels", path, out.labels, d) &&
         Optional(v, "annotations", path, out.annotations, d);
}

bool DecodeValue(const Json& v, const std::string& path, RoleTemplate& out, Decoder& d) {
  return ExpectObject(v, path, d) && Optional(v, "metadata", path, out.metadata, d) &&
         Required(v, "spec", path, out.spec, d);
}

bool DecodeValue(const Json& v, const std::string& path, ReplicaSetSpec& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "placementRefs", path, out.placement_refs, d) &&
         Required(v, "template", path, out.role_template, d);
}

bool DecodeValue(const Json& v, const std::string& path, RolloutSummary& out, Decoder& d) {
  return ExpectObject(v, path, d) && Optional(v, "total", path, out.total, d) &&
         Optional(v, "updating", path, out.updating, d) &&
         Optional(v, "succeeded", path, out.succeeded, d) &&
         Optional(v, "failed", path, out.failed, d) &&
         Optional(v, "timedOut", path, out.timed_out, d) &&
         Optional(v, "conditions", path, out.conditions, d);
}

bool DecodeValue(const Json& v, const std::string& path, PlacementStatus& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "name", path, out.name, d) &&
         Optional(v, "selectedClusterCount", path, out.selected_cluster_count, d) &&
         Optional(v, "availableDecisionGroups", path, out.available_decision_groups, d) &&
         Optional(v, "rollout", path, out.rollout, d) &&
         Optional(v, "conditions", path, out.conditions, d);
}

bool DecodeValue(const Json& v, const std::string& path, FailedCluster& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "clusterName", path, out.cluster_name, d) &&
         Required(v, "phase", path, out.phase, d) && Optional(v, "reason", path, out.reason, d) &&
         Optional(v, "message", path, out.message, d);
}

bool DecodeValue(const Json& v, const std::string& path, ClusterStatus& out, Decoder& d) {
  return ExpectObject(v, path, d) && Required(v, "clusterName", path, out.cluster_name, d) &&
         Optional(v, "namespace", path, out.ns, d) && Optional(v, "name", path, out.name, d) &&
         Required(v, "phase", path, out.phase, d) && Optional(v, "reason", path, out.reason, d) &&
         Optional(v, "message", path, out.message, d);
}

bool DecodeValue(const Json& v, const std::string& path, ReplicaSetStatus& out, Decoder& d) {
  return ExpectObject(v, path, d) &&
         Optional(v, "observedGeneration", path, out.observed_generation, d) &&
         Optional(v, "selectedClusterCount", path, out.selected_cluster_count, d) &&
         Optional(v, "desiredClusterCount", path, out.desired_cluster_count, d) &&
         Optional(v, "appliedClusterCount", path, out.applied_cluster_count, d) &&
         Optional(v, "readyClusterCount", path, out.ready_cluster_count, d) &&
         Optional(v, "staleClusterCount", path, out.stale_cluster_count, d) &&
         Optional(v, "conflictCount", path, out.conflict_count, d) &&
         Optional(v, "failureCount", path, out.failure_count, d) &&
         Optional(v, "placements", path, out.placements, d) &&
         Optional(v, "rollout", path, out.rollout, d) &&
         Optional(v, "failedClusters", path, out.failed_clusters, d) &&
         Optional(v, "clusters", path, out.clusters, d) &&
         Optional(v, "conditions", path, out.conditions, d);
}

// apiVersion and kind may be absent (an object embedded without its type), but when present
// they must name this kind: decoding a Role as a Config is a caller's bug worth reporting.
bool CheckTypeMeta(const Json& v, std::string_view kind, Decoder& d) {
  struct Expected {
    const char* key;
    std::string_view value;
  };
  for (const Expected& e : {Expected{"apiVersion", kAPIVersion}, Expected{"kind", kind}}) {
    auto it = v.find(e.key);
    if (it == v.end() || it->is_null()) continue;
    if (!it->is_string()) return d.TypeMismatch(e.key, "string", *it);
    if (it->get_ref<const std::string&>() != e.value) {
      return d.Fail(e.key, "expected " + Json(e.value).dump() + ", got " + it->dump());
    }
  }
  return true;
}

// The envelope shared by the four kinds: type meta, metadata, a required spec and, for the
// three kinds that have one, an optional status.
template <typename T>
Result<T> DecodeKind(const Json& v) {
  Decoder d;
  T out{};
  if (!v.is_object()) {
    d.TypeMismatch(T::kKind, "object", v);
    return d.TakeError();
  }
  bool ok = CheckTypeMeta(v, T::kKind, d);
  if (ok) {
    auto it = v.find("metadata");
    if (it != v.end() && !it->is_null()) ok = DecodeValue(*it, "metadata", out.metadata, d);
  }
  ok = ok && Required(v, "spec", "", out.spec, d);
  if constexpr (requires { out.status; }) ok = ok && Optional(v, "status", "", out.status, d);
  if (!ok) return d.TakeError();
  return out;
}

}  // namespace

Result<OperatorConfig> DecodeOperatorConfig(const Json& object) {
  return DecodeKind<OperatorConfig>(object);
}

Result<Config> DecodeConfig(const Json& object) { return DecodeKind<Config>(object); }

Result<Role> DecodeRole(const Json& object) { return DecodeKind<Role>(object); }

Result<ReplicaSet> DecodeReplicaSet(const Json& object) { return DecodeKind<ReplicaSet>(object); }

Result<ObjectMeta> DecodeObjectMeta(const Json& metadata, std::string_view path) {
  Decoder d;
  ObjectMeta out;
  if (!DecodeValue(metadata, std::string(path), out, d)) return d.TakeError();
  return out;
}

Result<RoleSpec> DecodeRoleSpec(const Json& spec, std::string_view path) {
  Decoder d;
  RoleSpec out;
  if (!DecodeValue(spec, std::string(path), out, d)) return d.TakeError();
  return out;
}

Result<Json> ParseJson(std::string_view text) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    return MakeError(ErrorCode::kInvalid, std::string("malformed JSON: ") + e.what());
  }
}

}  // namespace awio::api::v1alpha1
