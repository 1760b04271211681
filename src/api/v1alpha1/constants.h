// The literal strings of the aws.identity.appthrust.io/v1alpha1 API in one place: group,
// version, kinds and plural resources, the singleton name, condition types and reasons, the
// operator's label, annotation and finalizer keys, ClusterProfile property names and the
// annotations written on remote ServiceAccounts. These strings are the wire contract with the
// original operator (docs: spec/api.md §1, §7, §8.6, §9.2, §10); never spell one of them
// anywhere else. Header-only, no dependencies beyond the standard library, so that every layer
// (admission, domain, controllers) can include it. ResourceRef values for the four kinds are in
// resources.h, which depends on the kube layer.
#pragma once

#include <array>
#include <string_view>

namespace awio::api::v1alpha1 {

// ---- Group, version, kinds (§1.1) ----

// API group of the four kinds; also the prefix of every operator-owned key below.
inline constexpr std::string_view kGroup = "aws.identity.appthrust.io";
// The one served and stored version.
inline constexpr std::string_view kVersion = "v1alpha1";
// `apiVersion` written into every object of the four kinds.
inline constexpr std::string_view kAPIVersion = "aws.identity.appthrust.io/v1alpha1";

// Cluster-scoped singleton with platform-wide defaults.
inline constexpr std::string_view kKindOperatorConfig = "AWSWorkloadIdentityOperatorConfig";
// Namespaced singleton describing one target cluster's delivery type and issuer.
inline constexpr std::string_view kKindConfig = "AWSWorkloadIdentityConfig";
// Binds one remote ServiceAccount to one generated IAM role.
inline constexpr std::string_view kKindRole = "AWSServiceAccountRole";
// Stamps AWSServiceAccountRoles into the clusters an OCM Placement selects.
inline constexpr std::string_view kKindReplicaSet = "AWSServiceAccountRoleReplicaSet";

// `kind` of list responses, as the apiserver names them (<Kind>List).
inline constexpr std::string_view kListKindOperatorConfig = "AWSWorkloadIdentityOperatorConfigList";
inline constexpr std::string_view kListKindConfig = "AWSWorkloadIdentityConfigList";
inline constexpr std::string_view kListKindRole = "AWSServiceAccountRoleList";
inline constexpr std::string_view kListKindReplicaSet = "AWSServiceAccountRoleReplicaSetList";

// Plural resource names: URL path segments and admission `request.resource.resource`.
inline constexpr std::string_view kResourceOperatorConfigs = "awsworkloadidentityoperatorconfigs";
inline constexpr std::string_view kResourceConfigs = "awsworkloadidentityconfigs";
inline constexpr std::string_view kResourceRoles = "awsserviceaccountroles";
inline constexpr std::string_view kResourceReplicaSets = "awsserviceaccountrolereplicasets";

// ---- Names and defaults (§1.3, §9.2) ----

// Required name of the OperatorConfig and of each namespace's Config (CEL on the root).
inline constexpr std::string_view kSingletonName = "default";
// spec.selfHostedIRSA.webhookNamespace when unset (schema default and WithDefaults fallback).
inline constexpr std::string_view kDefaultWebhookNamespace = "aws-pod-identity-webhook";

// ---- Enumerated field values ----

// spec.type of the Config and status.deliveryType of the Role (§1.5.3), in CRD order.
namespace delivery {
// Operator-hosted OIDC issuer in S3 plus the pod identity webhook on the target cluster.
inline constexpr std::string_view kSelfHostedIRSA = "SelfHostedIRSA";
// EKS Pod Identity through an ACK PodIdentityAssociation; no ServiceAccount annotations.
inline constexpr std::string_view kEKSPodIdentity = "EKSPodIdentity";
// The EKS cluster's own OIDC issuer plus ServiceAccount annotations.
inline constexpr std::string_view kEKSIRSA = "EKSIRSA";
inline constexpr std::array<std::string_view, 3> kAll = {kSelfHostedIRSA, kEKSPodIdentity,
                                                         kEKSIRSA};
}  // namespace delivery

// spec.eksIRSA.oidcProvider.management of the Config (§3.1).
namespace management {
// The operator creates the IAM OIDC provider through ACK; `arn` must be absent.
inline constexpr std::string_view kManaged = "Managed";
// The provider exists already; `arn` names it and must match the issuer.
inline constexpr std::string_view kExternal = "External";
inline constexpr std::array<std::string_view, 2> kAll = {kManaged, kExternal};
}  // namespace management

// spec.placementRefs[].rolloutStrategy.type of the ReplicaSet (§5.2, OCM RolloutStrategy).
namespace rollout {
// Every selected cluster at once; the schema default.
inline constexpr std::string_view kTypeAll = "All";
// Clusters in waves of maxConcurrency.
inline constexpr std::string_view kTypeProgressive = "Progressive";
// One decision group at a time.
inline constexpr std::string_view kTypeProgressivePerGroup = "ProgressivePerGroup";
inline constexpr std::array<std::string_view, 3> kTypes = {kTypeAll, kTypeProgressive,
                                                           kTypeProgressivePerGroup};
// Schema default of maxFailures (an integer, not the string "0").
inline constexpr int kDefaultMaxFailures = 0;
// Schema default of minSuccessTime (a string).
inline constexpr std::string_view kDefaultMinSuccessTime = "0";
// Schema default of progressDeadline: no deadline.
inline constexpr std::string_view kDefaultProgressDeadline = "None";
}  // namespace rollout

// status.clusters[].phase and status.failedClusters[].phase of the ReplicaSet (§5.4, §7.3).
namespace phase {
inline constexpr std::string_view kPending = "Pending";    // not applied yet, or not ready yet
inline constexpr std::string_view kReady = "Ready";        // child ready for its generation
inline constexpr std::string_view kConflict = "Conflict";  // an unowned object has the name
inline constexpr std::string_view kFailed = "Failed";      // apply, delete or OCM failure
inline constexpr std::string_view kTimedOut = "TimedOut";  // OCM progress deadline passed
inline constexpr std::array<std::string_view, 5> kAll = {kPending, kReady, kConflict, kFailed,
                                                         kTimedOut};
}  // namespace phase

// metav1.ConditionStatus values; also the status enum of ACK condition mirrors (§1.5).
namespace condition_status {
inline constexpr std::string_view kTrue = "True";
inline constexpr std::string_view kFalse = "False";
inline constexpr std::string_view kUnknown = "Unknown";
}  // namespace condition_status

// ---- Condition types (§7, list at the end of §7.4) ----
namespace condition {
// Config and Role: AWSWorkloadIdentityOperatorConfig/default could be read.
inline constexpr std::string_view kOperatorConfigReady = "OperatorConfigReady";
// Config: exactly one ready ClusterProfile matches the namespace.
inline constexpr std::string_view kClusterProfileResolved = "ClusterProfileResolved";
// Role: the ClusterProfile of the Role's namespace was resolved.
inline constexpr std::string_view kInventoryResolved = "InventoryResolved";
// Config (SelfHostedIRSA): state of the ACK S3 Bucket.
inline constexpr std::string_view kBucketReady = "BucketReady";
// Config (SelfHostedIRSA): the discovery document and JWKS in S3 are current.
inline constexpr std::string_view kOIDCObjectsPublished = "OIDCObjectsPublished";
// Config: the IAM OIDC provider is ready (ACK-managed or validated External).
inline constexpr std::string_view kIAMProviderReady = "IAMProviderReady";
// Config: the issuer as a whole is usable for trust policies.
inline constexpr std::string_view kIssuerReady = "IssuerReady";
// Role: AWSWorkloadIdentityConfig/default in the Role's namespace could be read.
inline constexpr std::string_view kConfigResolved = "ConfigResolved";
// Role: the generated ACK IAM Policy (or ManagedPoliciesOnly).
inline constexpr std::string_view kPolicyReady = "PolicyReady";
// Role: the ACK IAM Role.
inline constexpr std::string_view kRoleReady = "RoleReady";
// Role: the trust policy could be rendered.
inline constexpr std::string_view kTrustPolicyReady = "TrustPolicyReady";
// Role (IRSA types): the remote ServiceAccount annotations are in sync.
inline constexpr std::string_view kServiceAccountAnnotationReady = "ServiceAccountAnnotationReady";
// Config: the self-hosted webhook runtime on the target cluster.
inline constexpr std::string_view kWebhookRuntimeReady = "WebhookRuntimeReady";
// Role (EKSPodIdentity): the ACK EKS PodIdentityAssociation.
inline constexpr std::string_view kPodIdentityAssociationReady = "PodIdentityAssociationReady";
// Role (EKSPodIdentity): the pod identity agent on the cluster.
inline constexpr std::string_view kPodIdentityAgentReady = "PodIdentityAgentReady";
// Role: hub resources and delivery-specific state are ready.
inline constexpr std::string_view kDeliveryReady = "DeliveryReady";
// All kinds: the summary condition users look at.
inline constexpr std::string_view kReady = "Ready";
// Config and Role: deletion is waiting for something.
inline constexpr std::string_view kDeletionBlocked = "DeletionBlocked";
// ReplicaSet (top level and per placement): placements and decisions resolved.
inline constexpr std::string_view kPlacementResolved = "PlacementResolved";
// ReplicaSet: the aggregate rollout is complete.
inline constexpr std::string_view kPlacementRolledOut = "PlacementRolledOut";
// ReplicaSet rollout summaries (status.rollout and placements[].rollout): OCM progress.
inline constexpr std::string_view kProgressing = "Progressing";
// ReplicaSet: every desired child has been applied.
inline constexpr std::string_view kAWSServiceAccountRolesApplied = "AWSServiceAccountRolesApplied";
// ReplicaSet: every desired child is ready.
inline constexpr std::string_view kAWSServiceAccountRolesReady = "AWSServiceAccountRolesReady";
// ReplicaSet: deletion is waiting for owned children to go away.
inline constexpr std::string_view kCleanupBlocked = "CleanupBlocked";

// Every condition type, in the order §7.4 lists them.
inline constexpr std::array<std::string_view, 24> kAll = {
    kOperatorConfigReady,
    kClusterProfileResolved,
    kInventoryResolved,
    kBucketReady,
    kOIDCObjectsPublished,
    kIAMProviderReady,
    kIssuerReady,
    kConfigResolved,
    kPolicyReady,
    kRoleReady,
    kTrustPolicyReady,
    kServiceAccountAnnotationReady,
    kWebhookRuntimeReady,
    kPodIdentityAssociationReady,
    kPodIdentityAgentReady,
    kDeliveryReady,
    kReady,
    kDeletionBlocked,
    kPlacementResolved,
    kPlacementRolledOut,
    kProgressing,
    kAWSServiceAccountRolesApplied,
    kAWSServiceAccountRolesReady,
    kCleanupBlocked,
};
}  // namespace condition

// ---- Condition and event reasons (§7.4 master list, in source order) ----
// The metrics reason allowlist is reason::kAll; anything else is reported as "Other" there.
namespace reason {
// A True summary (Ready, OperatorConfigReady, IAMProviderReady External, IssuerReady, SA
// annotations); also the Normal event when Ready becomes True.
inline constexpr std::string_view kReady = "Ready";
// ServiceAccountAnnotationReady True after drifted annotations were rewritten; also an event.
inline constexpr std::string_view kAnnotationRepaired = "AnnotationRepaired";
// Config Ready True.
inline constexpr std::string_view kReconciled = "Reconciled";
// ClusterProfileResolved, InventoryResolved, ConfigResolved, PlacementResolved True.
inline constexpr std::string_view kResolved = "Resolved";
// TrustPolicyReady True.
inline constexpr std::string_view kRendered = "Rendered";
// IssuerReady (EKSPodIdentity) or WebhookRuntimeReady (EKS types) True: nothing to do.
inline constexpr std::string_view kNotRequired = "NotRequired";
// DeliveryReady True; also the Normal event when DeliveryReady becomes True.
inline constexpr std::string_view kHubResourcesReady = "HubResourcesReady";
// PodIdentityAgentReady True from the ClusterProfile eks-auto-mode property.
inline constexpr std::string_view kEKSAutoMode = "EKSAutoMode";
// PolicyReady True when there is no policyDocument.
inline constexpr std::string_view kManagedPoliciesOnly = "ManagedPoliciesOnly";
// The spec is unusable in a way admission does not catch (duplicate binding, bad document,
// issuer mismatch, reserved template keys); also a Warning event.
inline constexpr std::string_view kInvalidSpec = "InvalidSpec";
// OperatorConfigReady False: the operator config is missing or unreadable; also an event.
inline constexpr std::string_view kOperatorConfigUnavailable = "OperatorConfigUnavailable";
// Role DeliveryReady False: the namespace Config is not Ready=True (IRSA types).
inline constexpr std::string_view kConfigNotReady = "ConfigNotReady";
// Role ConfigResolved False: the namespace Config could not be read.
inline constexpr std::string_view kConfigUnavailable = "ConfigUnavailable";
// ClusterProfile resolution failed with an error (not a miss).
inline constexpr std::string_view kResolverError = "ResolverError";
// No ClusterProfile matches the namespace.
inline constexpr std::string_view kClusterProfileNotFound = "ClusterProfileNotFound";
// TrustPolicyReady False: OIDC provider ARN or EKS properties are missing.
inline constexpr std::string_view kTrustPolicyInputMissing = "TrustPolicyInputMissing";
// Config DeletionBlocked True: Roles remain in the namespace and force-delete is not set.
inline constexpr std::string_view kRolesRemain = "RolesRemain";
// An ACK child is synced and its identifier is observed.
inline constexpr std::string_view kACKResourceSynced = "ACKResourceSynced";
// An ACK child is not synced yet.
inline constexpr std::string_view kACKResourceNotSynced = "ACKResourceNotSynced";
// An ACK child is synced but its ARN is not in status yet.
inline constexpr std::string_view kACKResourceIdentifierPending = "ACKResourceIdentifierPending";
// Waiting for an ACK resource or for an ARN it will report.
inline constexpr std::string_view kWaitingForACK = "WaitingForACK";
// EKSPodIdentity: the agent state is unknown (Unknown condition, DeliveryReady False).
inline constexpr std::string_view kRemoteCheckPending = "RemoteCheckPending";
// IRSA types: the remote ServiceAccount patch has not succeeded yet.
inline constexpr std::string_view kRemoteDeliveryPending = "RemoteDeliveryPending";
// ReplicaSet CleanupBlocked/Ready; also the Warning event when any DeletionBlocked becomes True.
inline constexpr std::string_view kDeletionBlocked = "DeletionBlocked";
// Matching ClusterProfiles have no access providers yet; also the Warning event when
// inventory resolution becomes non-True.
inline constexpr std::string_view kInventoryUnavailable = "InventoryUnavailable";
// More than one ready ClusterProfile matches the namespace.
inline constexpr std::string_view kInventoryAmbiguous = "InventoryAmbiguous";
// Event only (Normal): Ready, DeliveryReady or IssuerReady moved to an ACK-waiting reason.
inline constexpr std::string_view kACKResourceWaiting = "ACKResourceWaiting";
// The self-hosted issuer path failed before its state was observed.
inline constexpr std::string_view kIssuerReconcileFailed = "IssuerReconcileFailed";
// OIDCObjectsPublished True.
inline constexpr std::string_view kOIDCObjectsPublished = "OIDCObjectsPublished";
// Rendering or writing the issuer objects to S3 failed.
inline constexpr std::string_view kOIDCObjectsPublishFailed = "OIDCObjectsPublishFailed";
// No client for the target cluster, or remote cleanup failed.
inline constexpr std::string_view kRemoteClusterUnavailable = "RemoteClusterUnavailable";
// A remote runtime object exists without the operator's ownership labels.
inline constexpr std::string_view kRemoteRuntimeUnmanaged = "RemoteRuntimeUnmanaged";
// The remote webhook namespace is missing and cannot be created.
inline constexpr std::string_view kRemoteNamespaceBootstrapPending =
    "RemoteNamespaceBootstrapPending";
// Applying remote webhook runtime objects failed.
inline constexpr std::string_view kWebhookRuntimeApplyFailed = "WebhookRuntimeApplyFailed";
// WebhookRuntimeReady True (SelfHostedIRSA).
inline constexpr std::string_view kWebhookRuntimeSynced = "WebhookRuntimeSynced";
// The MutatingWebhookConfiguration does not match the Service or CA bundle yet.
inline constexpr std::string_view kWebhookRuntimeUnavailable = "WebhookRuntimeUnavailable";
// The remote webhook Deployment is not Available.
inline constexpr std::string_view kWaitingForWebhookDeployment = "WaitingForWebhookDeployment";
// The remote webhook Deployment's status lags its generation.
inline constexpr std::string_view kWebhookDeploymentObservedGenerationLag =
    "WebhookDeploymentObservedGenerationLag";
// Fewer updated replicas than desired.
inline constexpr std::string_view kWebhookDeploymentRolloutInProgress =
    "WebhookDeploymentRolloutInProgress";
// Fewer available replicas than desired.
inline constexpr std::string_view kWebhookDeploymentReplicasUnavailable =
    "WebhookDeploymentReplicasUnavailable";
// ReplicaSet: a Placement or its decisions could not be resolved.
inline constexpr std::string_view kPlacementUnavailable = "PlacementUnavailable";
// Applying or deleting a child (ACK CR or RS child Role) failed.
inline constexpr std::string_view kChildApplyFailed = "ChildApplyFailed";
// ReplicaSet: an unowned object already has a child's name.
inline constexpr std::string_view kChildConflict = "ChildConflict";
// Event only (Warning): deleting an unowned child was skipped.
inline constexpr std::string_view kChildOwnershipMismatch = "ChildOwnershipMismatch";
// ReplicaSet AWSServiceAccountRolesApplied True.
inline constexpr std::string_view kChildrenApplied = "ChildrenApplied";
// Children are not applied or not ready yet, or are still being deleted.
inline constexpr std::string_view kChildrenPending = "ChildrenPending";
// ReplicaSet AWSServiceAccountRolesReady True.
inline constexpr std::string_view kChildrenReady = "ChildrenReady";
// ReplicaSet cluster phase Failed: the hub has no namespace named after the cluster.
inline constexpr std::string_view kClusterNamespaceMissing = "ClusterNamespaceMissing";
// ReplicaSet cluster phase Pending: the child's ServiceAccount drifted; it is recreated.
inline constexpr std::string_view kImmutableChildDrift = "ImmutableChildDrift";
// DeletionBlocked or CleanupBlocked False, written when it changes away from True.
inline constexpr std::string_view kDeletionUnblocked = "DeletionUnblocked";
// PlacementRolledOut False, or rollout Progressing True.
inline constexpr std::string_view kProgressing = "Progressing";
// PlacementRolledOut True, or rollout Progressing False.
inline constexpr std::string_view kComplete = "Complete";
// ReplicaSet cluster phase TimedOut.
inline constexpr std::string_view kRolloutTimedOut = "RolloutTimedOut";
// ReplicaSet cluster phase Pending: the rollout has not reached the cluster.
inline constexpr std::string_view kRolloutPending = "RolloutPending";

// All 54 reasons in §7.4 source order; the metrics allowlist.
inline constexpr std::array<std::string_view, 54> kAll = {
    kReady,
    kAnnotationRepaired,
    kReconciled,
    kResolved,
    kRendered,
    kNotRequired,
    kHubResourcesReady,
    kEKSAutoMode,
    kManagedPoliciesOnly,
    kInvalidSpec,
    kOperatorConfigUnavailable,
    kConfigNotReady,
    kConfigUnavailable,
    kResolverError,
    kClusterProfileNotFound,
    kTrustPolicyInputMissing,
    kRolesRemain,
    kACKResourceSynced,
    kACKResourceNotSynced,
    kACKResourceIdentifierPending,
    kWaitingForACK,
    kRemoteCheckPending,
    kRemoteDeliveryPending,
    kDeletionBlocked,
    kInventoryUnavailable,
    kInventoryAmbiguous,
    kACKResourceWaiting,
    kIssuerReconcileFailed,
    kOIDCObjectsPublished,
    kOIDCObjectsPublishFailed,
    kRemoteClusterUnavailable,
    kRemoteRuntimeUnmanaged,
    kRemoteNamespaceBootstrapPending,
    kWebhookRuntimeApplyFailed,
    kWebhookRuntimeSynced,
    kWebhookRuntimeUnavailable,
    kWaitingForWebhookDeployment,
    kWebhookDeploymentObservedGenerationLag,
    kWebhookDeploymentRolloutInProgress,
    kWebhookDeploymentReplicasUnavailable,
    kPlacementUnavailable,
    kChildApplyFailed,
    kChildConflict,
    kChildOwnershipMismatch,
    kChildrenApplied,
    kChildrenPending,
    kChildrenReady,
    kClusterNamespaceMissing,
    kImmutableChildDrift,
    kDeletionUnblocked,
    kProgressing,
    kComplete,
    kRolloutTimedOut,
    kRolloutPending,
};

// Event-only reasons outside the master list (§7.4): finalizer bookkeeping.
inline constexpr std::string_view kFinalizerAdded = "FinalizerAdded";
inline constexpr std::string_view kFinalizerRemoved = "FinalizerRemoved";
}  // namespace reason

// ---- Labels (§10.1) ----
namespace label {
// Marks operator ownership on ACK children, the signing Secret, remote runtime objects and
// ReplicaSet children; the value is kManagedByValue.
inline constexpr std::string_view kManagedBy = "app.kubernetes.io/managed-by";
inline constexpr std::string_view kManagedByValue = "aws-workload-identity-operator";
// UID of the owning Config, on Config-owned children (Bucket, OIDC provider, signing Secret).
inline constexpr std::string_view kConfigUID = "aws.identity.appthrust.io/config-uid";
// UID of the owning Role, on Role-owned ACK children (Role, Policy, PodIdentityAssociation).
inline constexpr std::string_view kBindingUID = "aws.identity.appthrust.io/binding-uid";
// Bounded DNS-safe "<namespace>-<name>" of the owner, on Config- and Role-owned children.
inline constexpr std::string_view kOwnerRef = "aws.identity.appthrust.io/owner-ref";
// Bounded DNS-safe "<saNamespace>-<saName>", on Role-owned children.
inline constexpr std::string_view kServiceAccount = "aws.identity.appthrust.io/service-account";
// Delivery type string, on Config- and Role-owned children and remote runtime objects.
inline constexpr std::string_view kDelivery = "aws.identity.appthrust.io/delivery";
// On remote webhook runtime objects, with value kRuntimeSelfHostedWebhook; with kManagedBy it
// scopes the remote cache and guards adoption.
inline constexpr std::string_view kRuntime = "aws.identity.appthrust.io/runtime";
inline constexpr std::string_view kRuntimeSelfHostedWebhook = "self-hosted-webhook";
// UID of the parent ReplicaSet, on its generated child Roles.
inline constexpr std::string_view kReplicaSetUID = "aws.identity.appthrust.io/replicaset-uid";
// Reserved and never stamped; kept as-is on existing remote objects (legacy).
inline constexpr std::string_view kInventoryNamespace =
    "aws.identity.appthrust.io/inventory-namespace";

// Label keys a ReplicaSet template may not set, in ascending byte order: the order in which
// the webhook walks them (§8.6) and in which the CRD's CEL rule lists them (§5.3).
inline constexpr std::array<std::string_view, 9> kReservedTemplateKeys = {
    kManagedBy, kBindingUID,    kConfigUID, kDelivery,       kInventoryNamespace,
    kOwnerRef,  kReplicaSetUID, kRuntime,   kServiceAccount,
};

// ClusterProfile selector (§1.3): the profile of a workload namespace carries
// kClusterName=<namespace> and kClusterManager=kClusterManagerOCM.
inline constexpr std::string_view kClusterName = "open-cluster-management.io/cluster-name";
inline constexpr std::string_view kClusterManager = "x-k8s.io/cluster-manager";
inline constexpr std::string_view kClusterManagerOCM = "open-cluster-management";
}  // namespace label

// ---- Annotations (§10.2, §10.5) ----
namespace annotation {
// Set by users on a Config to let its deletion proceed past remaining Roles and failed remote
// cleanup. Only the exact value kForceDeleteValue counts (case-sensitive).
inline constexpr std::string_view kForceDelete = "aws.identity.appthrust.io/force-delete";
inline constexpr std::string_view kForceDeleteValue = "true";
// "<rsNamespace>/<rsName>" on ReplicaSet-generated child Roles; part of the ownership check.
inline constexpr std::string_view kReplicaSetOwnerRef =
    "aws.identity.appthrust.io/replicaset-owner-ref";
// JWKS `kid` on the hub's self-hosted signing-key Secret; required by the Config controller.
inline constexpr std::string_view kSigningKeyID = "aws.identity.appthrust.io/signing-key-id";
// Pod-template annotation on the remote webhook Deployment; a new certificate forces a rollout.
inline constexpr std::string_view kServingCertSHA256 =
    "aws.identity.appthrust.io/serving-cert-sha256";

// Annotation keys a ReplicaSet template may not set, in ascending byte order (§8.6, §5.3).
inline constexpr std::array<std::string_view, 1> kReservedTemplateKeys = {kReplicaSetOwnerRef};

// Written on remote ServiceAccounts for annotation-based delivery (SelfHostedIRSA, EKSIRSA).
// The pod identity webhook reads them; the operator owns them on the ServiceAccounts it binds.
inline constexpr std::string_view kEKSRoleARN = "eks.amazonaws.com/role-arn";  // the role ARN
inline constexpr std::string_view kEKSAudience = "eks.amazonaws.com/audience";
inline constexpr std::string_view kEKSAudienceValue = "sts.amazonaws.com";
inline constexpr std::string_view kEKSSTSRegionalEndpoints =
    "eks.amazonaws.com/sts-regional-endpoints";
inline constexpr std::string_view kEKSSTSRegionalEndpointsValue = "true";
inline constexpr std::string_view kEKSTokenExpiration = "eks.amazonaws.com/token-expiration";
// Lifetime of the projected token in seconds (one day).
inline constexpr std::string_view kEKSTokenExpirationValue = "86400";
}  // namespace annotation

// ---- Finalizers (§10.3); the OperatorConfig has none ----
namespace finalizer {
// Held while the Config's bucket, provider, issuer objects and remote runtime are cleaned up.
inline constexpr std::string_view kConfig = "aws.identity.appthrust.io/config-finalizer";
// Held while the Role's ACK children and remote annotations are cleaned up.
inline constexpr std::string_view kRole =
    "aws.identity.appthrust.io/service-account-role-finalizer";
// Held while the ReplicaSet's child Roles are deleted.
inline constexpr std::string_view kReplicaSet =
    "aws.identity.appthrust.io/service-account-role-replicaset-finalizer";
}  // namespace finalizer

// ---- ClusterProfile status.properties[].name values read by the operator (§10.4) ----
namespace cluster_property {
// Required for EKSPodIdentity.
inline constexpr std::string_view kEKSClusterName = "aws.identity.appthrust.io/eks-cluster-name";
// Required for EKSPodIdentity (trust policy and association).
inline constexpr std::string_view kEKSClusterARN = "aws.identity.appthrust.io/eks-cluster-arn";
// Required for EKSPodIdentity.
inline constexpr std::string_view kAWSAccountID = "aws.identity.appthrust.io/aws-account-id";
// Optional; adds an aws:SourceOrgId condition to generated trust policies.
inline constexpr std::string_view kAWSOrganizationID =
    "aws.identity.appthrust.io/aws-organization-id";
// Optional; the value kEKSAutoModeTrue gives PodIdentityAgentReady=True/EKSAutoMode.
inline constexpr std::string_view kEKSAutoMode = "aws.identity.appthrust.io/eks-auto-mode";
inline constexpr std::string_view kEKSAutoModeTrue = "true";
// Optional region fact. The separator before "aws-region" is a DOT, not a slash: this is the
// original operator's spelling and the slash form must be ignored.
inline constexpr std::string_view kAWSRegion = "aws.identity.appthrust.io.aws-region";
}  // namespace cluster_property

// ---- ACK children mirrored into status.ackResources (§1.5.2) ----
namespace ack {
inline constexpr std::string_view kS3APIVersion = "s3.services.k8s.aws/v1alpha1";
inline constexpr std::string_view kIAMAPIVersion = "iam.services.k8s.aws/v1alpha1";
inline constexpr std::string_view kEKSAPIVersion = "eks.services.k8s.aws/v1alpha1";
inline constexpr std::string_view kKindBucket = "Bucket";                                  // S3
inline constexpr std::string_view kKindOpenIDConnectProvider = "OpenIDConnectProvider";    // IAM
inline constexpr std::string_view kKindRole = "Role";                                      // IAM
inline constexpr std::string_view kKindPolicy = "Policy";                                  // IAM
inline constexpr std::string_view kKindPodIdentityAssociation = "PodIdentityAssociation";  // EKS
}  // namespace ack

// ---- Validating webhook registration (§8.1) ----
namespace webhook {
// Config: DELETE only.
inline constexpr std::string_view kConfigName =
    "vawsworkloadidentityconfig.aws.identity.appthrust.io";
inline constexpr std::string_view kConfigPath =
    "/validate-aws-identity-appthrust-io-v1alpha1-awsworkloadidentityconfig";
// Role: CREATE and UPDATE.
inline constexpr std::string_view kRoleName = "vawsserviceaccountrole.aws.identity.appthrust.io";
inline constexpr std::string_view kRolePath =
    "/validate-aws-identity-appthrust-io-v1alpha1-awsserviceaccountrole";
// ReplicaSet: CREATE and UPDATE.
inline constexpr std::string_view kReplicaSetName =
    "vawsserviceaccountrolereplicaset.aws.identity.appthrust.io";
inline constexpr std::string_view kReplicaSetPath =
    "/validate-aws-identity-appthrust-io-v1alpha1-awsserviceaccountrolereplicaset";
}  // namespace webhook

}  // namespace awio::api::v1alpha1
