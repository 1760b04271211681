// Starts the shared environment of the API schema tests: one API server "hub" without a
// kube-controller-manager or the AWS emulator (the API server alone decides schema, CEL and
// defaults), then installs our CRDs from config/crd before the first test.
#include <gtest/gtest.h>

#include "support/project_crds.h"
#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  ::testing::AddGlobalTestEnvironment(new awio::test::ProjectCrdInstaller);
  return RUN_ALL_TESTS();
}
