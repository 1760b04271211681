// Tests of ExecCredentialSource (src/kube/config/exec_credential.h) against small /bin/sh plugins
// written into a temporary directory: output validation, the plugin's environment and
// arguments, KUBERNETES_EXEC_INFO, caching with an injected clock, Invalidate, failures, and the
// process-wide sharing table. Spec: inventory-and-remote-irsa.md §1.4.
#include "kube/config/exec_credential.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/time.h"
#include "config_test_support.h"
#include "kube/config/config_support.h"

namespace awio::kube {
namespace {

using std::chrono::system_clock;
using testing::CountLines;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteScript;

constexpr char kV1[] = "client.authentication.k8s.io/v1";
constexpr char kV1Beta1[] = "client.authentication.k8s.io/v1beta1";

// A plugin that prints `json` verbatim.
std::string StaticPlugin(const TempDir& dir, const std::string& json,
                         const std::string& name = "plugin") {
  const std::string path = dir / name;
  WriteScript(path, "#!/bin/sh\ncat <<'EOF'\n" + json + "\nEOF\n");
  return path;
}

// A plugin that counts its runs in <dir>/runs and returns token-<run number>, with `status_extra`
// appended inside the status object.
std::string CountingPlugin(const TempDir& dir, const std::string& status_extra = "") {
  const std::string path = dir / "counting-plugin";
  WriteScript(path,
              "#!/bin/sh\n"
              "echo run >> '" +
                  (dir / "runs") +
                  "'\n"
                  "n=$(wc -l < '" +
                  (dir / "runs") +
                  "' | tr -d ' ')\n"
                  "cat <<EOF\n"
                  "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" +
                  kV1 + "\",\"status\":{\"token\":\"token-$n\"" + status_extra +
                  "}}\n"
                  "EOF\n");
  return path;
}

std::string TokenOutput(const std::string& api_version, const std::string& token) {
  return nlohmann::json{
      {"kind", "ExecCredential"}, {"apiVersion", api_version}, {"status", {{"token", token}}}}
      .dump();
}

std::shared_ptr<ExecCredentialSource> MustCreate(ExecConfig config, ExecClusterInfo cluster = {},
                                                 ExecCredentialOptions options = {}) {
  auto source =
      ExecCredentialSource::Create(std::move(config), std::move(cluster), std::move(options));
  EXPECT_TRUE(source.ok()) << source.error().message;
  return source.ok() ? *source : nullptr;
}

Result<Credential> RunOnce(const std::string& command, const std::string& api_version = kV1) {
  auto source = MustCreate({.api_version = api_version, .command = command});
  if (source == nullptr) return MakeError(ErrorCode::kInternal, "no source");
  return source->Current();
}

system_clock::time_point At(const char* rfc3339) { return base::ParseRfc3339(rfc3339).value(); }

// Sets a process environment variable for the duration of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Validates that a token output is returned (§1.4 "Plugin output").
TEST(ExecCredential, TokenOutput_ReturnsToken) {
  TempDir dir;
  const auto command = StaticPlugin(dir, TokenOutput(kV1, "plugin-token"));
  auto source = MustCreate({.api_version = kV1, .command = command});
  auto credential = source->Current();
  ASSERT_TRUE(credential.ok()) << credential.error().message;
  EXPECT_EQ(credential->token, "plugin-token");
  EXPECT_FALSE(credential->expiry.has_value());
  EXPECT_EQ(source->Describe(), "exec plugin " + command);
}

// Validates that v1beta1 plugins are supported as well.
TEST(ExecCredential, V1Beta1Output_ReturnsToken) {
  TempDir dir;
  auto credential = RunOnce(StaticPlugin(dir, TokenOutput(kV1Beta1, "beta-token")), kV1Beta1);
  ASSERT_TRUE(credential.ok()) << credential.error().message;
  EXPECT_EQ(credential->token, "beta-token");
}

// Validates that a certificate and key output is returned when they form a pair.
TEST(ExecCredential, CertKeyOutput_ReturnsPair) {
  TempDir dir;
  const auto pair = testing::GenerateKeyPair("exec-client");
  const auto output = nlohmann::json{{"kind", "ExecCredential"},
                                     {"apiVersion", kV1},
                                     {"status",
                                      {{"clientCertificateData", pair.cert_pem},
                                       {"clientKeyData", pair.key_pem},
                                       {"expirationTimestamp", "2030-01-01T00:00:00.5+01:00"}}}};
  auto credential = RunOnce(StaticPlugin(dir, output.dump()));
  ASSERT_TRUE(credential.ok()) << credential.error().message;
  EXPECT_EQ(credential->client_cert_pem, pair.cert_pem);
  EXPECT_EQ(credential->client_key_pem, pair.key_pem);
  EXPECT_TRUE(credential->token.empty());
  EXPECT_EQ(credential->expiry, At("2029-12-31T23:00:00.5Z"));
}

// Validates that a certificate with a key of another pair is refused (§1.4 "PEM pair must
// parse"), without echoing the key.
TEST(ExecCredential, MismatchedCertKey_Error) {
  TempDir dir;
  const auto one = testing::GenerateKeyPair("one");
  const auto two = testing::GenerateKeyPair("two");
  const auto output = nlohmann::json{
      {"kind", "ExecCredential"},
      {"apiVersion", kV1},
      {"status", {{"clientCertificateData", one.cert_pem}, {"clientKeyData", two.key_pem}}}};
  auto credential = RunOnce(StaticPlugin(dir, output.dump()));
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().code, ErrorCode::kConfiguration);
  EXPECT_THAT(credential.error().message, HasSubstr("do not form a valid pair"));
  EXPECT_THAT(credential.error().message, Not(HasSubstr("PRIVATE KEY")));
}

// Validates that a certificate without a key is refused (§1.4 "cert and key either both present
// or both absent").
TEST(ExecCredential, CertWithoutKey_Error) {
  TempDir dir;
  const auto pair = testing::GenerateKeyPair("lonely");
  const auto output =
      nlohmann::json{{"kind", "ExecCredential"},
                     {"apiVersion", kV1},
                     {"status", {{"token", "t"}, {"clientCertificateData", pair.cert_pem}}}};
  const auto command = StaticPlugin(dir, output.dump());
  auto credential = RunOnce(command);
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().message, "exec plugin " + command +
                                            ": plugin returned clientCertificateData without "
                                            "clientKeyData");
}

// Validates that output without a status is refused (§1.4 "status present").
TEST(ExecCredential, MissingStatus_Error) {
  TempDir dir;
  const auto command = StaticPlugin(
      dir, R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1"})");
  auto credential = RunOnce(command);
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().code, ErrorCode::kConfiguration);
  EXPECT_EQ(credential.error().message,
            "exec plugin " + command + ": plugin didn't return a status field");
}

// Validates that a status with neither token nor certificate is refused.
TEST(ExecCredential, EmptyStatus_Error) {
  TempDir dir;
  auto credential = RunOnce(StaticPlugin(
      dir,
      R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{}})"));
  ASSERT_FALSE(credential.ok());
  EXPECT_THAT(credential.error().message, HasSubstr("didn't return a token or cert/key pair"));
}

// Validates that a plugin answering in another apiVersion is refused (§1.4 "configured to use
// API version X, plugin returned version Y").
TEST(ExecCredential, ApiVersionMismatch_Error) {
  TempDir dir;
  const auto command = StaticPlugin(dir, TokenOutput(kV1Beta1, "t"));
  auto credential = RunOnce(command, kV1);
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().message,
            "exec plugin " + command +
                ": configured to use API version client.authentication.k8s.io/v1, plugin "
                "returned version client.authentication.k8s.io/v1beta1");
}

// Validates that unparsable output is refused without repeating the token it contains.
TEST(ExecCredential, InvalidJson_ErrorDoesNotEchoToken) {
  TempDir dir;
  auto credential = RunOnce(StaticPlugin(
      dir, R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1",)"
           R"("status":{"token":"leaky-secret-token"}} trailing)"));
  ASSERT_FALSE(credential.ok());
  EXPECT_THAT(credential.error().message, HasSubstr("not an ExecCredential JSON object"));
  EXPECT_THAT(credential.error().message, Not(HasSubstr("leaky-secret-token")));
}

// Validates that a malformed expirationTimestamp is refused.
TEST(ExecCredential, BadExpiration_Error) {
  TempDir dir;
  auto credential = RunOnce(StaticPlugin(
      dir, R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1",)"
           R"("status":{"token":"t","expirationTimestamp":"tomorrow"}})"));
  ASSERT_FALSE(credential.ok());
  EXPECT_THAT(credential.error().message, HasSubstr("is not an RFC 3339 time"));
}

// Validates the non-zero exit message and category (§1.4 "Failures").
TEST(ExecCredential, NonZeroExit_ErrorNamesExitCode) {
  TempDir dir;
  const std::string command = dir / "failing";
  WriteScript(command, "#!/bin/sh\necho 'plugin diagnostics' >&2\nexit 3\n");
  auto credential = RunOnce(command);
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(credential.error().message, "exec: executable " + command + " failed with exit code 3");
}

// Validates the not-found message for a PATH lookup and for a path (§1.4 "Failures").
TEST(ExecCredential, NotFound_ErrorNamesCommand) {
  auto credential = RunOnce("awio-no-such-credential-plugin");
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().message,
            "exec: executable awio-no-such-credential-plugin not found");

  TempDir dir;
  credential = RunOnce(dir / "missing");
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().message, "exec: executable " + (dir / "missing") + " not found");
}

// Validates that a bare command name is looked up in PATH (§1.4 "Invocation").
TEST(ExecCredential, BareCommand_FoundInPath) {
  TempDir dir;
  StaticPlugin(dir, TokenOutput(kV1, "from-path"), "awio-test-path-plugin");
  const char* old_path = std::getenv("PATH");
  ScopedEnv path("PATH", dir.path() + ":" + (old_path != nullptr ? old_path : "/usr/bin:/bin"));
  auto credential = RunOnce("awio-test-path-plugin");
  ASSERT_TRUE(credential.ok()) << credential.error().message;
  EXPECT_EQ(credential->token, "from-path");
}

// Validates that a plugin running past the timeout is killed and reported.
TEST(ExecCredential, Timeout_KillsPlugin) {
  TempDir dir;
  const std::string command = dir / "slow";
  WriteScript(command, "#!/bin/sh\nsleep 30\n");
  auto source = MustCreate({.api_version = kV1, .command = command}, {},
                           {.timeout = std::chrono::milliseconds(300)});
  const auto started = std::chrono::steady_clock::now();
  auto credential = source->Current();
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(credential.error().message, HasSubstr("did not finish within 300ms"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

// Validates that args, configured env (later duplicates win, over the process env), the process
// env and a /dev/null stdin reach the plugin (§1.4 "Invocation").
TEST(ExecCredential, EnvAndArgs_ReachPlugin) {
  TempDir dir;
  const std::string command = dir / "dumping";
  WriteScript(command,
              "#!/bin/sh\n"
              "printf '%s\\n' \"$@\" > '" +
                  (dir / "args.txt") +
                  "'\n"
                  "printf '%s|%s|%s' \"$AWIO_TEST_CONFIGURED\" \"$AWIO_TEST_OVERRIDDEN\" "
                  "\"$AWIO_TEST_FROM_PROCESS\" > '" +
                  (dir / "env.txt") +
                  "'\n"
                  "readlink /proc/$$/fd/0 > '" +
                  (dir / "stdin.txt") +
                  "'\n"
                  "cat <<'EOF'\n" +
                  TokenOutput(kV1, "t") + "\nEOF\n");
  ScopedEnv from_process("AWIO_TEST_FROM_PROCESS", "process-value");
  ScopedEnv overridden("AWIO_TEST_OVERRIDDEN", "process-loses");

  auto source = MustCreate({.api_version = kV1,
                            .command = command,
                            .args = {"--one", "two words", ""},
                            .env = {{"AWIO_TEST_CONFIGURED", "first"},
                                    {"AWIO_TEST_OVERRIDDEN", "config-wins"},
                                    {"AWIO_TEST_CONFIGURED", "second-wins"}}});
  auto credential = source->Current();
  ASSERT_TRUE(credential.ok()) << credential.error().message;
  EXPECT_EQ(ReadFile(dir / "args.txt"), "--one\ntwo words\n\n");
  EXPECT_EQ(ReadFile(dir / "env.txt"), "second-wins|config-wins|process-value");
  EXPECT_EQ(ReadFile(dir / "stdin.txt"), "/dev/null\n");
}

// Validates KUBERNETES_EXEC_INFO with provideClusterInfo: every non-empty cluster member, the CA
// base64-encoded, the raw config, interactive false (§1.4 "KUBERNETES_EXEC_INFO").
TEST(ExecCredential, ExecInfo_WithClusterInfo) {
  TempDir dir;
  const std::string command = dir / "info";
  WriteScript(command, "#!/bin/sh\nprintf '%s' \"$KUBERNETES_EXEC_INFO\" > '" +
                           (dir / "info.json") + "'\ncat <<'EOF'\n" + TokenOutput(kV1, "t") +
                           "\nEOF\n");
  auto source = MustCreate({.api_version = kV1,
                            .command = command,
                            .provide_cluster_info = true,
                            .cluster_config_json = R"({"clusterName":"spoke-1"})"},
                           {.server = "https://spoke.example:6443",
                            .ca_pem = "CA PEM BYTES",
                            .tls_server_name = "spoke.internal",
                            .insecure_skip_tls_verify = true,
                            .proxy_url = "http://proxy.example:8080"});
  ASSERT_TRUE(source->Current().ok());
  const auto expected = nlohmann::json::parse(R"({
    "kind": "ExecCredential",
    "apiVersion": "client.authentication.k8s.io/v1",
    "spec": {
      "cluster": {
        "server": "https://spoke.example:6443",
        "tls-server-name": "spoke.internal",
        "insecure-skip-tls-verify": true,
        "certificate-authority-data": "Q0EgUEVNIEJZVEVT",
        "proxy-url": "http://proxy.example:8080",
        "config": {"clusterName": "spoke-1"}
      },
      "interactive": false
    }
  })");
  EXPECT_EQ(nlohmann::json::parse(ReadFile(dir / "info.json")), expected);
  EXPECT_EQ(nlohmann::json::parse(source->exec_info()), expected);
}

// Validates KUBERNETES_EXEC_INFO without provideClusterInfo: no spec.cluster at all, and empty
// cluster members omitted when it is provided (§1.4).
TEST(ExecCredential, ExecInfo_WithoutClusterInfo) {
  TempDir dir;
  const std::string command = dir / "info";
  WriteScript(command, "#!/bin/sh\nprintf '%s' \"$KUBERNETES_EXEC_INFO\" > '" +
                           (dir / "info.json") + "'\ncat <<'EOF'\n" + TokenOutput(kV1Beta1, "t") +
                           "\nEOF\n");
  auto source = MustCreate({.api_version = kV1Beta1,
                            .command = command,
                            .cluster_config_json = R"({"clusterName":"spoke-1"})"},
                           {.server = "https://spoke.example:6443", .ca_pem = "CA"});
  ASSERT_TRUE(source->Current().ok());
  EXPECT_EQ(nlohmann::json::parse(ReadFile(dir / "info.json")),
            nlohmann::json::parse(R"({"kind":"ExecCredential",)"
                                  R"("apiVersion":"client.authentication.k8s.io/v1beta1",)"
                                  R"("spec":{"interactive":false}})"));

  auto minimal = MustCreate({.api_version = kV1, .command = command, .provide_cluster_info = true},
                            {.server = "https://only-server.example"});
  EXPECT_EQ(nlohmann::json::parse(minimal->exec_info())["spec"],
            nlohmann::json::parse(
                R"({"cluster":{"server":"https://only-server.example"},"interactive":false})"));
}

// Validates that a credential is reused until the clock is strictly after its expiry (§1.4
// "Caching and refresh").
TEST(ExecCredential, ExpiryCaching_ReusesUntilExpired) {
  TempDir dir;
  auto now = std::make_shared<system_clock::time_point>(At("2029-12-31T23:00:00Z"));
  auto source = MustCreate(
      {.api_version = kV1,
       .command = CountingPlugin(dir, R"(,"expirationTimestamp":"2030-01-01T00:00:00Z")")},
      {}, {.clock = [now] { return *now; }});

  EXPECT_EQ(source->Current()->token, "token-1");
  EXPECT_EQ(source->Current()->token, "token-1");
  *now = At("2030-01-01T00:00:00Z");  // equal to the expiry: still valid
  EXPECT_EQ(source->Current()->token, "token-1");
  EXPECT_EQ(CountLines(dir / "runs"), 1);

  *now = At("2030-01-01T00:00:00.001Z");
  EXPECT_EQ(source->Current()->token, "token-2");
  EXPECT_EQ(CountLines(dir / "runs"), 2);
}

// Validates that a credential without expiry is reused indefinitely (§1.4).
TEST(ExecCredential, NoExpiry_ReusedForever) {
  TempDir dir;
  auto now = std::make_shared<system_clock::time_point>(At("2030-01-01T00:00:00Z"));
  auto source = MustCreate({.api_version = kV1, .command = CountingPlugin(dir)}, {},
                           {.clock = [now] { return *now; }});
  EXPECT_EQ(source->Current()->token, "token-1");
  *now = At("2130-01-01T00:00:00Z");
  EXPECT_EQ(source->Current()->token, "token-1");
  EXPECT_EQ(CountLines(dir / "runs"), 1);
}

// Validates that Invalidate drops the cached credential only when it is the one used (§1.4 "If
// a response comes back HTTP 401 and the credential used is still the cached one").
TEST(ExecCredential, Invalidate_OnlyDropsMatchingCredential) {
  TempDir dir;
  auto source = MustCreate({.api_version = kV1, .command = CountingPlugin(dir)});
  const auto first = source->Current();
  ASSERT_EQ(first->token, "token-1");

  source->Invalidate(Credential{.token = "stale-token"});
  EXPECT_EQ(source->Current()->token, "token-1");
  EXPECT_EQ(CountLines(dir / "runs"), 1);

  source->Invalidate(*first);
  EXPECT_EQ(source->Current()->token, "token-2");
  EXPECT_EQ(CountLines(dir / "runs"), 2);

  source->Invalidate(*first);  // already replaced: no effect
  EXPECT_EQ(source->Current()->token, "token-2");
  EXPECT_EQ(CountLines(dir / "runs"), 2);
}

// Validates that concurrent callers share one plugin run (§1.4 "Plugin runs are serialized per
// authenticator").
TEST(ExecCredential, ConcurrentCallers_ShareOneRun) {
  TempDir dir;
  const std::string command = dir / "slow-counting";
  // The pause keeps the first run in progress while the second caller arrives.
  WriteScript(command,
              "#!/bin/sh\n"
              "echo run >> '" +
                  (dir / "runs") +
                  "'\n"
                  "sleep 0.3\n"
                  "cat <<'EOF'\n" +
                  TokenOutput(kV1, "shared-token") + "\nEOF\n");
  auto source = MustCreate({.api_version = kV1, .command = command});
  Result<Credential> first = MakeError(ErrorCode::kInternal, "not run");
  Result<Credential> second = MakeError(ErrorCode::kInternal, "not run");
  std::thread one([&] { first = source->Current(); });
  std::thread two([&] { second = source->Current(); });
  one.join();
  two.join();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->token, "shared-token");
  EXPECT_EQ(second->token, "shared-token");
  EXPECT_EQ(CountLines(dir / "runs"), 1);
}

// Validates that an unknown apiVersion is refused at construction (§1.2 "exec plugin: invalid
// apiVersion").
TEST(ExecCredential, InvalidApiVersionAtConstruction_Error) {
  auto source = ExecCredentialSource::Create(
      {.api_version = "client.authentication.k8s.io/v1alpha1", .command = "x"}, {});
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.error().code, ErrorCode::kConfiguration);
  EXPECT_EQ(source.error().message,
            "exec plugin: invalid apiVersion \"client.authentication.k8s.io/v1alpha1\"");

  source = ExecCredentialSource::Create({.api_version = kV1, .command = ""}, {});
  ASSERT_FALSE(source.ok());
  source = ExecCredentialSource::Create(
      {.api_version = kV1, .command = "x", .cluster_config_json = "{not json"}, {});
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.error().message, HasSubstr("cluster config is not valid JSON"));
}

// Validates the process-wide sharing key: identical settings share, cluster info splits the key
// only with provideClusterInfo (§1.4 "Authenticators are cached process-wide").
TEST(ExecCredential, SharedSource_KeyedByConfigAndClusterInfo) {
  const ExecConfig plain{.api_version = kV1, .command = "awio-shared-test-plugin"};
  auto a = SharedExecCredentialSource(plain, {.server = "https://a.example"});
  auto b = SharedExecCredentialSource(plain, {.server = "https://b.example"});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());

  ExecConfig with_info = plain;
  with_info.provide_cluster_info = true;
  auto c = SharedExecCredentialSource(with_info, {.server = "https://a.example"});
  auto d = SharedExecCredentialSource(with_info, {.server = "https://b.example"});
  auto e = SharedExecCredentialSource(with_info, {.server = "https://a.example"});
  ASSERT_TRUE(c.ok() && d.ok() && e.ok());
  EXPECT_NE(c->get(), d->get());
  EXPECT_NE(c->get(), a->get());
  EXPECT_EQ(c->get(), e->get());

  ExecConfig other_args = plain;
  other_args.args = {"--x"};
  auto f = SharedExecCredentialSource(other_args, {});
  ASSERT_TRUE(f.ok());
  EXPECT_NE(f->get(), a->get());

  auto invalid = SharedExecCredentialSource({.api_version = "v0", .command = "x"}, {});
  EXPECT_FALSE(invalid.ok());
}

}  // namespace
}  // namespace awio::kube
