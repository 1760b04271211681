// Implementation of the S3 client (s3.h).
#include "aws/s3.h"

#include <charconv>
#include <utility>

#include "aws/aws_error.h"

namespace awio::aws {
namespace {

constexpr std::string_view kMetadataPrefix = "x-amz-meta-";

std::string ObjectName(std::string_view bucket, std::string_view key) {
  return "s3://" + std::string(bucket) + "/" + std::string(key);
}

// HTTP token characters, lowercased: what survives a round trip as a header name unchanged.
bool IsValidMetadataName(std::string_view name) {
  if (name.empty()) return false;
  for (const unsigned char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                    c == '.' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' ||
                    c == '\'' || c == '*' || c == '+' || c == '^' || c == '`' || c == '|' ||
                    c == '~';
    if (!ok) return false;
  }
  return true;
}

bool IsPrintableAscii(std::string_view value) {
  for (const unsigned char c : value) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<S3Client>> S3Client::Create(S3ClientOptions options) {
  if (!options.credentials) {
    return MakeError(ErrorCode::kConfiguration, "S3 client: no credentials provider");
  }
  if (!options.endpoint.endpoint_override.empty()) {
    auto parts = ParseHttpUrl(options.endpoint.endpoint_override);
    if (!parts.ok()) {
      return MakeError(ErrorCode::kConfiguration, "S3 client: " + parts.error().message);
    }
  }
  return std::unique_ptr<S3Client>(new S3Client(std::move(options)));
}

S3Client::S3Client(S3ClientOptions options)
    : options_(std::move(options)),
      signer_(SigV4Options{.region = options_.endpoint.region, .service = "s3", .s3 = true},
              options_.clock),
      transport_(TransportOrDefault(options_.transport)) {}

Result<HttpResponse> S3Client::Exchange(const std::string& operation, HttpRequest request) const {
  request.timeout = options_.timeout;
  request.ca_file = options_.ca_file;
  request.allow_plain_http = options_.allow_plain_http;

  auto credentials = options_.credentials->Retrieve();
  if (!credentials.ok()) {
    Error error = credentials.error();
    error.message = operation + ": " + error.message;
    return error;
  }
  if (auto signed_ok = signer_.Sign(request, *credentials); !signed_ok.ok()) {
    Error error = signed_ok.error();
    error.message = operation + ": " + error.message;
    return error;
  }

  auto response = SendWithRetries(transport_, request, options_.retry, IsRetryableOutcome);
  if (!response.ok()) {
    Error error = response.error();
    error.message = operation + ": " + error.message;
    return error;
  }
  if (response->status < 200 || response->status >= 300) {
    return MakeAwsError(operation, DecodeAwsError(*response), &*response);
  }
  return response;
}

Result<S3ObjectInfo> S3Client::HeadObject(std::string_view bucket, std::string_view key) const {
  const std::string operation = "S3 HeadObject " + ObjectName(bucket, key);
  auto url = S3ObjectUrl(options_.endpoint, bucket, key);
  if (!url.ok()) return url.error();

  auto response = Exchange(operation, HttpRequest{.method = "HEAD", .url = std::move(*url)});
  if (!response.ok()) return response.error();

  S3ObjectInfo info;
  for (const auto& header : response->headers) {
    if (header.name == "content-type") {
      info.content_type = header.value;
    } else if (header.name == "etag") {
      info.etag = header.value;
    } else if (header.name == "content-length") {
      uint64_t length = 0;
      const char* end = header.value.data() + header.value.size();
      if (auto [ptr, ec] = std::from_chars(header.value.data(), end, length);
          ec == std::errc() && ptr == end) {
        info.content_length = length;
      }
    } else if (header.name.size() > kMetadataPrefix.size() &&
               header.name.compare(0, kMetadataPrefix.size(), kMetadataPrefix) == 0) {
      info.metadata[header.name.substr(kMetadataPrefix.size())] = header.value;
    }
  }
  return info;
}

Status S3Client::PutObject(const PutObjectInput& input) const {
  const std::string operation = "S3 PutObject " + ObjectName(input.bucket, input.key);
  size_t metadata_bytes = 0;
  for (const auto& [name, value] : input.metadata) {
    if (!IsValidMetadataName(name) || !IsPrintableAscii(value)) {
      return MakeError(ErrorCode::kInvalid,
                       operation +
                           ": metadata names must be lowercase HTTP tokens and values "
                           "printable ASCII");
    }
    metadata_bytes += name.size() + value.size();
  }
  if (metadata_bytes > kMaxS3UserMetadataBytes) {
    return MakeError(ErrorCode::kInvalid, operation + ": user metadata exceeds " +
                                              std::to_string(kMaxS3UserMetadataBytes) + " bytes");
  }
  if (!IsPrintableAscii(input.content_type)) {
    return MakeError(ErrorCode::kInvalid, operation + ": content type must be printable ASCII");
  }
  auto url = S3ObjectUrl(options_.endpoint, input.bucket, input.key);
  if (!url.ok()) return url.error();

  HttpRequest request{.method = "PUT", .url = std::move(*url), .body = input.body};
  if (!input.content_type.empty()) request.headers.push_back({"Content-Type", input.content_type});
  for (const auto& [name, value] : input.metadata) {
    request.headers.push_back({std::string(kMetadataPrefix) + name, value});
  }
  auto response = Exchange(operation, std::move(request));
  if (!response.ok()) return response.error();
  return OkStatus();
}

Status S3Client::DeleteObject(std::string_view bucket, std::string_view key) const {
  const std::string operation = "S3 DeleteObject " + ObjectName(bucket, key);
  auto url = S3ObjectUrl(options_.endpoint, bucket, key);
  if (!url.ok()) return url.error();
  auto response = Exchange(operation, HttpRequest{.method = "DELETE", .url = std::move(*url)});
  if (!response.ok()) return response.error();
  return OkStatus();
}

}  // namespace awio::aws
