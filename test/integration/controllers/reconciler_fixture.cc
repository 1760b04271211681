// Implementation of the config reconciler test fixture.
#include "reconciler_fixture.h"

#include <algorithm>
#include <stdexcept>

#include "api/v1alpha1/resources.h"
#include "aws/credentials.h"
#include "base/encoding.h"
#include "base/time.h"
#include "controllers/ack_resources.h"
#include "inventory/resolver.h"
#include "kube/resource.h"
#include "oidc/publisher.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"
#include "webhookruntime/objects.h"

namespace awio::controllers::config::test {
namespace {

using namespace std::chrono_literals;

// How long the event recorder may take to write what it was given.
constexpr std::chrono::milliseconds kEventWriteTimeout = 20s;
// The chart's ManifestWork labels on the webhook namespace it bootstraps (spec §9.5).
const Json kBootstrapLabels = {
    {"app.kubernetes.io/name", "pod-identity-webhook"},
    {"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
    {"aws.identity.appthrust.io/runtime", "self-hosted-webhook"},
};
// Time ACK "wrote" its conditions; any RFC 3339 value works, a fixed one keeps status stable.
constexpr char kAckTransitionTime[] = "2026-01-01T00:00:00Z";
constexpr char kAccountId[] = "123456789012";

bool IsNotFound(const Result<Json>& result) {
  return !result.ok() && result.error().code == ErrorCode::kNotFound;
}

testenv::HttpResponse Emulator(const std::string& method, const std::string& path,
                               const std::string& body = {}) {
  testenv::HttpRequest request =
      awio::test::SharedEnvironment().aws().Request("s3", method, path, body);
  // libcurl would label the body as a form, which the emulator then parses instead of storing.
  if (!body.empty()) request.headers.push_back("Content-Type: text/plain");
  return testenv::Send(request);
}

std::shared_ptr<aws::CredentialsProvider> EmulatorKeys() {
  const auto& emulator = awio::test::SharedEnvironment().aws();
  aws::Credentials credentials;
  credentials.access_key_id = emulator.access_key_id;
  credentials.secret_access_key = aws::SecretString(emulator.secret_access_key);
  credentials.source = "test";
  return std::make_shared<aws::StaticCredentialsProvider>(credentials);
}

}  // namespace

const oidc::GeneratedSigningKey& TargetSigningKey() {
  static const oidc::GeneratedSigningKey key = [] {
    auto generated = oidc::GenerateSigningKey();
    if (!generated.ok()) throw std::runtime_error(generated.error().message);
    return *generated;
  }();
  return key;
}

aws::HttpTransport S3CallLog::Transport() {
  return [this](const aws::HttpRequest& request) {
    {
      std::lock_guard lock(mutex_);
      const size_t path = request.url.find('/', request.url.find("://") + 3);
      const size_t key = request.url.find('/', path + 1);
      calls_.push_back(request.method + " " +
                       (key == std::string::npos ? std::string() : request.url.substr(key + 1)));
    }
    return real_(request);
  };
}

std::vector<std::string> S3CallLog::Take() {
  std::lock_guard lock(mutex_);
  return std::exchange(calls_, {});
}

void PrintTo(const SeenEvent& event, std::ostream* out) {
  *out << event.type << "/" << event.reason << "/" << event.action << " on " << event.regarding
       << ": " << event.note;
}

void ConfigReconcilerTest::SetUp() {
  const auto& env = awio::test::SharedEnvironment();
  hub_ = awio::test::AdminClient(env.hub());
  target_ = awio::test::AdminClient(env.cluster(kTargetCluster));
  s3_calls_ = std::make_shared<S3CallLog>();

  auto recorder = runtime::EventRecorder::Create(
      hub_, {.reporting_controller = std::string(kFieldManager),
             .reporting_instance = "config-reconciler-integration-test"});
  ASSERT_TRUE(recorder.ok()) << recorder.error().ToString();
  recorder_ = std::move(*recorder);

  options_ = {};
  options_.hub = hub_;
  options_.remote = [this](const std::string& key) -> Result<std::shared_ptr<kube::Client>> {
    remote_keys_.push_back(key);
    return target_;
  };
  options_.publishers = std::make_shared<oidc::PublisherCache>(
      oidc::PublisherOptions{.endpoint_override = env.aws().endpoint,
                             .allow_plain_http = true,
                             .credentials = EmulatorKeys(),
                             .transport = s3_calls_->Transport()});
  options_.events = recorder_.get();
  options_.webhook_image = kWebhookImage;
  RemoveTargetClusterScoped();
}

void ConfigReconcilerTest::TearDown() {
  for (const auto& ns : config_namespaces_) ForgetConfig(ns);
  RemoveTargetClusterScoped();
  recorder_.reset();
}

void ConfigReconcilerTest::Prepare(const std::string& ns, Setup setup) {
  auto made = hub_->Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", ns}}}});
  ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
      << made.error().ToString();
  DeleteOperatorConfig();
  CreateOperatorConfig(WebhookNamespace(ns));

  if (setup.cluster_profile) {
    Json profile = Create(
        *hub_, inventory::kClusterProfileResource, ns,
        {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
         {"kind", "ClusterProfile"},
         {"metadata",
          {{"name", ns},
           {"namespace", ns},
           {"labels",
            {{"open-cluster-management.io/cluster-name", ns},
             {"x-k8s.io/cluster-manager", "open-cluster-management"}}}}},
         {"spec",
          {{"displayName", ns}, {"clusterManager", {{"name", "open-cluster-management"}}}}}});
    if (setup.access_providers) {
      const auto& target = awio::test::SharedEnvironment().cluster(kTargetCluster);
      profile["status"] = {
          {"accessProviders",
           Json::array({{{"name", "test"},
                         {"cluster",
                          {{"server", target.server},
                           {"certificate-authority-data",
                            base::Base64Encode(awio::test::ReadFileOrDie(target.ca_file))}}}}})}};
      auto updated =
          hub_->Update(inventory::kClusterProfileResource, ns, profile, {.subresource = "status"});
      ASSERT_TRUE(updated.ok()) << updated.error().ToString();
    }
  }
  if (setup.webhook_namespace) BootstrapWebhookNamespace(WebhookNamespace(ns));
}

Json ConfigReconcilerTest::CreateConfig(const std::string& ns, const Json& spec,
                                        const Json& metadata) {
  Json object = {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                 {"kind", "AWSWorkloadIdentityConfig"},
                 {"metadata", metadata},
                 {"spec", spec}};
  object["metadata"]["name"] = "default";
  object["metadata"]["namespace"] = ns;
  config_namespaces_.insert(ns);
  return Create(*hub_, api::v1alpha1::kConfigResource, ns, object);
}

Json ConfigReconcilerTest::GetConfig(const std::string& ns) {
  return Fetch(*hub_, api::v1alpha1::kConfigResource, ns, "default");
}

void ConfigReconcilerTest::PatchConfigStatus(const std::string& ns, const Json& status) {
  MergePatch(*hub_, api::v1alpha1::kConfigResource, ns, "default", {{"status", status}}, "status");
}

void ConfigReconcilerTest::MergePatch(kube::Client& client, const kube::ResourceRef& resource,
                                      const std::string& ns, const std::string& name,
                                      const Json& patch, const std::string& subresource) {
  auto patched = client.Patch(resource, ns, name, kube::PatchType::kMerge, patch.dump(),
                              {.subresource = subresource});
  ASSERT_TRUE(patched.ok()) << resource.kind << " " << ns << "/" << name << ": "
                            << patched.error().ToString();
}

void ConfigReconcilerTest::DeleteConfig(const std::string& ns) {
  auto deleted = hub_->Delete(api::v1alpha1::kConfigResource, ns, "default");
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
}

void ConfigReconcilerTest::ForgetConfig(const std::string& ns) {
  auto patched = hub_->Patch(api::v1alpha1::kConfigResource, ns, "default", kube::PatchType::kMerge,
                             R"({"metadata":{"finalizers":null}})");
  EXPECT_TRUE(patched.ok() || IsNotFound(patched)) << patched.error().ToString();
  auto deleted = hub_->Delete(api::v1alpha1::kConfigResource, ns, "default");
  EXPECT_TRUE(deleted.ok() || IsNotFound(deleted)) << deleted.error().ToString();
}

void ConfigReconcilerTest::CreateOperatorConfig(const std::string& webhook_namespace) {
  Create(*hub_, api::v1alpha1::kOperatorConfigResource, "",
         {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
          {"kind", "AWSWorkloadIdentityOperatorConfig"},
          {"metadata", {{"name", "default"}}},
          {"spec", {{"selfHostedIRSA", {{"webhookNamespace", webhook_namespace}}}}}});
}

void ConfigReconcilerTest::DeleteOperatorConfig() {
  auto deleted = hub_->Delete(api::v1alpha1::kOperatorConfigResource, "", "default");
  ASSERT_TRUE(deleted.ok() || IsNotFound(deleted)) << deleted.error().ToString();
}

Json ConfigReconcilerTest::Fetch(kube::Client& client, const kube::ResourceRef& resource,
                                 const std::string& ns, const std::string& name) {
  auto got = client.Get(resource, resource.namespaced ? ns : "", name);
  if (!got.ok()) {
    EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << got.error().ToString();
    return nullptr;
  }
  return *got;
}

Json ConfigReconcilerTest::Create(kube::Client& client, const kube::ResourceRef& resource,
                                  const std::string& ns, const Json& object) {
  auto created = client.Create(resource, ns, object);
  EXPECT_TRUE(created.ok()) << resource.kind << " " << ns << ": " << created.error().ToString();
  return created.ok() ? *created : Json();
}

Json ConfigReconcilerTest::StartSelfHostedConfig(const std::string& ns, const std::string& region) {
  CreateConfig(ns, {{"type", "SelfHostedIRSA"}, {"region", region}});
  ReconcileOk(ns);
  return GetConfig(ns);
}

void ConfigReconcilerTest::SyncBucket(const std::string& ns, const std::string& bucket,
                                      const std::string& region) {
  CreateEmulatorBucket(bucket, region);
  SetAckStatus(kAckBucketResource, ns, bucket, true);
}

Result<runtime::ReconcileResult> ConfigReconcilerTest::Reconcile(const std::string& ns) {
  Reconciler reconciler(options_);
  return reconciler.Reconcile({.cluster = "", .ns = ns, .name = "default"});
}

runtime::ReconcileResult ConfigReconcilerTest::ReconcileOk(const std::string& ns) {
  auto result = Reconcile(ns);
  if (!result.ok()) {
    ADD_FAILURE() << "reconcile of " << ns << "/default failed: " << result.error().ToString();
    return runtime::ReconcileResult::Done();
  }
  return *result;
}

void ConfigReconcilerTest::SetAckStatus(const kube::ResourceRef& resource, const std::string& ns,
                                        const std::string& name, bool synced,
                                        const std::string& arn) {
  Json metadata = {{"ownerAccountID", kAccountId}, {"region", kRegion}};
  metadata["arn"] = arn.empty() ? Json() : Json(arn);
  Json condition = {{"type", "ACK.ResourceSynced"},
                    {"status", synced ? "True" : "False"},
                    {"lastTransitionTime", kAckTransitionTime},
                    {"message", synced ? "Resource synced successfully" : "Resource not synced"}};
  MergePatch(
      *hub_, resource, ns, name,
      {{"status", {{"conditions", Json::array({condition})}, {"ackResourceMetadata", metadata}}}},
      "status");
}

void ConfigReconcilerTest::SetFinalizers(const kube::ResourceRef& resource, const std::string& ns,
                                         const std::string& name,
                                         const std::vector<std::string>& finalizers) {
  MergePatch(*hub_, resource, ns, name, {{"metadata", {{"finalizers", finalizers}}}});
}

void ConfigReconcilerTest::CreateEmulatorBucket(const std::string& bucket,
                                                const std::string& region) {
  std::string body;
  if (region != "us-east-1") {
    body =
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>" +
        region + "</LocationConstraint></CreateBucketConfiguration>";
  }
  auto response = Emulator("PUT", "/" + bucket, body);
  ASSERT_EQ(response.status, 200) << "create bucket " << bucket << ": " << response.error
                                  << response.body;
}

void ConfigReconcilerTest::PutS3Object(const std::string& bucket, const std::string& key,
                                       const std::string& body) {
  auto response = Emulator("PUT", "/" + bucket + "/" + key, body);
  ASSERT_EQ(response.status, 200) << "put " << bucket << "/" << key << ": " << response.error
                                  << response.body;
}

S3Object ConfigReconcilerTest::GetS3Object(const std::string& bucket, const std::string& key) {
  auto response = Emulator("GET", "/" + bucket + "/" + key);
  return {response.status, response.body, response.headers};
}

void ConfigReconcilerTest::BootstrapWebhookNamespace(const std::string& webhook_namespace) {
  auto made =
      target_->Create(kube::resources::kNamespaces, "",
                      {{"metadata", {{"name", webhook_namespace}, {"labels", kBootstrapLabels}}}});
  ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
      << made.error().ToString();
}

void ConfigReconcilerTest::MarkWebhookDeploymentAvailable(const std::string& webhook_namespace) {
  Json deployment =
      Fetch(*target_, kube::resources::kDeployments, webhook_namespace, "pod-identity-webhook");
  ASSERT_FALSE(deployment.is_null()) << "no webhook Deployment in " << webhook_namespace;
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
  MergePatch(*target_, kube::resources::kDeployments, webhook_namespace, "pod-identity-webhook",
             {{"status", status}}, "status");
}

void ConfigReconcilerTest::RemoveTargetClusterScoped() {
  for (const kube::ResourceRef* resource :
       {&webhookruntime::resources::kMutatingWebhookConfigurations,
        &webhookruntime::resources::kClusterRoleBindings,
        &webhookruntime::resources::kClusterRoles}) {
    auto deleted = target_->Delete(*resource, "", "pod-identity-webhook");
    ASSERT_TRUE(deleted.ok() || IsNotFound(deleted)) << deleted.error().ToString();
  }
}

std::vector<SeenEvent> ConfigReconcilerTest::Events(const std::string& ns) {
  EXPECT_TRUE(recorder_->WaitIdle(kEventWriteTimeout)) << "event recorder did not finish";
  auto listed = hub_->ListAll(kube::resources::kEvents, ns);
  EXPECT_TRUE(listed.ok()) << listed.error().ToString();
  std::vector<SeenEvent> events;
  if (!listed.ok()) return events;
  for (const auto& item : (*listed)["items"]) {
    events.push_back({item.value("type", ""), item.value("reason", ""), item.value("action", ""),
                      item.value("note", ""),
                      item.value("regarding", Json::object()).value("kind", "") + "/" +
                          item.value("regarding", Json::object()).value("name", "")});
    EXPECT_EQ(item.value("reportingController", ""), kFieldManager);
  }
  return events;
}

Json OwnerReferences(const std::string& uid) {
  return Json::array({{{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                       {"kind", "AWSWorkloadIdentityConfig"},
                       {"name", "default"},
                       {"uid", uid},
                       {"controller", true},
                       {"blockOwnerDeletion", true}}});
}

Json ConfigLabels(const std::string& uid, const std::string& owner_ref,
                  const std::string& delivery) {
  return {{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
          {"aws.identity.appthrust.io/config-uid", uid},
          {"aws.identity.appthrust.io/delivery", delivery},
          {"aws.identity.appthrust.io/owner-ref", owner_ref}};
}

Json ConfigTags(const std::string& uid, const std::string& owner_ref, const std::string& delivery) {
  return Json::array(
      {{{"key", "app.kubernetes.io/managed-by"}, {"value", "aws-workload-identity-operator"}},
       {{"key", "aws.identity.appthrust.io/config-uid"}, {"value", uid}},
       {{"key", "aws.identity.appthrust.io/delivery"}, {"value", delivery}},
       {{"key", "aws.identity.appthrust.io/owner-ref"}, {"value", owner_ref}}});
}

std::string KidOf(const std::string& public_pem) {
  const size_t begin = public_pem.find('\n', public_pem.find("-----BEGIN ")) + 1;
  const size_t end = public_pem.find("-----END ");
  std::string body;
  for (char c : public_pem.substr(begin, end - begin)) {
    if (c != '\n') body += c;
  }
  auto der = base::Base64Decode(body);
  return der ? base::Base64UrlEncode(base::Sha256(*der)) : std::string();
}

std::string Condition(const Json& object, std::string_view type) {
  const Json entry = ConditionEntry(object, type);
  if (entry.is_null()) return "";
  return entry.value("status", "") + "/" + entry.value("reason", "") + ": " +
         entry.value("message", "");
}

Json ConditionEntry(const Json& object, std::string_view type) {
  if (!object.is_object()) return nullptr;
  for (const auto& c : object.value("status", Json::object()).value("conditions", Json::array())) {
    if (c.value("type", "") == type) return c;
  }
  return nullptr;
}

std::vector<std::string> ConditionTypes(const Json& object) {
  std::vector<std::string> types;
  for (const auto& c : object.value("status", Json::object()).value("conditions", Json::array())) {
    types.push_back(c.value("type", ""));
  }
  std::sort(types.begin(), types.end());
  return types;
}

std::vector<std::string> StatusKeys(const Json& object) {
  std::vector<std::string> keys;
  const Json status = object.value("status", Json::object());
  for (const auto& [key, value] : status.items()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::string ResourceVersion(const Json& object) {
  return object.value("metadata", Json::object()).value("resourceVersion", "");
}

std::string Uid(const Json& object) {
  return object.value("metadata", Json::object()).value("uid", "");
}

std::string SecretData(const Json& secret, const std::string& key) {
  auto encoded = secret.value("data", Json::object()).value(key, "");
  auto decoded = base::Base64Decode(encoded);
  return decoded ? *decoded : std::string();
}

}  // namespace awio::controllers::config::test
