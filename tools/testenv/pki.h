// Throw-away PKI for the local control plane: RSA keys, a self-signed CA, and serving and
// client certificates it signs, all as PEM text. Test tooling only: keys are never protected
// and certificates live for a day.
#pragma once

#include <string>
#include <vector>

namespace awio::testenv {

struct KeyPair {
  std::string private_key_pem;  // PKCS#8 "PRIVATE KEY"
  std::string public_key_pem;   // SubjectPublicKeyInfo "PUBLIC KEY"
};

// Generates an RSA key of `bits` bits.
KeyPair GenerateRsaKey(int bits = 2048);

// Derives the public half of a PEM private key; throws when the PEM cannot be read.
std::string PublicKeyFromPrivate(const std::string& private_key_pem);

struct Certificate {
  std::string cert_pem;
  std::string key_pem;
};

// A certificate authority able to sign leaf certificates.
class CertificateAuthority {
 public:
  explicit CertificateAuthority(const std::string& common_name);
  const std::string& cert_pem() const { return ca_.cert_pem; }

  // A serving certificate for the given DNS names and IP addresses.
  Certificate IssueServing(const std::string& common_name, const std::vector<std::string>& dns,
                           const std::vector<std::string>& ips) const;
  // A client certificate; Kubernetes reads the user from CN and groups from O.
  Certificate IssueClient(const std::string& common_name,
                          const std::vector<std::string>& organizations) const;

 private:
  Certificate ca_;
};

}  // namespace awio::testenv
