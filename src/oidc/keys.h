// The service-account signing key of a self-hosted issuer (config-controller spec §5): RSA-2048
// key generation, PKCS#1 and PKCS#8 private-key PEM, SubjectPublicKeyInfo public-key PEM, the
// RSA components a JWK publishes, and the key id (kid) that ties a token's header to its JWKS
// entry. The key id is base64url(SHA-256(SPKI DER as found in the first PEM block)), exactly as
// the original operator derives it, so an adopted Secret keeps its published kid. Errors name
// where the bad PEM came from (the `source` argument, e.g. "Secret wlc-a/awi-signing-key-default
// key sa.pub") and never quote key material. OpenSSL does the cryptography.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace awio::oidc {

// RSA-2048 with exponent 65537: what kube-apiserver signs RS256 tokens with by default and what
// IAM and STS accept for OIDC identity providers.
inline constexpr int kSigningKeyBits = 2048;
inline constexpr unsigned kSigningKeyPublicExponent = 65537;

// PEM block types.
inline constexpr std::string_view kPkcs1PrivateKeyPemType = "RSA PRIVATE KEY";
inline constexpr std::string_view kPkcs8PrivateKeyPemType = "PRIVATE KEY";
inline constexpr std::string_view kPublicKeyPemType = "PUBLIC KEY";

// A new signing key: the two PEM texts the Secret stores and the key id of its public half.
struct GeneratedSigningKey {
  std::string private_key_pem;  // PKCS#1 ("RSA PRIVATE KEY"), as the original writes sa.key
  std::string public_key_pem;   // SubjectPublicKeyInfo ("PUBLIC KEY"), sa.pub
  std::string key_id;
};

// Generates an RSA-2048 key with exponent 65537. Fails (kInternal) only when OpenSSL does.
Result<GeneratedSigningKey> GenerateSigningKey();

// An RSA public key as published: the SPKI DER it was read from and the unsigned big-endian
// modulus and exponent without leading zero bytes.
struct RsaPublicKey {
  std::string spki_der;
  std::string modulus;
  std::string exponent;
};

// Reads the first PEM block of `pem` (see DecodeFirstPemBlock; its type label is not checked)
// as a DER SubjectPublicKeyInfo holding an RSA key. Errors (kInvalid) say which of those failed
// and name `source`.
Result<RsaPublicKey> ParsePublicKeyPem(std::string_view pem, std::string_view source);

// base64url without padding of SHA-256(`spki_der`): always 43 characters of [A-Za-z0-9_-].
std::string KeyIdFromSpkiDer(std::string_view spki_der);

// The key id of the public key in `pem` (ParsePublicKeyPem, then KeyIdFromSpkiDer).
Result<std::string> KeyIdFromPublicKeyPem(std::string_view pem, std::string_view source);

// How a private key PEM was written.
enum class PrivateKeyFormat {
  kPkcs1,  // "RSA PRIVATE KEY" (what the operator generates)
  kPkcs8,  // "PRIVATE KEY" (what `openssl genrsa` writes in OpenSSL 3, and kubeadm guides)
};

// An RSA private key read from PEM, in both encodings and with its public half.
struct RsaPrivateKey {
  PrivateKeyFormat format = PrivateKeyFormat::kPkcs1;  // the encoding it was read from
  std::string pkcs1_pem;
  std::string pkcs8_pem;
  std::string public_key_pem;  // SubjectPublicKeyInfo
};

// Reads the first PEM block of `pem` as an RSA private key: PKCS#1 for "RSA PRIVATE KEY",
// PKCS#8 for "PRIVATE KEY"; any other block type, undecodable DER or a non-RSA key is an error
// (kInvalid) naming `source`. The operator never needs this for sa.key (it is handed to
// kube-apiserver unread); it serves tools and tests that must convert or check a key.
Result<RsaPrivateKey> ParsePrivateKeyPem(std::string_view pem, std::string_view source);

}  // namespace awio::oidc
