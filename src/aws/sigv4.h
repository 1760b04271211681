// AWS Signature Version 4 for requests this project sends (S3 objects, and any query or JSON API
// a later client needs): the canonical request, the string to sign, the signing key, and the
// X-Amz-Date, X-Amz-Security-Token, x-amz-content-sha256 and Authorization headers. No Debian
// package provides SigV4 or an AWS SDK for C++, so this module is ours; it is checked against
// AWS's published signature test suite and the S3 examples (test/unit/aws/sigv4_test.cc). The
// clock is injected. Nothing here logs; the session token is put into a header, never a message.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials_types.h"
#include "aws/http.h"
#include "base/error.h"

namespace awio::aws {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
// The payload hash S3 accepts instead of the body's digest (only over TLS in practice).
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// SHA-256 of the empty string: the payload hash of GET, HEAD and DELETE.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SigV4Options {
  std::string region;
  std::string service;  // "s3", "sts", "iam", ...
  // S3's rules: the path is signed as sent (no dot-segment normalisation, encoded once rather than
  // twice), and the payload hash travels in an x-amz-content-sha256 header.
  bool s3 = false;
  // S3 only: sign UNSIGNED-PAYLOAD instead of the body's SHA-256.
  bool unsigned_payload = false;
};

// Signs requests for one region and service. Thread-safe (immutable after construction).
class SigV4Signer {
 public:
  explicit SigV4Signer(SigV4Options options, WallClock clock = {});

  // Adds X-Amz-Date, X-Amz-Security-Token (when the credentials carry a session token),
  // x-amz-content-sha256 (S3) and Authorization to `request`, replacing any earlier values of
  // them. Every other header in `request` is signed, except the few that proxies and libcurl
  // rewrite (User-Agent, Expect, Transfer-Encoding, Connection, X-Amzn-Trace-Id); Host is signed
  // as the URL's authority. kConfiguration when the credentials or the URL are unusable.
  Status Sign(HttpRequest& request, const Credentials& credentials) const;

  const SigV4Options& options() const { return options_; }

 private:
  const SigV4Options options_;
  const WallClock clock_;
};

// The steps of Sign, exposed so that tests can check each against published vectors.

// "YYYYMMDDTHHMMSSZ" in UTC, the X-Amz-Date format.
std::string FormatAmzDate(std::chrono::system_clock::time_point time);

// The canonical URI of `wire_path` (the path as sent, percent-encoded once). Other services:
// dot segments and empty segments removed, then encoded again ('%' becomes "%25"). S3: decoded
// and encoded once, so that a path sent with or without escapes signs the same.
std::string CanonicalUri(std::string_view wire_path, bool s3);

// The canonical query of `wire_query` (without '?'): parameters decoded, encoded with every
// reserved byte escaped, sorted by name then value, a missing value written as "name=". '+' is a
// literal plus, not a space.
std::string CanonicalQuery(std::string_view wire_query);

struct CanonicalHeaders {
  std::string block;           // "name:value\n" per header, sorted by name
  std::string signed_headers;  // "name1;name2;..."
};
// Lowercased names, values trimmed with inner runs of spaces and tabs collapsed, repeated headers
// joined with ',' in their order, sorted by name.
CanonicalHeaders CanonicalizeHeaders(const std::vector<HttpHeader>& headers);

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, const CanonicalHeaders& headers,
                             std::string_view payload_hash);

// "<yyyymmdd>/<region>/<service>/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// HMAC chain "AWS4"+secret → date → region → service → "aws4_request": 32 raw bytes.
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service);

}  // namespace awio::aws
