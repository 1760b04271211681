// YAML-to-JSON conversion and type-exact JSON comparison for the api tests.
#include "json_test_util.h"

#include <string>
#include <utility>

#include "support/yaml_json.h"

namespace awio::api::v1alpha1::test {
namespace {

std::string Describe(const Json& v) {
  std::string text = v.dump();
  constexpr std::size_t kMaxShown = 120;  // keep failure output readable
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
  return std::string(v.is_number_float() ? "float " : v.is_number() ? "integer " : "") + text;
}

bool SameKind(const Json& a, const Json& b) {
  if (a.is_number_integer() && b.is_number_integer()) return true;  // signed or unsigned
  return a.type() == b.type();
}

// Empty string when equal, else the first differing path and values.
std::string FirstDifference(const Json& expected, const Json& actual, const std::string& path) {
  const std::string where = path.empty() ? "<root>" : path;
  if (!SameKind(expected, actual)) {
    return where + ": expected " + Describe(expected) + ", got " + Describe(actual);
  }
  if (expected.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) return path + "." + key + ": missing in actual";
      std::string diff = FirstDifference(value, actual.at(key), path + "." + key);
      if (!diff.empty()) return diff;
    }
    for (const auto& [key, value] : actual.items()) {
      if (!expected.contains(key)) return path + "." + key + ": unexpected " + Describe(value);
    }
    return "";
  }
  if (expected.is_array()) {
    if (expected.size() != actual.size()) {
      return where + ": expected " + std::to_string(expected.size()) + " items, got " +
             std::to_string(actual.size());
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      std::string diff =
          FirstDifference(expected[i], actual[i], path + "[" + std::to_string(i) + "]");
      if (!diff.empty()) return diff;
    }
    return "";
  }
  if (expected != actual) {
    return where + ": expected " + Describe(expected) + ", got " + Describe(actual);
  }
  return "";
}

}  // namespace

Json YamlToJson(std::string_view yaml) {
  auto documents = awio::test::ParseYamlDocuments(std::string(yaml), "test YAML");
  if (!documents.ok() || documents->size() != 1) {
    ADD_FAILURE() << "expected one YAML document: "
                  << (documents.ok() ? std::to_string(documents->size()) + " found"
                                     : documents.error().ToString());
    return nullptr;
  }
  return std::move(documents->front());
}

Json YamlFileToJson(const std::string& path) {
  auto document = awio::test::LoadYamlFile(path);
  if (!document.ok()) {
    ADD_FAILURE() << document.error().ToString();
    return nullptr;
  }
  return std::move(*document);
}

::testing::AssertionResult JsonIdentical(const Json& expected, const Json& actual) {
  std::string diff = FirstDifference(expected, actual, "");
  if (diff.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << diff;
}

}  // namespace awio::api::v1alpha1::test
