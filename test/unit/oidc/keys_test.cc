// Tests of the signing keys and PEM handling in src/oidc/keys.h and src/oidc/pem.h against
// config-controller spec §5 and the key vector of §15.6.
#include "oidc/keys.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/encoding.h"
#include "oidc/pem.h"
#include "spec_vectors.h"

namespace awio::oidc {
namespace {

using test_vectors::kSpecKeyId;
using test_vectors::kSpecPublicKey;

constexpr char kSource[] = "Secret wlc-a/awi-signing-key-default key sa.pub";

// An EC P-256 public key in SPKI PEM: well-formed, but not RSA.
std::string EcPublicKeyPem() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  std::string out = EncodePem("PUBLIC KEY", std::string(reinterpret_cast<char*>(der), length));
  OPENSSL_free(der);
  EVP_PKEY_free(key);
  return out;
}

// Validates the §15.6 key vector: SHA-256 of the SPKI DER and the derived kid (§5.2).
TEST(KeyId, SpecPublicKey_DerivesSpecKid) {
  auto key = ParsePublicKeyPem(kSpecPublicKey, kSource);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(base::Sha256Hex(key->spki_der),
            "266cd477c46c92324c6d15776b671ba941638fce29451a881d0bebbc999131a4");
  EXPECT_EQ(KeyIdFromSpkiDer(key->spki_der), kSpecKeyId);
  EXPECT_EQ(KeyIdFromPublicKeyPem(kSpecPublicKey, kSource).value(), kSpecKeyId);
  EXPECT_EQ(key->exponent, std::string("\x01\x00\x01", 3));
  EXPECT_EQ(key->modulus.size(), 256u);
  EXPECT_NE(key->modulus.front(), '\0');
}

// Validates §5.2 step 1: bytes before the first BEGIN line are skipped, the type label is not
// checked, and only the first block counts.
TEST(KeyId, PemFraming_FollowsGoDecoder) {
  const std::string body = std::string(kSpecPublicKey).substr(27);  // after the BEGIN line
  const std::string relabelled = "-----BEGIN RSA PUBLIC KEY-----\n" +
                                 body.substr(0, body.find("-----END")) +
                                 "-----END RSA PUBLIC KEY-----\n";
  const std::string cases[] = {
      std::string("leading text\nmore\n") + kSpecPublicKey,
      relabelled,
      std::string(kSpecPublicKey) + EcPublicKeyPem(),  // the second block is ignored
      std::string(kSpecPublicKey).insert(27, "Proc-Type: 4,ENCRYPTED\n"),  // headers skipped
      // A broken block first: Go moves on to the next one.
      std::string("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n") + kSpecPublicKey,
  };
  for (const std::string& pem : cases) {
    auto kid = KeyIdFromPublicKeyPem(pem, kSource);
    ASSERT_TRUE(kid.ok()) << pem << kid.error().message;
    EXPECT_EQ(*kid, kSpecKeyId) << pem;
  }
}

// Validates that unusable public keys are errors that name the source and quote no key bytes:
// no PEM at all, a block that is not SPKI, trailing bytes after the SPKI, a non-RSA key, an
// END line that names another type, and text after the END marker on its line.
TEST(ParsePublicKeyPem, BadInput_ErrorNamesSource) {
  auto key = ParsePublicKeyPem(kSpecPublicKey, kSource).value();
  struct Case {
    std::string name;
    std::string pem;
    std::string reason;
  };
  const Case cases[] = {
      {"empty", "", "no PEM block found"},
      {"not pem", "ssh-rsa AAAAB3NzaC1yc2E", "no PEM block found"},
      {"not spki", EncodePem("PUBLIC KEY", "\x30\x03\x02\x01\x05"),
       "not a DER SubjectPublicKeyInfo"},
      {"trailing der", EncodePem("PUBLIC KEY", key.spki_der + std::string("\x00", 1)),
       "trailing data"},
      {"ec key", EcPublicKeyPem(), "not an RSA key"},
      {"end mismatch",
       std::string(kSpecPublicKey)
           .replace(std::string(kSpecPublicKey).find("END PUBLIC"), 10, "END PRIVATE"),
       "no PEM block found"},
      {"text after end", std::string(kSpecPublicKey).insert(sizeof kSpecPublicKey - 2, " x"),
       "no PEM block found"},
  };
  for (const Case& c : cases) {
    auto result = ParsePublicKeyPem(c.pem, kSource);
    ASSERT_FALSE(result.ok()) << c.name;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalid) << c.name;
    EXPECT_EQ(result.error().message.rfind(std::string("parse ") + kSource + ": ", 0), 0u)
        << c.name << ": " << result.error().message;
    EXPECT_NE(result.error().message.find(c.reason), std::string::npos)
        << c.name << ": " << result.error().message;
    EXPECT_EQ(result.error().message.find("MIIB"), std::string::npos) << c.name;
  }
}

// Validates generation (§5.1 step 3): RSA-2048, exponent 65537, PKCS#1 private and SPKI public
// PEM with 64-character lines and a final newline, and a kid that is base64url of 32 bytes and
// equal to the one derived from the public PEM (§15.7).
TEST(GenerateSigningKey, ProducesPkcs1SpkiAndMatchingKid) {
  auto key = GenerateSigningKey();
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->private_key_pem.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0), 0u);
  EXPECT_EQ(key->public_key_pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  for (const std::string* pem : {&key->private_key_pem, &key->public_key_pem}) {
    EXPECT_EQ(pem->back(), '\n');
    std::size_t start = 0;
    while (start < pem->size()) {
      const std::size_t end = pem->find('\n', start);
      ASSERT_NE(end, std::string::npos);
      EXPECT_LE(end - start, kPemLineLength);
      start = end + 1;
    }
  }
  EXPECT_EQ(key->key_id.size(), 43u);
  EXPECT_EQ(base::Base64UrlDecode(key->key_id).value_or("").size(), 32u);
  EXPECT_EQ(KeyIdFromPublicKeyPem(key->public_key_pem, kSource).value(), key->key_id);

  auto parsed = ParsePublicKeyPem(key->public_key_pem, kSource).value();
  EXPECT_EQ(parsed.modulus.size() * 8, static_cast<std::size_t>(kSigningKeyBits));
  EXPECT_EQ(parsed.exponent, std::string("\x01\x00\x01", 3));

  auto second = GenerateSigningKey();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->key_id, key->key_id);
}

// Validates PKCS#1 <-> PKCS#8 round trips: each encoding parses back to the same key, the
// public half matches the generated public key, and re-encoding is stable.
TEST(ParsePrivateKeyPem, Pkcs1AndPkcs8RoundTrip) {
  auto generated = GenerateSigningKey().value();
  auto from_pkcs1 = ParsePrivateKeyPem(generated.private_key_pem, "sa.key");
  ASSERT_TRUE(from_pkcs1.ok()) << from_pkcs1.error().message;
  EXPECT_EQ(from_pkcs1->format, PrivateKeyFormat::kPkcs1);
  EXPECT_EQ(from_pkcs1->pkcs1_pem, generated.private_key_pem);
  EXPECT_EQ(from_pkcs1->public_key_pem, generated.public_key_pem);
  EXPECT_EQ(from_pkcs1->pkcs8_pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);

  auto from_pkcs8 = ParsePrivateKeyPem(from_pkcs1->pkcs8_pem, "sa.key");
  ASSERT_TRUE(from_pkcs8.ok()) << from_pkcs8.error().message;
  EXPECT_EQ(from_pkcs8->format, PrivateKeyFormat::kPkcs8);
  EXPECT_EQ(from_pkcs8->pkcs1_pem, generated.private_key_pem);
  EXPECT_EQ(from_pkcs8->pkcs8_pem, from_pkcs1->pkcs8_pem);
  EXPECT_EQ(from_pkcs8->public_key_pem, generated.public_key_pem);
}

// Validates that unusable private keys are errors naming the source without key bytes: no
// block, an unsupported block type, corrupt PKCS#1 and PKCS#8 DER, a non-RSA PKCS#8 key.
TEST(ParsePrivateKeyPem, BadInput_ErrorNamesSource) {
  EVP_PKEY* ec = EVP_EC_gen("P-256");
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(ec);
  unsigned char* der = nullptr;
  const int length = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  const std::string ec_pkcs8 =
      EncodePem("PRIVATE KEY", std::string(reinterpret_cast<char*>(der), length));
  OPENSSL_free(der);
  PKCS8_PRIV_KEY_INFO_free(info);
  EVP_PKEY_free(ec);

  struct Case {
    std::string pem;
    std::string reason;
  };
  const Case cases[] = {
      {"", "no PEM block found"},
      {EncodePem("EC PRIVATE KEY", "x"), "is not \"RSA PRIVATE KEY\" or \"PRIVATE KEY\""},
      {EncodePem("RSA PRIVATE KEY", "\x30\x00"), "not a DER PKCS#1 RSA private key"},
      {EncodePem("PRIVATE KEY", "\x30\x00"), "not a DER PKCS#8 private key"},
      {ec_pkcs8, "not an RSA key"},
  };
  for (const Case& c : cases) {
    auto result = ParsePrivateKeyPem(c.pem, "Secret ns/name key sa.key");
    ASSERT_FALSE(result.ok()) << c.reason;
    EXPECT_EQ(result.error().message.rfind("parse Secret ns/name key sa.key: ", 0), 0u)
        << result.error().message;
    EXPECT_NE(result.error().message.find(c.reason), std::string::npos) << result.error().message;
  }
}

// Validates the PEM writer and reader against each other for payloads around the line length.
TEST(Pem, EncodeDecodeRoundTrip) {
  for (std::size_t size : {0u, 1u, 47u, 48u, 49u, 96u, 1000u}) {
    std::string payload;
    for (std::size_t i = 0; i < size; ++i) payload += static_cast<char>(i * 7);
    const std::string pem = EncodePem("TEST BLOCK", payload);
    auto block = DecodeFirstPemBlock(pem);
    ASSERT_TRUE(block.has_value()) << size;
    EXPECT_EQ(block->type, "TEST BLOCK");
    EXPECT_EQ(block->bytes, payload) << size;
  }
  EXPECT_EQ(
      EncodePem("X", std::string(48, 'a')),
      "-----BEGIN X-----\n" + base::Base64Encode(std::string(48, 'a')) + "\n-----END X-----\n");
  EXPECT_FALSE(DecodeFirstPemBlock("-----BEGIN X-----\nYWJj\n").has_value());  // no END
}

}  // namespace
}  // namespace awio::oidc
