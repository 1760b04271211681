// Starts the shared environment of the S3 publisher integration tests: the AWS emulator and one
// API server "hub" (the launcher needs one), without a kube-controller-manager or CRDs.
#include <gtest/gtest.h>

#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false});
  spec.aws_emulator = true;
  awio::test::RegisterSharedEnvironment(spec);
  return RUN_ALL_TESTS();
}
