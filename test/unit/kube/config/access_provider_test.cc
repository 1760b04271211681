// Tests of the access-provider file and ClusterProfile config building
// (src/kube/config/access_provider.h). Spec: inventory-and-remote-irsa.md §1.2 and §1.3, test
// vectors §13.2.
#include "kube/config/access_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "config_test_support.h"
#include "kube/config/exec_credential.h"

namespace awio::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TempDir;
using testing::WriteFile;

using Env = std::vector<std::pair<std::string, std::string>>;

std::vector<AccessProvider> MustParse(const std::string& json) {
  auto providers = ParseAccessProviders(json);
  EXPECT_TRUE(providers.ok()) << providers.error().message;
  return providers.ok() ? *providers : std::vector<AccessProvider>{};
}

AccessProvider Provider(const std::string& name, const std::string& cli_policy = "",
                        const std::string& env_policy = "") {
  return AccessProvider{.name = name,
                        .exec_config = ExecConfig{.api_version = "client.authentication.k8s.io/v1",
                                                  .command = "/plugins/cp-creds",
                                                  .args = {"--managed-serviceaccount=awio"},
                                                  .env = {{"A", "file-a"}, {"B", "file-b"}},
                                                  .provide_cluster_info = true,
                                                  .install_hint = "install it"},
                        .cli_args_policy = cli_policy,
                        .env_vars_policy = env_policy};
}

nlohmann::json Entry(const std::string& name, const std::string& server,
                     nlohmann::json extensions = nlohmann::json::array()) {
  return {{"name", name}, {"cluster", {{"server", server}, {"extensions", extensions}}}};
}

nlohmann::json Profile(nlohmann::json access, nlohmann::json credential = nlohmann::json::array()) {
  return {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
          {"kind", "ClusterProfile"},
          {"metadata", {{"name", "wlc-a"}, {"namespace", "inventory"}}},
          {"status", {{"accessProviders", access}, {"credentialProviders", credential}}}};
}

nlohmann::json Extension(const std::string& name, nlohmann::json value) {
  return {{"name", name}, {"extension", value}};
}

// Validates that member names match case-insensitively and unknown members are ignored (§1.2
// "Parsing rules").
TEST(AccessProviderFile, CaseInsensitiveKeys_UnknownIgnored) {
  const auto providers = MustParse(R"({
    "PROVIDERS": [{
      "Name": "open-cluster-management",
      "execconfig": {
        "APIVERSION": "client.authentication.k8s.io/v1",
        "Command": "/plugins/cp-creds",
        "ARGS": ["--managed-serviceaccount=aws-workload-identity-operator"],
        "Env": [{"NAME": "SOME_VAR", "Value": "x"}],
        "installhint": "optional text",
        "ProvideClusterInfo": true,
        "interactiveMODE": "Never",
        "somethingNew": {"nested": 1}
      },
      "profilesourcedcliargspolicy": "Append",
      "ProfileSourcedEnvVarsPolicy": "AppendIfNotExists",
      "unknown": 42
    }],
    "extra": "ignored"
  })");
  ASSERT_EQ(providers.size(), 1u);
  const auto& provider = providers[0];
  EXPECT_EQ(provider.name, "open-cluster-management");
  ASSERT_TRUE(provider.exec_config.has_value());
  EXPECT_EQ(provider.exec_config->api_version, "client.authentication.k8s.io/v1");
  EXPECT_EQ(provider.exec_config->command, "/plugins/cp-creds");
  EXPECT_EQ(provider.exec_config->args,
            (std::vector<std::string>{"--managed-serviceaccount=aws-workload-identity-operator"}));
  EXPECT_EQ(provider.exec_config->env, (Env{{"SOME_VAR", "x"}}));
  EXPECT_EQ(provider.exec_config->install_hint, "optional text");
  EXPECT_TRUE(provider.exec_config->provide_cluster_info);
  EXPECT_EQ(provider.interactive_mode, "Never");
  EXPECT_EQ(provider.cli_args_policy, "Append");
  EXPECT_EQ(provider.env_vars_policy, "AppendIfNotExists");
}

// Validates that a missing or null providers member gives an empty list, and a null execConfig
// is kept as absent (§1.2).
TEST(AccessProviderFile, MissingProviders_Empty) {
  EXPECT_TRUE(MustParse("{}").empty());
  EXPECT_TRUE(MustParse(R"({"providers": null})").empty());
  const auto providers = MustParse(R"({"providers": [{"name": "p", "execConfig": null}]})");
  ASSERT_EQ(providers.size(), 1u);
  EXPECT_FALSE(providers[0].exec_config.has_value());
}

// Validates that YAML is rejected with the documented prefix (§1.2 "JSON only").
TEST(AccessProviderFile, Yaml_Rejected) {
  auto providers = ParseAccessProviders("providers:\n- name: open-cluster-management\n");
  ASSERT_FALSE(providers.ok());
  EXPECT_EQ(providers.error().code, ErrorCode::kConfiguration);
  EXPECT_THAT(providers.error().message, StartsWith("failed to unmarshal access providers:"));
}

// Validates that a wrongly typed member is an error, as in Go's encoding/json.
TEST(AccessProviderFile, WrongType_Error) {
  for (const char* json :
       {R"({"providers": {}})", R"({"providers": [{"name": 5}]})",
        R"({"providers": [{"execConfig": {"args": "--x"}}]})",
        R"({"providers": [{"execConfig": {"provideClusterInfo": "yes"}}]})", R"([])"}) {
    auto providers = ParseAccessProviders(json);
    ASSERT_FALSE(providers.ok()) << json;
    EXPECT_THAT(providers.error().message, StartsWith("failed to unmarshal access providers: "))
        << json;
  }
}

// Validates that a file that cannot be read gives the documented prefix (§1.2).
TEST(AccessProviderFile, Unreadable_ErrorNamesFile) {
  TempDir dir;
  auto providers = LoadAccessProviderFile(dir / "absent.json");
  ASSERT_FALSE(providers.ok());
  EXPECT_EQ(providers.error().message, "failed to read access config file: open " +
                                           (dir / "absent.json") + ": No such file or directory");

  WriteFile(dir / "providers.json", R"({"providers":[{"name":"p"}]})");
  auto loaded = LoadAccessProviderFile(dir / "providers.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->at(0).name, "p");
}

// Validates the §13.2 vector: with credentialProviders stripped, provider file order
// [legacy, ocm] selects the accessProviders entry ocm.
TEST(ClusterProfileConfig, StrippedCredentialProviders_SelectsAccessProvider) {
  const auto profile =
      Profile(nlohmann::json::array({Entry("ocm", "https://ocm.example.com")}),
              nlohmann::json::array({Entry("legacy", "https://legacy.example.com")}));
  const std::vector<AccessProvider> providers = {Provider("legacy"), Provider("ocm")};

  auto config = ConfigFromClusterProfile(providers, profile, false);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server, "https://ocm.example.com");
  EXPECT_EQ(config->source, "cluster profile \"inventory/wlc-a\" access provider \"ocm\"");

  // §1.3 step 1-2: when credentialProviders participate, the file order picks legacy.
  auto with_legacy = ResolveClusterProfileAccess(providers, profile, true);
  ASSERT_TRUE(with_legacy.ok()) << with_legacy.error().message;
  EXPECT_EQ(with_legacy->provider, "legacy");
  EXPECT_EQ(with_legacy->server, "https://legacy.example.com");
}

// Validates that an accessProviders entry overwrites a credentialProviders entry of the same name
// (§1.3 step 1).
TEST(ClusterProfileConfig, AccessProviderOverwritesCredentialProvider) {
  const auto profile = Profile(nlohmann::json::array({Entry("ocm", "https://new.example")}),
                               nlohmann::json::array({Entry("ocm", "https://old.example")}));
  auto access = ResolveClusterProfileAccess({Provider("ocm")}, profile, true);
  ASSERT_TRUE(access.ok()) << access.error().message;
  EXPECT_EQ(access->server, "https://new.example");
}

// Validates the documented errors for no matching provider and a null execConfig (§1.3 steps
// 2-3).
TEST(ClusterProfileConfig, NoMatchOrNullExec_Errors) {
  const auto profile = Profile(nlohmann::json::array({Entry("ocm", "https://ocm.example")}));
  auto none = ConfigFromClusterProfile({Provider("other")}, profile, false);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kConfiguration);
  EXPECT_EQ(none.error().message,
            "no matching cluster accessor found for cluster profile \"wlc-a\"");

  AccessProvider no_exec = Provider("ocm");
  no_exec.exec_config.reset();
  auto null_exec = ConfigFromClusterProfile({no_exec}, profile, false);
  ASSERT_FALSE(null_exec.ok());
  EXPECT_EQ(null_exec.error().message, "no exec config found for provider \"ocm\"");
}

// Validates additional-args under Append and Ignore, and that the caller's list is not changed
// (§1.3 step 4).
TEST(ClusterProfileConfig, AdditionalArgs_AppendAndIgnore) {
  const auto profile = Profile(nlohmann::json::array(
      {Entry("ocm", "https://ocm.example",
             nlohmann::json::array({Extension(kAdditionalArgsExtension, {"--b", "--c"})}))}));
  const std::vector<AccessProvider> append = {Provider("ocm", "Append")};

  auto access = ResolveClusterProfileAccess(append, profile, false);
  ASSERT_TRUE(access.ok()) << access.error().message;
  EXPECT_EQ(access->exec.args,
            (std::vector<std::string>{"--managed-serviceaccount=awio", "--b", "--c"}));
  EXPECT_EQ(append[0].exec_config->args.size(), 1u);
  EXPECT_TRUE(access->exec.install_hint.empty());

  auto ignored = ResolveClusterProfileAccess({Provider("ocm", "Ignore")}, profile, false);
  ASSERT_TRUE(ignored.ok());
  EXPECT_EQ(ignored->exec.args, (std::vector<std::string>{"--managed-serviceaccount=awio"}));
}

// Validates that unknown policies fail only when the matching extension is present, with the
// documented texts (§1.2).
TEST(ClusterProfileConfig, BadPolicy_ErrorWhenExtensionPresent) {
  const auto plain = Profile(nlohmann::json::array({Entry("ocm", "https://ocm.example")}));
  EXPECT_TRUE(
      ResolveClusterProfileAccess({Provider("ocm", "Prepend", "Merge")}, plain, false).ok());

  const auto with_args = Profile(nlohmann::json::array(
      {Entry("ocm", "https://ocm.example",
             nlohmann::json::array({Extension(kAdditionalArgsExtension, {"--x"})}))}));
  auto args = ResolveClusterProfileAccess({Provider("ocm", "Prepend")}, with_args, false);
  ASSERT_FALSE(args.ok());
  EXPECT_THAT(args.error().message,
              StartsWith("unsupported ProfileSourcedCLIArgsPolicy: \"Prepend\""));

  const auto with_envs = Profile(nlohmann::json::array(
      {Entry("ocm", "https://ocm.example",
             nlohmann::json::array({Extension(kAdditionalEnvsExtension, {{"X", "1"}})}))}));
  auto envs = ResolveClusterProfileAccess({Provider("ocm", "", "Merge")}, with_envs, false);
  ASSERT_FALSE(envs.ok());
  EXPECT_THAT(envs.error().message,
              StartsWith("unsupported ProfileSourcedEnvVarsPolicy: \"Merge\""));
}

// Validates that a malformed args extension gives the documented prefix (§1.3 step 4).
TEST(ClusterProfileConfig, MalformedArgsExtension_Error) {
  const auto profile = Profile(nlohmann::json::array(
      {Entry("ocm", "https://ocm.example",
             nlohmann::json::array({Extension(kAdditionalArgsExtension, {{"not", "a list"}})}))}));
  auto access = ResolveClusterProfileAccess({Provider("ocm", "Append")}, profile, false);
  ASSERT_FALSE(access.ok());
  EXPECT_THAT(access.error().message,
              StartsWith("failed to unmarshal additional CLI args extension: "));
  EXPECT_THAT(access.error().message, HasSubstr("inventory/wlc-a"));
}

// Validates AppendIfNotExists (the provider file wins) and Replace (the profile wins), names
// unique and sorted (§1.3 step 4).
TEST(ClusterProfileConfig, AdditionalEnvs_Policies) {
  const auto profile = Profile(nlohmann::json::array(
      {Entry("ocm", "https://ocm.example",
             nlohmann::json::array(
                 {Extension(kAdditionalEnvsExtension, {{"A", "ext-a"}, {"C", "ext-c"}})}))}));

  auto append =
      ResolveClusterProfileAccess({Provider("ocm", "", "AppendIfNotExists")}, profile, false);
  ASSERT_TRUE(append.ok()) << append.error().message;
  EXPECT_EQ(append->exec.env, (Env{{"A", "file-a"}, {"B", "file-b"}, {"C", "ext-c"}}));

  auto replace = ResolveClusterProfileAccess({Provider("ocm", "", "Replace")}, profile, false);
  ASSERT_TRUE(replace.ok()) << replace.error().message;
  EXPECT_EQ(replace->exec.env, (Env{{"A", "ext-a"}, {"B", "file-b"}, {"C", "ext-c"}}));

  auto ignore = ResolveClusterProfileAccess({Provider("ocm", "", "Ignore")}, profile, false);
  ASSERT_TRUE(ignore.ok());
  EXPECT_EQ(ignore->exec.env, (Env{{"A", "file-a"}, {"B", "file-b"}}));
}

// Validates step 5: server verbatim, CA decoded, proxy-url kept, insecure and tls-server-name
// ignored, the exec extension delivered as the plugin's cluster config, install hint dropped
// (§1.3 step 5, §1.4 KUBERNETES_EXEC_INFO).
TEST(ClusterProfileConfig, Assembly_ServerCaProxyAndExecExtension) {
  nlohmann::json entry = {
      {"name", "open-cluster-management"},
      {"cluster",
       {{"server", "https://spoke.example:6443"},
        {"certificate-authority-data", "Q0EgUEVN"},
        {"proxy-url", "http://proxy.example:8080"},
        {"insecure-skip-tls-verify", true},
        {"tls-server-name", "ignored.example"},
        {"extensions", nlohmann::json::array({Extension(kExecClusterConfigExtension,
                                                        {{"clusterName", "spoke-1"}})})}}}};
  const auto profile = Profile(nlohmann::json::array({entry}));
  auto config = ConfigFromClusterProfile({Provider("open-cluster-management")}, profile, false);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server, "https://spoke.example:6443");
  EXPECT_EQ(config->ca_pem, "CA PEM");
  EXPECT_EQ(config->proxy_url, "http://proxy.example:8080");
  EXPECT_FALSE(config->insecure_skip_tls_verify);
  EXPECT_TRUE(config->tls_server_name.empty());
  EXPECT_TRUE(config->bearer_token.empty());

  auto exec = std::dynamic_pointer_cast<ExecCredentialSource>(config->credentials);
  ASSERT_NE(exec, nullptr);
  EXPECT_TRUE(exec->config().install_hint.empty());
  EXPECT_EQ(nlohmann::json::parse(exec->config().cluster_config_json),
            nlohmann::json({{"clusterName", "spoke-1"}}));
  EXPECT_EQ(nlohmann::json::parse(exec->exec_info())["spec"],
            nlohmann::json::parse(R"({"cluster":{"server":"https://spoke.example:6443",
                "certificate-authority-data":"Q0EgUEVN","proxy-url":"http://proxy.example:8080",
                "config":{"clusterName":"spoke-1"}},"interactive":false})"));
}

// Validates that an invalid exec apiVersion surfaces when the config is built (§1.2).
TEST(ClusterProfileConfig, InvalidApiVersion_Error) {
  AccessProvider provider = Provider("ocm");
  provider.exec_config->api_version = "client.authentication.k8s.io/v9";
  const auto profile = Profile(nlohmann::json::array({Entry("ocm", "https://ocm.example")}));
  auto config = ConfigFromClusterProfile({provider}, profile, false);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message,
              StartsWith("exec plugin: invalid apiVersion \"client.authentication.k8s.io/v9\""));
}

// Validates that bad CA data and duplicate extension names are errors naming the profile.
TEST(ClusterProfileConfig, BadCaOrDuplicateExtension_Error) {
  nlohmann::json bad_ca = Entry("ocm", "https://ocm.example");
  bad_ca["cluster"]["certificate-authority-data"] = "***";
  auto config =
      ConfigFromClusterProfile({Provider("ocm")}, Profile(nlohmann::json::array({bad_ca})), false);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("cluster profile \"inventory/wlc-a\""));
  EXPECT_THAT(config.error().message, HasSubstr("certificate-authority-data is not valid base64"));

  const auto duplicate = Profile(nlohmann::json::array(
      {Entry("ocm", "https://ocm.example",
             nlohmann::json::array({Extension(kExecClusterConfigExtension, {{"a", 1}}),
                                    Extension(kExecClusterConfigExtension, {{"a", 2}})}))}));
  config = ConfigFromClusterProfile({Provider("ocm")}, duplicate, false);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("duplicate extension name"));
}

}  // namespace
}  // namespace awio::kube
