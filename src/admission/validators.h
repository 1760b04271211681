// The three validating webhooks of spec/api.md §8 and the decisions they make:
//   * AWSWorkloadIdentityConfig DELETE (§8.3): blocked while any AWSServiceAccountRole exists
//     in the namespace, unless the Config carries force-delete: "true";
//   * AWSServiceAccountRole CREATE and UPDATE (§8.4, §8.5): the namespace's Config must exist
//     (and, on CREATE, not be terminating), and on CREATE no live Role may already bind the same
//     remote ServiceAccount; UPDATE of a terminating Role is always allowed;
//   * AWSServiceAccountRoleReplicaSet CREATE and UPDATE (§8.6): the child template may not set
//     the operator's reserved label and annotation keys.
// The validators decode the reviewed object with the API model's codec (a failure is answered
// with 400, as a typed decode failure is) and reach the API server only through Lookup. They never
// allow by default: there is no "no client configured" mode. Schema and CEL rules are the API
// server's job, not repeated here (§8.7).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "admission/lookup.h"
#include "admission/review.h"

namespace awio::admission {

// §8.3. request.oldObject is the Config being deleted. Other operations are allowed (they are
// not registered; CEL covers CREATE and UPDATE).
AdmissionResponse ValidateConfig(const AdmissionRequest& request, Lookup& lookup);

// §8.4 (CREATE) and §8.5 (UPDATE), on request.object. DELETE is allowed (not registered).
AdmissionResponse ValidateRole(const AdmissionRequest& request, Lookup& lookup);

// §8.6, on request.object for CREATE and UPDATE. Makes no lookups.
AdmissionResponse ValidateReplicaSet(const AdmissionRequest& request);

// One registered webhook (§8.1): its name in the ValidatingWebhookConfiguration, the path it is
// served on, and its decision function.
struct Webhook {
  std::string_view name;
  std::string_view path;
  Handler handler;
};

// The three webhooks of §8.1 bound to `lookup`, which the handlers keep alive.
std::vector<Webhook> Webhooks(std::shared_ptr<Lookup> lookup);

}  // namespace awio::admission
