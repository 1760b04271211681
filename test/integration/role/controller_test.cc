// Integration tests of the role controller's event wiring (spec role-controller.md §16.1) with
// its real informers and workers: a new role is picked up from its own watch, ACK status
// written on the owned Role wakes the role through the owner reference, and, with the target
// engaged in a ClusterSet, the remote ServiceAccount controllers (§13, §14) repair an edited
// annotation and wake the role when its ServiceAccount is deleted; and the PodIdentityAssociation
// CRD installed after the controller started is used without a restart.
#include "controllers/role/controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "controllers/ack_resources.h"
#include "role_fixture.h"
#include "runtime/cluster_set.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::controllers::role::test {
namespace {

using namespace std::chrono_literals;
using ::testing::StartsWith;

// How long the controller may take to react to one watch event.
constexpr std::chrono::milliseconds kReactionTimeout = 30s;

class RoleControllerTest : public RoleReconcilerTest {
 protected:
  // Starts `controller` and waits until its hub caches have synced.
  static void StartSynced(RoleController& controller) {
    controller.Start();
    ASSERT_TRUE(awio::test::WaitUntil(kReactionTimeout,
                                      [&] { return !controller.CachesSynced().has_value(); }));
  }

  // Creates role `ns`/app binding default/`sa_name` with one managed policy, waits until the
  // running controller has written its ACK Role, then plays ACK: synced, with RoleArn(name).
  // Returns the ACK Role's name.
  std::string CreateRoleAndSyncAckRole(const std::string& ns, const std::string& sa_name) {
    const Json created = CreateRole(ns, "app", "default", sa_name,
                                    {{"policyARNs", Json::array({"arn:aws:iam::aws:policy/A"})}});
    const std::string ack_name = ExpectedRoleName(ns, "app", Uid(created));
    EXPECT_TRUE(awio::test::WaitUntil(kReactionTimeout, [&] {
      return hub_->Get(kAckRoleResource, ns, ack_name).ok();
    })) << "the ACK Role was never created";
    SetAckStatus(kAckRoleResource, ns, ack_name, true, RoleArn(ack_name));
    return ack_name;
  }
};

// Validates that the controller reconciles a created role (finalizer, then the ACK Role) and
// that ACK status on the owned ACK Role wakes it (§16.1 rows 1 and 3): status.roleARN appears
// without any other event.
TEST_F(RoleControllerTest, Controller_AckStatusOnOwnedRole_WakesTheRole) {
  const std::string ns = "rc-wiring";
  Prepare(ns, {});
  RoleController controller({.reconciler = options_, .workers = 1});
  ASSERT_NO_FATAL_FAILURE(StartSynced(controller));
  const std::string ack_name = CreateRoleAndSyncAckRole(ns, "wired-app");

  EXPECT_TRUE(awio::test::WaitUntil(kReactionTimeout, [&] {
    const Json role = GetRole(ns, "app");
    return role.is_object() &&
           role.value("status", Json::object()).value("roleARN", "") == RoleArn(ack_name);
  })) << "the role never recorded the ARN ACK reported";
  EXPECT_THAT(Condition(GetRole(ns, "app"), "RoleReady"), StartsWith("True/ACKResourceSynced"));
  EXPECT_TRUE(controller.Stop(10s));
}

// Validates §13 and §14 end to end through the controller: the target is engaged as cluster
// "<ns>/<ns>"; once the role has delivered, an edited audience annotation is put back by the
// repair controller with an AnnotationRepaired event (the role itself would not look again for
// an hour), and deleting the ServiceAccount wakes the role, which then reports
// ServiceAccountAnnotationReady False/RemoteDeliveryPending (§9.3).
TEST_F(RoleControllerTest, RemoteServiceAccounts_EditIsRepaired_DeleteWakesTheRole) {
  const std::string ns = "rc-remote";
  Prepare(ns, {});
  CreateServiceAccount("default", "remote-app", {{"team", "payments"}});
  runtime::ClusterSet clusters;
  RoleController controller({.reconciler = options_, .workers = 1, .clusters = &clusters});
  clusters.Engage(ns + "/" + ns, awio::test::AdminRestConfig(
                                     awio::test::SharedEnvironment().cluster(kTargetCluster)));
  ASSERT_NO_FATAL_FAILURE(StartSynced(controller));
  const std::string ack_name = CreateRoleAndSyncAckRole(ns, "remote-app");
  ASSERT_TRUE(awio::test::WaitUntil(kReactionTimeout, [&] {
    return ServiceAccountAnnotations("default", "remote-app")
               .value("eks.amazonaws.com/role-arn", "") == RoleArn(ack_name);
  })) << "the role never annotated its ServiceAccount";

  MergePatch(*target_, kube::resources::kServiceAccounts, "default", "remote-app",
             {{"metadata", {{"annotations", {{"eks.amazonaws.com/audience", "edited"}}}}}});
  EXPECT_TRUE(awio::test::WaitUntil(kReactionTimeout, [&] {
    return ServiceAccountAnnotations("default", "remote-app")
               .value("eks.amazonaws.com/audience", "") == "sts.amazonaws.com";
  })) << "the edited annotation was not repaired";
  EXPECT_EQ(ServiceAccountAnnotations("default", "remote-app").value("team", ""), "payments");
  EXPECT_TRUE(awio::test::WaitUntil(kReactionTimeout, [&] {
    for (const auto& event : Events(ns)) {
      if (event.reason == "AnnotationRepaired" && event.action == "RepairAnnotation") return true;
    }
    return false;
  })) << "no AnnotationRepaired event on the role";

  auto deleted = target_->Delete(kube::resources::kServiceAccounts, "default", "remote-app");
  ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
  EXPECT_TRUE(awio::test::WaitUntil(kReactionTimeout,
                                    [&] {
                                      return Condition(GetRole(ns, "app"),
                                                       "ServiceAccountAnnotationReady")
                                          .starts_with("False/RemoteDeliveryPending");
                                    }))
      << "deleting the ServiceAccount did not wake the role: "
      << Condition(GetRole(ns, "app"), "ServiceAccountAnnotationReady");
  EXPECT_TRUE(controller.Stop(10s));
  clusters.Disengage(ns + "/" + ns);
}

// Validates issue 8 item 3 (differences.md, "ACK CRDs installed after start-up are picked up
// without a restart"; unlike §16.1 row 4 of the spec): with the PodIdentityAssociation CRD
// missing when the controller starts, an EKSPodIdentity role reports the missing API by name;
// once the CRD is installed the role is woken, writes its association, and ACK status on the
// association (seen by the informer that kept listing) makes the role Ready.
TEST_F(RoleControllerTest, Controller_PodIdentityCrdInstalledLate_IsUsedWithoutRestart) {
  const std::string ns = "rc-late-crd";
  const auto& env = awio::test::SharedEnvironment();
  const std::string crd = kAckPodIdentityAssociationResource.QualifiedName();
  const auto crd_file =
      env.toolchain().crd_dir / "eks.services.k8s.aws_podidentityassociations.standin.yaml";
  // Later tests of this binary need the CRD back, whatever happens here.
  struct Reinstall {
    const testenv::Environment& env;
    std::filesystem::path file;
    ~Reinstall() { env.Kubectl(env.hub(), {"apply", "--server-side", "-f", file.string()}); }
  } reinstall{env, crd_file};
  env.Kubectl(env.hub(), {"delete", "crd", crd, "--wait=true"});

  Prepare(ns, {.delivery = "EKSPodIdentity"});
  SetAgentDaemonSet(1);
  RoleController controller({.reconciler = options_, .workers = 1});
  ASSERT_NO_FATAL_FAILURE(StartSynced(controller));
  CreateRoleAndSyncAckRole(ns, "late-app");
  EXPECT_TRUE(awio::test::WaitUntil(kReactionTimeout, [&] {
    const std::string c = Condition(GetRole(ns, "app"), "PodIdentityAssociationReady");
    return c.starts_with("False/") && c.find(crd) != std::string::npos &&
           c.find("not installed") != std::string::npos;
  })) << Condition(GetRole(ns, "app"), "PodIdentityAssociationReady");

  env.Kubectl(env.hub(), {"apply", "--server-side", "-f", crd_file.string()});
  ASSERT_TRUE(awio::test::WaitUntil(kReactionTimeout, [&] {
    return hub_->Get(kAckPodIdentityAssociationResource, ns, "awi-pia-app").ok();
  })) << "the role did not write its association after the CRD was installed";
  SetAckStatus(kAckPodIdentityAssociationResource, ns, "awi-pia-app", true,
               "arn:aws:eks:ap-northeast-1:123456789012:podidentityassociation/wlc-a/a-late");
  // The association informer retries its list with back-off of up to 30 s.
  EXPECT_TRUE(awio::test::WaitUntil(
      kReactionTimeout * 3,
      [&] { return Condition(GetRole(ns, "app"), "Ready").starts_with("True/"); }))
      << Condition(GetRole(ns, "app"), "PodIdentityAssociationReady") << " / "
      << Condition(GetRole(ns, "app"), "Ready");
  EXPECT_TRUE(controller.Stop(10s));
}

}  // namespace
}  // namespace awio::controllers::role::test
