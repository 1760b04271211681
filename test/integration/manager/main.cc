// Starts the shared environment of the manager tests: one API server "hub", without a
// kube-controller-manager or the AWS emulator (the /metrics protection needs only the API
// server's TokenReview, SubjectAccessReview, TokenRequest and RBAC).
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
