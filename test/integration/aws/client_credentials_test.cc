// Integration tests of STS AssumeRoleWithWebIdentity (src/aws/sts.h) and the manager's credential
// sources (src/aws/credentials.h) against the AWS emulator, with a real service-account token
// minted by the test API server. Credentials obtained this way are then used for S3 with the
// emulator's signature checks on, which proves the session token is sent and signed correctly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "aws/credentials.h"
#include "aws/s3.h"
#include "aws/sts.h"
#include "base/time.h"
#include "client_emulator.h"

namespace awio::aws {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr const char* kAccountId = "123456789012";  // the emulator's account (MOTO_ACCOUNT_ID)

// A file in a fresh temporary directory, removed with it.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    std::string pattern = (fs::temp_directory_path() / "awio-aws-client-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    Write(content);
  }
  ~TempFile() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  void Write(const std::string& content) const {
    std::ofstream(path(), std::ios::trunc) << content;
  }
  std::string path() const { return (dir_ / "token").string(); }

 private:
  fs::path dir_;
};

EnvLookup EnvOf(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

// Puts, heads and deletes one object with `credentials` while the emulator checks signatures
// and the role's policy; returns the first failure's message, or "".
std::string S3RoundTripWithChecks(const std::shared_ptr<CredentialsProvider>& credentials) {
  const std::string bucket = test::UniqueName("awio-creds");
  test::CreateBucket(bucket);
  auto client = S3Client::Create({.endpoint = {.region = test::EmulatorRegion(),
                                               .endpoint_override = test::EmulatorEndpoint()},
                                  .allow_plain_http = true,
                                  .credentials = credentials});
  if (!client.ok()) return client.error().message;

  const test::EmulatorSignatureChecks checks;
  const Status put = (*client)->PutObject(
      {.bucket = bucket, .key = "keys.json", .body = "{}", .content_type = "application/json"});
  if (!put.ok()) return put.error().message;
  auto head = (*client)->HeadObject(bucket, "keys.json");
  if (!head.ok()) return head.error().message;
  const Status deleted = (*client)->DeleteObject(bucket, "keys.json");
  if (!deleted.ok()) return deleted.error().message;
  return "";
}

// Validates spec inventory-and-remote-irsa §8.4 against the emulator: an unsigned
// AssumeRoleWithWebIdentity with a real service-account token returns complete credentials, the
// assumed-role ARN (account id in its fifth field) and an expiry matching DurationSeconds.
TEST(StsEmulatorTest, AssumeRoleWithWebIdentity_RealToken_ReturnsCredentials) {
  const std::string role = test::UniqueName("awio-sts-role");
  const std::string role_arn = test::CreateRoleWithS3Access(role);
  ASSERT_EQ(role_arn, "arn:aws:iam::" + std::string(kAccountId) + ":role/" + role);
  const std::string token = test::ServiceAccountToken(test::UniqueName("sts-client"));
  ASSERT_FALSE(token.empty());

  auto client = StsClient::Create({.region = test::EmulatorRegion(),
                                   .endpoint_override = test::EmulatorEndpoint(),
                                   .allow_plain_http = true});
  ASSERT_TRUE(client.ok()) << client.error().message;
  const auto before = std::chrono::system_clock::now();
  auto output = client->AssumeRoleWithWebIdentity({.role_arn = role_arn,
                                                   .role_session_name = "app-workload",
                                                   .web_identity_token = SecretString(token),
                                                   .duration = 900s});
  ASSERT_TRUE(output.ok()) << output.error().message;

  EXPECT_FALSE(output->credentials.access_key_id.empty());
  EXPECT_FALSE(output->credentials.secret_access_key.empty());
  EXPECT_FALSE(output->credentials.session_token.empty());
  ASSERT_TRUE(output->credentials.expiration.has_value());
  EXPECT_GE(*output->credentials.expiration, before + 900s - 5s);
  EXPECT_LE(*output->credentials.expiration, before + 900s + 60s);
  EXPECT_EQ(output->assumed_role_arn,
            "arn:aws:sts::" + std::string(kAccountId) + ":assumed-role/" + role + "/app-workload");
  EXPECT_EQ(AccountIdFromArn(output->assumed_role_arn), kAccountId);
}

// Validates the IRSA source of the manager's chain end to end: AWS_ROLE_ARN and
// AWS_WEB_IDENTITY_TOKEN_FILE (holding a real projected-style token) are exchanged at the
// emulator's STS, and the resulting session credentials sign S3 requests the emulator accepts.
TEST(CredentialsEmulatorTest, WebIdentityChain_RealToken_SignsAcceptedS3Requests) {
  const std::string role_arn = test::CreateRoleWithS3Access(test::UniqueName("awio-irsa"));
  const TempFile token_file(test::ServiceAccountToken(test::UniqueName("irsa-manager")));

  auto chain = DefaultCredentialChain(
      {.env = EnvOf({{"AWS_ROLE_ARN", role_arn},
                     {"AWS_WEB_IDENTITY_TOKEN_FILE", token_file.path()},
                     {"AWS_ROLE_SESSION_NAME", "aws-workload-identity-operator"},
                     {"AWS_REGION", test::EmulatorRegion()},
                     {"AWS_ENDPOINT_URL_STS", test::EmulatorEndpoint()}}),
       .allow_plain_http = true});
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto credentials = (*chain)->Retrieve();
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->source, "web identity");
  EXPECT_FALSE(credentials->session_token.empty());

  EXPECT_EQ(S3RoundTripWithChecks(*chain), "");
}

// Validates that a web identity token file that cannot be read fails the chain's retrieval with
// the file named, before anything is sent.
TEST(CredentialsEmulatorTest, WebIdentityChain_MissingTokenFile_NamesTheFile) {
  auto chain = DefaultCredentialChain(
      {.env = EnvOf({{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/missing-file"},
                     {"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/awio/token"},
                     {"AWS_REGION", test::EmulatorRegion()},
                     {"AWS_ENDPOINT_URL_STS", test::EmulatorEndpoint()}}),
       .allow_plain_http = true});
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto credentials = (*chain)->Retrieve();
  ASSERT_FALSE(credentials.ok());
  EXPECT_THAT(credentials.error().message,
              HasSubstr("web identity token file /nonexistent/awio/token: No such file or "
                        "directory"));
}

// A local HTTP server that stands in for the EKS Pod Identity agent (which needs a real EKS node
// and cannot run here): GET /v1/credentials answers the agent's JSON when the Authorization header
// carries the expected token, and 401 otherwise.
class PodIdentityAgentStandIn {
 public:
  PodIdentityAgentStandIn(std::string expected_token, Credentials credentials)
      : expected_token_(std::move(expected_token)), credentials_(std::move(credentials)) {
    server_.Get("/v1/credentials",
                [this](const httplib::Request& request, httplib::Response& response) {
                  ++calls_;
                  if (request.get_header_value("Authorization") != expected_token_) {
                    response.status = 401;
                    response.set_content(R"({"code":"InvalidToken","message":"token rejected"})",
                                         "application/json");
                    return;
                  }
                  response.set_content(
                      nlohmann::json{{"AccessKeyId", credentials_.access_key_id},
                                     {"SecretAccessKey", credentials_.secret_access_key.reveal()},
                                     {"Token", credentials_.session_token.reveal()},
                                     {"AccountId", kAccountId},
                                     {"Expiration", base::FormatRfc3339(*credentials_.expiration)}}
                          .dump(),
                      "application/json");
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op before the accept loop runs, so wait for it to start.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
  }
  ~PodIdentityAgentStandIn() {
    server_.stop();
    thread_.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/v1/credentials";
  }
  int calls() const { return calls_; }

 private:
  const std::string expected_token_;
  const Credentials credentials_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> calls_{0};
};

// Validates the container source of the manager's chain end to end (EKS Pod Identity):
// AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE reach the agent,
// its answer (session credentials from the emulator's STS) signs accepted S3 requests, and the
// cache serves later calls without asking the agent again.
TEST(CredentialsEmulatorTest, ContainerChain_PodIdentityAgent_SignsAcceptedS3Requests) {
  const std::string role_arn = test::CreateRoleWithS3Access(test::UniqueName("awio-pod"));
  auto sts = StsClient::Create({.region = test::EmulatorRegion(),
                                .endpoint_override = test::EmulatorEndpoint(),
                                .allow_plain_http = true});
  ASSERT_TRUE(sts.ok());
  auto assumed = sts->AssumeRoleWithWebIdentity(
      {.role_arn = role_arn,
       .role_session_name = "eks-pod-identity",
       .web_identity_token = SecretString(test::ServiceAccountToken(test::UniqueName("pod")))});
  ASSERT_TRUE(assumed.ok()) << assumed.error().message;

  const TempFile token_file("pod-identity-agent-token\n");
  PodIdentityAgentStandIn agent("pod-identity-agent-token", assumed->credentials);
  auto chain = DefaultCredentialChain(
      {.env = EnvOf({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.url()},
                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file.path()}})});
  ASSERT_TRUE(chain.ok()) << chain.error().message;

  auto credentials = (*chain)->Retrieve();
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->source, "container endpoint");
  EXPECT_EQ(credentials->access_key_id, assumed->credentials.access_key_id);
  EXPECT_EQ(S3RoundTripWithChecks(*chain), "");
  EXPECT_EQ(agent.calls(), 1);
}

// Validates that the agent refusing the token is reported naming the endpoint, with neither the
// token nor a secret in the message, and is not retried (401 is not transient).
TEST(CredentialsEmulatorTest, ContainerChain_RejectedToken_NamesEndpointWithoutToken) {
  Credentials unused;
  unused.access_key_id = "ASIAUNUSED";
  unused.secret_access_key = SecretString("unused");
  unused.expiration = std::chrono::system_clock::now() + 1h;
  PodIdentityAgentStandIn agent("expected-token", unused);
  auto chain = DefaultCredentialChain(
      {.env = EnvOf({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.url()},
                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "stale-token-value"}})});
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto credentials = (*chain)->Retrieve();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().http_status, 401);
  EXPECT_THAT(credentials.error().message,
              HasSubstr("container credentials endpoint http://127.0.0.1:"));
  EXPECT_THAT(credentials.error().message, HasSubstr("InvalidToken: token rejected"));
  EXPECT_THAT(credentials.error().message, Not(HasSubstr("stale-token-value")));
  EXPECT_EQ(agent.calls(), 1);
}

}  // namespace
}  // namespace awio::aws
