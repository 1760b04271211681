// The deletion flow of the config reconciler (config-controller.md §8.7): the roles gate, the
// strict remote runtime cleanup with the shared-runtime check, the hub children in order (S3
// objects before their Bucket), and the finalizer. Unlike the original, the finalizer also
// waits until ACK has removed the ACK objects (and so the AWS resources) it deleted, unless
// force-delete is set: a config whose finalizer is gone must have left nothing behind in AWS.
#include "api/v1alpha1/codec.h"
#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/defaults.h"
#include "api/v1alpha1/resources.h"
#include "aws/names.h"
#include "base/log.h"
#include "controllers/ack_resources.h"
#include "controllers/child_apply.h"
#include "controllers/config/pass.h"
#include "controllers/config/reconciler.h"
#include "runtime/conditions.h"
#include "runtime/finalizers.h"
#include "webhookruntime/runtime.h"

namespace awio::controllers::config {
namespace {

namespace v1 = api::v1alpha1;
namespace cond = api::v1alpha1::condition;
namespace rsn = api::v1alpha1::reason;

constexpr std::string_view kLogger = "config-controller";

// How often a config whose ACK children are still being removed by ACK is looked at again (the
// owned-object watch usually wakes it sooner).
constexpr std::chrono::milliseconds kAckDeletionPoll = std::chrono::seconds(5);

std::string GoTypeOf(const kube::ResourceRef& resource) {
  return resource.group.empty() ? "*v1." + resource.kind : "*v1alpha1." + resource.kind;
}

}  // namespace

Result<runtime::ReconcileResult> Reconciler::ReconcileDelete(Pass& pass) {
  auto mark_blocked = [&](std::string_view reason,
                          const std::string& message) -> Result<runtime::ReconcileResult> {
    pass.status["observedGeneration"] = pass.generation;
    SetCondition(pass, cond::kDeletionBlocked, true, reason, message);
    log::Info(kLogger, "deletion blocked",
              {{"config", pass.ns() + "/" + pass.name()},
               {"reason", std::string(reason)},
               {"message", message}});
    if (auto written = WriteStatus(pass); !written.ok()) return written.error();
    return runtime::ReconcileResult::RequeueAfter(kTransientRequeue);
  };

  // 1. Roles gate.
  auto roles = options_.hub->List(v1::kRoleResource, pass.ns(), {.limit = 1});
  if (!roles.ok()) return roles.error();
  const bool roles_remain = roles->contains("items") && !(*roles)["items"].empty();
  if (roles_remain && !pass.ForceDelete()) {
    return mark_blocked(rsn::kRolesRemain, "AWSServiceAccountRole objects remain in namespace");
  }

  // 2. Remote runtime.
  if (pass.type() == v1::delivery::kSelfHostedIRSA) {
    Status cleaned = CleanupRemoteRuntime(pass);
    if (!cleaned.ok()) {
      if (pass.ForceDelete()) {
        log::Warn(
            kLogger, "ignoring remote runtime cleanup failure because of force-delete",
            {{"config", pass.ns() + "/" + pass.name()}, {"error", cleaned.error().ToString()}});
      } else {
        return mark_blocked(webhookruntime::IsUnmanagedError(cleaned.error())
                                ? rsn::kRemoteRuntimeUnmanaged
                                : rsn::kRemoteClusterUnavailable,
                            cleaned.error().ToString());
      }
    }
  }

  // 3. Hub children.
  if (Status deleted = DeleteHubChildren(pass); !deleted.ok()) {
    Error e = deleted.error();
    e.message = "delete config children: " + e.message;
    return e;
  }
  // 4. Unblock: nothing blocks the deletion once the children are deleted, even while ACK is
  // still removing its objects below.
  if (runtime::IsConditionTrue(pass.status.value("conditions", kube::Json::array()),
                               cond::kDeletionBlocked)) {
    pass.status["observedGeneration"] = pass.generation;
    SetCondition(pass, cond::kDeletionBlocked, false, rsn::kDeletionUnblocked,
                 "deletion is no longer blocked");
    if (auto written = WriteStatus(pass); !written.ok()) return written.error();
  }

  if (!pass.ForceDelete()) {
    // Wait for ACK to finish: its finalizer keeps each CR until the AWS resource is gone.
    std::vector<std::pair<const kube::ResourceRef*, std::string>> ack_children;
    if (pass.type() == v1::delivery::kSelfHostedIRSA) {
      ack_children.push_back({&kAckOidcProviderResource, aws::OidcProviderObjectName(pass.ns())});
      std::string bucket =
          pass.status.value("selfHostedIssuer", kube::Json::object()).value("bucketName", "");
      if (bucket.empty()) bucket = aws::BucketName(pass.ns(), pass.config.spec.region);
      ack_children.push_back({&kAckBucketResource, bucket});
    } else if (pass.type() == v1::delivery::kEKSIRSA && pass.config.spec.eks_irsa &&
               pass.config.spec.eks_irsa->oidc_provider.management == v1::management::kManaged) {
      ack_children.push_back({&kAckOidcProviderResource, aws::OidcProviderObjectName(pass.ns())});
    }
    for (const auto& [resource, name] : ack_children) {
      auto still = options_.hub->Get(*resource, pass.ns(), name);
      if (still.ok() && ControlledBy(*still, pass.uid())) {
        log::Info(
            kLogger, "waiting for ACK to delete child",
            {{"config", pass.ns() + "/" + pass.name()}, {"kind", resource->kind}, {"name", name}});
        return runtime::ReconcileResult::RequeueAfter(kAckDeletionPoll);
      }
      if (!still.ok() && still.error().code != ErrorCode::kNotFound) return still.error();
    }
  }

  // 5. Finalizer.
  auto removed = runtime::RemoveFinalizer(*options_.hub, v1::kConfigResource, pass.object,
                                          v1::finalizer::kConfig, kFieldManager);
  if (!removed.ok()) {
    if (removed.error().code == ErrorCode::kNotFound) return runtime::ReconcileResult::Done();
    return removed.error();
  }
  Record(pass.object, false, rsn::kFinalizerRemoved, "RemoveFinalizer",
         "removed finalizer after cleanup");
  return runtime::ReconcileResult::Done();
}

Result<bool> Reconciler::RuntimeSharedWithSibling(Pass& pass, const std::string& cluster_key) {
  auto configs = options_.hub->ListAll(v1::kConfigResource, "");
  if (!configs.ok()) return configs.error();
  for (const auto& item : (*configs)["items"]) {
    auto sibling = v1::DecodeConfig(item);
    if (!sibling.ok()) continue;
    const bool same = pass.uid().empty() ? (sibling->metadata.ns == pass.ns() &&
                                            sibling->metadata.name == pass.name())
                                         : sibling->metadata.uid == pass.uid();
    if (same || sibling->spec.type != v1::delivery::kSelfHostedIRSA ||
        sibling->metadata.IsBeingDeleted()) {
      continue;
    }
    if (sibling->status && sibling->status->resolved_cluster_name.value_or("") == cluster_key) {
      return true;
    }
    auto resolved = inventory::ResolveWorkloadNamespace(options_.hub.get(), sibling->metadata.ns,
                                                        options_.cluster_profile_namespaces);
    if (!resolved.ok()) return resolved.error();
    if (!resolved->ready) {
      return MakeError(ErrorCode::kUnavailable,
                       "sibling " + sibling->metadata.ns + "/" + sibling->metadata.name +
                           " inventory is not ready during remote runtime cleanup: " +
                           resolved->reason + ": " + resolved->message);
    }
    if (resolved->cluster_name == cluster_key) return true;
  }
  return false;
}

Status Reconciler::CleanupRemoteRuntime(Pass& pass) {
  auto resolution = inventory::ResolveWorkloadNamespace(options_.hub.get(), pass.ns(),
                                                        options_.cluster_profile_namespaces);
  if (!resolution.ok()) return resolution.error();
  if (!resolution->ready) {
    return MakeError(ErrorCode::kUnavailable, resolution->reason + ": " + resolution->message);
  }
  auto shared = RuntimeSharedWithSibling(pass, resolution->cluster_name);
  if (!shared.ok()) return shared.error();
  if (*shared) {
    log::Info(kLogger, "keeping the remote webhook runtime: another config uses the cluster",
              {{"config", pass.ns() + "/" + pass.name()}, {"cluster", resolution->cluster_name}});
    return OkStatus();
  }
  if (!options_.remote) return MakeError(ErrorCode::kConfiguration, "no multicluster provider");
  auto remote = options_.remote(resolution->cluster_name);
  if (!remote.ok()) {
    Error e = remote.error();
    e.message = "get remote cluster " + resolution->cluster_name + ": " + e.message;
    return e;
  }
  std::string ns = StringField(pass.status, "webhookRuntimeNamespace");
  if (ns.empty()) {
    auto operator_config =
        options_.hub->Get(v1::kOperatorConfigResource, "", std::string(v1::kSingletonName));
    if (!operator_config.ok()) return operator_config.error();
    auto decoded = v1::DecodeOperatorConfig(*operator_config);
    if (!decoded.ok()) return decoded.error();
    ns = std::string(v1::EffectiveWebhookNamespace(*decoded));
  }
  return webhookruntime::Delete(**remote, ns);
}

Status Reconciler::DeleteHubChildren(Pass& pass) {
  auto owned_delete = [&](const kube::ResourceRef& resource, const std::string& name) -> Status {
    auto outcome = OwnedDelete(*options_.hub, resource, pass.ns(), name, pass.uid());
    if (!outcome.ok()) return outcome.error();
    if (*outcome == OwnedDeleteOutcome::kForeign) {
      log::Info(kLogger,
                "skipping delete: child is not controlled by this AWSWorkloadIdentityConfig",
                {{"config", pass.ns() + "/" + pass.name()},
                 {"awio.child.kind", GoTypeOf(resource)},
                 {"awio.child.namespace", pass.ns()},
                 {"awio.child.name", name}});
      Record(pass.object, true, "ChildOwnershipMismatch", "SkipDeleteForeignChild",
             "skipping delete of " + GoTypeOf(resource) + " " + pass.ns() + "/" + name +
                 ": not controlled by *v1alpha1.AWSWorkloadIdentityConfig " + pass.ns() + "/" +
                 pass.name());
    }
    return OkStatus();
  };

  if (pass.type() == v1::delivery::kSelfHostedIRSA) {
    if (auto s = owned_delete(kAckOidcProviderResource, aws::OidcProviderObjectName(pass.ns()));
        !s.ok()) {
      return s;
    }
    if (auto s = owned_delete(kube::resources::kSecrets, aws::SigningSecretName(pass.name()));
        !s.ok()) {
      return s;
    }
    std::string bucket =
        pass.status.value("selfHostedIssuer", kube::Json::object()).value("bucketName", "");
    if (bucket.empty()) bucket = aws::BucketName(pass.ns(), pass.config.spec.region);

    // S3 objects first, then the Bucket that holds them.
    auto bucket_object = options_.hub->Get(kAckBucketResource, pass.ns(), bucket);
    if (bucket_object.ok()) {
      if (!ControlledBy(*bucket_object, pass.uid())) {
        log::Info(kLogger,
                  "skipping delete: S3 issuer objects target bucket not controlled by this "
                  "AWSWorkloadIdentityConfig",
                  {{"config", pass.ns() + "/" + pass.name()}, {"bucket", bucket}});
        Record(pass.object, true, "ChildOwnershipMismatch", "SkipDeleteForeignChild",
               "skipping delete of S3 issuer objects in bucket " + bucket +
                   ": not controlled by *v1alpha1.AWSWorkloadIdentityConfig " + pass.ns() + "/" +
                   pass.name());
      } else {
        if (!options_.publishers) {
          return MakeError(ErrorCode::kConfiguration,
                           std::string(oidc::kPublisherNotConfiguredMessage));
        }
        auto publisher = options_.publishers->ForRegion(pass.config.spec.region);
        if (!publisher.ok()) return publisher.error();
        if (Status s = (*publisher)->Delete(bucket); !s.ok()) {
          Error e = s.error();
          e.message =
              "delete OIDC issuer objects: delete self-hosted OIDC issuer objects: " + e.message;
          return e;
        }
      }
    } else if (bucket_object.error().code != ErrorCode::kNotFound) {
      return bucket_object.error();
    }
    return owned_delete(kAckBucketResource, bucket);
  }
  if (pass.type() == v1::delivery::kEKSIRSA && pass.config.spec.eks_irsa &&
      pass.config.spec.eks_irsa->oidc_provider.management == v1::management::kManaged) {
    return owned_delete(kAckOidcProviderResource, aws::OidcProviderObjectName(pass.ns()));
  }
  return OkStatus();
}

}  // namespace awio::controllers::config
