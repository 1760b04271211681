// Round-trip tests of the codec (src/api/v1alpha1/codec.h): every base object of spec/api.md
// §11.1 and every example of §11 that the API server accepts decodes and encodes back to the
// same JSON, with the same JSON types; plus objects with full status, full metadata, a
// policyDocument with every kind of JSON value and a rollout strategy with all three variants.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "api/v1alpha1/codec.h"
#include "json_test_util.h"

namespace awio::api::v1alpha1 {
namespace {

using test::JsonIdentical;
using test::YamlToJson;

struct Vector {
  std::string_view id;
  std::string_view yaml;
};
void PrintTo(const Vector& v, std::ostream* os) { *os << v.id; }

// Decodes `input` as the kind it names and encodes it again.
Result<Json> RoundTrip(const Json& input) {
  const std::string kind = input.value("kind", "");
  auto again = [](auto decoded) -> Result<Json> {
    if (!decoded.ok()) return decoded.error();
    return Encode(*decoded);
  };
  if (kind == kKindOperatorConfig) return again(DecodeOperatorConfig(input));
  if (kind == kKindConfig) return again(DecodeConfig(input));
  if (kind == kKindRole) return again(DecodeRole(input));
  if (kind == kKindReplicaSet) return again(DecodeReplicaSet(input));
  return MakeError(ErrorCode::kInvalid, "test vector names no known kind: " + kind);
}

class RoundTripTest : public ::testing::TestWithParam<Vector> {};

// Validates that decode followed by encode returns the input JSON unchanged, types included.
TEST_P(RoundTripTest, DecodeThenEncode_ReturnsInputUnchanged) {
  const Json input = YamlToJson(GetParam().yaml);
  ASSERT_TRUE(input.is_object());
  Result<Json> output = RoundTrip(input);
  ASSERT_TRUE(output.ok()) << output.error().message;
  EXPECT_TRUE(JsonIdentical(input, *output));
}

std::string VectorName(const ::testing::TestParamInfo<Vector>& info) {
  std::string name(info.param.id);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

// spec/api.md §11.1 base objects.
const Vector kBaseObjects[] = {
    {"BASE_OC", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityOperatorConfig
metadata:
  name: default
spec: {}
)"},
    {"BASE_CFG", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata:
  name: default
  namespace: wlc-a
spec:
  type: SelfHostedIRSA
  region: ap-northeast-1
)"},
    {"BASE_EKSIRSA", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata:
  name: default
  namespace: eks-prod
spec:
  type: EKSIRSA
  region: ap-northeast-1
  eksIRSA:
    issuerURL: https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE
    oidcProvider:
      management: Managed
)"},
    {"BASE_ROLE", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata:
  name: demo
  namespace: wlc-a
spec:
  serviceAccount:
    namespace: default
    name: demo
  policyARNs:
    - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
)"},
    {"BASE_RS", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata:
  name: aws-load-balancer-controller
  namespace: platform-workloads
spec:
  placementRefs:
    - name: production
  template:
    spec:
      serviceAccount:
        namespace: kube-system
        name: aws-load-balancer-controller
      policyARNs:
        - arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess
)"},
};
INSTANTIATE_TEST_SUITE_P(BaseObjects, RoundTripTest, ::testing::ValuesIn(kBaseObjects), VectorName);

// spec/api.md §11.2-§11.13: the vectors the API server accepts (and the stored objects that
// the defaulting vectors produce).
const Vector kAcceptedVectors[] = {
    // §11.2 TV-001/TV-002 as stored after defaulting; TV-005.
    {"TV_001_stored", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityOperatorConfig
metadata: {name: default}
spec:
  selfHostedIRSA: {webhookNamespace: aws-pod-identity-webhook}
)"},
    {"TV_002", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityOperatorConfig
metadata: {name: default}
spec: {selfHostedIRSA: {}}
)"},
    {"TV_005", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityOperatorConfig
metadata: {name: default}
spec: {permissionsBoundaryARN: "arn:aws:iam::123456789012:policy/appthrust-workload-identity-boundary"}
)"},
    // §11.3 TV-015 (External), TV-020 (EKSPodIdentity), TV-023 (mismatched ARN; admitted).
    {"TV_015", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata: {name: default, namespace: eks-prod}
spec:
  type: EKSIRSA
  region: ap-northeast-1
  eksIRSA:
    issuerURL: https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE
    oidcProvider:
      management: External
      arn: arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE
)"},
    {"TV_020", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata: {name: default, namespace: wlc-a}
spec: {type: EKSPodIdentity, region: ap-northeast-1}
)"},
    {"TV_023", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata: {name: default, namespace: eks-prod}
spec:
  type: EKSIRSA
  region: ap-northeast-1
  eksIRSA:
    issuerURL: https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE
    oidcProvider:
      management: External
      arn: arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/OTHER
)"},
    // §11.4 TV-032 and §11.5 TV-053: other partitions.
    {"TV_032", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata: {name: default, namespace: wlc-a}
spec: {type: SelfHostedIRSA, region: us-gov-east-1}
)"},
    {"TV_053", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata: {name: default, namespace: eks-prod}
spec:
  type: EKSIRSA
  region: cn-north-1
  eksIRSA:
    issuerURL: https://oidc.eks.cn-north-1.amazonaws.com.cn/id/CHINA1
    oidcProvider: {management: Managed}
)"},
    // §11.6 TV-073 and §11.7 TV-081: force-delete annotation.
    {"TV_081", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata:
  name: default
  namespace: wlc-a
  annotations:
    aws.identity.appthrust.io/force-delete: "true"
spec:
  type: SelfHostedIRSA
  region: ap-northeast-1
)"},
    // §11.8 TV-090 (policyDocument), TV-096 (empty policyARNs next to a document), TV-100.
    {"TV_090", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata: {name: demo, namespace: wlc-a}
spec:
  serviceAccount: {namespace: default, name: demo}
  policyDocument:
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Action: ["s3:GetObject"]
        Resource: "arn:aws:s3:::example-bucket/*"
)"},
    {"TV_096", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata: {name: demo, namespace: wlc-a}
spec:
  serviceAccount: {namespace: default, name: demo}
  policyARNs: []
  policyDocument:
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Action: ["s3:GetObject"]
        Resource: "arn:aws:s3:::example-bucket/*"
)"},
    {"TV_100", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata: {name: demo, namespace: wlc-a}
spec:
  serviceAccount: {namespace: default, name: demo}
  policyARNs: ["arn:aws-cn:iam::123456789012:policy/team/x"]
)"},
    // §11.9 TV-121: terminating, with an explicitly empty finalizer list.
    {"TV_121", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata:
  name: orphan
  namespace: wlc-a
  uid: role-uid
  deletionTimestamp: "2025-01-01T00:00:00Z"
  finalizers: []
spec:
  serviceAccount: {namespace: default, name: app}
  policyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
)"},
    // §11.10 TV-130..TV-133, TV-152, TV-180: template metadata.
    {"TV_130", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: aws-load-balancer-controller, namespace: platform-workloads}
spec:
  placementRefs: [{name: production}]
  template:
    metadata:
      labels: {app.kubernetes.io/name: my-app, app.kubernetes.io/component: worker}
      annotations:
        example.com/note: "arbitrary <text>, including : and spaces"
        example.com/owner: platform-team
    spec:
      serviceAccount: {namespace: kube-system, name: aws-load-balancer-controller}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
)"},
    {"TV_131", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: aws-load-balancer-controller, namespace: platform-workloads}
spec:
  placementRefs: [{name: production}]
  template:
    metadata: {labels: {example.com/marker: ""}}
    spec:
      serviceAccount: {namespace: kube-system, name: aws-load-balancer-controller}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
)"},
    {"TV_133", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: aws-load-balancer-controller, namespace: platform-workloads}
spec:
  placementRefs: [{name: production}]
  template:
    metadata: {labels: {}, annotations: {}}
    spec:
      serviceAccount: {namespace: kube-system, name: aws-load-balancer-controller}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
)"},
    {"TV_152", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: aws-load-balancer-controller, namespace: platform-workloads}
spec:
  placementRefs: [{name: production}]
  template:
    metadata:
      labels: {aws.identity.appthrust.io/example: ok}
      annotations: {aws.identity.appthrust.io/example: ok}
    spec:
      serviceAccount: {namespace: kube-system, name: aws-load-balancer-controller}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
)"},
    // §11.11 TV-161, TV-162 (groupIndex only), TV-165/TV-172 as stored after defaulting.
    {"TV_161", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: aws-load-balancer-controller, namespace: platform-workloads}
spec:
  placementRefs:
    - name: production
      rolloutStrategy:
        type: Progressive
        progressive:
          mandatoryDecisionGroups: [{groupName: tier-0}, {groupName: tier-1}]
  template:
    spec:
      serviceAccount: {namespace: kube-system, name: aws-load-balancer-controller}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
)"},
    {"TV_162_excerpt", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: aws-load-balancer-controller, namespace: platform-workloads}
spec:
  placementRefs:
    - name: production
      rolloutStrategy:
        type: ProgressivePerGroup
        progressivePerGroup:
          mandatoryDecisionGroups: [{groupIndex: 0}, {groupIndex: 1}, {groupIndex: 31}]
  template:
    spec:
      serviceAccount: {namespace: kube-system, name: aws-load-balancer-controller}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
)"},
    {"TV_165_stored", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: aws-load-balancer-controller, namespace: platform-workloads}
spec:
  placementRefs: [{name: production, rolloutStrategy: {type: All}}]
  template:
    spec:
      serviceAccount: {namespace: kube-system, name: aws-load-balancer-controller}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
)"},
    {"TV_172_stored", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: aws-load-balancer-controller, namespace: platform-workloads}
spec:
  placementRefs:
    - name: production
      rolloutStrategy:
        type: Progressive
        progressive: {maxFailures: 0, minSuccessTime: "0", progressDeadline: None}
  template:
    spec:
      serviceAccount: {namespace: kube-system, name: aws-load-balancer-controller}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
)"},
    // §11.12 TV-184: a stored object with a reserved template label still decodes (the
    // webhook must be able to read it to deny the update).
    {"TV_184_stored", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: aws-load-balancer-controller, namespace: platform-workloads}
spec:
  placementRefs: [{name: production}]
  template:
    metadata: {labels: {aws.identity.appthrust.io/runtime: x}}
    spec:
      serviceAccount: {namespace: kube-system, name: aws-load-balancer-controller}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
)"},
    // §11.13 TV-190, TV-192: Role status values.
    {"TV_190_192", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata: {name: demo, namespace: wlc-a}
spec:
  serviceAccount: {namespace: default, name: demo}
  policyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
status:
  roleARN: arn:aws:iam::123456789012:role/awi-wlc-a-demo-0123456789
  resolvedClusterName: wlc-a/wlc-a
)"},
    // §11.13 TV-194, TV-196: Config status values.
    {"TV_194_196", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata: {name: default, namespace: wlc-a}
spec: {type: SelfHostedIRSA, region: ap-northeast-1}
status:
  issuerHostPath: oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE
  selfHostedIssuer:
    bucketName: awi-wlc-a-issuer
    publication:
      bucketName: awi-wlc-a-issuer
      issuerURL: https://awi-wlc-a-issuer.s3.ap-northeast-1.amazonaws.com
      signingKeyID: key-1
      objectSetDigest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)"},
};
INSTANTIATE_TEST_SUITE_P(AcceptedVectors, RoundTripTest, ::testing::ValuesIn(kAcceptedVectors),
                         VectorName);

// Objects that exercise every corner of the model at once.
const Vector kRichObjects[] = {
    // A policyDocument with nested arrays and objects, every number form, booleans, a nested
    // null, an empty object and array, and non-ASCII text (§4.1, §6.3).
    {"PolicyDocumentOfEveryJsonShape", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata: {name: demo, namespace: wlc-a}
spec:
  serviceAccount: {namespace: default, name: demo}
  policyDocument:
    Version: "2012-10-17"
    Id: "ポリシー-Ünïcödé-🚀"
    Statement:
      - Sid: "Statement-é"
        Effect: Allow
        Action: ["s3:GetObject", "s3:PutObject"]
        Resource: ["arn:aws:s3:::bucket/データ/*", {nested: [[1, 2], [3, [4, {deep: true}]]]}]
        Condition:
          NumericLessThan: {"s3:max-keys": 10}
          Numbers: [0, -1, 2.5, -0.125, 1.0e+20, 18446744073709551615, 9223372036854775807]
          Flags: [true, false, null]
          EmptyObject: {}
          EmptyArray: []
          EmptyString: ""
          NumericString: "10"
)"},
    // A rollout strategy with all three variants filled in, int and string int-or-strings.
    {"RolloutStrategyWithAllThreeVariants", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: rs, namespace: platform-workloads}
spec:
  placementRefs:
    - name: production
      rolloutStrategy:
        type: Progressive
        all: {maxFailures: "25%", minSuccessTime: 5m, progressDeadline: 10m}
        progressive:
          mandatoryDecisionGroups: [{groupName: canary, groupIndex: 0}, {groupIndex: 2}]
          maxConcurrency: "50%"
          maxFailures: 2
          minSuccessTime: "0"
          progressDeadline: None
        progressivePerGroup:
          mandatoryDecisionGroups: []
          maxFailures: "0"
          progressDeadline: 1h
    - name: staging
      rolloutStrategy: {type: ProgressivePerGroup, progressive: {maxConcurrency: 3}}
    - name: empty-strategy
      rolloutStrategy: {}
  template:
    spec:
      serviceAccount: {namespace: kube-system, name: lbc}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
)"},
    // Every metadata field the API server writes, including ones the model does not know.
    {"MetadataOfAStoredObject", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata:
  name: demo
  namespace: wlc-a
  uid: 6b5a7c1e-0000-4000-8000-000000000001
  resourceVersion: "12345"
  generation: 3
  creationTimestamp: "2025-01-01T00:00:00Z"
  deletionTimestamp: "2025-01-02T00:00:00Z"
  deletionGracePeriodSeconds: 0
  generateName: demo-
  labels: {app.kubernetes.io/managed-by: aws-workload-identity-operator, empty: ""}
  annotations: {aws.identity.appthrust.io/replicaset-owner-ref: platform-workloads/rs}
  finalizers: [aws.identity.appthrust.io/service-account-role-finalizer]
  ownerReferences:
    - apiVersion: v1
      kind: Namespace
      name: wlc-a
      uid: ns-uid
      controller: true
      blockOwnerDeletion: false
    - {apiVersion: v1, kind: ConfigMap, name: cm, uid: cm-uid}
  managedFields:
    - manager: kubectl
      operation: Update
      apiVersion: aws.identity.appthrust.io/v1alpha1
      time: "2025-01-01T00:00:00Z"
      fieldsType: FieldsV1
      fieldsV1: {"f:spec": {"f:serviceAccount": {}}}
spec:
  serviceAccount: {namespace: default, name: demo}
  policyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
)"},
    // Empty metadata values a Go client sends stay as they were.
    {"MetadataWithEmptyValues", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityOperatorConfig
metadata:
  name: default
  namespace: ""
  creationTimestamp: null
  generation: 0
  labels: {}
  annotations: {}
  finalizers: []
  ownerReferences: []
spec: {}
)"},
    // A Role with every status field (§4.3), conditions and ACK mirrors (§1.5).
    {"RoleWithFullStatus", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata: {name: demo, namespace: wlc-a, generation: 2}
spec:
  serviceAccount: {namespace: default, name: demo}
  policyDocument: {Version: "2012-10-17", Statement: []}
status:
  observedGeneration: 2
  conditions:
    - {type: Ready, status: "False", observedGeneration: 2,
       lastTransitionTime: "2025-01-01T00:00:00Z", reason: WaitingForACK, message: ""}
    - {type: PodIdentityAgentReady, status: Unknown,
       lastTransitionTime: "2025-01-01T00:00:00Z", reason: RemoteCheckPending, message: "m"}
  ackResources:
    - apiVersion: iam.services.k8s.aws/v1alpha1
      kind: Role
      namespace: wlc-a
      name: awi-wlc-a-demo
      conditions:
        - {type: ACK.ResourceSynced, status: "True", lastTransitionTime: "2025-01-01T00:00:00Z",
           reason: "", message: "Resource synced successfully"}
        - {type: ACK.Terminal, status: "False"}
    - {apiVersion: iam.services.k8s.aws/v1alpha1, kind: Policy, namespace: wlc-a, name: p,
       conditions: []}
  roleARN: arn:aws:iam::123456789012:role/awi-wlc-a-demo-0123456789
  generatedPolicyARN: arn:aws:iam::123456789012:policy/awi-wlc-a-demo-0123456789
  deliveryType: SelfHostedIRSA
  resolvedClusterName: ""
)"},
    // A Config with every status field (§3.3).
    {"ConfigWithFullStatus", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata: {name: default, namespace: wlc-a}
spec: {type: SelfHostedIRSA, region: ap-northeast-1}
status:
  observedGeneration: 1
  conditions: []
  ackResources:
    - {apiVersion: s3.services.k8s.aws/v1alpha1, kind: Bucket, namespace: wlc-a, name: b}
  selfHostedIssuer: {bucketName: b}
  issuerHostPath: b.s3.ap-northeast-1.amazonaws.com
  oidcProviderARN: arn:aws:iam::123456789012:oidc-provider/b.s3.ap-northeast-1.amazonaws.com
  resolvedClusterName: wlc-a/wlc-a
  webhookRuntimeNamespace: aws-pod-identity-webhook
  webhookRuntimeCertNotAfter: "2026-01-01T00:00:00Z"
)"},
    // A ReplicaSet with every status field (§5.4).
    {"ReplicaSetWithFullStatus", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: rs, namespace: platform-workloads}
spec:
  placementRefs: [{name: production, rolloutStrategy: {type: All}}]
  template:
    metadata: {labels: {team: a}}
    spec:
      serviceAccount: {namespace: kube-system, name: lbc}
      policyARNs: [arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess]
status:
  observedGeneration: 4
  selectedClusterCount: 3
  desiredClusterCount: 3
  appliedClusterCount: 2
  readyClusterCount: 1
  staleClusterCount: 0
  conflictCount: 1
  failureCount: 0
  placements:
    - name: production
      selectedClusterCount: 3
      availableDecisionGroups: "1 group, 3 of 3 clusters applied"
      rollout:
        total: 3
        updating: 1
        succeeded: 1
        failed: 0
        timedOut: 0
        conditions:
          - {type: Progressing, status: "True", observedGeneration: 4,
             lastTransitionTime: "2025-01-01T00:00:00Z", reason: Progressing, message: ""}
      conditions:
        - {type: PlacementResolved, status: "True", lastTransitionTime: "2025-01-01T00:00:00Z",
           reason: Resolved, message: ok}
  rollout: {total: 3, updating: 1, succeeded: 1, failed: 0, timedOut: 0}
  failedClusters:
    - {clusterName: c3, phase: Conflict, reason: ChildConflict, message: exists}
  clusters:
    - {clusterName: c1, namespace: c1, name: rs, phase: Ready, reason: Ready, message: ""}
    - {clusterName: c2, phase: Pending}
    - {clusterName: c3, namespace: c3, name: rs, phase: Conflict, reason: ChildConflict}
  conditions:
    - {type: Ready, status: "False", observedGeneration: 4,
       lastTransitionTime: "2025-01-01T00:00:00Z", reason: ChildConflict, message: "1 conflict"}
)"},
    // Values the schema would refuse but that are well-typed still decode: the controllers,
    // not the codec, report them (§3.5 "unknown management mode"; TV-003, TV-012, TV-021).
    {"SchemaInvalidButWellTypedValues", R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityConfig
metadata: {name: other, namespace: eks-prod}
spec:
  type: IRSA
  region: ""
  eksIRSA:
    issuerURL: http://example.com
    oidcProvider: {management: Self}
)"},
};
INSTANTIATE_TEST_SUITE_P(RichObjects, RoundTripTest, ::testing::ValuesIn(kRichObjects), VectorName);

struct GeneratedVector {
  std::string id;
  Json object;
};

// The §11 vectors that vary one field of a base object, or that are too large to write out.
std::vector<GeneratedVector> GeneratedSpecVectors() {
  const Json base_cfg = YamlToJson(kBaseObjects[1].yaml);
  const Json base_eksirsa = YamlToJson(kBaseObjects[2].yaml);
  const Json base_role = YamlToJson(kBaseObjects[3].yaml);
  const Json base_rs = YamlToJson(kBaseObjects[4].yaml);
  std::vector<GeneratedVector> out;
  auto with = [&out](std::string id, Json object, const std::string& pointer, Json value) {
    object[Json::json_pointer(pointer)] = std::move(value);
    out.push_back({std::move(id), std::move(object)});
  };

  // §11.4 TV-030..TV-037: regions of every partition.
  const char* regions[] = {"us-east-1",     "ap-northeast-1", "us-gov-east-1",  "cn-north-1",
                           "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "eusc-de-east-1"};
  for (int i = 0; i < 8; ++i) {
    with("TV-0" + std::to_string(30 + i), base_cfg, "/spec/region", regions[i]);
  }
  // §11.5 TV-050..TV-056: canonical EKS issuers, the last one exactly 256 characters.
  const std::string prefix = "https://oidc.eks.ap-northeast-1.amazonaws.com/id/";
  const std::string issuers[] = {
      prefix + "EXAMPLE",
      "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
      "https://oidc.eks.us-gov-west-1.amazonaws.com/id/ABC123",
      "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/CHINA1",
      "https://oidc.eks.us-iso-east-1.c2s.ic.gov/id/ISO1",
      "https://oidc.eks.us-isob-east-1.sc2s.sgov.gov/id/ISOB1",
      prefix + std::string(207, 'A')};
  EXPECT_EQ(issuers[6].size(), 256u);
  for (int i = 0; i < 7; ++i) {
    with("TV-0" + std::to_string(50 + i), base_eksirsa, "/spec/eksIRSA/issuerURL", issuers[i]);
  }
  // §11.6 TV-073: the force-delete annotation added to BASE-CFG.
  with("TV-073", base_cfg, "/metadata/annotations",
       Json{{"aws.identity.appthrust.io/force-delete", "true"}});
  // §11.8 TV-106: policyARNs changed; TV-107: a document far beyond 6144 characters.
  with("TV-106", base_role, "/spec/policyARNs",
       Json::array({"arn:aws:iam::aws:policy/ReadOnlyAccess"}));
  Json big_role = base_role;
  big_role["spec"].erase("policyARNs");
  with("TV-107", big_role, "/spec/policyDocument",
       Json{{"Version", "2012-10-17"},
            {"Statement", Json::array({{{"Effect", "Allow"},
                                        {"Action", "s3:GetObject"},
                                        {"Resource", std::string(7000, 'r')}}})}});
  // §11.9 TV-114: a terminating Config; TV-119: a Role that gains its finalizer.
  Json terminating = base_cfg;
  terminating["metadata"]["deletionTimestamp"] = "2025-01-01T00:00:00Z";
  with("TV-114", terminating, "/metadata/finalizers",
       Json::array({"aws.identity.appthrust.io/config-finalizer"}));
  with("TV-119", base_role, "/metadata/finalizers",
       Json::array({"aws.identity.appthrust.io/service-account-role-finalizer"}));
  // §11.10 TV-132, TV-157 (60 annotations of 3982 characters), TV-180.
  with("TV-132", base_rs, "/spec/template/metadata", Json{{"labels", {{"app", "demo"}}}});
  Json annotations = Json::object();
  for (int i = 0; i < 60; ++i) {
    annotations["example.com/ann-" + std::string(i < 10 ? "0" : "") + std::to_string(i)] =
        std::string(3982, 'x');
  }
  with("TV-157", base_rs, "/spec/template/metadata", Json{{"annotations", annotations}});
  with("TV-180", base_rs, "/spec/template/metadata",
       Json{{"labels", {{"app.kubernetes.io/part-of", "ingress"}}}});
  // §11.11 TV-160, TV-162 (32 groups), TV-172 as sent; §11.12 TV-183.
  with("TV-160", base_rs, "/spec/placementRefs/0/rolloutStrategy", Json{{"type", "All"}});
  Json groups = Json::array();
  for (int i = 0; i < 32; ++i) groups.push_back({{"groupIndex", i}});
  with("TV-162", base_rs, "/spec/placementRefs/0/rolloutStrategy",
       Json{{"type", "ProgressivePerGroup"},
            {"progressivePerGroup", {{"mandatoryDecisionGroups", groups}}}});
  with("TV-172", base_rs, "/spec/placementRefs/0/rolloutStrategy",
       Json{{"type", "Progressive"}, {"progressive", Json::object()}});
  with("TV-183", base_rs, "/spec/placementRefs", Json::array({{{"name", "staging"}}}));
  return out;
}

// Validates that the generated §11 vectors decode and encode back unchanged.
TEST(GeneratedRoundTripTest, SpecVectors_DecodeThenEncode_ReturnInputUnchanged) {
  const std::vector<GeneratedVector> vectors = GeneratedSpecVectors();
  ASSERT_EQ(vectors.size(), 27u);
  for (const GeneratedVector& v : vectors) {
    SCOPED_TRACE(v.id);
    Result<Json> output = RoundTrip(v.object);
    ASSERT_TRUE(output.ok()) << output.error().message;
    EXPECT_TRUE(JsonIdentical(v.object, *output));
  }
}

}  // namespace
}  // namespace awio::api::v1alpha1
