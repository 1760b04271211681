// The Webhook-layer vectors of spec/api.md §11.7 (Config DELETE), §11.9 (Role CREATE and
// UPDATE) and §11.12 (ReplicaSet) played through a real kube-apiserver: real objects of the
// project's CRDs are created, updated and deleted, and the API server asks the webhook (set up
// by webhook_environment.h), whose lookups read from the same API server. Each test works in its
// own namespace, named after the vector; objects left terminating are released by their test.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "admission/lookup.h"
#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/resources.h"
#include "integration/admission/webhook_environment.h"
#include "unit/admission/fixtures.h"

namespace awio::admission::integration {
namespace {

namespace v1alpha1 = api::v1alpha1;
using testing::Annotated;
using testing::BaseConfig;
using testing::BaseReplicaSet;
using testing::RoleObject;

std::string NameOf(const Json& object) { return object["metadata"]["name"]; }

// ---- §11.7 AWSWorkloadIdentityConfig DELETE ----

struct ConfigDeleteVector {
  std::string id;
  std::optional<std::string> force_delete;  // annotation value on the Config
  bool role;                                // one Role app(app) in the namespace
  bool role_terminating;
  bool allowed;
};

class ConfigDeleteVectors : public WebhookTest,
                            public ::testing::WithParamInterface<ConfigDeleteVector> {};

// Validates that deleting a Config through the API server is allowed or denied as the §11.7
// vector says (§8.3), and that a denial comes from the Config webhook and explains itself.
TEST_P(ConfigDeleteVectors, ConfigDelete_Vector_MatchesSpec) {
  const auto& v = GetParam();
  const std::string ns = "wlc-" + v.id;
  EnsureNamespace(ns);
  Json config = BaseConfig(ns);
  if (v.force_delete)
    config = Annotated(config, v1alpha1::annotation::kForceDelete, *v.force_delete);
  MustCreate(v1alpha1::kConfigResource, ns, config);
  if (v.role) {
    Json role = RoleObject("app", "app", ns);
    if (v.role_terminating) role = WithFinalizer(role, v1alpha1::finalizer::kRole);
    MustCreate(v1alpha1::kRoleResource, ns, role);
    if (v.role_terminating) MustTerminate(v1alpha1::kRoleResource, ns, "app");
  }

  auto deleted =
      Kube().Delete(v1alpha1::kConfigResource, ns, std::string(v1alpha1::kSingletonName));

  if (v.allowed) {
    ExpectAdmitted(deleted);
    EXPECT_TRUE(IsNotFound(Kube().Get(v1alpha1::kConfigResource, ns, "default")));
  } else {
    ExpectDeniedBy(deleted, v1alpha1::webhook::kConfigName, {"remain", ns, ns + "/app"});
    EXPECT_TRUE(Kube().Get(v1alpha1::kConfigResource, ns, "default").ok());
  }
  if (v.role_terminating) ReleaseFinalizers(v1alpha1::kRoleResource, ns, "app");
}

INSTANTIATE_TEST_SUITE_P(Spec, ConfigDeleteVectors,
                         ::testing::Values(
                             // TV-080: a Role remains.
                             ConfigDeleteVector{"tv080", std::nullopt, true, false, false},
                             // TV-081: force-delete "true".
                             ConfigDeleteVector{"tv081", "true", true, false, true},
                             // TV-082: no Roles.
                             ConfigDeleteVector{"tv082", std::nullopt, false, false, true},
                             // TV-083: "True" does not count.
                             ConfigDeleteVector{"tv083", "True", true, false, false},
                             // TV-084: a terminating Role still blocks.
                             ConfigDeleteVector{"tv084", std::nullopt, true, true, false}),
                         [](const auto& vector) { return vector.param.id; });

// ---- §11.9 AWSServiceAccountRole CREATE and UPDATE ----

// TV-110 and TV-111: the same ServiceAccount cannot be bound twice.
// Validates that CREATE of a second Role for default/app is denied, naming the ServiceAccount
// and the existing Role (§8.4 step 3).
TEST_F(WebhookTest, Tv110_DuplicateBinding_IsDenied) {
  const std::string ns = NamespaceWithConfig("wlc-tv110");
  MustCreate(v1alpha1::kRoleResource, ns, RoleObject("existing", "app", ns));

  auto created = Kube().Create(v1alpha1::kRoleResource, ns, RoleObject("candidate", "app", ns));

  ExpectDeniedBy(created, v1alpha1::webhook::kRoleName,
                 {"already bound", "default/app", ns + "/existing", "spec.serviceAccount"});
}

// TV-111: the check must not use a field selector.
// Validates that the API server refuses a field selector on spec.serviceAccount (the CRD
// declares no selectable fields), while the webhook's namespace-only list works (§8.2).
TEST_F(WebhookTest, Tv111_RoleListWithoutFieldSelector_IsWhatWorks) {
  const std::string ns = NamespaceWithConfig("wlc-tv111");
  MustCreate(v1alpha1::kRoleResource, ns, RoleObject("existing", "app", ns));

  auto selected =
      Kube().List(v1alpha1::kRoleResource, ns, {.field_selector = "spec.serviceAccount.name=app"});
  ClientLookup lookup(Suite().client);
  auto listed = lookup.ListRoles(ns, 0);
  auto duplicate = Kube().Create(v1alpha1::kRoleResource, ns, RoleObject("candidate", "app", ns));

  ASSERT_FALSE(selected.ok());
  EXPECT_EQ(selected.error().http_status, 400) << selected.error().ToString();
  ASSERT_TRUE(listed.ok()) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].metadata.name, "existing");
  ExpectDeniedBy(duplicate, v1alpha1::webhook::kRoleName, {"already bound"});
}

// TV-112.
// Validates that a Role for a different ServiceAccount is admitted.
TEST_F(WebhookTest, Tv112_DifferentServiceAccount_IsAllowed) {
  const std::string ns = NamespaceWithConfig("wlc-tv112");
  MustCreate(v1alpha1::kRoleResource, ns, RoleObject("existing", "app", ns));

  ExpectAdmitted(Kube().Create(v1alpha1::kRoleResource, ns, RoleObject("candidate", "other", ns)));
}

// TV-113.
// Validates that a terminating Role no longer holds its ServiceAccount (§8.4 step 3).
TEST_F(WebhookTest, Tv113_ExistingRoleTerminating_CreateIsAllowed) {
  const std::string ns = NamespaceWithConfig("wlc-tv113");
  MustCreate(v1alpha1::kRoleResource, ns,
             WithFinalizer(RoleObject("existing", "app", ns), v1alpha1::finalizer::kRole));
  MustTerminate(v1alpha1::kRoleResource, ns, "existing");

  ExpectAdmitted(Kube().Create(v1alpha1::kRoleResource, ns, RoleObject("candidate", "app", ns)));
  ReleaseFinalizers(v1alpha1::kRoleResource, ns, "existing");
}

// TV-114 and TV-115: no new Role while the Config is being deleted, force-delete or not.
struct TerminatingConfigVector {
  std::string id;
  bool force_delete;
};

class TerminatingConfigVectors : public WebhookTest,
                                 public ::testing::WithParamInterface<TerminatingConfigVector> {};

// Validates that CREATE is denied while the namespace's Config is terminating, even when it
// carries force-delete (§8.4 step 2).
TEST_P(TerminatingConfigVectors, CreateWhileConfigTerminating_IsDenied) {
  const std::string ns = NamespaceWithConfig("wlc-" + GetParam().id, /*held=*/true);
  if (GetParam().force_delete) {
    ASSERT_TRUE(
        Kube()
            .Patch(v1alpha1::kConfigResource, ns, "default", kube::PatchType::kMerge,
                   Json({{"metadata",
                          {{"annotations", {{v1alpha1::annotation::kForceDelete, "true"}}}}}})
                       .dump())
            .ok());
  }
  MustTerminate(v1alpha1::kConfigResource, ns, "default");

  auto created =
      Kube().Create(v1alpha1::kRoleResource, ns, RoleObject("candidate", "fresh-sa", ns));

  ExpectDeniedBy(created, v1alpha1::webhook::kRoleName,
                 {"being deleted", "AWSWorkloadIdentityConfig", ns});
  ReleaseFinalizers(v1alpha1::kConfigResource, ns, "default");
}

INSTANTIATE_TEST_SUITE_P(Spec, TerminatingConfigVectors,
                         ::testing::Values(TerminatingConfigVector{"tv114", false},
                                           TerminatingConfigVector{"tv115", true}),
                         [](const auto& vector) { return vector.param.id; });

// TV-116.
// Validates that CREATE without AWSWorkloadIdentityConfig/default in the Role's namespace is
// denied, naming the namespace (§8.4 step 1).
TEST_F(WebhookTest, Tv116_NoConfig_CreateIsDenied) {
  const std::string ns = "wlc-tv116";
  EnsureNamespace(ns);

  auto created = Kube().Create(v1alpha1::kRoleResource, ns, RoleObject("demo", "demo", ns));

  ExpectDeniedBy(created, v1alpha1::webhook::kRoleName,
                 {"AWSWorkloadIdentityConfig/default", "required", ns});
}

// An unchanged UPDATE (PUT of the object as read).
Result<Json> UpdateUnchanged(const std::string& ns, const std::string& name) {
  auto current = Kube().Get(v1alpha1::kRoleResource, ns, name);
  if (!current.ok()) return current.error();
  return Kube().Update(v1alpha1::kRoleResource, ns, *current);
}

// TV-117.
// Validates that a living Role can be updated while its Config is terminating (§8.5).
TEST_F(WebhookTest, Tv117_ConfigTerminating_UpdateIsAllowed) {
  const std::string ns = NamespaceWithConfig("wlc-tv117", /*held=*/true);
  MustCreate(v1alpha1::kRoleResource, ns, RoleObject("existing", "app", ns));
  ForceDeleteConfig(ns);  // terminating: the finalizer holds it

  ASSERT_TRUE(Kube().Get(v1alpha1::kConfigResource, ns, "default").ok());
  ExpectAdmitted(UpdateUnchanged(ns, "existing"));
  ReleaseFinalizers(v1alpha1::kConfigResource, ns, "default");
}

// TV-118.
// Validates that a terminating sibling with the same binding does not block an UPDATE.
TEST_F(WebhookTest, Tv118_SiblingTerminating_UpdateIsAllowed) {
  const std::string ns = NamespaceWithConfig("wlc-tv118");
  MustCreate(v1alpha1::kRoleResource, ns,
             WithFinalizer(RoleObject("sibling", "app", ns), v1alpha1::finalizer::kRole));
  MustTerminate(v1alpha1::kRoleResource, ns, "sibling");
  MustCreate(v1alpha1::kRoleResource, ns, RoleObject("current", "app", ns));

  ExpectAdmitted(UpdateUnchanged(ns, "current"));
  ReleaseFinalizers(v1alpha1::kRoleResource, ns, "sibling");
}

// TV-119 (objects stored before the webhook was registered, as a create race leaves them).
// Validates that UPDATE does not re-check duplicates: the controller's finalizer add on one of
// two live Roles bound to the same ServiceAccount is admitted (§8.5).
TEST_F(WebhookTest, Tv119_LiveDuplicateSibling_FinalizerAddIsAllowed) {
  auto patched =
      Kube().Patch(v1alpha1::kRoleResource, kTv119Namespace, "current", kube::PatchType::kMerge,
                   Json({{"metadata", {{"finalizers", {v1alpha1::finalizer::kRole}}}}}).dump());

  ExpectAdmitted(patched);
  ReleaseFinalizers(v1alpha1::kRoleResource, kTv119Namespace, "current");
}

// TV-120.
// Validates that a Role can update itself (its own binding is not a duplicate).
TEST_F(WebhookTest, Tv120_SelfUpdate_IsAllowed) {
  const std::string ns = NamespaceWithConfig("wlc-tv120");
  MustCreate(v1alpha1::kRoleResource, ns, RoleObject("existing", "app", ns));

  ExpectAdmitted(UpdateUnchanged(ns, "existing"));
}

// TV-121.
// Validates that a terminating Role may drop its finalizers after its Config was force-deleted
// (§8.5 step 1), so that its deletion completes.
TEST_F(WebhookTest, Tv121_TerminatingOrphan_FinalizerRemovalIsAllowed) {
  const std::string ns = NamespaceWithConfig("wlc-tv121");
  MustCreate(v1alpha1::kRoleResource, ns,
             WithFinalizer(RoleObject("orphan", "app", ns), v1alpha1::finalizer::kRole));
  ForceDeleteConfig(ns);
  MustTerminate(v1alpha1::kRoleResource, ns, "orphan");

  auto released = Kube().Patch(v1alpha1::kRoleResource, ns, "orphan", kube::PatchType::kMerge,
                               R"({"metadata":{"finalizers":[]}})");

  ExpectAdmitted(released);
  EXPECT_TRUE(IsNotFound(Kube().Get(v1alpha1::kRoleResource, ns, "orphan")));
}

// TV-122.
// Validates that a terminating Role may drop its finalizers even while a live sibling binds the
// same ServiceAccount.
TEST_F(WebhookTest, Tv122_TerminatingWithLiveSibling_FinalizerRemovalIsAllowed) {
  const std::string ns = NamespaceWithConfig("wlc-tv122");
  MustCreate(v1alpha1::kRoleResource, ns,
             WithFinalizer(RoleObject("terminating", "app", ns), v1alpha1::finalizer::kRole));
  MustTerminate(v1alpha1::kRoleResource, ns, "terminating");
  MustCreate(v1alpha1::kRoleResource, ns, RoleObject("sibling", "app", ns));

  ExpectAdmitted(Kube().Patch(v1alpha1::kRoleResource, ns, "terminating", kube::PatchType::kMerge,
                              R"({"metadata":{"finalizers":[]}})"));
}

// TV-123 and TV-124: a living Role cannot be updated once its Config is gone.
// Validates that an unchanged UPDATE and a policyARNs change are both denied naming the Config
// (§8.5 step 2).
TEST_F(WebhookTest, Tv123Tv124_ConfigAbsent_LivingRoleUpdateIsDenied) {
  const std::string ns = NamespaceWithConfig("wlc-tv123");
  MustCreate(v1alpha1::kRoleResource, ns, RoleObject("existing", "app", ns));
  ForceDeleteConfig(ns);
  ASSERT_TRUE(IsNotFound(Kube().Get(v1alpha1::kConfigResource, ns, "default")));

  auto unchanged = UpdateUnchanged(ns, "existing");
  auto changed =
      Kube().Patch(v1alpha1::kRoleResource, ns, "existing", kube::PatchType::kMerge,
                   R"({"spec":{"policyARNs":["arn:aws:iam::aws:policy/ReadOnlyAccess"]}})");

  ExpectDeniedBy(unchanged, v1alpha1::webhook::kRoleName,
                 {"AWSWorkloadIdentityConfig/default", ns});
  ExpectDeniedBy(changed, v1alpha1::webhook::kRoleName, {"AWSWorkloadIdentityConfig/default", ns});
}

// ---- §11.12 AWSServiceAccountRoleReplicaSet ----

// TV-180.
// Validates that a ReplicaSet with ordinary template labels is admitted on CREATE and UPDATE.
TEST_F(WebhookTest, Tv180_OrdinaryTemplateLabels_AreAllowed) {
  const std::string ns = "wlc-tv180";
  EnsureNamespace(ns);
  Json rs = BaseReplicaSet({{"labels", {{"app.kubernetes.io/part-of", "ingress"}}}}, ns);

  ExpectAdmitted(Kube().Create(v1alpha1::kReplicaSetResource, ns, rs));
  ExpectAdmitted(Kube().Patch(v1alpha1::kReplicaSetResource, ns, NameOf(rs),
                              kube::PatchType::kMerge,
                              R"({"spec":{"placementRefs":[{"name":"staging"}]}})"));
}

// TV-184.
// Validates that an UPDATE leaving a ratcheted reserved label in place passes the schema and
// CEL but is denied by the webhook, naming spec.template.metadata.labels["<key>"] (§8.6).
TEST_F(WebhookTest, Tv184_RatchetedReservedLabel_UpdateIsDeniedByWebhook) {
  auto updated = Kube().Patch(v1alpha1::kReplicaSetResource, kTv184Namespace, kLegacyReplicaSet,
                              kube::PatchType::kMerge,
                              R"({"metadata":{"annotations":{"example.com/touched":"yes"}}})");

  ExpectDeniedBy(
      updated, v1alpha1::webhook::kReplicaSetName,
      {"spec.template.metadata.labels[\"aws.identity.appthrust.io/runtime\"]", "reserved"});
}

// Validates that the CRD's CEL rule, not the webhook, answers a CREATE with a reserved label:
// schema and CEL run before validating webhooks (§8.6, TV-142).
TEST_F(WebhookTest, Tv142_ReservedLabelOnCreate_IsRejectedByCelFirst) {
  const std::string ns = "wlc-tv142";
  EnsureNamespace(ns);
  Json rs = BaseReplicaSet({{"labels", {{v1alpha1::label::kManagedBy, "value"}}}}, ns);

  auto created = Kube().Create(v1alpha1::kReplicaSetResource, ns, rs);

  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().http_status, 422) << created.error().ToString();
  EXPECT_EQ(created.error().message.find("admission webhook"), std::string::npos);
}

}  // namespace
}  // namespace awio::admission::integration
