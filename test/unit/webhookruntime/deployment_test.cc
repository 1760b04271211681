// Tests of the Deployment rules of spec config-controller.md §9.8 (src/webhookruntime/
// objects.h): the field-scoped merge vector of §15.12, the no-op re-apply, the immutable
// selector, the desired webhook container, and the readiness table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "webhookruntime/objects.h"

namespace awio::webhookruntime {
namespace {

using ::testing::HasSubstr;

const DeploymentInputs kInputs{"aws-pod-identity-webhook", "example.com/webhook:new",
                               "fingerprint-a"};

// The pre-existing Deployment of the §15.12 field-merge vector.
Json UserEditedDeployment() {
  return Json::parse(R"({
    "apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"pod-identity-webhook","namespace":"aws-pod-identity-webhook",
      "labels":{"app.kubernetes.io/name":"pod-identity-webhook",
                "app.kubernetes.io/managed-by":"aws-workload-identity-operator",
                "aws.identity.appthrust.io/delivery":"SelfHostedIRSA",
                "aws.identity.appthrust.io/runtime":"self-hosted-webhook",
                "example.com/deployment":"keep"}},
    "spec":{
      "selector":{"matchLabels":{"app.kubernetes.io/name":"pod-identity-webhook"}},
      "replicas":3,
      "template":{
        "metadata":{"labels":{"example.com/pod":"keep"},
                    "annotations":{"example.com/template":"keep"}},
        "spec":{
          "nodeSelector":{"disk":"ssd"},
          "imagePullSecrets":[{"name":"registry"}],
          "tolerations":[{"key":"dedicated","operator":"Exists","effect":"NoSchedule"}],
          "initContainers":[{"name":"init","image":"example.com/init:1"}],
          "containers":[
            {"name":"sidecar","image":"example.com/sidecar:keep"},
            {"name":"webhook","image":"example.com/webhook:old",
             "env":[{"name":"USER_EDIT","value":"1"}]}],
          "volumes":[
            {"name":"scratch","emptyDir":{}},
            {"name":"cert","configMap":{"name":"user-certs"}}]}}}})");
}

// Validates the §15.12 field-merge vector: user fields kept, the webhook container replaced
// entirely at its position (no env), the cert volume now the Secret, the fingerprint stamped.
TEST(MergeDeployment, UserEditedDeployment_KeepsUserFieldsAndOwnsOwnFields) {
  const Json before = UserEditedDeployment();
  Json deployment = before;
  ASSERT_TRUE(MergeDeployment(deployment, kInputs).ok());
  EXPECT_NE(deployment, before) << "the merge must be an update";

  EXPECT_EQ(deployment["metadata"]["labels"]["example.com/deployment"], "keep");
  EXPECT_EQ(deployment["spec"]["replicas"], 1);
  const Json& pod_template = deployment["spec"]["template"];
  EXPECT_EQ(pod_template["metadata"]["labels"], Json::parse(R"({"example.com/pod":"keep",
                            "app.kubernetes.io/name":"pod-identity-webhook",
                            "app.kubernetes.io/managed-by":"aws-workload-identity-operator",
                            "aws.identity.appthrust.io/delivery":"SelfHostedIRSA",
                            "aws.identity.appthrust.io/runtime":"self-hosted-webhook",
                            "eks.amazonaws.com/skip-pod-identity-webhook":"true"})"));
  EXPECT_EQ(pod_template["metadata"]["annotations"], Json::parse(R"({"example.com/template":"keep",
                            "aws.identity.appthrust.io/serving-cert-sha256":"fingerprint-a"})"));
  const Json& pod = pod_template["spec"];
  EXPECT_EQ(pod["nodeSelector"], Json({{"disk", "ssd"}}));
  EXPECT_EQ(pod["imagePullSecrets"], before["spec"]["template"]["spec"]["imagePullSecrets"]);
  EXPECT_EQ(pod["tolerations"], before["spec"]["template"]["spec"]["tolerations"]);
  EXPECT_EQ(pod["initContainers"], before["spec"]["template"]["spec"]["initContainers"]);
  ASSERT_EQ(pod["containers"].size(), 2U);
  EXPECT_EQ(pod["containers"][0], before["spec"]["template"]["spec"]["containers"][0]);
  EXPECT_EQ(pod["containers"][1]["name"], "webhook");
  EXPECT_EQ(pod["containers"][1]["image"], "example.com/webhook:new");
  EXPECT_FALSE(pod["containers"][1].contains("env"));
  EXPECT_EQ(pod["containers"][1], DesiredWebhookContainer(kInputs.ns, kInputs.image));
  ASSERT_EQ(pod["volumes"].size(), 2U);
  EXPECT_EQ(pod["volumes"][0], Json::parse(R"({"name":"scratch","emptyDir":{}})"));
  EXPECT_EQ(pod["volumes"][1],
            Json::parse(R"({"name":"cert","secret":{"secretName":"pod-identity-webhook",
                                                     "defaultMode":420}})"));
  EXPECT_EQ(pod["serviceAccountName"], "pod-identity-webhook");
  EXPECT_EQ(pod["restartPolicy"], "Always");
  EXPECT_EQ(pod["dnsPolicy"], "ClusterFirst");
  EXPECT_EQ(pod["schedulerName"], "default-scheduler");
  EXPECT_EQ(pod["terminationGracePeriodSeconds"], 30);
  EXPECT_EQ(pod["securityContext"], Json::parse(R"({"seccompProfile":{"type":"RuntimeDefault"}})"));
}

// Validates §9.8 "a second apply with unchanged inputs is a no-op" on an object no API server
// defaulted: from the create skeleton, and from the user-edited vector.
TEST(MergeDeployment, ReapplyingIdenticalInputs_ChangesNothing) {
  for (Json deployment : {Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
                                          "metadata":{"name":"pod-identity-webhook"}})"),
                          UserEditedDeployment()}) {
    ASSERT_TRUE(MergeDeployment(deployment, kInputs).ok());
    const Json once = deployment;
    ASSERT_TRUE(MergeDeployment(deployment, kInputs).ok());
    EXPECT_EQ(deployment, once);
  }
}

// Validates that a new fingerprint changes only the pod-template annotation (a rollout).
TEST(MergeDeployment, NewFingerprint_ChangesOnlyTemplateAnnotation) {
  Json deployment = UserEditedDeployment();
  ASSERT_TRUE(MergeDeployment(deployment, kInputs).ok());
  Json rotated = deployment;
  DeploymentInputs inputs = kInputs;
  inputs.fingerprint = "fingerprint-b";
  ASSERT_TRUE(MergeDeployment(rotated, inputs).ok());
  rotated["spec"]["template"]["metadata"]["annotations"]
         ["aws.identity.appthrust.io/serving-cert-sha256"] = "fingerprint-a";
  EXPECT_EQ(rotated, deployment);
}

// Validates the immutable selector rule of §9.8 and §15.12: a different existing selector is an
// error naming both selectors; nil is filled in; an equal one (with empty expressions) passes.
TEST(MergeDeployment, Selector_MismatchIsErrorNilIsSet) {
  Json other = UserEditedDeployment();
  other["spec"]["selector"] = {{"matchLabels", {{"app.kubernetes.io/name", "other"}}}};
  const Json before = other;
  Status merged = MergeDeployment(other, kInputs);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message,
            "existing Deployment selector is app.kubernetes.io/name=other, expected "
            "app.kubernetes.io/name=pod-identity-webhook; selector is immutable and the "
            "Deployment must be recreated");

  Json extra_expression = UserEditedDeployment();
  extra_expression["spec"]["selector"]["matchExpressions"] =
      Json::array({{{"key", "tier"}, {"operator", "In"}, {"values", {"a", "b"}}}});
  Status extra = MergeDeployment(extra_expression, kInputs);
  ASSERT_FALSE(extra.ok());
  EXPECT_THAT(extra.error().message, HasSubstr("tier in (a,b)"));

  Json nil = UserEditedDeployment();
  nil["spec"].erase("selector");
  ASSERT_TRUE(MergeDeployment(nil, kInputs).ok());
  EXPECT_EQ(nil["spec"]["selector"], DesiredSelector());

  Json equal = UserEditedDeployment();
  equal["spec"]["selector"]["matchExpressions"] = Json::array();
  EXPECT_TRUE(MergeDeployment(equal, kInputs).ok());
}

// Validates the desired webhook container of §9.8 field by field.
TEST(DesiredWebhookContainer, MatchesSpec) {
  const Json expected = Json::parse(R"({
    "name":"webhook","image":"img","command":["/webhook"],
    "args":["--in-cluster=false","--namespace=ns","--service-name=pod-identity-webhook",
            "--annotation-prefix=eks.amazonaws.com","--token-audience=sts.amazonaws.com"],
    "ports":[{"name":"https","protocol":"TCP","containerPort":443}],
    "volumeMounts":[{"name":"cert","mountPath":"/etc/webhook/certs","readOnly":true}],
    "resources":{"requests":{"cpu":"50m","memory":"64Mi"},"limits":{"memory":"128Mi"}},
    "livenessProbe":{"httpGet":{"path":"/healthz","port":"https","scheme":"HTTPS"},
                     "initialDelaySeconds":10,"periodSeconds":20,"timeoutSeconds":5,
                     "failureThreshold":3,"successThreshold":1},
    "readinessProbe":{"httpGet":{"path":"/healthz","port":"https","scheme":"HTTPS"},
                      "initialDelaySeconds":5,"periodSeconds":10,"timeoutSeconds":5,
                      "failureThreshold":3,"successThreshold":1},
    "imagePullPolicy":"IfNotPresent",
    "securityContext":{"allowPrivilegeEscalation":false,
                       "capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]},
                       "runAsGroup":65532,"runAsNonRoot":true,"runAsUser":65532,
                       "seccompProfile":{"type":"RuntimeDefault"}},
    "terminationMessagePath":"/dev/termination-log",
    "terminationMessagePolicy":"File"})");
  EXPECT_EQ(DesiredWebhookContainer("ns", "img"), expected);
}

// Validates FormatLabelSelector on every operator and the empty selector.
TEST(FormatLabelSelector, PrintsAsKubectlDoes) {
  const Json selector = Json::parse(R"({"matchLabels":{"a":"b"},"matchExpressions":[
      {"key":"c","operator":"In","values":["d","e"]},{"key":"f","operator":"NotIn","values":["g"]},
      {"key":"h","operator":"Exists"},{"key":"i","operator":"DoesNotExist"}]})");
  EXPECT_EQ(FormatLabelSelector(selector), "a=b,c in (d,e),f notin (g),h,!i");
  EXPECT_EQ(FormatLabelSelector(Json::object()), "<none>");
}

Json DeploymentStatus(int generation, int observed, std::optional<int> replicas, int updated,
                      int available, const char* available_status) {
  Json deployment = {{"metadata", {{"generation", generation}}},
                     {"spec", Json::object()},
                     {"status",
                      {{"observedGeneration", observed},
                       {"updatedReplicas", updated},
                       {"availableReplicas", available}}}};
  if (replicas) deployment["spec"]["replicas"] = *replicas;
  if (available_status != nullptr) {
    deployment["status"]["conditions"] =
        Json::array({{{"type", "Progressing"}, {"status", "True"}},
                     {{"type", "Available"}, {"status", available_status}}});
  }
  return deployment;
}

// Validates the readiness table of §9.8 with the §15.12 vectors and the literal messages.
TEST(AssessDeployment, FollowsSpecTable) {
  struct Case {
    const char* name;
    Json deployment;
    bool ready;
    std::string reason;
    std::string message;
  };
  const Case cases[] = {
      {"all good", DeploymentStatus(1, 1, 1, 1, 1, "True"), true, "", ""},
      {"generation lag", DeploymentStatus(2, 1, 1, 1, 1, "True"), false,
       "WebhookDeploymentObservedGenerationLag",
       "remote webhook Deployment status is stale: observedGeneration=1, generation=2"},
      {"rollout in progress", DeploymentStatus(1, 1, 2, 1, 2, "True"), false,
       "WebhookDeploymentRolloutInProgress",
       "remote webhook Deployment rollout in progress: updatedReplicas=1, desired=2"},
      {"replicas unavailable", DeploymentStatus(1, 1, 2, 2, 1, "True"), false,
       "WebhookDeploymentReplicasUnavailable",
       "remote webhook Deployment has insufficient available replicas: availableReplicas=1, "
       "desired=2"},
      {"Available False", DeploymentStatus(1, 1, 1, 1, 1, "False"), false,
       "WaitingForWebhookDeployment", "remote webhook Deployment Available condition is not True"},
      {"Available missing", DeploymentStatus(1, 1, 1, 1, 1, nullptr), false,
       "WaitingForWebhookDeployment", "remote webhook Deployment Available condition is not True"},
      {"nil replicas count as 1", DeploymentStatus(1, 1, std::nullopt, 1, 1, "True"), true, "", ""},
      {"nil replicas, none updated", DeploymentStatus(1, 1, std::nullopt, 0, 0, "True"), false,
       "WebhookDeploymentRolloutInProgress",
       "remote webhook Deployment rollout in progress: updatedReplicas=0, desired=1"},
      {"fresh object without status (a real server's first answer)",
       Json{{"metadata", {{"generation", 1}}}, {"spec", {{"replicas", 1}}}}, false,
       "WebhookDeploymentObservedGenerationLag",
       "remote webhook Deployment status is stale: observedGeneration=0, generation=1"},
  };
  for (const Case& c : cases) {
    const Readiness readiness = AssessDeployment(c.deployment);
    EXPECT_EQ(readiness.ready, c.ready) << c.name;
    EXPECT_EQ(readiness.reason, c.reason) << c.name;
    EXPECT_EQ(readiness.message, c.message) << c.name;
  }
}

}  // namespace
}  // namespace awio::webhookruntime
