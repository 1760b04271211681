// The self-hosted issuer publisher; see publisher.h. Objects are handled one after the other
// (discovery, then JWKS) rather than concurrently: with two small objects the saving is one round
// trip, and a fixed order keeps requests and errors deterministic.
#include "oidc/publisher.h"

#include <utility>

#include "aws/ack_objects.h"
#include "aws/aws_error.h"

namespace awio::oidc {
namespace {

// S3 answers a HEAD of a missing object with 404 and no body ("NotFound"); some servers send the
// GET-style "NoSuchKey".
constexpr std::string_view kNotFoundCode = "NotFound";
constexpr std::string_view kNoSuchKeyCode = "NoSuchKey";
// The one S3 error Delete tolerates: without the bucket there is nothing left to remove.
constexpr std::string_view kNoSuchBucketCode = "NoSuchBucket";

std::string ObjectUri(std::string_view bucket, std::string_view key) {
  std::string uri = "s3://";
  uri.append(bucket).append("/").append(key);
  return uri;
}

// Wraps a client failure as "<verb> S3 object s3://<bucket>/<key>: <cause>", where the cause is
// the client's text without its own operation prefix ("S3 HeadObject s3://...: "), which would
// name the object a second time. Code, reason, HTTP status and Retry-After are kept.
Error WrapObjectError(std::string_view verb, std::string_view client_operation,
                      std::string_view bucket, std::string_view key, Error cause) {
  const std::string uri = ObjectUri(bucket, key);
  std::string client_prefix = std::string(client_operation) + " " + uri + ": ";
  std::string_view detail = cause.message;
  if (detail.starts_with(client_prefix)) detail.remove_prefix(client_prefix.size());
  cause.message = std::string(verb) + " S3 object " + uri + ": " + std::string(detail);
  return cause;
}

bool IsMissingObject(const Error& error) {
  return error.code == ErrorCode::kNotFound &&
         (error.reason == kNotFoundCode || error.reason == kNoSuchKeyCode);
}

Status ValidateForEnsure(std::string_view bucket, const Publication& publication) {
  if (bucket.empty()) return MakeError(ErrorCode::kInvalid, "S3 bucket name is empty");
  if (publication.object_set_digest.empty()) {
    return MakeError(ErrorCode::kInvalid, "publication object set digest is empty");
  }
  if (publication.objects.empty()) {
    return MakeError(ErrorCode::kInvalid, "publication has no objects");
  }
  for (size_t i = 0; i < publication.objects.size(); ++i) {
    const PublishedObject& object = publication.objects[i];
    const std::string which = "publication object " + std::to_string(i);
    if (object.key.empty()) return MakeError(ErrorCode::kInvalid, which + " has an empty key");
    if (object.content_type.empty()) {
      return MakeError(ErrorCode::kInvalid, which + " (" + object.key + ") has no content type");
    }
    if (object.digest.empty()) {
      return MakeError(ErrorCode::kInvalid, which + " (" + object.key + ") has no digest");
    }
  }
  return OkStatus();
}

}  // namespace

std::string_view ObjectActionName(ObjectAction action) {
  switch (action) {
    case ObjectAction::kUnchanged:
      return "Unchanged";
    case ObjectAction::kCreated:
      return "Created";
    case ObjectAction::kUpdated:
      return "Updated";
  }
  return "Unknown";
}

Result<std::unique_ptr<Publisher>> Publisher::Create(PublisherOptions options) {
  auto client =
      aws::S3Client::Create({.endpoint = {.region = std::move(options.region),
                                          .endpoint_override = std::move(options.endpoint_override),
                                          .force_path_style = options.force_path_style},
                             .allow_plain_http = options.allow_plain_http,
                             .ca_file = std::move(options.ca_file),
                             .credentials = std::move(options.credentials),
                             .transport = std::move(options.transport),
                             .retry = std::move(options.retry)});
  if (!client.ok()) return client.error();
  return std::make_unique<Publisher>(std::shared_ptr<const aws::S3Client>(std::move(*client)));
}

Publisher::Publisher(std::shared_ptr<const aws::S3Client> client) : client_(std::move(client)) {}

Result<EnsureResult> Publisher::Ensure(std::string_view bucket,
                                       const Publication& publication) const {
  if (auto valid = ValidateForEnsure(bucket, publication); !valid.ok()) return valid.error();

  EnsureResult result;
  for (const PublishedObject& object : publication.objects) {
    ObjectOutcome outcome{.key = object.key};
    auto head = client_->HeadObject(bucket, object.key);
    if (head.ok()) {
      if (IsObjectCurrent(head->content_type, head->metadata, object,
                          publication.object_set_digest)) {
        result.objects.push_back(std::move(outcome));
        continue;
      }
      outcome.action = ObjectAction::kUpdated;
    } else if (IsMissingObject(head.error())) {
      outcome.action = ObjectAction::kCreated;
    } else {
      return WrapObjectError("head", "S3 HeadObject", bucket, object.key, head.error());
    }

    auto put =
        client_->PutObject({.bucket = std::string(bucket),
                            .key = object.key,
                            .body = object.body,
                            .content_type = object.content_type,
                            .metadata = ObjectMetadata(object, publication.object_set_digest)});
    if (!put.ok()) return WrapObjectError("put", "S3 PutObject", bucket, object.key, put.error());
    result.changed = true;
    result.objects.push_back(std::move(outcome));
  }
  return result;
}

Status Publisher::Delete(std::string_view bucket) const {
  if (bucket.empty()) return MakeError(ErrorCode::kInvalid, "S3 bucket name is empty");
  for (std::string_view key : {aws::kDiscoveryObjectKey, aws::kJwksObjectKey}) {
    auto deleted = client_->DeleteObject(bucket, key);
    if (deleted.ok() || deleted.error().reason == kNoSuchBucketCode) continue;
    return WrapObjectError("delete", "S3 DeleteObject", bucket, key, deleted.error());
  }
  return OkStatus();
}

PublisherCache::PublisherCache(PublisherOptions base) : base_(std::move(base)) {}

Result<std::shared_ptr<const Publisher>> PublisherCache::ForRegion(std::string_view region) {
  // Creation builds no connection, so holding the lock through it costs little and gives
  // concurrent first callers the same publisher.
  std::lock_guard lock(mutex_);
  if (auto found = publishers_.find(region); found != publishers_.end()) return found->second;

  PublisherOptions options = base_;
  options.region = std::string(region);
  auto created = Publisher::Create(std::move(options));
  if (!created.ok()) {
    Error error = created.error();
    error.message = std::string(kCreatePublisherErrorPrefix) + ": " + error.message;
    return error;
  }
  std::shared_ptr<const Publisher> publisher = std::move(*created);
  publishers_.emplace(std::string(region), publisher);
  return publisher;
}

std::string SanitizedPublisherMessage(std::string_view full, const Error& error) {
  // Errors from an AWS response carry the AWS code as reason and an HTTP status; their text is
  // "<verb> S3 object s3://<bucket>/<key>: <Code>: <Message>". Bucket names hold no ':' and the
  // object keys are fixed, so the first ": " after the URI starts the API error's own text.
  std::string api_text;
  if (error.http_status != 0 && !error.reason.empty()) {
    const std::string_view message = error.message;
    const size_t uri = message.find("s3://");
    const size_t separator = message.find(": ", uri == std::string_view::npos ? 0 : uri);
    if (separator != std::string_view::npos &&
        message.substr(separator + 2).starts_with(error.reason)) {
      api_text = std::string(message.substr(separator + 2));
    }
  }
  return aws::SanitizeAwsErrorText(full, api_text);
}

}  // namespace awio::oidc
