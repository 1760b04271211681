// Entry point of the remote pod identity webhook runtime (spec config-controller.md §9, §8.5.2
// renewal, §11.2): Apply keeps the runtime on one SelfHostedIRSA target cluster in the order of
// §9.4 and reports readiness; Delete removes what the operator owns in the order of §9.10. Both
// talk to the target through a kube::Client with live (uncached) reads, never throw, and touch
// no object that lacks the managed labels. The config controller owns conditions, requeues and
// status; this library only says what it found and did. Also re-exports the constants and the
// object helpers (labels, managed test, drift predicate) that the remote watch needs.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "kube/client.h"
#include "webhookruntime/constants.h"
#include "webhookruntime/objects.h"

namespace awio::webhookruntime {

struct ApplyOptions {
  std::string ns;     // webhook namespace (operator config, defaulted); empty → kDefaultNamespace
  std::string image;  // empty → kDefaultImage
  std::function<std::chrono::system_clock::time_point()> now;  // empty → system_clock::now
  // Called once per object written or checked: resource kind ("Namespace", "Secret",
  // "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service", "Deployment",
  // "MutatingWebhookConfiguration"), result ("success"/"error") and reason
  // ("created"/"updated"/"unchanged", or "apply_failed"). Not called for an object the apply
  // did not reach (after an error, while the namespace is missing, or for the webhook
  // configuration while its installation waits for the Deployment). For metrics.
  std::function<void(std::string_view resource, std::string_view result, std::string_view reason)>
      on_object;
};

struct Outcome {
  std::string ns;  // observation: the namespace applied to
  // Observation: NotAfter of the serving certificate in use; unset when the apply stopped
  // before the certificate step (namespace missing, earlier error).
  std::optional<std::chrono::system_clock::time_point> cert_not_after;
  bool ready = false;
  // When not ready (and no error): RemoteNamespaceBootstrapPending, one of the
  // WebhookDeployment* reasons, WaitingForWebhookDeployment or WebhookRuntimeUnavailable.
  std::string reason;
  std::string message;  // the literal texts of §9.5, §9.8 and §9.9
  std::chrono::milliseconds readiness_retry = kReadinessRetry;
};

struct ApplyResult {
  Outcome outcome;
  // The first failure, worded as §9.4 wraps it; IsUnmanagedError() tells the unmanaged case.
  std::optional<Error> error;
};

// §9.4-§9.9. Never throws.
ApplyResult Apply(kube::Client& remote, const ApplyOptions& options);

// §9.10: deletes the managed runtime objects in `ns` (empty → kDefaultNamespace) and the
// cluster-scoped ones, the MutatingWebhookConfiguration first. Unmanaged namespaced objects
// are left alone; an unmanaged cluster-scoped one stops the deletion with
// UnmanagedDeleteError. The Namespace is never deleted. Errors start with
// "delete remote webhook runtime: ". Never throws.
Status Delete(kube::Client& remote, std::string ns);

// §8.5.2: (not_after − 30 days) − now, clamped to [1 minute, 24 hours].
std::chrono::milliseconds RenewalDelay(std::chrono::system_clock::time_point not_after,
                                       std::chrono::system_clock::time_point now);

// §8.5.2 steps 6 and 7 before the caller's one-hour safety clamp: not ready → the smallest of
// the readiness retry and the renewal delay; ready → the renewal delay (the readiness retry
// when no certificate was observed).
std::chrono::milliseconds RequeueAfter(const Outcome& outcome,
                                       std::chrono::system_clock::time_point now);

}  // namespace awio::webhookruntime
