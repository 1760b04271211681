// Starts the shared environment of the webhook runtime tests: one API server "target" without
// a kube-controller-manager (nothing may rewrite the Deployment status the tests set) and
// without the AWS emulator (the runtime never calls AWS).
#include <gtest/gtest.h>

#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "target", .controller_manager = false});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  return RUN_ALL_TESTS();
}
