// Tests of InClusterConfig (src/kube/config/in_cluster.h) against a prepared service account
// directory and an injected environment.
#include "kube/config/in_cluster.h"

#include <gtest/gtest.h>

#include "config_test_support.h"

namespace awio::kube {
namespace {

using testing::EnvFrom;
using testing::TempDir;
using testing::WriteFile;

constexpr char kCaPem[] = "-----BEGIN CERTIFICATE-----\nin-cluster-ca\n-----END CERTIFICATE-----\n";

void PrepareServiceAccount(const TempDir& dir, const std::string& token) {
  WriteFile(dir / "token", token);
  WriteFile(dir / "ca.crt", kCaPem);
}

// Validates that an IPv4 host gives https://host:port, the CA and a token source.
TEST(InCluster, Ipv4Host_BuildsConfig) {
  TempDir dir;
  PrepareServiceAccount(dir, "sa-token-1\n");
  auto config = InClusterConfig({.root = dir.path(),
                                 .lookup_env = EnvFrom({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                                        {"KUBERNETES_SERVICE_PORT", "443"}})});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_TRUE(config->bearer_token.empty());
  ASSERT_NE(config->credentials, nullptr);
  EXPECT_EQ(config->credentials->Current()->token, "sa-token-1");
  EXPECT_EQ(config->source, "in-cluster service account \"" + dir.path() + "\"");
}

// Validates that an IPv6 host is bracketed in the URL.
TEST(InCluster, Ipv6Host_IsBracketed) {
  TempDir dir;
  PrepareServiceAccount(dir, "sa-token");
  auto config =
      InClusterConfig({.root = dir.path(),
                       .lookup_env = EnvFrom({{"KUBERNETES_SERVICE_HOST", "fd00:10:96::1"},
                                              {"KUBERNETES_SERVICE_PORT", "6443"}})});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server, "https://[fd00:10:96::1]:6443");
}

// Validates that a rotated token file is read again through the credentials source.
TEST(InCluster, TokenRotation_ReturnsNewToken) {
  TempDir dir;
  PrepareServiceAccount(dir, "before-rotation");
  auto config = InClusterConfig({.root = dir.path(),
                                 .lookup_env = EnvFrom({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"},
                                                        {"KUBERNETES_SERVICE_PORT", "443"}})});
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->credentials->Current()->token, "before-rotation");
  WriteFile(dir / "token", "after-the-rotation");
  EXPECT_EQ(config->credentials->Current()->token, "after-the-rotation");
}

// Validates that missing environment variables are named in the error.
TEST(InCluster, MissingEnv_ErrorNamesVariable) {
  TempDir dir;
  PrepareServiceAccount(dir, "sa-token");
  auto no_port = InClusterConfig(
      {.root = dir.path(), .lookup_env = EnvFrom({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}})});
  ASSERT_FALSE(no_port.ok());
  EXPECT_EQ(no_port.error().code, ErrorCode::kConfiguration);
  EXPECT_NE(no_port.error().message.find("KUBERNETES_SERVICE_PORT is not set"), std::string::npos)
      << no_port.error().message;

  auto neither = InClusterConfig({.root = dir.path(), .lookup_env = EnvFrom({})});
  ASSERT_FALSE(neither.ok());
  EXPECT_NE(neither.error().message.find("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT"),
            std::string::npos)
      << neither.error().message;
}

// Validates that a missing token or CA file is named in the error.
TEST(InCluster, MissingFiles_ErrorNamesFile) {
  const auto env =
      EnvFrom({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}});
  TempDir no_token;
  WriteFile(no_token / "ca.crt", kCaPem);
  auto config = InClusterConfig({.root = no_token.path(), .lookup_env = env});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::kConfiguration);
  EXPECT_NE(config.error().message.find(no_token / "token"), std::string::npos)
      << config.error().message;

  TempDir no_ca;
  WriteFile(no_ca / "token", "secret-sa-token");
  config = InClusterConfig({.root = no_ca.path(), .lookup_env = env});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find(no_ca / "ca.crt"), std::string::npos)
      << config.error().message;
  EXPECT_EQ(config.error().message.find("secret-sa-token"), std::string::npos);
}

}  // namespace
}  // namespace awio::kube
