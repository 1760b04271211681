// Implementation of the CRD loading and schema walking; see crd_schema.h.
#include "crd_schema.h"

#include <algorithm>

#include "support/yaml_json.h"

namespace awio::test {
namespace {

const nlohmann::json kNull;

std::string Join(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

void Collect(const nlohmann::json& schema, const std::string& path, std::vector<SchemaNode>& out) {
  out.push_back({path, &schema});
  if (schema.contains("properties")) {
    for (const auto& [name, child] : schema["properties"].items()) {
      Collect(child, Join(path, name), out);
    }
  }
  if (schema.contains("items")) Collect(schema["items"], path + "[]", out);
  if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
    Collect(schema["additionalProperties"], path + "{}", out);
  }
}

}  // namespace

Result<std::vector<CrdFile>> LoadCrdDirectory(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> paths;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  }
  if (error) return MakeError(ErrorCode::kNotFound, "cannot list " + dir.string());
  std::sort(paths.begin(), paths.end());

  std::vector<CrdFile> files;
  for (const auto& path : paths) {
    auto crd = LoadYamlFile(path);
    if (!crd.ok()) return crd.error();
    files.push_back({path, std::move(*crd)});
  }
  return files;
}

const nlohmann::json& RootSchema(const nlohmann::json& crd) {
  const auto pointer = "/spec/versions/0/schema/openAPIV3Schema"_json_pointer;
  return crd.contains(pointer) ? crd.at(pointer) : kNull;
}

std::vector<SchemaNode> SchemaNodes(const nlohmann::json& root) {
  std::vector<SchemaNode> out;
  Collect(root, "", out);
  return out;
}

const nlohmann::json* FindSchema(const nlohmann::json& root, std::string_view path) {
  for (const auto& node : SchemaNodes(root)) {
    if (node.path == path) return node.schema;
  }
  return nullptr;
}

}  // namespace awio::test
