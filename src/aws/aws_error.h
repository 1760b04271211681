// Decoding of AWS error responses into the project's error values: the three shapes AWS services
// answer with (S3's XML `<Error><Code>`, the query APIs' `<ErrorResponse><Error><Code>`, JSON
// `__type`), the category a caller decides on (not found, access denied, throttled, transient,
// invalid), its awio::ErrorCode, and the condition-message sanitisation of spec config-controller
// §7.5. Request ids and host ids are decoded (for debugging by the caller) but never put into a
// message, so that retries do not churn status. No Debian package provides an AWS SDK for C++,
// so this module is ours.
#pragma once

#include <string>
#include <string_view>

#include "aws/http.h"
#include "base/error.h"

namespace awio::aws {

// Condition and status messages built from AWS errors are capped (spec config-controller §1).
inline constexpr size_t kMaxSanitizedMessageBytes = 256;

// What an AWS error means for the caller.
enum class AwsErrorCategory {
  kNotFound,      // the bucket, key, role or other target does not exist
  kAccessDenied,  // refused: missing permission, or credentials AWS does not accept
  kThrottled,     // slow down and retry
  kTransient,     // the service failed or timed out; retry with back-off
  kInvalid,       // the request was refused as is; retrying the same call will not help
};

std::string_view AwsErrorCategoryName(AwsErrorCategory category);

// One decoded AWS error response.
struct AwsApiError {
  int http_status = 0;
  std::string code;     // "NoSuchKey", "AccessDenied", ...; synthesised from the status if absent
  std::string message;  // AWS's own text; synthesised from the status if absent
  std::string request_id;  // for the caller's debugging only; never in a message
  std::string host_id;     // S3's x-amz-id-2; never in a message

  // "<Code>: <Message>" (or just the code when there is no message): the error's own text.
  std::string Text() const;
};

// Decodes a non-2xx response. Bodies that are not an AWS error document (an HTML error page from
// a proxy, a HEAD response without a body) yield a code and message derived from the HTTP status
// ("NotFound"/"Not Found", "Forbidden"/"Forbidden", ...), as AWS SDKs do.
AwsApiError DecodeAwsError(const HttpResponse& response);

AwsErrorCategory CategorizeAwsError(const AwsApiError& error);

// The ErrorCode for `error`: kNotFound; kForbidden for permission refusals and kUnauthorized for
// credentials AWS rejects (bad signature, unknown key, expired token); kThrottled; kUnavailable,
// kTimeout or kInternal for transient failures; kConflict for S3's OperationAborted; kInvalid
// otherwise.
ErrorCode AwsErrorCode(const AwsApiError& error);

// The project error for a failed call: message `<operation>: <Code>: <Message>`, reason = the
// AWS code, http_status set, retry_after from a Retry-After header in seconds when present.
Error MakeAwsError(std::string_view operation, const AwsApiError& error,
                   const HttpResponse* response = nullptr);

// Whether the standard retry loop should try `outcome` again: transport timeouts and
// unavailability, HTTP 429 and 5xx, and throttling or transient AWS codes in other statuses.
bool IsRetryableOutcome(const Result<HttpResponse>& outcome);

// Spec config-controller §7.5: when `api_error_text` ("<Code>: <Message>" of the AWS error in the
// chain) is not empty, the last occurrence of it in `full` and everything after it is replaced by
// it (or, when absent, `api_error_text` alone is the result); the result is then capped at 256
// bytes, keeping the first 253 and appending "...". The cap never splits a UTF-8 sequence.
std::string SanitizeAwsErrorText(std::string_view full, std::string_view api_error_text);

}  // namespace awio::aws
