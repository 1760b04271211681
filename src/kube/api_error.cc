// Implementation of API error decoding.
#include "kube/api_error.h"

#include <nlohmann/json.hpp>

namespace awio::kube {

ErrorCode CodeForStatus(long http_status, std::string_view reason) {
  if (reason == "AlreadyExists") return ErrorCode::kAlreadyExists;
  if (reason == "Conflict") return ErrorCode::kConflict;
  if (reason == "Invalid") return ErrorCode::kInvalid;
  if (reason == "Expired" || reason == "Gone") return ErrorCode::kGone;
  if (reason == "NotFound") return ErrorCode::kNotFound;
  if (reason == "Timeout" || reason == "ServerTimeout") return ErrorCode::kTimeout;
  if (reason == "TooManyRequests") return ErrorCode::kThrottled;
  switch (http_status) {
    case 400:
      return ErrorCode::kBadRequest;
    case 401:
      return ErrorCode::kUnauthorized;
    case 403:
      return ErrorCode::kForbidden;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kConflict;
    case 410:
      return ErrorCode::kGone;
    case 422:
      return ErrorCode::kInvalid;
    case 429:
      return ErrorCode::kThrottled;
    case 504:
      return ErrorCode::kTimeout;
    case 503:
      return ErrorCode::kUnavailable;
    default:
      return http_status >= 500 ? ErrorCode::kInternal : ErrorCode::kBadRequest;
  }
}

Error ErrorFromResponse(const HttpResponse& response, std::string_view what) {
  Error error;
  error.http_status = static_cast<int>(response.status);
  std::string server_message;
  auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_discarded() && body.is_object() && body.value("kind", "") == "Status") {
    error.reason = body.value("reason", "");
    server_message = body.value("message", "");
    if (body.contains("details") && body["details"].is_object()) {
      const auto& details = body["details"];
      for (const auto& cause : details.value("causes", nlohmann::json::array())) {
        error.causes.push_back(
            {cause.value("reason", ""), cause.value("message", ""), cause.value("field", "")});
      }
      if (details.contains("retryAfterSeconds") && details["retryAfterSeconds"].is_number()) {
        error.retry_after = std::chrono::seconds(details["retryAfterSeconds"].get<long>());
      }
    }
  } else {
    // Not a Status (a proxy or load balancer answered): keep a short, printable excerpt.
    server_message = response.body.substr(0, 200);
    for (auto& c : server_message) {
      if (c < 0x20 && c != '\n') c = ' ';
    }
  }
  auto retry = response.headers.find("retry-after");
  if (retry != response.headers.end()) {
    char* end = nullptr;
    long seconds = std::strtol(retry->second.c_str(), &end, 10);
    if (end != retry->second.c_str() && seconds >= 0)
      error.retry_after = std::chrono::seconds(seconds);
  }
  error.code = CodeForStatus(response.status, error.reason);
  error.message = std::string(what) + ": HTTP " + std::to_string(response.status);
  if (!server_message.empty()) error.message += ": " + server_message;
  return error;
}

}  // namespace awio::kube
