// Tests of the issuer documents and publication in src/oidc/documents.h and
// src/oidc/publication.h against config-controller spec §6, §7.2 and the vectors of §15.6 and
// §15.7.
#include "oidc/documents.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/names.h"
#include "oidc/publication.h"
#include "spec_vectors.h"

namespace awio::oidc {
namespace {

using test_vectors::kSpecKeyId;
using test_vectors::kSpecPublicKey;

constexpr char kSpecIssuer[] =
    "https://awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com";
constexpr char kSpecDiscovery[] =
    R"({"issuer":"https://awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com","jwks_uri":"https://awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com/keys.json","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]})";
constexpr char kSpecJwks[] =
    R"({"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"JmzUd8RskjJMbRV3a2cbqUFjj84pRRqIHQvrvJmRMaQ","n":"5XeGCu7wOvRR-GShz2IrRzZdoqqOixQgTApSdZhvUQ_43kcHqGktilIjG7c9MNHc6NjoMx82FeZuxS8sZ4367QPnJ6rYBwxIq0nSH8O-sfZPpvsMAbohBlMvmTn4Kk86gbHWn_KAavvuDIrzBpZf2h_9VJ2RqjELQ8OYIBSeU3Tuhtpe7BdCJqyZGt1eGniCPoo1GgDSWCaYyMFlWEruaG25XQnw4p2YucTz11UlfXjfoBlc5Rfm26AaLukaBkxl2zqwjyLKgVEmonZJSa1c9f_J8gmgWfiFcict8tV0W_QzeNv9hjq4BU_26Ld1KOUhgKbRk3DjD29Gy0jAn6YSUQ","e":"AQAB"}]})";
constexpr char kSpecDiscoveryDigest[] =
    "sha256:356d0707389621fce036f30b3b5b20d78097be5dbdd0e403e5af06dc7eda4597";
constexpr char kSpecJwksDigest[] =
    "sha256:015940ba4118874d8ac8f503f9d2a7f985eae1770b8737dcf8d09188b5518143";
constexpr char kSpecSetDigest[] =
    "sha256:4fd69260418a5a01004a72db8eb39af5a5d08ebfe7f4d84357aaad25a719b08f";

Publication SpecPublication(std::string_view issuer = kSpecIssuer,
                            std::string_view kid = kSpecKeyId) {
  auto publication = RenderPublication(issuer, kSpecPublicKey, kid, "sa.pub");
  EXPECT_TRUE(publication.ok()) << publication.error().message;
  return publication.ok() ? std::move(publication).value() : Publication{};
}

// Validates §6.1 and §15.2: the issuer host of the fixture bucket and its URL; a China region
// gets its partition's DNS suffix (a deliberate difference: the original always writes
// amazonaws.com); GovCloud keeps amazonaws.com.
TEST(Issuer, HostPathAndUrl) {
  const std::string bucket = aws::BucketName("wlc-a", "ap-northeast-1");
  EXPECT_EQ(IssuerHostPath(bucket, "ap-northeast-1"),
            "awi-wlc-a-ap-northeast-1-c7c9fccd48.s3.ap-northeast-1.amazonaws.com");
  EXPECT_EQ(IssuerUrl(IssuerHostPath(bucket, "ap-northeast-1")), kSpecIssuer);
  EXPECT_EQ(IssuerHostPath("b", "cn-north-1"), "b.s3.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(IssuerHostPath("b", "us-gov-west-1"), "b.s3.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(IssuerUrl(""), "");
  EXPECT_EQ(TrimIssuerUrl("https://issuer.example.com//"), "https://issuer.example.com");
}

// Validates the discovery and JWKS bodies of §15.6 byte for byte (314 and 462 bytes, no
// trailing newline).
TEST(Documents, SpecBodiesByteExact) {
  EXPECT_EQ(DiscoveryDocument(kSpecIssuer).value(), kSpecDiscovery);
  EXPECT_EQ(std::string(kSpecDiscovery).size(), 314u);
  auto key = ParsePublicKeyPem(kSpecPublicKey, "sa.pub").value();
  EXPECT_EQ(JwksDocument(key, kSpecKeyId).value(), kSpecJwks);
  EXPECT_EQ(std::string(kSpecJwks).size(), 462u);
}

// Validates §15.7: a trailing slash is trimmed from the issuer; an empty issuer or key id is an
// error.
TEST(Documents, TrailingSlashTrimmedAndEmptyInputsRejected) {
  const auto discovery =
      nlohmann::json::parse(DiscoveryDocument("https://issuer.example.com/").value());
  EXPECT_EQ(discovery["issuer"], "https://issuer.example.com");
  EXPECT_EQ(discovery["jwks_uri"], "https://issuer.example.com/keys.json");
  EXPECT_EQ(DiscoveryDocument("").error().message, "issuer URL is empty");
  EXPECT_EQ(DiscoveryDocument("///").error().message, "issuer URL is empty");
  auto key = ParsePublicKeyPem(kSpecPublicKey, "sa.pub").value();
  EXPECT_EQ(JwksDocument(key, "").error().message, "signing key ID is empty");
}

// Validates the digests of §15.6, including the framing sanity check, and the publication's
// object order, content types and key id.
TEST(Publication, SpecDigests) {
  EXPECT_EQ(ObjectDigest("x", "application/json", R"({"a":1})"),
            "sha256:00dbc94e8acf5437ee38063bfd9108cdf3ea010d857825bb8d5efdfdfe72fa9d");
  const Publication publication = SpecPublication();
  ASSERT_EQ(publication.objects.size(), 2u);
  EXPECT_EQ(publication.objects[0].key, ".well-known/openid-configuration");
  EXPECT_EQ(publication.objects[0].body, kSpecDiscovery);
  EXPECT_EQ(publication.objects[0].digest, kSpecDiscoveryDigest);
  EXPECT_EQ(publication.objects[1].key, "keys.json");
  EXPECT_EQ(publication.objects[1].body, kSpecJwks);
  EXPECT_EQ(publication.objects[1].digest, kSpecJwksDigest);
  for (const PublishedObject& object : publication.objects) {
    EXPECT_EQ(object.content_type, "application/json");
  }
  EXPECT_EQ(publication.object_set_digest, kSpecSetDigest);
  EXPECT_EQ(publication.signing_key_id, kSpecKeyId);
  EXPECT_EQ(publication.issuer_url, kSpecIssuer);
}

// Validates the set-digest properties of §15.7: independent of input order; changed by the
// issuer, the kid, a trailing newline in a body, the content type and the object key.
TEST(Publication, SetDigestProperties) {
  const Publication base = SpecPublication();
  std::vector<PublishedObject> reversed(base.objects.rbegin(), base.objects.rend());
  EXPECT_EQ(ObjectSetDigest(reversed), base.object_set_digest);

  EXPECT_NE(SpecPublication("https://issuer.example.com").object_set_digest,
            base.object_set_digest);
  EXPECT_NE(SpecPublication(kSpecIssuer, std::string(kSpecKeyId) + "x").object_set_digest,
            base.object_set_digest);
  auto changed = [&](auto edit) {
    std::vector<PublishedObject> objects = base.objects;
    edit(objects);
    return ObjectSetDigest(objects);
  };
  EXPECT_NE(changed([](auto& o) { o[1].body += "\n"; }), base.object_set_digest);
  EXPECT_NE(changed([](auto& o) { o[1].content_type = "application/openid+json"; }),
            base.object_set_digest);
  EXPECT_NE(changed([](auto& o) { o[0].key = "openid-configuration"; }), base.object_set_digest);
}

// Validates §7.2 and §15.6: PutObject metadata for the JWKS object, and the "current" check on
// a HEAD answer (exact content type and all three values).
TEST(Publication, ObjectMetadataAndCurrentCheck) {
  const Publication publication = SpecPublication();
  const PublishedObject& jwks = publication.objects[1];
  const auto metadata = ObjectMetadata(jwks, publication.object_set_digest);
  EXPECT_EQ(metadata,
            (std::map<std::string, std::string>{{"awio-publication-format", "self-hosted-oidc/v1"},
                                                {"awio-object-digest", kSpecJwksDigest},
                                                {"awio-object-set-digest", kSpecSetDigest}}));
  EXPECT_EQ(std::string(kUserMetadataHeaderPrefix) + "awio-object-digest",
            "x-amz-meta-awio-object-digest");

  EXPECT_TRUE(IsObjectCurrent("application/json", metadata, jwks, kSpecSetDigest));
  EXPECT_FALSE(IsObjectCurrent("application/json", {}, jwks, kSpecSetDigest));
  EXPECT_FALSE(IsObjectCurrent("application/json; charset=utf-8", metadata, jwks, kSpecSetDigest));
  EXPECT_FALSE(
      IsObjectCurrent("application/json", metadata, publication.objects[0], kSpecSetDigest));
  EXPECT_FALSE(IsObjectCurrent("application/json", metadata, jwks, "sha256:other"));
  auto stale_format = metadata;
  stale_format["awio-publication-format"] = "self-hosted-oidc/v0";
  EXPECT_FALSE(IsObjectCurrent("application/json", stale_format, jwks, kSpecSetDigest));
}

// Validates that a bad public key makes rendering fail with an error naming its source.
TEST(Publication, BadPublicKey_ErrorNamesSource) {
  auto publication = RenderPublication(kSpecIssuer, "garbage", kSpecKeyId,
                                       "Secret wlc-a/awi-signing-key-default key sa.pub");
  ASSERT_FALSE(publication.ok());
  EXPECT_NE(publication.error().message.find("Secret wlc-a/awi-signing-key-default key sa.pub"),
            std::string::npos);
  EXPECT_FALSE(RenderPublication("", kSpecPublicKey, kSpecKeyId, "sa.pub").ok());
  EXPECT_FALSE(RenderPublication(kSpecIssuer, kSpecPublicKey, "", "sa.pub").ok());
}

// Validates that a generated key publishes a JWKS whose kid is the generated kid and whose n and
// e are the key's components.
TEST(Publication, GeneratedKey_JwksCarriesItsKid) {
  auto key = GenerateSigningKey().value();
  auto publication =
      RenderPublication("https://issuer.example.com", key.public_key_pem, key.key_id, "sa.pub");
  ASSERT_TRUE(publication.ok()) << publication.error().message;
  const auto jwks = nlohmann::json::parse(publication->objects[1].body);
  EXPECT_EQ(jwks["keys"][0]["kid"], key.key_id);
  EXPECT_EQ(jwks["keys"][0]["e"], "AQAB");
  EXPECT_EQ(jwks["keys"][0]["n"].get<std::string>().size(), 342u);  // 256 bytes, unpadded
}

}  // namespace
}  // namespace awio::oidc
