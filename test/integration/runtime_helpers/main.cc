// Starts the shared environment of the runtime helper tests: one API server "hub", without a
// kube-controller-manager or the AWS emulator (nothing here needs them).
#include <gtest/gtest.h>

#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  return RUN_ALL_TESTS();
}
