// The public face of a self-hosted OIDC issuer (config-controller spec §6.1-§6.3): its host and
// URL on S3, the discovery document and the JWKS, byte for byte as the original operator
// writes them (compact JSON, fixed key order, no trailing newline), so that an unchanged key
// never republishes and STS finds the same kid that kube-apiserver puts in token headers. Pure
// functions; publication.h adds the digests and S3 metadata.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "oidc/keys.h"

namespace awio::oidc {

// JWK fields of the one signing key.
inline constexpr std::string_view kJwkKeyType = "RSA";
inline constexpr std::string_view kJwkUse = "sig";
inline constexpr std::string_view kJwkAlgorithm = "RS256";

// "<bucket>.s3.<region>.<DNS suffix of the region's partition>": the virtual-hosted S3 host that
// serves the issuer's objects. The original always writes "amazonaws.com"; a China region's S3
// host ends in "amazonaws.com.cn", so the suffix follows the partition here.
std::string IssuerHostPath(std::string_view bucket, std::string_view region);

// "https://<host_path>", or "" for an empty host path (config status issuerHostPath).
std::string IssuerUrl(std::string_view host_path);

// `issuer_url` without trailing `/` (applied before rendering).
std::string_view TrimIssuerUrl(std::string_view issuer_url);

// {"issuer":"<issuer>","jwks_uri":"<issuer>/keys.json","response_types_supported":["id_token"],
// "subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}
// for the trimmed issuer URL. An empty issuer is an error (kInvalid).
Result<std::string> DiscoveryDocument(std::string_view issuer_url);

// {"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"<kid>","n":"<n>","e":"<e>"}]} with n
// and e in base64url without padding. An empty key id is an error (kInvalid).
Result<std::string> JwksDocument(const RsaPublicKey& key, std::string_view key_id);

}  // namespace awio::oidc
