// The webhook runtime's TLS material (spec config-controller.md §9.6): a self-signed CA and a
// serving certificate for the webhook Service, both RSA-2048 signed with SHA-256, the checks
// that decide whether the stored ones can be kept, and the fingerprint that rolls the webhook
// pods when the serving certificate changes. Pure functions over PEM text and an injected
// clock; OpenSSL 3 does the cryptography. Never logs or returns key material in messages.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace awio::webhookruntime {

using WallTime = std::chrono::system_clock::time_point;

// RSA modulus size of both keys: what the original generates and every TLS peer accepts.
inline constexpr int kRsaKeyBits = 2048;
// Serial sizes: the CA follows client-go's helper (a positive int64), the leaf takes a
// uniformly random 128-bit number as Go's TLS examples do. Neither range is contractual.
inline constexpr int kCASerialBits = 63;
inline constexpr int kServingSerialBits = 128;

// X.509 key usage bits a template may ask for.
enum KeyUsage : unsigned {
  kDigitalSignature = 1U << 0,
  kKeyEncipherment = 1U << 1,
  kCertSign = 1U << 2,
};

enum class ExtendedKeyUsage { kServerAuth, kClientAuth };

// What a new certificate says. Issue() turns it into a signed certificate and a fresh key.
struct CertificateTemplate {
  std::string common_name;
  std::vector<std::string> dns_names;  // subjectAltName entries, written in this order
  bool is_ca = false;                  // basicConstraints (always present, critical)
  unsigned key_usage = 0;              // KeyUsage bits (critical when non-zero)
  std::vector<ExtendedKeyUsage> extended_key_usage;
  WallTime not_before;
  WallTime not_after;
  int serial_bits = kServingSerialBits;
};

// A certificate and its private key as the Secrets store them: one PEM "CERTIFICATE" block
// and one PEM "RSA PRIVATE KEY" (PKCS#1) block, each ending with a newline.
struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

// Generates an RSA-2048 key and a certificate for it. Self-signed when `issuer` is null;
// otherwise signed by the issuer's key, which must match the issuer's certificate (a CA Secret
// whose key was swapped fails here, spec §16 item 10). kInternal when OpenSSL fails, kInvalid
// when the issuer's PEM does not parse or its key does not match.
Result<KeyPair> IssueCertificate(const CertificateTemplate& tmpl, const KeyPair* issuer);

// A new CA for `now` (§9.6): CN and only DNS name pod-identity-webhook-ca, NotBefore backdated
// by five minutes, ten years of validity, DigitalSignature | KeyEncipherment | CertSign.
Result<KeyPair> GenerateCA(WallTime now);

// Whether a stored CA may be kept (§9.6): ca.crt is exactly one parseable CERTIFICATE block
// with nothing after it, the certificate is a CA, and it is valid for at least the renewal
// threshold from `now`; ca.key is exactly one "RSA PRIVATE KEY" block holding PKCS#1 DER
// (PKCS#8 is refused). Whether the key belongs to the certificate is not checked here.
bool CAReusable(std::string_view cert_pem, std::string_view key_pem, WallTime now);

// "pod-identity-webhook.<ns>.svc": the serving certificate's subject and verified name.
std::string ServingCommonName(std::string_view ns);
// The serving certificate's DNS names in their fixed order: the Service name, then
// qualified with the namespace, ".svc" and ".svc.cluster.local".
std::vector<std::string> ServingDNSNames(std::string_view ns);

// Lowercase hex SHA-256 of the exact tls.crt bytes (the PEM text, not the DER).
std::string Fingerprint(std::string_view cert_pem);

// A serving certificate in use and what the rest of the runtime needs from it.
struct ServingCertificate {
  KeyPair pair;
  WallTime not_after;
  std::string fingerprint;  // Fingerprint(pair.cert_pem)
};

// A new serving certificate for namespace `ns`, signed by `ca` (§9.6): one year of validity,
// NotBefore backdated by five minutes, DigitalSignature | KeyEncipherment, serverAuth, CA=false.
Result<ServingCertificate> GenerateServingCertificate(const KeyPair& ca, std::string_view ns,
                                                      WallTime now);

// The stored serving pair when it may be kept (§9.6), else nullopt: both parts non-empty;
// tls.crt holds exactly one certificate and tls.key a private key (any format) matching it;
// it is valid for at least the renewal threshold from `now`; and it verifies at `now` against
// a pool holding only `ca_cert_pem`, for DNS name ServingCommonName(ns) (subjectAltName only)
// and the serverAuth usage.
std::optional<ServingCertificate> ReusableServingCertificate(std::string_view cert_pem,
                                                             std::string_view key_pem,
                                                             std::string_view ca_cert_pem,
                                                             std::string_view ns, WallTime now);

// NotAfter of the first certificate in `cert_pem`; nullopt when there is none.
std::optional<WallTime> CertificateNotAfter(std::string_view cert_pem);

}  // namespace awio::webhookruntime
