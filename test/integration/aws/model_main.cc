// Starts the shared environment of the aws model integration tests: the AWS emulator, plus the
// one small API server the launcher always starts (no controller manager, no CRDs; nothing
// here uses it).
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
