// Apply (§9.4-§9.9) and Delete (§9.10). Apply makes one pass over the runtime objects in their
// fixed order, each through CreateOrUpdate with live reads. Delete removes the webhook
// configuration alone first (so that no pod creation is sent to a webhook that is going away),
// then the rest. Where the original runs steps in parallel (the supporting objects of §9.4 step
// 3, the deletions after the webhook configuration) they run here one after another in a fixed
// order: the first failure stops the step either way, and a fixed order makes the reported
// error deterministic.
#include "webhookruntime/runtime.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "api/v1alpha1/constants.h"
#include "base/strings.h"
#include "webhookruntime/create_or_update.h"
#include "webhookruntime/tls.h"

namespace awio::webhookruntime {
namespace {

namespace reason = api::v1alpha1::reason;

Error Prefixed(Error error, const std::string& prefix) {
  error.message = prefix + ": " + error.message;
  return error;
}

std::string Ensure(std::string_view what, std::string_view name) {
  return "ensure remote " + std::string(what) + " " + base::GoQuote(name);
}

class Applier {
 public:
  Applier(kube::Client& remote, const ApplyOptions& options)
      : remote_(remote),
        ns_(options.ns.empty() ? std::string(kDefaultNamespace) : options.ns),
        image_(options.image.empty() ? std::string(kDefaultImage) : options.image),
        now_(options.now ? options.now() : std::chrono::system_clock::now()),
        on_object_(options.on_object) {
    result_.outcome.ns = ns_;
    result_.outcome.readiness_retry = kReadinessRetry;
  }

  ApplyResult Run() && {
    // Each step returns false where the pass stops: on an error, or on a not-ready outcome that
    // the later steps depend on (the namespace missing).
    if (EnsureNamespace() && EnsureCASecret() && EnsureServingSecret() &&
        EnsureSupportingObjects()) {
      EnsureDeploymentAndWebhook();
    }
    return std::move(result_);
  }

 private:
  void Report(std::string_view kind, const Result<Applied>& applied) {
    if (!on_object_) return;
    if (applied.ok()) {
      on_object_(kind, "success", OperationName(applied->operation));
    } else {
      on_object_(kind, "error", "apply_failed");
    }
  }

  bool Fail(Error error) {
    result_.error = std::move(error);
    return false;
  }

  void NotReady(std::string reason, std::string message) {
    result_.outcome.ready = false;
    result_.outcome.reason = std::move(reason);
    result_.outcome.message = std::move(message);
  }

  Result<Applied> ApplyObject(const kube::ResourceRef& resource, const std::string& name,
                              const Merge& merge) {
    const std::string scope = resource.namespaced ? ns_ : std::string();
    auto applied = CreateOrUpdate(ObjectName{resource.kind, scope, name},
                                  CallsFor(remote_, resource, scope, name),
                                  Skeleton(resource, scope, name), merge, /*guard_adoption=*/true);
    Report(resource.kind, applied);
    return applied;
  }

  // §9.5: never created; labels merged only onto a namespace the bootstrap marked as ours.
  bool EnsureNamespace() {
    auto live = remote_.Get(kube::resources::kNamespaces, "", ns_);
    if (!live.ok() && live.error().code == ErrorCode::kNotFound) {
      NotReady(std::string(reason::kRemoteNamespaceBootstrapPending),
               "remote webhook namespace has not been bootstrapped: namespace " +
                   base::GoQuote(ns_) +
                   " absent on workload cluster; expected chart-managed OCM ManifestWork (or "
                   "equivalent external bootstrap) to create it");
      return false;
    }
    if (!live.ok()) {
      Report("Namespace", live.error());
      return Fail(Prefixed(live.error(), "probe Namespace " + base::GoQuote(ns_)));
    }

    if (!IsManaged(*live)) {
      Report("Namespace", Applied{Operation::kUnchanged, *live});
      return true;
    }
    LiveCalls calls = CallsFor(remote_, kube::resources::kNamespaces, "", ns_);
    calls.create = nullptr;
    auto applied = CreateOrUpdate(
        ObjectName{"Namespace", "", ns_}, calls, Json::object(),
        [](Json& object) {
          // Re-read after a conflict: a namespace that is no longer ours is left alone.
          if (IsManaged(object)) MergeRuntimeLabels(object);
          return OkStatus();
        },
        /*guard_adoption=*/false);
    Report("Namespace", applied);
    if (!applied.ok()) return Fail(Prefixed(applied.error(), Ensure("Namespace", ns_)));
    return true;
  }

  // §9.6: keep a usable CA, else replace the Secret's data with a new one.
  bool EnsureCASecret() {
    const std::string name(kCASecretName);
    auto applied = ApplyObject(kube::resources::kSecrets, name, [this](Json& secret) -> Status {
      MergeRuntimeLabels(secret);
      KeyPair stored{SecretValue(secret, kCACertKey), SecretValue(secret, kCAKeyKey)};
      if (CAReusable(stored.cert_pem, stored.key_pem, now_)) {
        ca_ = std::move(stored);
        return OkStatus();
      }
      auto generated = GenerateCA(now_);
      if (!generated.ok()) return generated.error();
      ca_ = std::move(*generated);
      ReplaceSecretData(
          secret, kOpaqueSecretType,
          {{std::string(kCACertKey), ca_.cert_pem}, {std::string(kCAKeyKey), ca_.key_pem}});
      return OkStatus();
    });
    if (!applied.ok()) return Fail(Prefixed(applied.error(), Ensure("CA Secret", name)));
    return true;
  }

  // §9.6: keep a serving certificate the current CA verifies, else issue a new one.
  bool EnsureServingSecret() {
    const std::string name(kComponentName);
    auto applied = ApplyObject(kube::resources::kSecrets, name, [this](Json& secret) -> Status {
      MergeRuntimeLabels(secret);
      auto reusable =
          ReusableServingCertificate(SecretValue(secret, kTLSCertKey),
                                     SecretValue(secret, kTLSKeyKey), ca_.cert_pem, ns_, now_);
      if (reusable) {
        serving_ = std::move(*reusable);
        return OkStatus();
      }
      auto generated = GenerateServingCertificate(ca_, ns_, now_);
      if (!generated.ok()) return generated.error();
      serving_ = std::move(*generated);
      ReplaceSecretData(secret, kTLSSecretType,
                        {{std::string(kTLSCertKey), serving_.pair.cert_pem},
                         {std::string(kTLSKeyKey), serving_.pair.key_pem}});
      return OkStatus();
    });
    if (!applied.ok()) return Fail(Prefixed(applied.error(), Ensure("TLS Secret", name)));
    result_.outcome.cert_not_after = serving_.not_after;
    return true;
  }

  // §9.7.
  bool EnsureSupportingObjects() {
    const std::string name(kComponentName);
    const std::pair<const kube::ResourceRef*, Merge> steps[] = {
        {&kube::resources::kServiceAccounts,
         [](Json& account) {
           MergeRuntimeLabels(account);
           return OkStatus();
         }},
        {&resources::kClusterRoles,
         [](Json& role) {
           MergeClusterRole(role);
           return OkStatus();
         }},
        {&resources::kClusterRoleBindings,
         [this](Json& binding) {
           MergeClusterRoleBinding(binding, ns_);
           return OkStatus();
         }},
        {&kube::resources::kServices,
         [](Json& service) {
           MergeService(service);
           return OkStatus();
         }},
    };
    for (const auto& [resource, merge] : steps) {
      auto applied = ApplyObject(*resource, name, merge);
      if (!applied.ok()) {
        return Fail(Prefixed(applied.error(),
                             "apply remote webhook runtime: " + Ensure(resource->kind, name)));
      }
    }
    return true;
  }

  // §9.8 and §9.9.
  bool EnsureDeploymentAndWebhook() {
    const std::string name(kComponentName);
    const DeploymentInputs inputs{ns_, image_, serving_.fingerprint};
    auto deployment = ApplyObject(kube::resources::kDeployments, name, [&inputs](Json& object) {
      return MergeDeployment(object, inputs);
    });
    if (!deployment.ok()) return Fail(Prefixed(deployment.error(), Ensure("Deployment", name)));

    const std::string webhook_what = Ensure("MutatingWebhookConfiguration", name);
    const Readiness readiness = AssessDeployment(deployment->object);
    if (!readiness.ready) {
      // Install only behind an Available Deployment, but keep refreshing one that exists (a CA
      // rotation must reach caBundle at once). The existence probe is live so that an unlabelled
      // configuration is found and refused below.
      auto existing = remote_.Get(resources::kMutatingWebhookConfigurations, "", name);
      if (!existing.ok() && existing.error().code == ErrorCode::kNotFound) {
        NotReady(readiness.reason,
                 "waiting for remote webhook Deployment to become Available before installing "
                 "admission configuration: " +
                     readiness.message);
        return true;
      }
      if (!existing.ok()) {
        Report(resources::kMutatingWebhookConfigurations.kind, existing.error());
        return Fail(Prefixed(existing.error(),
                             webhook_what + ": probe MutatingWebhookConfiguration " + name));
      }
    }

    auto webhook =
        ApplyObject(resources::kMutatingWebhookConfigurations, name, [this](Json& configuration) {
          MergeWebhookConfiguration(configuration, ns_, ca_.cert_pem);
          return OkStatus();
        });
    if (!webhook.ok()) return Fail(Prefixed(webhook.error(), webhook_what));

    if (!readiness.ready) {
      NotReady(readiness.reason, readiness.message);
    } else if (!WebhookConfigurationSynced(webhook->object, ns_, ca_.cert_pem)) {
      NotReady(std::string(reason::kWebhookRuntimeUnavailable),
               "remote MutatingWebhookConfiguration is not synced to the current Service and CA "
               "bundle");
    } else {
      result_.outcome.ready = true;
    }
    return true;
  }

  kube::Client& remote_;
  const std::string ns_;
  const std::string image_;
  const std::chrono::system_clock::time_point now_;
  const std::function<void(std::string_view, std::string_view, std::string_view)> on_object_;
  ApplyResult result_;
  KeyPair ca_;
  ServingCertificate serving_;
};

// One object of §9.10. Each DELETE carries the UID that was read, so that an object replaced
// in between (possibly by an unmanaged one) is examined again rather than deleted.
Status DeleteOne(kube::Client& remote, const kube::ResourceRef& resource, const std::string& ns,
                 const std::string& name) {
  const std::string scope = resource.namespaced ? ns : std::string();
  const std::string what =
      "remote " + resource.kind + " " + (scope.empty() ? name : scope + "/" + name);
  std::optional<Error> conflict;
  for (int attempt = 0; attempt < kConflictAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(kConflictPause);
    auto live = remote.Get(resource, scope, name);
    if (!live.ok() && live.error().code == ErrorCode::kNotFound) return OkStatus();
    if (!live.ok()) return Prefixed(live.error(), "probe " + what);
    if (!IsManaged(*live)) {
      if (!resource.namespaced) return UnmanagedDeleteError(resource.kind, name);
      return OkStatus();  // namespaced and not ours: left in place
    }
    kube::DeleteOptions options;
    options.precondition_uid = (*live)["metadata"].value("uid", "");
    auto deleted = remote.Delete(resource, scope, name, options);
    if (deleted.ok() || deleted.error().code == ErrorCode::kNotFound) return OkStatus();
    if (deleted.error().code != ErrorCode::kConflict) {
      return Prefixed(deleted.error(), "delete " + what);
    }
    conflict = deleted.error();
  }
  return Prefixed(*conflict, "delete " + what);
}

}  // namespace

ApplyResult Apply(kube::Client& remote, const ApplyOptions& options) {
  try {
    return Applier(remote, options).Run();
  } catch (const std::exception& e) {
    // Unexpected JSON shapes or allocation failure: report, never unwind into the controller.
    ApplyResult result;
    result.outcome.ns = options.ns.empty() ? std::string(kDefaultNamespace) : options.ns;
    result.error =
        MakeError(ErrorCode::kInternal,
                  std::string("apply remote webhook runtime: unexpected failure: ") + e.what());
    return result;
  }
}

Status Delete(kube::Client& remote, std::string ns) {
  if (ns.empty()) ns = std::string(kDefaultNamespace);
  const std::string component(kComponentName);
  const std::string ca(kCASecretName);
  const std::vector<std::pair<const kube::ResourceRef*, const std::string*>> order = {
      {&resources::kMutatingWebhookConfigurations, &component},
      {&kube::resources::kDeployments, &component},
      {&kube::resources::kServices, &component},
      {&kube::resources::kSecrets, &component},
      {&kube::resources::kSecrets, &ca},
      {&kube::resources::kServiceAccounts, &component},
      {&resources::kClusterRoleBindings, &component},
      {&resources::kClusterRoles, &component},
  };
  try {
    for (const auto& [resource, name] : order) {
      Status deleted = DeleteOne(remote, *resource, ns, *name);
      if (!deleted.ok()) return Prefixed(deleted.error(), "delete remote webhook runtime");
    }
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInternal,
                     std::string("delete remote webhook runtime: unexpected failure: ") + e.what());
  }
  return OkStatus();
}

std::chrono::milliseconds RenewalDelay(std::chrono::system_clock::time_point not_after,
                                       std::chrono::system_clock::time_point now) {
  const auto delay =
      std::chrono::duration_cast<std::chrono::milliseconds>(not_after - kRenewalThreshold - now);
  return std::clamp<std::chrono::milliseconds>(delay, kMinRenewalDelay, kMaxRenewalDelay);
}

std::chrono::milliseconds RequeueAfter(const Outcome& outcome,
                                       std::chrono::system_clock::time_point now) {
  const std::chrono::milliseconds retry =
      outcome.readiness_retry > std::chrono::milliseconds::zero() ? outcome.readiness_retry
                                                                  : kReadinessRetry;
  if (!outcome.cert_not_after) return retry;
  const auto renewal = RenewalDelay(*outcome.cert_not_after, now);
  return outcome.ready ? renewal : std::min(retry, renewal);
}

}  // namespace awio::webhookruntime
