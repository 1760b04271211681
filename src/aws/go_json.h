// JSON text written the way Go's encoding/json writes it, for the documents whose bytes are a
// contract with the original operator or with AWS: trust policies, bucket policies, canonical
// IAM policy documents and the OIDC discovery and JWKS documents. nlohmann::json parses and
// holds values everywhere else; it escapes differently (it leaves `<`, `>` and `&` alone and
// writes other floating-point spellings), so documents compared byte for byte with what a Go
// program stores go through here. Pure functions; nothing here logs or throws.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/strings.h"

namespace awio::aws {

// JSON strings in Go's escaping; defined in the base layer, which the log lines share.
using base::AppendGoJsonString;
using base::GoJsonString;

// `value` as compact JSON in Go's spelling: no insignificant white space, object keys in the
// order the json object holds them (byte order for nlohmann::json, which is what Go writes for
// a map and what the Kubernetes API server returns for custom-resource JSON), strings escaped
// as above, integers in decimal and floating-point numbers as Go formats a float64 (shortest
// round-trip digits, exponent form only below 1e-6 or from 1e21, e.g. `1e-7`, `1e+21`).
std::string GoCompactJson(const nlohmann::json& value);

}  // namespace awio::aws
