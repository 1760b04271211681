// The deletion flow of the role reconciler (role-controller.md §11): remote annotation cleanup
// decided from the recorded delivery state (so it works after the namespace config was
// force-deleted), then the three ACK children deleted if owned, in a fixed order, waiting while
// ACK's finalizers keep them, then DeletionBlocked cleared and the finalizer removed.
#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/resources.h"
#include "aws/ack_status.h"
#include "aws/names.h"
#include "base/log.h"
#include "base/strings.h"
#include "controllers/ack_resources.h"
#include "controllers/child_apply.h"
#include "controllers/role/pass.h"
#include "controllers/role/reconciler.h"
#include "controllers/role/service_account.h"
#include "inventory/cluster_name.h"
#include "runtime/conditions.h"
#include "runtime/finalizers.h"

namespace awio::controllers::role {
namespace {

namespace v1 = api::v1alpha1;
namespace cond = api::v1alpha1::condition;
namespace rsn = api::v1alpha1::reason;
using base::GoQuote;

constexpr std::string_view kLogger = "role-controller";

Error Prefixed(Error e, const std::string& prefix) {
  e.message = prefix + ": " + e.message;
  return e;
}

}  // namespace

Result<runtime::ReconcileResult> Reconciler::ReconcileDelete(Pass& pass) {
  auto mark_blocked = [&](std::string_view reason, const Error& cause) {
    pass.status["observedGeneration"] = pass.generation;
    SetCondition(pass, cond::kDeletionBlocked, true, reason, cause.ToString());
    log::Info(
        kLogger, "deletion blocked",
        {{"role", pass.Key()}, {"reason", std::string(reason)}, {"message", cause.ToString()}});
    if (auto written = WriteStatus(pass); !written.ok()) {
      log::Warn(kLogger, "status write failed",
                {{"role", pass.Key()}, {"error", written.error().ToString()}});
    }
    return cause;
  };

  // 1. Remote annotations.
  if (Status cleaned = CleanupAnnotations(pass); !cleaned.ok()) {
    return mark_blocked(rsn::kRemoteClusterUnavailable, cleaned.error());
  }

  // 2-3. Children, in the fixed order of §11.1.
  const std::vector<std::pair<const kube::ResourceRef*, std::string>> children = {
      {&kAckPodIdentityAssociationResource, aws::PodIdentityAssociationName(pass.name())},
      {&kAckRoleResource, aws::IamRoleName(pass.Owner())},
      {&kAckPolicyResource, aws::IamPolicyName(pass.Owner())},
  };
  std::string pending;
  for (const auto& [resource, name] : children) {
    auto present = DeleteIfOwned(pass, *resource, name);
    if (!present.ok()) return mark_blocked(rsn::kChildApplyFailed, present.error());
    if (*present) {
      pending += (pending.empty() ? "" : ", ") + GoTypeOf(*resource) + " " + pass.ns() + "/" + name;
    }
  }
  if (!pending.empty()) {
    return mark_blocked(
        rsn::kChildrenPending,
        MakeError(ErrorCode::kUnavailable,
                  "waiting for ACK child resources to finish deletion: " + pending));
  }

  // 4. Unblock.
  if (runtime::IsConditionTrue(pass.status.value("conditions", kube::Json::array()),
                               cond::kDeletionBlocked)) {
    pass.status["observedGeneration"] = pass.generation;
    SetCondition(pass, cond::kDeletionBlocked, false, rsn::kDeletionUnblocked,
                 "deletion is no longer blocked");
    if (auto written = WriteStatus(pass); !written.ok()) return written.error();
  }

  // 5. Finalizer.
  if (!runtime::HasFinalizer(pass.object, v1::finalizer::kRole)) {
    return runtime::ReconcileResult::Done();
  }
  auto removed = runtime::RemoveFinalizer(*options_.hub, v1::kRoleResource, pass.object,
                                          v1::finalizer::kRole, kFieldManager);
  if (!removed.ok()) {
    return Prefixed(removed.error(),
                    "remove finalizer on *v1alpha1.AWSServiceAccountRole " + pass.Key());
  }
  Record(pass.object, false, rsn::kFinalizerRemoved, "RemoveFinalizer",
         "removed finalizer after cleanup");
  return runtime::ReconcileResult::Done();
}

Status Reconciler::CleanupAnnotations(Pass& pass) {
  std::string delivery = StringField(pass.status, "deliveryType");
  if (delivery.empty()) {
    auto config =
        options_.hub->Get(v1::kConfigResource, pass.ns(), std::string(v1::kSingletonName));
    if (config.ok()) {
      const std::string live = (*config).value("spec", kube::Json::object()).value("type", "");
      if (!AnnotationBased(live)) return OkStatus();
      auto arn = RoleArnForDeletion(pass);
      if (!arn.ok()) return arn.error();
      if (arn->empty()) {
        log::Info(kLogger, "no role ARN known; skipping remote annotation cleanup",
                  {{"role", pass.Key()}});
        return OkStatus();
      }
      auto resolution = inventory::ResolveWorkloadNamespace(options_.hub.get(), pass.ns(),
                                                            options_.cluster_profile_namespaces);
      if (!resolution.ok()) {
        return Prefixed(resolution.error(),
                        "resolve inventory for remote ServiceAccount annotation cleanup in "
                        "namespace " +
                            GoQuote(pass.ns()));
      }
      if (!resolution->ready) {
        return MakeError(ErrorCode::kUnavailable,
                         "inventory not ready for remote ServiceAccount annotation cleanup in "
                         "namespace " +
                             GoQuote(pass.ns()) + ": " + resolution->reason + ": " +
                             resolution->message);
      }
      return CleanAnnotationsOn(pass, resolution->cluster_name, *arn, live);
    }
    if (config.error().code != ErrorCode::kNotFound) {
      return Prefixed(config.error(),
                      "get AWSWorkloadIdentityConfig/default for remote ServiceAccount "
                      "annotation cleanup in namespace " +
                          GoQuote(pass.ns()));
    }
    return MakeError(ErrorCode::kInvalid,
                     "AWSWorkloadIdentityConfig/default is gone and "
                     "AWSServiceAccountRole.status.deliveryType is empty; cannot safely clean "
                     "remote ServiceAccount annotations");
  }
  if (delivery == v1::delivery::kEKSPodIdentity) return OkStatus();
  if (!AnnotationBased(delivery)) {
    return MakeError(ErrorCode::kInvalid,
                     "AWSServiceAccountRole.status.deliveryType " + GoQuote(delivery) +
                         " is unsupported for remote ServiceAccount annotation cleanup");
  }
  const std::string cluster = StringField(pass.status, "resolvedClusterName");
  if (!inventory::SplitClusterName(cluster)) {
    return MakeError(ErrorCode::kInvalid,
                     "AWSServiceAccountRole.status.resolvedClusterName is unusable for remote "
                     "ServiceAccount annotation cleanup: expected namespace/name, got " +
                         GoQuote(cluster));
  }
  auto arn = RoleArnForDeletion(pass);
  if (!arn.ok()) return arn.error();
  if (arn->empty()) return OkStatus();
  return CleanAnnotationsOn(pass, cluster, *arn, delivery);
}

Result<std::string> Reconciler::RoleArnForDeletion(Pass& pass) {
  std::string arn = StringField(pass.status, "roleARN");
  if (!arn.empty()) return arn;
  auto role = options_.hub->Get(kAckRoleResource, pass.ns(), aws::IamRoleName(pass.Owner()));
  if (!role.ok()) {
    if (role.error().code == ErrorCode::kNotFound) return std::string();
    return Prefixed(role.error(),
                    "get IAM Role for remote ServiceAccount annotation cleanup in namespace " +
                        GoQuote(pass.ns()));
  }
  return aws::AckArn(*role);
}

Status Reconciler::CleanAnnotationsOn(Pass& pass, const std::string& cluster,
                                      const std::string& arn, const std::string& delivery) {
  Result<std::shared_ptr<kube::Client>> remote =
      MakeError(ErrorCode::kConfiguration, "multicluster manager is not configured");
  if (options_.remote) {
    remote = options_.remote(cluster);
    if (!remote.ok()) {
      remote = Prefixed(remote.error(), "get remote cluster " + cluster);
    }
  }
  if (!remote.ok()) {
    return Prefixed(remote.error(),
                    "resolve remote cluster client for remote ServiceAccount annotation cleanup");
  }
  auto removed = RemoveAnnotations(**remote, pass.role.spec.service_account.ns,
                                   pass.role.spec.service_account.name, arn, kFieldManager);
  if (options_.metrics != nullptr) {
    options_.metrics->RemoteDelivery(delivery, "ServiceAccount", removed.ok() ? "success" : "error",
                                     removed.ok() ? *removed : "apply_failed");
  }
  if (!removed.ok()) {
    return Prefixed(removed.error(),
                    "remove remote ServiceAccount annotations " + pass.SubjectKey());
  }
  if (*removed == "updated") {
    log::Info(kLogger, "removed remote ServiceAccount annotations",
              {{"role", pass.Key()}, {"cluster", cluster}, {"serviceAccount", pass.SubjectKey()}});
  }
  return OkStatus();
}

Result<bool> Reconciler::DeleteIfOwned(Pass& pass, const kube::ResourceRef& resource,
                                       const std::string& name) {
  const std::string what = GoTypeOf(resource) + " " + pass.ns() + "/" + name;
  auto read = options_.hub->Get(resource, pass.ns(), name);
  if (!read.ok()) {
    if (read.error().code == ErrorCode::kNotFound) return false;
    return Prefixed(read.error(), "get " + what);
  }
  // Owned iff the first controller reference carries the role's UID (§11.3 step 2).
  bool owned = false;
  for (const auto& ref : (*read)["metadata"].value("ownerReferences", kube::Json::array())) {
    if (ref.value("controller", false)) {
      owned = !pass.uid().empty() && ref.value("uid", "") == pass.uid();
      break;
    }
  }
  if (!owned) {
    log::Info(kLogger, "leaving child that is not controlled by this role",
              {{"role", pass.Key()}, {"child", what}});
    return false;
  }
  auto deleted = options_.hub->Delete(resource, pass.ns(), name);
  if (!deleted.ok()) {
    if (deleted.error().code == ErrorCode::kNotFound) return false;
    return Prefixed(deleted.error(), "delete " + what);
  }
  auto again = options_.hub->Get(resource, pass.ns(), name);
  if (!again.ok()) {
    if (again.error().code == ErrorCode::kNotFound) return false;
    return Prefixed(again.error(), "re-check " + what + " after delete");
  }
  return true;
}

}  // namespace awio::controllers::role
