// Starts the shared environment of the admission webhook integration tests: one API server
// "hub" without a kube-controller-manager or the AWS emulator (the webhook needs neither), then
// the webhook server and its registration on it.
#include <gtest/gtest.h>

#include "integration/admission/webhook_environment.h"
#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  awio::admission::integration::RegisterWebhookEnvironment();
  return RUN_ALL_TESTS();
}
