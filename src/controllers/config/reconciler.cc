// Entry, normal flow, EKSPodIdentity and EKSIRSA components, Ready and the status write of the
// config reconciler (config-controller.md §8.1-§8.4, §8.6, §10). SelfHostedIRSA lives in
// self_hosted.cc, deletion in deletion.cc.
#include "controllers/config/reconciler.h"

#include <utility>

#include "api/v1alpha1/codec.h"
#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/defaults.h"
#include "api/v1alpha1/resources.h"
#include "aws/ack_diff.h"
#include "aws/ack_objects.h"
#include "aws/ack_status.h"
#include "aws/names.h"
#include "base/log.h"
#include "base/strings.h"
#include "controllers/ack_resources.h"
#include "controllers/child_apply.h"
#include "controllers/config/pass.h"
#include "oidc/issuer_url.h"
#include "runtime/conditions.h"
#include "runtime/finalizers.h"

namespace awio::controllers::config {
namespace {

namespace v1 = api::v1alpha1;
namespace cond = api::v1alpha1::condition;
namespace rsn = api::v1alpha1::reason;

constexpr std::string_view kLogger = "config-controller";

// §8.2 step 10: zero → the safety requeue; longer than it → the safety requeue.
runtime::ReconcileResult Clamp(runtime::ReconcileResult result) {
  if (result.requeue_after <= std::chrono::milliseconds::zero() ||
      result.requeue_after > kSafetyRequeue) {
    result.requeue_after = kSafetyRequeue;
  }
  return result;
}

// The event for a transitioned condition (§10.2), if any: {warning, reason}.
std::optional<std::pair<bool, std::string>> EventFor(const runtime::Condition& c) {
  const bool is_true = c.status == runtime::kConditionTrue;
  if (c.type == cond::kDeletionBlocked && is_true) {
    return std::pair{true, std::string(rsn::kDeletionBlocked)};
  }
  if (c.reason == rsn::kInvalidSpec || c.reason == rsn::kOperatorConfigUnavailable ||
      c.reason == rsn::kIssuerReconcileFailed || c.reason == rsn::kOIDCObjectsPublishFailed) {
    return std::pair{true, c.reason};
  }
  if ((c.type == cond::kClusterProfileResolved || c.type == cond::kInventoryResolved) && !is_true) {
    return std::pair{true, std::string(rsn::kInventoryUnavailable)};
  }
  if ((c.type == cond::kReady || c.type == cond::kIssuerReady) &&
      (c.reason == rsn::kWaitingForACK || c.reason == rsn::kACKResourceNotSynced ||
       c.reason == rsn::kACKResourceIdentifierPending)) {
    return std::pair{false, std::string(rsn::kACKResourceWaiting)};
  }
  if (c.type == cond::kReady && is_true) return std::pair{false, std::string(rsn::kReady)};
  return std::nullopt;
}

}  // namespace

void SetOrErase(kube::Json& status, std::string_view key, const std::string& value) {
  if (value.empty()) {
    status.erase(std::string(key));
  } else {
    status[std::string(key)] = value;
  }
}

std::string StringField(const kube::Json& status, std::string_view key) {
  auto it = status.find(std::string(key));
  return it != status.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Reconciler::Pass::ForceDelete() const {
  auto it = config.metadata.annotations.find(std::string(v1::annotation::kForceDelete));
  return it != config.metadata.annotations.end() && it->second == v1::annotation::kForceDeleteValue;
}

Reconciler::Reconciler(ReconcilerOptions options) : options_(std::move(options)) {}

std::chrono::system_clock::time_point Reconciler::Now() const {
  return options_.now ? options_.now() : std::chrono::system_clock::now();
}

void Reconciler::Record(const kube::Json& object, bool warning, std::string_view reason,
                        std::string_view action, std::string_view note) {
  if (options_.events == nullptr) return;
  options_.events->Record(object,
                          warning ? runtime::EventType::kWarning : runtime::EventType::kNormal,
                          reason, action, note);
}

void Reconciler::SetCondition(Pass& pass, std::string_view type, bool status,
                              std::string_view reason, std::string_view message) {
  runtime::Condition c;
  c.type = std::string(type);
  c.status = std::string(status ? runtime::kConditionTrue : runtime::kConditionFalse);
  c.observed_generation = pass.generation;
  c.reason = std::string(reason);
  c.message = runtime::SanitizeMessage(message);
  if (!pass.status.contains("conditions")) pass.status["conditions"] = kube::Json::array();
  runtime::SetCondition(pass.status["conditions"], c, Now());
}

Result<kube::Json> Reconciler::ApplyHubChild(Pass& pass, std::string_view child_kind,
                                             const kube::ResourceRef& resource,
                                             const kube::Json& desired) {
  auto applied = ApplyChild(*options_.hub, resource, desired);
  if (options_.metrics != nullptr) {
    options_.metrics->ChildApply(kControllerName, child_kind,
                                 applied.ok() ? applied->operation : "unchanged", applied.ok());
  }
  if (!applied.ok()) return applied.error();
  if (applied->operation != "unchanged") {
    log::Info(kLogger, "applied child",
              {{"config", pass.ns() + "/" + pass.name()},
               {"kind", std::string(child_kind)},
               {"name", desired["metadata"].value("name", "")},
               {"operation", applied->operation}});
  }
  return std::move(applied->object);
}

Status Reconciler::WriteStatus(Pass& pass) {
  if (pass.status == pass.snapshot) return OkStatus();
  kube::Json from = kube::Json::object();
  from["status"] = pass.snapshot.is_null() ? kube::Json::object() : pass.snapshot;
  kube::Json to = kube::Json::object();
  to["status"] = pass.status;
  kube::Json patch = aws::CreateMergePatch(from, to);
  if (patch.is_null() || patch.empty()) return OkStatus();
  auto written = options_.hub->Patch(
      v1::kConfigResource, pass.ns(), pass.name(), kube::PatchType::kMerge, patch.dump(),
      {.field_manager = std::string(kFieldManager), .subresource = "status"});
  if (!written.ok()) return written.error();

  // Transitions: new conditions, or a changed status or reason (§10.2).
  const kube::Json& before = pass.snapshot.is_object() && pass.snapshot.contains("conditions")
                                 ? pass.snapshot["conditions"]
                                 : kube::Json::array();
  if (pass.status.contains("conditions")) {
    for (const auto& entry : pass.status["conditions"]) {
      auto now_c = runtime::FindCondition(pass.status["conditions"], entry.value("type", ""));
      if (!now_c) continue;
      auto old_c = runtime::FindCondition(before, now_c->type);
      if (old_c && old_c->status == now_c->status && old_c->reason == now_c->reason) continue;
      if (options_.metrics != nullptr) {
        options_.metrics->ConditionTransition(kControllerName, now_c->type, now_c->status,
                                              now_c->reason);
      }
      if (auto event = EventFor(*now_c)) {
        Record(*written, event->first, event->second, "ConditionTransitioned",
               now_c->type + " transitioned to " + now_c->status + " with reason " + now_c->reason);
      }
    }
  }
  pass.object = std::move(written.value());
  pass.snapshot = pass.status;
  return OkStatus();
}

Result<runtime::ReconcileResult> Reconciler::Reconcile(const runtime::Request& request) {
  if (!request.cluster.empty()) return runtime::ReconcileResult::Done();
  auto read = options_.hub->Get(v1::kConfigResource, request.ns, request.name);
  if (!read.ok()) {
    if (read.error().code == ErrorCode::kNotFound) return runtime::ReconcileResult::Done();
    return read.error();
  }
  auto decoded = v1::DecodeConfig(*read);
  if (!decoded.ok()) return decoded.error();

  Pass pass;
  pass.request = request;
  pass.object = std::move(read.value());
  pass.config = std::move(decoded.value());
  pass.generation = pass.config.metadata.generation;
  pass.status = pass.object.contains("status") && pass.object["status"].is_object()
                    ? pass.object["status"]
                    : kube::Json::object();
  pass.snapshot = pass.status;

  if (!pass.config.metadata.IsBeingDeleted() &&
      !runtime::HasFinalizer(pass.object, v1::finalizer::kConfig)) {
    auto updated = runtime::EnsureFinalizer(*options_.hub, v1::kConfigResource, pass.object,
                                            v1::finalizer::kConfig, kFieldManager);
    if (!updated.ok()) return updated.error();
    Record(*updated, false, rsn::kFinalizerAdded, "AddFinalizer", "added finalizer for cleanup");
    return runtime::ReconcileResult::Done();
  }
  if (pass.config.metadata.IsBeingDeleted()) {
    // Our clean-up already finished; another finalizer holds the object.
    if (!runtime::HasFinalizer(pass.object, v1::finalizer::kConfig)) {
      return runtime::ReconcileResult::Done();
    }
    return ReconcileDelete(pass);
  }
  return ReconcileNormal(pass);
}

Result<runtime::ReconcileResult> Reconciler::ReconcileNormal(Pass& pass) {
  pass.status["observedGeneration"] = pass.generation;

  // Operator config (§8.2 step 3).
  auto operator_config =
      options_.hub->Get(v1::kOperatorConfigResource, "", std::string(v1::kSingletonName));
  if (!operator_config.ok()) {
    std::string text = operator_config.error().code == ErrorCode::kNotFound
                           ? "AWSWorkloadIdentityOperatorConfig/default is required"
                           : "get AWSWorkloadIdentityOperatorConfig/default: " +
                                 operator_config.error().ToString();
    SetCondition(pass, cond::kOperatorConfigReady, false, rsn::kOperatorConfigUnavailable, text);
    SetCondition(pass, cond::kReady, false, rsn::kOperatorConfigUnavailable, text);
    if (auto written = WriteStatus(pass); !written.ok()) return written.error();
    return runtime::ReconcileResult::RequeueAfter(kTransientRequeue);
  }
  SetCondition(pass, cond::kOperatorConfigReady, true, rsn::kReady,
               "operator configuration is valid");
  pass.webhook_namespace = std::string(v1::kDefaultWebhookNamespace);
  if (auto decoded = v1::DecodeOperatorConfig(*operator_config); decoded.ok()) {
    pass.webhook_namespace = std::string(v1::EffectiveWebhookNamespace(*decoded));
  }

  // Inventory (§8.2 steps 4-5).
  auto resolution = inventory::ResolveWorkloadNamespace(options_.hub.get(), pass.ns(),
                                                        options_.cluster_profile_namespaces);
  if (!resolution.ok()) {
    std::string text = resolution.error().ToString();
    SetCondition(pass, cond::kClusterProfileResolved, false, rsn::kResolverError, text);
    SetCondition(pass, cond::kReady, false, rsn::kResolverError, text);
    pass.status.erase("resolvedClusterName");
    if (auto written = WriteStatus(pass); !written.ok()) {
      log::Warn(kLogger, "status write failed", {{"error", written.error().ToString()}});
    }
    Error e = resolution.error();
    e.message = "resolve inventory for namespace " + GoQuote(pass.ns()) + ": " + e.message;
    return e;
  }
  pass.resolution = std::move(resolution.value());
  SetCondition(pass, cond::kClusterProfileResolved, pass.resolution.ready, pass.resolution.reason,
               pass.resolution.message);
  const bool uses_cluster =
      pass.type() == v1::delivery::kSelfHostedIRSA || pass.type() == v1::delivery::kEKSIRSA;
  SetOrErase(pass.status, "resolvedClusterName",
             uses_cluster && pass.resolution.ready ? pass.resolution.cluster_name : "");

  // Components (§8.3-§8.5).
  Result<runtime::ReconcileResult> component = runtime::ReconcileResult::Done();
  if (pass.type() == v1::delivery::kSelfHostedIRSA) {
    Status issuer = ReconcileSelfHostedIssuer(pass);
    component = ReconcileSelfHostedRuntime(pass);
    if (!issuer.ok()) {
      Error joined = issuer.error();
      if (!component.ok()) joined.message += "; " + component.error().message;
      component = joined;
    }
  } else if (pass.type() == v1::delivery::kEKSIRSA) {
    Status eks = ReconcileEKSIRSA(pass);
    if (!eks.ok()) component = eks.error();
  } else {
    ReconcileEKSPodIdentity(pass);
  }

  // Ready (§8.6), plus this implementation's target issuer check (see reconciler.h).
  const auto issuer_ready = runtime::FindCondition(pass.status["conditions"], cond::kIssuerReady);
  const auto runtime_ready =
      runtime::FindCondition(pass.status["conditions"], cond::kWebhookRuntimeReady);
  const auto target_issuer =
      runtime::FindCondition(pass.status["conditions"], kConditionTargetIssuerVerified);
  if (!pass.resolution.ready) {
    SetCondition(pass, cond::kReady, false, pass.resolution.reason, pass.resolution.message);
  } else if (!issuer_ready || issuer_ready->status != runtime::kConditionTrue) {
    SetCondition(pass, cond::kReady, false,
                 issuer_ready ? issuer_ready->reason : std::string(rsn::kWaitingForACK),
                 issuer_ready ? issuer_ready->message : "waiting for issuer resources");
  } else if (pass.type() == v1::delivery::kSelfHostedIRSA &&
             (!runtime_ready || runtime_ready->status != runtime::kConditionTrue)) {
    SetCondition(
        pass, cond::kReady, false,
        runtime_ready ? runtime_ready->reason : std::string(rsn::kWebhookRuntimeUnavailable),
        runtime_ready ? runtime_ready->message : "waiting for self-hosted webhook runtime");
  } else if (pass.type() == v1::delivery::kSelfHostedIRSA && target_issuer &&
             (target_issuer->reason == kReasonIssuerMismatch ||
              target_issuer->reason == kReasonSigningKeyMismatch)) {
    SetCondition(pass, cond::kReady, false, target_issuer->reason, target_issuer->message);
  } else {
    SetCondition(pass, cond::kReady, true, rsn::kReconciled, "config reconciliation completed");
  }

  if (auto written = WriteStatus(pass); !written.ok()) return written.error();
  if (!component.ok()) return component.error();
  return Clamp(*component);
}

void Reconciler::ReconcileEKSPodIdentity(Pass& pass) {
  pass.status.erase("ackResources");
  SetCondition(pass, cond::kIssuerReady, true, rsn::kNotRequired,
               "EKSPodIdentity does not use an issuer");
  for (const char* key :
       {"selfHostedIssuer", "issuerHostPath", "oidcProviderARN", "resolvedClusterName",
        "webhookRuntimeNamespace", "webhookRuntimeCertNotAfter"}) {
    pass.status.erase(key);
  }
  SetCondition(pass, cond::kWebhookRuntimeReady, true, rsn::kNotRequired,
               "EKSPodIdentity does not use the self-hosted webhook runtime");
}

bool Reconciler::SetIamProviderReady(Pass& pass, const kube::Json& provider) {
  const bool synced = aws::IsAckSynced(provider);
  const std::string arn = aws::AckArn(provider);
  SetOrErase(pass.status, "oidcProviderARN", arn);
  if (!synced) {
    SetCondition(pass, cond::kIAMProviderReady, false, rsn::kACKResourceNotSynced,
                 "waiting for ACK IAM OpenIDConnectProvider sync");
  } else if (arn.empty()) {
    SetCondition(pass, cond::kIAMProviderReady, false, rsn::kACKResourceIdentifierPending,
                 "ACK reports IAM OpenIDConnectProvider as synced but its identifier has not "
                 "been observed yet");
  } else {
    SetCondition(pass, cond::kIAMProviderReady, true, rsn::kACKResourceSynced,
                 "IAM OpenIDConnectProvider is synced by ACK");
  }
  return synced;
}

Status Reconciler::ReconcileEKSIRSA(Pass& pass) {
  for (const char* key : {"ackResources", "selfHostedIssuer", "issuerHostPath", "oidcProviderARN",
                          "webhookRuntimeNamespace", "webhookRuntimeCertNotAfter"}) {
    pass.status.erase(key);
  }
  SetCondition(pass, cond::kWebhookRuntimeReady, true, rsn::kNotRequired,
               "EKSIRSA does not use the self-hosted webhook runtime");
  auto invalid = [&](const std::string& message) {
    SetCondition(pass, cond::kIAMProviderReady, false, rsn::kInvalidSpec, message);
    SetCondition(pass, cond::kIssuerReady, false, rsn::kInvalidSpec, message);
    return OkStatus();
  };
  if (!pass.config.spec.eks_irsa) {
    return invalid("spec.eksIRSA is required when spec.type is EKSIRSA");
  }
  const v1::EKSIRSASpec& eks = *pass.config.spec.eks_irsa;
  auto host_path = oidc::NormalizeIssuerUrl(eks.issuer_url);
  if (!host_path.ok()) return invalid(host_path.error().message);
  pass.status["issuerHostPath"] = *host_path;

  if (eks.oidc_provider.management == v1::management::kManaged) {
    kube::Json desired = aws::BuildOidcProvider({.config = {pass.ns(), pass.name(), pass.uid()},
                                                 .delivery = pass.type(),
                                                 .issuer_host_path = *host_path});
    auto applied = ApplyHubChild(pass, "OpenIDConnectProvider", kAckOidcProviderResource, desired);
    if (!applied.ok()) {
      const std::string text = applied.error().ToString();
      SetCondition(pass, cond::kIAMProviderReady, false, rsn::kIssuerReconcileFailed, text);
      SetCondition(pass, cond::kIssuerReady, false, rsn::kIssuerReconcileFailed, text);
      return applied.error();
    }
    const bool synced = SetIamProviderReady(pass, *applied);
    const std::string arn = aws::AckArn(*applied);
    pass.status["ackResources"] = kube::Json::array({aws::AckResourceEntry(*applied)});
    if (synced && !arn.empty()) {
      SetCondition(pass, cond::kIssuerReady, true, rsn::kReady,
                   "EKS IRSA issuer resources are synced");
    } else {
      SetCondition(pass, cond::kIssuerReady, false, rsn::kWaitingForACK,
                   "waiting for IAM OpenIDConnectProvider ARN");
    }
    return OkStatus();
  }
  if (eks.oidc_provider.management == v1::management::kExternal) {
    const std::string arn = eks.oidc_provider.arn.value_or("");
    if (auto checked = oidc::CheckExternalProviderArn(arn, *host_path); !checked.ok()) {
      return invalid(checked.error().message);
    }
    pass.status["oidcProviderARN"] = arn;
    SetCondition(pass, cond::kIAMProviderReady, true, rsn::kReady,
                 "external IAM OpenIDConnectProvider ARN matches issuer");
    SetCondition(pass, cond::kIssuerReady, true, rsn::kReady,
                 "EKS IRSA external issuer is configured");
    return OkStatus();
  }
  return invalid("unsupported EKSIRSA OIDC provider management " +
                 GoQuote(eks.oidc_provider.management));
}

}  // namespace awio::controllers::config
