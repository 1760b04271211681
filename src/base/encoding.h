// Byte encodings and digests shared by every layer: base64 (standard and URL-safe), lowercase
// hex, SHA-256 and HMAC-SHA256, all on std::string byte buffers. The work is OpenSSL's; this
// file only fixes the conventions (padding, alphabet, what counts as invalid) in one place.
// Nothing here logs, throws or allocates beyond its result.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace awio::base {

// Standard alphabet with '=' padding (RFC 4648 §4), as Go's base64.StdEncoding writes.
std::string Base64Encode(std::string_view bytes);

// Standard alphabet with padding. Carriage returns and line feeds are skipped, as Go's decoder
// does (PEM-style wrapped input); any other byte outside the alphabet, or misplaced padding,
// makes the input invalid (nullopt).
std::optional<std::string> Base64Decode(std::string_view text);

// URL-safe alphabet without padding (RFC 4648 §5, RFC 7515 §2 "base64url"), as JOSE uses.
std::string Base64UrlEncode(std::string_view bytes);

// URL-safe alphabet; padding is optional. nullopt when invalid.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Lowercase hexadecimal, two digits per byte.
std::string HexEncode(std::string_view bytes);

// SHA-256 digest: 32 raw bytes.
std::string Sha256(std::string_view bytes);

// SHA-256 digest as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);

// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

}  // namespace awio::base
