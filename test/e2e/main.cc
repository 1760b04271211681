// Starts the shared environment of the end-to-end tests: a hub with every CRD (ours, Cluster
// Inventory, OCM, ACK), the AWS emulator with the real ACK IAM controller and the ACK S3 and EKS
// stand-ins, and target-a, a SelfHostedIRSA target whose API server issues tokens for the S3
// issuer of workload namespace selfhosted-a with the key the tests pre-create on the hub. The
// workload stand-in plays kubelet for target-a's Deployments and DaemonSets (no container
// runtime here). Every other workload namespace of the tests is served by target-a too.
#include <gtest/gtest.h>

#include "e2e_support.h"
#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  namespace e2e = awio::test::e2e;
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .third_party_crds = true});
  spec.clusters.push_back({.name = e2e::kSelfHostedTarget,
                           .service_account_issuer = e2e::SelfHostedIssuerUrl(),
                           .service_account_signing_key_pem = e2e::SelfHostedKey().private_key_pem,
                           .controller_manager = false,
                           .workload_standin = true});
  spec.aws_region = e2e::kRegion;
  spec.ack_iam_controller = true;
  spec.ack_eks_standin = true;
  spec.ack_s3_standin = true;
  awio::test::RegisterSharedEnvironment(spec);
  return RUN_ALL_TESTS();
}
