// Integration tests of Apply and Delete (src/webhookruntime/runtime.h) against a real
// kube-apiserver playing the target cluster: spec config-controller.md §9.4-§9.10 and the
// [test] vectors of §15.12. The server's own defaulting decides whether a repeated apply is a
// no-op, so "nothing written" is checked both by the apply's per-object report and by
// resourceVersions. Each test uses its own webhook namespace (prefixed "wr-"); the three
// cluster-scoped objects share one name, so each test removes them before and after it runs.
#include "webhookruntime/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/encoding.h"
#include "base/time.h"
#include "kube/client.h"
#include "support/kube_client_util.h"
#include "support/shared_environment.h"
#include "webhookruntime/tls.h"

namespace awio::webhookruntime {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

constexpr char kImage[] = "example.com/pod-identity-webhook:test";
const std::string kName(kComponentName);
const std::string kCAName(kCASecretName);

// The labels the Helm chart's ManifestWork puts on the namespace it bootstraps (§9.5).
const Json kBootstrapLabels = {
    {"app.kubernetes.io/name", "pod-identity-webhook"},
    {"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
    {"aws.identity.appthrust.io/runtime", "self-hosted-webhook"},
};

const Json kRuntimeLabels = Json(RuntimeLabels());

struct Report {
  std::string resource, result, reason;
  bool operator==(const Report&) const = default;
};

void PrintTo(const Report& report, std::ostream* out) {
  *out << report.resource << "/" << report.result << "/" << report.reason;
}

class WebhookRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = test::AdminClient(test::SharedEnvironment().cluster("target"));
    std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ns_ = "wr-";
    for (char c : test_name.substr(0, 40)) {
      ns_ += (c == '_') ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    RemoveClusterScoped();
  }

  void TearDown() override { RemoveClusterScoped(); }

  void RemoveClusterScoped() {
    for (const kube::ResourceRef* resource :
         {&resources::kMutatingWebhookConfigurations, &resources::kClusterRoleBindings,
          &resources::kClusterRoles}) {
      auto deleted = client_->Delete(*resource, "", kName);
      ASSERT_TRUE(deleted.ok() || deleted.error().code == ErrorCode::kNotFound)
          << deleted.error().ToString();
    }
  }

  void CreateNamespace(const Json& labels) {
    auto made = client_->Create(kube::resources::kNamespaces, "",
                                {{"metadata", {{"name", ns_}, {"labels", labels}}}});
    ASSERT_TRUE(made.ok()) << made.error().ToString();
  }

  ApplyResult ApplyRuntime() {
    reports_.clear();
    ApplyOptions options;
    options.ns = ns_;
    options.image = kImage;
    options.on_object = [this](std::string_view resource, std::string_view result,
                               std::string_view reason) {
      reports_.push_back({std::string(resource), std::string(result), std::string(reason)});
    };
    return Apply(*client_, options);
  }

  // The object, or null when it does not exist (any other failure fails the test).
  Json Fetch(const kube::ResourceRef& resource, const std::string& name) {
    auto got = client_->Get(resource, resource.namespaced ? ns_ : "", name);
    if (!got.ok()) {
      EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << got.error().ToString();
      return nullptr;
    }
    return *got;
  }

  // Writes the status a Deployment controller would write for one available replica.
  void MarkDeploymentAvailable() {
    Json deployment = Fetch(kube::resources::kDeployments, kName);
    ASSERT_FALSE(deployment.is_null());
    const std::string now = base::FormatRfc3339(std::chrono::system_clock::now());
    Json status = {{"observedGeneration", deployment["metadata"]["generation"]},
                   {"replicas", 1},
                   {"updatedReplicas", 1},
                   {"readyReplicas", 1},
                   {"availableReplicas", 1},
                   {"conditions", Json::array({{{"type", "Available"},
                                                {"status", "True"},
                                                {"reason", "MinimumReplicasAvailable"},
                                                {"message", "Deployment has minimum availability."},
                                                {"lastUpdateTime", now},
                                                {"lastTransitionTime", now}}})}};
    kube::PatchOptions options;
    options.subresource = "status";
    auto patched =
        client_->Patch(kube::resources::kDeployments, ns_, kName, kube::PatchType::kMerge,
                       Json{{"status", status}}.dump(), options);
    ASSERT_TRUE(patched.ok()) << patched.error().ToString();
  }

  // Applies until the runtime is ready: create, mark the Deployment available, apply again.
  void ApplyUntilReady() {
    auto first = ApplyRuntime();
    ASSERT_FALSE(first.error) << first.error->ToString();
    MarkDeploymentAvailable();
    auto second = ApplyRuntime();
    ASSERT_FALSE(second.error) << second.error->ToString();
    ASSERT_TRUE(second.outcome.ready) << second.outcome.reason << ": " << second.outcome.message;
  }

  // resourceVersion of every runtime object, keyed by kind and name.
  std::map<std::string, std::string> ResourceVersions() {
    std::map<std::string, std::string> versions;
    const std::pair<const kube::ResourceRef*, std::string> objects[] = {
        {&kube::resources::kNamespaces, ns_},
        {&kube::resources::kSecrets, kCAName},
        {&kube::resources::kSecrets, kName},
        {&kube::resources::kServiceAccounts, kName},
        {&resources::kClusterRoles, kName},
        {&resources::kClusterRoleBindings, kName},
        {&kube::resources::kServices, kName},
        {&kube::resources::kDeployments, kName},
        {&resources::kMutatingWebhookConfigurations, kName},
    };
    for (const auto& [resource, name] : objects) {
      Json object = Fetch(*resource, name);
      versions[resource->kind + "/" + name] =
          object.is_null() ? "absent" : object["metadata"].value("resourceVersion", "");
    }
    return versions;
  }

  std::shared_ptr<kube::Client> client_;
  std::string ns_;
  std::vector<Report> reports_;
};

// Validates §9.5 and §15.12: an absent namespace gives RemoteNamespaceBootstrapPending with the
// literal message, no error, no certificate, and nothing is created (not even the namespace).
TEST_F(WebhookRuntimeTest, NamespaceAbsent_ReportsBootstrapPendingAndCreatesNothing) {
  auto result = ApplyRuntime();
  ASSERT_FALSE(result.error) << result.error->ToString();
  EXPECT_EQ(result.outcome.ns, ns_);
  EXPECT_FALSE(result.outcome.ready);
  EXPECT_EQ(result.outcome.reason, "RemoteNamespaceBootstrapPending");
  EXPECT_EQ(result.outcome.message,
            "remote webhook namespace has not been bootstrapped: namespace \"" + ns_ +
                "\" absent on workload cluster; expected chart-managed OCM ManifestWork (or "
                "equivalent external bootstrap) to create it");
  EXPECT_FALSE(result.outcome.cert_not_after.has_value());
  EXPECT_TRUE(reports_.empty());
  for (const auto& [object, version] : ResourceVersions()) {
    EXPECT_EQ(version, "absent") << object;
  }
}

// Validates §9.3a-§9.9 end to end: every object is created with its exact content in a
// bootstrapped namespace; the webhook configuration waits for the Deployment (a real server's
// first assessment is ObservedGenerationLag, §16 item 19); once the Deployment reports
// Available the configuration is installed with caBundle = ca.crt and the outcome is ready; and
// a further apply writes nothing (§16 item 7: server defaults are pre-filled).
TEST_F(WebhookRuntimeTest, BootstrappedNamespace_CreatesRuntimeThenInstallsWebhookWhenAvailable) {
  CreateNamespace(kBootstrapLabels);

  auto first = ApplyRuntime();
  ASSERT_FALSE(first.error) << first.error->ToString();
  EXPECT_FALSE(first.outcome.ready);
  EXPECT_EQ(first.outcome.reason, "WebhookDeploymentObservedGenerationLag");
  EXPECT_EQ(first.outcome.message,
            "waiting for remote webhook Deployment to become Available before installing "
            "admission configuration: remote webhook Deployment status is stale: "
            "observedGeneration=0, generation=1");
  EXPECT_THAT(reports_, ::testing::ElementsAre(Report{"Namespace", "success", "updated"},
                                               Report{"Secret", "success", "created"},
                                               Report{"Secret", "success", "created"},
                                               Report{"ServiceAccount", "success", "created"},
                                               Report{"ClusterRole", "success", "created"},
                                               Report{"ClusterRoleBinding", "success", "created"},
                                               Report{"Service", "success", "created"},
                                               Report{"Deployment", "success", "created"}));

  // Namespace: the bootstrap labels plus the delivery label.
  Json ns = Fetch(kube::resources::kNamespaces, ns_);
  EXPECT_EQ(ns["metadata"]["labels"]["aws.identity.appthrust.io/delivery"], "SelfHostedIRSA");
  EXPECT_EQ(ns["metadata"]["labels"]["kubernetes.io/metadata.name"], ns_);

  // Secrets (§9.6).
  Json ca_secret = Fetch(kube::resources::kSecrets, kCAName);
  ASSERT_FALSE(ca_secret.is_null());
  EXPECT_EQ(ca_secret["type"], "Opaque");
  EXPECT_EQ(ca_secret["metadata"]["labels"], kRuntimeLabels);
  EXPECT_EQ(ca_secret["data"].size(), 2U);
  const std::string ca_cert = SecretValue(ca_secret, "ca.crt");
  EXPECT_TRUE(
      CAReusable(ca_cert, SecretValue(ca_secret, "ca.key"), std::chrono::system_clock::now()));
  Json tls_secret = Fetch(kube::resources::kSecrets, kName);
  ASSERT_FALSE(tls_secret.is_null());
  EXPECT_EQ(tls_secret["type"], "kubernetes.io/tls");
  EXPECT_EQ(tls_secret["metadata"]["labels"], kRuntimeLabels);
  EXPECT_EQ(tls_secret["data"].size(), 2U);
  const std::string tls_cert = SecretValue(tls_secret, "tls.crt");
  auto serving = ReusableServingCertificate(tls_cert, SecretValue(tls_secret, "tls.key"), ca_cert,
                                            ns_, std::chrono::system_clock::now());
  ASSERT_TRUE(serving.has_value()) << "the serving certificate must verify against the CA";
  ASSERT_TRUE(first.outcome.cert_not_after.has_value());
  EXPECT_EQ(*first.outcome.cert_not_after, serving->not_after);
  for (const Json& secret : {ca_secret, tls_secret}) {
    EXPECT_FALSE(secret["metadata"].contains("ownerReferences"));
    EXPECT_FALSE(secret["metadata"].contains("finalizers"));
    EXPECT_FALSE(secret["metadata"].contains("annotations"));
  }

  // Supporting objects (§9.7).
  Json account = Fetch(kube::resources::kServiceAccounts, kName);
  EXPECT_EQ(account["metadata"]["labels"], kRuntimeLabels);
  Json role = Fetch(resources::kClusterRoles, kName);
  EXPECT_EQ(role["metadata"]["labels"], kRuntimeLabels);
  EXPECT_EQ(role["rules"], DesiredClusterRoleRules());
  Json binding = Fetch(resources::kClusterRoleBindings, kName);
  EXPECT_EQ(binding["metadata"]["labels"], kRuntimeLabels);
  EXPECT_EQ(binding["subjects"], Json::parse(R"([{"kind":"ServiceAccount",
      "name":"pod-identity-webhook","namespace":")" +
                                             ns_ + R"("}])"));
  EXPECT_EQ(binding["roleRef"], Json::parse(R"({"apiGroup":"rbac.authorization.k8s.io",
      "kind":"ClusterRole","name":"pod-identity-webhook"})"));
  Json service = Fetch(kube::resources::kServices, kName);
  EXPECT_EQ(service["metadata"]["labels"], kRuntimeLabels);
  EXPECT_EQ(service["spec"]["selector"],
            Json({{"app.kubernetes.io/name", "pod-identity-webhook"}}));
  EXPECT_EQ(service["spec"]["ports"], Json::parse(R"([{"name":"https","protocol":"TCP",
      "port":443,"targetPort":443}])"));

  // Deployment (§9.8): the stored container and volume equal the desired ones exactly, so the
  // server added nothing that a later merge would remove.
  Json deployment = Fetch(kube::resources::kDeployments, kName);
  EXPECT_EQ(deployment["metadata"]["labels"], kRuntimeLabels);
  EXPECT_EQ(deployment["spec"]["selector"], DesiredSelector());
  EXPECT_EQ(deployment["spec"]["replicas"], 1);
  const Json& pod_template = deployment["spec"]["template"];
  Json template_labels = kRuntimeLabels;
  template_labels["eks.amazonaws.com/skip-pod-identity-webhook"] = "true";
  EXPECT_EQ(pod_template["metadata"]["labels"], template_labels);
  EXPECT_EQ(pod_template["metadata"]["annotations"],
            Json({{"aws.identity.appthrust.io/serving-cert-sha256", Fingerprint(tls_cert)}}));
  const Json& pod = pod_template["spec"];
  EXPECT_EQ(pod["serviceAccountName"], "pod-identity-webhook");
  EXPECT_EQ(pod["restartPolicy"], "Always");
  EXPECT_EQ(pod["dnsPolicy"], "ClusterFirst");
  EXPECT_EQ(pod["schedulerName"], "default-scheduler");
  EXPECT_EQ(pod["terminationGracePeriodSeconds"], 30);
  EXPECT_EQ(pod["securityContext"], Json::parse(R"({"seccompProfile":{"type":"RuntimeDefault"}})"));
  EXPECT_EQ(pod["containers"], Json::array({DesiredWebhookContainer(ns_, kImage)}));
  EXPECT_EQ(pod["volumes"], Json::array({DesiredCertVolume()}));

  EXPECT_TRUE(Fetch(resources::kMutatingWebhookConfigurations, kName).is_null())
      << "the webhook configuration must wait for an Available Deployment";

  // The Deployment becomes Available: the webhook configuration is installed, nothing else moves.
  MarkDeploymentAvailable();
  auto second = ApplyRuntime();
  ASSERT_FALSE(second.error) << second.error->ToString();
  EXPECT_TRUE(second.outcome.ready) << second.outcome.reason << ": " << second.outcome.message;
  EXPECT_EQ(second.outcome.reason, "");
  EXPECT_EQ(reports_.back(), (Report{"MutatingWebhookConfiguration", "success", "created"}));
  for (std::size_t i = 0; i + 1 < reports_.size(); ++i) {
    EXPECT_EQ(reports_[i].reason, "unchanged") << reports_[i].resource;
  }
  Json webhook = Fetch(resources::kMutatingWebhookConfigurations, kName);
  ASSERT_FALSE(webhook.is_null());
  EXPECT_EQ(webhook["metadata"]["labels"], kRuntimeLabels);
  EXPECT_EQ(webhook["webhooks"], DesiredWebhooks(ns_, ca_cert));
  EXPECT_EQ(
      base::Base64Decode(webhook["webhooks"][0]["clientConfig"]["caBundle"].get<std::string>()),
      ca_cert);

  // A third apply changes nothing: no write reported, no resourceVersion moved.
  const auto versions = ResourceVersions();
  auto third = ApplyRuntime();
  ASSERT_FALSE(third.error) << third.error->ToString();
  EXPECT_TRUE(third.outcome.ready);
  EXPECT_EQ(reports_.size(), 9U);
  for (const Report& report : reports_) {
    EXPECT_EQ(report.reason, "unchanged") << report.resource;
  }
  EXPECT_EQ(ResourceVersions(), versions);
}

// Validates §9.5 and §15.12: a namespace without the managed labels is left exactly as it is
// (no labels added, reported unchanged) while the runtime is still created inside it.
TEST_F(WebhookRuntimeTest, UnlabelledNamespace_IsUntouchedButHostsRuntime) {
  CreateNamespace({{"example.com/owner", "user"}});
  const Json before = Fetch(kube::resources::kNamespaces, ns_);

  auto result = ApplyRuntime();
  ASSERT_FALSE(result.error) << result.error->ToString();
  EXPECT_EQ(reports_.front(), (Report{"Namespace", "success", "unchanged"}));
  const Json after = Fetch(kube::resources::kNamespaces, ns_);
  EXPECT_EQ(after["metadata"]["resourceVersion"], before["metadata"]["resourceVersion"]);
  EXPECT_EQ(after["metadata"]["labels"], before["metadata"]["labels"]);
  EXPECT_FALSE(Fetch(kube::resources::kSecrets, kCAName).is_null());
  EXPECT_FALSE(Fetch(kube::resources::kDeployments, kName).is_null());
}

// Validates §9.2 and §15.12: a pre-existing unlabelled ClusterRole stops the apply with the
// unmanaged error (mentioning force-delete), is left unchanged, and nothing after it is written.
TEST_F(WebhookRuntimeTest, UnlabelledClusterRole_IsRefusedAndLeftUnchanged) {
  CreateNamespace(kBootstrapLabels);
  const Json user_rules = Json::parse(R"([{"apiGroups":[""],"resources":["configmaps"],
                                           "verbs":["get"]}])");
  auto made = client_->Create(
      resources::kClusterRoles, "",
      {{"metadata", {{"name", kName}, {"labels", {{"team", "user"}}}}}, {"rules", user_rules}});
  ASSERT_TRUE(made.ok()) << made.error().ToString();

  auto result = ApplyRuntime();
  ASSERT_TRUE(result.error.has_value());
  EXPECT_TRUE(IsUnmanagedError(*result.error));
  EXPECT_THAT(result.error->message,
              StartsWith("apply remote webhook runtime: ensure remote ClusterRole "
                         "\"pod-identity-webhook\": remote webhook runtime object is not managed "
                         "by this operator: refusing to apply ClusterRole pod-identity-webhook"));
  EXPECT_THAT(result.error->message, HasSubstr("force-delete"));
  EXPECT_TRUE(result.outcome.cert_not_after.has_value()) << "the certificate step had completed";
  EXPECT_EQ(reports_.back(), (Report{"ClusterRole", "error", "apply_failed"}));

  Json role = Fetch(resources::kClusterRoles, kName);
  EXPECT_EQ(role["metadata"]["resourceVersion"], (*made)["metadata"]["resourceVersion"]);
  EXPECT_EQ(role["rules"], user_rules);
  EXPECT_EQ(role["metadata"]["labels"], Json({{"team", "user"}}));
  EXPECT_TRUE(Fetch(resources::kClusterRoleBindings, kName).is_null());
  EXPECT_TRUE(Fetch(kube::resources::kDeployments, kName).is_null());
}

// Validates §9.2 and §15.12 for the namespaced kinds: a pre-existing unlabelled CA Secret, TLS
// Secret, ServiceAccount, Service or Deployment stops the apply with the unmanaged error
// (mentioning force-delete) and is left unchanged. One bootstrapped namespace per kind.
TEST_F(WebhookRuntimeTest, UnlabelledNamespacedObject_IsRefusedAndLeftUnchanged) {
  struct Case {
    const kube::ResourceRef* resource;
    std::string name;
    std::string wrapped_kind;  // as the error names the step
    Json body;
  };
  const Json user_labels = {{"example.com/owner", "user"}};
  const Case cases[] = {
      {&kube::resources::kSecrets,
       kCAName,
       "CA Secret",
       {{"type", "Opaque"}, {"data", {{"user", base::Base64Encode("data")}}}}},
      {&kube::resources::kSecrets,
       kName,
       "TLS Secret",
       {{"type", "Opaque"}, {"data", {{"user", base::Base64Encode("data")}}}}},
      {&kube::resources::kServiceAccounts, kName, "ServiceAccount", Json::object()},
      {&kube::resources::kServices,
       kName,
       "Service",
       {{"spec", {{"ports", Json::array({{{"port", 80}}})}}}}},
      {&kube::resources::kDeployments,
       kName,
       "Deployment",
       {{"spec",
         {{"selector", {{"matchLabels", {{"app", "user"}}}}},
          {"template",
           {{"metadata", {{"labels", {{"app", "user"}}}}},
            {"spec",
             {{"containers",
               Json::array({{{"name", "user"}, {"image", "example.com/user"}}})}}}}}}}}},
  };
  const std::string base_ns = ns_;
  int index = 0;
  for (const Case& c : cases) {
    ns_ = base_ns + "-" + std::to_string(++index);
    CreateNamespace(kBootstrapLabels);
    Json object = c.body;
    object["metadata"] = {{"name", c.name}, {"labels", user_labels}};
    auto made = client_->Create(*c.resource, ns_, object);
    ASSERT_TRUE(made.ok()) << made.error().ToString();

    auto result = ApplyRuntime();
    ASSERT_TRUE(result.error.has_value()) << c.wrapped_kind;
    EXPECT_TRUE(IsUnmanagedError(*result.error)) << result.error->message;
    EXPECT_THAT(result.error->message,
                HasSubstr("ensure remote " + c.wrapped_kind + " \"" + c.name +
                          "\": remote webhook runtime object is not managed by this operator: "
                          "refusing to apply " +
                          c.resource->kind + " " + ns_ + "/" + c.name));
    EXPECT_THAT(result.error->message, HasSubstr("force-delete"));
    Json after = Fetch(*c.resource, c.name);
    EXPECT_EQ(after["metadata"]["resourceVersion"], (*made)["metadata"]["resourceVersion"])
        << c.wrapped_kind;
    EXPECT_EQ(after["metadata"]["labels"], user_labels) << c.wrapped_kind;
  }
}

// Validates §9.6: a deleted serving Secret is re-issued from the kept CA, and the Deployment's
// fingerprint annotation follows the new certificate (a rollout).
TEST_F(WebhookRuntimeTest, DeletedServingSecret_IsReissuedAndFingerprintFollows) {
  CreateNamespace(kBootstrapLabels);
  auto first = ApplyRuntime();
  ASSERT_FALSE(first.error) << first.error->ToString();
  const std::string ca_cert = SecretValue(Fetch(kube::resources::kSecrets, kCAName), "ca.crt");
  const std::string old_cert = SecretValue(Fetch(kube::resources::kSecrets, kName), "tls.crt");

  auto deleted = client_->Delete(kube::resources::kSecrets, ns_, kName);
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
  auto second = ApplyRuntime();
  ASSERT_FALSE(second.error) << second.error->ToString();

  Json tls_secret = Fetch(kube::resources::kSecrets, kName);
  ASSERT_FALSE(tls_secret.is_null());
  const std::string new_cert = SecretValue(tls_secret, "tls.crt");
  EXPECT_NE(new_cert, old_cert);
  EXPECT_EQ(SecretValue(Fetch(kube::resources::kSecrets, kCAName), "ca.crt"), ca_cert);
  EXPECT_TRUE(ReusableServingCertificate(new_cert, SecretValue(tls_secret, "tls.key"), ca_cert, ns_,
                                         std::chrono::system_clock::now())
                  .has_value());
  Json deployment = Fetch(kube::resources::kDeployments, kName);
  EXPECT_EQ(deployment["spec"]["template"]["metadata"]["annotations"]
                      ["aws.identity.appthrust.io/serving-cert-sha256"],
            Fingerprint(new_cert));
  EXPECT_EQ(deployment["metadata"]["generation"], 2);
  EXPECT_EQ(second.outcome.cert_not_after, CertificateNotAfter(new_cert));
}

// Validates §9.6 and the note of §9.9: a CA within 30 days of expiry is replaced, the serving
// certificate is re-issued from the new CA, and the existing webhook configuration's caBundle
// follows at once although the Deployment is rolling out (plain readiness reason and message).
TEST_F(WebhookRuntimeTest, CANearExpiry_IsReplacedAndCABundleFollows) {
  CreateNamespace(kBootstrapLabels);
  ApplyUntilReady();

  const auto now = std::chrono::system_clock::now();
  CertificateTemplate expiring{.common_name = kCAName,
                               .dns_names = {kCAName},
                               .is_ca = true,
                               .key_usage = kDigitalSignature | kKeyEncipherment | kCertSign,
                               .not_before = now - 5min,
                               .not_after = now + 24h * 10,
                               .serial_bits = kCASerialBits};
  KeyPair near_expiry = IssueCertificate(expiring, nullptr).value();
  Json ca_secret = Fetch(kube::resources::kSecrets, kCAName);
  ReplaceSecretData(ca_secret, "Opaque",
                    {{"ca.crt", near_expiry.cert_pem}, {"ca.key", near_expiry.key_pem}});
  auto updated = client_->Update(kube::resources::kSecrets, ns_, ca_secret);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();

  auto result = ApplyRuntime();
  ASSERT_FALSE(result.error) << result.error->ToString();
  const std::string new_ca = SecretValue(Fetch(kube::resources::kSecrets, kCAName), "ca.crt");
  EXPECT_NE(new_ca, near_expiry.cert_pem);
  EXPECT_TRUE(CAReusable(new_ca, SecretValue(Fetch(kube::resources::kSecrets, kCAName), "ca.key"),
                         std::chrono::system_clock::now()));
  Json tls_secret = Fetch(kube::resources::kSecrets, kName);
  EXPECT_TRUE(ReusableServingCertificate(SecretValue(tls_secret, "tls.crt"),
                                         SecretValue(tls_secret, "tls.key"), new_ca, ns_,
                                         std::chrono::system_clock::now())
                  .has_value());
  Json webhook = Fetch(resources::kMutatingWebhookConfigurations, kName);
  EXPECT_TRUE(WebhookConfigurationSynced(webhook, ns_, new_ca));

  EXPECT_FALSE(result.outcome.ready);
  EXPECT_EQ(result.outcome.reason, "WebhookDeploymentObservedGenerationLag");
  EXPECT_EQ(result.outcome.message,
            "remote webhook Deployment status is stale: observedGeneration=1, generation=2");
}

// Validates §9.10 and §15.12: Delete removes the managed objects (webhook configuration first),
// keeps the namespace and unmanaged namespaced objects, and a second Delete is a no-op.
TEST_F(WebhookRuntimeTest, Delete_RemovesManagedObjectsKeepsNamespaceAndUnmanaged) {
  CreateNamespace(kBootstrapLabels);
  ApplyUntilReady();
  Json service = Fetch(kube::resources::kServices, kName);
  service["metadata"]["labels"] = {{"example.com/owner", "user"}};
  auto relabelled = client_->Update(kube::resources::kServices, ns_, service);
  ASSERT_TRUE(relabelled.ok()) << relabelled.error().ToString();

  Status deleted = Delete(*client_, ns_);
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
  const auto versions = ResourceVersions();
  for (const char* gone :
       {"MutatingWebhookConfiguration/pod-identity-webhook", "Deployment/pod-identity-webhook",
        "Secret/pod-identity-webhook", "Secret/pod-identity-webhook-ca",
        "ServiceAccount/pod-identity-webhook", "ClusterRoleBinding/pod-identity-webhook",
        "ClusterRole/pod-identity-webhook"}) {
    EXPECT_EQ(versions.at(gone), "absent") << gone;
  }
  EXPECT_NE(versions.at("Service/pod-identity-webhook"), "absent");
  EXPECT_NE(versions.at("Namespace/" + ns_), "absent");

  Status again = Delete(*client_, ns_);
  EXPECT_TRUE(again.ok()) << again.error().ToString();
}

// Validates §9.9, §9.10 and §15.12: an unlabelled webhook configuration is found by the live
// existence probe while the Deployment is not Available and refused (webhooks untouched); Delete
// refuses it too, before touching anything else.
TEST_F(WebhookRuntimeTest, UnlabelledWebhookConfiguration_BlocksApplyAndDelete) {
  CreateNamespace(kBootstrapLabels);
  const Json user_webhooks = Json::parse(R"([{"name":"user.example.com",
      "admissionReviewVersions":["v1"],"sideEffects":"None","failurePolicy":"Ignore",
      "clientConfig":{"url":"https://user.example.com/mutate"},
      "objectSelector":{"matchLabels":{"example.com/never":"matches"}},
      "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],
                "resources":["configmaps"]}]}])");
  auto made = client_->Create(resources::kMutatingWebhookConfigurations, "",
                              {{"metadata", {{"name", kName}}}, {"webhooks", user_webhooks}});
  ASSERT_TRUE(made.ok()) << made.error().ToString();

  auto result = ApplyRuntime();
  ASSERT_TRUE(result.error.has_value());
  EXPECT_TRUE(IsUnmanagedError(*result.error));
  EXPECT_THAT(result.error->message,
              StartsWith("ensure remote MutatingWebhookConfiguration \"pod-identity-webhook\": "
                         "remote webhook runtime object is not managed by this operator"));
  Json webhook = Fetch(resources::kMutatingWebhookConfigurations, kName);
  EXPECT_EQ(webhook["metadata"]["resourceVersion"], (*made)["metadata"]["resourceVersion"]);

  Status deleted = Delete(*client_, ns_);
  ASSERT_FALSE(deleted.ok());
  EXPECT_TRUE(IsUnmanagedError(deleted.error()));
  EXPECT_THAT(deleted.error().message,
              StartsWith("delete remote webhook runtime: remote webhook runtime object is not "
                         "managed by this operator: refusing to delete cluster-scoped "
                         "MutatingWebhookConfiguration pod-identity-webhook"));
  EXPECT_THAT(deleted.error().message, HasSubstr("force-delete"));
  EXPECT_FALSE(Fetch(resources::kMutatingWebhookConfigurations, kName).is_null());
  EXPECT_FALSE(Fetch(kube::resources::kDeployments, kName).is_null())
      << "nothing may be deleted before the webhook configuration";
}

// Validates §9.10 for the other cluster-scoped kinds: an unlabelled ClusterRoleBinding blocks
// deletion with the unmanaged error and is kept.
TEST_F(WebhookRuntimeTest, Delete_UnlabelledClusterRoleBinding_IsRefusedAndKept) {
  CreateNamespace(kBootstrapLabels);
  auto made = client_->Create(
      resources::kClusterRoleBindings, "",
      {{"metadata", {{"name", kName}}},
       {"subjects",
        Json::array(
            {{{"kind", "Group"}, {"name", "example"}, {"apiGroup", "rbac.authorization.k8s.io"}}})},
       {"roleRef",
        {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "view"}}}});
  ASSERT_TRUE(made.ok()) << made.error().ToString();

  Status deleted = Delete(*client_, ns_);
  ASSERT_FALSE(deleted.ok());
  EXPECT_TRUE(IsUnmanagedError(deleted.error()));
  EXPECT_THAT(deleted.error().message, HasSubstr("ClusterRoleBinding pod-identity-webhook"));
  EXPECT_THAT(deleted.error().message, HasSubstr("force-delete"));
  EXPECT_FALSE(Fetch(resources::kClusterRoleBindings, kName).is_null());
}

}  // namespace
}  // namespace awio::webhookruntime
