// Where AWS requests go: S3 object URLs (virtual-hosted `https://<bucket>.s3.<region>.<suffix>`
// or path-style), the regional STS endpoint, an endpoint override (the manager's
// --aws-endpoint-url, the emulator's http://127.0.0.1:<port>), and the start-up validation of that
// flag (spec config-controller §7.1, inventory-and-remote-irsa §7.2 and §8.4). The DNS suffix
// comes from the region's partition (partition.h). Pure functions; no I/O. No Debian package
// provides an AWS SDK for C++, so these endpoint rules are ours.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace awio::aws {

// S3 limits bucket names to 63 characters (one DNS label in virtual-hosted addressing).
inline constexpr size_t kMaxBucketNameLength = 63;
// The pseudo-region AWS SDKs map to the global STS endpoint.
inline constexpr std::string_view kGlobalStsRegion = "aws-global";

struct S3EndpointOptions {
  std::string region;  // signing region and, without an override, the endpoint's region
  // Base URL used instead of the regional endpoint for every request (--aws-endpoint-url).
  std::string endpoint_override;
  // Always address buckets in the path ("<endpoint>/<bucket>/<key>"). Without it, buckets are
  // virtual-hosted unless the bucket is not a plain DNS label or the endpoint host is an IP
  // address, where AWS SDKs fall back to path style as well.
  bool force_path_style = false;
};

// The wire URL of `key` in `bucket`: the key percent-encoded with '/' kept. kInvalid for an
// empty or malformed bucket, an empty key or a region that is not a DNS label; kConfiguration for
// an unusable override.
Result<std::string> S3ObjectUrl(const S3EndpointOptions& options, std::string_view bucket,
                                std::string_view key);

// "s3.<region>.<suffix>", e.g. s3.ap-northeast-1.amazonaws.com or s3.cn-north-1.amazonaws.com.cn.
std::string S3RegionalHost(std::string_view region);

// True when `bucket` can be the first label of a host name: 3-63 lowercase letters, digits and
// '-', starting and ending with a letter or digit (no dots: TLS wildcards cover one label).
bool IsVirtualHostableBucket(std::string_view bucket);

// The STS endpoint: the override when set, else https://sts.<region>.<suffix>, or
// https://sts.amazonaws.com for "aws-global". kInvalid when the region is empty or malformed.
Result<std::string> StsEndpoint(std::string_view region, std::string_view endpoint_override = {});

// Validates --aws-endpoint-url as the manager does at start-up, with its messages (kConfiguration):
// `invalid --aws-endpoint-url: <cause>`, `--aws-endpoint-url must be an absolute URL with a host`,
// `--aws-endpoint-url scheme must be http or https`, `using an unsafe AWS endpoint URL is not
// allowed` (http without --allow-unsafe-aws-endpoint-urls). An empty URL is valid (no override).
Status ValidateAwsEndpointUrl(std::string_view url, bool allow_unsafe);

}  // namespace awio::aws
