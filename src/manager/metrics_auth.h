// Who may read /metrics (packaging-observability spec §6.1, inventory-and-remote-irsa §7.6): the
// caller's bearer token is authenticated with a TokenReview and the user it names is authorized
// with a SubjectAccessReview for the non-resource URL and the request's verb, both answered by
// the hub API server, as controller-runtime's metrics filter does. Decisions are cached (token
// reviews 1 min, allows 5 min, denies 30 s) so that scrapes do not load the API server.
//
// It owns the decision only; metrics_server.h turns it into HTTP. A token is a credential: it is
// sent to the API server and nowhere else, the caches are keyed by its SHA-256, and neither it
// nor its digest is logged or returned.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "kube/client.h"

namespace awio::manager {

// How long a TokenReview answer (authenticated or not) is reused (controller-runtime's value).
inline constexpr std::chrono::seconds kTokenReviewCacheTtl{60};
// How long a SubjectAccessReview "allowed" is reused.
inline constexpr std::chrono::seconds kAllowCacheTtl{300};
// How long a SubjectAccessReview "denied" is reused: short, so a new binding takes effect soon.
inline constexpr std::chrono::seconds kDenyCacheTtl{30};
// Entries per cache; beyond it the oldest entry goes, so a flood of distinct tokens cannot grow
// memory without bound.
inline constexpr std::size_t kMaxAuthCacheEntries = 4096;
// Bound on each review call (controller-runtime's TokenReview timeout).
inline constexpr std::chrono::seconds kReviewTimeout{10};

// The answer for one request.
struct AuthResult {
  int status = 200;  // 200: serve the request; otherwise 401, 403 or 500 with `body`
  std::string body;  // "Unauthorized", "Authentication failed", "Authorization ..."; "" on 200
  std::string user;  // the authenticated user name; "" when authentication did not succeed

  bool allowed() const { return status == 200; }
};

// Counts for tests and diagnostics.
struct MetricsAuthorizerStats {
  std::uint64_t token_reviews = 0;   // TokenReview calls made
  std::uint64_t access_reviews = 0;  // SubjectAccessReview calls made
};

struct MetricsAuthorizerOptions {
  // The clock the cache TTLs are measured on; empty: std::chrono::steady_clock.
  std::function<std::chrono::steady_clock::time_point()> clock;
  std::chrono::steady_clock::duration token_review_ttl = kTokenReviewCacheTtl;
  std::chrono::steady_clock::duration allow_ttl = kAllowCacheTtl;
  std::chrono::steady_clock::duration deny_ttl = kDenyCacheTtl;
  std::size_t max_cache_entries = kMaxAuthCacheEntries;
};

// Thread-safe: Check may run on many server threads at once.
class MetricsAuthorizer {
 public:
  // `hub` is the manager's own client; its identity needs `create` on tokenreviews and
  // subjectaccessreviews.
  explicit MetricsAuthorizer(std::shared_ptr<kube::Client> hub,
                             MetricsAuthorizerOptions options = {});
  ~MetricsAuthorizer();
  MetricsAuthorizer(const MetricsAuthorizer&) = delete;
  MetricsAuthorizer& operator=(const MetricsAuthorizer&) = delete;

  // Decides one request from its Authorization header, HTTP method and URL path:
  //   no bearer token (missing header, other scheme, empty token)  -> 401 "Unauthorized"
  //   the TokenReview does not authenticate the token               -> 401 "Unauthorized"
  //   the TokenReview call fails                                    -> 500 "Authentication failed"
  //   the SubjectAccessReview call fails    -> 500 "Authorization for user <name> failed"
  //   the SubjectAccessReview does not allow -> 403 "Authorization denied for user <name>"
  //   otherwise                              -> 200
  // The review asks for nonResourceAttributes {path, verb = lower-case method}. Failed calls are
  // not cached, so the next request asks again.
  AuthResult Check(std::string_view authorization_header, std::string_view method,
                   std::string_view path);

  MetricsAuthorizerStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The token of an `Authorization: Bearer <token>` header as Kubernetes reads it: surrounding
// whitespace trimmed, the scheme matched case-insensitively, the token being the word after it.
// Empty when there is none.
std::string_view BearerToken(std::string_view authorization_header);

}  // namespace awio::manager
