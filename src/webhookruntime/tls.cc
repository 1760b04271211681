// Certificates through OpenSSL 3's EVP, X509 and decoder interfaces (no deprecated RSA_*
// calls). Every OpenSSL object is owned by a unique_ptr; the OpenSSL error queue is cleared
// after an expected failure so that it never leaks into an unrelated caller on this thread.
#include "webhookruntime/tls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <memory>

#include "base/encoding.h"
#include "webhookruntime/constants.h"

namespace awio::webhookruntime {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* pointer) const {
    Free(pointer);
  }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using Store = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using StoreCtx = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using DecoderCtx = std::unique_ptr<OSSL_DECODER_CTX, Deleter<OSSL_DECODER_CTX_free>>;

constexpr std::string_view kCertificatePemType = "CERTIFICATE";
constexpr std::string_view kPkcs1PemType = "RSA PRIVATE KEY";

Bio ReadBio(std::string_view text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

const unsigned char* Bytes(std::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

std::time_t ToTimeT(WallTime time) { return std::chrono::system_clock::to_time_t(time); }

struct PemBlock {
  std::string type;
  std::string der;
};

// The next PEM block of `bio`; nullopt at the end or at a block that does not decode (where
// Go's decoder would stop too).
std::optional<PemBlock> NextPemBlock(BIO* bio) {
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  if (PEM_read_bio(bio, &name, &header, &data, &length) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  PemBlock block{
      name, std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length))};
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  return block;
}

// The DER of `text` when it is exactly one PEM block of `type` and nothing follows the END
// line (its own line break included).
std::optional<std::string> OnlyPemBlock(std::string_view text, std::string_view type) {
  Bio bio = ReadBio(text);
  if (!bio) return std::nullopt;
  auto block = NextPemBlock(bio.get());
  if (!block || block->type != type || BIO_ctrl_pending(bio.get()) != 0) return std::nullopt;
  return std::move(block->der);
}

X509Ptr ParseCertificateDer(std::string_view der) {
  const unsigned char* cursor = Bytes(der);
  X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!cert || cursor != Bytes(der) + der.size()) {
    ERR_clear_error();
    return nullptr;
  }
  return cert;
}

// Every CERTIFICATE block of `text` in order, as Go's X509KeyPair collects them (other block
// types are skipped); nullopt when one of them does not parse.
std::optional<std::vector<X509Ptr>> CertificateChain(std::string_view text) {
  Bio bio = ReadBio(text);
  if (!bio) return std::nullopt;
  std::vector<X509Ptr> chain;
  while (auto block = NextPemBlock(bio.get())) {
    if (block->type != kCertificatePemType) continue;
    X509Ptr cert = ParseCertificateDer(block->der);
    if (!cert) return std::nullopt;
    chain.push_back(std::move(cert));
  }
  return chain;
}

X509Ptr FirstCertificate(std::string_view text) {
  auto chain = CertificateChain(text);
  if (!chain || chain->empty()) return nullptr;
  return std::move(chain->front());
}

// An RSA private key from PKCS#1 RSAPrivateKey DER only ("type-specific" structure).
Pkey ParsePkcs1Der(std::string_view der) {
  EVP_PKEY* raw = nullptr;
  DecoderCtx decoder(OSSL_DECODER_CTX_new_for_pkey(&raw, "DER", "type-specific", "RSA",
                                                   OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr));
  if (!decoder) return nullptr;
  const unsigned char* cursor = Bytes(der);
  std::size_t remaining = der.size();
  const bool decoded = OSSL_DECODER_from_data(decoder.get(), &cursor, &remaining) == 1;
  Pkey key(raw);
  if (!decoded || !key || remaining != 0) {
    ERR_clear_error();
    return nullptr;
  }
  return key;
}

// A private key of any type and encoding OpenSSL reads from PEM (PKCS#1, PKCS#8, SEC1), as a
// TLS library accepts it.
Pkey ParseAnyPrivateKeyPem(std::string_view text) {
  Bio bio = ReadBio(text);
  if (!bio) return nullptr;
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) ERR_clear_error();
  return key;
}

std::optional<WallTime> ToWallTime(const ASN1_TIME* time) {
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

// notAfter − threshold ≥ now, i.e. `now + threshold` is not after NotAfter.
bool ValidForRenewalThreshold(const X509* cert, WallTime now) {
  auto not_after = ToWallTime(X509_get0_notAfter(cert));
  return not_after && now + kRenewalThreshold <= *not_after;
}

std::string PemText(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);
  if (length <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(length));
}

std::string CertificatePem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return {};
  return PemText(bio.get());
}

std::string Pkcs1Pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                   nullptr) != 1) {
    return {};
  }
  return PemText(bio.get());
}

bool AddExtension(X509* cert, X509V3_CTX* context, int nid, const std::string& value) {
  Extension extension(X509V3_EXT_conf_nid(nullptr, context, nid, value.c_str()));
  return extension && X509_add_ext(cert, extension.get(), -1) == 1;
}

std::string KeyUsageText(unsigned usage) {
  std::string text = "critical";
  if (usage & kDigitalSignature) text += ",digitalSignature";
  if (usage & kKeyEncipherment) text += ",keyEncipherment";
  if (usage & kCertSign) text += ",keyCertSign";
  return text;
}

std::string ExtendedKeyUsageText(const std::vector<ExtendedKeyUsage>& usages) {
  std::string text;
  for (ExtendedKeyUsage usage : usages) {
    if (!text.empty()) text += ",";
    text += usage == ExtendedKeyUsage::kServerAuth ? "serverAuth" : "clientAuth";
  }
  return text;
}

bool SetRandomSerial(X509* cert, int bits) {
  Bignum serial(BN_new());
  if (!serial || BN_rand(serial.get(), bits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) {
    return false;
  }
  // RFC 5280 wants a positive serial; zero (probability 2^-bits) becomes one.
  if (BN_is_zero(serial.get()) && BN_one(serial.get()) != 1) return false;
  return BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) != nullptr;
}

// The ASN.1 string type Go picks for a name: PrintableString when every character allows it,
// else UTF8String. Passing an explicit type (not an MBSTRING_* flag) also skips OpenSSL's
// 64-character upper bound on CN, which "pod-identity-webhook.<63-character namespace>.svc"
// exceeds; Go does not enforce that bound either, and verifiers match on the DNS names.
int CommonNameType(std::string_view name) {
  const bool printable = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view(" '()+,-./:=?").find(c) != std::string_view::npos;
  });
  return printable ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
}

Error OpenSslFailure(std::string_view what) {
  ERR_clear_error();
  return MakeError(ErrorCode::kInternal, std::string(what) + ": OpenSSL failed");
}

}  // namespace

Result<KeyPair> IssueCertificate(const CertificateTemplate& tmpl, const KeyPair* issuer) {
  const std::string what = "issue certificate " + tmpl.common_name;

  X509Ptr issuer_cert;
  Pkey issuer_key;
  if (issuer != nullptr) {
    issuer_cert = FirstCertificate(issuer->cert_pem);
    issuer_key = ParseAnyPrivateKeyPem(issuer->key_pem);
    if (!issuer_cert || !issuer_key) {
      return MakeError(ErrorCode::kInvalid, what + ": the CA certificate or key does not parse");
    }
    if (EVP_PKEY_eq(X509_get0_pubkey(issuer_cert.get()), issuer_key.get()) != 1) {
      ERR_clear_error();
      return MakeError(ErrorCode::kInvalid,
                       what + ": the CA private key does not match the CA certificate");
    }
  }

  Pkey key(EVP_RSA_gen(static_cast<unsigned>(kRsaKeyBits)));
  X509Ptr cert(X509_new());
  if (!key || !cert) return OpenSslFailure(what);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const bool basics_set =
      X509_set_version(cert.get(), X509_VERSION_3) == 1 &&
      SetRandomSerial(cert.get(), tmpl.serial_bits) &&
      X509_NAME_add_entry_by_NID(subject, NID_commonName, CommonNameType(tmpl.common_name),
                                 Bytes(tmpl.common_name), static_cast<int>(tmpl.common_name.size()),
                                 -1, 0) == 1 &&
      X509_set_issuer_name(cert.get(),
                           issuer_cert ? X509_get_subject_name(issuer_cert.get()) : subject) == 1 &&
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), ToTimeT(tmpl.not_before)) != nullptr &&
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), ToTimeT(tmpl.not_after)) != nullptr &&
      X509_set_pubkey(cert.get(), key.get()) == 1;
  if (!basics_set) return OpenSslFailure(what);

  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer_cert ? issuer_cert.get() : cert.get(), cert.get(), nullptr,
                 nullptr, 0);
  bool extensions_set = AddExtension(cert.get(), &context, NID_basic_constraints,
                                     tmpl.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (tmpl.key_usage != 0) {
    extensions_set = extensions_set && AddExtension(cert.get(), &context, NID_key_usage,
                                                    KeyUsageText(tmpl.key_usage));
  }
  if (!tmpl.extended_key_usage.empty()) {
    extensions_set = extensions_set && AddExtension(cert.get(), &context, NID_ext_key_usage,
                                                    ExtendedKeyUsageText(tmpl.extended_key_usage));
  }
  if (!tmpl.dns_names.empty()) {
    std::string names;
    for (const std::string& name : tmpl.dns_names)
      names += (names.empty() ? "DNS:" : ",DNS:") + name;
    extensions_set =
        extensions_set && AddExtension(cert.get(), &context, NID_subject_alt_name, names);
  }
  // Key identifiers let verifiers pick the right CA after a rotation; Go adds both as well.
  if (tmpl.is_ca) {
    extensions_set =
        extensions_set && AddExtension(cert.get(), &context, NID_subject_key_identifier, "hash");
  }
  if (issuer_cert) {
    extensions_set =
        extensions_set && AddExtension(cert.get(), &context, NID_authority_key_identifier, "keyid");
  }
  if (!extensions_set) return OpenSslFailure(what);

  EVP_PKEY* signer = issuer_key ? issuer_key.get() : key.get();
  if (X509_sign(cert.get(), signer, EVP_sha256()) <= 0) return OpenSslFailure(what);

  KeyPair pair{CertificatePem(cert.get()), Pkcs1Pem(key.get())};
  if (pair.cert_pem.empty() || pair.key_pem.empty()) return OpenSslFailure(what);
  return pair;
}

Result<KeyPair> GenerateCA(WallTime now) {
  CertificateTemplate tmpl{
      .common_name = std::string(kCASecretName),
      .dns_names = {std::string(kCASecretName)},
      .is_ca = true,
      .key_usage = kDigitalSignature | kKeyEncipherment | kCertSign,
      .not_before = now - kClockSkewBackdate,
      .not_after = now + kCAValidity,
      .serial_bits = kCASerialBits,
  };
  return IssueCertificate(tmpl, nullptr);
}

bool CAReusable(std::string_view cert_pem, std::string_view key_pem, WallTime now) {
  if (cert_pem.empty() || key_pem.empty()) return false;
  auto cert_der = OnlyPemBlock(cert_pem, kCertificatePemType);
  if (!cert_der) return false;
  X509Ptr cert = ParseCertificateDer(*cert_der);
  if (!cert) return false;
  // EXFLAG_CA is set exactly when basicConstraints says cA=TRUE (a v1 root gets EXFLAG_V1).
  if ((X509_get_extension_flags(cert.get()) & EXFLAG_CA) == 0) return false;
  if (!ValidForRenewalThreshold(cert.get(), now)) return false;
  auto key_der = OnlyPemBlock(key_pem, kPkcs1PemType);
  return key_der && ParsePkcs1Der(*key_der) != nullptr;
}

std::string ServingCommonName(std::string_view ns) {
  return std::string(kComponentName) + "." + std::string(ns) + ".svc";
}

std::vector<std::string> ServingDNSNames(std::string_view ns) {
  const std::string service(kComponentName);
  const std::string qualified = service + "." + std::string(ns);
  return {service, qualified, qualified + ".svc", qualified + ".svc.cluster.local"};
}

std::string Fingerprint(std::string_view cert_pem) { return base::Sha256Hex(cert_pem); }

std::optional<WallTime> CertificateNotAfter(std::string_view cert_pem) {
  X509Ptr cert = FirstCertificate(cert_pem);
  if (!cert) return std::nullopt;
  return ToWallTime(X509_get0_notAfter(cert.get()));
}

Result<ServingCertificate> GenerateServingCertificate(const KeyPair& ca, std::string_view ns,
                                                      WallTime now) {
  CertificateTemplate tmpl{
      .common_name = ServingCommonName(ns),
      .dns_names = ServingDNSNames(ns),
      .is_ca = false,
      .key_usage = kDigitalSignature | kKeyEncipherment,
      .extended_key_usage = {ExtendedKeyUsage::kServerAuth},
      .not_before = now - kClockSkewBackdate,
      .not_after = now + kServingValidity,
      .serial_bits = kServingSerialBits,
  };
  auto pair = IssueCertificate(tmpl, &ca);
  if (!pair.ok()) return pair.error();
  auto not_after = CertificateNotAfter(pair->cert_pem);
  if (!not_after) return OpenSslFailure("read the new serving certificate");
  std::string fingerprint = Fingerprint(pair->cert_pem);
  return ServingCertificate{std::move(*pair), *not_after, std::move(fingerprint)};
}

std::optional<ServingCertificate> ReusableServingCertificate(std::string_view cert_pem,
                                                             std::string_view key_pem,
                                                             std::string_view ca_cert_pem,
                                                             std::string_view ns, WallTime now) {
  if (cert_pem.empty() || key_pem.empty()) return std::nullopt;
  auto chain = CertificateChain(cert_pem);
  if (!chain || chain->size() != 1) return std::nullopt;
  X509* leaf = chain->front().get();
  Pkey key = ParseAnyPrivateKeyPem(key_pem);
  if (!key || EVP_PKEY_eq(X509_get0_pubkey(leaf), key.get()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  if (!ValidForRenewalThreshold(leaf, now)) return std::nullopt;

  X509Ptr ca = FirstCertificate(ca_cert_pem);
  Store store(X509_STORE_new());
  StoreCtx context(X509_STORE_CTX_new());
  if (!ca || !store || !context || X509_STORE_add_cert(store.get(), ca.get()) != 1 ||
      X509_STORE_CTX_init(context.get(), store.get(), leaf, nullptr) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  const std::string host = ServingCommonName(ns);
  X509_VERIFY_PARAM_set_time(param, ToTimeT(now));
  // Names come from subjectAltName only, as Go verifies them.
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  if (X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) != 1 ||
      X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER) != 1 ||
      X509_verify_cert(context.get()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }

  auto not_after = ToWallTime(X509_get0_notAfter(leaf));
  if (!not_after) return std::nullopt;
  return ServingCertificate{KeyPair{std::string(cert_pem), std::string(key_pem)}, *not_after,
                            Fingerprint(cert_pem)};
}

}  // namespace awio::webhookruntime
