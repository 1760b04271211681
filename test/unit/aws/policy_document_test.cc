// Tests of spec.policyDocument canonicalization (src/aws/policy_document.h, role-controller spec
// §6 and §17.3) and of the Go-compatible JSON text it relies on (src/aws/go_json.h).
#include "aws/policy_document.h"

#include <gtest/gtest.h>

#include "aws/go_json.h"

namespace awio::aws {
namespace {

// The §17.3 size vector: a 72-character wrapper around N characters.
std::string SizedDocument(std::size_t n, const std::string& unit = "a") {
  std::string body;
  for (std::size_t i = 0; i < n; ++i) body += unit;
  return R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":")" + body +
         R"("}]})";
}

// Validates the §17.3 compaction vector: white space removed, key order preserved.
TEST(CanonicalizePolicyDocument, IndentedInput_IsCompactedInOrder) {
  const std::string input =
      "{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [\n\t\t{\n\t\t\t\"Effect\": \"Allow\","
      "\n\t\t\t\"Action\": [\"s3:GetObject\"],\r\n\t\t\t\"Resource\": \"*\"\n\t\t}\n\t]\n}\n";
  EXPECT_EQ(
      CanonicalizePolicyDocument(input).value(),
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]})");
}

// Validates §6 step 3: string contents (spaces, escapes) and number spellings are kept exactly.
TEST(CanonicalizePolicyDocument, StringsAndNumbers_AreKeptAsWritten) {
  EXPECT_EQ(CanonicalizePolicyDocument(R"({ "a b" : "x  \" \u003c y" , "n" : 1.50e2 })").value(),
            R"({"a b":"x  \" \u003c y","n":1.50e2})");
}

// Validates the size limit of §6 step 4 at and beyond its bound: 6,144 characters are
// accepted, 6,145 rejected with the original message; the Go test's N=6144 is rejected too.
TEST(CanonicalizePolicyDocument, SizeLimit_AtAndBeyondBound) {
  EXPECT_EQ(SizedDocument(0).size(), 72u);
  auto at_limit = CanonicalizePolicyDocument(SizedDocument(6072));
  ASSERT_TRUE(at_limit.ok()) << at_limit.error().message;
  EXPECT_EQ(at_limit->size(), kMaxPolicyDocumentCharacters);

  for (std::size_t n : {6073u, 6144u}) {
    auto over = CanonicalizePolicyDocument(SizedDocument(n));
    ASSERT_FALSE(over.ok()) << n;
    EXPECT_EQ(over.error().message,
              "policy document exceeds AWS IAM customer-managed policy size limit of 6144 "
              "characters");
    EXPECT_NE(over.error().message.find("6144"), std::string::npos);
  }
}

// Validates that the limit counts code points, not bytes: 6,072 two-byte characters fit
// (12,216 bytes), one more does not.
TEST(CanonicalizePolicyDocument, SizeLimit_CountsCodePoints) {
  const std::string e_acute = "\xC3\xA9";
  EXPECT_TRUE(CanonicalizePolicyDocument(SizedDocument(6072, e_acute)).ok());
  EXPECT_FALSE(CanonicalizePolicyDocument(SizedDocument(6073, e_acute)).ok());
  EXPECT_EQ(CountCodePoints("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), 4u);
  EXPECT_EQ(CountCodePoints("\xFF\xFE"), 2u);  // stray bytes count one each
}

// Validates the error cases of §6 steps 1-2: empty bytes, null and {} are "empty"; invalid JSON
// and non-objects are parse errors.
TEST(CanonicalizePolicyDocument, EmptyAndInvalidInput_AreErrors) {
  struct Case {
    std::string input;
    std::string message_prefix;
  };
  const Case cases[] = {
      {"", "policy document is empty"},      {"null", "policy document is empty"},
      {" { } ", "policy document is empty"}, {"{\"a\":", "parse policy document: "},
      {"[1,2]", "parse policy document: "},  {"\"text\"", "parse policy document: "},
      {"{} {}", "parse policy document: "},  {"   ", "parse policy document: "},
  };
  for (const Case& c : cases) {
    auto result = CanonicalizePolicyDocument(c.input);
    ASSERT_FALSE(result.ok()) << c.input;
    EXPECT_EQ(result.error().message.rfind(c.message_prefix, 0), 0u)
        << c.input << ": " << result.error().message;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
  }
}

// Validates the parsed-object overload (§18 note 3): keys come out in byte order with Go
// escaping, reproducing what the API server sends for the docs example.
TEST(CanonicalizePolicyDocument, ParsedDocument_MatchesApiServerBytes) {
  const auto document = nlohmann::json::parse(R"({
    "Version": "2012-10-17",
    "Statement": [
      {"Effect": "Allow", "Action": ["route53:ChangeResourceRecordSets"],
       "Resource": ["arn:aws:route53:::hostedzone/Z1111111111111"]},
      {"Effect": "Allow", "Action": ["route53:ListHostedZones", "route53:ListResourceRecordSets"],
       "Resource": "*"}]})");
  EXPECT_EQ(
      CanonicalizeParsedPolicyDocument(document).value(),
      R"({"Statement":[{"Action":["route53:ChangeResourceRecordSets"],"Effect":"Allow","Resource":["arn:aws:route53:::hostedzone/Z1111111111111"]},{"Action":["route53:ListHostedZones","route53:ListResourceRecordSets"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"})");
  EXPECT_EQ(CanonicalizeParsedPolicyDocument(nlohmann::json()).error().message,
            "policy document is empty");
  EXPECT_EQ(CanonicalizeParsedPolicyDocument(nlohmann::json::object()).error().message,
            "policy document is empty");
  EXPECT_FALSE(CanonicalizeParsedPolicyDocument(nlohmann::json::array({1})).ok());
  std::string big = "{\"k\":\"" + std::string(6140, 'a') + "\"}";  // 6,148 characters
  EXPECT_FALSE(CanonicalizeParsedPolicyDocument(nlohmann::json::parse(big)).ok());
}

// Validates Go's string escaping: HTML characters, short control escapes (Go 1.22+), other
// control bytes, line and paragraph separators, invalid UTF-8; '/' and DEL unescaped.
TEST(GoJson, StringEscaping_MatchesEncodingJson) {
  struct Case {
    std::string input;
    std::string expected;
  };
  const Case cases[] = {
      {"plain/text", R"("plain/text")"},
      {"<a>&", R"("\u003ca\u003e\u0026")"},
      {"q\"b\\", R"("q\"b\\")"},
      {"\b\f\n\r\t", R"("\b\f\n\r\t")"},
      {std::string("\x00\x01\x1f", 3), R"("\u0000\u0001\u001f")"},
      {"\x7f", "\"\x7f\""},
      {"\xE2\x80\xA8\xE2\x80\xA9", R"("\u2028\u2029")"},
      {"caf\xC3\xA9 \xF0\x9F\x98\x80", "\"caf\xC3\xA9 \xF0\x9F\x98\x80\""},
      {"a\xFF"
       "b",
       R"("a\ufffdb")"},
      {"\xC0\xAF", R"("\ufffd\ufffd")"},            // overlong '/'
      {"\xED\xA0\x80", R"("\ufffd\ufffd\ufffd")"},  // surrogate
      {"\xE2\x82", R"("\ufffd\ufffd")"},            // truncated sequence
  };
  for (const Case& c : cases) EXPECT_EQ(GoJsonString(c.input), c.expected) << c.expected;
}

// Validates Go's number spelling in compact output: integers verbatim, floats with the shortest
// digits, exponent form only below 1e-6 or from 1e21, one-digit negative exponents.
TEST(GoJson, CompactNumbers_MatchFloat64Encoder) {
  struct Case {
    std::string input;
    std::string expected;
  };
  const Case cases[] = {
      {"[1,-2,18446744073709551615]", "[1,-2,18446744073709551615]"},
      {"[1.0,1.5,0.000001,1e-7,123456789.25]", "[1,1.5,0.000001,1e-7,123456789.25]"},
      {"[1e20,1e21,-2.5e-10]", "[100000000000000000000,1e+21,-2.5e-10]"},
      {R"({"b":true,"a":null,"c":[]})", R"({"a":null,"b":true,"c":[]})"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(GoCompactJson(nlohmann::json::parse(c.input)), c.expected) << c.input;
  }
}

}  // namespace
}  // namespace awio::aws
