// Errors as values for the whole project: a canonical category that decides the retry policy,
// a message that names the operation and the object, and optional detail from the peer
// (HTTP status, Kubernetes reason and field causes, Retry-After). Nothing here throws.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace awio {

// What went wrong, in the terms a caller decides on. Each category maps to one requeue policy.
enum class ErrorCode {
  kNotFound,       // the object or resource does not exist; do not retry the same call
  kAlreadyExists,  // create of an existing object; read it instead
  kConflict,       // optimistic-lock or apply conflict; re-read and retry the whole step
  kInvalid,        // the request was understood and refused (schema, CEL, webhook, bad input)
  kBadRequest,     // malformed request; a bug or bad input, not retryable as is
  kUnauthorized,   // no or bad credentials (HTTP 401); refresh credentials, then retry
  kForbidden,      // authenticated but not allowed (HTTP 403); wait for RBAC to change
  kGone,           // resourceVersion too old or compacted (HTTP 410); relist
  kThrottled,      // too many requests (HTTP 429); retry after RetryAfter
  kTimeout,        // the server or the client gave up waiting; retry with back-off
  kUnavailable,    // transport failure or 503; retry with back-off
  kInternal,       // the peer failed (500) or an invariant broke; retry with back-off
  kConfiguration,  // local configuration is unusable (kubeconfig, provider file, flags)
  kCancelled,      // the caller stopped the operation
};

std::string_view ErrorCodeName(ErrorCode code);

// One field-level cause of an Invalid error (Kubernetes StatusCause).
struct FieldCause {
  std::string reason;  // e.g. "FieldValueInvalid"
  std::string message;
  std::string field;  // e.g. "spec.name"
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // names the operation and object; never a secret
  int http_status = 0;  // 0 when no HTTP response was received
  std::string reason;   // Kubernetes Status.reason or AWS error code
  std::vector<FieldCause> causes;
  std::optional<std::chrono::seconds> retry_after;

  // True for categories worth retrying the same call: throttled, timeout, unavailable,
  // internal. Conflicts are retried one level up (re-read, recompute, write).
  bool Retryable() const;
  // "<message>" plus the causes, for logs and conditions.
  std::string ToString() const;
};

Error MakeError(ErrorCode code, std::string message);

// Either a value or an Error. Minimal on purpose: C++20 has no std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// A Result without a value.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace awio
