// Tests of the manager's credential providers (src/aws/credentials.h and credentials_types.h):
// redaction, timestamps, the environment, web identity and container sources with temporary
// files, an injected environment and a scripted transport, the chain's choice, and the cache's
// refresh before expiry with an injected clock.
#include "aws/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "base/time.h"
#include "client_fake_transport.h"

namespace awio::aws {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

std::chrono::system_clock::time_point T0() {
  return std::chrono::sys_days{std::chrono::year{2026} / 5 / 4} + 12h;
}

EnvLookup EnvOf(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "awio-credentials-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string Write(const std::string& name, const std::string& content) const {
    const fs::path file = path_ / name;
    std::ofstream(file, std::ios::trunc) << content;
    return file.string();
  }

 private:
  fs::path path_;
};

std::string StsResponse(const std::string& key_id, const std::string& expiration) {
  return "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
         "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/manager/s</Arn>"
         "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser><Credentials>"
         "<AccessKeyId>" +
         key_id +
         "</AccessKeyId><SecretAccessKey>sts-secret</SecretAccessKey>"
         "<SessionToken>sts-token</SessionToken><Expiration>" +
         expiration +
         "</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
         "</AssumeRoleWithWebIdentityResponse>";
}

std::string ContainerResponse(const std::string& key_id, const std::string& expiration) {
  return R"({"AccessKeyId":")" + key_id +
         R"(","SecretAccessKey":"pod-secret","Token":"pod-token","AccountId":"123456789012",)"
         R"("Expiration":")" +
         expiration + R"("})";
}

// Validates that secrets never print: streaming a SecretString or Credentials shows the key id
// and "<redacted>", never the secret key or the session token.
TEST(CredentialsTypesTest, Streaming_Secrets_AreRedacted) {
  Credentials credentials{.access_key_id = "AKIDEXAMPLE",
                          .secret_access_key = SecretString("very-secret-key"),
                          .session_token = SecretString("very-secret-token"),
                          .expiration = base::ParseRfc3339("2026-05-04T12:00:00Z"),
                          .source = "environment"};
  std::ostringstream out;
  out << credentials << " " << SecretString("loose-secret");
  EXPECT_THAT(out.str(), HasSubstr("AKIDEXAMPLE"));
  EXPECT_THAT(out.str(), HasSubstr("<redacted>"));
  EXPECT_THAT(out.str(), HasSubstr("2026-05-04T12:00:00Z"));
  EXPECT_THAT(out.str(), Not(HasSubstr("very-secret")));
  EXPECT_THAT(out.str(), Not(HasSubstr("loose-secret")));
  EXPECT_EQ(::testing::PrintToString(SecretString("x-secret")), "<redacted>");
}

// Validates that the timestamp forms AWS credential sources write (STS <Expiration>, the
// container endpoint's "Expiration") parse to one instant, and malformed ones are refused.
TEST(CredentialsTypesTest, AwsTimestampForms_ParseToTheSameInstant) {
  const auto expected = std::chrono::sys_days{std::chrono::year{2014} / 10 / 24} + 23h + 23s;
  EXPECT_EQ(base::ParseRfc3339("2014-10-24T23:00:23Z"), expected);
  EXPECT_EQ(base::ParseRfc3339("2014-10-24T23:00:23.000Z"), expected);
  EXPECT_EQ(base::ParseRfc3339("2014-10-25T08:00:23+09:00"), expected);
  EXPECT_EQ(base::ParseRfc3339("2014-10-24T18:00:23-05:00"), expected);
  EXPECT_EQ(base::ParseRfc3339("2014-10-24T23:00:23.5Z"), expected + 500ms);
  for (const char* bad :
       {"", "2014-10-24", "2014-10-24T23:00:23", "2014-13-24T23:00:23Z", "2014-02-30T23:00:23Z",
        "2014-10-24T23:00:23Zjunk", "2014-10-24 23:00:23Z", "2014-10-24T23:00:23.Z"}) {
    EXPECT_FALSE(base::ParseRfc3339(bad).has_value()) << bad;
  }
  EXPECT_EQ(base::FormatRfc3339(expected), "2014-10-24T23:00:23Z");
}

// Validates the environment source, including the session token and the older variable names.
TEST(CredentialsTest, Environment_Keys_AreRead) {
  auto credentials = EnvironmentCredentialsProvider(EnvOf({{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                                           {"AWS_SECRET_ACCESS_KEY", "secret"},
                                                           {"AWS_SESSION_TOKEN", "token"}}))
                         .Retrieve();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(credentials->secret_access_key.reveal(), "secret");
  EXPECT_EQ(credentials->session_token.reveal(), "token");
  EXPECT_FALSE(credentials->expiration.has_value());
  EXPECT_EQ(credentials->source, "environment");

  auto legacy =
      EnvironmentCredentialsProvider(EnvOf({{"AWS_ACCESS_KEY", "AKID2"}, {"AWS_SECRET_KEY", "s2"}}))
          .Retrieve();
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(legacy->access_key_id, "AKID2");
}

// Validates that the chain prefers static keys over every other configured source.
TEST(CredentialsTest, Chain_EnvironmentKeys_WinOverWebIdentityAndContainer) {
  auto chain = DefaultCredentialChain(
      {.env = EnvOf({{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                     {"AWS_SECRET_ACCESS_KEY", "secret"},
                     {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/manager"},
                     {"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent"},
                     {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/c"}})});
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto credentials = (*chain)->Retrieve();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->source, "environment");
}

// Validates the IRSA path end to end without a server: the token file's content is sent to the
// regional STS endpoint, unsigned, with the role ARN and AWS_ROLE_SESSION_NAME, and the answer
// becomes the credentials.
TEST(CredentialsTest, Chain_WebIdentity_ExchangesTheTokenFileAtSts) {
  TempDir dir;
  const std::string token_file = dir.Write("token", "eyJhbGciOiJSUzI1NiJ9.payload.sig\n");
  test::FakeTransport fake;
  fake.PushResponse(200, StsResponse("ASIAWEB", "2026-05-04T13:00:00Z"));
  auto chain = DefaultCredentialChain(
      {.env = EnvOf({{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/manager"},
                     {"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                     {"AWS_ROLE_SESSION_NAME", "awio-manager"},
                     {"AWS_REGION", "eu-west-1"}}),
       .clock = [] { return T0(); },
       .transport = fake.transport()});
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto credentials = (*chain)->Retrieve();
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "ASIAWEB");
  EXPECT_EQ(credentials->session_token.reveal(), "sts-token");
  EXPECT_EQ(credentials->source, "web identity");

  ASSERT_EQ(fake.requests().size(), 1u);
  const HttpRequest request = fake.requests()[0];
  EXPECT_EQ(request.url, "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(test::HeaderOf(request, "Authorization"), "<absent>");
  EXPECT_THAT(request.body,
              HasSubstr("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fmanager"));
  EXPECT_THAT(request.body, HasSubstr("RoleSessionName=awio-manager"));
  EXPECT_THAT(request.body,
              ::testing::EndsWith("WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.payload.sig"));
}

// Validates that the web identity source re-reads the token file on every retrieval, so a
// kubelet rotation is picked up, and generates a session name when none is configured.
TEST(CredentialsTest, WebIdentity_RotatedTokenFile_IsReadAgain) {
  TempDir dir;
  const std::string token_file = dir.Write("token", "first-token");
  test::FakeTransport fake;
  fake.PushResponse(200, StsResponse("ASIA1", "2026-05-04T13:00:00Z"));
  WebIdentityCredentialsProvider provider(
      {.role_arn = "arn:aws:iam::123456789012:role/manager",
       .token_file = token_file,
       .sts = {.region = "us-east-1", .transport = fake.transport()},
       .clock = [] { return T0(); }});
  ASSERT_TRUE(provider.Retrieve().ok());
  dir.Write("token", "second-token");
  ASSERT_TRUE(provider.Retrieve().ok());

  ASSERT_EQ(fake.requests().size(), 2u);
  EXPECT_THAT(fake.requests()[0].body, HasSubstr("WebIdentityToken=first-token"));
  EXPECT_THAT(fake.requests()[1].body, HasSubstr("WebIdentityToken=second-token"));
  EXPECT_THAT(fake.requests()[0].body, HasSubstr("RoleSessionName=awio-"));
}

// Validates that a missing token file names the file and the OS reason, as configuration.
TEST(CredentialsTest, WebIdentity_MissingTokenFile_NamesTheFile) {
  test::FakeTransport fake;
  WebIdentityCredentialsProvider provider(
      {.role_arn = "arn:aws:iam::123456789012:role/manager",
       .token_file = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token-missing",
       .sts = {.region = "us-east-1", .transport = fake.transport()}});
  auto credentials = provider.Retrieve();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().code, ErrorCode::kConfiguration);
  EXPECT_THAT(credentials.error().message,
              HasSubstr("web identity token file "
                        "/var/run/secrets/eks.amazonaws.com/serviceaccount/token-missing: "
                        "No such file or directory"));
  EXPECT_TRUE(fake.requests().empty());
}

// Validates that an STS refusal names the role and keeps the AWS code, without the token.
TEST(CredentialsTest, WebIdentity_StsRefusal_NamesRoleWithoutToken) {
  TempDir dir;
  const std::string token_file = dir.Write("token", "secret-jwt-value");
  test::FakeTransport fake;
  fake.PushResponse(400,
                    "<ErrorResponse><Error><Code>InvalidIdentityToken</Code>"
                    "<Message>No OpenIDConnect provider found</Message></Error></ErrorResponse>");
  WebIdentityCredentialsProvider provider(
      {.role_arn = "arn:aws:iam::123456789012:role/manager",
       .token_file = token_file,
       .sts = {.region = "us-east-1", .transport = fake.transport()}});
  auto credentials = provider.Retrieve();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().reason, "InvalidIdentityToken");
  EXPECT_THAT(
      credentials.error().message,
      HasSubstr("web identity credentials for role arn:aws:iam::123456789012:role/manager"));
  EXPECT_THAT(credentials.error().message, Not(HasSubstr("secret-jwt-value")));
}

// Validates the STS endpoint choice for web identity: AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL,
// plain http only when allowed.
TEST(CredentialsTest, Chain_WebIdentityEndpointOverride_RequiresPlainHttpPermission) {
  TempDir dir;
  const std::map<std::string, std::string> env = {
      {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/manager"},
      {"AWS_WEB_IDENTITY_TOKEN_FILE", dir.Write("token", "t")},
      {"AWS_REGION", "us-east-1"},
      {"AWS_ENDPOINT_URL", "http://127.0.0.1:1111"},
      {"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2222"}};
  auto refused = DefaultCredentialChain({.env = EnvOf(env)});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConfiguration);
  EXPECT_THAT(refused.error().message, HasSubstr("plain http"));

  test::FakeTransport fake;
  fake.PushResponse(200, StsResponse("ASIA", "2026-05-04T13:00:00Z"));
  auto chain = DefaultCredentialChain(
      {.env = EnvOf(env), .allow_plain_http = true, .transport = fake.transport()});
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  ASSERT_TRUE((*chain)->Retrieve().ok());
  EXPECT_EQ(fake.requests()[0].url, "http://127.0.0.1:2222/");
  EXPECT_TRUE(fake.requests()[0].allow_plain_http);
}

// Validates the Pod Identity path: the token file's content goes in the Authorization header of
// a GET to AWS_CONTAINER_CREDENTIALS_FULL_URI, and the JSON answer becomes the credentials.
TEST(CredentialsTest, Chain_ContainerEndpoint_SendsTokenFromFile) {
  TempDir dir;
  const std::string token_file = dir.Write("eks-pod-identity-token", "pod-identity-jwt\n");
  test::FakeTransport fake;
  fake.PushResponse(200, ContainerResponse("ASIAPOD", "2026-05-04T18:00:00Z"));
  auto chain = DefaultCredentialChain(
      {.env = EnvOf({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file}}),
       .transport = fake.transport()});
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto credentials = (*chain)->Retrieve();
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "ASIAPOD");
  EXPECT_EQ(credentials->secret_access_key.reveal(), "pod-secret");
  EXPECT_EQ(credentials->session_token.reveal(), "pod-token");
  EXPECT_EQ(credentials->expiration, base::ParseRfc3339("2026-05-04T18:00:00Z"));
  EXPECT_EQ(credentials->source, "container endpoint");

  const HttpRequest request = fake.requests()[0];
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url, "http://169.254.170.23/v1/credentials");
  EXPECT_EQ(test::HeaderOf(request, "Authorization"), "pod-identity-jwt");
}

// Validates the container source's failures: an error status is retried and then reported
// naming the endpoint but not the token; an answer without a secret is rejected.
TEST(CredentialsTest, Container_Failures_NameEndpointNotToken) {
  test::FakeTransport failing;
  failing.PushResponse(500, R"({"code":"InternalError","message":"agent failed"})");
  ContainerCredentialsProvider provider({.url = "http://127.0.0.1:9/creds",
                                         .token = SecretString("literal-token-value"),
                                         .transport = failing.transport(),
                                         .retry = test::NoWaitRetries()});
  auto credentials = provider.Retrieve();
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(failing.requests().size(), 3u);
  EXPECT_EQ(test::HeaderOf(failing.requests()[0], "Authorization"), "literal-token-value");
  EXPECT_THAT(credentials.error().message,
              HasSubstr("container credentials endpoint http://127.0.0.1:9"));
  EXPECT_THAT(credentials.error().message, HasSubstr("InternalError: agent failed"));
  EXPECT_THAT(credentials.error().message, Not(HasSubstr("literal-token-value")));

  test::FakeTransport incomplete;
  incomplete.PushResponse(200, R"({"AccessKeyId":"ASIA","Token":"t"})");
  ContainerCredentialsProvider incomplete_provider(
      {.url = "http://127.0.0.1:9/creds", .transport = incomplete.transport()});
  auto missing_secret = incomplete_provider.Retrieve();
  ASSERT_FALSE(missing_secret.ok());
  EXPECT_EQ(missing_secret.error().code, ErrorCode::kInternal);
}

// Validates which container URLs are accepted: https anywhere, http only to loopback and the
// ECS/EKS agent addresses.
TEST(CredentialsTest, ValidateContainerUrl_Hosts_FollowSdkRules) {
  for (const char* url : {"http://169.254.170.23/v1/credentials", "http://169.254.170.2/creds",
                          "http://[fd00:ec2::23]/v1/credentials", "http://127.0.0.1:8080/c",
                          "http://localhost/c", "https://credentials.example.com/c"}) {
    EXPECT_TRUE(ValidateContainerCredentialsUrl(url, "AWS_CONTAINER_CREDENTIALS_FULL_URI").ok())
        << url;
  }
  for (const char* url : {"http://10.0.0.5/c", "http://169.254.169.254/latest", "ftp://x/c",
                          "http://127.evil.example/c"}) {
    const Status status =
        ValidateContainerCredentialsUrl(url, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    ASSERT_FALSE(status.ok()) << url;
    EXPECT_THAT(status.error().message, HasSubstr("AWS_CONTAINER_CREDENTIALS_FULL_URI")) << url;
  }
}

struct HalfConfiguredCase {
  std::map<std::string, std::string> env;
  std::string message;
};

// Validates that a half-configured or absent source is a configuration error naming what is
// missing, rather than a silent fallback to another identity.
TEST(CredentialsTest, Chain_HalfConfigured_NamesMissingVariable) {
  for (const HalfConfiguredCase& c : std::vector<HalfConfiguredCase>{
           {{{"AWS_ACCESS_KEY_ID", "AKID"}}, "AWS_SECRET_ACCESS_KEY is not set"},
           {{{"AWS_SECRET_ACCESS_KEY", "s"}}, "AWS_ACCESS_KEY_ID is not set"},
           {{{"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"}}, "AWS_WEB_IDENTITY_TOKEN_FILE is not set"},
           {{{"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}}, "AWS_ROLE_ARN is not set"},
           {{{"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"}, {"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}},
            "no AWS region for STS"},
           {{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.1.1.1/c"}}, "plain http"},
           {{}, "no AWS credentials configured"},
           {{{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}},
            "no AWS credentials configured"}}) {
    auto chain = DefaultCredentialChain({.env = EnvOf(c.env)});
    ASSERT_FALSE(chain.ok()) << c.message;
    EXPECT_EQ(chain.error().code, ErrorCode::kConfiguration) << c.message;
    EXPECT_THAT(chain.error().message, HasSubstr(c.message));
  }
}

// A provider whose answers and call count a test controls.
class ScriptedProvider : public CredentialsProvider {
 public:
  Result<Credentials> Retrieve() override {
    ++calls;
    if (fail) return MakeError(ErrorCode::kUnavailable, "sts unreachable");
    Credentials credentials{.access_key_id = "ASIA" + std::to_string(calls.load()),
                            .secret_access_key = SecretString("s"),
                            .session_token = SecretString("t")};
    if (lifetime) credentials.expiration = *now + *lifetime;
    return credentials;
  }

  std::atomic<int> calls{0};
  bool fail = false;
  std::optional<std::chrono::seconds> lifetime = 1h;
  const std::chrono::system_clock::time_point* now = nullptr;
};

// Validates the cache: credentials are reused until five minutes before they expire, then
// retrieved again.
TEST(CredentialsCacheTest, Retrieve_BeforeRefreshWindow_ReusesThenRefreshes) {
  auto now = T0();
  auto inner = std::make_shared<ScriptedProvider>();
  inner->now = &now;
  CachingCredentialsProvider cache(inner, [&] { return now; });

  EXPECT_EQ(cache.Retrieve()->access_key_id, "ASIA1");
  now += 30min;
  EXPECT_EQ(cache.Retrieve()->access_key_id, "ASIA1");
  now = T0() + 54min + 59s;  // still outside the 5-minute window before T0+1h
  EXPECT_EQ(cache.Retrieve()->access_key_id, "ASIA1");
  now = T0() + 55min;  // inside the window: refreshed before expiry
  EXPECT_EQ(cache.Retrieve()->access_key_id, "ASIA2");
  EXPECT_EQ(inner->calls, 2);
}

// Validates that a failed refresh returns the cached credentials while they still work, and the
// error once they have expired.
TEST(CredentialsCacheTest, Retrieve_RefreshFails_FallsBackUntilExpiry) {
  auto now = T0();
  auto inner = std::make_shared<ScriptedProvider>();
  inner->now = &now;
  CachingCredentialsProvider cache(inner, [&] { return now; });
  ASSERT_TRUE(cache.Retrieve().ok());

  inner->fail = true;
  now = T0() + 58min;
  auto stale = cache.Retrieve();
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->access_key_id, "ASIA1");

  now = T0() + 1h;
  auto expired = cache.Retrieve();
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().message, "sts unreachable");
}

// Validates that credentials without an expiry are retrieved once.
TEST(CredentialsCacheTest, Retrieve_NoExpiration_IsRetrievedOnce) {
  auto now = T0();
  auto inner = std::make_shared<ScriptedProvider>();
  inner->now = &now;
  inner->lifetime.reset();
  CachingCredentialsProvider cache(inner, [&] { return now; });
  ASSERT_TRUE(cache.Retrieve().ok());
  now += 24h * 365;
  ASSERT_TRUE(cache.Retrieve().ok());
  EXPECT_EQ(inner->calls, 1);
}

// Validates that concurrent callers share one retrieval (thread safety).
TEST(CredentialsCacheTest, Retrieve_ConcurrentCallers_ShareOneRetrieval) {
  const auto now = T0();
  auto inner = std::make_shared<ScriptedProvider>();
  inner->now = &now;
  CachingCredentialsProvider cache(inner, [&] { return now; });
  std::vector<std::thread> threads;
  std::atomic<int> successes{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j) successes += cache.Retrieve().ok();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(successes, 800);
  EXPECT_EQ(inner->calls, 1);
}

// Validates that the chain's providers are cached: a web identity exchange happens once while
// the credentials are fresh.
TEST(CredentialsCacheTest, Chain_WebIdentity_IsCached) {
  TempDir dir;
  auto now = T0();
  test::FakeTransport fake;
  fake.PushResponse(200, StsResponse("ASIA", "2026-05-04T13:00:00Z"));
  auto chain = DefaultCredentialChain(
      {.env = EnvOf({{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/manager"},
                     {"AWS_WEB_IDENTITY_TOKEN_FILE", dir.Write("token", "t")}}),
       .clock = [&] { return now; },
       .region = "us-east-1",
       .transport = fake.transport()});
  ASSERT_TRUE(chain.ok());
  ASSERT_TRUE((*chain)->Retrieve().ok());
  now += 30min;
  ASSERT_TRUE((*chain)->Retrieve().ok());
  EXPECT_EQ(fake.requests().size(), 1u);
  now += 26min;  // 4 minutes before expiry
  ASSERT_TRUE((*chain)->Retrieve().ok());
  EXPECT_EQ(fake.requests().size(), 2u);
}

}  // namespace
}  // namespace awio::aws
