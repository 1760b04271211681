// Starts the shared environment of the OIDC proof: two API servers without controller managers
// or the AWS emulator, whose service-account issuer is an S3-style URL and whose signing keys
// are ours (one PKCS#1, one PKCS#8), exactly as a SelfHostedIRSA target cluster is configured.
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include "aws/names.h"
#include "oidc/documents.h"
#include "proof_keys.h"
#include "support/shared_environment.h"

namespace awio::test {
namespace {

std::map<std::string, oidc::GeneratedSigningKey>& Keys() {
  static std::map<std::string, oidc::GeneratedSigningKey> keys;
  return keys;
}

}  // namespace

const oidc::GeneratedSigningKey& ProofKey(const std::string& cluster_name) {
  return Keys().at(cluster_name);
}

const std::string& ProofIssuerUrl() {
  static const std::string url = oidc::IssuerUrl(
      oidc::IssuerHostPath(aws::BucketName("oidc-proof", "us-east-1"), "us-east-1"));
  return url;
}

}  // namespace awio::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  using awio::test::Keys;

  auto pkcs1 = awio::oidc::GenerateSigningKey();
  if (!pkcs1.ok()) {
    std::cerr << pkcs1.error().message << "\n";
    return 1;
  }
  auto pkcs8 = awio::oidc::GenerateSigningKey();
  if (!pkcs8.ok()) {
    std::cerr << pkcs8.error().message << "\n";
    return 1;
  }
  auto converted = awio::oidc::ParsePrivateKeyPem(pkcs8->private_key_pem, "generated key");
  if (!converted.ok()) {
    std::cerr << converted.error().message << "\n";
    return 1;
  }
  pkcs8->private_key_pem = converted->pkcs8_pem;
  Keys()[awio::test::kPkcs1Cluster] = *pkcs1;
  Keys()[awio::test::kPkcs8Cluster] = *pkcs8;

  awio::testenv::EnvironmentSpec spec;
  for (const char* name : {awio::test::kPkcs1Cluster, awio::test::kPkcs8Cluster}) {
    spec.clusters.push_back({.name = name,
                             .service_account_issuer = awio::test::ProofIssuerUrl(),
                             .service_account_signing_key_pem = Keys()[name].private_key_pem,
                             .controller_manager = false});
  }
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  return RUN_ALL_TESTS();
}
