// The S3 client: HeadObject, PutObject and DeleteObject, the three calls the self-hosted issuer
// publisher makes (spec config-controller §7). Requests are SigV4-signed with the payload hash
// (S3 then verifies the body), addressed per endpoint.h, retried as AWS SDKs' standard mode does,
// and failures decoded by aws_error.h. HeadObject returns the content type and user metadata, so
// that the publisher can skip objects that are already current. No Debian package provides an
// AWS SDK for C++, so this client is ours. Never logs; messages carry no credential.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "base/error.h"

namespace awio::aws {

// S3 caps user metadata (names and values of all x-amz-meta-* headers) at 2 KB per object.
inline constexpr size_t kMaxS3UserMetadataBytes = 2048;

struct S3ClientOptions {
  S3EndpointOptions endpoint;  // region, --aws-endpoint-url, path style
  bool allow_plain_http = false;
  std::string ca_file;
  std::chrono::milliseconds timeout = kDefaultHttpTimeout;
  std::shared_ptr<CredentialsProvider> credentials;  // required
  HttpTransport transport;                           // empty: libcurl
  RetryPolicy retry;
  WallClock clock;  // signing time; empty: the system clock
};

// What HeadObject reports about an object.
struct S3ObjectInfo {
  std::string content_type;
  // User metadata, names lowercased without the "x-amz-meta-" prefix.
  std::map<std::string, std::string> metadata;
  std::string etag;
  std::optional<uint64_t> content_length;
};

struct PutObjectInput {
  std::string bucket;
  std::string key;
  std::string body;
  std::string content_type;  // empty: not sent (S3 then stores binary/octet-stream)
  // Sent as x-amz-meta-<name> headers; names must be lowercase token characters and values
  // printable ASCII (S3 returns them as HTTP headers).
  std::map<std::string, std::string> metadata;
};

class S3Client {
 public:
  // kConfiguration without a credentials provider or with an unusable endpoint override.
  static Result<std::unique_ptr<S3Client>> Create(S3ClientOptions options);

  // kNotFound (reason NotFound or NoSuchKey) when the object or bucket does not exist; other
  // failures as MakeAwsError("S3 HeadObject s3://<bucket>/<key>", ...) or transport errors.
  Result<S3ObjectInfo> HeadObject(std::string_view bucket, std::string_view key) const;

  // kInvalid for metadata S3 would reject or mangle, before any call.
  Status PutObject(const PutObjectInput& input) const;

  // Succeeds when the object is gone, including when it never existed (S3 answers 204 either
  // way); a missing bucket is kNotFound with reason NoSuchBucket.
  Status DeleteObject(std::string_view bucket, std::string_view key) const;

  const S3ClientOptions& options() const { return options_; }

 private:
  explicit S3Client(S3ClientOptions options);

  // Builds, signs and sends one request with retries; `operation` names it in errors.
  Result<HttpResponse> Exchange(const std::string& operation, HttpRequest request) const;

  S3ClientOptions options_;
  SigV4Signer signer_;
  HttpTransport transport_;
};

}  // namespace awio::aws
