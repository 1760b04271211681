// What the S3 publisher writes for a self-hosted issuer (config-controller spec §6.4, §7.2): the
// two objects (discovery first, then JWKS) with their content type, the per-object and
// object-set digests that let a HEAD tell whether an object is current without reading it, and
// the x-amz-meta-* user metadata carrying those digests. This file produces values only; the S3
// client (src/aws, another module) sends them. Pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace awio::oidc {

// Format id written into every digest stream and into the objects' metadata; a change of what
// is published or how it is digested needs a new id.
inline constexpr std::string_view kPublicationFormat = "self-hosted-oidc/v1";
// Content type of both objects.
inline constexpr std::string_view kJsonContentType = "application/json";
// User-metadata keys (without the header prefix).
inline constexpr std::string_view kMetadataPublicationFormat = "awio-publication-format";
inline constexpr std::string_view kMetadataObjectDigest = "awio-object-digest";
inline constexpr std::string_view kMetadataObjectSetDigest = "awio-object-set-digest";
// S3 sends and receives user metadata as headers with this prefix.
inline constexpr std::string_view kUserMetadataHeaderPrefix = "x-amz-meta-";

// One object to publish.
struct PublishedObject {
  std::string key;           // ".well-known/openid-configuration" or "keys.json"
  std::string content_type;  // kJsonContentType
  std::string body;
  std::string digest;  // ObjectDigest(key, content_type, body)
};

// Everything one publication consists of.
struct Publication {
  std::vector<PublishedObject> objects;  // discovery, then JWKS
  std::string signing_key_id;
  std::string issuer_url;  // trimmed of trailing '/'
  std::string object_set_digest;
};

// "sha256:" + hex(SHA-256(stream)) where stream is "format:self-hosted-oidc/v1\n",
// "key:<key>\n", "content-type:<content type>\n", "length:<body bytes>\n", body, "\n".
std::string ObjectDigest(std::string_view key, std::string_view content_type,
                         std::string_view body);

// "sha256:" + hex of one SHA-256 over the streams of all objects sorted by key (byte order), so
// the value does not depend on the order `objects` are given in.
std::string ObjectSetDigest(const std::vector<PublishedObject>& objects);

// The publication for `issuer_url` and the public key in `public_key_pem` (sa.pub, read as
// ParsePublicKeyPem reads it; `key_source` names it in errors) with key id `key_id`. Errors
// (kInvalid): empty issuer, empty key id, unusable public key.
Result<Publication> RenderPublication(std::string_view issuer_url, std::string_view public_key_pem,
                                      std::string_view key_id, std::string_view key_source);

// The user metadata PutObject carries for `object` (keys without kUserMetadataHeaderPrefix).
std::map<std::string, std::string> ObjectMetadata(const PublishedObject& object,
                                                  std::string_view object_set_digest);

// Whether a HEAD answer shows `object` current: the content type is exactly the object's and
// the metadata holds the format, the object digest and `object_set_digest`. `user_metadata`
// keys are without the prefix and lower case (S3 lower-cases them). The body is not compared.
bool IsObjectCurrent(std::string_view content_type,
                     const std::map<std::string, std::string>& user_metadata,
                     const PublishedObject& object, std::string_view object_set_digest);

}  // namespace awio::oidc
