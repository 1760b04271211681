// Starts the shared environment of the inventory tests: one API server "hub" with the
// third-party CRDs (ClusterProfile among them), without a kube-controller-manager or the AWS
// emulator (resolution only reads ClusterProfiles).
#include <gtest/gtest.h>

#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false, .third_party_crds = true});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  return RUN_ALL_TESTS();
}
