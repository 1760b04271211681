// Starts the shared environment of the config reconciler tests: a hub with the third-party CRDs
// (ClusterProfile, ACK) and ours, no kube-controller-manager (no garbage collector deletes
// children behind the reconciler's back), the AWS emulator for S3, and one target API server
// for the remote webhook runtime. The target issues service-account tokens for the S3 issuer of
// workload namespace kVerifiedNamespace with TargetSigningKey(), so exactly one test's config
// can pass the target issuer check; every other SelfHostedIRSA config sees an issuer mismatch.
// The target has no kube-controller-manager either: the tests write Deployment status.
#include <gtest/gtest.h>

#include "reconciler_fixture.h"
#include "support/project_crds.h"
#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  namespace fixture = awio::controllers::config::test;
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false, .third_party_crds = true});
  spec.clusters.push_back(
      {.name = fixture::kTargetCluster,
       .service_account_issuer = fixture::kVerifiedIssuerUrl,
       .service_account_signing_key_pem = fixture::TargetSigningKey().private_key_pem,
       .controller_manager = false});
  spec.aws_emulator = true;
  spec.aws_region = fixture::kRegion;
  awio::test::RegisterSharedEnvironment(spec);
  ::testing::AddGlobalTestEnvironment(new awio::test::ProjectCrdInstaller);
  return RUN_ALL_TESTS();
}
