// The AdmissionReview wire format (admission.k8s.io/v1) of the validating webhook: decoding a
// review body into the few request fields the validators use, the three kinds of answer of
// spec/api.md §8.2 (allow; deny with 403 Forbidden; an API server's own status when a lookup
// failed with one) plus the "errored" answer for a request that cannot be decoded, and encoding
// the answer with the request's uid echoed. It owns no policy: which answer to give is
// validators.h's business, and serving HTTP is server.h's.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace awio::admission {

using Json = nlohmann::json;

// The review version the webhooks are registered for (§8.1 admissionReviewVersions: [v1]).
inline constexpr std::string_view kReviewAPIVersion = "admission.k8s.io/v1";
inline constexpr std::string_view kReviewKind = "AdmissionReview";

// request.operation values.
namespace operation {
inline constexpr std::string_view kCreate = "CREATE";
inline constexpr std::string_view kUpdate = "UPDATE";
inline constexpr std::string_view kDelete = "DELETE";
inline constexpr std::string_view kConnect = "CONNECT";
}  // namespace operation

// The fields of AdmissionReview.request the validators read.
struct AdmissionRequest {
  std::string uid;        // echoed in the response
  std::string operation;  // one of operation::*
  std::string namespace_name;
  std::string name;
  Json object;      // the new object (CREATE, UPDATE); null when absent
  Json old_object;  // the stored object (UPDATE, DELETE); null when absent
  bool dry_run = false;
};

// AdmissionReview.response without the uid (added when encoding).
struct AdmissionResponse {
  bool allowed = true;
  int code = 200;       // response.status.code
  std::string reason;   // response.status.reason; empty: omitted
  std::string message;  // response.status.message; empty: omitted
};

// Allows the request: status code 200, no message, never warnings (§8.2).
AdmissionResponse Allow();
// Denies the request with 403 Forbidden and `message` as the reason users see (§8.2).
AdmissionResponse Deny(std::string message);
// Refuses a request the webhook could not process (undecodable body or object) with `code`
// (400 for bad input) and `message`, as controller-runtime's "Errored" answer does.
AdmissionResponse Errored(int code, std::string message);
// Denies because a lookup against the API server failed. When the server answered with a
// status (lookup_error.http_status != 0) its HTTP code and reason are passed on, so that for
// example a throttled or forbidden lookup is not reported as a policy denial (§8.2); otherwise
// (transport failure, timeout) this is Deny(message). `message` should carry the cause.
AdmissionResponse DenyForLookupError(const Error& lookup_error, std::string message);

// Decodes an AdmissionReview body. kBadRequest (with a message saying what is wrong) when the
// body is not JSON, not an AdmissionReview of a supported version, or has no request.
Result<AdmissionRequest> DecodeReview(std::string_view body);

// Encodes `response` as an AdmissionReview of kReviewAPIVersion answering request `uid`.
std::string EncodeReview(std::string_view uid, const AdmissionResponse& response);

// One webhook's decision function.
using Handler = std::function<AdmissionResponse(const AdmissionRequest&)>;

// What to send back for one HTTP request.
struct HttpAnswer {
  int status = 200;
  std::string body;  // an AdmissionReview (application/json)
};

// The whole exchange for one HTTP request: checks the content type (application/json), decodes,
// runs `handler`, encodes. A body that is not a decodable AdmissionReview gets HTTP 400 with an
// errored review of code 400 as the body (§8.2; there is no uid to echo). A decoded review always
// gets HTTP 200, even when the handler refuses it, because the API server reads the decision
// from the review. `decision`, when set, receives the request (null when it could not be
// decoded) and the response, so that the caller can log and count.
HttpAnswer ServeReview(std::string_view content_type, std::string_view body, const Handler& handler,
                       const std::function<void(const AdmissionRequest*, const AdmissionResponse&)>&
                           decision = nullptr);

}  // namespace awio::admission
