// Loading of our CRD manifests (config/crd) and a flat view of their OpenAPI schemas, so tests
// can name any schema node by a path such as "spec.placementRefs[].rolloutStrategy.type":
// properties join with ".", "[]" steps into array items and "{}" into the values of a map
// (additionalProperties). The root schema has the empty path. Read-only; validates nothing.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace awio::test {

struct CrdFile {
  std::filesystem::path path;
  nlohmann::json crd;  // the CustomResourceDefinition object
};

// Every *.yaml in `dir`, sorted by file name; each must hold exactly one document.
Result<std::vector<CrdFile>> LoadCrdDirectory(const std::filesystem::path& dir);

// spec.versions[0].schema.openAPIV3Schema, or null when absent. Our CRDs have one version.
const nlohmann::json& RootSchema(const nlohmann::json& crd);

struct SchemaNode {
  std::string path;
  const nlohmann::json* schema;
};

// Every schema node under `root` (root included), parents before children.
std::vector<SchemaNode> SchemaNodes(const nlohmann::json& root);

// The schema node at `path`, or nullptr when the path leads nowhere.
const nlohmann::json* FindSchema(const nlohmann::json& root, std::string_view path);

}  // namespace awio::test
