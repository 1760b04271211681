// Defaults of the API applied in code (spec/api.md §9): the operator config's WithDefaults
// (§9.2), which every controller uses to read AWSWorkloadIdentityOperatorConfig/default, and
// the schema defaults of §9.1 for objects stored before a schema default existed. The API
// server applies the §9.1 defaults itself on every read; these functions only matter for data
// that did not come through a current server (older stored objects, tests, hand-built values).
#pragma once

#include <memory>
#include <string_view>

#include "api/v1alpha1/types.h"

namespace awio::api::v1alpha1 {

// §9.2. Returns `config` itself (the same pointer, no copy) when
// spec.selfHostedIRSA.webhookNamespace is non-empty; otherwise a new, separately owned copy
// with that field set to kDefaultWebhookNamespace. The input is never modified. The result is
// shared and const: treat it as read-only, as the Go original asks of its callers. A null
// `config` gives null.
//
// A shared_ptr (rather than a value) keeps the "same object, no copy" promise observable and
// lets a cache hand out its stored object without copying it on every reconcile.
std::shared_ptr<const OperatorConfig> WithDefaults(std::shared_ptr<const OperatorConfig> config);

// The webhook namespace in effect for `config`: its own value when non-empty, else
// kDefaultWebhookNamespace. Same answer as WithDefaults(config)->...webhook_namespace, without
// allocating.
std::string_view EffectiveWebhookNamespace(const OperatorConfig& config);

// §9.1 for the operator config: spec.selfHostedIRSA defaults to `{}`, then its
// webhookNamespace to kDefaultWebhookNamespace. An empty string is a value, not an absence,
// so it is kept (the API server does the same). Returns whether anything was set.
bool ApplySchemaDefaults(OperatorConfig& config);

// §9.1 for one rollout strategy: type defaults to All; in each variant that is present,
// maxFailures to the integer 0, minSuccessTime to "0" and progressDeadline to "None".
// Variants that are absent stay absent. Returns whether anything was set.
bool ApplySchemaDefaults(RolloutStrategy& strategy);

// §9.1 for the ReplicaSet: a placement ref without rolloutStrategy gets `{type: All}`, and
// every strategy gets the defaults above. Returns whether anything was set.
bool ApplySchemaDefaults(ReplicaSet& replica_set);

}  // namespace awio::api::v1alpha1
