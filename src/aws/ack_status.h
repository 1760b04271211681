// Readers of what ACK reports on its objects (role-controller spec §7, config-controller spec
// §4.4 and §4.6): whether an object is synced, terminal or recoverable, its ARN, the
// `status.ackResources` entry that mirrors it on our objects, and the readiness condition we
// derive from it. ACK's own conditions are copied verbatim, never interpreted beyond
// ACK.ResourceSynced. Pure functions over the JSON of an ACK object; malformed or missing
// fields read as absent, never as an error, because ACK fills status asynchronously.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace awio::aws {

using Json = nlohmann::json;

// ACK condition types.
inline constexpr std::string_view kAckResourceSynced = "ACK.ResourceSynced";
inline constexpr std::string_view kAckTerminal = "ACK.Terminal";
inline constexpr std::string_view kAckRecoverable = "ACK.Recoverable";

// Kind labels used in our condition messages (role-controller spec §7.4, config-controller
// spec §8.5.1).
inline constexpr std::string_view kIamRoleKindLabel = "IAM Role";
inline constexpr std::string_view kGeneratedPolicyKindLabel = "generated IAM Policy";
inline constexpr std::string_view kPodIdentityAssociationKindLabel = "EKS PodIdentityAssociation";
inline constexpr std::string_view kBucketKindLabel = "S3 Bucket";
inline constexpr std::string_view kOidcProviderKindLabel = "IAM OpenIDConnectProvider";

// Reasons of the readiness condition derived from an ACK object.
inline constexpr std::string_view kReasonAckResourceSynced = "ACKResourceSynced";
inline constexpr std::string_view kReasonAckResourceNotSynced = "ACKResourceNotSynced";
inline constexpr std::string_view kReasonAckResourceIdentifierPending =
    "ACKResourceIdentifierPending";

// One entry of an ACK object's status.conditions. Absent string fields are empty.
struct AckCondition {
  std::string type;
  std::string status;
  std::string last_transition_time;  // as ACK wrote it (RFC 3339); empty when absent
  std::string reason;
  std::string message;
  friend bool operator==(const AckCondition&, const AckCondition&) = default;
};

// The non-null entries of status.conditions, in their order.
std::vector<AckCondition> AckConditions(const Json& object);

// The first condition of `type`, if any.
std::optional<AckCondition> FindAckCondition(const Json& object, std::string_view type);

// ACK.ResourceSynced is "True". The only ACK condition our readiness depends on.
bool IsAckSynced(const Json& object);
// ACK.Terminal is "True": ACK gave up until the spec changes (shown to users through the
// copied conditions only).
bool IsAckTerminal(const Json& object);
// ACK.Recoverable is "True": ACK hit an error it retries.
bool IsAckRecoverable(const Json& object);

// status.ackResourceMetadata.arn, or "" when absent.
std::string AckArn(const Json& object);

// The status.ackResources entry mirroring `object`: apiVersion, kind, namespace, name and
// conditions (each non-null ACK condition with type, status, lastTransitionTime when present,
// reason and message when non-empty; the list is omitted when empty).
Json AckResourceEntry(const Json& object);

// Replaces the entry of `entries` (a status.ackResources array; null becomes an array) with the
// same apiVersion, kind, namespace and name as `entry` in place, or appends it.
void UpsertAckResourceEntry(Json& entries, Json entry);

// Removes every entry of `kind`; returns whether one was removed.
bool RemoveAckResourceEntries(Json& entries, std::string_view kind);

// A condition of ours derived from an ACK object.
struct AckReadiness {
  bool ready = false;
  std::string_view reason;
  std::string message;
};

// The mapping of role-controller spec §7.4: synced with identifier ->
// True/ACKResourceSynced "<label> is synced by ACK"; not synced -> False/ACKResourceNotSynced
// "waiting for ACK <label> sync"; synced without identifier ->
// False/ACKResourceIdentifierPending "ACK reports <label> as synced but its identifier has not
// been observed yet". Objects without an identifier to wait for pass identifier_observed=true.
AckReadiness AckReadinessOf(std::string_view kind_label, bool synced, bool identifier_observed);

}  // namespace awio::aws
