// Implementation of the /metrics authorizer (metrics_auth.h): two bounded caches with expiry in
// front of the TokenReview and SubjectAccessReview calls. The cache lock is never held during a
// call, so one slow review does not hold up scrapes whose answers are cached; two concurrent
// misses for the same key both ask, which is harmless.
#include "manager/metrics_auth.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/encoding.h"
#include "base/log.h"

namespace awio::manager {
namespace {

constexpr std::string_view kLogger = "metrics-auth";
constexpr std::string_view kUserKey = "user";

using TimePoint = std::chrono::steady_clock::time_point;

// An authenticated identity, as a TokenReview reports it and a SubjectAccessReview asks about.
struct UserInfo {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
};

// A TokenReview's verdict: the user when the token was authenticated, nullopt when it was not.
using TokenVerdict = std::optional<UserInfo>;

// A map with per-entry expiry and at most `capacity` entries; the entry stored longest ago is
// dropped first. Not thread-safe (the authorizer locks around it).
template <typename Value>
class ExpiringCache {
 public:
  explicit ExpiringCache(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  std::optional<Value> Get(const std::string& key, TimePoint now) {
    auto found = entries_.find(key);
    if (found == entries_.end()) return std::nullopt;
    if (now >= found->second.expires) {
      order_.erase(found->second.position);
      entries_.erase(found);
      return std::nullopt;
    }
    return found->second.value;
  }

  void Put(const std::string& key, Value value, TimePoint expires) {
    if (auto found = entries_.find(key); found != entries_.end()) {
      order_.erase(found->second.position);
      entries_.erase(found);
    }
    while (entries_.size() >= capacity_) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
    order_.push_back(key);
    entries_.emplace(key, Entry{std::move(value), expires, std::prev(order_.end())});
  }

 private:
  struct Entry {
    Value value;
    TimePoint expires;
    std::list<std::string>::iterator position;
  };

  std::size_t capacity_;
  std::list<std::string> order_;  // keys, oldest first
  std::unordered_map<std::string, Entry> entries_;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

UserInfo UserFromReview(const kube::Json& user) {
  UserInfo info;
  if (!user.is_object()) return info;
  info.username = user.value("username", "");
  info.uid = user.value("uid", "");
  if (auto groups = user.find("groups"); groups != user.end() && groups->is_array()) {
    for (const auto& group : *groups) {
      if (group.is_string()) info.groups.push_back(group.get<std::string>());
    }
  }
  if (auto extra = user.find("extra"); extra != user.end() && extra->is_object()) {
    for (const auto& [key, values] : extra->items()) {
      auto& out = info.extra[key];
      if (!values.is_array()) continue;
      for (const auto& value : values) {
        if (value.is_string()) out.push_back(value.get<std::string>());
      }
    }
  }
  return info;
}

kube::Json UserSpec(const UserInfo& user) {
  kube::Json spec = {{"user", user.username}, {"groups", user.groups}};
  if (!user.uid.empty()) spec["uid"] = user.uid;
  if (!user.extra.empty()) spec["extra"] = user.extra;
  return spec;
}

// The access cache's key: a digest of everything the review is asked about.
std::string AccessKey(const UserInfo& user, std::string_view verb, std::string_view path) {
  const kube::Json identity = {user.username, user.uid,          user.groups,
                               user.extra,    std::string(verb), std::string(path)};
  return base::Sha256(identity.dump());
}

Result<kube::Json> PostReview(kube::Client& hub, const std::string& path, const kube::Json& review,
                              const std::string& what) {
  kube::HttpRequest request{.method = "POST",
                            .path = path,
                            .body = review.dump(),
                            .content_type = "application/json",
                            .timeout = kReviewTimeout};
  // Reviews change nothing on the server, so resending one after a transport failure is safe.
  auto response = hub.Do(std::move(request), what, /*idempotent=*/true);
  if (!response.ok()) return response.error();
  auto parsed = kube::Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return MakeError(ErrorCode::kInternal, what + ": the server's response is not a JSON object");
  }
  return parsed;
}

}  // namespace

std::string_view BearerToken(std::string_view header) {
  constexpr std::string_view kSpace = " \t\n\v\f\r";
  const auto first = header.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  header = header.substr(first, header.find_last_not_of(kSpace) - first + 1);
  // Split on single spaces, as Kubernetes does: "Bearer  x" has an empty token.
  const auto space = header.find(' ');
  if (space == std::string_view::npos || !EqualsIgnoreCase(header.substr(0, space), "bearer")) {
    return {};
  }
  std::string_view token = header.substr(space + 1);
  return token.substr(0, token.find(' '));
}

struct MetricsAuthorizer::Impl {
  std::shared_ptr<kube::Client> hub;
  MetricsAuthorizerOptions options;

  mutable std::mutex mu;
  ExpiringCache<TokenVerdict> tokens;
  ExpiringCache<bool> decisions;
  MetricsAuthorizerStats stats;

  Impl(std::shared_ptr<kube::Client> client, MetricsAuthorizerOptions opts)
      : hub(std::move(client)),
        options(std::move(opts)),
        tokens(options.max_cache_entries),
        decisions(options.max_cache_entries) {}

  TimePoint Now() const {
    return options.clock ? options.clock() : std::chrono::steady_clock::now();
  }

  Result<TokenVerdict> Authenticate(std::string_view token) {
    const std::string key = base::Sha256(token);
    {
      std::lock_guard lock(mu);
      if (auto cached = tokens.Get(key, Now())) return *cached;
      ++stats.token_reviews;
    }
    const kube::Json review = {{"apiVersion", "authentication.k8s.io/v1"},
                               {"kind", "TokenReview"},
                               {"spec", {{"token", std::string(token)}}}};
    auto answer = PostReview(*hub, "/apis/authentication.k8s.io/v1/tokenreviews", review,
                             "create tokenreviews");
    if (!answer.ok()) return answer.error();
    const kube::Json& status = (*answer)["status"];
    TokenVerdict verdict;
    if (status.is_object() && status.value("authenticated", false)) {
      verdict = UserFromReview(status.value("user", kube::Json::object()));
    }
    std::lock_guard lock(mu);
    tokens.Put(key, verdict, Now() + options.token_review_ttl);
    return verdict;
  }

  Result<bool> Authorize(const UserInfo& user, const std::string& verb, std::string_view path) {
    const std::string key = AccessKey(user, verb, path);
    {
      std::lock_guard lock(mu);
      if (auto cached = decisions.Get(key, Now())) return *cached;
      ++stats.access_reviews;
    }
    kube::Json spec = UserSpec(user);
    spec["nonResourceAttributes"] = {{"path", std::string(path)}, {"verb", verb}};
    const kube::Json review = {{"apiVersion", "authorization.k8s.io/v1"},
                               {"kind", "SubjectAccessReview"},
                               {"spec", std::move(spec)}};
    auto answer = PostReview(*hub, "/apis/authorization.k8s.io/v1/subjectaccessreviews", review,
                             "create subjectaccessreviews");
    if (!answer.ok()) return answer.error();
    const kube::Json& status = (*answer)["status"];
    const bool allowed = status.is_object() && status.value("allowed", false);
    std::lock_guard lock(mu);
    decisions.Put(key, allowed, Now() + (allowed ? options.allow_ttl : options.deny_ttl));
    return allowed;
  }
};

MetricsAuthorizer::MetricsAuthorizer(std::shared_ptr<kube::Client> hub,
                                     MetricsAuthorizerOptions options)
    : impl_(std::make_unique<Impl>(std::move(hub), std::move(options))) {}

MetricsAuthorizer::~MetricsAuthorizer() = default;

AuthResult MetricsAuthorizer::Check(std::string_view authorization_header, std::string_view method,
                                    std::string_view path) {
  const std::string_view token = BearerToken(authorization_header);
  if (token.empty()) return {.status = 401, .body = "Unauthorized"};

  auto verdict = impl_->Authenticate(token);
  if (!verdict.ok()) {
    log::Error(kLogger, "metrics request authentication failed",
               {{log::keys::kError, verdict.error().ToString()}});
    return {.status = 500, .body = "Authentication failed"};
  }
  if (!verdict->has_value()) {
    log::Debug(kLogger, "metrics request with an unauthenticated token refused");
    return {.status = 401, .body = "Unauthorized"};
  }
  const UserInfo& user = **verdict;

  auto allowed = impl_->Authorize(user, Lower(method), path);
  if (!allowed.ok()) {
    log::Error(kLogger, "metrics request authorization failed",
               {{kUserKey, user.username}, {log::keys::kError, allowed.error().ToString()}});
    return {.status = 500,
            .body = "Authorization for user " + user.username + " failed",
            .user = user.username};
  }
  if (!*allowed) {
    log::Debug(kLogger, "metrics request denied", {{kUserKey, user.username}});
    return {.status = 403,
            .body = "Authorization denied for user " + user.username,
            .user = user.username};
  }
  return {.status = 200, .user = user.username};
}

MetricsAuthorizerStats MetricsAuthorizer::Stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

}  // namespace awio::manager
