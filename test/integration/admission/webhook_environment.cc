// Implementation of the webhook integration tests' setup and helpers; see
// webhook_environment.h.
#include "integration/admission/webhook_environment.h"

#include <stdlib.h>

#include <fstream>
#include <stdexcept>

#include "admission/lookup.h"
#include "admission/validators.h"
#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/resources.h"
#include "base/encoding.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/project_crds.h"
#include "support/shared_environment.h"
#include "unit/admission/fixtures.h"

namespace awio::admission::integration {
namespace {

namespace v1alpha1 = api::v1alpha1;
using testing::BaseConfig;
using testing::BaseReplicaSet;
using testing::RoleObject;

// Short, so that the rotation tests do not wait long for the next look at the files.
constexpr std::chrono::milliseconds kCertPoll{100};
constexpr char kWebhookConfigurationName[] = "awio-admission-integration";

const kube::ResourceRef kValidatingWebhookConfigurations{"admissionregistration.k8s.io", "v1",
                                                         "validatingwebhookconfigurations", false,
                                                         "ValidatingWebhookConfiguration"};

SuiteState* g_suite = nullptr;

std::string NameOf(const Json& object) { return object["metadata"]["name"]; }

// The ValidatingWebhookConfiguration of §8.1, pointing at `base_url` by URL.
Json WebhookConfiguration(const std::string& base_url, const std::string& ca_pem) {
  auto webhook = [&](std::string_view name, std::string_view path,
                     std::vector<std::string> operations, std::string_view resource) {
    return Json{{"name", name},
                {"clientConfig",
                 {{"url", base_url + std::string(path)}, {"caBundle", base::Base64Encode(ca_pem)}}},
                {"rules", Json::array({{{"apiGroups", {v1alpha1::kGroup}},
                                        {"apiVersions", {v1alpha1::kVersion}},
                                        {"operations", operations},
                                        {"resources", {resource}}}})},
                {"admissionReviewVersions", {"v1"}},
                {"sideEffects", "None"},
                {"failurePolicy", "Fail"},
                {"matchPolicy", "Equivalent"},
                {"timeoutSeconds", 10}};
  };
  namespace wh = v1alpha1::webhook;
  return {
      {"apiVersion", "admissionregistration.k8s.io/v1"},
      {"kind", "ValidatingWebhookConfiguration"},
      {"metadata", {{"name", kWebhookConfigurationName}}},
      {"webhooks",
       Json::array(
           {webhook(wh::kConfigName, wh::kConfigPath, {"DELETE"}, v1alpha1::kResourceConfigs),
            webhook(wh::kRoleName, wh::kRolePath, {"CREATE", "UPDATE"}, v1alpha1::kResourceRoles),
            webhook(wh::kReplicaSetName, wh::kReplicaSetPath, {"CREATE", "UPDATE"},
                    v1alpha1::kResourceReplicaSets)})}};
}

// JSON pointer of the CEL rules on spec.template.metadata.labels in the ReplicaSet CRD, and the
// index of the reserved-key rule among them.
constexpr char kTemplateLabelRules[] =
    "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/template/properties/"
    "metadata/properties/labels/x-kubernetes-validations";

// TV-184 needs a ReplicaSet stored "before the rule existed". Replays that history: the CRD's
// reserved-label rule is taken out, the object is stored, and the rule is put back.
// Runs before the webhook is registered, since the webhook would refuse the object too.
void StoreLegacyReplicaSet() {
  const std::string crd_name =
      std::string(v1alpha1::kResourceReplicaSets) + "." + std::string(v1alpha1::kGroup);
  auto crd = Kube().Get(kube::resources::kCustomResourceDefinitions, "", crd_name);
  if (!crd.ok()) throw std::runtime_error(crd.error().ToString());
  const Json rules = (*crd).at(Json::json_pointer(kTemplateLabelRules));
  int reserved_rule = -1;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i]["rule"].get<std::string>().find(v1alpha1::label::kRuntime) != std::string::npos) {
      reserved_rule = static_cast<int>(i);
    }
  }
  if (reserved_rule < 0) throw std::runtime_error("no reserved-label rule in " + crd_name);

  Json remove = Json::array(
      {{{"op", "remove"}, {"path", kTemplateLabelRules + ("/" + std::to_string(reserved_rule))}}});
  auto patched = Kube().Patch(kube::resources::kCustomResourceDefinitions, "", crd_name,
                              kube::PatchType::kJson, remove.dump());
  if (!patched.ok()) throw std::runtime_error(patched.error().ToString());

  EnsureNamespace(kTv184Namespace);
  Json legacy = BaseReplicaSet({{"labels", {{v1alpha1::label::kRuntime, "x"}}}}, kTv184Namespace);
  legacy["metadata"]["name"] = kLegacyReplicaSet;
  if (!test::WaitUntil(kWait, [&] {
        return Kube().Create(v1alpha1::kReplicaSetResource, kTv184Namespace, legacy).ok();
      })) {
    throw std::runtime_error("the ReplicaSet CRD kept its reserved-label rule");
  }

  // Put the rule back where it was (a JSON patch, not a re-apply, so that field ownership
  // cannot get in the way).
  Json restore =
      Json::array({{{"op", "add"},
                    {"path", kTemplateLabelRules + ("/" + std::to_string(reserved_rule))},
                    {"value", rules.at(static_cast<std::size_t>(reserved_rule))}}});
  auto restored = Kube().Patch(kube::resources::kCustomResourceDefinitions, "", crd_name,
                               kube::PatchType::kJson, restore.dump());
  if (!restored.ok()) throw std::runtime_error(restored.error().ToString());
  Json probe = legacy;
  probe["metadata"]["name"] = "probe";
  if (!test::WaitUntil(kWait, [&] {
        auto created = DryRunCreate(v1alpha1::kReplicaSetResource, kTv184Namespace, probe);
        return !created.ok() && created.error().http_status == 422;
      })) {
    throw std::runtime_error("the ReplicaSet CRD did not get its reserved-label rule back");
  }
}

// Builds the suite state; see webhook_environment.h. Throws naming what failed.
void StartWebhookAndRegister(SuiteState& suite) {
  const auto& env = test::SharedEnvironment();
  test::InstallProjectCrds(env, env.hub());
  suite.client = test::AdminClient(env.hub());

  std::string root = (std::filesystem::temp_directory_path() / "awio-webhook-XXXXXX").string();
  if (mkdtemp(root.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  suite.root = root;
  suite.ca = std::make_unique<testenv::CertificateAuthority>("awio-webhook-integration-ca");
  suite.ca_file = suite.root / "ca.crt";
  std::ofstream(suite.ca_file) << suite.ca->cert_pem();
  suite.certs = std::make_unique<testing::CertDir>(suite.root / "serving-certs");
  auto serving = suite.ca->IssueServing("awio-webhook", {"localhost"}, {"127.0.0.1"});
  suite.certs->Publish(serving.cert_pem, serving.key_pem);

  // Objects that only exist when something bypassed admission (§11.9 TV-119, §11.12 TV-184).
  EnsureNamespace(kTv119Namespace);
  for (const Json& object :
       {BaseConfig(kTv119Namespace), RoleObject("sibling", "app", kTv119Namespace),
        RoleObject("current", "app", kTv119Namespace)}) {
    const auto& resource = object["kind"] == v1alpha1::kKindConfig ? v1alpha1::kConfigResource
                                                                   : v1alpha1::kRoleResource;
    auto created = Kube().Create(resource, kTv119Namespace, object);
    if (!created.ok()) throw std::runtime_error(created.error().ToString());
  }
  StoreLegacyReplicaSet();

  suite.server = std::make_unique<Server>(ServerOptions{.bind_address = "127.0.0.1",
                                                        .port = 0,
                                                        .cert_dir = suite.certs->path(),
                                                        .cert_poll_interval = kCertPoll},
                                          Webhooks(std::make_shared<ClientLookup>(suite.client)));
  if (auto started = suite.server->Start(); !started.ok()) {
    throw std::runtime_error(started.error().ToString());
  }

  const std::string base_url = "https://127.0.0.1:" + std::to_string(suite.server->port());
  auto registered = Kube().Create(kValidatingWebhookConfigurations, "",
                                  WebhookConfiguration(base_url, suite.ca->cert_pem()));
  if (!registered.ok()) throw std::runtime_error(registered.error().ToString());

  // The API server picks the registration up asynchronously; wait until it calls us.
  EnsureNamespace("wlc-probe");
  if (!test::WaitUntil(kWait, [] {
        auto created = DryRunCreate(v1alpha1::kRoleResource, "wlc-probe",
                                    RoleObject("probe", "probe", "wlc-probe"));
        return !created.ok() && created.error().http_status == 403 &&
               created.error().message.find(v1alpha1::webhook::kRoleName) != std::string::npos;
      })) {
    throw std::runtime_error("the API server never called the webhook");
  }
}

// Sets the suite up once, after the shared environment has started, and takes it down before
// the environment stops.
class WebhookEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    g_suite = new SuiteState;
    try {
      StartWebhookAndRegister(*g_suite);
      g_suite->ready = true;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "webhook test setup failed: " << e.what();
    }
  }

  void TearDown() override {
    if (g_suite->client) {
      (void)Kube().Delete(kValidatingWebhookConfigurations, "", kWebhookConfigurationName);
    }
    if (g_suite->server) g_suite->server->Stop();
    std::filesystem::remove_all(g_suite->root);
    delete g_suite;
    g_suite = nullptr;
  }
};

}  // namespace

SuiteState& Suite() { return *g_suite; }

kube::Client& Kube() { return *g_suite->client; }

void RegisterWebhookEnvironment() { ::testing::AddGlobalTestEnvironment(new WebhookEnvironment); }

void WebhookTest::SetUp() { ASSERT_TRUE(g_suite && g_suite->ready) << "webhook test setup failed"; }

void EnsureNamespace(const std::string& name) {
  auto created =
      Kube().Create(kube::resources::kNamespaces, "",
                    {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}});
  if (!created.ok() && created.error().code != ErrorCode::kAlreadyExists) {
    throw std::runtime_error(created.error().ToString());
  }
}

Json WithFinalizer(Json object, std::string_view finalizer) {
  object["metadata"]["finalizers"] = Json::array({finalizer});
  return object;
}

// Creates `object`, failing the test (and returning null) when the API server refuses it.
Json MustCreate(const kube::ResourceRef& resource, const std::string& ns, const Json& object) {
  auto created = Kube().Create(resource, ns, object);
  EXPECT_TRUE(created.ok()) << "creating " << NameOf(object) << ": " << created.error().ToString();
  return created.ok() ? *created : Json(nullptr);
}

// Deletes an object that carries a finalizer, leaving it terminating.
void MustTerminate(const kube::ResourceRef& resource, const std::string& ns,
                   const std::string& name) {
  auto deleted = Kube().Delete(resource, ns, name);
  ASSERT_TRUE(deleted.ok()) << "deleting " << name << ": " << deleted.error().ToString();
  auto object = Kube().Get(resource, ns, name);
  ASSERT_TRUE(object.ok());
  ASSERT_TRUE((*object)["metadata"].contains("deletionTimestamp")) << name << " is not held";
}

// Removes every finalizer (an UPDATE; allowed for terminating Roles and never sent for Configs).
void ReleaseFinalizers(const kube::ResourceRef& resource, const std::string& ns,
                       const std::string& name) {
  auto patched = Kube().Patch(resource, ns, name, kube::PatchType::kMerge,
                              R"({"metadata":{"finalizers":null}})");
  EXPECT_TRUE(patched.ok() || patched.error().code == ErrorCode::kNotFound)
      << patched.error().ToString();
}

// Deletes the namespace's Config through force-delete (the DELETE webhook lets it through).
void ForceDeleteConfig(const std::string& ns) {
  auto annotated = Kube().Patch(
      v1alpha1::kConfigResource, ns, std::string(v1alpha1::kSingletonName), kube::PatchType::kMerge,
      Json({{"metadata", {{"annotations", {{v1alpha1::annotation::kForceDelete, "true"}}}}}})
          .dump());
  ASSERT_TRUE(annotated.ok()) << annotated.error().ToString();
  auto deleted =
      Kube().Delete(v1alpha1::kConfigResource, ns, std::string(v1alpha1::kSingletonName));
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
}

// The request was refused by our webhook `webhook` (not by the schema or CEL) with 403 and a
// message containing every token.
void ExpectDeniedBy(const Result<Json>& result, std::string_view webhook,
                    const std::vector<std::string>& tokens) {
  ASSERT_FALSE(result.ok()) << "the request was admitted";
  EXPECT_EQ(result.error().http_status, 403) << result.error().ToString();
  const std::string& message = result.error().message;
  EXPECT_NE(message.find("admission webhook \"" + std::string(webhook) + "\" denied the request"),
            std::string::npos)
      << message;
  for (const auto& token : tokens) {
    EXPECT_NE(message.find(token), std::string::npos) << "\"" << token << "\" not in " << message;
  }
}

bool IsNotFound(const Result<Json>& result) {
  return !result.ok() && result.error().code == ErrorCode::kNotFound;
}

void ExpectAdmitted(const Result<Json>& result) {
  EXPECT_TRUE(result.ok()) << result.error().ToString();
}

// A namespace with BASE-CFG, optionally held by the Config finalizer.
std::string NamespaceWithConfig(const std::string& ns, bool held) {
  EnsureNamespace(ns);
  Json config = BaseConfig(ns);
  if (held) config = WithFinalizer(config, v1alpha1::finalizer::kConfig);
  MustCreate(v1alpha1::kConfigResource, ns, config);
  return ns;
}

Result<Json> DryRunCreate(const kube::ResourceRef& resource, const std::string& ns,
                          const Json& object) {
  return Kube().Create(resource, ns, object, {.dry_run = true});
}

}  // namespace awio::admission::integration
