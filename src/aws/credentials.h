// The manager's own AWS credentials: the provider interface, the three sources the manager runs
// with (environment variables, a web identity token exchanged at STS as IRSA does, and a
// container credentials endpoint as EKS Pod Identity serves), the chain that picks one from the
// environment, and the cache that refreshes before expiry. The values themselves (which print as
// "<redacted>") are in credentials_types.h. No Debian package provides an AWS SDK for C++, so
// this module is ours. Nothing here logs; no message ever carries a secret, a session token or a
// web identity token.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials_types.h"
#include "aws/http.h"
#include "aws/sts.h"
#include "base/error.h"

namespace awio::aws {

// Something that can produce credentials. Implementations are thread-safe.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials, or an error naming the source and what went wrong.
  virtual Result<Credentials> Retrieve() = 0;
};

// Credentials that are refreshed this long before they expire, so that a request signed just
// before the deadline still reaches AWS in time. AWS SDKs use windows of a few minutes.
inline constexpr std::chrono::seconds kDefaultRefreshWindow{5 * 60};

// Wraps a provider: returns the cached credentials until `refresh_window` before their
// expiration, then retrieves again. Concurrent callers share one retrieval. When a refresh fails
// while the cached credentials have not expired yet, those are returned (an STS outage should
// not fail calls that can still succeed); otherwise the error is.
class CachingCredentialsProvider final : public CredentialsProvider {
 public:
  CachingCredentialsProvider(std::shared_ptr<CredentialsProvider> inner, WallClock clock = {},
                             std::chrono::seconds refresh_window = kDefaultRefreshWindow);
  Result<Credentials> Retrieve() override;

 private:
  const std::shared_ptr<CredentialsProvider> inner_;
  const WallClock clock_;
  const std::chrono::seconds refresh_window_;
  std::mutex mutex_;  // held across a retrieval: one at a time, others wait for its result
  std::optional<Credentials> cached_;
};

// Fixed credentials (tests, and keys passed explicitly).
class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials);
  Result<Credentials> Retrieve() override;

 private:
  const Credentials credentials_;
};

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optionally AWS_SESSION_TOKEN, read on every call.
class EnvironmentCredentialsProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentCredentialsProvider(EnvLookup env = {});
  Result<Credentials> Retrieve() override;

 private:
  const EnvLookup env_;
};

// IRSA: reads the token file on every retrieval (the kubelet rotates it) and exchanges it at STS
// with AssumeRoleWithWebIdentity, unsigned. Errors name the token file or the STS call.
struct WebIdentityOptions {
  std::string role_arn;
  std::string token_file;
  std::string session_name;  // empty: generated from the clock
  StsClientOptions sts;
  WallClock clock;
};
class WebIdentityCredentialsProvider final : public CredentialsProvider {
 public:
  explicit WebIdentityCredentialsProvider(WebIdentityOptions options);
  Result<Credentials> Retrieve() override;

 private:
  const WebIdentityOptions options_;
};

// A container credentials endpoint (EKS Pod Identity agent, ECS agent): GET `url` with the
// authorization token in the Authorization header, JSON {AccessKeyId, SecretAccessKey, Token,
// Expiration}. The token is read from `token_file` on every call when set (it rotates).
struct ContainerCredentialsOptions {
  std::string url;
  std::string token_file;
  SecretString token;  // used when token_file is empty
  std::string ca_file;
  HttpTransport transport;  // empty: libcurl
  RetryPolicy retry;
  // The agents answer from memory; a short bound lets a missing agent fail fast.
  std::chrono::milliseconds timeout{5'000};
};
class ContainerCredentialsProvider final : public CredentialsProvider {
 public:
  explicit ContainerCredentialsProvider(ContainerCredentialsOptions options);
  Result<Credentials> Retrieve() override;

 private:
  const ContainerCredentialsOptions options_;
};

// Validates a container credentials URL as AWS SDKs do: https to any host, or http only to a
// loopback address or the ECS/EKS agent link-local addresses (169.254.170.2, 169.254.170.23,
// fd00:ec2::23). kConfiguration naming the variable otherwise.
Status ValidateContainerCredentialsUrl(std::string_view url, std::string_view variable);

// What the default chain needs besides the environment.
struct CredentialChainOptions {
  EnvLookup env;  // empty: the process environment
  WallClock clock;
  // STS region for web identity; empty: AWS_REGION, then AWS_DEFAULT_REGION.
  std::string region;
  // STS endpoint for web identity; empty: AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then the
  // regional endpoint.
  std::string sts_endpoint;
  bool allow_plain_http = false;  // for the STS endpoint (the emulator)
  std::string ca_file;
  HttpTransport transport;  // empty: libcurl
  RetryPolicy retry;
  std::chrono::seconds refresh_window = kDefaultRefreshWindow;
};

// Chooses the manager's credential source from the environment, in the AWS SDKs' order, and wraps
// it in the cache:
//   1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN];
//   2. AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE [+ AWS_ROLE_SESSION_NAME] (IRSA);
//   3. AWS_CONTAINER_CREDENTIALS_FULL_URI (or _RELATIVE_URI against 169.254.170.2) with
//      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN (Pod Identity).
// The first source that is configured is used; its failures are returned rather than hidden by a
// fallback to another identity. kConfiguration when none is configured or one is half configured.
Result<std::shared_ptr<CredentialsProvider>> DefaultCredentialChain(CredentialChainOptions options);

}  // namespace awio::aws
