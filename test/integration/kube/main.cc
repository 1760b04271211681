// Starts the shared environment of the Kubernetes client tests (see kube_test_env.h).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "integration/kube/kube_test_env.h"
#include "support/shared_environment.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  std::string dir = (std::filesystem::temp_directory_path() / "kube-client-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return 2;
  std::filesystem::path tokens = std::filesystem::path(dir) / "tokens.csv";
  std::ofstream(tokens) << awio::test::kStaticAdminToken
                        << ",token-admin,uid-token-admin,\"system:masters\"\n"
                        << awio::test::kExecPluginToken
                        << ",exec-admin,uid-exec-admin,\"system:masters\"\n";

  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub",
                           .controller_manager = false,
                           .extra_apiserver_args = {"--token-auth-file=" + tokens.string()}});
  spec.clusters.push_back({.name = awio::test::kNoCacheCluster,
                           .controller_manager = false,
                           .extra_apiserver_args = {"--watch-cache=false"}});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  int rc = RUN_ALL_TESTS();
  std::filesystem::remove_all(dir);
  return rc;
}
