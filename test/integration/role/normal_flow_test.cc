// Integration tests of the role reconciler's entry and normal flow (spec role-controller.md
// §4, §5, §7, §9.2-§9.5, §10, §12): the finalizer pass, a missing or not-Ready namespace
// config, the ACK Role, Policy and PodIdentityAssociation objects byte for byte, readiness as
// the test (playing ACK) writes ACK status, the remote ServiceAccount annotations, the Pod
// Identity Agent check, and the duplicate-binding rule. Every expected string is the spec's
// literal or computed here from the spec's rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/v1alpha1/resources.h"
#include "controllers/ack_resources.h"
#include "role_fixture.h"

namespace awio::controllers::role::test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kReadOnly[] = "arn:aws:iam::aws:policy/ReadOnlyAccess";

auto EventIs(const std::string& type, const std::string& reason, const std::string& note) {
  return AllOf(Field(&SeenEvent::type, type), Field(&SeenEvent::reason, reason),
               Field(&SeenEvent::note, note));
}

Json ManagedPolicies() { return {{"policyARNs", Json::array({kReadOnly})}}; }

class RoleNormalFlowTest : public RoleReconcilerTest {};

// Validates that a role without the finalizer gets exactly the finalizer in its own pass
// (§10.0 step 2): no status, no ACK object, no requeue, a FinalizerAdded event.
TEST_F(RoleNormalFlowTest, Reconcile_RoleWithoutFinalizer_AddsOnlyTheFinalizer) {
  const std::string ns = "rr-finalizer";
  Prepare(ns, {});
  const Json created = CreateRole(ns, "app", "default", "fin-app", ManagedPolicies());

  const auto result = ReconcileOk(ns, "app");

  EXPECT_EQ(result.requeue_after, std::chrono::milliseconds::zero());
  const Json role = GetRole(ns, "app");
  EXPECT_EQ(role["metadata"]["finalizers"], Json::array({kRoleFinalizer}));
  EXPECT_FALSE(role.contains("status") && role["status"].contains("conditions"));
  EXPECT_TRUE(
      Fetch(*hub_, kAckRoleResource, ns, ExpectedRoleName(ns, "app", Uid(created))).is_null());
  EXPECT_THAT(Events(ns),
              Contains(EventIs("Normal", "FinalizerAdded", "added finalizer for cleanup")));
}

// Validates that a missing namespace config stops the pass at step 3 (§10.1 step 3):
// ConfigResolved and Ready False/ConfigUnavailable with the API error text, 30 s requeue, no
// ACK Role.
TEST_F(RoleNormalFlowTest, Reconcile_ConfigMissing_ConfigResolvedFalseAndRequeue) {
  const std::string ns = "rr-noconfig";
  Prepare(ns, {.config = false});
  const Json created = CreateRole(ns, "app", "default", "noconfig-app", ManagedPolicies());
  ReconcileOk(ns, "app");

  const auto result = ReconcileOk(ns, "app");

  EXPECT_EQ(result.requeue_after, kTransientRequeue);
  const Json role = GetRole(ns, "app");
  EXPECT_THAT(Condition(role, "ConfigResolved"), StartsWith("False/ConfigUnavailable: "));
  EXPECT_THAT(Condition(role, "ConfigResolved"), HasSubstr("\"default\" not found"));
  EXPECT_THAT(Condition(role, "Ready"), StartsWith("False/ConfigUnavailable: "));
  EXPECT_EQ(Condition(role, "OperatorConfigReady"), "True/Ready: operator configuration is valid");
  EXPECT_EQ(role["status"]["observedGeneration"], role["metadata"]["generation"]);
  EXPECT_TRUE(
      Fetch(*hub_, kAckRoleResource, ns, ExpectedRoleName(ns, "app", Uid(created))).is_null());
}

// One early exit of §10.1 steps 2-5: the setup and the conditions it must leave.
struct EarlyExitCase {
  std::string ns;
  RoleReconcilerTest::Setup setup;
  std::string condition;  // the failing condition
  std::string expected;   // its "<status>/<reason>: <message>"
  bool delivery_ready;    // DeliveryReady is written with the same reason and message
};

void PrintTo(const EarlyExitCase& c, std::ostream* out) { *out << c.ns; }

class RoleEarlyExitTest : public RoleReconcilerTest,
                          public ::testing::WithParamInterface<EarlyExitCase> {};

// Validates each early exit of §10.1 (steps 2, 4 and 5): the failing condition with the spec's
// reason and message, Ready with the same, DeliveryReady only for inventory (§10.2 last
// paragraph), a 30 s requeue and no ACK Role.
TEST_P(RoleEarlyExitTest, Reconcile_MissingInput_StopsWithSpecCondition) {
  const EarlyExitCase& c = GetParam();
  Prepare(c.ns, c.setup);
  const Json created = CreateRole(c.ns, "app", "default", "early-app", ManagedPolicies());
  ReconcileOk(c.ns, "app");

  EXPECT_EQ(ReconcileOk(c.ns, "app").requeue_after, kTransientRequeue);

  const Json role = GetRole(c.ns, "app");
  EXPECT_EQ(Condition(role, c.condition), c.expected);
  const std::string tail = c.expected.substr(c.expected.find('/'));
  EXPECT_EQ(Condition(role, "Ready"), "False" + tail);
  EXPECT_EQ(Condition(role, "DeliveryReady"), c.delivery_ready ? "False" + tail : "");
  EXPECT_TRUE(
      Fetch(*hub_, kAckRoleResource, c.ns, ExpectedRoleName(c.ns, "app", Uid(created))).is_null());
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, RoleEarlyExitTest,
    ::testing::Values(
        EarlyExitCase{"rr-nooperator",
                      {.operator_config = false},
                      "OperatorConfigReady",
                      "False/OperatorConfigUnavailable: AWSWorkloadIdentityOperatorConfig/default "
                      "is required",
                      false},
        EarlyExitCase{"rr-noprofile",
                      {.cluster_profile = false},
                      "InventoryResolved",
                      "False/ClusterProfileNotFound: ClusterProfile for workload namespace "
                      "rr-noprofile was not found",
                      true},
        EarlyExitCase{"rr-noprovider",
                      {.config_status = false},
                      "TrustPolicyReady",
                      "False/TrustPolicyInputMissing: "
                      "AWSWorkloadIdentityConfig.status.oidcProviderARN is empty",
                      false},
        EarlyExitCase{"rr-noeksname",
                      {.delivery = "EKSPodIdentity", .eks_cluster_name = ""},
                      "TrustPolicyReady",
                      "False/TrustPolicyInputMissing: require EKS inventory properties: missing "
                      "EKS cluster name property",
                      false}),
    [](const ::testing::TestParamInfo<EarlyExitCase>& param_info) {
      std::string name;
      for (char ch : param_info.param.ns) name += ch == '-' ? '_' : ch;
      return name;
    });

// Validates that a policy document over IAM's 6144-character limit (§6 step 4, §17.3) is
// InvalidSpec on PolicyReady, DeliveryReady and Ready, and that the pass returns the error
// (backoff) without writing the Policy.
TEST_F(RoleNormalFlowTest, Reconcile_OversizedPolicyDocument_InvalidSpec) {
  const std::string ns = "rr-bigpolicy";
  Prepare(ns, {});
  const Json document = {{"Statement", Json::array({{{"Effect", "Allow"},
                                                     {"Action", "s3:GetObject"},
                                                     {"Resource", std::string(6144, 'a')}}})}};
  const Json created = CreateRole(ns, "app", "default", "big-app", {{"policyDocument", document}});
  ReconcileOk(ns, "app");

  auto result = Reconcile(ns, "app");

  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.error().message, StartsWith("canonicalize policy document: "));
  EXPECT_THAT(result.error().message, HasSubstr("6144"));
  const Json role = GetRole(ns, "app");
  for (const char* type : {"PolicyReady", "DeliveryReady", "Ready"}) {
    EXPECT_THAT(Condition(role, type), StartsWith("False/InvalidSpec: canonicalize policy "
                                                  "document: "))
        << type;
  }
  EXPECT_TRUE(
      Fetch(*hub_, kAckPolicyResource, ns, ExpectedPolicyName(ns, "app", Uid(created))).is_null());
}

// One annotation-based delivery type with the §17.2 vector its inputs give.
struct IrsaCase {
  std::string ns;
  std::string delivery;
  std::string sa_ns;
  std::string sa_name;
  std::string trust_policy;
};

void PrintTo(const IrsaCase& c, std::ostream* out) { *out << c.delivery << " in " << c.ns; }

class RoleIrsaTest : public RoleReconcilerTest, public ::testing::WithParamInterface<IrsaCase> {};

// Validates the whole annotation-based timeline of §10.4 for each IRSA type: the ACK Role
// exactly as §4.3 (trust policy bytes of §17.2, tags §3.7, managed ARNs, permissions boundary
// from the operator config), RoleReady following the ACK status (§7.4), the step-10 persist
// before the remote write, exactly the four annotations next to a foreign one (§9.2), Ready
// (§10.2), no rewrite when nothing changed (§15.1, issue 8 item 3) and the repair of an edited
// annotation with its event (§9.5).
TEST_P(RoleIrsaTest, Reconcile_IrsaRole_DeliversAnnotationsAndBecomesReady) {
  const IrsaCase& c = GetParam();
  Prepare(c.ns, {.delivery = c.delivery});
  CreateServiceAccount(c.sa_ns, c.sa_name, {{"existing.example/key", "kept"}});
  const Json created = CreateRole(c.ns, "app", c.sa_ns, c.sa_name, ManagedPolicies());
  const std::string uid = Uid(created);
  const std::string ack_name = ExpectedRoleName(c.ns, "app", uid);

  ReconcileOk(c.ns, "app");
  EXPECT_EQ(ReconcileOk(c.ns, "app").requeue_after, kSteadyStateRequeue);

  const Json labels = RoleLabels(uid, c.ns, "app", c.sa_ns, c.sa_name, c.delivery);
  const Json ack_role = Fetch(*hub_, kAckRoleResource, c.ns, ack_name);
  ASSERT_FALSE(ack_role.is_null());
  EXPECT_EQ(ack_role["metadata"]["labels"], labels);
  EXPECT_EQ(ack_role["metadata"]["ownerReferences"], OwnerReferences("app", uid));
  EXPECT_EQ(ack_role["spec"], Json({{"name", ack_name},
                                    {"assumeRolePolicyDocument", c.trust_policy},
                                    {"maxSessionDuration", 3600},
                                    {"path", "/"},
                                    {"policies", Json::array({kReadOnly})},
                                    {"permissionsBoundary", kBoundaryArn},
                                    {"tags", RoleTags(labels)}}));
  Json role = GetRole(c.ns, "app");
  EXPECT_EQ(Condition(role, "OperatorConfigReady"), "True/Ready: operator configuration is valid");
  EXPECT_EQ(Condition(role, "ConfigResolved"), "True/Resolved: namespace config resolved");
  EXPECT_EQ(Condition(role, "InventoryResolved"), "True/Resolved: ClusterProfile resolved");
  EXPECT_EQ(Condition(role, "TrustPolicyReady"), "True/Rendered: trust policy rendered");
  EXPECT_EQ(Condition(role, "PolicyReady"),
            "True/ManagedPoliciesOnly: managed policy ARNs are allowed");
  EXPECT_EQ(Condition(role, "RoleReady"),
            "False/ACKResourceNotSynced: waiting for ACK IAM Role sync");
  EXPECT_EQ(Condition(role, "ServiceAccountAnnotationReady"),
            "False/WaitingForACK: waiting for IAM Role ARN before patching the remote "
            "ServiceAccount");
  EXPECT_EQ(Condition(role, "Ready"), "False/WaitingForACK: waiting for ACK resources");
  EXPECT_EQ(role["status"]["deliveryType"], c.delivery);
  EXPECT_EQ(role["status"]["resolvedClusterName"], c.ns + "/" + c.ns);
  ASSERT_EQ(role["status"]["ackResources"].size(), 1u);
  EXPECT_EQ(role["status"]["ackResources"][0]["kind"], "Role");
  EXPECT_EQ(role["status"]["ackResources"][0]["name"], ack_name);

  // ACK reports the ARN: the context is persisted first, the ServiceAccount is untouched.
  SetAckStatus(kAckRoleResource, c.ns, ack_name, true, RoleArn(ack_name));
  EXPECT_EQ(ReconcileOk(c.ns, "app").requeue_after, kTransientRequeue);
  role = GetRole(c.ns, "app");
  EXPECT_EQ(role["status"]["roleARN"], RoleArn(ack_name));
  EXPECT_EQ(Condition(role, "RoleReady"), "True/ACKResourceSynced: IAM Role is synced by ACK");
  EXPECT_EQ(Condition(role, "ServiceAccountAnnotationReady"),
            "False/RemoteDeliveryPending: waiting to retry remote ServiceAccount annotation "
            "delivery after persisting role status");
  EXPECT_EQ(ServiceAccountAnnotations(c.sa_ns, c.sa_name),
            Json({{"existing.example/key", "kept"}}));

  // Delivery.
  EXPECT_EQ(ReconcileOk(c.ns, "app").requeue_after, kSteadyStateRequeue);
  const Json four = {{"eks.amazonaws.com/role-arn", RoleArn(ack_name)},
                     {"eks.amazonaws.com/audience", "sts.amazonaws.com"},
                     {"eks.amazonaws.com/sts-regional-endpoints", "true"},
                     {"eks.amazonaws.com/token-expiration", "86400"}};
  Json expected_annotations = four;
  expected_annotations["existing.example/key"] = "kept";
  EXPECT_EQ(ServiceAccountAnnotations(c.sa_ns, c.sa_name), expected_annotations);
  role = GetRole(c.ns, "app");
  EXPECT_EQ(Condition(role, "ServiceAccountAnnotationReady"),
            "True/Ready: remote ServiceAccount annotations are synced");
  const std::string ready_text =
      "role delivery resources are ready; remote runtime status is reported separately";
  EXPECT_EQ(Condition(role, "DeliveryReady"), "True/HubResourcesReady: " + ready_text);
  EXPECT_EQ(Condition(role, "Ready"), "True/Ready: " + ready_text);
  EXPECT_THAT(remote_keys_, Contains(c.ns + "/" + c.ns));

  // Nothing changed: no write anywhere.
  const std::string role_version = ResourceVersion(role);
  const std::string ack_version = ResourceVersion(Fetch(*hub_, kAckRoleResource, c.ns, ack_name));
  EXPECT_EQ(ReconcileOk(c.ns, "app").requeue_after, kSteadyStateRequeue);
  EXPECT_EQ(ResourceVersion(GetRole(c.ns, "app")), role_version);
  EXPECT_EQ(ResourceVersion(Fetch(*hub_, kAckRoleResource, c.ns, ack_name)), ack_version);

  // Drift: a user edits the audience; the next pass repairs it.
  MergePatch(*target_, kube::resources::kServiceAccounts, c.sa_ns, c.sa_name,
             {{"metadata", {{"annotations", {{"eks.amazonaws.com/audience", "custom"}}}}}});
  EXPECT_EQ(ReconcileOk(c.ns, "app").requeue_after, kSteadyStateRequeue);
  EXPECT_EQ(ServiceAccountAnnotations(c.sa_ns, c.sa_name), expected_annotations);
  EXPECT_EQ(Condition(GetRole(c.ns, "app"), "ServiceAccountAnnotationReady"),
            "True/AnnotationRepaired: remote ServiceAccount annotations are synced");
  EXPECT_THAT(Events(c.ns), Contains(EventIs("Normal", "AnnotationRepaired",
                                             "repaired remote ServiceAccount annotations")));
}

INSTANTIATE_TEST_SUITE_P(
    DeliveryTypes, RoleIrsaTest,
    ::testing::Values(
        // §17.2, "test fixture self-hosted config" vector.
        IrsaCase{
            "rr-selfhosted", "SelfHostedIRSA", "default", "app",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/example"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"example.s3.ap-northeast-1.amazonaws.com:aud":"sts.amazonaws.com","example.s3.ap-northeast-1.amazonaws.com:sub":"system:serviceaccount:default:app"}}}]})"},
        // §17.2, "Web identity (EKSIRSA)" vector.
        IrsaCase{
            "rr-eksirsa", "EKSIRSA", "apps", "api",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE:aud":"sts.amazonaws.com","oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE:sub":"system:serviceaccount:apps:api"}}}]})"}),
    [](const ::testing::TestParamInfo<IrsaCase>& param_info) { return param_info.param.delivery; });

// Validates that a namespace config that is not Ready keeps the role from Ready after delivery
// with ConfigNotReady (§10.2 rule 2b), while ConfigResolved is True (§10.1 step 3 only needs
// the config to exist).
TEST_F(RoleNormalFlowTest, Reconcile_ConfigNotReady_ReadyFalseConfigNotReady) {
  const std::string ns = "rr-confignotready";
  Prepare(ns, {.config_ready = false});
  CreateServiceAccount("default", "cnr-app");
  CreateRole(ns, "app", "default", "cnr-app", ManagedPolicies());

  const Json role = DriveToDelivered(ns, "app");

  EXPECT_EQ(Condition(role, "ConfigResolved"), "True/Resolved: namespace config resolved");
  EXPECT_EQ(Condition(role, "ServiceAccountAnnotationReady"),
            "True/Ready: remote ServiceAccount annotations are synced");
  EXPECT_EQ(Condition(role, "Ready"),
            "False/ConfigNotReady: waiting for AWSWorkloadIdentityConfig/" + ns +
                "/default to become Ready");
}

// Validates that a missing remote ServiceAccount is not an error: RemoteDeliveryPending with
// the GET error and a 30 s requeue (§9.3), and that the role becomes Ready once it appears.
TEST_F(RoleNormalFlowTest, Reconcile_ServiceAccountMissing_PendingUntilItAppears) {
  const std::string ns = "rr-samissing";
  Prepare(ns, {});
  const Json created = CreateRole(ns, "app", "default", "late-app", ManagedPolicies());
  ReconcileOk(ns, "app");
  ReconcileOk(ns, "app");
  const std::string ack_name = ExpectedRoleName(ns, "app", Uid(created));
  SetAckStatus(kAckRoleResource, ns, ack_name, true, RoleArn(ack_name));
  ReconcileOk(ns, "app");

  auto result = Reconcile(ns, "app");

  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->requeue_after, kTransientRequeue);
  EXPECT_THAT(
      Condition(GetRole(ns, "app"), "ServiceAccountAnnotationReady"),
      StartsWith("False/RemoteDeliveryPending: get remote ServiceAccount default/late-app: "));
  EXPECT_THAT(Condition(GetRole(ns, "app"), "Ready"), StartsWith("False/RemoteDeliveryPending: "));

  CreateServiceAccount("default", "late-app");
  EXPECT_EQ(ReconcileOk(ns, "app").requeue_after, kSteadyStateRequeue);
  EXPECT_THAT(Condition(GetRole(ns, "app"), "Ready"), StartsWith("True/Ready: "));
}

// Validates the generated Policy (§4.4, §6, §10.1 step 8): the ACK Policy exactly, its
// readiness through ACKResourceNotSynced, ACKResourceIdentifierPending and ACKResourceSynced
// (§7.4), status.generatedPolicyARN, and the Role's policies gaining the generated ARN.
TEST_F(RoleNormalFlowTest, Reconcile_PolicyDocument_AppliesGeneratedPolicy) {
  const std::string ns = "rr-policy";
  Prepare(ns, {});
  const Json document = {
      {"Version", "2012-10-17"},
      {"Statement",
       Json::array(
           {{{"Effect", "Allow"}, {"Action", Json::array({"s3:GetObject"})}, {"Resource", "*"}}})}};
  const Json created =
      CreateRole(ns, "app", "default", "policy-app", {{"policyDocument", document}});
  const std::string uid = Uid(created);
  const std::string policy_name = ExpectedPolicyName(ns, "app", uid);
  const std::string role_name = ExpectedRoleName(ns, "app", uid);
  ReconcileOk(ns, "app");

  EXPECT_EQ(ReconcileOk(ns, "app").requeue_after, kSteadyStateRequeue);

  const Json labels = RoleLabels(uid, ns, "app", "default", "policy-app", "SelfHostedIRSA");
  const Json policy = Fetch(*hub_, kAckPolicyResource, ns, policy_name);
  ASSERT_FALSE(policy.is_null());
  EXPECT_EQ(policy["metadata"]["labels"], labels);
  EXPECT_EQ(policy["metadata"]["ownerReferences"], OwnerReferences("app", uid));
  // The API server hands the document back with keys sorted (§18 note 3).
  EXPECT_EQ(
      policy["spec"],
      Json(
          {{"name", policy_name},
           {"description", "Generated by aws-workload-identity-operator for " + ns + "/app"},
           {"policyDocument",
            R"({"Statement":[{"Action":["s3:GetObject"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"})"},
           {"tags", RoleTags(labels)}}));
  EXPECT_EQ(Condition(GetRole(ns, "app"), "PolicyReady"),
            "False/ACKResourceNotSynced: waiting for ACK generated IAM Policy sync");
  EXPECT_FALSE(Fetch(*hub_, kAckRoleResource, ns, role_name)["spec"].contains("policies"));

  SetAckStatus(kAckPolicyResource, ns, policy_name, true);
  ReconcileOk(ns, "app");
  EXPECT_EQ(Condition(GetRole(ns, "app"), "PolicyReady"),
            "False/ACKResourceIdentifierPending: ACK reports generated IAM Policy as synced but "
            "its identifier has not been observed yet");

  const std::string policy_arn = "arn:aws:iam::123456789012:policy/" + policy_name;
  SetAckStatus(kAckPolicyResource, ns, policy_name, true, policy_arn);
  ReconcileOk(ns, "app");
  const Json role = GetRole(ns, "app");
  EXPECT_EQ(Condition(role, "PolicyReady"),
            "True/ACKResourceSynced: generated IAM Policy is synced by ACK");
  EXPECT_EQ(role["status"]["generatedPolicyARN"], policy_arn);
  EXPECT_EQ(Fetch(*hub_, kAckRoleResource, ns, role_name)["spec"]["policies"],
            Json::array({policy_arn}));
  EXPECT_EQ(role["status"]["ackResources"].size(), 2u);
}

// Validates EKSPodIdentity (§4.5, §5.2, §10.1 step 11): the trust policy vector of §17.2, the
// association exactly, and PodIdentityAgentReady from the agent DaemonSet on the target
// (this implementation's readiness signal, issue 8 item 3): missing, no available pod, then
// available, with Ready following §10.2 rule 3.
TEST_F(RoleNormalFlowTest, Reconcile_EksPodIdentity_AppliesAssociationAndChecksAgent) {
  const std::string ns = "rr-podidentity";
  Prepare(ns, {.delivery = "EKSPodIdentity"});
  const Json created = CreateRole(ns, "app", "default", "app", ManagedPolicies());
  const std::string uid = Uid(created);
  const std::string role_name = ExpectedRoleName(ns, "app", uid);
  ReconcileOk(ns, "app");
  ReconcileOk(ns, "app");

  EXPECT_EQ(
      Fetch(*hub_, kAckRoleResource, ns, role_name)["spec"]["assumeRolePolicyDocument"],
      R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowEksAuthToAssumeRoleForPodIdentity","Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"aws:RequestTag/eks-cluster-arn":"arn:aws:eks:ap-northeast-1:123456789012:cluster/wlc-a","aws:RequestTag/kubernetes-namespace":"default","aws:RequestTag/kubernetes-service-account":"app"}}}]})");
  Json role = GetRole(ns, "app");
  EXPECT_FALSE(role["status"].contains("resolvedClusterName"));
  EXPECT_TRUE(Fetch(*hub_, kAckPodIdentityAssociationResource, ns, "awi-pia-app").is_null());

  SetAckStatus(kAckRoleResource, ns, role_name, true, RoleArn(role_name));
  EXPECT_EQ(ReconcileOk(ns, "app").requeue_after, kTransientRequeue);
  const Json association = Fetch(*hub_, kAckPodIdentityAssociationResource, ns, "awi-pia-app");
  ASSERT_FALSE(association.is_null());
  const Json labels = RoleLabels(uid, ns, "app", "default", "app", "EKSPodIdentity");
  EXPECT_EQ(association["metadata"]["labels"], labels);
  EXPECT_EQ(association["metadata"]["ownerReferences"], OwnerReferences("app", uid));
  EXPECT_EQ(association["spec"], Json({{"clientRequestToken", uid},
                                       {"clusterName", "wlc-a"},
                                       {"namespace", "default"},
                                       {"serviceAccount", "app"},
                                       {"roleARN", RoleArn(role_name)},
                                       {"tags", labels}}));
  role = GetRole(ns, "app");
  EXPECT_EQ(Condition(role, "PodIdentityAssociationReady"),
            "False/ACKResourceNotSynced: waiting for ACK EKS PodIdentityAssociation sync");
  EXPECT_THAT(Condition(role, "PodIdentityAgentReady"),
              AllOf(StartsWith("False/RemoteDeliveryPending: EKS Pod Identity Agent DaemonSet "
                               "kube-system/eks-pod-identity-agent not found on cluster " +
                               ns + "/" + ns),
                    HasSubstr("eks-auto-mode=true")));
  EXPECT_EQ(Condition(role, "Ready"),
            "False/WaitingForACK: waiting for ACK PodIdentityAssociation");

  SetAckStatus(kAckPodIdentityAssociationResource, ns, "awi-pia-app", true,
               "arn:aws:eks:ap-northeast-1:123456789012:podidentityassociation/wlc-a/a-1");
  SetAgentDaemonSet(0);
  EXPECT_EQ(ReconcileOk(ns, "app").requeue_after, kTransientRequeue);
  role = GetRole(ns, "app");
  EXPECT_EQ(Condition(role, "PodIdentityAssociationReady"),
            "True/ACKResourceSynced: EKS PodIdentityAssociation is synced by ACK");
  EXPECT_THAT(Condition(role, "PodIdentityAgentReady"),
              StartsWith("False/RemoteDeliveryPending: EKS Pod Identity Agent DaemonSet "
                         "kube-system/eks-pod-identity-agent has no available pod"));
  EXPECT_EQ(Condition(role, "Ready"),
            "False/RemoteDeliveryPending: remote EKS Pod Identity Agent is not ready");

  SetAgentDaemonSet(2);
  EXPECT_EQ(ReconcileOk(ns, "app").requeue_after, kSteadyStateRequeue);
  role = GetRole(ns, "app");
  EXPECT_THAT(Condition(role, "PodIdentityAgentReady"), StartsWith("True/Ready: "));
  EXPECT_THAT(Condition(role, "Ready"), StartsWith("True/Ready: "));
  EXPECT_EQ(role["status"]["ackResources"].size(), 2u);
}

// Validates the behaviour when the target cannot be reached: an IRSA role reports
// RemoteDeliveryPending with the lookup error and requeues after 30 s without an error
// (§10.1 step 11), and an EKSPodIdentity role reports PodIdentityAgentReady
// Unknown/RemoteClusterUnavailable saying so, which keeps Ready at RemoteCheckPending (§10.2
// rule 3b).
TEST_F(RoleNormalFlowTest, Reconcile_TargetUnreachable_ReportsRemoteCondition) {
  options_.remote = [](const std::string& key) -> Result<std::shared_ptr<kube::Client>> {
    return MakeError(ErrorCode::kNotFound, "cluster not found: " + key);
  };
  const std::string irsa = "rr-unreachable";
  Prepare(irsa, {});
  const Json created = CreateRole(irsa, "app", "default", "unreachable-app", ManagedPolicies());
  ReconcileOk(irsa, "app");
  ReconcileOk(irsa, "app");
  const std::string ack_name = ExpectedRoleName(irsa, "app", Uid(created));
  SetAckStatus(kAckRoleResource, irsa, ack_name, true, RoleArn(ack_name));
  ReconcileOk(irsa, "app");

  EXPECT_EQ(ReconcileOk(irsa, "app").requeue_after, kTransientRequeue);
  EXPECT_EQ(Condition(GetRole(irsa, "app"), "ServiceAccountAnnotationReady"),
            "False/RemoteDeliveryPending: get remote cluster " + irsa + "/" + irsa +
                ": cluster not found: " + irsa + "/" + irsa);

  const std::string pia = "rr-unreachable-pia";
  Prepare(pia, {.delivery = "EKSPodIdentity"});
  const Json pia_role = CreateRole(pia, "app", "default", "unreachable-app", ManagedPolicies());
  ReconcileOk(pia, "app");
  const std::string pia_ack = ExpectedRoleName(pia, "app", Uid(pia_role));
  ReconcileOk(pia, "app");
  SetAckStatus(kAckRoleResource, pia, pia_ack, true, RoleArn(pia_ack));
  ReconcileOk(pia, "app");
  SetAckStatus(kAckPodIdentityAssociationResource, pia, "awi-pia-app", true);

  EXPECT_EQ(ReconcileOk(pia, "app").requeue_after, kTransientRequeue);
  const Json role = GetRole(pia, "app");
  EXPECT_EQ(Condition(role, "PodIdentityAgentReady"),
            "Unknown/RemoteClusterUnavailable: cannot check the EKS Pod Identity Agent: target "
            "cluster " +
                pia + "/" + pia + " is not reachable: cluster not found: " + pia + "/" + pia);
  EXPECT_EQ(Condition(role, "Ready"),
            "False/RemoteCheckPending: waiting for remote EKS Pod Identity Agent readiness check");
}

// Validates that a ClusterProfile declaring EKS Auto Mode makes the agent ready without a
// remote check (§10.1 step 11).
TEST_F(RoleNormalFlowTest, Reconcile_EksPodIdentityAutoMode_AgentReadyFromProfile) {
  const std::string ns = "rr-automode";
  Prepare(ns, {.delivery = "EKSPodIdentity", .auto_mode = true});
  const Json created = CreateRole(ns, "app", "default", "auto-app", ManagedPolicies());
  ReconcileOk(ns, "app");
  ReconcileOk(ns, "app");

  EXPECT_EQ(Condition(GetRole(ns, "app"), "PodIdentityAgentReady"),
            "True/EKSAutoMode: ClusterProfile declares EKS Auto Mode");
  EXPECT_TRUE(remote_keys_.empty());
}

// Validates the duplicate-binding rule (§12, §10.1 step 1): both roles report InvalidSpec with
// the sorted list, requeue after 30 s, write no ACK object and emit the Warning events; once
// one of them is being deleted the other proceeds.
TEST_F(RoleNormalFlowTest, Reconcile_TwoRolesBindOneServiceAccount_BothInvalidSpec) {
  const std::string ns = "rr-duplicate";
  Prepare(ns, {});
  const Json a = CreateRole(ns, "app-a", "default", "dup", ManagedPolicies());
  const Json b = CreateRole(ns, "app-b", "default", "dup", ManagedPolicies());
  ReconcileOk(ns, "app-a");
  ReconcileOk(ns, "app-b");

  EXPECT_EQ(ReconcileOk(ns, "app-a").requeue_after, kTransientRequeue);
  EXPECT_EQ(ReconcileOk(ns, "app-b").requeue_after, kTransientRequeue);

  const std::string text =
      "InvalidSpec: service account default/dup is bound by multiple "
      "AWSServiceAccountRole objects: [" +
      ns + "/app-a " + ns + "/app-b]";
  for (const char* name : {"app-a", "app-b"}) {
    const Json role = GetRole(ns, name);
    EXPECT_EQ(Condition(role, "DeliveryReady"), "False/" + text) << name;
    EXPECT_EQ(Condition(role, "Ready"), "False/" + text) << name;
  }
  EXPECT_TRUE(Fetch(*hub_, kAckRoleResource, ns, ExpectedRoleName(ns, "app-a", Uid(a))).is_null());
  EXPECT_TRUE(Fetch(*hub_, kAckRoleResource, ns, ExpectedRoleName(ns, "app-b", Uid(b))).is_null());
  int warnings = 0;
  for (const auto& event : Events(ns)) {
    if (event.type == "Warning" && event.reason == "InvalidSpec") ++warnings;
  }
  EXPECT_EQ(warnings, 4);

  DeleteRole(ns, "app-b");  // kept by our finalizer, so only marked for deletion
  EXPECT_EQ(ReconcileOk(ns, "app-a").requeue_after, kSteadyStateRequeue);
  EXPECT_THAT(Condition(GetRole(ns, "app-a"), "Ready"), Not(HasSubstr("InvalidSpec")));
  EXPECT_FALSE(Fetch(*hub_, kAckRoleResource, ns, ExpectedRoleName(ns, "app-a", Uid(a))).is_null());
}

}  // namespace
}  // namespace awio::controllers::role::test
