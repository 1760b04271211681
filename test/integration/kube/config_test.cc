// Integration tests of the client configuration loaders against a real kube-apiserver (issue:
// Kubernetes client, item 6): a kubeconfig with a client certificate, in-cluster configuration
// from a prepared directory holding a real service-account token, and an exec plugin whose
// token the server accepts and which runs again once its credential expires.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "integration/kube/kube_test_env.h"
#include "kube/client.h"
#include "kube/config/exec_credential.h"
#include "kube/config/in_cluster.h"
#include "kube/config/kubeconfig.h"
#include "support/kube_client_util.h"
#include "support/shared_environment.h"

namespace awio::test {
namespace {

namespace fs = std::filesystem;
using kube::Json;
using namespace std::chrono_literals;

fs::path TempDir(const std::string& name) {
  std::string dir = (fs::temp_directory_path() / (name + "-XXXXXX")).string();
  if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("mkdtemp");
  return dir;
}

// Who the server thinks we are (SelfSubjectReview), proving the credential was accepted.
Result<std::string> WhoAmI(const kube::RestConfig& config) {
  kube::Client client(kube::Transport::Create(config), {.attempts = 1});
  kube::ResourceRef reviews{"authentication.k8s.io", "v1", "selfsubjectreviews", false,
                            "SelfSubjectReview"};
  auto review = client.Create(
      reviews, "", {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"}});
  if (!review.ok()) return review.error();
  return (*review)["status"]["userInfo"].value("username", "");
}

// Validates that the kubeconfig the launcher writes (client certificate data) loads and
// authenticates as the admin user.
TEST(KubeConfigIntegration, Kubeconfig_ClientCertificate_Authenticates) {
  const auto& hub = SharedEnvironment().hub();
  auto config = kube::LoadKubeconfig({.paths = {hub.kubeconfig.string()}});
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  EXPECT_EQ(config->server, hub.server);
  auto user = WhoAmI(*config);
  ASSERT_TRUE(user.ok()) << user.error().ToString();
  EXPECT_EQ(*user, "admin");
}

// Validates in-cluster configuration from a prepared directory: a real token from the
// TokenRequest API in `token`, the cluster CA in `ca.crt`, and the service host and port from
// the environment. The server must see the ServiceAccount's identity.
TEST(KubeConfigIntegration, InCluster_PreparedDirectory_AuthenticatesAsServiceAccount) {
  const auto& hub = SharedEnvironment().hub();
  auto admin = AdminClient(hub);
  (void)admin->Create(kube::resources::kServiceAccounts, "default",
                      {{"metadata", {{"name", "in-cluster"}}}});
  auto token =
      admin->CreateSubresource(kube::resources::kServiceAccounts, "default", "in-cluster", "token",
                               {{"apiVersion", "authentication.k8s.io/v1"},
                                {"kind", "TokenRequest"},
                                {"spec", {{"expirationSeconds", 600}}}});
  ASSERT_TRUE(token.ok()) << token.error().ToString();
  fs::path dir = TempDir("in-cluster");
  std::ofstream(dir / "token") << (*token)["status"]["token"].get<std::string>();
  fs::copy_file(hub.ca_file, dir / "ca.crt");
  std::string port = hub.server.substr(hub.server.rfind(':') + 1);

  auto config = kube::InClusterConfig(
      {.root = dir.string(),
       .lookup_env = [&](const std::string& name) -> std::optional<std::string> {
         if (name == "KUBERNETES_SERVICE_HOST") return "127.0.0.1";
         if (name == "KUBERNETES_SERVICE_PORT") return port;
         return std::nullopt;
       }});
  ASSERT_TRUE(config.ok()) << config.error().ToString();
  auto user = WhoAmI(*config);
  ASSERT_TRUE(user.ok()) << user.error().ToString();
  EXPECT_EQ(*user, "system:serviceaccount:default:in-cluster");
  fs::remove_all(dir);
}

// Validates the exec plugin end to end (spec inventory-and-remote-irsa.md §1.4): the token the
// plugin prints is accepted by the server; it is reused while valid and the plugin runs again
// once expirationTimestamp has passed.
TEST(KubeConfigIntegration, ExecPlugin_TokenAcceptedAndRefreshedAfterExpiry) {
  const auto& hub = SharedEnvironment().hub();
  fs::path dir = TempDir("exec-plugin");
  fs::path runs = dir / "runs";
  fs::path plugin = dir / "plugin.sh";
  std::ofstream(plugin) << "#!/bin/sh\n"
                        << "echo run >> '" << runs.string() << "'\n"
                        << "cat <<EOF\n"
                        << R"({"apiVersion":"client.authentication.k8s.io/v1",)"
                        << R"("kind":"ExecCredential","status":{"token":")" << kExecPluginToken
                        << R"(","expirationTimestamp":"2026-01-01T00:00:00Z"}})"
                        << "\n"
                        << "EOF\n";
  ::chmod(plugin.c_str(), 0755);
  auto count_runs = [&] {
    std::ifstream in(runs);
    int n = 0;
    std::string line;
    while (std::getline(in, line)) ++n;
    return n;
  };

  // The injected clock decides expiry: before 2026-01-01 the credential is fresh.
  auto now = std::make_shared<std::chrono::system_clock::time_point>(
      std::chrono::sys_days{std::chrono::year{2025} / 12 / 31});
  kube::ExecConfig exec{.api_version = "client.authentication.k8s.io/v1",
                        .command = plugin.string()};
  auto source = kube::ExecCredentialSource::Create(exec, {.server = hub.server},
                                                   {.clock = [now] { return *now; }});
  ASSERT_TRUE(source.ok()) << source.error().ToString();
  auto config = AdminRestConfig(hub);
  config.client_cert_pem.clear();
  config.client_key_pem.clear();
  config.credentials = *source;

  auto first = WhoAmI(config);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(*first, "exec-admin");
  ASSERT_TRUE(WhoAmI(config).ok());
  EXPECT_EQ(count_runs(), 1) << "a fresh credential must be reused";

  *now = std::chrono::sys_days{std::chrono::year{2026} / 1 / 2};
  auto after = WhoAmI(config);
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(count_runs(), 2) << "an expired credential must be fetched again";
  fs::remove_all(dir);
}

// Validates that a failing plugin fails the request with an error naming the plugin, and that
// a 401 makes the client drop the credential and ask the plugin again once.
TEST(KubeConfigIntegration, ExecPlugin_FailureAndUnauthorizedRetry) {
  const auto& hub = SharedEnvironment().hub();
  fs::path dir = TempDir("exec-plugin-bad");
  fs::path runs = dir / "runs";
  fs::path plugin = dir / "plugin.sh";
  std::ofstream(plugin)
      << "#!/bin/sh\necho run >> '" << runs.string() << "'\n"
      << "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\","
      << "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"unknown-token\"}}'\n";
  ::chmod(plugin.c_str(), 0755);
  auto source = kube::ExecCredentialSource::Create(
      {.api_version = "client.authentication.k8s.io/v1", .command = plugin.string()},
      {.server = hub.server});
  ASSERT_TRUE(source.ok());
  auto config = AdminRestConfig(hub);
  config.client_cert_pem.clear();
  config.client_key_pem.clear();
  config.credentials = *source;
  auto rejected = WhoAmI(config);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, ErrorCode::kUnauthorized) << rejected.error().ToString();
  std::ifstream in(runs);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  EXPECT_EQ(n, 2) << "one run, then one more after the 401";

  fs::path failing = dir / "failing.sh";
  std::ofstream(failing) << "#!/bin/sh\necho 'no credentials today' >&2\nexit 3\n";
  ::chmod(failing.c_str(), 0755);
  auto bad = kube::ExecCredentialSource::Create(
      {.api_version = "client.authentication.k8s.io/v1", .command = failing.string()},
      {.server = hub.server});
  ASSERT_TRUE(bad.ok());
  config.credentials = *bad;
  auto failed = WhoAmI(config);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find(failing.string()), std::string::npos)
      << failed.error().message;
  EXPECT_NE(failed.error().message.find("exit code 3"), std::string::npos)
      << failed.error().message;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace awio::test
