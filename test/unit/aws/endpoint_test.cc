// Tests of the AWS endpoint rules (src/aws/endpoint.h): S3 object URLs (spec config-controller
// §6.1 and §7.1), STS endpoints (spec inventory-and-remote-irsa §8.4) and the --aws-endpoint-url
// validation (spec inventory-and-remote-irsa §7.2).
#include "aws/endpoint.h"

#include <gtest/gtest.h>

#include <string>

namespace awio::aws {
namespace {

struct ObjectUrlCase {
  std::string name;
  S3EndpointOptions options;
  std::string bucket;
  std::string key;
  std::string url;
};

class S3ObjectUrlTest : public ::testing::TestWithParam<ObjectUrlCase> {};

// Validates the S3 addressing rules: virtual-hosted regional hosts by default, path style when
// forced, for IP-address endpoints and for buckets that are not one DNS label, and the override
// used as the base for every region.
TEST_P(S3ObjectUrlTest, S3ObjectUrl_Options_BuildExpectedUrl) {
  const ObjectUrlCase& c = GetParam();
  auto url = S3ObjectUrl(c.options, c.bucket, c.key);
  ASSERT_TRUE(url.ok()) << url.error().message;
  EXPECT_EQ(*url, c.url);
}

INSTANTIATE_TEST_SUITE_P(
    Addressing, S3ObjectUrlTest,
    ::testing::Values(
        // Spec config-controller §6.1 / §15.2: the fixture bucket's regional host.
        ObjectUrlCase{"fixture_discovery",
                      {.region = "ap-northeast-1"},
                      "awi-wlc-a-ap-northeast-1-c7c9fccd48",
                      ".well-known/openid-configuration",
                      "https://awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com/"
                      ".well-known/openid-configuration"},
        ObjectUrlCase{"china_partition_suffix",
                      {.region = "cn-north-1"},
                      "bucket-a",
                      "keys.json",
                      "https://bucket-a.s3.cn-north-1.amazonaws.com.cn/keys.json"},
        ObjectUrlCase{"gov_cloud",
                      {.region = "us-gov-west-1"},
                      "bucket-a",
                      "keys.json",
                      "https://bucket-a.s3.us-gov-west-1.amazonaws.com/keys.json"},
        ObjectUrlCase{"forced_path_style",
                      {.region = "us-east-1", .force_path_style = true},
                      "bucket-a",
                      "keys.json",
                      "https://s3.us-east-1.amazonaws.com/bucket-a/keys.json"},
        ObjectUrlCase{"dotted_bucket_falls_back_to_path_style",
                      {.region = "eu-west-1"},
                      "my.bucket",
                      "keys.json",
                      "https://s3.eu-west-1.amazonaws.com/my.bucket/keys.json"},
        ObjectUrlCase{"emulator_ip_override_is_path_style",
                      {.region = "us-east-1", .endpoint_override = "http://127.0.0.1:5000"},
                      "bucket-a",
                      "keys.json",
                      "http://127.0.0.1:5000/bucket-a/keys.json"},
        ObjectUrlCase{"hostname_override_stays_virtual_hosted",
                      {.region = "us-east-1", .endpoint_override = "http://localhost:5000"},
                      "bucket-a",
                      ".well-known/openid-configuration",
                      "http://bucket-a.localhost:5000/.well-known/openid-configuration"},
        ObjectUrlCase{"override_with_base_path",
                      {.region = "us-east-1", .endpoint_override = "https://proxy.example.com/s3/"},
                      "bucket-a",
                      "k",
                      "https://bucket-a.proxy.example.com/s3/k"},
        ObjectUrlCase{"override_with_base_path_path_style",
                      {.region = "us-east-1",
                       .endpoint_override = "https://proxy.example.com:8443/s3",
                       .force_path_style = true},
                      "bucket-a",
                      "k",
                      "https://proxy.example.com:8443/s3/bucket-a/k"},
        ObjectUrlCase{"key_is_percent_encoded_keeping_slashes",
                      {.region = "us-east-1"},
                      "bucket-a",
                      "dir/a b+c\xC3\xBC",
                      "https://bucket-a.s3.us-east-1.amazonaws.com/dir/a%20b%2Bc%C3%BC"}),
    [](const auto& case_info) { return case_info.param.name; });

// Validates that user-controlled parts cannot rewrite the request's host or path.
TEST(EndpointTest, S3ObjectUrl_MalformedInput_IsRejected) {
  EXPECT_EQ(S3ObjectUrl({.region = "us-east-1.evil.example/"}, "b-1", "k").error().code,
            ErrorCode::kInvalid);
  EXPECT_EQ(S3ObjectUrl({.region = ""}, "b-1", "k").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(S3ObjectUrl({.region = "us-east-1"}, "b/../x", "k").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(S3ObjectUrl({.region = "us-east-1"}, "", "k").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(S3ObjectUrl({.region = "us-east-1"}, "b-1", "").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(S3ObjectUrl({.region = "us-east-1", .endpoint_override = "s3.example.com"}, "b-1", "k")
                .error()
                .code,
            ErrorCode::kConfiguration);
}

// Validates which bucket names can be the first label of a host.
TEST(EndpointTest, IsVirtualHostableBucket_Names_FollowDnsLabelRules) {
  EXPECT_TRUE(IsVirtualHostableBucket("awi-wlc-a-ap-northeast-1-c7c9fccd48"));
  EXPECT_TRUE(IsVirtualHostableBucket("abc"));
  EXPECT_TRUE(IsVirtualHostableBucket(std::string(63, 'a')));
  EXPECT_FALSE(IsVirtualHostableBucket(std::string(64, 'a')));
  EXPECT_FALSE(IsVirtualHostableBucket("ab"));
  EXPECT_FALSE(IsVirtualHostableBucket("-abc"));
  EXPECT_FALSE(IsVirtualHostableBucket("abc-"));
  EXPECT_FALSE(IsVirtualHostableBucket("a.bc"));
  EXPECT_FALSE(IsVirtualHostableBucket("Abc"));
  EXPECT_FALSE(IsVirtualHostableBucket("a_bc"));
}

// Validates spec inventory-and-remote-irsa §8.4: regional STS endpoints with the partition's DNS
// suffix, the global endpoint only for "aws-global", and an override used as given.
TEST(EndpointTest, StsEndpoint_Regions_UsePartitionSuffix) {
  EXPECT_EQ(*StsEndpoint("us-east-1"), "https://sts.us-east-1.amazonaws.com/");
  EXPECT_EQ(*StsEndpoint("ap-northeast-1"), "https://sts.ap-northeast-1.amazonaws.com/");
  EXPECT_EQ(*StsEndpoint("cn-north-1"), "https://sts.cn-north-1.amazonaws.com.cn/");
  EXPECT_EQ(*StsEndpoint("us-gov-west-1"), "https://sts.us-gov-west-1.amazonaws.com/");
  EXPECT_EQ(*StsEndpoint("aws-global"), "https://sts.amazonaws.com/");
  EXPECT_EQ(*StsEndpoint("us-east-1", "http://127.0.0.1:5000"), "http://127.0.0.1:5000/");
  EXPECT_EQ(*StsEndpoint("us-east-1", "https://sts.example.com/base"),
            "https://sts.example.com/base");
  EXPECT_EQ(StsEndpoint("").error().code, ErrorCode::kInvalid);
  EXPECT_EQ(StsEndpoint("us-east-1/evil").error().code, ErrorCode::kInvalid);
}

struct ValidationCase {
  std::string url;
  bool allow_unsafe;
  std::string message;  // "" when valid
};

class EndpointValidationTest : public ::testing::TestWithParam<ValidationCase> {};

// Validates the start-up check of --aws-endpoint-url with the spec's literal messages
// (spec inventory-and-remote-irsa §7.2).
TEST_P(EndpointValidationTest, ValidateAwsEndpointUrl_Url_GivesSpecMessage) {
  const ValidationCase& c = GetParam();
  const Status status = ValidateAwsEndpointUrl(c.url, c.allow_unsafe);
  if (c.message.empty()) {
    EXPECT_TRUE(status.ok()) << status.error().message;
    return;
  }
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConfiguration);
  EXPECT_EQ(status.error().message.substr(0, c.message.size()), c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Flag, EndpointValidationTest,
    ::testing::Values(
        ValidationCase{"", false, ""}, ValidationCase{"https://s3.example.com", false, ""},
        ValidationCase{"https://s3.example.com:8443/base", false, ""},
        ValidationCase{"http://127.0.0.1:5000", true, ""},
        ValidationCase{"http://127.0.0.1:5000", false,
                       "using an unsafe AWS endpoint URL is not allowed"},
        ValidationCase{"ftp://example.com", false,
                       "--aws-endpoint-url scheme must be http or https"},
        ValidationCase{"example.com", false,
                       "--aws-endpoint-url must be an absolute URL with a host"},
        ValidationCase{"https://", false, "--aws-endpoint-url must be an absolute URL with a host"},
        ValidationCase{"/relative/path", false,
                       "--aws-endpoint-url must be an absolute URL with a host"},
        ValidationCase{"https://example.com:port", false, "invalid --aws-endpoint-url: "},
        ValidationCase{"https://exa mple.com", false, "invalid --aws-endpoint-url: "},
        ValidationCase{"https://example.com/\x01", false, "invalid --aws-endpoint-url: "}));

}  // namespace
}  // namespace awio::aws
