// Implementation of AWS error decoding and classification (aws_error.h). The code lists are the
// ones AWS SDKs use for their retry and credential decisions.
#include "aws/aws_error.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

namespace awio::aws {
namespace {

constexpr std::array<std::string_view, 5> kNotFoundCodes = {
    "NoSuchKey", "NotFound", "NoSuchBucket", "NoSuchEntity", "ResourceNotFoundException"};

// Credentials AWS does not accept at all: refreshing them may help, waiting for a policy will not.
constexpr std::array<std::string_view, 10> kUnauthenticatedCodes = {
    "InvalidAccessKeyId",        "SignatureDoesNotMatch",       "ExpiredToken",
    "ExpiredTokenException",     "InvalidClientTokenId",        "InvalidToken",
    "TokenRefreshRequired",      "UnrecognizedClientException", "AuthFailure",
    "MissingAuthenticationToken"};

constexpr std::array<std::string_view, 5> kAccessDeniedCodes = {
    "AccessDenied", "AccessDeniedException", "Forbidden", "AllAccessDisabled", "AccountProblem"};

constexpr std::array<std::string_view, 14> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException"};

constexpr std::array<std::string_view, 3> kTimeoutCodes = {
    "RequestTimeout", "RequestTimeoutException", "GatewayTimeout"};

// IDPCommunicationError: STS could not reach the identity provider's keys; worth another try.
constexpr std::array<std::string_view, 5> kUnavailableCodes = {
    "ServiceUnavailable", "ServiceUnavailableException", "Unavailable", "BadGateway",
    "IDPCommunicationError"};

constexpr std::array<std::string_view, 3> kInternalCodes = {"InternalError", "InternalFailure",
                                                            "InternalServerError"};

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& codes, std::string_view code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// The status text without spaces as the code, the text as the message: what AWS SDKs report
// when a response carries no error document (HEAD responses never do).
void FillFromStatus(AwsApiError& error) {
  struct Known {
    int status;
    std::string_view text;
  };
  static constexpr Known kKnown[] = {
      {301, "Moved Permanently"},
      {307, "Temporary Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {409, "Conflict"},
      {412, "Precondition Failed"},
      {429, "Too Many Requests"},
      {500, "Internal Server Error"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
  };
  std::string text = "HTTP " + std::to_string(error.http_status);
  for (const auto& known : kKnown) {
    if (known.status == error.http_status) text = std::string(known.text);
  }
  if (error.code.empty()) {
    error.code = text;
    error.code.erase(std::remove(error.code.begin(), error.code.end(), ' '), error.code.end());
  }
  if (error.message.empty()) error.message = text;
}

std::string Trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// JSON protocols spell the type "prefix#Code:suffix"; the code is the middle.
std::string CodeFromJsonType(std::string_view type) {
  if (const auto hash = type.find('#'); hash != std::string_view::npos) {
    type = type.substr(hash + 1);
  }
  if (const auto colon = type.find(':'); colon != std::string_view::npos) {
    type = type.substr(0, colon);
  }
  return Trimmed(type);
}

void DecodeXml(std::string_view body, AwsApiError& error) {
  pugi::xml_document document;
  if (!document.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8)) {
    return;
  }
  pugi::xml_node root = document.document_element();
  pugi::xml_node error_node;
  if (std::string_view(root.name()) == "Error") {
    error_node = root;  // S3
  } else if (std::string_view(root.name()) == "ErrorResponse") {
    error_node = root.child("Error");  // query APIs (STS, IAM)
    if (error.request_id.empty()) error.request_id = Trimmed(root.child_value("RequestId"));
  } else if (std::string_view(root.name()) == "Response") {
    error_node = root.child("Errors").child("Error");  // EC2-style
    if (error.request_id.empty()) error.request_id = Trimmed(root.child_value("RequestID"));
  }
  if (!error_node) return;
  error.code = Trimmed(error_node.child_value("Code"));
  error.message = Trimmed(error_node.child_value("Message"));
  if (error.request_id.empty()) error.request_id = Trimmed(error_node.child_value("RequestId"));
  if (error.host_id.empty()) error.host_id = Trimmed(error_node.child_value("HostId"));
}

void DecodeJson(std::string_view body, AwsApiError& error) {
  const auto document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) return;
  for (const char* key : {"__type", "code", "Code"}) {
    if (auto it = document.find(key); it != document.end() && it->is_string()) {
      error.code = CodeFromJsonType(it->get<std::string>());
      break;
    }
  }
  for (const char* key : {"message", "Message", "errorMessage"}) {
    if (auto it = document.find(key); it != document.end() && it->is_string()) {
      error.message = Trimmed(it->get<std::string>());
      break;
    }
  }
}

// The end of the longest prefix of `text` that is at most `limit` bytes and does not end inside a
// UTF-8 sequence.
size_t Utf8Boundary(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text.size();
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return end;
}

}  // namespace

std::string_view AwsErrorCategoryName(AwsErrorCategory category) {
  switch (category) {
    case AwsErrorCategory::kNotFound:
      return "NotFound";
    case AwsErrorCategory::kAccessDenied:
      return "AccessDenied";
    case AwsErrorCategory::kThrottled:
      return "Throttled";
    case AwsErrorCategory::kTransient:
      return "Transient";
    case AwsErrorCategory::kInvalid:
      return "Invalid";
  }
  return "Invalid";
}

std::string AwsApiError::Text() const { return message.empty() ? code : code + ": " + message; }

AwsApiError DecodeAwsError(const HttpResponse& response) {
  AwsApiError error;
  error.http_status = static_cast<int>(response.status);
  error.request_id = response.Header("x-amz-request-id")
                         .value_or(response.Header("x-amzn-requestid").value_or(""));
  error.host_id = response.Header("x-amz-id-2").value_or("");

  const std::string body = Trimmed(response.body);
  if (!body.empty() && body.front() == '<') {
    DecodeXml(body, error);
  } else if (!body.empty() && body.front() == '{') {
    DecodeJson(body, error);
  }
  if (error.code.empty()) {
    if (auto type = response.Header("x-amzn-errortype")) error.code = CodeFromJsonType(*type);
  }
  FillFromStatus(error);
  return error;
}

AwsErrorCategory CategorizeAwsError(const AwsApiError& error) {
  const std::string_view code = error.code;
  if (OneOf(kNotFoundCodes, code)) return AwsErrorCategory::kNotFound;
  if (OneOf(kUnauthenticatedCodes, code) || OneOf(kAccessDeniedCodes, code)) {
    return AwsErrorCategory::kAccessDenied;
  }
  if (OneOf(kThrottlingCodes, code) || error.http_status == 429) {
    return AwsErrorCategory::kThrottled;
  }
  if (OneOf(kTimeoutCodes, code) || OneOf(kUnavailableCodes, code) || OneOf(kInternalCodes, code) ||
      error.http_status >= 500) {
    return AwsErrorCategory::kTransient;
  }
  if (error.http_status == 404) return AwsErrorCategory::kNotFound;
  if (error.http_status == 401 || error.http_status == 403) return AwsErrorCategory::kAccessDenied;
  return AwsErrorCategory::kInvalid;
}

ErrorCode AwsErrorCode(const AwsApiError& error) {
  switch (CategorizeAwsError(error)) {
    case AwsErrorCategory::kNotFound:
      return ErrorCode::kNotFound;
    case AwsErrorCategory::kAccessDenied:
      return OneOf(kUnauthenticatedCodes, error.code) || error.http_status == 401
                 ? ErrorCode::kUnauthorized
                 : ErrorCode::kForbidden;
    case AwsErrorCategory::kThrottled:
      return ErrorCode::kThrottled;
    case AwsErrorCategory::kTransient:
      if (OneOf(kTimeoutCodes, error.code) || error.http_status == 504) return ErrorCode::kTimeout;
      if (OneOf(kUnavailableCodes, error.code) || error.http_status == 503 ||
          error.http_status == 502) {
        return ErrorCode::kUnavailable;
      }
      return ErrorCode::kInternal;
    case AwsErrorCategory::kInvalid:
      return error.code == "OperationAborted" || error.http_status == 409 ? ErrorCode::kConflict
                                                                          : ErrorCode::kInvalid;
  }
  return ErrorCode::kInvalid;
}

Error MakeAwsError(std::string_view operation, const AwsApiError& error,
                   const HttpResponse* response) {
  Error result = MakeError(AwsErrorCode(error), std::string(operation) + ": " + error.Text());
  result.http_status = error.http_status;
  result.reason = error.code;
  if (response != nullptr) {
    if (auto retry_after = response->Header("retry-after")) {
      int64_t seconds = 0;
      const auto* begin = retry_after->data();
      const auto* end = begin + retry_after->size();
      if (auto [ptr, ec] = std::from_chars(begin, end, seconds);
          ec == std::errc() && ptr == end && seconds >= 0) {
        result.retry_after = std::chrono::seconds(seconds);
      }
    }
  }
  return result;
}

bool IsRetryableOutcome(const Result<HttpResponse>& outcome) {
  if (!outcome.ok()) {
    const ErrorCode code = outcome.error().code;
    return code == ErrorCode::kTimeout || code == ErrorCode::kUnavailable;
  }
  const long status = outcome->status;
  if (status >= 200 && status < 300) return false;
  if (status == 429 || status >= 500) return true;
  const AwsApiError error = DecodeAwsError(*outcome);
  const AwsErrorCategory category = CategorizeAwsError(error);
  return category == AwsErrorCategory::kThrottled || category == AwsErrorCategory::kTransient;
}

std::string SanitizeAwsErrorText(std::string_view full, std::string_view api_error_text) {
  std::string result(full);
  if (!api_error_text.empty()) {
    const auto at = full.rfind(api_error_text);
    result = at == std::string_view::npos
                 ? std::string(api_error_text)
                 : std::string(full.substr(0, at)) + std::string(api_error_text);
  }
  if (result.size() > kMaxSanitizedMessageBytes) {
    result.resize(Utf8Boundary(result, kMaxSanitizedMessageBytes - 3));
    result += "...";
  }
  return result;
}

}  // namespace awio::aws
