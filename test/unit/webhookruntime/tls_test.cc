// Tests of the webhook runtime's TLS material (src/webhookruntime/tls.h) against spec
// config-controller.md §9.6 and the vectors of §15.12: certificate properties read back with
// OpenSSL, and every reuse rejection. The clock is fixed, so validity checks are exact.
#include "webhookruntime/tls.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"

namespace awio::webhookruntime {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

const WallTime kNow = *base::ParseRfc3339("2026-12-03T19:00:00Z");
constexpr std::chrono::hours kDay{24};

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr ParseCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

std::string CommonName(X509* cert) {
  char buffer[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buffer, sizeof(buffer));
  return buffer;
}

std::vector<std::string> DnsNames(X509* cert) {
  std::vector<std::string> names;
  auto* sans =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; sans != nullptr && i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans, i);
    if (name->type != GEN_DNS) continue;
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                       static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
  }
  GENERAL_NAMES_free(sans);
  return names;
}

WallTime ToWall(const ASN1_TIME* time) {
  std::tm parts{};
  ASN1_TIME_to_tm(time, &parts);
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

// Whether the certificate has a basicConstraints extension at all.
bool HasBasicConstraints(X509* cert) {
  return X509_get_ext_by_NID(cert, NID_basic_constraints, -1) >= 0;
}

std::string ToPkcs8(const std::string& pkcs1_pem) {
  BIO* in = BIO_new_mem_buf(pkcs1_pem.data(), static_cast<int>(pkcs1_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_ctrl(out, BIO_CTRL_INFO, 0, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(out);
  EVP_PKEY_free(key);
  return pem;
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_ = new KeyPair(GenerateCA(kNow).value());
    serving_ =
        new ServingCertificate(GenerateServingCertificate(*ca_, "custom-webhook", kNow).value());
  }
  static void TearDownTestSuite() {
    delete ca_;
    delete serving_;
  }
  static KeyPair* ca_;
  static ServingCertificate* serving_;
};
KeyPair* TlsTest::ca_ = nullptr;
ServingCertificate* TlsTest::serving_ = nullptr;

// Validates the §15.12 DNS-name vector for namespace custom-webhook.
TEST(ServingNames, CustomNamespace_MatchSpecVector) {
  EXPECT_EQ(ServingCommonName("custom-webhook"), "pod-identity-webhook.custom-webhook.svc");
  EXPECT_THAT(ServingDNSNames("custom-webhook"),
              ElementsAre("pod-identity-webhook", "pod-identity-webhook.custom-webhook",
                          "pod-identity-webhook.custom-webhook.svc",
                          "pod-identity-webhook.custom-webhook.svc.cluster.local"));
}

// Validates that a fingerprint is the lowercase hex SHA-256 of the exact tls.crt bytes (§9.6).
TEST(Fingerprint, IsHexSha256OfPemText) {
  EXPECT_EQ(Fingerprint("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(Fingerprint("abc\n"), Fingerprint("abc"));
}

// Validates the CA properties of §9.6: subject, DNS SAN, CA flag, key usage, validity with the
// five-minute backdate, a positive serial, SHA-256 with RSA-2048, and a PKCS#1 key.
TEST_F(TlsTest, GenerateCA_HasSpecProperties) {
  X509Ptr cert = ParseCert(ca_->cert_pem);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(CommonName(cert.get()), "pod-identity-webhook-ca");
  EXPECT_THAT(DnsNames(cert.get()), ElementsAre("pod-identity-webhook-ca"));
  EXPECT_NE(X509_get_extension_flags(cert.get()) & EXFLAG_CA, 0U);
  EXPECT_EQ(X509_get_key_usage(cert.get()),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_KEY_CERT_SIGN));
  EXPECT_EQ(ToWall(X509_get0_notBefore(cert.get())), kNow - 5min);
  EXPECT_EQ(ToWall(X509_get0_notAfter(cert.get())), kNow + 3650 * kDay);
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())), 0);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 2048);
  EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  EXPECT_NE(ASN1_INTEGER_get(serial), 0);
  EXPECT_EQ(serial->type, V_ASN1_INTEGER) << "serial must be positive";
  EXPECT_EQ(ca_->cert_pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0U);
  EXPECT_EQ(ca_->key_pem.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0), 0U);
  EXPECT_EQ(ca_->key_pem.back(), '\n');
}

// Validates the serving certificate properties of §9.6: subject, SAN order, CA=false with the
// extension present, key usage without CertSign, serverAuth only, one year of validity with the
// backdate, issued and signed by the CA, and a PKCS#1 key.
TEST_F(TlsTest, GenerateServing_HasSpecProperties) {
  X509Ptr cert = ParseCert(serving_->pair.cert_pem);
  X509Ptr ca = ParseCert(ca_->cert_pem);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(CommonName(cert.get()), "pod-identity-webhook.custom-webhook.svc");
  EXPECT_EQ(DnsNames(cert.get()), ServingDNSNames("custom-webhook"));
  EXPECT_TRUE(HasBasicConstraints(cert.get()));
  EXPECT_EQ(X509_get_extension_flags(cert.get()) & EXFLAG_CA, 0U);
  EXPECT_EQ(X509_get_key_usage(cert.get()),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
  EXPECT_EQ(ToWall(X509_get0_notBefore(cert.get())), kNow - 5min);
  EXPECT_EQ(ToWall(X509_get0_notAfter(cert.get())), kNow + 365 * kDay);
  EXPECT_EQ(serving_->not_after, kNow + 365 * kDay);
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(cert.get()), X509_get_subject_name(ca.get())), 0);
  EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(ca.get())), 1);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 2048);
  EXPECT_EQ(serving_->fingerprint, Fingerprint(serving_->pair.cert_pem));
  EXPECT_EQ(serving_->pair.key_pem.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0), 0U);
  // Leaf only: exactly one block.
  EXPECT_EQ(serving_->pair.cert_pem.find("-----BEGIN", 1), std::string::npos);
}

// Validates that two CAs get different serials and keys (random, not derived from the clock).
TEST_F(TlsTest, GenerateCA_TwiceAtSameTime_DiffersInSerialAndKey) {
  KeyPair other = GenerateCA(kNow).value();
  X509Ptr a = ParseCert(ca_->cert_pem);
  X509Ptr b = ParseCert(other.cert_pem);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())), 0);
  EXPECT_NE(other.key_pem, ca_->key_pem);
}

// Validates that a freshly generated CA is reusable (§9.6), up to exactly 30 days before its
// NotAfter and not a second later.
TEST_F(TlsTest, CAReusable_FreshCA_IsAcceptedUntilRenewalThreshold) {
  EXPECT_TRUE(CAReusable(ca_->cert_pem, ca_->key_pem, kNow));
  const WallTime renewal = kNow + 3650 * kDay - 30 * kDay;
  EXPECT_TRUE(CAReusable(ca_->cert_pem, ca_->key_pem, renewal));
  EXPECT_FALSE(CAReusable(ca_->cert_pem, ca_->key_pem, renewal + 1s));
}

// Validates the §15.12 CA reuse rejections (duplicated block, trailing garbage, non-CA
// certificate, PKCS#8 key) and the other §9.6 rules (empty values, extra key block, no PEM).
TEST_F(TlsTest, CAReusable_RejectsEverySpecCase) {
  struct Case {
    const char* name;
    std::string cert;
    std::string key;
  };
  const Case cases[] = {
      {"duplicated certificate block", ca_->cert_pem + ca_->cert_pem, ca_->key_pem},
      {"trailing garbage", ca_->cert_pem + "garbage", ca_->key_pem},
      {"extra blank line", ca_->cert_pem + "\n", ca_->key_pem},
      {"not a CA", serving_->pair.cert_pem, serving_->pair.key_pem},
      {"PKCS#8 key", ca_->cert_pem, ToPkcs8(ca_->key_pem)},
      {"duplicated key block", ca_->cert_pem, ca_->key_pem + ca_->key_pem},
      {"empty certificate", "", ca_->key_pem},
      {"empty key", ca_->cert_pem, ""},
      {"not PEM", "not a certificate", ca_->key_pem},
      {"key in the certificate slot", ca_->key_pem, ca_->key_pem},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(CAReusable(c.cert, c.key, kNow)) << c.name;
  }
}

// Validates that a CA whose key belongs to another CA is still "reusable" (§9.6 does not check
// correspondence) but that issuing from it fails as an apply error (§16 item 10).
TEST_F(TlsTest, MismatchedCAKey_IsReusableButCannotIssue) {
  KeyPair other = GenerateCA(kNow).value();
  KeyPair tampered{ca_->cert_pem, other.key_pem};
  EXPECT_TRUE(CAReusable(tampered.cert_pem, tampered.key_pem, kNow));
  auto issued = GenerateServingCertificate(tampered, "custom-webhook", kNow);
  ASSERT_FALSE(issued.ok());
  EXPECT_THAT(issued.error().message, ::testing::HasSubstr("does not match"));
  EXPECT_EQ(issued.error().message.find("PRIVATE"), std::string::npos);
}

// Validates that a fresh serving pair is reused, returning its NotAfter and the fingerprint
// hex(sha256(tls.crt)) (§15.12), also when its key is PKCS#8 (any format a TLS library reads).
TEST_F(TlsTest, ServingReusable_FreshPair_ReturnsNotAfterAndFingerprint) {
  for (const std::string& key : {serving_->pair.key_pem, ToPkcs8(serving_->pair.key_pem)}) {
    auto reused = ReusableServingCertificate(serving_->pair.cert_pem, key, ca_->cert_pem,
                                             "custom-webhook", kNow);
    ASSERT_TRUE(reused.has_value());
    EXPECT_EQ(reused->not_after, kNow + 365 * kDay);
    EXPECT_EQ(reused->fingerprint, Fingerprint(serving_->pair.cert_pem));
    EXPECT_EQ(reused->pair.cert_pem, serving_->pair.cert_pem);
  }
}

// Validates the §15.12 serving reuse rejections (CA bundle in tls.crt, another namespace,
// another CA, mismatched key, clientAuth-only EKU) and the renewal threshold of §9.6.
TEST_F(TlsTest, ServingReusable_RejectsEverySpecCase) {
  KeyPair other_ca = GenerateCA(kNow).value();
  ServingCertificate other_leaf = GenerateServingCertificate(*ca_, "custom-webhook", kNow).value();
  CertificateTemplate client_only{
      .common_name = ServingCommonName("custom-webhook"),
      .dns_names = ServingDNSNames("custom-webhook"),
      .key_usage = kDigitalSignature | kKeyEncipherment,
      .extended_key_usage = {ExtendedKeyUsage::kClientAuth},
      .not_before = kNow - 5min,
      .not_after = kNow + 365 * kDay,
  };
  KeyPair client_leaf = IssueCertificate(client_only, ca_).value();

  struct Case {
    const char* name;
    std::string cert;
    std::string key;
    std::string ca;
    std::string ns;
    WallTime now;
  };
  const std::string& cert = serving_->pair.cert_pem;
  const std::string& key = serving_->pair.key_pem;
  const Case cases[] = {
      {"cert and CA bundle", cert + ca_->cert_pem, key, ca_->cert_pem, "custom-webhook", kNow},
      {"other namespace", cert, key, ca_->cert_pem, "other-namespace", kNow},
      {"different CA", cert, key, other_ca.cert_pem, "custom-webhook", kNow},
      {"mismatched key", cert, other_leaf.pair.key_pem, ca_->cert_pem, "custom-webhook", kNow},
      {"clientAuth only", client_leaf.cert_pem, client_leaf.key_pem, ca_->cert_pem,
       "custom-webhook", kNow},
      {"within 30 days of NotAfter", cert, key, ca_->cert_pem, "custom-webhook",
       kNow + 335 * kDay + 1s},
      {"not yet valid", cert, key, ca_->cert_pem, "custom-webhook", kNow - 10min},
      {"empty certificate", "", key, ca_->cert_pem, "custom-webhook", kNow},
      {"empty key", cert, "", ca_->cert_pem, "custom-webhook", kNow},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(ReusableServingCertificate(c.cert, c.key, c.ca, c.ns, c.now).has_value())
        << c.name;
  }
  // The boundary itself is still reusable.
  EXPECT_TRUE(
      ReusableServingCertificate(cert, key, ca_->cert_pem, "custom-webhook", kNow + 335 * kDay)
          .has_value());
}

// Validates that the longest namespace Kubernetes allows (63 characters) still gets a serving
// certificate: its CN exceeds X.509's suggested 64-character bound, which Go ignores too.
TEST_F(TlsTest, GenerateServing_LongestNamespace_KeepsFullCommonName) {
  const std::string ns(63, 'n');
  auto serving = GenerateServingCertificate(*ca_, ns, kNow);
  ASSERT_TRUE(serving.ok()) << serving.error().message;
  X509Ptr cert = ParseCert(serving->pair.cert_pem);
  EXPECT_EQ(CommonName(cert.get()), "pod-identity-webhook." + ns + ".svc");
  EXPECT_EQ(DnsNames(cert.get()), ServingDNSNames(ns));
  EXPECT_TRUE(ReusableServingCertificate(serving->pair.cert_pem, serving->pair.key_pem,
                                         ca_->cert_pem, ns, kNow)
                  .has_value());
}

// Validates that CertificateNotAfter reads the first certificate and rejects non-certificates.
TEST_F(TlsTest, CertificateNotAfter_ReadsFirstCertificate) {
  EXPECT_EQ(CertificateNotAfter(serving_->pair.cert_pem), kNow + 365 * kDay);
  EXPECT_EQ(CertificateNotAfter(ca_->cert_pem), kNow + 3650 * kDay);
  EXPECT_FALSE(CertificateNotAfter("garbage").has_value());
}

}  // namespace
}  // namespace awio::webhookruntime
