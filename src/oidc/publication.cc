// Publication of a self-hosted issuer: objects, digests and S3 metadata.
#include "oidc/publication.h"

#include <algorithm>

#include "aws/ack_objects.h"
#include "base/encoding.h"
#include "oidc/documents.h"
#include "oidc/keys.h"

namespace awio::oidc {
namespace {

constexpr std::string_view kDigestPrefix = "sha256:";

std::string DigestStream(const PublishedObject& object) {
  std::string stream;
  stream.reserve(object.body.size() + object.key.size() + 96);
  stream.append("format:").append(kPublicationFormat).append("\n");
  stream.append("key:").append(object.key).append("\n");
  stream.append("content-type:").append(object.content_type).append("\n");
  stream.append("length:").append(std::to_string(object.body.size())).append("\n");
  stream.append(object.body).append("\n");
  return stream;
}

PublishedObject MakeObject(std::string_view key, std::string body) {
  PublishedObject object{.key = std::string(key),
                         .content_type = std::string(kJsonContentType),
                         .body = std::move(body)};
  object.digest = ObjectDigest(object.key, object.content_type, object.body);
  return object;
}

}  // namespace

std::string ObjectDigest(std::string_view key, std::string_view content_type,
                         std::string_view body) {
  PublishedObject object{.key = std::string(key),
                         .content_type = std::string(content_type),
                         .body = std::string(body)};
  return std::string(kDigestPrefix) + base::Sha256Hex(DigestStream(object));
}

std::string ObjectSetDigest(const std::vector<PublishedObject>& objects) {
  std::vector<const PublishedObject*> sorted;
  for (const PublishedObject& object : objects) sorted.push_back(&object);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->key < b->key; });
  std::string streams;
  for (const PublishedObject* object : sorted) streams += DigestStream(*object);
  return std::string(kDigestPrefix) + base::Sha256Hex(streams);
}

Result<Publication> RenderPublication(std::string_view issuer_url, std::string_view public_key_pem,
                                      std::string_view key_id, std::string_view key_source) {
  const std::string issuer(TrimIssuerUrl(issuer_url));
  auto discovery = DiscoveryDocument(issuer);
  if (!discovery.ok()) return discovery.error();
  auto key = ParsePublicKeyPem(public_key_pem, key_source);
  if (!key.ok()) return key.error();
  auto jwks = JwksDocument(*key, key_id);
  if (!jwks.ok()) return jwks.error();

  Publication publication;
  publication.objects.push_back(MakeObject(aws::kDiscoveryObjectKey, std::move(discovery).value()));
  publication.objects.push_back(MakeObject(aws::kJwksObjectKey, std::move(jwks).value()));
  publication.signing_key_id = std::string(key_id);
  publication.issuer_url = issuer;
  publication.object_set_digest = ObjectSetDigest(publication.objects);
  return publication;
}

std::map<std::string, std::string> ObjectMetadata(const PublishedObject& object,
                                                  std::string_view object_set_digest) {
  return {{std::string(kMetadataPublicationFormat), std::string(kPublicationFormat)},
          {std::string(kMetadataObjectDigest), object.digest},
          {std::string(kMetadataObjectSetDigest), std::string(object_set_digest)}};
}

bool IsObjectCurrent(std::string_view content_type,
                     const std::map<std::string, std::string>& user_metadata,
                     const PublishedObject& object, std::string_view object_set_digest) {
  if (content_type != object.content_type) return false;
  for (const auto& [key, value] : ObjectMetadata(object, object_set_digest)) {
    auto it = user_metadata.find(key);
    if (it == user_metadata.end() || it->second != value) return false;
  }
  return true;
}

}  // namespace awio::oidc
