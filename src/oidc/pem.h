// PEM armour (RFC 7468) as the signing-key Secret uses it: reading the first block of a text the
// way Go's encoding/pem does (so that a key id derived here matches one derived by the original
// operator from the same Secret bytes), and writing blocks with 64-character lines and a final
// newline. Only the armour: what the bytes mean is keys.h's business. Never logs its input,
// which may be a private key.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace awio::oidc {

// Characters of base64 per PEM line when writing (RFC 7468 §2).
inline constexpr std::size_t kPemLineLength = 64;

struct PemBlock {
  std::string type;   // the label of the BEGIN line, e.g. "PUBLIC KEY"
  std::string bytes;  // the decoded body (DER)
};

// The first well-formed block of `text`: bytes before the first "-----BEGIN " line are skipped;
// RFC 1421 headers ("Name: value" lines) are skipped; spaces and tabs in the body are ignored;
// the END line must name the same type and be followed by nothing but white space on its line.
// A malformed block is passed over and the search goes on after it, as Go does. nullopt when
// no block is found.
std::optional<PemBlock> DecodeFirstPemBlock(std::string_view text);

// "-----BEGIN <type>-----\n", the base64 of `der` in 64-character lines, "-----END <type>-----\n".
std::string EncodePem(std::string_view type, std::string_view der);

}  // namespace awio::oidc
