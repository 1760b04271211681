#include "controllers/operator_metrics.h"

#include <algorithm>
#include <array>
#include <string>

#include "api/v1alpha1/constants.h"

namespace awio::controllers {
namespace {

namespace v1 = api::v1alpha1;

constexpr std::string_view kUnknown = "unknown";
constexpr std::string_view kOther = "other";

// Reasons of remote deliveries and apply outcomes that are not condition reasons (§6.2).
constexpr std::array<std::string_view, 14> kExtraReasons = {"waiting_inventory",
                                                            "delivery_type_mismatch",
                                                            "cluster_unavailable",
                                                            "no_inventory_namespace",
                                                            "apply_failed",
                                                            "index_lookup_failed",
                                                            "enqueued",
                                                            "channel_full",
                                                            "stale_cluster_event",
                                                            "created",
                                                            "updated",
                                                            "updatedStatus",
                                                            "updatedStatusOnly",
                                                            "unchanged"};

bool StableChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

template <typename List>
bool Contains(const List& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::string StableLabel(std::string_view value) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::string(kUnknown);
  if (value.size() > kMaxStableLabelBytes) return std::string(kOther);
  if (!std::all_of(value.begin(), value.end(), StableChar)) return std::string(kOther);
  return std::string(value);
}

std::string ReasonLabel(std::string_view value) {
  if (value.empty()) return std::string(kUnknown);
  if (Contains(v1::reason::kAll, value) || Contains(kExtraReasons, value)) {
    return std::string(value);
  }
  return std::string(kOther);
}

std::string DeliveryTypeLabel(std::string_view value) {
  if (value.empty()) return std::string(kUnknown);
  if (Contains(v1::delivery::kAll, value)) return std::string(value);
  return std::string(kOther);
}

OperatorMetrics::OperatorMetrics(observability::Registry& registry)
    : child_apply_(registry.Counter("awio_child_apply_total",
                                    "Create-or-update operations on generated child objects.",
                                    {"controller", "child_kind", "operation", "result"})),
      condition_transition_(registry.Counter(
          "awio_condition_transition_total",
          "Conditions that appeared or changed status or reason after a status write.",
          {"kind", "condition", "status", "reason"})),
      remote_delivery_(
          registry.Counter("awio_remote_delivery_total",
                           "Applies to remote clusters and decisions on remote events.",
                           {"delivery_type", "resource", "result", "reason"})),
      predicate_decision_(registry.Counter("awio_predicate_decision_total",
                                           "Events kept or dropped by event filters.",
                                           {"controller", "decision"})),
      watch_map_list_errors_(registry.Counter(
          "awio_watch_map_list_errors_total",
          "LIST failures inside event mapping functions; the triggering event was lost.",
          {"controller", "map_func", "kind"})) {}

void OperatorMetrics::ChildApply(std::string_view controller, std::string_view child_kind,
                                 std::string_view operation, bool success) {
  child_apply_
      .WithLabels({std::string(controller), std::string(child_kind), StableLabel(operation),
                   success ? "success" : "error"})
      .Inc();
}

void OperatorMetrics::ConditionTransition(std::string_view kind, std::string_view condition,
                                          std::string_view status, std::string_view reason) {
  condition_transition_
      .WithLabels(
          {std::string(kind), StableLabel(condition), StableLabel(status), ReasonLabel(reason)})
      .Inc();
}

void OperatorMetrics::RemoteDelivery(std::string_view delivery_type, std::string_view resource,
                                     std::string_view result, std::string_view reason) {
  static constexpr std::array<std::string_view, 3> kResults = {"success", "error", "skipped"};
  std::string result_label = result.empty()               ? std::string(kUnknown)
                             : Contains(kResults, result) ? std::string(result)
                                                          : std::string(kOther);
  remote_delivery_
      .WithLabels({DeliveryTypeLabel(delivery_type), StableLabel(resource), std::move(result_label),
                   ReasonLabel(reason)})
      .Inc();
}

void OperatorMetrics::PredicateDecision(std::string_view controller, bool kept) {
  predicate_decision_.WithLabels({StableLabel(controller), kept ? "kept" : "dropped"}).Inc();
}

void OperatorMetrics::WatchMapListError(std::string_view controller, std::string_view map_func,
                                        std::string_view kind) {
  watch_map_list_errors_
      .WithLabels({StableLabel(controller), StableLabel(map_func), StableLabel(kind)})
      .Inc();
}

}  // namespace awio::controllers
