// Implementation of the YAML-to-JSON reading; see yaml_json.h.
#include "support/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace awio::test {
namespace {

// YAML 1.2 core-schema forms of the plain scalars that are not strings. We deliberately leave
// out the YAML 1.1 spellings (yes, on, ...): none of our files use them, and a string that looks
// like one should stay a string in a test vector.
const std::regex kIntegerPattern("^[-+]?[0-9]+$");
const std::regex kFloatPattern(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");

nlohmann::json PlainScalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (std::regex_match(text, kIntegerPattern)) {
    auto number = nlohmann::json::parse(text[0] == '+' ? text.substr(1) : text, nullptr, false);
    if (!number.is_discarded()) return number;
  }
  if (std::regex_match(text, kFloatPattern)) {
    auto number = nlohmann::json::parse(text, nullptr, false);
    if (!number.is_discarded()) return number;
  }
  return text;
}

Result<nlohmann::json> Convert(const YAML::Node& node, const std::string& where) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nlohmann::json(nullptr);
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted or block scalars "!".
      if (node.Tag() == "?") return PlainScalar(node.Scalar());
      return nlohmann::json(node.Scalar());
    case YAML::NodeType::Sequence: {
      auto array = nlohmann::json::array();
      for (const auto& item : node) {
        auto converted = Convert(item, where);
        if (!converted.ok()) return converted;
        array.push_back(std::move(*converted));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      auto object = nlohmann::json::object();
      for (const auto& member : node) {
        if (!member.first.IsScalar()) {
          return MakeError(ErrorCode::kInvalid, where + ": a map key is not a scalar");
        }
        const std::string& key = member.first.Scalar();
        if (object.contains(key)) {
          return MakeError(ErrorCode::kInvalid, where + ": duplicate map key \"" + key + "\"");
        }
        auto value = Convert(member.second, where);
        if (!value.ok()) return value;
        object[key] = std::move(*value);
      }
      return object;
    }
  }
  return nlohmann::json(nullptr);
}

}  // namespace

Result<std::vector<nlohmann::json>> ParseYamlDocuments(const std::string& text,
                                                       const std::string& where) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalid, where + ": " + e.what());
  }
  std::vector<nlohmann::json> documents;
  for (const auto& node : nodes) {
    auto converted = Convert(node, where);
    if (!converted.ok()) return converted.error();
    if (!converted->is_null()) documents.push_back(std::move(*converted));
  }
  return documents;
}

Result<std::vector<nlohmann::json>> LoadYamlDocuments(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return ParseYamlDocuments(text.str(), path.string());
}

Result<nlohmann::json> LoadYamlFile(const std::filesystem::path& path) {
  auto documents = LoadYamlDocuments(path);
  if (!documents.ok()) return documents.error();
  if (documents->size() != 1) {
    return MakeError(ErrorCode::kInvalid, path.string() + ": expected one YAML document, found " +
                                              std::to_string(documents->size()));
  }
  return std::move(documents->front());
}

}  // namespace awio::test
