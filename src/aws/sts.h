// The STS client: AssumeRoleWithWebIdentity only, the one STS call this project makes (the
// manager's IRSA credentials, and the remote IRSA credential_process tool of spec
// inventory-and-remote-irsa §8.4). Query API over a POST form body, unsigned as AWS specifies for
// this action, sent to the regional endpoint; the XML answer becomes Credentials. No Debian
// package provides an AWS SDK for C++, so this client is ours. The web identity token and the
// returned secret never appear in a message.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials_types.h"
#include "aws/http.h"
#include "base/error.h"

namespace awio::aws {

// STS accepts session durations from 15 minutes to 12 hours (and the role's maximum).
inline constexpr std::chrono::seconds kMinStsSessionDuration{15 * 60};
inline constexpr std::chrono::seconds kMaxStsSessionDuration{12 * 60 * 60};
// The STS query API version this client speaks.
inline constexpr std::string_view kStsApiVersion = "2011-06-15";

struct StsClientOptions {
  std::string region;  // required: picks the regional endpoint
  // Used instead of the regional endpoint when set (the emulator).
  std::string endpoint_override;
  bool allow_plain_http = false;
  std::string ca_file;
  std::chrono::milliseconds timeout = kDefaultHttpTimeout;
  HttpTransport transport;  // empty: libcurl
  RetryPolicy retry;
};

struct AssumeRoleWithWebIdentityInput {
  std::string role_arn;
  std::string role_session_name;
  SecretString web_identity_token;
  // Omitted from the request when unset (STS then grants one hour).
  std::optional<std::chrono::seconds> duration;
};

struct AssumeRoleWithWebIdentityOutput {
  Credentials credentials;       // source "web identity"
  std::string assumed_role_arn;  // AssumedRoleUser.Arn
  std::string assumed_role_id;   // AssumedRoleUser.AssumedRoleId
  std::string subject_from_web_identity_token;
  std::string audience;
  std::string provider;
};

class StsClient {
 public:
  // kInvalid when the region is empty or malformed, kConfiguration for an unusable override.
  static Result<StsClient> Create(StsClientOptions options);

  // Calls AssumeRoleWithWebIdentity with the standard retries. API errors come back as
  // MakeAwsError("STS AssumeRoleWithWebIdentity", ...) (reason = the AWS code, e.g.
  // InvalidIdentityToken); a response without usable credentials is kInternal with the spec's
  // `STS response did not include credentials` / `... included incomplete credentials`.
  Result<AssumeRoleWithWebIdentityOutput> AssumeRoleWithWebIdentity(
      const AssumeRoleWithWebIdentityInput& input) const;

  const std::string& endpoint() const { return endpoint_; }

 private:
  StsClient(StsClientOptions options, std::string endpoint);

  StsClientOptions options_;
  std::string endpoint_;
  HttpTransport transport_;
};

// The form body of an AssumeRoleWithWebIdentity call (fields percent-encoded, in a fixed order).
std::string AssumeRoleWithWebIdentityForm(const AssumeRoleWithWebIdentityInput& input);

// Reads a successful AssumeRoleWithWebIdentityResponse document.
Result<AssumeRoleWithWebIdentityOutput> ParseAssumeRoleWithWebIdentityResponse(
    std::string_view xml);

// The account id in an ARN (its fifth ':'-separated field), or "" when absent or malformed.
std::string AccountIdFromArn(std::string_view arn);

}  // namespace awio::aws
