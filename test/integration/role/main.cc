// Starts the shared environment of the role reconciler tests: a hub with the third-party CRDs
// (ClusterProfile, ACK) and ours, no kube-controller-manager (no garbage collector deletes ACK
// children behind the reconciler's back), and one target API server, also without a
// controller manager (the tests write DaemonSet status themselves).
#include <gtest/gtest.h>

#include "role_fixture.h"
#include "support/project_crds.h"
#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  namespace fixture = awio::controllers::role::test;
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false, .third_party_crds = true});
  spec.clusters.push_back({.name = fixture::kTargetCluster, .controller_manager = false});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  ::testing::AddGlobalTestEnvironment(new awio::test::ProjectCrdInstaller);
  return RUN_ALL_TESTS();
}
