// Implementation of the §9 defaults.
#include "api/v1alpha1/defaults.h"

#include <optional>
#include <string>
#include <utility>

namespace awio::api::v1alpha1 {
namespace {

// Sets `field` to `value` when absent; returns whether it did.
template <typename T, typename V>
bool DefaultIfAbsent(std::optional<T>& field, V&& value) {
  if (field) return false;
  field.emplace(std::forward<V>(value));
  return true;
}

bool ApplyRolloutConfigDefaults(RolloutConfig& config) {
  bool changed = DefaultIfAbsent(config.max_failures, IntOrString(rollout::kDefaultMaxFailures));
  changed |= DefaultIfAbsent(config.min_success_time, std::string(rollout::kDefaultMinSuccessTime));
  changed |=
      DefaultIfAbsent(config.progress_deadline, std::string(rollout::kDefaultProgressDeadline));
  return changed;
}

bool HasWebhookNamespace(const OperatorConfig& config) {
  const auto& settings = config.spec.self_hosted_irsa;
  return settings && settings->webhook_namespace && !settings->webhook_namespace->empty();
}

}  // namespace

std::shared_ptr<const OperatorConfig> WithDefaults(std::shared_ptr<const OperatorConfig> config) {
  if (config == nullptr || HasWebhookNamespace(*config)) return config;
  auto copy = std::make_shared<OperatorConfig>(*config);
  if (!copy->spec.self_hosted_irsa) copy->spec.self_hosted_irsa.emplace();
  copy->spec.self_hosted_irsa->webhook_namespace = std::string(kDefaultWebhookNamespace);
  return copy;
}

std::string_view EffectiveWebhookNamespace(const OperatorConfig& config) {
  if (HasWebhookNamespace(config)) return *config.spec.self_hosted_irsa->webhook_namespace;
  return kDefaultWebhookNamespace;
}

bool ApplySchemaDefaults(OperatorConfig& config) {
  bool changed = DefaultIfAbsent(config.spec.self_hosted_irsa, SelfHostedIRSASettings{});
  changed |= DefaultIfAbsent(config.spec.self_hosted_irsa->webhook_namespace,
                             std::string(kDefaultWebhookNamespace));
  return changed;
}

bool ApplySchemaDefaults(RolloutStrategy& strategy) {
  bool changed = DefaultIfAbsent(strategy.type, std::string(rollout::kTypeAll));
  if (strategy.all) changed |= ApplyRolloutConfigDefaults(strategy.all->config);
  if (strategy.progressive) changed |= ApplyRolloutConfigDefaults(strategy.progressive->config);
  if (strategy.progressive_per_group) {
    changed |= ApplyRolloutConfigDefaults(strategy.progressive_per_group->config);
  }
  return changed;
}

bool ApplySchemaDefaults(ReplicaSet& replica_set) {
  bool changed = false;
  for (PlacementRef& ref : replica_set.spec.placement_refs) {
    changed |= DefaultIfAbsent(ref.rollout_strategy, RolloutStrategy{});
    changed |= ApplySchemaDefaults(*ref.rollout_strategy);
  }
  return changed;
}

}  // namespace awio::api::v1alpha1
