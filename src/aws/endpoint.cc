// Implementation of the AWS endpoint rules (endpoint.h).
#include "aws/endpoint.h"

#include <algorithm>
#include <cctype>

#include "aws/http.h"
#include "aws/partition.h"

namespace awio::aws {
namespace {

// A DNS label (one dot-separated part of a host name) is at most 63 bytes (RFC 1035 §2.3.4).
constexpr size_t kMaxDnsLabelLength = 63;
// Buckets created before March 2018 in us-east-1 may have names of up to 255 characters.
constexpr size_t kMaxLegacyBucketNameLength = 255;

// Regions are DNS labels ("us-east-1", "us-gov-west-1"); anything else would let user input
// rewrite the host name the request goes to.
bool IsValidRegion(std::string_view region) {
  return !region.empty() && region.size() <= kMaxDnsLabelLength &&
         std::all_of(region.begin(), region.end(), [](unsigned char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

bool IsIpAddressHost(std::string_view host) {
  if (!host.empty() && host.front() == '[') return true;  // IPv6 literal
  int dots = 0;
  for (const unsigned char c : host) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(c)) {
      return false;
    }
  }
  return dots == 3;
}

std::string TrimTrailingSlashes(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

std::string S3RegionalHost(std::string_view region) {
  return "s3." + std::string(region) + "." + std::string(PartitionOfRegion(region).dns_suffix);
}

bool IsVirtualHostableBucket(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > kMaxBucketNameLength) return false;
  const auto alnum = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (!alnum(bucket.front()) || !alnum(bucket.back())) return false;
  return std::all_of(bucket.begin(), bucket.end(),
                     [&](unsigned char c) { return alnum(c) || c == '-'; });
}

Result<std::string> S3ObjectUrl(const S3EndpointOptions& options, std::string_view bucket,
                                std::string_view key) {
  if (!IsValidRegion(options.region)) {
    return MakeError(ErrorCode::kInvalid, "S3 endpoint: invalid region \"" + options.region + "\"");
  }
  // Loose on purpose (legacy buckets have upper case and underscores), strict where it matters:
  // nothing that could leave the path segment or the host label.
  if (bucket.empty() || bucket.size() > kMaxLegacyBucketNameLength ||
      bucket.find_first_of("/?#%@: \t\r\n") != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalid, "S3 endpoint: invalid bucket name");
  }
  if (key.empty()) return MakeError(ErrorCode::kInvalid, "S3 endpoint: empty object key");
  const std::string encoded_key = PercentEncode(key, /*keep_slash=*/true);

  std::string scheme = "https";
  std::string host = S3RegionalHost(options.region);
  std::string authority = host;
  std::string base_path;
  if (!options.endpoint_override.empty()) {
    auto parts = ParseHttpUrl(options.endpoint_override);
    if (!parts.ok()) {
      return MakeError(ErrorCode::kConfiguration, "S3 endpoint override: " + parts.error().message);
    }
    scheme = parts->scheme;
    host = parts->host;
    authority = parts->Authority();
    base_path = TrimTrailingSlashes(parts->path);
  }

  const bool virtual_hosted =
      !options.force_path_style && IsVirtualHostableBucket(bucket) && !IsIpAddressHost(host);
  if (virtual_hosted) {
    return scheme + "://" + std::string(bucket) + "." + authority + base_path + "/" + encoded_key;
  }
  return scheme + "://" + authority + base_path + "/" + PercentEncode(bucket, false) + "/" +
         encoded_key;
}

Result<std::string> StsEndpoint(std::string_view region, std::string_view endpoint_override) {
  if (!endpoint_override.empty()) {
    auto parts = ParseHttpUrl(endpoint_override);
    if (!parts.ok()) {
      return MakeError(ErrorCode::kConfiguration,
                       "STS endpoint override: " + parts.error().message);
    }
    // STS's query API is served at "/"; a base URL without a path means that.
    if (parts->path.empty()) return std::string(endpoint_override) + "/";
    return std::string(endpoint_override);
  }
  if (region == kGlobalStsRegion) return std::string("https://sts.amazonaws.com/");
  if (!IsValidRegion(region)) {
    return MakeError(ErrorCode::kInvalid,
                     "STS endpoint: invalid region \"" + std::string(region) + "\"");
  }
  return "https://sts." + std::string(region) + "." +
         std::string(PartitionOfRegion(region).dns_suffix) + "/";
}

Status ValidateAwsEndpointUrl(std::string_view url, bool allow_unsafe) {
  if (url.empty()) return OkStatus();
  const auto invalid = [](const std::string& cause) -> Status {
    return MakeError(ErrorCode::kConfiguration, "invalid --aws-endpoint-url: " + cause);
  };
  const auto not_absolute = []() -> Status {
    return MakeError(ErrorCode::kConfiguration,
                     "--aws-endpoint-url must be an absolute URL with a host");
  };
  for (const unsigned char c : url) {
    if (c < 0x20 || c == 0x7F) return invalid("the URL contains a control character");
    if (c == ' ') return invalid("the URL contains a space");
  }

  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return not_absolute();
  const std::string_view scheme = url.substr(0, scheme_end);
  if (!std::isalpha(static_cast<unsigned char>(scheme.front())) ||
      !std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '+' || c == '-' || c == '.';
      })) {
    return invalid("invalid scheme \"" + std::string(scheme) + "\"");
  }
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid("missing ']' in host");
    host = authority.substr(0, close + 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return invalid("invalid text after the host");
    if (!after.empty()) port = after.substr(1);
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return invalid("invalid port \":" + std::string(port) + "\" after host");
  }
  if (host.empty()) return not_absolute();

  std::string lowered(scheme);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered != "http" && lowered != "https") {
    return MakeError(ErrorCode::kConfiguration, "--aws-endpoint-url scheme must be http or https");
  }
  if (lowered == "http" && !allow_unsafe) {
    return MakeError(ErrorCode::kConfiguration, "using an unsafe AWS endpoint URL is not allowed");
  }
  return OkStatus();
}

}  // namespace awio::aws
