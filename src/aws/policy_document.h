// Canonical form of a binding's inline IAM policy (spec.policyDocument, role-controller spec
// §6): compact JSON, checked against IAM's size limit for customer-managed policies. The result
// is what the ACK Policy object carries, so the same document always yields the same string and
// an unchanged binding never rewrites the policy. Pure functions; errors are values with the
// original operator's messages (the caller prefixes "canonicalize policy document: ").
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/error.h"

namespace awio::aws {

// IAM customer-managed policy documents are at most 6,144 characters, white space excluded;
// IAM counts characters, so the limit applies to Unicode code points, not bytes.
inline constexpr std::size_t kMaxPolicyDocumentCharacters = 6144;

// The raw JSON bytes of spec.policyDocument with insignificant white space removed and nothing
// else changed: key order, number spelling and string escapes stay as received. Errors (code
// kInvalid): "policy document is empty" for no bytes, `null` or `{}`; "parse policy document:
// <reason>" when the bytes are not JSON or not an object; "policy document exceeds AWS IAM
// customer-managed policy size limit of 6144 characters" when the compact text has more than
// 6,144 code points (exactly 6,144 is accepted).
Result<std::string> CanonicalizePolicyDocument(std::string_view raw_json);

// The same for a document already parsed (as the Kubernetes client hands objects over): it is
// serialized compactly with Go's escaping and the object's key order (byte order for
// nlohmann::json), which reproduces the bytes the API server sends for custom-resource JSON.
Result<std::string> CanonicalizeParsedPolicyDocument(const nlohmann::json& document);

// Number of Unicode code points in UTF-8 `text`; a byte that does not continue a sequence
// counts as one, as Go's utf8.RuneCountInString counts invalid bytes.
std::size_t CountCodePoints(std::string_view text);

}  // namespace awio::aws
