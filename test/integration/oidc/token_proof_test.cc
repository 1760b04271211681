// The end-to-end proof of the self-hosted issuer (config-controller spec §5-§6): a real
// kube-apiserver signing with our key mints a service-account token through the TokenRequest
// API, and the token verifies against the JWKS document bytes we render. The RS256 signature is
// checked with OpenSSL against the modulus and exponent read back from our JWKS (not from the
// key we hold), the header kid must equal our derived key id, and the iss, aud and sub claims
// must be what STS will compare with the IAM OIDC provider and the trust policy.
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/encoding.h"
#include "oidc/documents.h"
#include "oidc/publication.h"
#include "proof_keys.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::test {
namespace {

using nlohmann::json;

constexpr char kAudience[] = "sts.amazonaws.com";

struct Jwt {
  std::string signing_input;  // "<header>.<payload>" as received
  json header;
  json claims;
  std::string signature;
};

// Splits and decodes a compact JWS; fails the test when it is not one.
Jwt ParseJwt(const std::string& token) {
  Jwt jwt;
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  EXPECT_NE(first, std::string::npos);
  EXPECT_NE(second, std::string::npos);
  if (first == std::string::npos || second == std::string::npos) return jwt;
  jwt.signing_input = token.substr(0, second);
  jwt.header = json::parse(base::Base64UrlDecode(token.substr(0, first)).value_or("null"));
  jwt.claims = json::parse(
      base::Base64UrlDecode(token.substr(first + 1, second - first - 1)).value_or("null"));
  jwt.signature = base::Base64UrlDecode(token.substr(second + 1)).value_or("");
  return jwt;
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// The RSA public key of the JWK whose kid is `kid` in the JWKS document `jwks_bytes`, built
// only from the document's n and e.
Pkey KeyFromJwks(const std::string& jwks_bytes, const std::string& kid) {
  const json jwks = json::parse(jwks_bytes);
  for (const json& jwk : jwks.at("keys")) {
    if (jwk.value("kid", "") != kid || jwk.value("kty", "") != "RSA") continue;
    const std::string n = base::Base64UrlDecode(jwk.at("n").get<std::string>()).value_or("");
    const std::string e = base::Base64UrlDecode(jwk.at("e").get<std::string>()).value_or("");
    auto as_bytes = [](const std::string& s) {
      return reinterpret_cast<const unsigned char*>(s.data());
    };
    BIGNUM* modulus = BN_bin2bn(as_bytes(n), static_cast<int>(n.size()), nullptr);
    BIGNUM* exponent = BN_bin2bn(as_bytes(e), static_cast<int>(e.size()), nullptr);
    OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus);
    OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(builder);
    EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata_init(context) == 1) {
      EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params);
    }
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    BN_free(modulus);
    BN_free(exponent);
    return Pkey(key);
  }
  return nullptr;
}

// RS256: RSASSA-PKCS1-v1_5 with SHA-256 over the signing input.
bool VerifyRs256(EVP_PKEY* key, const std::string& signing_input, const std::string& signature) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()),
                             signing_input.size()) == 1;
  EVP_MD_CTX_free(context);
  return ok;
}

// Creates namespace `ns` and ServiceAccount `ns/name` on `cluster`, then asks the TokenRequest
// API for a token with the STS audience.
std::string RequestToken(const testenv::Cluster& cluster, const std::string& ns,
                         const std::string& name) {
  auto created_ns =
      KubeRequest(cluster, "POST", "/api/v1/namespaces",
                  {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  EXPECT_EQ(created_ns.status, 201) << created_ns.raw;
  auto created_sa = KubeRequest(
      cluster, "POST", "/api/v1/namespaces/" + ns + "/serviceaccounts",
      {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", name}}}});
  EXPECT_EQ(created_sa.status, 201) << created_sa.raw;
  auto token = KubeRequest(cluster, "POST",
                           "/api/v1/namespaces/" + ns + "/serviceaccounts/" + name + "/token",
                           {{"apiVersion", "authentication.k8s.io/v1"},
                            {"kind", "TokenRequest"},
                            {"spec", {{"audiences", {kAudience}}, {"expirationSeconds", 3600}}}});
  EXPECT_EQ(token.status, 201) << token.raw;
  if (token.status != 201) return {};
  return token.body["status"].value("token", "");
}

class TokenProof : public ::testing::TestWithParam<std::string> {};

// Validates the whole chain for a cluster signing with our key (PKCS#1 or PKCS#8 PEM): the
// token's kid is our key id (§5.2), its signature verifies with the key published in our JWKS
// bytes (§6.3), and iss/aud/sub match our discovery document (§6.2) and the trust policy's
// subject (role-controller §5.1). A tampered payload and a JWKS of another key must not verify.
TEST_P(TokenProof, TokenRequest_VerifiesAgainstRenderedJwks) {
  const testenv::Cluster& cluster = SharedEnvironment().cluster(GetParam());
  const oidc::GeneratedSigningKey& key = ProofKey(GetParam());
  const std::string ns = "oidc-proof-" + GetParam();

  auto publication =
      oidc::RenderPublication(ProofIssuerUrl(), key.public_key_pem, key.key_id, "proof sa.pub");
  ASSERT_TRUE(publication.ok()) << publication.error().message;
  const json discovery = json::parse(publication->objects[0].body);
  const std::string& jwks_bytes = publication->objects[1].body;

  const std::string token = RequestToken(cluster, ns, "app");
  ASSERT_FALSE(token.empty());
  const Jwt jwt = ParseJwt(token);

  EXPECT_EQ(jwt.header.value("alg", ""), "RS256");
  EXPECT_EQ(jwt.header.value("kid", ""), key.key_id);

  Pkey published = KeyFromJwks(jwks_bytes, jwt.header.value("kid", ""));
  ASSERT_NE(published, nullptr) << "no JWK with the token's kid in " << jwks_bytes;
  EXPECT_TRUE(VerifyRs256(published.get(), jwt.signing_input, jwt.signature));

  EXPECT_EQ(jwt.claims.value("iss", ""), discovery.value("issuer", "x"));
  EXPECT_EQ(jwt.claims.value("iss", ""), ProofIssuerUrl());
  EXPECT_EQ(jwt.claims["aud"], json::array({kAudience}));
  EXPECT_EQ(jwt.claims.value("sub", ""), "system:serviceaccount:" + ns + ":app");
  EXPECT_GT(jwt.claims.value("exp", 0), jwt.claims.value("iat", 0));

  // The checks above can fail: a changed payload or another key does not verify.
  std::string tampered = jwt.signing_input;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyRs256(published.get(), tampered, jwt.signature));
  const std::string other_cluster = GetParam() == kPkcs1Cluster ? kPkcs8Cluster : kPkcs1Cluster;
  const auto& other_key = ProofKey(other_cluster);
  auto other = oidc::RenderPublication(ProofIssuerUrl(), other_key.public_key_pem, key.key_id,
                                       "other sa.pub");
  ASSERT_TRUE(other.ok());
  Pkey wrong = KeyFromJwks(other->objects[1].body, key.key_id);
  ASSERT_NE(wrong, nullptr);
  EXPECT_FALSE(VerifyRs256(wrong.get(), jwt.signing_input, jwt.signature));
}

// Validates that kube-apiserver's own OIDC discovery agrees with ours: the same issuer, and its
// JWKS holds our key id with the modulus and exponent of our JWKS (kube-apiserver derives kids
// the way §5.2 does).
TEST_P(TokenProof, ApiServerDiscovery_AgreesWithRenderedDocuments) {
  const testenv::Cluster& cluster = SharedEnvironment().cluster(GetParam());
  const oidc::GeneratedSigningKey& key = ProofKey(GetParam());
  auto publication =
      oidc::RenderPublication(ProofIssuerUrl(), key.public_key_pem, key.key_id, "proof sa.pub");
  ASSERT_TRUE(publication.ok()) << publication.error().message;
  const json ours = json::parse(publication->objects[1].body)["keys"][0];

  auto discovery = KubeRequest(cluster, "GET", "/.well-known/openid-configuration");
  ASSERT_EQ(discovery.status, 200) << discovery.raw;
  EXPECT_EQ(discovery.body.value("issuer", ""), ProofIssuerUrl());

  // kube-apiserver serves the JWKS only as application/jwk-set+json.
  testenv::HttpRequest request = cluster.Request("GET", "/openid/v1/jwks");
  request.headers = {"Accept: application/jwk-set+json"};
  const testenv::HttpResponse served = testenv::Send(request);
  ASSERT_EQ(served.status, 200) << served.body << served.error;
  const json served_jwks = json::parse(served.body, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(served_jwks.is_object() && served_jwks.contains("keys")) << served.body;
  bool found = false;
  for (const json& jwk : served_jwks["keys"]) {
    if (jwk.value("kid", "") != key.key_id) continue;
    found = true;
    EXPECT_EQ(jwk.value("n", ""), ours.value("n", "x"));
    EXPECT_EQ(jwk.value("e", ""), ours.value("e", "x"));
    EXPECT_EQ(jwk.value("alg", ""), ours.value("alg", "x"));
  }
  EXPECT_TRUE(found) << "kube-apiserver does not publish kid " << key.key_id << ": " << served.body;
}

INSTANTIATE_TEST_SUITE_P(KeyEncodings, TokenProof,
                         ::testing::Values(std::string(kPkcs1Cluster), std::string(kPkcs8Cluster)),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace awio::test
