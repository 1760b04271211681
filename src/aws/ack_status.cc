// Reading ACK status and mirroring it into status.ackResources.
#include "aws/ack_status.h"

namespace awio::aws {
namespace {

// The string at `key` of `object`, or "" when absent or not a string.
std::string StringField(const Json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

const Json* Field(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

bool ConditionTrue(const Json& object, std::string_view type) {
  auto condition = FindAckCondition(object, type);
  return condition && condition->status == "True";
}

bool SameResource(const Json& a, const Json& b) {
  for (std::string_view key : {"apiVersion", "kind", "namespace", "name"}) {
    if (StringField(a, key) != StringField(b, key)) return false;
  }
  return true;
}

}  // namespace

std::vector<AckCondition> AckConditions(const Json& object) {
  std::vector<AckCondition> out;
  const Json* status = Field(object, "status");
  const Json* conditions = status ? Field(*status, "conditions") : nullptr;
  if (conditions == nullptr || !conditions->is_array()) return out;
  for (const Json& entry : *conditions) {
    if (!entry.is_object()) continue;
    out.push_back({.type = StringField(entry, "type"),
                   .status = StringField(entry, "status"),
                   .last_transition_time = StringField(entry, "lastTransitionTime"),
                   .reason = StringField(entry, "reason"),
                   .message = StringField(entry, "message")});
  }
  return out;
}

std::optional<AckCondition> FindAckCondition(const Json& object, std::string_view type) {
  for (AckCondition& condition : AckConditions(object)) {
    if (condition.type == type) return std::move(condition);
  }
  return std::nullopt;
}

bool IsAckSynced(const Json& object) { return ConditionTrue(object, kAckResourceSynced); }
bool IsAckTerminal(const Json& object) { return ConditionTrue(object, kAckTerminal); }
bool IsAckRecoverable(const Json& object) { return ConditionTrue(object, kAckRecoverable); }

std::string AckArn(const Json& object) {
  const Json* status = Field(object, "status");
  const Json* metadata = status ? Field(*status, "ackResourceMetadata") : nullptr;
  return metadata ? StringField(*metadata, "arn") : std::string();
}

Json AckResourceEntry(const Json& object) {
  const Json* metadata = Field(object, "metadata");
  Json entry = {{"apiVersion", StringField(object, "apiVersion")},
                {"kind", StringField(object, "kind")},
                {"namespace", metadata ? StringField(*metadata, "namespace") : std::string()},
                {"name", metadata ? StringField(*metadata, "name") : std::string()}};
  Json conditions = Json::array();
  for (const AckCondition& condition : AckConditions(object)) {
    Json copy = {{"type", condition.type}, {"status", condition.status}};
    if (!condition.last_transition_time.empty()) {
      copy["lastTransitionTime"] = condition.last_transition_time;
    }
    if (!condition.reason.empty()) copy["reason"] = condition.reason;
    if (!condition.message.empty()) copy["message"] = condition.message;
    conditions.push_back(std::move(copy));
  }
  if (!conditions.empty()) entry["conditions"] = std::move(conditions);
  return entry;
}

void UpsertAckResourceEntry(Json& entries, Json entry) {
  if (!entries.is_array()) entries = Json::array();
  for (Json& existing : entries) {
    if (SameResource(existing, entry)) {
      existing = std::move(entry);
      return;
    }
  }
  entries.push_back(std::move(entry));
}

bool RemoveAckResourceEntries(Json& entries, std::string_view kind) {
  if (!entries.is_array()) return false;
  const std::size_t before = entries.size();
  Json kept = Json::array();
  for (Json& entry : entries) {
    if (StringField(entry, "kind") != kind) kept.push_back(std::move(entry));
  }
  entries = std::move(kept);
  return entries.size() != before;
}

AckReadiness AckReadinessOf(std::string_view kind_label, bool synced, bool identifier_observed) {
  const std::string label(kind_label);
  if (!synced) {
    return {.ready = false,
            .reason = kReasonAckResourceNotSynced,
            .message = "waiting for ACK " + label + " sync"};
  }
  if (!identifier_observed) {
    return {.ready = false,
            .reason = kReasonAckResourceIdentifierPending,
            .message =
                "ACK reports " + label + " as synced but its identifier has not been observed yet"};
  }
  return {
      .ready = true, .reason = kReasonAckResourceSynced, .message = label + " is synced by ACK"};
}

}  // namespace awio::aws
