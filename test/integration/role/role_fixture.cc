// Implementation of the role reconciler test fixture.
#include "role_fixture.h"

#include <algorithm>

#include "api/v1alpha1/resources.h"
#include "base/encoding.h"
#include "base/time.h"
#include "controllers/ack_resources.h"
#include "inventory/resolver.h"
#include "kube/resource.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::controllers::role::test {
namespace {

using namespace std::chrono_literals;

// How long the event recorder may take to write what it was given.
constexpr std::chrono::milliseconds kEventWriteTimeout = 20s;
// Time ACK "wrote" its conditions; a fixed value keeps status stable between passes.
constexpr char kTransitionTime[] = "2026-01-01T00:00:00Z";
const kube::ResourceRef kDaemonSets{"apps", "v1", "daemonsets", true, "DaemonSet"};

bool IsNotFound(const Result<Json>& result) {
  return !result.ok() && result.error().code == ErrorCode::kNotFound;
}

Json Property(const std::string& name, const std::string& value) {
  return {{"name", name}, {"value", value}};
}

}  // namespace

void PrintTo(const SeenEvent& event, std::ostream* out) {
  *out << event.type << "/" << event.reason << "/" << event.action << " on " << event.regarding
       << ": " << event.note;
}

void RoleReconcilerTest::SetUp() {
  const auto& env = awio::test::SharedEnvironment();
  hub_ = awio::test::AdminClient(env.hub());
  target_ = awio::test::AdminClient(env.cluster(kTargetCluster));
  auto recorder = runtime::EventRecorder::Create(
      hub_, {.reporting_controller = std::string(kFieldManager),
             .reporting_instance = "role-reconciler-integration-test"});
  ASSERT_TRUE(recorder.ok()) << recorder.error().ToString();
  recorder_ = std::move(*recorder);
  options_ = {};
  options_.hub = hub_;
  options_.remote = [this](const std::string& key) -> Result<std::shared_ptr<kube::Client>> {
    remote_keys_.push_back(key);
    return target_;
  };
  options_.events = recorder_.get();
}

void RoleReconcilerTest::TearDown() {
  for (const auto& [ns, name] : roles_) {
    auto patched = hub_->Patch(api::v1alpha1::kRoleResource, ns, name, kube::PatchType::kMerge,
                               R"({"metadata":{"finalizers":null}})");
    EXPECT_TRUE(patched.ok() || IsNotFound(patched)) << patched.error().ToString();
    auto deleted = hub_->Delete(api::v1alpha1::kRoleResource, ns, name);
    EXPECT_TRUE(deleted.ok() || IsNotFound(deleted)) << deleted.error().ToString();
  }
  for (const auto& [ns, name] : service_accounts_) {
    auto deleted = target_->Delete(kube::resources::kServiceAccounts, ns, name);
    EXPECT_TRUE(deleted.ok() || IsNotFound(deleted)) << deleted.error().ToString();
  }
  if (agent_) {
    auto deleted = target_->Delete(kDaemonSets, "kube-system", "eks-pod-identity-agent");
    EXPECT_TRUE(deleted.ok() || IsNotFound(deleted)) << deleted.error().ToString();
  }
  recorder_.reset();
}

void RoleReconcilerTest::Prepare(const std::string& ns, const Setup& setup) {
  auto made = hub_->Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", ns}}}});
  ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
      << made.error().ToString();
  auto deleted = hub_->Delete(api::v1alpha1::kOperatorConfigResource, "", "default");
  ASSERT_TRUE(deleted.ok() || IsNotFound(deleted)) << deleted.error().ToString();
  if (setup.operator_config) {
    auto created = hub_->Create(api::v1alpha1::kOperatorConfigResource, "",
                                {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                                 {"kind", "AWSWorkloadIdentityOperatorConfig"},
                                 {"metadata", {{"name", "default"}}},
                                 {"spec", {{"permissionsBoundaryARN", kBoundaryArn}}}});
    ASSERT_TRUE(created.ok()) << created.error().ToString();
  }
  if (setup.config) CreateConfig(ns, setup.delivery, setup.config_ready, setup.config_status);
  if (!setup.cluster_profile) return;

  Json profile = {
      {"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
      {"kind", "ClusterProfile"},
      {"metadata",
       {{"name", ns},
        {"namespace", ns},
        {"labels",
         {{"open-cluster-management.io/cluster-name", ns},
          {"x-k8s.io/cluster-manager", "open-cluster-management"}}}}},
      {"spec", {{"displayName", ns}, {"clusterManager", {{"name", "open-cluster-management"}}}}}};
  auto stored = hub_->Create(inventory::kClusterProfileResource, ns, profile);
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  // The schema refuses empty values: a missing name is an absent property.
  Json properties = Json::array(
      {Property("aws.identity.appthrust.io/eks-cluster-arn",
                "arn:aws:eks:ap-northeast-1:123456789012:cluster/" + setup.eks_cluster_name),
       Property("aws.identity.appthrust.io/aws-account-id", kAccountId)});
  if (!setup.eks_cluster_name.empty()) {
    properties.push_back(
        Property("aws.identity.appthrust.io/eks-cluster-name", setup.eks_cluster_name));
  }
  if (setup.auto_mode) {
    properties.push_back(Property("aws.identity.appthrust.io/eks-auto-mode", "true"));
  }
  const auto& target = awio::test::SharedEnvironment().cluster(kTargetCluster);
  (*stored)["status"] = {
      {"accessProviders",
       Json::array({{{"name", "test"},
                     {"cluster",
                      {{"server", target.server},
                       {"certificate-authority-data",
                        base::Base64Encode(awio::test::ReadFileOrDie(target.ca_file))}}}}})},
      {"properties", properties}};
  auto updated =
      hub_->Update(inventory::kClusterProfileResource, ns, *stored, {.subresource = "status"});
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
}

void RoleReconcilerTest::CreateConfig(const std::string& ns, const std::string& delivery,
                                      bool ready, bool issuer_status) {
  Json spec = {{"type", delivery}, {"region", "ap-northeast-1"}};
  if (delivery == "EKSIRSA") {
    spec["eksIRSA"] = {{"issuerURL", std::string("https://") + kEksHostPath},
                       {"oidcProvider", {{"management", "External"}, {"arn", kEksProviderArn}}}};
  }
  auto created = hub_->Create(api::v1alpha1::kConfigResource, ns,
                              {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                               {"kind", "AWSWorkloadIdentityConfig"},
                               {"metadata", {{"name", "default"}, {"namespace", ns}}},
                               {"spec", spec}});
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  Json status = {{"conditions", Json::array({{{"type", "Ready"},
                                              {"status", ready ? "True" : "False"},
                                              {"reason", ready ? "Reconciled" : "WaitingForACK"},
                                              {"message", "set by the test"},
                                              {"lastTransitionTime", kTransitionTime}}})}};
  if (issuer_status && delivery == "SelfHostedIRSA") {
    status["issuerHostPath"] = kSelfHostedHostPath;
    status["oidcProviderARN"] = kSelfHostedProviderArn;
  } else if (issuer_status && delivery == "EKSIRSA") {
    status["issuerHostPath"] = kEksHostPath;
    status["oidcProviderARN"] = kEksProviderArn;
  }
  MergePatch(*hub_, api::v1alpha1::kConfigResource, ns, "default", {{"status", status}}, "status");
}

Json RoleReconcilerTest::CreateRole(const std::string& ns, const std::string& name,
                                    const std::string& sa_ns, const std::string& sa_name,
                                    const Json& policy) {
  Json spec = policy;
  spec["serviceAccount"] = {{"namespace", sa_ns}, {"name", sa_name}};
  auto created = hub_->Create(api::v1alpha1::kRoleResource, ns,
                              {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                               {"kind", "AWSServiceAccountRole"},
                               {"metadata", {{"name", name}, {"namespace", ns}}},
                               {"spec", spec}});
  EXPECT_TRUE(created.ok()) << created.error().ToString();
  roles_.insert({ns, name});
  return created.ok() ? *created : Json();
}

Json RoleReconcilerTest::GetRole(const std::string& ns, const std::string& name) {
  return Fetch(*hub_, api::v1alpha1::kRoleResource, ns, name);
}

void RoleReconcilerTest::DeleteRole(const std::string& ns, const std::string& name) {
  auto deleted = hub_->Delete(api::v1alpha1::kRoleResource, ns, name);
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
}

Result<runtime::ReconcileResult> RoleReconcilerTest::Reconcile(const std::string& ns,
                                                               const std::string& name) {
  Reconciler reconciler(options_);
  return reconciler.Reconcile({.cluster = "", .ns = ns, .name = name});
}

runtime::ReconcileResult RoleReconcilerTest::ReconcileOk(const std::string& ns,
                                                         const std::string& name) {
  auto result = Reconcile(ns, name);
  if (!result.ok()) {
    ADD_FAILURE() << "reconcile of " << ns << "/" << name
                  << " failed: " << result.error().ToString();
    return runtime::ReconcileResult::Done();
  }
  return *result;
}

void RoleReconcilerTest::SetAckStatus(const kube::ResourceRef& resource, const std::string& ns,
                                      const std::string& name, bool synced,
                                      const std::string& arn) {
  Json metadata = {{"ownerAccountID", kAccountId}, {"region", "ap-northeast-1"}};
  metadata["arn"] = arn.empty() ? Json() : Json(arn);
  Json condition = {{"type", "ACK.ResourceSynced"},
                    {"status", synced ? "True" : "False"},
                    {"lastTransitionTime", kTransitionTime},
                    {"message", synced ? "Resource synced successfully" : "Resource not synced"}};
  MergePatch(
      *hub_, resource, ns, name,
      {{"status", {{"conditions", Json::array({condition})}, {"ackResourceMetadata", metadata}}}},
      "status");
}

void RoleReconcilerTest::MergePatch(kube::Client& client, const kube::ResourceRef& resource,
                                    const std::string& ns, const std::string& name,
                                    const Json& patch, const std::string& subresource) {
  auto patched = client.Patch(resource, ns, name, kube::PatchType::kMerge, patch.dump(),
                              {.subresource = subresource});
  ASSERT_TRUE(patched.ok()) << resource.kind << " " << ns << "/" << name << ": "
                            << patched.error().ToString();
}

Json RoleReconcilerTest::Fetch(kube::Client& client, const kube::ResourceRef& resource,
                               const std::string& ns, const std::string& name) {
  auto got = client.Get(resource, resource.namespaced ? ns : "", name);
  if (!got.ok()) {
    EXPECT_EQ(got.error().code, ErrorCode::kNotFound) << got.error().ToString();
    return nullptr;
  }
  return *got;
}

void RoleReconcilerTest::CreateServiceAccount(const std::string& ns, const std::string& name,
                                              const Json& annotations) {
  auto made = target_->Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", ns}}}});
  ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
      << made.error().ToString();
  Json metadata = {{"name", name}, {"namespace", ns}};
  if (!annotations.empty()) metadata["annotations"] = annotations;
  auto created =
      target_->Create(kube::resources::kServiceAccounts, ns,
                      {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", metadata}});
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  service_accounts_.insert({ns, name});
}

Json RoleReconcilerTest::ServiceAccountAnnotations(const std::string& ns, const std::string& name) {
  Json sa = Fetch(*target_, kube::resources::kServiceAccounts, ns, name);
  if (sa.is_null()) return nullptr;
  return sa["metadata"].value("annotations", Json::object());
}

void RoleReconcilerTest::SetAgentDaemonSet(int available) {
  agent_ = true;
  Json labels = {{"app.kubernetes.io/name", "eks-pod-identity-agent"}};
  auto existing = target_->Get(kDaemonSets, "kube-system", "eks-pod-identity-agent");
  if (IsNotFound(existing)) {
    auto created = target_->Create(
        kDaemonSets, "kube-system",
        {{"apiVersion", "apps/v1"},
         {"kind", "DaemonSet"},
         {"metadata", {{"name", "eks-pod-identity-agent"}, {"namespace", "kube-system"}}},
         {"spec",
          {{"selector", {{"matchLabels", labels}}},
           {"template",
            {{"metadata", {{"labels", labels}}},
             {"spec",
              {{"containers",
                Json::array({{{"name", "agent"},
                              {"image", "example.com/eks-pod-identity-agent"}}})}}}}}}}});
    ASSERT_TRUE(created.ok()) << created.error().ToString();
  }
  MergePatch(*target_, kDaemonSets, "kube-system", "eks-pod-identity-agent",
             {{"status",
               {{"currentNumberScheduled", 2},
                {"desiredNumberScheduled", 2},
                {"numberMisscheduled", 0},
                {"numberReady", available},
                {"numberAvailable", available}}}},
             "status");
}

std::vector<SeenEvent> RoleReconcilerTest::Events(const std::string& ns) {
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
  }
  return events;
}

Json RoleReconcilerTest::DriveToDelivered(const std::string& ns, const std::string& name) {
  ReconcileOk(ns, name);
  ReconcileOk(ns, name);
  const Json role = GetRole(ns, name);
  const std::string ack_name = ExpectedRoleName(ns, name, Uid(role));
  SetAckStatus(kAckRoleResource, ns, ack_name, true, RoleArn(ack_name));
  EXPECT_EQ(ReconcileOk(ns, name).requeue_after, kTransientRequeue);
  EXPECT_EQ(ReconcileOk(ns, name).requeue_after, kSteadyStateRequeue);
  return GetRole(ns, name);
}

std::string Condition(const Json& object, std::string_view type) {
  if (!object.is_object()) return "";
  for (const auto& c : object.value("status", Json::object()).value("conditions", Json::array())) {
    if (c.value("type", "") == type) {
      return c.value("status", "") + "/" + c.value("reason", "") + ": " + c.value("message", "");
    }
  }
  return "";
}

std::string Uid(const Json& object) {
  return object.value("metadata", Json::object()).value("uid", "");
}

std::string ResourceVersion(const Json& object) {
  return object.value("metadata", Json::object()).value("resourceVersion", "");
}

std::string HashTail(const std::string& joined) { return base::Sha256Hex(joined).substr(0, 10); }

std::string ExpectedRoleName(const std::string& ns, const std::string& name,
                             const std::string& uid) {
  return "awi-" + ns + "-" + name + "-" + HashTail(uid + "/" + ns + "/" + name);
}

std::string ExpectedPolicyName(const std::string& ns, const std::string& name,
                               const std::string& uid) {
  return "awi-pol-" + ns + "-" + name + "-" + HashTail(uid + "/policy/" + ns + "/" + name);
}

std::string OwnerLabel(const std::string& ns, const std::string& name) {
  return ns + "-" + name + "-" + HashTail(ns + "/" + name);
}

Json RoleLabels(const std::string& uid, const std::string& ns, const std::string& name,
                const std::string& sa_ns, const std::string& sa_name, const std::string& delivery) {
  return {{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
          {"aws.identity.appthrust.io/binding-uid", uid},
          {"aws.identity.appthrust.io/delivery", delivery},
          {"aws.identity.appthrust.io/owner-ref", OwnerLabel(ns, name)},
          {"aws.identity.appthrust.io/service-account", OwnerLabel(sa_ns, sa_name)}};
}

Json RoleTags(const Json& labels) {
  Json tags = Json::array();
  for (const auto& [key, value] : labels.items()) tags.push_back({{"key", key}, {"value", value}});
  return tags;
}

Json OwnerReferences(const std::string& name, const std::string& uid) {
  return Json::array({{{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                       {"kind", "AWSServiceAccountRole"},
                       {"name", name},
                       {"uid", uid},
                       {"controller", true},
                       {"blockOwnerDeletion", true}}});
}

}  // namespace awio::controllers::role::test
