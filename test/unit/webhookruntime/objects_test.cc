// Tests of the runtime objects' ownership rules and desired content (src/webhookruntime/
// objects.h) against spec config-controller.md §9.1, §9.2, §9.7, §9.9, §11.2 and the vectors
// of §15.12: labels, the managed test, the cache selector, the unmanaged error, the supporting
// objects, the webhook configuration and the drift predicate. Deployment rules are in
// deployment_test.cc.
#include "webhookruntime/objects.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "base/encoding.h"

namespace awio::webhookruntime {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const Json kRuntimeLabels = {
    {"app.kubernetes.io/name", "pod-identity-webhook"},
    {"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
    {"aws.identity.appthrust.io/delivery", "SelfHostedIRSA"},
    {"aws.identity.appthrust.io/runtime", "self-hosted-webhook"},
};

Json WithLabels(const Json& labels) { return {{"metadata", {{"name", "x"}, {"labels", labels}}}}; }

// Validates the four runtime labels of §9.1.
TEST(RuntimeLabels, AreTheFourSpecLabels) { EXPECT_EQ(Json(RuntimeLabels()), kRuntimeLabels); }

// Validates the §15.12 managed-test vectors: managed-by and runtime are both needed, nothing
// else matters.
TEST(IsManaged, RequiresManagedByAndRuntime) {
  struct Case {
    const char* name;
    Json object;
    bool managed;
  };
  const Case cases[] = {
      {"managed-by and runtime",
       WithLabels({{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
                   {"aws.identity.appthrust.io/runtime", "self-hosted-webhook"}}),
       true},
      {"managed-by and app name, no runtime",
       WithLabels({{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
                   {"app.kubernetes.io/name", "pod-identity-webhook"}}),
       false},
      {"runtime without managed-by",
       WithLabels({{"aws.identity.appthrust.io/runtime", "self-hosted-webhook"}}), false},
      {"other managed-by value",
       WithLabels({{"app.kubernetes.io/managed-by", "helm"},
                   {"aws.identity.appthrust.io/runtime", "self-hosted-webhook"}}),
       false},
      {"other runtime value",
       WithLabels({{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
                   {"aws.identity.appthrust.io/runtime", "other"}}),
       false},
      {"full runtime set plus extras", WithLabels([] {
         Json labels = kRuntimeLabels;
         labels["example.com/owner"] = "user";
         return labels;
       }()),
       true},
      {"no labels", Json{{"metadata", {{"name", "x"}}}}, false},
      {"null labels", WithLabels(nullptr), false},
      {"not an object", Json("text"), false},
  };
  for (const Case& c : cases) EXPECT_EQ(IsManaged(c.object), c.managed) << c.name;
}

// Validates the remote cache selector of §9.3 and §15.12: it matches the full runtime label set
// and rejects sets without the runtime label.
TEST(ManagedSelector, MatchesRuntimeLabelsOnly) {
  EXPECT_EQ(ManagedSelector(),
            "app.kubernetes.io/managed-by=aws-workload-identity-operator,"
            "aws.identity.appthrust.io/runtime=self-hosted-webhook");
  EXPECT_TRUE(MatchesManagedSelector(kRuntimeLabels));
  Json without_runtime = kRuntimeLabels;
  without_runtime.erase("aws.identity.appthrust.io/runtime");
  EXPECT_FALSE(MatchesManagedSelector(without_runtime));
  EXPECT_FALSE(MatchesManagedSelector(nullptr));
}

// Validates the unmanaged sentinel of §9.2 and §9.10: its prefix, that it names the object and
// mentions force-delete, and that IsUnmanagedError still recognises it after wrapping.
TEST(UnmanagedError, NamesObjectMentionsForceDeleteAndSurvivesWrapping) {
  Error apply = UnmanagedApplyError("Secret", "aws-pod-identity-webhook", "pod-identity-webhook");
  EXPECT_THAT(apply.message,
              StartsWith("remote webhook runtime object is not managed by this operator: "
                         "refusing to apply Secret aws-pod-identity-webhook/pod-identity-webhook"));
  EXPECT_THAT(apply.message, HasSubstr("app.kubernetes.io/managed-by"));
  EXPECT_THAT(apply.message, HasSubstr("aws.identity.appthrust.io/force-delete"));
  EXPECT_TRUE(IsUnmanagedError(apply));

  Error removal = UnmanagedDeleteError("ClusterRole", "pod-identity-webhook");
  EXPECT_THAT(removal.message,
              StartsWith("remote webhook runtime object is not managed by this operator: "
                         "refusing to delete cluster-scoped ClusterRole pod-identity-webhook"));
  EXPECT_THAT(removal.message, HasSubstr("force-delete"));

  Error wrapped = removal;
  wrapped.message = "delete remote webhook runtime: " + wrapped.message;
  EXPECT_TRUE(IsUnmanagedError(wrapped));
  EXPECT_FALSE(IsUnmanagedError(MakeError(ErrorCode::kConflict, "conflict")));
}

// Validates the §15.12 namespace vector at the merge level: runtime labels are added and the
// labels already there (config-uid: old-config, user labels) are kept.
TEST(MergeRuntimeLabels, AddsMissingLabelsAndKeepsOthers) {
  Json ns = {{"metadata",
              {{"name", "aws-pod-identity-webhook"},
               {"labels",
                {{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
                 {"aws.identity.appthrust.io/runtime", "self-hosted-webhook"},
                 {"aws.identity.appthrust.io/config-uid", "old-config"},
                 {"example.com/team", "platform"}}}}}};
  MergeRuntimeLabels(ns);
  Json expected = kRuntimeLabels;
  expected["aws.identity.appthrust.io/config-uid"] = "old-config";
  expected["example.com/team"] = "platform";
  EXPECT_EQ(ns["metadata"]["labels"], expected);

  Json bare = {{"metadata", {{"name", "x"}, {"labels", nullptr}}}};
  MergeRuntimeLabels(bare);
  EXPECT_EQ(bare["metadata"]["labels"], kRuntimeLabels);
}

// Validates the ClusterRole of §9.7 and §15.12: exactly one rule on core serviceaccounts with
// get/list/watch, nothing about CSRs, Secrets or certificates.k8s.io; rules replaced wholesale.
TEST(ClusterRole, HasOnlyTheServiceAccountReadRule) {
  Json role = Skeleton(resources::kClusterRoles, "", "pod-identity-webhook");
  role["rules"] = Json::array({{{"apiGroups", {"certificates.k8s.io"}},
                                {"resources", {"certificatesigningrequests"}},
                                {"verbs", {"create"}}}});
  MergeClusterRole(role);
  EXPECT_EQ(role["rules"], Json::parse(R"([{"apiGroups":[""],"resources":["serviceaccounts"],
                                            "verbs":["get","list","watch"]}])"));
  const std::string text = role.dump();
  EXPECT_EQ(text.find("certificatesigningrequests"), std::string::npos);
  EXPECT_EQ(text.find("\"secrets\""), std::string::npos);
  EXPECT_EQ(text.find("certificates.k8s.io"), std::string::npos);
  EXPECT_EQ(role["apiVersion"], "rbac.authorization.k8s.io/v1");
  EXPECT_FALSE(role["metadata"].contains("namespace"));
}

// Validates the ClusterRoleBinding of §9.7: subjects and roleRef replaced wholesale.
TEST(ClusterRoleBinding, BindsWebhookServiceAccountInNamespace) {
  Json binding = Skeleton(resources::kClusterRoleBindings, "", "pod-identity-webhook");
  binding["subjects"] = Json::array({{{"kind", "User"}, {"name", "someone"}}});
  MergeClusterRoleBinding(binding, "custom-webhook");
  EXPECT_EQ(binding["subjects"],
            Json::parse(R"([{"kind":"ServiceAccount","name":"pod-identity-webhook",
                             "namespace":"custom-webhook"}])"));
  EXPECT_EQ(binding["roleRef"],
            Json::parse(R"({"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole",
                            "name":"pod-identity-webhook"})"));
  EXPECT_EQ(binding["metadata"]["labels"], kRuntimeLabels);
}

// Validates the Service of §9.7: selector and ports replaced (integer targetPort), every other
// spec field kept.
TEST(Service, ReplacesSelectorAndPortsOnly) {
  Json service = Json::parse(R"({"apiVersion":"v1","kind":"Service",
      "metadata":{"name":"pod-identity-webhook","namespace":"ns","labels":{"keep":"me"}},
      "spec":{"type":"ClusterIP","clusterIP":"10.0.0.12","sessionAffinity":"None",
              "selector":{"app":"old"},
              "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":"http"}]}})");
  MergeService(service);
  EXPECT_EQ(service["spec"]["selector"],
            Json({{"app.kubernetes.io/name", "pod-identity-webhook"}}));
  EXPECT_EQ(service["spec"]["ports"],
            Json::parse(R"([{"name":"https","protocol":"TCP","port":443,"targetPort":443}])"));
  EXPECT_TRUE(service["spec"]["ports"][0]["targetPort"].is_number_integer());
  EXPECT_EQ(service["spec"]["clusterIP"], "10.0.0.12");
  EXPECT_EQ(service["spec"]["type"], "ClusterIP");
  EXPECT_EQ(service["metadata"]["labels"]["keep"], "me");
}

// Validates the Skeleton shape for namespaced and cluster-scoped kinds.
TEST(Skeleton, CarriesApiVersionKindAndScope) {
  EXPECT_EQ(Skeleton(resources::kMutatingWebhookConfigurations, "ignored", "pod-identity-webhook"),
            Json::parse(R"({"apiVersion":"admissionregistration.k8s.io/v1",
                            "kind":"MutatingWebhookConfiguration",
                            "metadata":{"name":"pod-identity-webhook"}})"));
  EXPECT_EQ(Skeleton(kube::resources::kSecrets, "ns", "s"),
            Json::parse(R"({"apiVersion":"v1","kind":"Secret",
                            "metadata":{"name":"s","namespace":"ns"}})"));
}

// Validates Secret data handling: values are base64 on the wire, replaced wholesale with the
// type, and a missing or undecodable value reads as empty.
TEST(SecretData, ReplacesWholeMapAndDecodes) {
  Json secret = {{"data", {{"user", base::Base64Encode("kept?")}, {"bad", "!!"}}}};
  EXPECT_EQ(SecretValue(secret, "user"), "kept?");
  EXPECT_EQ(SecretValue(secret, "bad"), "");
  EXPECT_EQ(SecretValue(secret, "absent"), "");
  ReplaceSecretData(secret, "kubernetes.io/tls", {{"tls.crt", "CERT"}, {"tls.key", "KEY"}});
  EXPECT_EQ(secret["type"], "kubernetes.io/tls");
  EXPECT_EQ(secret["data"], Json({{"tls.crt", "Q0VSVA=="}, {"tls.key", "S0VZ"}}));
  EXPECT_EQ(SecretValue(Json::object(), "tls.crt"), "");
}

// Validates the desired webhook of §9.9 (with the server defaults of §16 item 7 pre-filled):
// entry name, review versions, failure policy, side effects, service reference without a
// custom port, caBundle = base64(ca.crt), the skip-label object selector and the pods rule.
TEST(WebhookConfiguration, DesiredWebhookMatchesSpec) {
  Json configuration =
      Skeleton(resources::kMutatingWebhookConfigurations, "", "pod-identity-webhook");
  configuration["webhooks"] = Json::array({{{"name", "user.example.com"}}, {{"name", "other"}}});
  MergeWebhookConfiguration(configuration, "custom-webhook", "CA PEM\n");
  const Json expected = Json::parse(R"([{
      "name":"pod-identity-webhook.amazonaws.com",
      "admissionReviewVersions":["v1beta1"],
      "failurePolicy":"Fail",
      "sideEffects":"None",
      "clientConfig":{"caBundle":"Q0EgUEVNCg==",
                      "service":{"name":"pod-identity-webhook","namespace":"custom-webhook",
                                 "path":"/mutate","port":443}},
      "objectSelector":{"matchExpressions":[
          {"key":"eks.amazonaws.com/skip-pod-identity-webhook","operator":"DoesNotExist"}]},
      "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],
                "resources":["pods"],"scope":"*"}],
      "namespaceSelector":{},
      "matchPolicy":"Equivalent",
      "reinvocationPolicy":"Never",
      "timeoutSeconds":10}])");
  EXPECT_EQ(configuration["webhooks"], expected);
  EXPECT_EQ(configuration["metadata"]["labels"], kRuntimeLabels);
  EXPECT_TRUE(WebhookConfigurationSynced(configuration, "custom-webhook", "CA PEM\n"));
}

// Validates the §9.9 step 4 verification: one webhook, service reference present with our name
// and namespace, caBundle byte-equal to the CA.
TEST(WebhookConfiguration, SyncedCheckRejectsEachDeviation) {
  Json good = {{"webhooks", DesiredWebhooks("ns", "CA")}};
  struct Case {
    const char* name;
    Json configuration;
  };
  Json two = good;
  two["webhooks"].push_back(good["webhooks"][0]);
  Json no_service = good;
  no_service["webhooks"][0]["clientConfig"].erase("service");
  Json other_name = good;
  other_name["webhooks"][0]["clientConfig"]["service"]["name"] = "other";
  Json other_ns = good;
  other_ns["webhooks"][0]["clientConfig"]["service"]["namespace"] = "other";
  Json other_ca = good;
  other_ca["webhooks"][0]["clientConfig"]["caBundle"] = base::Base64Encode("CA\n");
  const Case cases[] = {{"two webhooks", two},
                        {"no service", no_service},
                        {"other service name", other_name},
                        {"other namespace", other_ns},
                        {"other CA bundle", other_ca},
                        {"no webhooks", Json::object()}};
  EXPECT_TRUE(WebhookConfigurationSynced(good, "ns", "CA"));
  for (const Case& c : cases) {
    EXPECT_FALSE(WebhookConfigurationSynced(c.configuration, "ns", "CA")) << c.name;
  }
}

Json ManagedDeployment() {
  return Json::parse(R"({"metadata":{"name":"pod-identity-webhook","generation":1,
      "labels":{"app.kubernetes.io/managed-by":"aws-workload-identity-operator",
                "aws.identity.appthrust.io/runtime":"self-hosted-webhook"},
      "annotations":{"deployment.kubernetes.io/revision":"1"}},
    "spec":{"template":{"spec":{"containers":[{"name":"webhook","image":"a"}]}}},
    "status":{"observedGeneration":1,"updatedReplicas":1,"availableReplicas":1,
              "conditions":[{"type":"Available","status":"True"}]}})");
}

// Validates the drift predicate of §11.2 and §15.12: which updates wake the config.
TEST(DriftUpdateRelevant, FollowsSpecTable) {
  struct Case {
    const char* name;
    std::string kind;
    Json old_object;
    Json new_object;
    bool relevant;
  };
  const Json base = ManagedDeployment();
  auto changed = [&base](const auto& edit) {
    Json copy = base;
    edit(copy);
    return copy;
  };
  Json secret = WithLabels(kRuntimeLabels);
  Json secret_unlabelled = WithLabels(Json::object());
  const Case cases[] = {
      {"Secret update removing runtime labels", "Secret", secret, secret_unlabelled, true},
      {"Secret update adding runtime labels", "Secret", secret_unlabelled, secret, true},
      {"unmanaged Secret update", "Secret", secret_unlabelled, WithLabels({{"other", "label"}}),
       false},
      {"Deployment status-only change (availableReplicas + Available)", "Deployment",
       changed([](Json& d) {
         d["status"]["availableReplicas"] = 0;
         d["status"]["conditions"][0]["status"] = "False";
       }),
       base, true},
      {"observedGeneration bump", "Deployment",
       changed([](Json& d) { d["status"]["observedGeneration"] = 0; }), base, true},
      {"updatedReplicas change", "Deployment", base,
       changed([](Json& d) { d["status"]["updatedReplicas"] = 2; }), true},
      {"Available flip", "Deployment", base,
       changed([](Json& d) { d["status"]["conditions"][0]["status"] = "False"; }), true},
      {"Available condition removed", "Deployment", base,
       changed([](Json& d) { d["status"].erase("conditions"); }), true},
      {"generation bump", "Deployment", base,
       changed([](Json& d) { d["metadata"]["generation"] = 2; }), true},
      {"label removal", "Deployment", base,
       changed([](Json& d) { d["metadata"]["labels"].erase("aws.identity.appthrust.io/runtime"); }),
       true},
      {"owner-reference change", "Deployment", base, changed([](Json& d) {
         d["metadata"]["ownerReferences"] = Json::array({{{"uid", "u"}}});
       }),
       true},
      {"finalizer change", "Deployment", base,
       changed([](Json& d) { d["metadata"]["finalizers"] = Json::array({"example.com/hold"}); }),
       true},
      {"container image change without generation bump", "Deployment", base,
       changed([](Json& d) { d["spec"]["template"]["spec"]["containers"][0]["image"] = "b"; }),
       false},
      {"top-level annotation change", "Deployment", base,
       changed([](Json& d) { d["metadata"]["annotations"]["example.com/note"] = "x"; }), false},
      {"other status change", "Deployment", base,
       changed([](Json& d) { d["status"]["readyReplicas"] = 1; }), false},
      {"unmanaged Deployment generation bump", "Deployment",
       changed([](Json& d) { d["metadata"]["labels"] = Json::object(); }), changed([](Json& d) {
         d["metadata"]["labels"] = Json::object();
         d["metadata"]["generation"] = 2;
       }),
       false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DriftUpdateRelevant(c.kind, c.old_object, c.new_object), c.relevant) << c.name;
  }
}

}  // namespace
}  // namespace awio::webhookruntime
