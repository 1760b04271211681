// Starts the shared environment of the API schema tests: one API server "hub" without a
// kube-controller-manager or the AWS emulator (the API server alone decides schema, CEL and
// defaults), then installs our CRDs from config/crd before the first test.
#include <gtest/gtest.h>

#include <exception>

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
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  ::testing::AddGlobalTestEnvironment(new ProjectCrdInstaller);
  return RUN_ALL_TESTS();
}
