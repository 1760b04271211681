// Integration tests of the role reconciler's deletion flow (spec role-controller.md §11, §9.4):
// annotations removed before the ACK children, children kept by ACK's finalizer block the
// finalizer with ChildrenPending, the recorded delivery state used after the namespace config
// is gone, a foreign ARN left alone, and the refusal to guess when nothing was recorded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "api/v1alpha1/resources.h"
#include "controllers/ack_resources.h"
#include "role_fixture.h"

namespace awio::controllers::role::test {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kAckRoleFinalizer[] = "finalizers.iam.services.k8s.aws/Role";

Json ManagedPolicies() {
  return {{"policyARNs", Json::array({"arn:aws:iam::aws:policy/ReadOnlyAccess"})}};
}

class RoleDeletionTest : public RoleReconcilerTest {};

// Validates the order of §11.1: the four annotations go first (a foreign annotation stays),
// an owned ACK Role kept by ACK's finalizer blocks with DeletionBlocked=True/ChildrenPending
// and the §11.1 step 3 error, and once ACK lets go the finalizer is removed with its event.
TEST_F(RoleDeletionTest, Delete_DeliveredRole_RemovesAnnotationsThenChildrenThenFinalizer) {
  const std::string ns = "rd-order";
  Prepare(ns, {});
  CreateServiceAccount("default", "order-app", {{"existing.example/key", "kept"}});
  const Json created = CreateRole(ns, "app", "default", "order-app", ManagedPolicies());
  const std::string ack_name = ExpectedRoleName(ns, "app", Uid(created));
  DriveToDelivered(ns, "app");
  ASSERT_EQ(ServiceAccountAnnotations("default", "order-app").size(), 5u);
  MergePatch(*hub_, kAckRoleResource, ns, ack_name,
             {{"metadata", {{"finalizers", Json::array({kAckRoleFinalizer})}}}});
  DeleteRole(ns, "app");

  auto blocked = Reconcile(ns, "app");

  ASSERT_FALSE(blocked.ok());
  const std::string pending =
      "waiting for ACK child resources to finish deletion: "
      "*v1alpha1.Role " +
      ns + "/" + ack_name;
  EXPECT_EQ(blocked.error().message, pending);
  EXPECT_EQ(ServiceAccountAnnotations("default", "order-app"),
            Json({{"existing.example/key", "kept"}}));
  Json role = GetRole(ns, "app");
  EXPECT_EQ(Condition(role, "DeletionBlocked"), "True/ChildrenPending: " + pending);
  EXPECT_EQ(role["metadata"]["finalizers"], Json::array({kRoleFinalizer}));

  // ACK finishes: its finalizer goes and the API server removes the object.
  MergePatch(*hub_, kAckRoleResource, ns, ack_name, {{"metadata", {{"finalizers", nullptr}}}});
  EXPECT_EQ(ReconcileOk(ns, "app").requeue_after, std::chrono::milliseconds::zero());
  EXPECT_TRUE(GetRole(ns, "app").is_null());
  EXPECT_TRUE(Fetch(*hub_, kAckRoleResource, ns, ack_name).is_null());
  EXPECT_THAT(Events(ns),
              Contains(AllOf(Field(&SeenEvent::reason, "FinalizerRemoved"),
                             Field(&SeenEvent::note, "removed finalizer after cleanup"))));
}

// Validates that the recorded delivery state wins after the namespace config was deleted
// (§11.2 RECORDED state): annotations are still removed on the recorded cluster.
TEST_F(RoleDeletionTest, Delete_ConfigGone_UsesRecordedState) {
  const std::string ns = "rd-recorded";
  Prepare(ns, {});
  CreateServiceAccount("default", "recorded-app");
  CreateRole(ns, "app", "default", "recorded-app", ManagedPolicies());
  DriveToDelivered(ns, "app");
  auto config_deleted = hub_->Delete(api::v1alpha1::kConfigResource, ns, "default");
  ASSERT_TRUE(config_deleted.ok()) << config_deleted.error().ToString();
  remote_keys_.clear();
  DeleteRole(ns, "app");

  EXPECT_EQ(ReconcileOk(ns, "app").requeue_after, std::chrono::milliseconds::zero());

  EXPECT_EQ(ServiceAccountAnnotations("default", "recorded-app"), Json::object());
  EXPECT_EQ(remote_keys_, std::vector<std::string>({ns + "/" + ns}));
  EXPECT_TRUE(GetRole(ns, "app").is_null());
}

// Validates §9.4 step 3: a ServiceAccount whose role-arn names another role keeps all four
// annotations when this role is deleted.
TEST_F(RoleDeletionTest, Delete_ServiceAccountBoundToOtherArn_KeepsAnnotations) {
  const std::string ns = "rd-foreign";
  Prepare(ns, {});
  CreateServiceAccount("default", "foreign-app");
  CreateRole(ns, "app", "default", "foreign-app", ManagedPolicies());
  DriveToDelivered(ns, "app");
  const std::string newer = "arn:aws:iam::123456789012:role/newer";
  MergePatch(*target_, kube::resources::kServiceAccounts, "default", "foreign-app",
             {{"metadata", {{"annotations", {{"eks.amazonaws.com/role-arn", newer}}}}}});
  DeleteRole(ns, "app");

  EXPECT_EQ(ReconcileOk(ns, "app").requeue_after, std::chrono::milliseconds::zero());

  const Json annotations = ServiceAccountAnnotations("default", "foreign-app");
  EXPECT_EQ(annotations.size(), 4u);
  EXPECT_EQ(annotations.value("eks.amazonaws.com/role-arn", ""), newer);
  EXPECT_TRUE(GetRole(ns, "app").is_null());
}

// Validates that a role that never recorded its delivery type, whose config is gone, is not
// released blindly (§11.2 RECORDED ""): the error, DeletionBlocked=True/
// RemoteClusterUnavailable, and the finalizer kept.
TEST_F(RoleDeletionTest, Delete_ConfigGoneNothingRecorded_BlocksWithRemoteClusterUnavailable) {
  const std::string ns = "rd-unrecorded";
  Prepare(ns, {});
  CreateRole(ns, "app", "default", "unrecorded-app", ManagedPolicies());
  ReconcileOk(ns, "app");  // finalizer only
  auto config_deleted = hub_->Delete(api::v1alpha1::kConfigResource, ns, "default");
  ASSERT_TRUE(config_deleted.ok()) << config_deleted.error().ToString();
  DeleteRole(ns, "app");

  auto result = Reconcile(ns, "app");

  ASSERT_FALSE(result.ok());
  const std::string text =
      "AWSWorkloadIdentityConfig/default is gone and AWSServiceAccountRole.status.deliveryType "
      "is empty; cannot safely clean remote ServiceAccount annotations";
  EXPECT_EQ(result.error().message, text);
  const Json role = GetRole(ns, "app");
  EXPECT_EQ(Condition(role, "DeletionBlocked"), "True/RemoteClusterUnavailable: " + text);
  EXPECT_EQ(role["metadata"]["finalizers"], Json::array({kRoleFinalizer}));
  EXPECT_THAT(Events(ns), Contains(Field(&SeenEvent::reason, "DeletionBlocked")));
}

// Validates §11.1 step 2 for EKSPodIdentity with a generated policy: the owned association,
// Role and Policy are all deleted (no finalizers, so at once), a Role CR controlled by another
// UID is left alone (§11.3 step 2), and the finalizer goes.
TEST_F(RoleDeletionTest, Delete_PodIdentityRole_DeletesOwnedChildrenOnly) {
  const std::string ns = "rd-children";
  Prepare(ns, {.delivery = "EKSPodIdentity", .auto_mode = true});
  const Json document = {
      {"Version", "2012-10-17"},
      {"Statement",
       Json::array({{{"Effect", "Allow"}, {"Action", "s3:GetObject"}, {"Resource", "*"}}})}};
  const Json created = CreateRole(ns, "app", "default", "app", {{"policyDocument", document}});
  const std::string uid = Uid(created);
  const std::string role_name = ExpectedRoleName(ns, "app", uid);
  const std::string policy_name = ExpectedPolicyName(ns, "app", uid);
  ReconcileOk(ns, "app");
  ReconcileOk(ns, "app");
  SetAckStatus(kAckRoleResource, ns, role_name, true, RoleArn(role_name));
  ReconcileOk(ns, "app");
  ASSERT_FALSE(Fetch(*hub_, kAckPodIdentityAssociationResource, ns, "awi-pia-app").is_null());
  ASSERT_FALSE(Fetch(*hub_, kAckPolicyResource, ns, policy_name).is_null());
  // A second role's leftovers under another name are not ours to delete.
  const Json foreign = {{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
                        {"kind", "Role"},
                        {"metadata",
                         {{"name", "foreign-role"},
                          {"namespace", ns},
                          {"ownerReferences", OwnerReferences("app", "other-uid")}}},
                        {"spec", {{"name", "foreign-role"}, {"assumeRolePolicyDocument", "{}"}}}};
  ASSERT_TRUE(hub_->Create(kAckRoleResource, ns, foreign).ok());
  DeleteRole(ns, "app");

  EXPECT_EQ(ReconcileOk(ns, "app").requeue_after, std::chrono::milliseconds::zero());

  EXPECT_TRUE(Fetch(*hub_, kAckPodIdentityAssociationResource, ns, "awi-pia-app").is_null());
  EXPECT_TRUE(Fetch(*hub_, kAckRoleResource, ns, role_name).is_null());
  EXPECT_TRUE(Fetch(*hub_, kAckPolicyResource, ns, policy_name).is_null());
  EXPECT_FALSE(Fetch(*hub_, kAckRoleResource, ns, "foreign-role").is_null());
  EXPECT_TRUE(GetRole(ns, "app").is_null());
}

}  // namespace
}  // namespace awio::controllers::role::test
