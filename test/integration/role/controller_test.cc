// Integration test of the role controller's event wiring (spec role-controller.md §16.1) with
// its real informers and workers: a new role is picked up from its own watch, and ACK status
// written on the owned Role wakes the role through the owner reference.
#include "controllers/role/controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "controllers/ack_resources.h"
#include "role_fixture.h"
#include "support/kube_test_util.h"

namespace awio::controllers::role::test {
namespace {

using namespace std::chrono_literals;
using ::testing::StartsWith;

// How long the controller may take to react to one watch event.
constexpr std::chrono::milliseconds kReactionTimeout = 30s;

class RoleControllerTest : public RoleReconcilerTest {};

// Validates that the controller reconciles a created role (finalizer, then the ACK Role) and
// that ACK status on the owned ACK Role wakes it (§16.1 rows 1 and 3): status.roleARN appears
// without any other event.
TEST_F(RoleControllerTest, Controller_AckStatusOnOwnedRole_WakesTheRole) {
  const std::string ns = "rc-wiring";
  Prepare(ns, {});
  RoleController controller({.reconciler = options_, .workers = 1});
  controller.Start();
  ASSERT_TRUE(awio::test::WaitUntil(kReactionTimeout,
                                    [&] { return !controller.CachesSynced().has_value(); }));
  const Json created = CreateRole(ns, "app", "default", "wired-app",
                                  {{"policyARNs", Json::array({"arn:aws:iam::aws:policy/A"})}});
  const std::string ack_name = ExpectedRoleName(ns, "app", Uid(created));

  ASSERT_TRUE(awio::test::WaitUntil(kReactionTimeout, [&] {
    auto got = hub_->Get(kAckRoleResource, ns, ack_name);
    return got.ok();
  })) << "the ACK Role was never created";
  SetAckStatus(kAckRoleResource, ns, ack_name, true, RoleArn(ack_name));

  EXPECT_TRUE(awio::test::WaitUntil(kReactionTimeout, [&] {
    const Json role = GetRole(ns, "app");
    return role.is_object() &&
           role.value("status", Json::object()).value("roleARN", "") == RoleArn(ack_name);
  })) << "the role never recorded the ARN ACK reported";
  EXPECT_THAT(Condition(GetRole(ns, "app"), "RoleReady"), StartsWith("True/ACKResourceSynced"));
  EXPECT_TRUE(controller.Stop(10s));
}

}  // namespace
}  // namespace awio::controllers::role::test
