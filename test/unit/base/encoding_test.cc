// Tests of the byte encodings and digests in src/base/encoding.h, against RFC 4648 §10 and
// RFC 4231 test vectors and the FIPS 180-2 SHA-256 example.
#include "base/encoding.h"

#include <gtest/gtest.h>

namespace awio::base {
namespace {

// Validates the RFC 4648 §10 vectors in both directions.
TEST(Encoding, Base64_Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded).value_or("?"), plain) << encoded;
  }
}

// Validates that line breaks are ignored (Go's decoder does) but other junk is refused.
TEST(Encoding, Base64_LineBreaksIgnoredJunkRejected) {
  EXPECT_EQ(Base64Decode("YWJj\nZGVm\r\n").value_or("?"), "abcdef");
  EXPECT_FALSE(Base64Decode("not base64!").has_value());
  EXPECT_FALSE(Base64Decode("YWJ").has_value());
  EXPECT_FALSE(Base64Decode("YW=j").has_value());
  EXPECT_FALSE(Base64Decode("YW Jj").has_value());
}

// Validates base64url: '-' and '_' instead of '+' and '/', no padding written, padding optional
// when read, and the standard alphabet's symbols refused.
TEST(Encoding, Base64Url_AlphabetAndPadding) {
  const std::string bytes = "\xfb\xff\xbf";
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlDecode("Zg").value_or("?"), "f");
  EXPECT_EQ(Base64UrlDecode("Zg==").value_or("?"), "f");
  EXPECT_EQ(Base64UrlDecode("-_-_").value_or("?"), bytes);
  EXPECT_FALSE(Base64UrlDecode("+/+/").has_value());
}

// Validates hex and SHA-256 against the FIPS 180-2 "abc" example and the empty input.
TEST(Encoding, Sha256_KnownDigests) {
  EXPECT_EQ(HexEncode(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256("abc").size(), 32u);
}

// Validates HMAC-SHA256 against RFC 4231 test cases 1 and 2.
TEST(Encoding, HmacSha256_Rfc4231Vectors) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace awio::base
