// Test helpers for the api layer: YAML text to JSON (so that test vectors can be written as
// spec/api.md writes them) and a JSON comparison that, unlike nlohmann's operator==, tells an
// integer from a float and reports the path of the first difference.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace awio::api::v1alpha1::test {

using Json = nlohmann::json;

// Converts a YAML document to JSON with the YAML 1.2 core schema for plain scalars (null,
// booleans, integers, floats); quoted scalars are always strings. Fails the current test and
// returns null when the text is not valid YAML.
Json YamlToJson(std::string_view yaml);

// Reads a file (the CRDs under config/crd) and converts it as above.
Json YamlFileToJson(const std::string& path);

// Success when `actual` has the same value as `expected` with the same JSON types: an integer
// (signed or unsigned) never equals a float, absent never equals null or empty. Object key
// order does not matter. The failure message names the first differing path.
::testing::AssertionResult JsonIdentical(const Json& expected, const Json& actual);

}  // namespace awio::api::v1alpha1::test
