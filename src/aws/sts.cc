// Implementation of the STS client (sts.h).
#include "aws/sts.h"

#include <pugixml.hpp>
#include <utility>

#include "aws/aws_error.h"
#include "aws/endpoint.h"
#include "base/time.h"

namespace awio::aws {
namespace {

constexpr std::string_view kOperation = "STS AssumeRoleWithWebIdentity";

std::string Trimmed(const char* text) {
  std::string_view view(text);
  const auto first = view.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = view.find_last_not_of(" \t\r\n");
  return std::string(view.substr(first, last - first + 1));
}

}  // namespace

std::string AssumeRoleWithWebIdentityForm(const AssumeRoleWithWebIdentityInput& input) {
  std::string form = "Action=AssumeRoleWithWebIdentity&Version=" + std::string(kStsApiVersion);
  if (input.duration) form += "&DurationSeconds=" + std::to_string(input.duration->count());
  form += "&RoleArn=" + PercentEncode(input.role_arn, false);
  form += "&RoleSessionName=" + PercentEncode(input.role_session_name, false);
  form += "&WebIdentityToken=" + PercentEncode(input.web_identity_token.reveal(), false);
  return form;
}

Result<AssumeRoleWithWebIdentityOutput> ParseAssumeRoleWithWebIdentityResponse(
    std::string_view xml) {
  pugi::xml_document document;
  const pugi::xml_parse_result parsed =
      document.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return MakeError(ErrorCode::kInternal,
                     std::string(kOperation) + ": response is not XML: " + parsed.description());
  }
  const pugi::xml_node result =
      document.child("AssumeRoleWithWebIdentityResponse").child("AssumeRoleWithWebIdentityResult");
  const pugi::xml_node credentials = result.child("Credentials");
  if (!credentials) {
    return MakeError(ErrorCode::kInternal, "STS response did not include credentials");
  }

  AssumeRoleWithWebIdentityOutput output;
  output.credentials.access_key_id = Trimmed(credentials.child_value("AccessKeyId"));
  output.credentials.secret_access_key =
      SecretString(Trimmed(credentials.child_value("SecretAccessKey")));
  output.credentials.session_token = SecretString(Trimmed(credentials.child_value("SessionToken")));
  output.credentials.expiration =
      base::ParseRfc3339(Trimmed(credentials.child_value("Expiration")));
  output.credentials.source = "web identity";
  if (output.credentials.access_key_id.empty() || output.credentials.secret_access_key.empty() ||
      output.credentials.session_token.empty() || !output.credentials.expiration) {
    return MakeError(ErrorCode::kInternal, "STS response included incomplete credentials");
  }
  output.assumed_role_arn = Trimmed(result.child("AssumedRoleUser").child_value("Arn"));
  output.assumed_role_id = Trimmed(result.child("AssumedRoleUser").child_value("AssumedRoleId"));
  output.subject_from_web_identity_token =
      Trimmed(result.child_value("SubjectFromWebIdentityToken"));
  output.audience = Trimmed(result.child_value("Audience"));
  output.provider = Trimmed(result.child_value("Provider"));
  return output;
}

std::string AccountIdFromArn(std::string_view arn) {
  size_t start = 0;
  for (int field = 0; field < 4; ++field) {
    const auto colon = arn.find(':', start);
    if (colon == std::string_view::npos) return {};
    start = colon + 1;
  }
  const auto end = arn.find(':', start);
  if (end == std::string_view::npos || arn.substr(0, 4) != "arn:") return {};
  return std::string(arn.substr(start, end - start));
}

Result<StsClient> StsClient::Create(StsClientOptions options) {
  if (options.region.empty()) {
    return MakeError(ErrorCode::kInvalid, std::string(kOperation) + ": AWS region is empty");
  }
  auto endpoint = StsEndpoint(options.region, options.endpoint_override);
  if (!endpoint.ok()) return endpoint.error();
  return StsClient(std::move(options), std::move(*endpoint));
}

StsClient::StsClient(StsClientOptions options, std::string endpoint)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      transport_(TransportOrDefault(options_.transport)) {}

Result<AssumeRoleWithWebIdentityOutput> StsClient::AssumeRoleWithWebIdentity(
    const AssumeRoleWithWebIdentityInput& input) const {
  if (input.role_arn.empty() || input.role_session_name.empty()) {
    return MakeError(ErrorCode::kInvalid,
                     std::string(kOperation) + ": role ARN and session name are required");
  }
  if (input.duration &&
      (*input.duration < kMinStsSessionDuration || *input.duration > kMaxStsSessionDuration)) {
    return MakeError(ErrorCode::kInvalid, std::string(kOperation) +
                                              ": session duration must be between 15 minutes " +
                                              "and 12 hours");
  }

  HttpRequest request;
  request.method = "POST";
  request.url = endpoint_;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"Accept", "text/xml"}};
  request.body = AssumeRoleWithWebIdentityForm(input);
  request.timeout = options_.timeout;
  request.ca_file = options_.ca_file;
  request.allow_plain_http = options_.allow_plain_http;

  auto response = SendWithRetries(transport_, request, options_.retry, IsRetryableOutcome);
  if (!response.ok()) {
    Error error = response.error();
    error.message = std::string(kOperation) + ": " + error.message;
    return error;
  }
  if (response->status < 200 || response->status >= 300) {
    return MakeAwsError(kOperation, DecodeAwsError(*response), &*response);
  }
  return ParseAssumeRoleWithWebIdentityResponse(response->body);
}

}  // namespace awio::aws
