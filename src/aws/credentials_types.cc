// Implementation of the credential value types (credentials_types.h): redacted printing and the
// clock default.
#include "aws/credentials_types.h"

#include <ostream>

#include "base/time.h"

namespace awio::aws {
std::chrono::system_clock::time_point NowFrom(const WallClock& clock) {
  return clock ? clock() : std::chrono::system_clock::now();
}

std::ostream& operator<<(std::ostream& out, const SecretString& secret) {
  return out << (secret.empty() ? "<empty>" : "<redacted>");
}

std::ostream& operator<<(std::ostream& out, const Credentials& credentials) {
  out << "Credentials{access_key_id=" << credentials.access_key_id
      << ", secret_access_key=" << credentials.secret_access_key
      << ", session_token=" << credentials.session_token << ", expiration=";
  if (credentials.expiration) {
    out << base::FormatRfc3339(*credentials.expiration);
  } else {
    out << "never";
  }
  return out << ", source=" << credentials.source << "}";
}

}  // namespace awio::aws
