// Starts the shared environment of the runtime tests: a hub with a kube-controller-manager
// (garbage collection) and a second cluster "target" to engage and disengage.
#include <gtest/gtest.h>

#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = true});
  spec.clusters.push_back({.name = "target", .controller_manager = false});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  return RUN_ALL_TESTS();
}
