// The self-hosted issuer publisher (spec config-controller §7): keeps the discovery and JWKS
// objects of a publication current in their S3 bucket, writing an object only when a HEAD shows
// it missing or stale, and removes both objects when a config is deleted. It classifies S3
// failures as §7.4 says and sanitises their text for conditions (§7.5). It owns no retry logic
// (the S3 client retries as AWS SDKs do; the controller backs off) and never logs.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/s3.h"
#include "base/error.h"
#include "oidc/publication.h"

namespace awio::oidc {

// §7.1: the message when the controller has no publisher factory.
inline constexpr std::string_view kPublisherNotConfiguredMessage =
    "self-hosted issuer publisher is not configured";
// §7.1: the prefix of a factory failure.
inline constexpr std::string_view kCreatePublisherErrorPrefix = "create S3 OIDC issuer publisher";

// How the S3 client of one region is built (§7.1).
struct PublisherOptions {
  std::string region;             // spec.region of the config
  std::string endpoint_override;  // --aws-endpoint-url; empty: the regional S3 endpoint
  bool force_path_style = false;  // only for emulators that cannot serve virtual-hosted buckets
  bool allow_plain_http = false;  // --allow-unsafe-aws-endpoint-urls
  std::string ca_file;
  std::shared_ptr<aws::CredentialsProvider> credentials;  // required: the default chain
  aws::HttpTransport transport;                           // empty: libcurl
  aws::RetryPolicy retry;
};

// What Ensure did to one object.
enum class ObjectAction {
  kUnchanged,  // the HEAD showed it current; nothing was written
  kCreated,    // it was missing (NotFound/NoSuchKey) and was written
  kUpdated,    // it existed with another content type or digest metadata and was rewritten
};

std::string_view ObjectActionName(ObjectAction action);

struct ObjectOutcome {
  std::string key;
  ObjectAction action = ObjectAction::kUnchanged;
};

// The result of one Ensure, in the publication's object order.
struct EnsureResult {
  std::vector<ObjectOutcome> objects;
  bool changed = false;  // whether any PutObject happened
};

class Publisher {
 public:
  // Builds the S3 client for `options.region`; kConfiguration without credentials or with an
  // unusable endpoint override.
  static Result<std::unique_ptr<Publisher>> Create(PublisherOptions options);

  // A publisher over an existing client (tests inject one with a scripted transport).
  explicit Publisher(std::shared_ptr<const aws::S3Client> client);

  // §7.2: validates `publication` (kInvalid, no AWS call), then for each object in order HEADs
  // it and PUTs it when missing or not current (IsObjectCurrent). A HEAD failing with anything
  // but NotFound/NoSuchKey fails as `head S3 object s3://<bucket>/<key>: ...`, a PUT failure as
  // `put S3 object s3://<bucket>/<key>: ...`; the first failure stops the pass. Errors keep the
  // client's code, reason (the AWS code) and HTTP status.
  Result<EnsureResult> Ensure(std::string_view bucket, const Publication& publication) const;

  // §7.3: deletes the discovery and JWKS objects. A missing object or a missing bucket
  // (NoSuchBucket) is success; another failure is `delete S3 object s3://<bucket>/<key>: ...`.
  // kInvalid for an empty bucket name.
  Status Delete(std::string_view bucket) const;

 private:
  std::shared_ptr<const aws::S3Client> client_;
};

// §7.1: one publisher per region, created on first use and kept for the process lifetime.
// Concurrent first requests for a region share one creation. Thread-safe.
class PublisherCache {
 public:
  // `base` carries everything but the region.
  explicit PublisherCache(PublisherOptions base);

  // The region's publisher; a creation failure is `create S3 OIDC issuer publisher: <cause>`
  // (kept uncached, so that a later call tries again).
  Result<std::shared_ptr<const Publisher>> ForRegion(std::string_view region);

 private:
  const PublisherOptions base_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Publisher>, std::less<>> publishers_;
};

// §7.5: the condition message for `full` (the complete text, caller prefixes included) of a
// failure whose cause is `error` (as Ensure or Delete returned it): when `error` came from an
// AWS error response, the text from the last occurrence of its "<Code>: <Message>" on is
// replaced by exactly that, and the result is capped at 256 bytes.
std::string SanitizedPublisherMessage(std::string_view full, const Error& error);

}  // namespace awio::oidc
