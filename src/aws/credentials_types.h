// The values AWS credentials are made of and the small vocabulary every AWS client here shares:
// the secret-holding string that prints as "<redacted>", the credentials triple with its expiry,
// an injectable wall clock and environment lookup. Kept apart from the providers (credentials.h) so
// that the signer and the STS client can use the values without depending on the chain that uses
// them. Pure values; nothing here logs.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace awio::aws {

using WallClock = std::function<std::chrono::system_clock::time_point()>;
// `clock` when set, otherwise the system clock.
std::chrono::system_clock::time_point NowFrom(const WallClock& clock);

// Looks up one environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// A string that must never reach a log, a status or an error message: streaming it writes
// "<redacted>", and the value is only reachable through reveal(), which is easy to audit.
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  bool operator==(const SecretString&) const = default;

 private:
  std::string value_;
};
std::ostream& operator<<(std::ostream& out, const SecretString& secret);

// A set of AWS credentials. The access key id identifies the key and is not secret; the secret
// key and session token are.
struct Credentials {
  std::string access_key_id;
  SecretString secret_access_key;
  SecretString session_token;  // empty for long-term keys
  // When the credentials stop working; nullopt for credentials that do not expire.
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // "environment", "web identity", "container endpoint", ...

  bool operator==(const Credentials&) const = default;
};
// Writes the access key id, the source and the expiry; the secret and token as "<redacted>".
std::ostream& operator<<(std::ostream& out, const Credentials& credentials);

}  // namespace awio::aws
