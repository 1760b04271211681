// Tests of the issuer URL, host/path and provider ARN checks in src/oidc/issuer_url.h against
// config-controller spec §8.4 steps 5-6, the vectors of §15.9 and §16 item 21. Expected
// messages are the original operator's, including Go's url.Parse error texts.
#include "oidc/issuer_url.h"

#include <gtest/gtest.h>

#include <string>

namespace awio::oidc {
namespace {

constexpr char kEksIssuer[] = "https://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE";
constexpr char kEksHostPath[] = "oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE";
constexpr char kEksArn[] =
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE";
constexpr char kOtherArn[] =
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/OTHER";

struct AcceptedCase {
  std::string description;
  std::string input;
  std::string expected;
};

struct RejectedCase {
  std::string description;
  std::string input;
  std::string message;
};

class NormalizeAcceptedTest : public ::testing::TestWithParam<AcceptedCase> {};

// Validates that an https issuer URL reduces to host (with port) plus escaped path (§8.4 step 5,
// §15.9 "Accepted", §16 item 21 for the bare markers).
TEST_P(NormalizeAcceptedTest, NormalizeIssuerUrl_Valid_ReturnsHostPath) {
  auto host_path = NormalizeIssuerUrl(GetParam().input);
  ASSERT_TRUE(host_path.ok()) << host_path.error().message;
  EXPECT_EQ(*host_path, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, NormalizeAcceptedTest,
    ::testing::Values(
        AcceptedCase{"SpecEksIssuer", kEksIssuer, kEksHostPath},
        AcceptedCase{"SpecHostOnly", "https://issuer.example.com", "issuer.example.com"},
        AcceptedCase{"BareQueryMarker", std::string(kEksIssuer) + "?", kEksHostPath},
        AcceptedCase{"BareFragmentMarker", std::string(kEksIssuer) + "#", kEksHostPath},
        AcceptedCase{"UpperCaseScheme", "HTTPS://issuer.example.com/x", "issuer.example.com/x"},
        AcceptedCase{"PortKept", "https://issuer.example.com:8443/x", "issuer.example.com:8443/x"},
        AcceptedCase{"EscapedSlashKept", "https://issuer.example.com/a%2Fb",
                     "issuer.example.com/a%2Fb"},
        AcceptedCase{"SpaceInPathEscaped", "https://issuer.example.com/a b",
                     "issuer.example.com/a%20b"}),
    [](const auto& param_info) { return param_info.param.description; });

class NormalizeRejectedTest : public ::testing::TestWithParam<RejectedCase> {};

// Validates that each rejected issuer URL fails as invalid input with the original message
// (§8.4 step 5, §15.9 "Rejected").
TEST_P(NormalizeRejectedTest, NormalizeIssuerUrl_Invalid_ReturnsMessage) {
  auto host_path = NormalizeIssuerUrl(GetParam().input);
  ASSERT_FALSE(host_path.ok()) << *host_path;
  EXPECT_EQ(host_path.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(host_path.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, NormalizeRejectedTest,
    ::testing::Values(
        RejectedCase{"HttpScheme", "http://oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
                     "issuer URL must use https scheme"},
        RejectedCase{"TrailingSlash", std::string(kEksIssuer) + "/",
                     "issuer host/path must not end with a slash"},
        RejectedCase{"Query", std::string(kEksIssuer) + "?x=y",
                     "issuer URL must not include query or fragment"},
        RejectedCase{"Fragment", std::string(kEksIssuer) + "#fragment",
                     "issuer URL must not include query or fragment"},
        RejectedCase{"UserInfo", "https://user@oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE",
                     "issuer URL must not include user info"},
        RejectedCase{"EmptyUserInfo", "https://@issuer.example.com",
                     "issuer URL must not include user info"},
        RejectedCase{"Tab", "https://issuer.example.com\t/id/EXAMPLE",
                     "parse issuer URL: parse \"https://issuer.example.com\\t/id/EXAMPLE\": "
                     "net/url: invalid control character in URL"},
        RejectedCase{"NoHost", "https://", "issuer URL must include a host"},
        RejectedCase{"OneSlash", "https:/bad", "issuer URL must include a host"},
        RejectedCase{"NoScheme", "issuer.example.com/x", "issuer URL must use https scheme"},
        RejectedCase{"Empty", "", "issuer URL must use https scheme"},
        RejectedCase{"BadEscape", "https://issuer.example.com/%zz",
                     "parse issuer URL: parse \"https://issuer.example.com/%zz\": invalid URL "
                     "escape \"%zz\""},
        RejectedCase{"BadPort", "https://issuer.example.com:abc/x",
                     "parse issuer URL: parse \"https://issuer.example.com:abc/x\": invalid port "
                     "\":abc\" after host"},
        RejectedCase{"BadHostCharacter", "https://issuer_{x}.example.com",
                     "parse issuer URL: parse \"https://issuer_{x}.example.com\": invalid "
                     "character \"{\" in host name"},
        RejectedCase{"BadFragmentEscape", "https://issuer.example.com#%zz",
                     "parse issuer URL: parse \"https://issuer.example.com#%zz\": invalid URL "
                     "escape \"%zz\""},
        RejectedCase{"MissingScheme", "://issuer.example.com",
                     "parse issuer URL: parse \"://issuer.example.com\": missing protocol "
                     "scheme"}),
    [](const auto& param_info) { return param_info.param.description; });

class HostPathAcceptedTest : public ::testing::TestWithParam<std::string> {};

// Validates that canonical host/paths pass the host/path check (§8.4 step 5).
TEST_P(HostPathAcceptedTest, CheckIssuerHostPath_Canonical_IsOk) {
  auto checked = CheckIssuerHostPath(GetParam());
  EXPECT_TRUE(checked.ok()) << checked.error().message;
}

INSTANTIATE_TEST_SUITE_P(Vectors, HostPathAcceptedTest,
                         ::testing::Values(kEksHostPath, "issuer.example.com",
                                           "issuer.example.com:8443/x", "issuer.example.com/a%2Fb",
                                           "issuer.example.com/a%41", "Issuer.Example.com/X"));

class HostPathRejectedTest : public ::testing::TestWithParam<RejectedCase> {};

// Validates each failure of the host/path check and its message (§8.4 step 5).
TEST_P(HostPathRejectedTest, CheckIssuerHostPath_Invalid_ReturnsMessage) {
  auto checked = CheckIssuerHostPath(GetParam().input);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(checked.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, HostPathRejectedTest,
    ::testing::Values(
        RejectedCase{"Empty", "", "issuer host/path must not be empty"},
        RejectedCase{"Scheme", "https://issuer.example.com",
                     "issuer host/path must not include a scheme"},
        RejectedCase{"Space", "issuer.example.com/a b",
                     "issuer host/path must not contain whitespace"},
        RejectedCase{"Tab", "issuer.example.com\t/x",
                     "issuer host/path must not contain whitespace"},
        RejectedCase{"CarriageReturn", "issuer.example.com/x\r",
                     "issuer host/path must not contain whitespace"},
        RejectedCase{"LineFeed", "issuer.example.com/x\n",
                     "issuer host/path must not contain whitespace"},
        RejectedCase{"Query", "issuer.example.com?x=y",
                     "issuer host/path must not include query or fragment"},
        RejectedCase{"Fragment", "issuer.example.com#x",
                     "issuer host/path must not include query or fragment"},
        RejectedCase{"TrailingSlash", "issuer.example.com/",
                     "issuer host/path must not end with a slash"},
        RejectedCase{"NoHost", "/id/x", "issuer host/path must include a host"},
        RejectedCase{"UserInfo", "user@issuer.example.com/x",
                     "issuer host/path must not include user info"},
        RejectedCase{"UnescapedQuote", "issuer.example.com/a\"b",
                     "issuer host/path must be canonical"},
        RejectedCase{"NonAsciiPath", "issuer.example.com/\xc3\xa9",
                     "issuer host/path must be canonical"},
        RejectedCase{"ControlByte", "issuer.example.com\x01/x",
                     "parse issuer host/path: parse \"https://issuer.example.com\\x01/x\": "
                     "net/url: invalid control character in URL"},
        RejectedCase{"BadEscape", "issuer.example.com/%zz",
                     "parse issuer host/path: parse \"https://issuer.example.com/%zz\": invalid "
                     "URL escape \"%zz\""}),
    [](const auto& param_info) { return param_info.param.description; });

struct ArnCase {
  std::string description;
  std::string arn;
  std::string expected;  // the provider path, or the message when it is rejected
};

class ArnAcceptedTest : public ::testing::TestWithParam<ArnCase> {};

// Validates that the provider path is extracted from ARNs of every partition (§8.4 step 6,
// §15.9 "ARN host/path extraction").
TEST_P(ArnAcceptedTest, OidcProviderArnHostPath_Valid_ReturnsPath) {
  auto path = OidcProviderArnHostPath(GetParam().arn);
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_EQ(*path, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, ArnAcceptedTest,
    ::testing::Values(ArnCase{"SpecEks", kEksArn, kEksHostPath},
                      ArnCase{"China",
                              "arn:aws-cn:iam::123456789012:oidc-provider/issuer.example.cn",
                              "issuer.example.cn"},
                      ArnCase{"GovCloud",
                              "arn:aws-us-gov:iam::123456789012:oidc-provider/issuer.example.com/x",
                              "issuer.example.com/x"}),
    [](const auto& param_info) { return param_info.param.description; });

class ArnRejectedTest : public ::testing::TestWithParam<ArnCase> {};

// Validates that malformed provider ARNs are rejected with the ARN quoted as Go's %q and, when
// only the path is wrong, the host/path reason (§8.4 step 6, §15.9 "Rejected ARNs").
TEST_P(ArnRejectedTest, OidcProviderArnHostPath_Invalid_ReturnsMessage) {
  auto path = OidcProviderArnHostPath(GetParam().arn);
  ASSERT_FALSE(path.ok()) << *path;
  EXPECT_EQ(path.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(path.error().message, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, ArnRejectedTest,
    ::testing::Values(
        ArnCase{"Role", "arn:aws:iam::123456789012:role/example",
                "invalid IAM OIDC provider ARN \"arn:aws:iam::123456789012:role/example\""},
        ArnCase{"RegionSet", "arn:aws:iam:us-east-1:123456789012:oidc-provider/example.com",
                "invalid IAM OIDC provider ARN "
                "\"arn:aws:iam:us-east-1:123456789012:oidc-provider/example.com\""},
        ArnCase{"AccountNotDigits", "arn:aws:iam::abc:oidc-provider/example.com",
                "invalid IAM OIDC provider ARN \"arn:aws:iam::abc:oidc-provider/example.com\""},
        ArnCase{"AccountThirteenDigits", "arn:aws:iam::1234567890123:oidc-provider/example.com",
                "invalid IAM OIDC provider ARN "
                "\"arn:aws:iam::1234567890123:oidc-provider/example.com\""},
        ArnCase{"Scheme", "arn:aws:iam::123456789012:oidc-provider/https://issuer.example.com",
                "invalid IAM OIDC provider ARN "
                "\"arn:aws:iam::123456789012:oidc-provider/https://issuer.example.com\": issuer "
                "host/path must not include a scheme"},
        ArnCase{"Query", "arn:aws:iam::123456789012:oidc-provider/issuer.example.com?x=y",
                "invalid IAM OIDC provider ARN "
                "\"arn:aws:iam::123456789012:oidc-provider/issuer.example.com?x=y\": issuer "
                "host/path must not include query or fragment"},
        ArnCase{"Fragment", "arn:aws:iam::123456789012:oidc-provider/issuer.example.com#fragment",
                "invalid IAM OIDC provider ARN "
                "\"arn:aws:iam::123456789012:oidc-provider/issuer.example.com#fragment\": issuer "
                "host/path must not include query or fragment"},
        ArnCase{"Tab", "arn:aws:iam::123456789012:oidc-provider/issuer.example.com\t/id/EXAMPLE",
                "invalid IAM OIDC provider ARN "
                "\"arn:aws:iam::123456789012:oidc-provider/issuer.example.com\\t/id/EXAMPLE\": "
                "issuer host/path must not contain whitespace"},
        ArnCase{"TrailingSlash",
                "arn:aws:iam::123456789012:oidc-provider/issuer.example.com/id/EXAMPLE/",
                "invalid IAM OIDC provider ARN "
                "\"arn:aws:iam::123456789012:oidc-provider/issuer.example.com/id/EXAMPLE/\": "
                "issuer host/path must not end with a slash"},
        ArnCase{"NewlineBreaksTheMatch",
                "arn:aws:iam::123456789012:oidc-provider/issuer.example.com\n/x",
                "invalid IAM OIDC provider ARN "
                "\"arn:aws:iam::123456789012:oidc-provider/issuer.example.com\\n/x\""},
        ArnCase{"EmptyPath", "arn:aws:iam::123456789012:oidc-provider/",
                "invalid IAM OIDC provider ARN \"arn:aws:iam::123456789012:oidc-provider/\""},
        ArnCase{"NotAnArn", "not-an-arn", "invalid IAM OIDC provider ARN \"not-an-arn\""}),
    [](const auto& param_info) { return param_info.param.description; });

// Validates that an external provider ARN whose path is the issuer's host/path matches (§15.9).
TEST(CheckExternalProviderArn, SamePath_IsOk) {
  auto checked = CheckExternalProviderArn(kEksArn, kEksHostPath);
  EXPECT_TRUE(checked.ok()) << checked.error().message;
}

// Validates that a different provider path is refused, both quoted (§8.4 step 6, §15.9 "/id/OTHER
// does not match").
TEST(CheckExternalProviderArn, OtherPath_ReportsMismatch) {
  auto checked = CheckExternalProviderArn(kOtherArn, kEksHostPath);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(checked.error().message,
            "OIDC provider ARN path \"oidc.eks.ap-northeast-1.amazonaws.com/id/OTHER\" does not "
            "match issuer \"oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE\"");
}

// Validates that the comparison is case-sensitive (§8.4 step 6 "exactly (case-sensitive)").
TEST(CheckExternalProviderArn, DifferentCase_ReportsMismatch) {
  auto checked = CheckExternalProviderArn(
      "arn:aws:iam::123456789012:oidc-provider/Issuer.example.com", "issuer.example.com");
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().message,
            "OIDC provider ARN path \"Issuer.example.com\" does not match issuer "
            "\"issuer.example.com\"");
}

// Validates that an invalid ARN is reported before any comparison (§8.4 step 6 order).
TEST(CheckExternalProviderArn, InvalidArn_ReportsArn) {
  auto checked = CheckExternalProviderArn("not-an-arn", kEksHostPath);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().message, "invalid IAM OIDC provider ARN \"not-an-arn\"");
}

}  // namespace
}  // namespace awio::oidc
