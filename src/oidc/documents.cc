// Discovery and JWKS documents of a self-hosted issuer.
#include "oidc/documents.h"

#include "aws/ack_objects.h"
#include "aws/go_json.h"
#include "aws/partition.h"
#include "base/encoding.h"

namespace awio::oidc {

std::string IssuerHostPath(std::string_view bucket, std::string_view region) {
  return std::string(bucket) + ".s3." + std::string(region) + "." +
         std::string(aws::PartitionOfRegion(region).dns_suffix);
}

std::string IssuerUrl(std::string_view host_path) {
  return host_path.empty() ? std::string() : "https://" + std::string(host_path);
}

std::string_view TrimIssuerUrl(std::string_view issuer_url) {
  while (!issuer_url.empty() && issuer_url.back() == '/') issuer_url.remove_suffix(1);
  return issuer_url;
}

Result<std::string> DiscoveryDocument(std::string_view issuer_url) {
  const std::string issuer(TrimIssuerUrl(issuer_url));
  if (issuer.empty()) return MakeError(ErrorCode::kInvalid, "issuer URL is empty");
  std::string out = R"({"issuer":)";
  aws::AppendGoJsonString(out, issuer);
  out += R"(,"jwks_uri":)";
  aws::AppendGoJsonString(out, issuer + "/" + std::string(aws::kJwksObjectKey));
  out += R"(,"response_types_supported":["id_token"],"subject_types_supported":["public"],)";
  out += R"("id_token_signing_alg_values_supported":[)";
  aws::AppendGoJsonString(out, kJwkAlgorithm);
  out += "]}";
  return out;
}

Result<std::string> JwksDocument(const RsaPublicKey& key, std::string_view key_id) {
  if (key_id.empty()) return MakeError(ErrorCode::kInvalid, "signing key ID is empty");
  std::string out = R"({"keys":[{"kty":)";
  aws::AppendGoJsonString(out, kJwkKeyType);
  out += R"(,"use":)";
  aws::AppendGoJsonString(out, kJwkUse);
  out += R"(,"alg":)";
  aws::AppendGoJsonString(out, kJwkAlgorithm);
  out += R"(,"kid":)";
  aws::AppendGoJsonString(out, key_id);
  out += R"(,"n":)";
  aws::AppendGoJsonString(out, base::Base64UrlEncode(key.modulus));
  out += R"(,"e":)";
  aws::AppendGoJsonString(out, base::Base64UrlEncode(key.exponent));
  out += "}]}";
  return out;
}

}  // namespace awio::oidc
