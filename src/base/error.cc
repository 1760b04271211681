// Implementation of the project-wide error type.
#include "base/error.h"

namespace awio {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kAlreadyExists:
      return "AlreadyExists";
    case ErrorCode::kConflict:
      return "Conflict";
    case ErrorCode::kInvalid:
      return "Invalid";
    case ErrorCode::kBadRequest:
      return "BadRequest";
    case ErrorCode::kUnauthorized:
      return "Unauthorized";
    case ErrorCode::kForbidden:
      return "Forbidden";
    case ErrorCode::kGone:
      return "Gone";
    case ErrorCode::kThrottled:
      return "Throttled";
    case ErrorCode::kTimeout:
      return "Timeout";
    case ErrorCode::kUnavailable:
      return "Unavailable";
    case ErrorCode::kInternal:
      return "Internal";
    case ErrorCode::kConfiguration:
      return "Configuration";
    case ErrorCode::kCancelled:
      return "Cancelled";
  }
  return "Unknown";
}

bool Error::Retryable() const {
  switch (code) {
    case ErrorCode::kThrottled:
    case ErrorCode::kTimeout:
    case ErrorCode::kUnavailable:
    case ErrorCode::kInternal:
      return true;
    default:
      return false;
  }
}

std::string Error::ToString() const {
  std::string out = message;
  for (const auto& c : causes) {
    out += "; ";
    if (!c.field.empty()) out += c.field + ": ";
    out += c.message.empty() ? c.reason : c.message;
  }
  return out;
}

Error MakeError(ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

}  // namespace awio
