// RSA signing keys through OpenSSL 3's EVP interface (no deprecated RSA_* calls).
#include "oidc/keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

#include "base/encoding.h"
#include "oidc/pem.h"

namespace awio::oidc {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BignumFree {
  void operator()(BIGNUM* number) const { BN_free(number); }
};
struct Pkcs8Free {
  void operator()(PKCS8_PRIV_KEY_INFO* info) const { PKCS8_PRIV_KEY_INFO_free(info); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bignum = std::unique_ptr<BIGNUM, BignumFree>;
using Pkcs8 = std::unique_ptr<PKCS8_PRIV_KEY_INFO, Pkcs8Free>;

Error Invalid(std::string_view source, std::string_view what) {
  return MakeError(ErrorCode::kInvalid, "parse " + std::string(source) + ": " + std::string(what));
}

const unsigned char* Bytes(std::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

// The DER that an OpenSSL i2d_* function writes for `object`, or "" when it fails.
template <typename T, typename Encoder>
std::string Der(T* object, Encoder encode) {
  unsigned char* buffer = nullptr;
  const int length = encode(object, &buffer);
  if (length <= 0 || buffer == nullptr) return {};
  std::string der(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
  OPENSSL_free(buffer);
  return der;
}

std::string SpkiDer(EVP_PKEY* key) { return Der(key, i2d_PUBKEY); }

// PKCS#1 RSAPrivateKey: i2d_PrivateKey writes the key type's own ("traditional") format.
std::string Pkcs1Der(EVP_PKEY* key) { return Der(key, i2d_PrivateKey); }

std::string Pkcs8Der(EVP_PKEY* key) {
  Pkcs8 info(EVP_PKEY2PKCS8(key));
  if (!info) return {};
  return Der(info.get(), i2d_PKCS8_PRIV_KEY_INFO);
}

// Unsigned big-endian bytes of an RSA parameter, without leading zeros.
std::string BigEndian(const EVP_PKEY* key, const char* parameter) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, parameter, &raw) != 1) return {};
  Bignum number(raw);
  std::string out(static_cast<std::size_t>(BN_num_bytes(number.get())), '\0');
  BN_bn2bin(number.get(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool IsRsa(const EVP_PKEY* key) { return EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA; }

}  // namespace

Result<GeneratedSigningKey> GenerateSigningKey() {
  // EVP_RSA_gen uses the public exponent 65537.
  Pkey key(EVP_RSA_gen(static_cast<unsigned>(kSigningKeyBits)));
  if (!key) return MakeError(ErrorCode::kInternal, "generate RSA signing key: OpenSSL failed");
  const std::string private_der = Pkcs1Der(key.get());
  const std::string public_der = SpkiDer(key.get());
  if (private_der.empty() || public_der.empty()) {
    return MakeError(ErrorCode::kInternal, "encode RSA signing key: OpenSSL failed");
  }
  return GeneratedSigningKey{.private_key_pem = EncodePem(kPkcs1PrivateKeyPemType, private_der),
                             .public_key_pem = EncodePem(kPublicKeyPemType, public_der),
                             .key_id = KeyIdFromSpkiDer(public_der)};
}

Result<RsaPublicKey> ParsePublicKeyPem(std::string_view pem, std::string_view source) {
  auto block = DecodeFirstPemBlock(pem);
  if (!block) return Invalid(source, "no PEM block found");
  const unsigned char* cursor = Bytes(block->bytes);
  const unsigned char* const end = cursor + block->bytes.size();
  Pkey key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(block->bytes.size())));
  if (!key) return Invalid(source, "PEM block is not a DER SubjectPublicKeyInfo");
  if (cursor != end) return Invalid(source, "trailing data after the SubjectPublicKeyInfo");
  if (!IsRsa(key.get())) return Invalid(source, "public key is not an RSA key");
  RsaPublicKey out{.spki_der = std::move(block->bytes),
                   .modulus = BigEndian(key.get(), OSSL_PKEY_PARAM_RSA_N),
                   .exponent = BigEndian(key.get(), OSSL_PKEY_PARAM_RSA_E)};
  if (out.modulus.empty() || out.exponent.empty()) {
    return Invalid(source, "RSA public key has no modulus or exponent");
  }
  return out;
}

std::string KeyIdFromSpkiDer(std::string_view spki_der) {
  return base::Base64UrlEncode(base::Sha256(spki_der));
}

Result<std::string> KeyIdFromPublicKeyPem(std::string_view pem, std::string_view source) {
  auto key = ParsePublicKeyPem(pem, source);
  if (!key.ok()) return key.error();
  return KeyIdFromSpkiDer(key->spki_der);
}

Result<RsaPrivateKey> ParsePrivateKeyPem(std::string_view pem, std::string_view source) {
  auto block = DecodeFirstPemBlock(pem);
  if (!block) return Invalid(source, "no PEM block found");
  const unsigned char* cursor = Bytes(block->bytes);
  const long length = static_cast<long>(block->bytes.size());

  RsaPrivateKey out;
  Pkey key;
  if (block->type == kPkcs1PrivateKeyPemType) {
    out.format = PrivateKeyFormat::kPkcs1;
    key.reset(d2i_PrivateKey(EVP_PKEY_RSA, nullptr, &cursor, length));
    if (!key) return Invalid(source, "PEM block is not a DER PKCS#1 RSA private key");
  } else if (block->type == kPkcs8PrivateKeyPemType) {
    out.format = PrivateKeyFormat::kPkcs8;
    Pkcs8 info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, length));
    if (!info) return Invalid(source, "PEM block is not a DER PKCS#8 private key");
    key.reset(EVP_PKCS82PKEY(info.get()));
    if (!key) return Invalid(source, "PKCS#8 private key cannot be decoded");
  } else {
    return Invalid(source, "PEM block type \"" + block->type + "\" is not \"" +
                               std::string(kPkcs1PrivateKeyPemType) + "\" or \"" +
                               std::string(kPkcs8PrivateKeyPemType) + "\"");
  }
  if (!IsRsa(key.get())) return Invalid(source, "private key is not an RSA key");

  const std::string pkcs1 = Pkcs1Der(key.get());
  const std::string pkcs8 = Pkcs8Der(key.get());
  const std::string spki = SpkiDer(key.get());
  if (pkcs1.empty() || pkcs8.empty() || spki.empty()) {
    return MakeError(ErrorCode::kInternal,
                     "encode private key from " + std::string(source) + ": OpenSSL failed");
  }
  out.pkcs1_pem = EncodePem(kPkcs1PrivateKeyPemType, pkcs1);
  out.pkcs8_pem = EncodePem(kPkcs8PrivateKeyPemType, pkcs8);
  out.public_key_pem = EncodePem(kPublicKeyPemType, spki);
  return out;
}

}  // namespace awio::oidc
