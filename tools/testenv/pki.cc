// Implementation of the throw-away PKI with OpenSSL 3.
#include "pki.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace awio::testenv {
namespace {

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("openssl: ") + what + " failed");
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

PKey NewRsa(int bits) {
  PKey key(EVP_RSA_gen(static_cast<unsigned>(bits)));
  Check(key != nullptr, "RSA key generation");
  return key;
}

std::string PrivatePem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  Check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return BioText(bio.get());
}

std::string PublicPem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  Check(PEM_write_bio_PUBKEY(bio.get(), key) == 1, "PEM_write_bio_PUBKEY");
  return BioText(bio.get());
}

PKey ReadPrivate(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw std::runtime_error("cannot read PEM private key");
  return key;
}

X509Ptr ReadCert(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) throw std::runtime_error("cannot read PEM certificate");
  return cert;
}

std::string CertPem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  Check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  return BioText(bio.get());
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Builds and signs a certificate for `key` with the given subject and extensions.
X509Ptr MakeCert(EVP_PKEY* key, const std::string& cn, const std::vector<std::string>& orgs,
                 X509* issuer_cert, EVP_PKEY* issuer_key, bool is_ca) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), is_ca ? 7L * 24 * 3600 : 24L * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  for (const auto& org : orgs) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* issuer = issuer_cert != nullptr ? issuer_cert : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  AddExtension(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (is_ca) {
    AddExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(cert.get(), issuer, NID_key_usage,
                 "critical,keyCertSign,cRLSign,digitalSignature");
  } else {
    AddExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    AddExtension(cert.get(), issuer, NID_authority_key_identifier, "keyid");
  }
  Check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0,
        "X509_sign");
  return cert;
}

}  // namespace

KeyPair GenerateRsaKey(int bits) {
  PKey key = NewRsa(bits);
  return {PrivatePem(key.get()), PublicPem(key.get())};
}

std::string PublicKeyFromPrivate(const std::string& private_key_pem) {
  PKey key = ReadPrivate(private_key_pem);
  return PublicPem(key.get());
}

CertificateAuthority::CertificateAuthority(const std::string& common_name) {
  PKey key = NewRsa(2048);
  X509Ptr cert = MakeCert(key.get(), common_name, {}, nullptr, nullptr, true);
  ca_ = {CertPem(cert.get()), PrivatePem(key.get())};
}

Certificate CertificateAuthority::IssueServing(const std::string& common_name,
                                               const std::vector<std::string>& dns,
                                               const std::vector<std::string>& ips) const {
  PKey ca_key = ReadPrivate(ca_.key_pem);
  X509Ptr ca_cert = ReadCert(ca_.cert_pem);
  PKey key = NewRsa(2048);
  X509Ptr cert = MakeCert(key.get(), common_name, {}, ca_cert.get(), ca_key.get(), false);
  std::string san;
  for (const auto& d : dns) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : ips) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  if (!san.empty()) AddExtension(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
  AddExtension(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth");
  Check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "X509_sign");
  return {CertPem(cert.get()), PrivatePem(key.get())};
}

Certificate CertificateAuthority::IssueClient(const std::string& common_name,
                                              const std::vector<std::string>& organizations) const {
  PKey ca_key = ReadPrivate(ca_.key_pem);
  X509Ptr ca_cert = ReadCert(ca_.cert_pem);
  PKey key = NewRsa(2048);
  X509Ptr cert =
      MakeCert(key.get(), common_name, organizations, ca_cert.get(), ca_key.get(), false);
  AddExtension(cert.get(), ca_cert.get(), NID_ext_key_usage, "clientAuth");
  Check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "X509_sign");
  return {CertPem(cert.get()), PrivatePem(key.get())};
}

}  // namespace awio::testenv
