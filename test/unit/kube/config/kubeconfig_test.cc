// Tests of LoadKubeconfig (src/kube/config/kubeconfig.h): client-go's merge rules for a
// KUBECONFIG list, relative path resolution, data versus file fields, token files, exec users,
// and errors that name the file and entity without leaking secrets.
#include "kube/config/kubeconfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "config_test_support.h"
#include "kube/config/config_support.h"
#include "kube/config/exec_credential.h"

namespace awio::kube {
namespace {

using testing::EnvFrom;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;
using testing::WriteFile;

constexpr char kSecretToken[] = "super-secret-token-value";

std::string B64(const std::string& bytes) { return base::Base64Encode(bytes); }

// A one-context kubeconfig whose cluster and user bodies are given as indented YAML.
std::string SingleContext(const std::string& cluster_body, const std::string& user_body) {
  return "apiVersion: v1\nkind: Config\ncurrent-context: hub\n"
         "clusters:\n- name: c1\n  cluster:\n" +
         cluster_body +
         "contexts:\n- name: hub\n  context:\n    cluster: c1\n    user: u1\n"
         "users:\n- name: u1\n  user:\n" +
         user_body;
}

Result<RestConfig> LoadOne(const std::string& path) { return LoadKubeconfig({.paths = {path}}); }

// Validates that across several files the first definition of a name wins, current-context comes
// from the first file that sets it, and missing list entries are skipped.
TEST(Kubeconfig, MergeAcrossFiles_FirstDefinitionWins) {
  TempDir dir;
  WriteFile(dir / "a.yaml",
            "clusters:\n"
            "- name: shared\n  cluster:\n    server: https://from-a.example:6443\n"
            "users:\n- name: shared-user\n  user:\n    token: token-from-a\n"
            "contexts:\n- name: ctx-b\n  context:\n    cluster: shared\n    user: shared-user\n");
  WriteFile(dir / "b.yaml",
            "current-context: ctx-b\n"
            "clusters:\n"
            "- name: shared\n  cluster:\n    server: https://from-b.example:6443\n"
            "users:\n- name: shared-user\n  user:\n    token: token-from-b\n"
            "contexts:\n- name: ctx-b\n  context:\n    cluster: other\n    user: shared-user\n");
  WriteFile(dir / "c.yaml", "current-context: ctx-c\n");

  auto config =
      LoadKubeconfig({.lookup_env = EnvFrom(
                          {{"KUBECONFIG", (dir / "a.yaml") + ":" + (dir / "missing.yaml") +
                                              "::" + (dir / "b.yaml") + ":" + (dir / "c.yaml")}})});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server, "https://from-a.example:6443");
  EXPECT_EQ(config->bearer_token, "token-from-a");
  EXPECT_EQ(config->source, "kubeconfig \"" + (dir / "a.yaml") + "\" context \"ctx-b\"");
}

// Validates that a single explicit path that does not exist is an error naming it.
TEST(Kubeconfig, ExplicitMissingPath_ErrorNamesFile) {
  TempDir dir;
  auto config = LoadOne(dir / "nope");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::kConfiguration);
  EXPECT_THAT(config.error().message, HasSubstr("kubeconfig \"" + (dir / "nope") + "\""));
  EXPECT_THAT(config.error().message, HasSubstr("No such file or directory"));
}

// Validates that without paths or KUBECONFIG the loader falls back to $HOME/.kube/config.
TEST(Kubeconfig, NoPathsNoVariable_UsesHomeConfig) {
  TempDir dir;
  WriteFile(dir / ".kube/config",
            SingleContext("    server: https://home.example\n", "    token: t\n"));
  auto config = LoadKubeconfig({.lookup_env = EnvFrom({{"HOME", dir.path()}})});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server, "https://home.example");
}

// Validates that a context override replaces current-context.
TEST(Kubeconfig, ContextOverride_SelectsThatContext) {
  TempDir dir;
  WriteFile(dir / "config",
            "current-context: one\n"
            "clusters:\n"
            "- name: c1\n  cluster:\n    server: https://one.example\n"
            "- name: c2\n  cluster:\n    server: https://two.example\n"
            "contexts:\n"
            "- name: one\n  context:\n    cluster: c1\n"
            "- name: two\n  context:\n    cluster: c2\n");
  auto config = LoadKubeconfig({.paths = {dir / "config"}, .context = "two"});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server, "https://two.example");
  EXPECT_EQ(config->credentials, nullptr);
}

// Validates that relative certificate paths resolve against the kubeconfig's own directory.
TEST(Kubeconfig, RelativeCertPaths_ResolveAgainstFileDirectory) {
  TempDir dir;
  const auto client = testing::GenerateKeyPair("client");
  WriteFile(dir / "kube/certs/ca.pem", "CA-PEM");
  WriteFile(dir / "kube/certs/client.pem", client.cert_pem);
  WriteFile(dir / "key.pem", client.key_pem);
  WriteFile(dir / "kube/config", SingleContext("    server: https://x.example\n"
                                               "    certificate-authority: certs/ca.pem\n"
                                               "    tls-server-name: api.internal\n"
                                               "    proxy-url: http://proxy.example:3128\n",
                                               "    client-certificate: certs/client.pem\n"
                                               "    client-key: ../key.pem\n"));
  auto config = LoadOne(dir / "kube/config");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->ca_pem, "CA-PEM");
  EXPECT_EQ(config->client_cert_pem, client.cert_pem);
  EXPECT_EQ(config->client_key_pem, client.key_pem);
  EXPECT_EQ(config->tls_server_name, "api.internal");
  EXPECT_EQ(config->proxy_url, "http://proxy.example:3128");
}

// Validates that *-data fields are base64-decoded and used instead of files.
TEST(Kubeconfig, DataFields_AreDecoded) {
  TempDir dir;
  WriteFile(dir / "config", SingleContext("    server: https://x.example\n"
                                          "    certificate-authority-data: " +
                                              B64("CA-BYTES") + "\n",
                                          "    client-certificate-data: " + B64("CERT") + "\n" +
                                              "    client-key-data: " + B64("KEY") + "\n"));
  auto config = LoadOne(dir / "config");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->ca_pem, "CA-BYTES");
  EXPECT_EQ(config->client_cert_pem, "CERT");
  EXPECT_EQ(config->client_key_pem, "KEY");
}

// Validates that setting a data field and its file field together is refused, as client-go does.
TEST(Kubeconfig, DataAndFileBothSet_ErrorNamesCluster) {
  TempDir dir;
  WriteFile(dir / "ca.pem", "CA");
  WriteFile(dir / "config", SingleContext("    server: https://x.example\n"
                                          "    certificate-authority: ca.pem\n"
                                          "    certificate-authority-data: " +
                                              B64("CA") + "\n",
                                          "    token: t\n"));
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("cluster \"c1\""));
  EXPECT_THAT(config.error().message, HasSubstr("are both set"));
}

// Validates that malformed YAML is an error naming the file and position, without the token.
TEST(Kubeconfig, MalformedYaml_ErrorNamesFileNotToken) {
  TempDir dir;
  WriteFile(dir / "config", std::string("users:\n- name: u1\n  user:\n    token: ") + kSecretToken +
                                "\n  bad: [unclosed\n");
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::kConfiguration);
  EXPECT_THAT(config.error().message, HasSubstr("kubeconfig \"" + (dir / "config") + "\""));
  EXPECT_THAT(config.error().message, HasSubstr("invalid YAML at line"));
  EXPECT_THAT(config.error().message, Not(HasSubstr(kSecretToken)));
}

// Validates that a document that is not a mapping is an error, not a crash.
TEST(Kubeconfig, NonMappingDocument_Error) {
  TempDir dir;
  WriteFile(dir / "config", "- just\n- a list\n");
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr(dir / "config"));

  WriteFile(dir / "config", "clusters: 5\n");
  config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("clusters is not a list"));
}

// Validates that invalid base64 names the file, cluster and field, and not the data.
TEST(Kubeconfig, BadBase64_ErrorNamesFileAndCluster) {
  TempDir dir;
  WriteFile(dir / "config", SingleContext("    server: https://x.example\n"
                                          "    certificate-authority-data: '!!notbase64!!'\n",
                                          std::string("    token: ") + kSecretToken + "\n"));
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, "kubeconfig \"" + (dir / "config") +
                                        "\": cluster \"c1\" (used by context \"hub\"): "
                                        "certificate-authority-data is not valid base64");
}

// Validates that bad client-key-data names the user and never echoes the token.
TEST(Kubeconfig, BadKeyBase64_ErrorNamesUserNotToken) {
  TempDir dir;
  WriteFile(dir / "config", SingleContext("    server: https://x.example\n",
                                          std::string("    token: ") + kSecretToken +
                                              "\n    client-certificate-data: " + B64("C") +
                                              "\n    client-key-data: '%%%'\n"));
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("user \"u1\""));
  EXPECT_THAT(config.error().message, HasSubstr("client-key-data is not valid base64"));
  EXPECT_THAT(config.error().message, Not(HasSubstr(kSecretToken)));
}

// Validates that an unknown context is an error naming the file and the context.
TEST(Kubeconfig, UnknownContext_ErrorNamesFileAndContext) {
  TempDir dir;
  WriteFile(dir / "config", SingleContext("    server: https://x.example\n", "    token: t\n"));
  auto config = LoadKubeconfig({.paths = {dir / "config"}, .context = "spoke"});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message,
            "kubeconfig \"" + (dir / "config") + "\": context \"spoke\" not found");
}

// Validates that a context naming an unknown cluster gives the documented message.
TEST(Kubeconfig, MissingCluster_ErrorNamesFileAndContext) {
  TempDir dir;
  WriteFile(dir / "config",
            "current-context: hub\n"
            "contexts:\n- name: hub\n  context:\n    cluster: c1\n    user: u1\n"
            "users:\n- name: u1\n  user:\n    token: " +
                std::string(kSecretToken) + "\n");
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, "kubeconfig \"" + (dir / "config") +
                                        "\": context \"hub\" refers to unknown cluster \"c1\"");
}

// Validates that a context naming an unknown user is an error naming both.
TEST(Kubeconfig, MissingUser_ErrorNamesContextAndUser) {
  TempDir dir;
  WriteFile(dir / "config",
            "current-context: hub\n"
            "clusters:\n- name: c1\n  cluster:\n    server: https://x.example\n"
            "contexts:\n- name: hub\n  context:\n    cluster: c1\n    user: ghost\n");
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, "kubeconfig \"" + (dir / "config") +
                                        "\": context \"hub\" refers to unknown user \"ghost\"");
}

// Validates that a cluster without a server is an error naming the file, cluster and context.
TEST(Kubeconfig, MissingServer_ErrorNamesFileClusterAndContext) {
  TempDir dir;
  WriteFile(dir / "config", SingleContext("    tls-server-name: x\n",
                                          std::string("    token: ") + kSecretToken + "\n"));
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, "kubeconfig \"" + (dir / "config") +
                                        "\": cluster \"c1\" (used by context \"hub\"): "
                                        "no server is set");
}

// Validates that no current-context and no override is an error naming the files.
TEST(Kubeconfig, NoContextSelected_ErrorNamesFile) {
  TempDir dir;
  WriteFile(dir / "config", "clusters: []\n");
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr(dir / "config"));
  EXPECT_THAT(config.error().message, HasSubstr("current-context is not set"));
}

// Validates that the same name twice in one file is refused, as client-go does.
TEST(Kubeconfig, DuplicateNameInOneFile_Error) {
  TempDir dir;
  WriteFile(dir / "config",
            "clusters:\n"
            "- name: c1\n  cluster:\n    server: https://one.example\n"
            "- name: c1\n  cluster:\n    server: https://two.example\n");
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("duplicate cluster \"c1\""));
}

// Validates that unsupported authentication is refused with a message naming the user.
TEST(Kubeconfig, AuthProvider_ErrorNamesUser) {
  TempDir dir;
  WriteFile(dir / "config", SingleContext("    server: https://x.example\n",
                                          "    auth-provider:\n      name: oidc\n"));
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::kConfiguration);
  EXPECT_THAT(config.error().message, HasSubstr("user \"u1\""));
  EXPECT_THAT(config.error().message, HasSubstr("auth-provider is not supported"));

  WriteFile(dir / "config", SingleContext("    server: https://x.example\n",
                                          "    username: admin\n    password: hunter2\n"));
  config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("username/password"));
  EXPECT_THAT(config.error().message, Not(HasSubstr("hunter2")));
}

// Validates that a client certificate without a key is refused.
TEST(Kubeconfig, CertWithoutKey_ErrorNamesUser) {
  TempDir dir;
  WriteFile(dir / "config", SingleContext("    server: https://x.example\n",
                                          "    client-certificate-data: " + B64("C") + "\n"));
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("user \"u1\""));
  EXPECT_THAT(config.error().message, HasSubstr("without a client key"));
}

// Validates that a relative tokenFile resolves against the kubeconfig and is re-read after a
// rewrite.
TEST(Kubeconfig, TokenFile_RotatesOnRewrite) {
  TempDir dir;
  WriteFile(dir / "kube/tokens/t", "first-token\n");
  WriteFile(dir / "kube/config",
            SingleContext("    server: https://x.example\n", "    tokenFile: tokens/t\n"));
  auto config = LoadOne(dir / "kube/config");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_NE(config->credentials, nullptr);
  EXPECT_EQ(config->credentials->Current()->token, "first-token");
  WriteFile(dir / "kube/tokens/t", "the-second-token\n");
  EXPECT_EQ(config->credentials->Current()->token, "the-second-token");
}

// Validates that an unreadable tokenFile fails the load with the user and path named.
TEST(Kubeconfig, TokenFileMissing_ErrorNamesUserAndFile) {
  TempDir dir;
  WriteFile(dir / "config",
            SingleContext("    server: https://x.example\n", "    tokenFile: absent-token\n"));
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("user \"u1\""));
  EXPECT_THAT(config.error().message, HasSubstr(dir / "absent-token"));
}

// Validates that an exec user becomes an ExecCredentialSource carrying the exec settings, a
// relative command resolved against the kubeconfig, and the cluster's exec extension.
TEST(Kubeconfig, ExecUser_BuildsExecCredentialSource) {
  TempDir dir;
  WriteFile(dir / "config", SingleContext("    server: https://x.example\n"
                                          "    certificate-authority-data: " +
                                              B64("CA") +
                                              "\n"
                                              "    extensions:\n"
                                              "    - name: client.authentication.k8s.io/exec\n"
                                              "      extension:\n"
                                              "        clusterName: spoke-1\n"
                                              "        replicas: 3\n"
                                              "        quoted: \"3\"\n"
                                              "        enabled: true\n",
                                          "    exec:\n"
                                          "      apiVersion: client.authentication.k8s.io/v1\n"
                                          "      command: bin/plugin\n"
                                          "      args: [--a, --b]\n"
                                          "      env:\n      - name: X\n        value: y\n"
                                          "      provideClusterInfo: true\n"
                                          "      interactiveMode: Never\n"));
  auto config = LoadOne(dir / "config");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto exec = std::dynamic_pointer_cast<ExecCredentialSource>(config->credentials);
  ASSERT_NE(exec, nullptr);
  EXPECT_EQ(exec->config().command, dir / "bin/plugin");
  EXPECT_EQ(exec->config().args, (std::vector<std::string>{"--a", "--b"}));
  ASSERT_EQ(exec->config().env.size(), 1u);
  EXPECT_EQ(exec->config().env[0], (std::pair<std::string, std::string>{"X", "y"}));
  EXPECT_EQ(exec->cluster().server, "https://x.example");
  EXPECT_EQ(exec->cluster().ca_pem, "CA");
  EXPECT_EQ(nlohmann::json::parse(exec->config().cluster_config_json),
            nlohmann::json::parse(
                R"({"clusterName":"spoke-1","replicas":3,"quoted":"3","enabled":true})"));
}

// Validates that an exec apiVersion other than v1/v1beta1 is refused at load time.
TEST(Kubeconfig, ExecInvalidApiVersion_ErrorNamesUser) {
  TempDir dir;
  WriteFile(dir / "config", SingleContext("    server: https://x.example\n",
                                          "    exec:\n"
                                          "      apiVersion: client.authentication.k8s.io/v2\n"
                                          "      command: plugin\n"));
  auto config = LoadOne(dir / "config");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("user \"u1\""));
  EXPECT_THAT(config.error().message,
              HasSubstr("exec plugin: invalid apiVersion \"client.authentication.k8s.io/v2\""));
}

}  // namespace
}  // namespace awio::kube
