// The typed model of the four kinds of aws.identity.appthrust.io/v1alpha1 (spec/api.md §1-§5):
// plain structs for spec and status, the shared metav1.Condition and ACKResourceStatus items,
// the embedded OCM RolloutStrategy, and an ObjectMeta that keeps every metadata field it does
// not model. The structs mirror the CRD schemas field for field so that codec.h can turn a
// stored object into a value and back without losing anything:
//
//   * a field the schema requires is a plain member; codec.h refuses input that lacks it;
//   * a field the schema leaves optional is a std::optional, so that absent, empty string,
//     empty list and empty object stay distinct (CEL tells `policyARNs: []` from no list);
//   * enumerated values (delivery type, phase, rollout type, ...) stay strings, because the
//     controllers must report values the current schema no longer allows (an unknown management
//     mode is InvalidSpec, not a decode failure); constants.h names the allowed values;
//   * times stay the strings the server wrote (RFC 3339), so a round trip keeps their spelling.
//
// This header holds data only: validation is the schema's and the controllers' job, wire
// format is codec.h's, defaults are defaults.h's.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/v1alpha1/constants.h"

namespace awio::api::v1alpha1 {

using Json = nlohmann::json;
using StringMap = std::map<std::string, std::string>;

// ---- Object metadata ----

// metadata.ownerReferences[] item (metav1.OwnerReference).
struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  std::optional<bool> controller;
  std::optional<bool> block_owner_deletion;

  bool operator==(const OwnerReference&) const = default;
};

// The metadata fields the operator reads or writes, plus everything else verbatim.
//
// As in metav1.ObjectMeta, an empty value of a modelled field means "not set": codec.h writes
// only non-empty values. So that a round trip is still exact, the decoder leaves a modelled
// field that arrives empty (`labels: {}`, `finalizers: []`, `creationTimestamp: null`,
// `generation: 0`) in `unmodeled` together with the fields this struct does not know
// (managedFields, generateName, selfLink, ...). On encode the members win over `unmodeled`.
struct ObjectMeta {
  std::string name;
  std::string ns;  // metadata.namespace; empty for the cluster-scoped OperatorConfig
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  std::string creation_timestamp;  // RFC 3339 as written by the server
  std::string deletion_timestamp;  // non-empty once deletion was requested
  StringMap labels;
  StringMap annotations;
  std::vector<std::string> finalizers;
  std::vector<OwnerReference> owner_references;
  Json unmodeled = Json::object();  // always a JSON object

  bool IsBeingDeleted() const { return !deletion_timestamp.empty(); }

  bool operator==(const ObjectMeta&) const = default;
};

// ---- Shared status items (§1.5) ----

// One entry of a status.conditions list (metav1.Condition, §1.5.1). All fields but
// observedGeneration are required by the schema.
struct Condition {
  std::string type;    // condition:: constant
  std::string status;  // condition_status:: constant
  std::optional<std::int64_t> observed_generation;
  std::string last_transition_time;  // RFC 3339
  std::string reason;                // reason:: constant
  std::string message;               // may be empty

  bool operator==(const Condition&) const = default;
};

// A condition copied from an ACK custom resource (§1.5.2): looser than metav1.Condition.
struct ACKCondition {
  std::string type;
  std::string status;
  std::optional<std::string> last_transition_time;
  std::optional<std::string> reason;
  std::optional<std::string> message;

  bool operator==(const ACKCondition&) const = default;
};

// status.ackResources[] on the Config and the Role: one owned ACK custom resource.
struct ACKResourceStatus {
  std::string api_version;  // ack:: constant, e.g. "iam.services.k8s.aws/v1alpha1"
  std::string kind;         // ack:: constant, e.g. "Role"
  std::string ns;           // JSON key "namespace"
  std::string name;
  std::optional<std::vector<ACKCondition>> conditions;

  bool operator==(const ACKResourceStatus&) const = default;
};

// ---- AWSWorkloadIdentityOperatorConfig (§2) ----

struct SelfHostedIRSASettings {
  // Namespace of the self-hosted pod identity webhook on every target cluster; immutable.
  // Schema default kDefaultWebhookNamespace.
  std::optional<std::string> webhook_namespace;

  bool operator==(const SelfHostedIRSASettings&) const = default;
};

struct OperatorConfigSpec {
  // Permissions boundary of every generated IAM role; none when absent.
  std::optional<std::string> permissions_boundary_arn;
  // Schema default `{}`.
  std::optional<SelfHostedIRSASettings> self_hosted_irsa;

  bool operator==(const OperatorConfigSpec&) const = default;
};

// Cluster-scoped singleton named kSingletonName. Has no status.
struct OperatorConfig {
  static constexpr std::string_view kKind = kKindOperatorConfig;
  ObjectMeta metadata;
  OperatorConfigSpec spec;

  bool operator==(const OperatorConfig&) const = default;
};

// ---- AWSWorkloadIdentityConfig (§3) ----

// spec.eksIRSA.oidcProvider.
struct OIDCProviderRef {
  std::string management;          // management:: constant
  std::optional<std::string> arn;  // only (and always) for External

  bool operator==(const OIDCProviderRef&) const = default;
};

// spec.eksIRSA: the EKS cluster's own issuer; only for type EKSIRSA.
struct EKSIRSASpec {
  std::string issuer_url;
  OIDCProviderRef oidc_provider;

  bool operator==(const EKSIRSASpec&) const = default;
};

struct ConfigSpec {
  std::string type;    // delivery:: constant; immutable
  std::string region;  // immutable
  std::optional<EKSIRSASpec> eks_irsa;

  bool operator==(const ConfigSpec&) const = default;
};

// status.selfHostedIssuer.publication: the issuer object set last confirmed in S3.
struct IssuerPublication {
  std::string bucket_name;
  std::string issuer_url;
  std::string signing_key_id;
  std::string object_set_digest;  // "sha256:<64 hex>"

  bool operator==(const IssuerPublication&) const = default;
};

// status.selfHostedIssuer (SelfHostedIRSA only).
struct SelfHostedIssuerStatus {
  std::string bucket_name;
  std::optional<IssuerPublication> publication;

  bool operator==(const SelfHostedIssuerStatus&) const = default;
};

struct ConfigStatus {
  std::optional<std::int64_t> observed_generation;
  std::optional<std::vector<Condition>> conditions;
  std::optional<std::vector<ACKResourceStatus>> ack_resources;
  std::optional<SelfHostedIssuerStatus> self_hosted_issuer;
  std::optional<std::string> issuer_host_path;  // issuer URL without "https://"
  std::optional<std::string> oidc_provider_arn;
  std::optional<std::string> resolved_cluster_name;  // "<ns>/<name>"
  std::optional<std::string> webhook_runtime_namespace;
  std::optional<std::string> webhook_runtime_cert_not_after;  // RFC 3339

  bool operator==(const ConfigStatus&) const = default;
};

// Namespaced singleton named kSingletonName, one per workload namespace.
struct Config {
  static constexpr std::string_view kKind = kKindConfig;
  ObjectMeta metadata;
  ConfigSpec spec;
  std::optional<ConfigStatus> status;

  bool operator==(const Config&) const = default;
};

// ---- AWSServiceAccountRole (§4) ----

// spec.serviceAccount: the ServiceAccount on the target (remote) cluster; immutable.
struct ServiceAccountRef {
  std::string ns;  // JSON key "namespace"
  std::string name;

  bool operator==(const ServiceAccountRef&) const = default;
};

// Also the ReplicaSet's spec.template.spec. Exactly one of a non-empty policy_arns and
// policy_document is set on admitted objects (CEL).
struct RoleSpec {
  ServiceAccountRef service_account;
  std::optional<std::vector<std::string>> policy_arns;
  // An IAM policy document: any JSON object, kept exactly as given (the schema preserves
  // unknown fields here, §6.3).
  std::optional<Json> policy_document;

  bool operator==(const RoleSpec&) const = default;
};

struct RoleStatus {
  std::optional<std::int64_t> observed_generation;
  std::optional<std::vector<Condition>> conditions;
  std::optional<std::vector<ACKResourceStatus>> ack_resources;
  std::optional<std::string> role_arn;
  std::optional<std::string> generated_policy_arn;
  std::optional<std::string> delivery_type;  // delivery:: constant, last resolved
  std::optional<std::string> resolved_cluster_name;

  bool operator==(const RoleStatus&) const = default;
};

struct Role {
  static constexpr std::string_view kKind = kKindRole;
  ObjectMeta metadata;
  RoleSpec spec;
  std::optional<RoleStatus> status;

  bool operator==(const Role&) const = default;
};

// ---- AWSServiceAccountRoleReplicaSet (§5) ----

// An OCM int-or-string: an integer count or a percentage such as "25%". The alternative held
// is the JSON type on the wire, which a round trip keeps (the schema default of maxFailures
// is the integer 0, not the string "0").
using IntOrString = std::variant<std::int32_t, std::string>;

// mandatoryDecisionGroups[] item; both fields optional.
struct MandatoryDecisionGroup {
  std::optional<std::string> group_name;
  std::optional<std::int32_t> group_index;

  bool operator==(const MandatoryDecisionGroup&) const = default;
};

// The settings OCM's RolloutConfig inlines into each rollout variant.
struct RolloutConfig {
  std::optional<IntOrString> max_failures;       // default 0
  std::optional<std::string> min_success_time;   // default "0"
  std::optional<std::string> progress_deadline;  // default "None"

  bool operator==(const RolloutConfig&) const = default;
};

struct RolloutAll {
  RolloutConfig config;

  bool operator==(const RolloutAll&) const = default;
};

struct RolloutProgressive {
  RolloutConfig config;
  std::optional<std::vector<MandatoryDecisionGroup>> mandatory_decision_groups;
  std::optional<IntOrString> max_concurrency;

  bool operator==(const RolloutProgressive&) const = default;
};

struct RolloutProgressivePerGroup {
  RolloutConfig config;
  std::optional<std::vector<MandatoryDecisionGroup>> mandatory_decision_groups;

  bool operator==(const RolloutProgressivePerGroup&) const = default;
};

// OCM cluster/v1alpha1 RolloutStrategy (§5.2). Nothing ties `type` to the filled-in variant.
struct RolloutStrategy {
  std::optional<std::string> type;  // rollout::kType* constant; default All
  std::optional<RolloutAll> all;
  std::optional<RolloutProgressive> progressive;
  std::optional<RolloutProgressivePerGroup> progressive_per_group;

  bool operator==(const RolloutStrategy&) const = default;
};

struct PlacementRef {
  std::string name;  // an OCM Placement in the ReplicaSet's namespace
  std::optional<RolloutStrategy> rollout_strategy;  // default {type: All}

  bool operator==(const PlacementRef&) const = default;
};

// spec.template.metadata: only labels and annotations exist (the schema prunes the rest).
struct RoleTemplateMetadata {
  std::optional<StringMap> labels;
  std::optional<StringMap> annotations;

  bool operator==(const RoleTemplateMetadata&) const = default;
};

// spec.template (JSON key "template").
struct RoleTemplate {
  std::optional<RoleTemplateMetadata> metadata;
  RoleSpec spec;

  bool operator==(const RoleTemplate&) const = default;
};

struct ReplicaSetSpec {
  std::vector<PlacementRef> placement_refs;
  RoleTemplate role_template;  // JSON key "template"

  bool operator==(const ReplicaSetSpec&) const = default;
};

// OCM rollout counts plus the Progressing condition.
struct RolloutSummary {
  std::optional<std::int32_t> total;
  std::optional<std::int32_t> updating;
  std::optional<std::int32_t> succeeded;
  std::optional<std::int32_t> failed;
  std::optional<std::int32_t> timed_out;
  std::optional<std::vector<Condition>> conditions;

  bool operator==(const RolloutSummary&) const = default;
};

// status.placements[]: one per placement ref.
struct PlacementStatus {
  std::string name;
  std::optional<std::int32_t> selected_cluster_count;
  std::optional<std::string> available_decision_groups;  // free-form OCM text
  std::optional<RolloutSummary> rollout;
  std::optional<std::vector<Condition>> conditions;  // PlacementResolved only

  bool operator==(const PlacementStatus&) const = default;
};

// status.failedClusters[]: a cluster in phase Failed, Conflict or TimedOut.
struct FailedCluster {
  std::string cluster_name;
  std::string phase;  // phase:: constant
  std::optional<std::string> reason;
  std::optional<std::string> message;

  bool operator==(const FailedCluster&) const = default;
};

// status.clusters[]: the state of one selected cluster's child Role.
struct ClusterStatus {
  std::string cluster_name;
  std::optional<std::string> ns;    // hub namespace of the child; JSON key "namespace"
  std::optional<std::string> name;  // name of the child
  std::string phase;                // phase:: constant
  std::optional<std::string> reason;
  std::optional<std::string> message;

  bool operator==(const ClusterStatus&) const = default;
};

struct ReplicaSetStatus {
  std::optional<std::int64_t> observed_generation;
  std::optional<std::int32_t> selected_cluster_count;
  std::optional<std::int32_t> desired_cluster_count;
  std::optional<std::int32_t> applied_cluster_count;
  std::optional<std::int32_t> ready_cluster_count;
  std::optional<std::int32_t> stale_cluster_count;
  std::optional<std::int32_t> conflict_count;
  std::optional<std::int32_t> failure_count;
  std::optional<std::vector<PlacementStatus>> placements;
  std::optional<RolloutSummary> rollout;
  std::optional<std::vector<FailedCluster>> failed_clusters;
  std::optional<std::vector<ClusterStatus>> clusters;
  std::optional<std::vector<Condition>> conditions;

  bool operator==(const ReplicaSetStatus&) const = default;
};

struct ReplicaSet {
  static constexpr std::string_view kKind = kKindReplicaSet;
  ObjectMeta metadata;
  ReplicaSetSpec spec;
  std::optional<ReplicaSetStatus> status;

  bool operator==(const ReplicaSet&) const = default;
};

// ---- Delivery type helpers (§1.5.3) ----

enum class DeliveryType { kSelfHostedIRSA, kEKSPodIdentity, kEKSIRSA };

// The enum for one of the delivery:: strings; nullopt for anything else (compared exactly).
std::optional<DeliveryType> ParseDeliveryType(std::string_view value);
// The wire string of `type`.
std::string_view DeliveryTypeName(DeliveryType type);
// True for the IRSA flows that deliver through ServiceAccount annotations (SelfHostedIRSA and
// EKSIRSA); false for EKSPodIdentity.
bool UsesServiceAccountAnnotations(DeliveryType type);

}  // namespace awio::api::v1alpha1
