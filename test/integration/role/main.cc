// Starts the shared environment of the role reconciler tests: a hub with the third-party CRDs
// (ClusterProfile, ACK) and ours, no kube-controller-manager (no garbage collector deletes ACK
// children behind the reconciler's back), and one target API server, also without a
// controller manager (the tests write DaemonSet status themselves).
#include <gtest/gtest.h>

#include <exception>

#include "role_fixture.h"
#include "support/project_crds.h"
#include "support/shared_environment.h"

namespace {

// Runs after the shared environment has started (gtest sets environments up in order).
class ProjectCrdInstaller : public ::testing::Environment {
 public:
  void SetUp() override {
    try {
      auto& env = awio::test::SharedEnvironment();
      awio::test::InstallProjectCrds(env, env.hub());
    } catch (const std::exception& e) {
      FAIL() << "cannot install the project's CRDs: " << e.what();
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  namespace fixture = awio::controllers::role::test;
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false, .third_party_crds = true});
  spec.clusters.push_back({.name = fixture::kTargetCluster, .controller_manager = false});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  ::testing::AddGlobalTestEnvironment(new ProjectCrdInstaller);
  return RUN_ALL_TESTS();
}
