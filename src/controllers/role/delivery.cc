// Delivery of a role to its workload cluster (role-controller.md §10.1 step 11): the remote
// ServiceAccount annotations for SelfHostedIRSA and EKSIRSA (§9.2, §9.5), and for
// EKSPodIdentity the ACK PodIdentityAssociation (§4.5) and PodIdentityAgentReady. Unlike the
// original, PodIdentityAgentReady is decided on every cluster: EKS Auto Mode declared on the
// ClusterProfile, or else the EKS Pod Identity Agent DaemonSet on the target (issue 8 item 3).
#include "api/v1alpha1/constants.h"
#include "aws/ack_objects.h"
#include "aws/ack_status.h"
#include "base/log.h"
#include "controllers/ack_resources.h"
#include "controllers/role/pass.h"
#include "controllers/role/reconciler.h"
#include "controllers/role/service_account.h"
#include "runtime/conditions.h"

namespace awio::controllers::role {
namespace {

namespace v1 = api::v1alpha1;
namespace cond = api::v1alpha1::condition;
namespace rsn = api::v1alpha1::reason;

constexpr std::string_view kLogger = "role-controller";
const kube::ResourceRef kDaemonSetResource{"apps", "v1", "daemonsets", true, "DaemonSet"};

}  // namespace

Result<runtime::ReconcileResult> Reconciler::DeliverAnnotations(Pass& pass) {
  const std::string arn = StringField(pass.status, "roleARN");
  if (arn.empty()) {
    SetCondition(pass, cond::kServiceAccountAnnotationReady, false, rsn::kWaitingForACK,
                 "waiting for IAM Role ARN before patching the remote ServiceAccount");
    return runtime::ReconcileResult::Done();
  }
  const bool was_ready = runtime::IsConditionTrue(
      pass.snapshot.value("conditions", kube::Json::array()), cond::kServiceAccountAnnotationReady);

  Result<std::string> operation =
      MakeError(ErrorCode::kConfiguration, "multicluster manager is not configured");
  if (options_.remote) {
    const std::string cluster = pass.resolution.cluster_name;
    auto remote = options_.remote(cluster);
    if (!remote.ok()) {
      Error e = remote.error();
      e.message = "get remote cluster " + cluster + ": " + e.message;
      operation = e;
    } else {
      operation = GetAndApplyAnnotations(**remote, pass.role.spec.service_account.ns,
                                         pass.role.spec.service_account.name, arn, kFieldManager);
    }
  }
  if (!operation.ok()) {
    log::Warn(kLogger, "remote ServiceAccount delivery failed",
              {{"role", pass.Key()}, {"error", operation.error().ToString()}});
    if (options_.metrics != nullptr) {
      options_.metrics->RemoteDelivery(pass.delivery, "ServiceAccount", "error", "apply_failed");
    }
    SetCondition(pass, cond::kServiceAccountAnnotationReady, false, rsn::kRemoteDeliveryPending,
                 operation.error().ToString());
    return runtime::ReconcileResult::RequeueAfter(kTransientRequeue);
  }
  if (options_.metrics != nullptr) {
    options_.metrics->RemoteDelivery(pass.delivery, "ServiceAccount", "success", *operation);
  }
  const bool repaired = *operation == "updated" && was_ready;
  SetCondition(pass, cond::kServiceAccountAnnotationReady, true,
               repaired ? rsn::kAnnotationRepaired : rsn::kReady,
               "remote ServiceAccount annotations are synced");
  if (repaired) {
    Record(pass.object, false, rsn::kAnnotationRepaired, "RepairAnnotation",
           "repaired remote ServiceAccount annotations");
  }
  return runtime::ReconcileResult::Done();
}

Result<runtime::ReconcileResult> Reconciler::DeliverPodIdentity(Pass& pass) {
  const std::string arn = StringField(pass.status, "roleARN");
  if (!arn.empty()) {
    kube::Json desired = aws::BuildPodIdentityAssociation(
        {.role = pass.Owner(),
         .service_account = pass.Subject(),
         .eks_cluster_name = pass.resolution.properties.eks_cluster_name,
         .role_arn = arn});
    const std::string name = aws::PodIdentityAssociationName(pass.name());
    auto applied =
        ApplyHubChild(pass, "PodIdentityAssociation", kAckPodIdentityAssociationResource, desired);
    if (!applied.ok()) {
      const std::string text = "apply PodIdentityAssociation " + pass.ns() + "/" + name + ": " +
                               applied.error().ToString();
      SetCondition(pass, cond::kPodIdentityAssociationReady, false, rsn::kChildApplyFailed, text);
      FailReady(pass, cond::kDeliveryReady, rsn::kChildApplyFailed, text);
      Error e = applied.error();
      e.message = text;
      return e;
    }
    aws::UpsertAckResourceEntry(pass.status["ackResources"], aws::AckResourceEntry(*applied));
    auto readiness = aws::AckReadinessOf(aws::kPodIdentityAssociationKindLabel,
                                         aws::IsAckSynced(*applied), true);
    SetCondition(pass, cond::kPodIdentityAssociationReady, readiness.ready, readiness.reason,
                 readiness.message);
  }
  SetAgentReadiness(pass);
  // The agent is not watched: look again soon while it is not ready.
  if (!runtime::IsConditionTrue(pass.status["conditions"], cond::kPodIdentityAgentReady)) {
    return runtime::ReconcileResult::RequeueAfter(kTransientRequeue);
  }
  return runtime::ReconcileResult::Done();
}

void Reconciler::SetAgentReadiness(Pass& pass) {
  if (pass.resolution.properties.eks_auto_mode) {
    SetCondition(pass, cond::kPodIdentityAgentReady, true, rsn::kEKSAutoMode,
                 "ClusterProfile declares EKS Auto Mode");
    return;
  }
  const std::string cluster = pass.resolution.cluster_name;
  const std::string daemon_set =
      std::string(kPodIdentityAgentNamespace) + "/" + std::string(kPodIdentityAgentName);
  const std::string hint =
      "; install the EKS Pod Identity Agent add-on, or set the ClusterProfile property "
      "aws.identity.appthrust.io/eks-auto-mode=true for an EKS Auto Mode cluster";
  if (!options_.remote) {
    SetCondition(pass, cond::kPodIdentityAgentReady, runtime::kConditionUnknown,
                 rsn::kRemoteClusterUnavailable,
                 "cannot check the EKS Pod Identity Agent: multicluster manager is not "
                 "configured");
    return;
  }
  auto remote = options_.remote(cluster);
  if (!remote.ok()) {
    SetCondition(pass, cond::kPodIdentityAgentReady, runtime::kConditionUnknown,
                 rsn::kRemoteClusterUnavailable,
                 "cannot check the EKS Pod Identity Agent: target cluster " + cluster +
                     " is not reachable: " + remote.error().ToString());
    return;
  }
  auto read = (*remote)->Get(kDaemonSetResource, std::string(kPodIdentityAgentNamespace),
                             std::string(kPodIdentityAgentName));
  if (!read.ok()) {
    if (read.error().code == ErrorCode::kNotFound) {
      SetCondition(pass, cond::kPodIdentityAgentReady, false, rsn::kRemoteDeliveryPending,
                   "EKS Pod Identity Agent DaemonSet " + daemon_set + " not found on cluster " +
                       cluster + hint);
    } else {
      SetCondition(pass, cond::kPodIdentityAgentReady, runtime::kConditionUnknown,
                   rsn::kRemoteClusterUnavailable,
                   "cannot check the EKS Pod Identity Agent on cluster " + cluster + ": " +
                       read.error().ToString());
    }
    return;
  }
  const kube::Json status = read->value("status", kube::Json::object());
  const std::int64_t available = status.value("numberAvailable", std::int64_t{0});
  const std::int64_t desired = status.value("desiredNumberScheduled", std::int64_t{0});
  if (available >= 1) {
    SetCondition(pass, cond::kPodIdentityAgentReady, true, rsn::kReady,
                 "EKS Pod Identity Agent DaemonSet " + daemon_set + " has " +
                     std::to_string(available) + " available pod(s) on cluster " + cluster);
    return;
  }
  SetCondition(pass, cond::kPodIdentityAgentReady, false, rsn::kRemoteDeliveryPending,
               "EKS Pod Identity Agent DaemonSet " + daemon_set +
                   " has no available pod on "
                   "cluster " +
                   cluster + " (desiredNumberScheduled " + std::to_string(desired) +
                   ", numberAvailable 0)" + hint);
}

}  // namespace awio::controllers::role
