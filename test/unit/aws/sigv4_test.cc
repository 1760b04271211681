// Tests of SigV4 signing (src/aws/sigv4.h) against AWS's published vectors: the Signature
// Version 4 test suite ("aws-sig-v4-test-suite": credentials AKIDEXAMPLE, 20150830T123600Z,
// us-east-1, service "service"), the signing-key and IAM ListUsers examples of the SigV4
// documentation, and the Amazon S3 API reference examples (examplebucket, 20130524T000000Z).
// The vectors are facts copied as data; the expected values were computed by AWS, not by us.
#include "aws/sigv4.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/encoding.h"

namespace awio::aws {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

constexpr std::string_view kSuiteAccessKey = "AKIDEXAMPLE";
constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kSuiteScope = "20150830/us-east-1/service/aws4_request";
constexpr std::string_view kS3AccessKey = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kS3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

std::chrono::system_clock::time_point SuiteTime() {
  return sys_days{std::chrono::year{2015} / 8 / 30} + 12h + 36min;
}
std::chrono::system_clock::time_point S3ExampleTime() {
  return sys_days{std::chrono::year{2013} / 5 / 24};
}

Credentials MakeCredentials(std::string_view id, std::string_view secret,
                            std::string_view token = {}) {
  Credentials credentials;
  credentials.access_key_id = std::string(id);
  credentials.secret_access_key = SecretString(std::string(secret));
  credentials.session_token = SecretString(std::string(token));
  return credentials;
}

std::string HeaderValue(const HttpRequest& request, std::string_view name) {
  for (const auto& header : request.headers) {
    if (header.name == name) return header.value;
  }
  return "<absent>";
}

struct SuiteCase {
  std::string name;
  std::string method;
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body;
  std::string session_token;
  std::string signed_headers;
  std::string signature;
};

const std::vector<SuiteCase>& SuiteCases() {
  static const std::vector<SuiteCase> kCases = {
      {"get-vanilla",
       "GET",
       "https://example.amazonaws.com/",
       {},
       "",
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "https://example.amazonaws.com/?Param2=value2&Param1=value1",
       {},
       "",
       "",
       "host;x-amz-date",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-empty-query-key",
       "GET",
       "https://example.amazonaws.com/?Param1=value1",
       {},
       "",
       "",
       "host;x-amz-date",
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-vanilla-utf8-query",
       "GET",
       "https://example.amazonaws.com/?%E1%88%B4=bar",
       {},
       "",
       "",
       "host;x-amz-date",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-vanilla-query-unreserved",
       "GET",
       "https://example.amazonaws.com/"
       "?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "",
       "",
       "host;x-amz-date",
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-unreserved",
       "GET",
       "https://example.amazonaws.com/"
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       "",
       "",
       "host;x-amz-date",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      // The suite's request line carries the raw UTF-8 path; the canonical URI encodes it once.
      {"get-utf8",
       "GET",
       "https://example.amazonaws.com/\xE1\x88\xB4",
       {},
       "",
       "",
       "host;x-amz-date",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-relative-normalized",
       "GET",
       "https://example.amazonaws.com/example/..",
       {},
       "",
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-relative-relative-normalized",
       "GET",
       "https://example.amazonaws.com/example1/example2/../..",
       {},
       "",
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-dot-slash-normalized",
       "GET",
       "https://example.amazonaws.com/./",
       {},
       "",
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-pointless-dot-normalized",
       "GET",
       "https://example.amazonaws.com/./example",
       {},
       "",
       "",
       "host;x-amz-date",
       "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
      {"get-slashes-normalized",
       "GET",
       "https://example.amazonaws.com//example//",
       {},
       "",
       "",
       "host;x-amz-date",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-header-key-duplicate",
       "GET",
       "https://example.amazonaws.com/",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       "",
       "",
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order",
       "GET",
       "https://example.amazonaws.com/",
       {{"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "",
       "",
       "host;my-header1;x-amz-date",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-trim",
       "GET",
       "https://example.amazonaws.com/",
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "",
       "",
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"post-vanilla",
       "POST",
       "https://example.amazonaws.com/",
       {},
       "",
       "",
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-header-key-sort",
       "POST",
       "https://example.amazonaws.com/",
       {{"My-Header1", "value1"}},
       "",
       "",
       "host;my-header1;x-amz-date",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-header-value-case",
       "POST",
       "https://example.amazonaws.com/",
       {{"My-Header1", "VALUE1"}},
       "",
       "",
       "host;my-header1;x-amz-date",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-vanilla-query",
       "POST",
       "https://example.amazonaws.com/?Param1=value1",
       {},
       "",
       "",
       "host;x-amz-date",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-vanilla-query-nonunreserved",
       "POST",
       "https://example.amazonaws.com/"
       "?%40%23%24%25%5E=&%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D",
       {},
       "",
       "",
       "host;x-amz-date",
       "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"},
      {"post-x-www-form-urlencoded",
       "POST",
       "https://example.amazonaws.com/",
       {{"Content-Type", "application/x-www-form-urlencoded"}},
       "Param1=value1",
       "",
       "content-type;host;x-amz-date",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
      {"post-x-www-form-urlencoded-parameters",
       "POST",
       "https://example.amazonaws.com/",
       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}},
       "Param1=value1",
       "",
       "content-type;host;x-amz-date",
       "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"},
      {"post-sts-header-before",
       "POST",
       "https://example.amazonaws.com/",
       {},
       "",
       "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmx"
       "fpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0K"
       "PkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZb"
       "qBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==",
       "host;x-amz-date;x-amz-security-token",
       "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
      {"get-vanilla-with-session-token",
       "GET",
       "https://example.amazonaws.com/",
       {},
       "",
       "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
       "host;x-amz-date;x-amz-security-token",
       "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"},
  };
  return kCases;
}

class SigV4SuiteTest : public ::testing::TestWithParam<SuiteCase> {};

// Validates that Sign produces the Authorization header the AWS SigV4 test suite publishes for
// each request (header canonicalisation, query ordering, path normalisation, session tokens).
TEST_P(SigV4SuiteTest, Sign_SuiteRequest_MatchesPublishedAuthorization) {
  const SuiteCase& c = GetParam();
  SigV4Signer signer({.region = "us-east-1", .service = "service"}, [] { return SuiteTime(); });
  HttpRequest request{.method = c.method, .url = c.url, .headers = c.headers, .body = c.body};

  ASSERT_TRUE(
      signer.Sign(request, MakeCredentials(kSuiteAccessKey, kSuiteSecret, c.session_token)).ok());

  EXPECT_EQ(HeaderValue(request, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=" +
                c.signed_headers + ", Signature=" + c.signature);
  EXPECT_EQ(HeaderValue(request, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(HeaderValue(request, "X-Amz-Security-Token"),
            c.session_token.empty() ? "<absent>" : c.session_token);
}

INSTANTIATE_TEST_SUITE_P(AwsSigV4TestSuite, SigV4SuiteTest, ::testing::ValuesIn(SuiteCases()),
                         [](const auto& case_info) {
                           std::string name = case_info.param.name;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

// Validates the intermediate steps of get-vanilla: the canonical request and the string to sign
// the suite publishes, and the signature computed from them.
TEST(SigV4Test, Steps_GetVanilla_MatchPublishedCanonicalRequestAndStringToSign) {
  const CanonicalHeaders headers =
      CanonicalizeHeaders({{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}});
  const std::string canonical_request = CanonicalRequest(
      "GET", CanonicalUri("/", false), CanonicalQuery(""), headers, kEmptyPayloadSha256);
  EXPECT_EQ(canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  const std::string string_to_sign =
      StringToSign("20150830T123600Z", kSuiteScope, canonical_request);
  EXPECT_EQ(string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");

  const std::string key = DeriveSigningKey(kSuiteSecret, "20150830", "us-east-1", "service");
  EXPECT_EQ(base::HexEncode(base::HmacSha256(key, string_to_sign)),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

// Validates the signing key against the SigV4 documentation's "derive a signing key" example.
TEST(SigV4Test, DeriveSigningKey_DocumentedIamExample_MatchesPublishedKey) {
  EXPECT_EQ(base::HexEncode(DeriveSigningKey(kSuiteSecret, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

// Validates the SigV4 documentation's complete IAM example (GET ListUsers with a form content
// type): the canonical request digest and the signature.
TEST(SigV4Test, Sign_DocumentedIamListUsers_MatchesPublishedSignature) {
  SigV4Signer signer({.region = "us-east-1", .service = "iam"}, [] { return SuiteTime(); });
  HttpRequest request{
      .method = "GET",
      .url = "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
      .headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}};
  ASSERT_TRUE(signer.Sign(request, MakeCredentials(kSuiteAccessKey, kSuiteSecret)).ok());
  EXPECT_THAT(HeaderValue(request, "Authorization"),
              ::testing::EndsWith("SignedHeaders=content-type;host;x-amz-date, "
                                  "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e0"
                                  "6b5924a6f2b5d7"));

  const std::string canonical_request = CanonicalRequest(
      "GET", "/", CanonicalQuery("Action=ListUsers&Version=2010-05-08"),
      CanonicalizeHeaders({{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                           {"Host", "iam.amazonaws.com"},
                           {"X-Amz-Date", "20150830T123600Z"}}),
      kEmptyPayloadSha256);
  EXPECT_EQ(base::Sha256Hex(canonical_request),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
}

struct PathCase {
  std::string name;
  std::string wire_path;
  bool s3;
  std::string canonical_uri;
  std::string signature;  // of a GET with only host and x-amz-date, suite credentials
};

class SigV4PathTest : public ::testing::TestWithParam<PathCase> {};

// Validates the canonical URI rules of the suite's normalize-path cases: other services collapse
// dot and empty segments, S3 ("unnormalized" in the suite) signs the path as sent, and both encode
// a raw space once. The signature is the suite's published one for that path.
TEST_P(SigV4PathTest, CanonicalUri_SuitePath_MatchesPublishedSignature) {
  const PathCase& c = GetParam();
  const std::string uri = CanonicalUri(c.wire_path, c.s3);
  EXPECT_EQ(uri, c.canonical_uri);

  const std::string canonical_request = CanonicalRequest(
      "GET", uri, "",
      CanonicalizeHeaders({{"host", "example.amazonaws.com"}, {"x-amz-date", "20150830T123600Z"}}),
      kEmptyPayloadSha256);
  const std::string key = DeriveSigningKey(kSuiteSecret, "20150830", "us-east-1", "service");
  EXPECT_EQ(base::HexEncode(base::HmacSha256(
                key, StringToSign("20150830T123600Z", kSuiteScope, canonical_request))),
            c.signature);
}

INSTANTIATE_TEST_SUITE_P(
    NormalizePathCases, SigV4PathTest,
    ::testing::Values(PathCase{"space_normalized", "/example space/", false, "/example%20space/",
                               "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
                      PathCase{"space_unnormalized", "/example space/", true, "/example%20space/",
                               "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
                      PathCase{"slashes_unnormalized", "//example//", true, "//example//",
                               "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5"},
                      PathCase{"slash_dot_slash_unnormalized", "/./", true, "/./",
                               "68714168e6557f8f2de0ef956fc24dc2593a4bd2961f8df51898d8a134695145"},
                      PathCase{"slashes_normalized", "//example//", false, "/example/",
                               "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
                      PathCase{"relative_normalized", "/example/..", false, "/",
                               "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"}),
    [](const auto& case_info) { return case_info.param.name; });

// Validates the S3 API reference "GET Object" example: a ranged GET signed with the empty payload
// hash in x-amz-content-sha256.
TEST(SigV4S3Test, Sign_S3GetObjectExample_MatchesPublishedSignature) {
  SigV4Signer signer({.region = "us-east-1", .service = "s3", .s3 = true},
                     [] { return S3ExampleTime(); });
  HttpRequest request{.method = "GET",
                      .url = "https://examplebucket.s3.amazonaws.com/test.txt",
                      .headers = {{"Range", "bytes=0-9"}}};
  ASSERT_TRUE(signer.Sign(request, MakeCredentials(kS3AccessKey, kS3Secret)).ok());
  EXPECT_EQ(HeaderValue(request, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(HeaderValue(request, "x-amz-content-sha256"), kEmptyPayloadSha256);
}

// Validates the S3 API reference "PUT Object" example: the '$' in the key is encoded once in the
// canonical URI, the body's SHA-256 is signed, and the Date and storage-class headers are signed.
TEST(SigV4S3Test, Sign_S3PutObjectExample_MatchesPublishedCanonicalRequestAndSignature) {
  SigV4Signer signer({.region = "us-east-1", .service = "s3", .s3 = true},
                     [] { return S3ExampleTime(); });
  HttpRequest request{.method = "PUT",
                      .url = "https://examplebucket.s3.amazonaws.com/test$file.text",
                      .headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                                  {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                      .body = "Welcome to Amazon S3."};
  ASSERT_TRUE(signer.Sign(request, MakeCredentials(kS3AccessKey, kS3Secret)).ok());
  EXPECT_EQ(HeaderValue(request, "x-amz-content-sha256"),
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(HeaderValue(request, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");

  const std::string canonical_request = CanonicalRequest(
      "PUT", CanonicalUri("/test$file.text", true), "",
      CanonicalizeHeaders({{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                           {"Host", "examplebucket.s3.amazonaws.com"},
                           {"x-amz-content-sha256",
                            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
                           {"x-amz-date", "20130524T000000Z"},
                           {"x-amz-storage-class", "REDUCED_REDUNDANCY"}}),
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(
      canonical_request,
      "PUT\n/test%24file.text\n\n"
      "date:Fri, 24 May 2013 00:00:00 GMT\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
      "x-amz-date:20130524T000000Z\n"
      "x-amz-storage-class:REDUCED_REDUNDANCY\n\n"
      "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(base::Sha256Hex(canonical_request),
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
}

// Validates the S3 API reference bucket examples, whose signatures depend on query
// canonicalisation: "GET Bucket Lifecycle" (a parameter without a value) and "GET Bucket (List
// Objects)" (two parameters).
TEST(SigV4S3Test, Sign_S3BucketQueryExamples_MatchPublishedSignatures) {
  SigV4Signer signer({.region = "us-east-1", .service = "s3", .s3 = true},
                     [] { return S3ExampleTime(); });
  struct Case {
    std::string url;
    std::string signature;
  };
  for (const Case& c :
       std::vector<Case>{{"https://examplebucket.s3.amazonaws.com/?lifecycle",
                          "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
                         {"https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
                          "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"}}) {
    HttpRequest request{.method = "GET", .url = c.url};
    ASSERT_TRUE(signer.Sign(request, MakeCredentials(kS3AccessKey, kS3Secret)).ok());
    EXPECT_EQ(HeaderValue(request, "Authorization"),
              "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
              "aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" +
                  c.signature)
        << c.url;
  }
}

// Validates that UNSIGNED-PAYLOAD replaces the body digest both in the header and in the
// signature, so that two different bodies sign identically.
TEST(SigV4S3Test, Sign_UnsignedPayload_SignsTheLiteralInsteadOfTheBody) {
  SigV4Signer signer({.region = "us-east-1", .service = "s3", .s3 = true, .unsigned_payload = true},
                     [] { return S3ExampleTime(); });
  HttpRequest first{.method = "PUT", .url = "https://b.s3.amazonaws.com/k", .body = "one"};
  HttpRequest second{.method = "PUT", .url = "https://b.s3.amazonaws.com/k", .body = "two"};
  ASSERT_TRUE(signer.Sign(first, MakeCredentials(kS3AccessKey, kS3Secret)).ok());
  ASSERT_TRUE(signer.Sign(second, MakeCredentials(kS3AccessKey, kS3Secret)).ok());
  EXPECT_EQ(HeaderValue(first, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(HeaderValue(first, "Authorization"), HeaderValue(second, "Authorization"));
}

// Validates that S3 signs an escaped and an unescaped path alike (encoded once), while other
// services encode the wire path a second time.
TEST(SigV4Test, CanonicalUri_EscapedPath_S3EncodesOnceOthersTwice) {
  EXPECT_EQ(CanonicalUri("/my%20key/a+b", true), "/my%20key/a%2Bb");
  EXPECT_EQ(CanonicalUri("/my key/a+b", true), "/my%20key/a%2Bb");
  EXPECT_EQ(CanonicalUri("/my%20key", false), "/my%2520key");
  EXPECT_EQ(CanonicalUri("", false), "/");
  EXPECT_EQ(CanonicalUri("", true), "/");
  EXPECT_EQ(CanonicalUri("/a/b/../c/./d/", false), "/a/c/d/");
}

// Validates that re-signing replaces the previous date, token and Authorization instead of
// sending two of each, and that the signing time comes from the injected clock.
TEST(SigV4Test, Sign_Twice_ReplacesEarlierSigningHeaders) {
  auto now = SuiteTime();
  SigV4Signer signer({.region = "us-east-1", .service = "service"}, [&] { return now; });
  HttpRequest request{.method = "GET", .url = "https://example.amazonaws.com/"};
  ASSERT_TRUE(signer.Sign(request, MakeCredentials(kSuiteAccessKey, kSuiteSecret, "t1")).ok());
  now += 1h;
  ASSERT_TRUE(signer.Sign(request, MakeCredentials(kSuiteAccessKey, kSuiteSecret, "t2")).ok());

  int authorizations = 0;
  for (const auto& header : request.headers) authorizations += header.name == "Authorization";
  EXPECT_EQ(authorizations, 1);
  EXPECT_EQ(HeaderValue(request, "X-Amz-Date"), "20150830T133600Z");
  EXPECT_EQ(HeaderValue(request, "X-Amz-Security-Token"), "t2");
}

// Validates that a non-default port is part of the signed host (what libcurl sends as Host), as
// with the emulator at http://127.0.0.1:<port>.
TEST(SigV4Test, Sign_NonDefaultPort_SignsHostWithPort) {
  SigV4Signer signer({.region = "us-east-1", .service = "service"}, [] { return SuiteTime(); });
  HttpRequest with_port{.method = "GET", .url = "http://127.0.0.1:5000/"};
  HttpRequest explicit_host{
      .method = "GET", .url = "http://127.0.0.1:5000/", .headers = {{"Host", "127.0.0.1:5000"}}};
  ASSERT_TRUE(signer.Sign(with_port, MakeCredentials(kSuiteAccessKey, kSuiteSecret)).ok());
  ASSERT_TRUE(signer.Sign(explicit_host, MakeCredentials(kSuiteAccessKey, kSuiteSecret)).ok());
  EXPECT_EQ(HeaderValue(with_port, "Authorization"), HeaderValue(explicit_host, "Authorization"));

  HttpRequest default_port{.method = "GET", .url = "https://example.amazonaws.com:443/"};
  ASSERT_TRUE(signer.Sign(default_port, MakeCredentials(kSuiteAccessKey, kSuiteSecret)).ok());
  EXPECT_THAT(HeaderValue(default_port, "Authorization"),
              ::testing::EndsWith(
                  "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
}

// Validates that headers proxies rewrite are left out of the signature.
TEST(SigV4Test, Sign_UserAgentAndExpect_AreNotSigned) {
  SigV4Signer signer({.region = "us-east-1", .service = "service"}, [] { return SuiteTime(); });
  HttpRequest request{.method = "GET",
                      .url = "https://example.amazonaws.com/",
                      .headers = {{"User-Agent", "x"}, {"Expect", "100-continue"}}};
  ASSERT_TRUE(signer.Sign(request, MakeCredentials(kSuiteAccessKey, kSuiteSecret)).ok());
  EXPECT_THAT(HeaderValue(request, "Authorization"),
              ::testing::EndsWith(
                  "SignedHeaders=host;x-amz-date, "
                  "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
}

// Validates that signing without a secret fails with a configuration error that names the
// source and carries no key material.
TEST(SigV4Test, Sign_MissingSecret_IsConfigurationError) {
  SigV4Signer signer({.region = "us-east-1", .service = "s3", .s3 = true});
  HttpRequest request{.method = "GET", .url = "https://b.s3.amazonaws.com/k"};
  Credentials credentials = MakeCredentials("AKIDEXAMPLE", "");
  credentials.source = "environment";
  const Status status = signer.Sign(request, credentials);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConfiguration);
  EXPECT_THAT(status.error().message, ::testing::HasSubstr("environment"));
}

// Validates the X-Amz-Date format across a date boundary and for the epoch.
TEST(SigV4Test, FormatAmzDate_UtcInstants_AreCompactIso8601) {
  EXPECT_EQ(FormatAmzDate(SuiteTime()), "20150830T123600Z");
  EXPECT_EQ(FormatAmzDate(std::chrono::system_clock::time_point{}), "19700101T000000Z");
  EXPECT_EQ(FormatAmzDate(sys_days{std::chrono::year{2024} / 2 / 29} + 23h + 59min + 59s),
            "20240229T235959Z");
}

}  // namespace
}  // namespace awio::aws
