// The operator's own counters (spec packaging-observability.md §6.2): child applies, condition
// transitions, remote deliveries, predicate decisions and lost watch-map events, with the
// spec's two label normalisers so that a label value can never explode the series count.
// Counting only; the registry's exposition is served by the manager.
#pragma once

#include <string_view>

#include "observability/metrics.h"

namespace awio::controllers {

// Free-form label values longer than this become "other": a label is a category, not a text.
inline constexpr std::size_t kMaxStableLabelBytes = 64;

// "Stable label" normaliser: trimmed; empty → "unknown"; too long or with a character outside
// [A-Za-z0-9_.-] → "other".
std::string StableLabel(std::string_view value);
// Allow-list normaliser for reasons: empty → "unknown"; an API condition reason, a remote
// delivery reason or an apply outcome → itself; anything else → "other".
std::string ReasonLabel(std::string_view value);
// Allow-list normaliser for delivery types.
std::string DeliveryTypeLabel(std::string_view value);

class OperatorMetrics {
 public:
  explicit OperatorMetrics(observability::Registry& registry = observability::Registry::Default());

  // awio_child_apply_total{controller, child_kind, operation, result}.
  void ChildApply(std::string_view controller, std::string_view child_kind,
                  std::string_view operation, bool success);
  // awio_condition_transition_total{kind, condition, status, reason}.
  void ConditionTransition(std::string_view kind, std::string_view condition,
                           std::string_view status, std::string_view reason);
  // awio_remote_delivery_total{delivery_type, resource, result, reason}; result is success,
  // error or skipped.
  void RemoteDelivery(std::string_view delivery_type, std::string_view resource,
                      std::string_view result, std::string_view reason);
  // awio_predicate_decision_total{controller, decision}.
  void PredicateDecision(std::string_view controller, bool kept);
  // awio_watch_map_list_errors_total{controller, map_func, kind}.
  void WatchMapListError(std::string_view controller, std::string_view map_func,
                         std::string_view kind);

 private:
  observability::Counter& child_apply_;
  observability::Counter& condition_transition_;
  observability::Counter& remote_delivery_;
  observability::Counter& predicate_decision_;
  observability::Counter& watch_map_list_errors_;
};

}  // namespace awio::controllers
