// Entry, normal flow, Ready aggregation and the status write of the role reconciler
// (role-controller.md §10, §12, §15.1). Delivery to the workload cluster lives in delivery.cc,
// deletion in deletion.cc.
#include "controllers/role/reconciler.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "api/v1alpha1/codec.h"
#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/resources.h"
#include "aws/ack_diff.h"
#include "aws/ack_objects.h"
#include "aws/ack_status.h"
#include "aws/policy_document.h"
#include "aws/trust_policy.h"
#include "base/log.h"
#include "base/strings.h"
#include "controllers/ack_resources.h"
#include "controllers/child_apply.h"
#include "controllers/role/pass.h"
#include "runtime/conditions.h"
#include "runtime/finalizers.h"

namespace awio::controllers::role {
namespace {

namespace v1 = api::v1alpha1;
namespace cond = api::v1alpha1::condition;
namespace rsn = api::v1alpha1::reason;
using base::GoQuote;

constexpr std::string_view kLogger = "role-controller";
// Condition messages are raw error texts (§18 note 12); the CRD caps them at this many bytes.
constexpr std::size_t kMaxRoleConditionMessageBytes = 32768;

// The event for a transitioned condition (§15.1), if any: {warning, reason}.
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
  if ((c.type == cond::kReady || c.type == cond::kDeliveryReady || c.type == cond::kIssuerReady) &&
      (c.reason == rsn::kWaitingForACK || c.reason == rsn::kACKResourceNotSynced ||
       c.reason == rsn::kACKResourceIdentifierPending)) {
    return std::pair{false, std::string(rsn::kACKResourceWaiting)};
  }
  if (c.type == cond::kDeliveryReady && is_true) {
    return std::pair{false, std::string(rsn::kHubResourcesReady)};
  }
  if (c.type == cond::kReady && is_true) return std::pair{false, std::string(rsn::kReady)};
  return std::nullopt;
}

Error Prefixed(Error e, const std::string& prefix) {
  e.message = prefix + ": " + e.message;
  return e;
}

bool ConditionTrue(const kube::Json& status, std::string_view type) {
  return runtime::IsConditionTrue(status.value("conditions", kube::Json::array()), type);
}

}  // namespace

std::string StringField(const kube::Json& status, std::string_view key) {
  auto it = status.find(std::string(key));
  return it != status.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void SetOrErase(kube::Json& status, std::string_view key, const std::string& value) {
  if (value.empty()) {
    status.erase(std::string(key));
  } else {
    status[std::string(key)] = value;
  }
}

bool AnnotationBased(std::string_view delivery) {
  return delivery == v1::delivery::kSelfHostedIRSA || delivery == v1::delivery::kEKSIRSA;
}

std::string GoTypeOf(const kube::ResourceRef& resource) { return "*v1alpha1." + resource.kind; }

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

void Reconciler::SetCondition(Pass& pass, std::string_view type, std::string_view status,
                              std::string_view reason, std::string_view message) {
  runtime::Condition c;
  c.type = std::string(type);
  c.status = std::string(status);
  c.observed_generation = pass.generation;
  c.reason = std::string(reason);
  c.message = runtime::SanitizeMessage(message, kMaxRoleConditionMessageBytes);
  if (!pass.status.contains("conditions")) pass.status["conditions"] = kube::Json::array();
  runtime::SetCondition(pass.status["conditions"], c, Now());
}

void Reconciler::SetCondition(Pass& pass, std::string_view type, bool status,
                              std::string_view reason, std::string_view message) {
  SetCondition(pass, type, status ? runtime::kConditionTrue : runtime::kConditionFalse, reason,
               message);
}

void Reconciler::FailReady(Pass& pass, std::string_view type, std::string_view reason,
                           std::string_view message) {
  SetCondition(pass, type, false, reason, message);
  SetCondition(pass, cond::kReady, false, reason, message);
}

Result<kube::Json> Reconciler::ApplyHubChild(Pass& pass, std::string_view child_kind,
                                             const kube::ResourceRef& resource,
                                             const kube::Json& desired) {
  auto applied = ApplyChild(*options_.hub, resource, desired);
  if (options_.metrics != nullptr) {
    options_.metrics->ChildApply(kControllerName, child_kind,
                                 applied.ok() ? applied->operation : "unchanged", applied.ok());
  }
  const std::string name = desired["metadata"].value("name", "");
  if (!applied.ok()) {
    return Prefixed(applied.error(),
                    "create or update " + GoTypeOf(resource) + " " + pass.ns() + "/" + name);
  }
  if (applied->operation != "unchanged") {
    log::Info(kLogger, "applied child",
              {{"role", pass.Key()},
               {"kind", std::string(child_kind)},
               {"name", name},
               {"operation", applied->operation}});
  }
  return std::move(applied->object);
}

Status Reconciler::WriteStatus(Pass& pass) {
  // An empty list is omitted, as the original's omitempty field is.
  if (pass.status.contains("ackResources") && pass.status["ackResources"].empty()) {
    pass.status.erase("ackResources");
  }
  if (pass.status == pass.snapshot) return OkStatus();
  kube::Json from = kube::Json::object();
  from["status"] = pass.snapshot.is_null() ? kube::Json::object() : pass.snapshot;
  kube::Json to = kube::Json::object();
  to["status"] = pass.status;
  kube::Json patch = aws::CreateMergePatch(from, to);
  if (patch.is_null() || patch.empty()) return OkStatus();
  auto written = options_.hub->Patch(
      v1::kRoleResource, pass.ns(), pass.name(), kube::PatchType::kMerge, patch.dump(),
      {.field_manager = std::string(kFieldManager), .subresource = "status"});
  if (!written.ok()) return written.error();

  // Transitions: new conditions, or a changed status or reason (§15.1).
  const kube::Json before = pass.snapshot.is_object()
                                ? pass.snapshot.value("conditions", kube::Json::array())
                                : kube::Json::array();
  for (const auto& entry : pass.status.value("conditions", kube::Json::array())) {
    auto now_c = runtime::FindCondition(pass.status["conditions"], entry.value("type", ""));
    if (!now_c) continue;
    auto old_c = runtime::FindCondition(before, now_c->type);
    if (old_c && old_c->status == now_c->status && old_c->reason == now_c->reason) continue;
    if (options_.metrics != nullptr) {
      options_.metrics->ConditionTransition(kControllerName, now_c->type, now_c->status,
                                            now_c->reason);
    }
    log::Info(kLogger, "condition transitioned",
              {{"role", pass.Key()},
               {"condition", now_c->type},
               {"status", now_c->status},
               {"reason", now_c->reason}});
    if (auto event = EventFor(*now_c)) {
      Record(*written, event->first, event->second, "ConditionTransitioned",
             now_c->type + " transitioned to " + now_c->status + " with reason " + now_c->reason);
    }
  }
  pass.object = std::move(written.value());
  pass.snapshot = pass.status;
  return OkStatus();
}

Result<runtime::ReconcileResult> Reconciler::Reconcile(const runtime::Request& request) {
  if (!request.cluster.empty()) return runtime::ReconcileResult::Done();
  auto read = options_.hub->Get(v1::kRoleResource, request.ns, request.name);
  if (!read.ok()) {
    if (read.error().code == ErrorCode::kNotFound) return runtime::ReconcileResult::Done();
    return Prefixed(read.error(), "get AWSServiceAccountRole " + request.ns + "/" + request.name);
  }
  auto decoded = v1::DecodeRole(*read);
  if (!decoded.ok()) return decoded.error();

  Pass pass;
  pass.request = request;
  pass.object = std::move(read.value());
  pass.role = std::move(decoded.value());
  pass.generation = pass.role.metadata.generation;
  pass.status = pass.object.contains("status") && pass.object["status"].is_object()
                    ? pass.object["status"]
                    : kube::Json::object();
  pass.snapshot = pass.status;

  // §10.0 step 2.
  if (!pass.role.metadata.IsBeingDeleted() &&
      !runtime::HasFinalizer(pass.object, v1::finalizer::kRole)) {
    auto updated = runtime::EnsureFinalizer(*options_.hub, v1::kRoleResource, pass.object,
                                            v1::finalizer::kRole, kFieldManager);
    if (!updated.ok()) {
      return Prefixed(updated.error(),
                      "add finalizer on *v1alpha1.AWSServiceAccountRole " + pass.Key());
    }
    Record(*updated, false, rsn::kFinalizerAdded, "AddFinalizer", "added finalizer for cleanup");
    return runtime::ReconcileResult::Done();
  }
  // §10.0 step 3: also without our finalizer (§18 note 10).
  if (pass.role.metadata.IsBeingDeleted()) return ReconcileDelete(pass);
  return ReconcileNormal(pass);
}

Result<std::vector<std::string>> Reconciler::Conflicts(Pass& pass) {
  auto listed = options_.hub->ListAll(v1::kRoleResource, pass.ns());
  if (!listed.ok()) {
    return Prefixed(listed.error(),
                    "list AWSServiceAccountRoles in namespace " + GoQuote(pass.ns()));
  }
  std::vector<std::string> keys;
  bool self_listed = false;
  for (const auto& item : (*listed)["items"]) {
    auto sibling = v1::DecodeRole(item);
    if (!sibling.ok() || sibling->spec.service_account != pass.role.spec.service_account) {
      continue;
    }
    if (sibling->metadata.uid == pass.uid()) self_listed = true;
    if (sibling->metadata.IsBeingDeleted()) continue;
    keys.push_back(sibling->metadata.ns + "/" + sibling->metadata.name);
  }
  if (!self_listed) keys.push_back(pass.Key());
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

Result<runtime::ReconcileResult> Reconciler::ReconcileNormal(Pass& pass) {
  pass.status["observedGeneration"] = pass.generation;
  auto transient = [&]() -> Result<runtime::ReconcileResult> {
    if (auto written = WriteStatus(pass); !written.ok()) return written.error();
    return runtime::ReconcileResult::RequeueAfter(kTransientRequeue);
  };
  // "persist; return error": a failing status write is only logged.
  auto fail = [&](Error e) -> Result<runtime::ReconcileResult> {
    if (auto written = WriteStatus(pass); !written.ok()) {
      log::Warn(kLogger, "status write failed",
                {{"role", pass.Key()}, {"error", written.error().ToString()}});
    }
    return e;
  };

  // Step 1: duplicate binding (§12).
  auto conflicts = Conflicts(pass);
  if (!conflicts.ok()) return conflicts.error();
  if (conflicts->size() >= 2) {
    std::string list;
    for (const auto& key : *conflicts) list += (list.empty() ? "" : " ") + key;
    FailReady(pass, cond::kDeliveryReady, rsn::kInvalidSpec,
              "service account " + pass.SubjectKey() +
                  " is bound by multiple AWSServiceAccountRole objects: [" + list + "]");
    return transient();
  }

  // Step 2: operator config.
  auto operator_config =
      options_.hub->Get(v1::kOperatorConfigResource, "", std::string(v1::kSingletonName));
  if (!operator_config.ok()) {
    FailReady(pass, cond::kOperatorConfigReady, rsn::kOperatorConfigUnavailable,
              operator_config.error().code == ErrorCode::kNotFound
                  ? "AWSWorkloadIdentityOperatorConfig/default is required"
                  : "get AWSWorkloadIdentityOperatorConfig/default: " +
                        operator_config.error().ToString());
    return transient();
  }
  SetCondition(pass, cond::kOperatorConfigReady, true, rsn::kReady,
               "operator configuration is valid");
  if (auto decoded = v1::DecodeOperatorConfig(*operator_config); decoded.ok()) {
    pass.permissions_boundary_arn = decoded->spec.permissions_boundary_arn.value_or("");
  }

  // Step 3: namespace config.
  auto config = options_.hub->Get(v1::kConfigResource, pass.ns(), std::string(v1::kSingletonName));
  if (!config.ok()) {
    FailReady(pass, cond::kConfigResolved, rsn::kConfigUnavailable, config.error().ToString());
    return transient();
  }
  pass.config = std::move(config.value());
  SetCondition(pass, cond::kConfigResolved, true, rsn::kResolved, "namespace config resolved");
  pass.delivery = pass.config.value("spec", kube::Json::object()).value("type", "");

  // Step 4: inventory.
  auto resolution = inventory::ResolveWorkloadNamespace(options_.hub.get(), pass.ns(),
                                                        options_.cluster_profile_namespaces);
  if (!resolution.ok()) {
    FailReady(pass, cond::kInventoryResolved, rsn::kResolverError, resolution.error().ToString());
    return fail(
        Prefixed(resolution.error(), "resolve inventory for namespace " + GoQuote(pass.ns())));
  }
  pass.resolution = std::move(resolution.value());
  SetCondition(pass, cond::kInventoryResolved, pass.resolution.ready, pass.resolution.reason,
               pass.resolution.message);
  if (!pass.resolution.ready) {
    FailReady(pass, cond::kDeliveryReady, pass.resolution.reason, pass.resolution.message);
    return transient();
  }

  // Step 5: trust policy (§5).
  const kube::Json config_status = pass.config.value("status", kube::Json::object());
  aws::TrustPolicyInput trust{.delivery = pass.delivery,
                              .issuer_host_path = StringField(config_status, "issuerHostPath"),
                              .oidc_provider_arn = StringField(config_status, "oidcProviderARN"),
                              .inventory = {},
                              .service_account = pass.Subject()};
  const auto& properties = pass.resolution.properties;
  trust.inventory = {.ready = pass.resolution.ready,
                     .reason = pass.resolution.reason,
                     .message = pass.resolution.message,
                     .eks_cluster_name = properties.eks_cluster_name,
                     .eks_cluster_arn = properties.eks_cluster_arn,
                     .account_id = properties.aws_account_id,
                     .organization_id = properties.aws_organization_id};
  auto trust_policy = aws::RenderTrustPolicy(trust);
  if (!trust_policy.ok()) {
    FailReady(pass, cond::kTrustPolicyReady, rsn::kTrustPolicyInputMissing,
              trust_policy.error().message);
    return transient();
  }
  pass.trust_policy = std::move(trust_policy.value());
  SetCondition(pass, cond::kTrustPolicyReady, true, rsn::kRendered, "trust policy rendered");

  // Step 6: delivery context.
  pass.status["deliveryType"] = pass.delivery;
  SetOrErase(pass.status, "resolvedClusterName",
             AnnotationBased(pass.delivery) ? pass.resolution.cluster_name : "");

  // Step 7: prune stale association entries.
  if (!pass.status.contains("ackResources")) pass.status["ackResources"] = kube::Json::array();
  kube::Json& entries = pass.status["ackResources"];
  if (pass.delivery != v1::delivery::kEKSPodIdentity) {
    aws::RemoveAckResourceEntries(entries, aws::kPodIdentityAssociationKind);
  }

  // Step 8: generated policy (§6, §4.4).
  std::vector<std::string> managed_arns =
      pass.role.spec.policy_arns.value_or(std::vector<std::string>{});
  const std::string policy_name = aws::IamPolicyName(pass.Owner());
  if (!pass.role.spec.policy_document) {
    auto pruned = DeleteIfOwned(pass, kAckPolicyResource, policy_name);
    if (!pruned.ok()) {
      return fail(
          Prefixed(pruned.error(), "prune generated IAM Policy " + pass.ns() + "/" + policy_name));
    }
    pass.status.erase("generatedPolicyARN");
    aws::RemoveAckResourceEntries(entries, aws::kIamPolicyKind);
    SetCondition(pass, cond::kPolicyReady, true, rsn::kManagedPoliciesOnly,
                 "managed policy ARNs are allowed");
  } else {
    auto document = aws::CanonicalizeParsedPolicyDocument(*pass.role.spec.policy_document);
    if (!document.ok()) {
      const std::string text = "canonicalize policy document: " + document.error().message;
      SetCondition(pass, cond::kPolicyReady, false, rsn::kInvalidSpec, text);
      FailReady(pass, cond::kDeliveryReady, rsn::kInvalidSpec, text);
      Error e = document.error();
      e.message = text;
      return fail(e);
    }
    kube::Json desired = aws::BuildIamPolicy({.role = pass.Owner(),
                                              .service_account = pass.Subject(),
                                              .delivery = pass.delivery,
                                              .policy_document = *document});
    auto applied = ApplyHubChild(pass, "Policy", kAckPolicyResource, desired);
    if (!applied.ok()) {
      const std::string text =
          "apply IAM Policy " + pass.ns() + "/" + policy_name + ": " + applied.error().ToString();
      SetCondition(pass, cond::kPolicyReady, false, rsn::kChildApplyFailed, text);
      FailReady(pass, cond::kDeliveryReady, rsn::kChildApplyFailed, text);
      return fail(Prefixed(applied.error(), "apply IAM Policy " + pass.ns() + "/" + policy_name));
    }
    aws::UpsertAckResourceEntry(entries, aws::AckResourceEntry(*applied));
    const std::string arn = aws::AckArn(*applied);
    SetOrErase(pass.status, "generatedPolicyARN", arn);
    if (!arn.empty()) managed_arns.push_back(arn);
    auto readiness = aws::AckReadinessOf(aws::kGeneratedPolicyKindLabel, aws::IsAckSynced(*applied),
                                         !arn.empty());
    SetCondition(pass, cond::kPolicyReady, readiness.ready, readiness.reason, readiness.message);
  }

  // Step 9: IAM Role (§4.3).
  {
    kube::Json desired =
        aws::BuildIamRole({.role = pass.Owner(),
                           .service_account = pass.Subject(),
                           .delivery = pass.delivery,
                           .trust_policy = pass.trust_policy,
                           .policy_arns = managed_arns,
                           .generated_policy_arn = "",
                           .permissions_boundary_arn = pass.permissions_boundary_arn});
    auto applied = ApplyHubChild(pass, "Role", kAckRoleResource, desired);
    if (!applied.ok()) {
      const std::string text = applied.error().ToString();
      SetCondition(pass, cond::kRoleReady, false, rsn::kChildApplyFailed, text);
      FailReady(pass, cond::kDeliveryReady, rsn::kChildApplyFailed, text);
      return fail(applied.error());
    }
    aws::UpsertAckResourceEntry(entries, aws::AckResourceEntry(*applied));
    const std::string arn = aws::AckArn(*applied);
    SetOrErase(pass.status, "roleARN", arn);
    auto readiness =
        aws::AckReadinessOf(aws::kIamRoleKindLabel, aws::IsAckSynced(*applied), !arn.empty());
    SetCondition(pass, cond::kRoleReady, readiness.ready, readiness.reason, readiness.message);
  }

  // Step 10: persist the delivery context before the first remote write with it.
  const std::string role_arn = StringField(pass.status, "roleARN");
  if (AnnotationBased(pass.delivery) && !role_arn.empty()) {
    bool changed = false;
    for (const char* key : {"roleARN", "deliveryType", "resolvedClusterName"}) {
      if (StringField(pass.status, key) != StringField(pass.snapshot, key)) changed = true;
    }
    if (changed) {
      const std::string text =
          "waiting to retry remote ServiceAccount annotation delivery after persisting role "
          "status";
      SetCondition(pass, cond::kServiceAccountAnnotationReady, false, rsn::kRemoteDeliveryPending,
                   text);
      FailReady(pass, cond::kDeliveryReady, rsn::kRemoteDeliveryPending, text);
      return transient();
    }
  }

  // Step 11: delivery.
  auto delivered =
      AnnotationBased(pass.delivery) ? DeliverAnnotations(pass) : DeliverPodIdentity(pass);
  if (!delivered.ok()) return fail(delivered.error());

  // Steps 12-14.
  Aggregate(pass);
  if (auto written = WriteStatus(pass); !written.ok()) return written.error();
  if (delivered->requeue_after > std::chrono::milliseconds::zero()) return *delivered;
  return runtime::ReconcileResult::RequeueAfter(kSteadyStateRequeue);
}

void Reconciler::Aggregate(Pass& pass) {
  const kube::Json conditions = pass.status.value("conditions", kube::Json::array());
  auto is_true = [&](std::string_view type) { return runtime::IsConditionTrue(conditions, type); };
  bool ready = false;
  std::string reason;
  std::string message;
  if (!is_true(cond::kRoleReady) || !is_true(cond::kPolicyReady)) {
    reason = rsn::kWaitingForACK;
    message = "waiting for ACK resources";
  } else if (AnnotationBased(pass.delivery)) {
    if (!is_true(cond::kServiceAccountAnnotationReady)) {
      reason = rsn::kRemoteDeliveryPending;
      message = "waiting for remote ServiceAccount annotations";
    } else if (!ConditionTrue(pass.config.value("status", kube::Json::object()), cond::kReady)) {
      reason = rsn::kConfigNotReady;
      message = "waiting for AWSWorkloadIdentityConfig/" + pass.ns() + "/" +
                std::string(v1::kSingletonName) + " to become Ready";
    } else {
      ready = true;
    }
  } else if (pass.delivery == v1::delivery::kEKSPodIdentity) {
    auto agent = runtime::FindCondition(conditions, cond::kPodIdentityAgentReady);
    if (!is_true(cond::kPodIdentityAssociationReady)) {
      reason = rsn::kWaitingForACK;
      message = "waiting for ACK PodIdentityAssociation";
    } else if (!agent || agent->status == runtime::kConditionUnknown) {
      reason = rsn::kRemoteCheckPending;
      message = "waiting for remote EKS Pod Identity Agent readiness check";
    } else if (agent->status == runtime::kConditionFalse) {
      reason = rsn::kRemoteDeliveryPending;
      message = "remote EKS Pod Identity Agent is not ready";
    } else {
      ready = true;
    }
  } else {
    ready = true;
  }
  if (ready) {
    const std::string text =
        "role delivery resources are ready; remote runtime status is reported separately";
    SetCondition(pass, cond::kDeliveryReady, true, rsn::kHubResourcesReady, text);
    SetCondition(pass, cond::kReady, true, rsn::kReady, text);
  } else {
    FailReady(pass, cond::kDeliveryReady, reason, message);
  }
}

}  // namespace awio::controllers::role
