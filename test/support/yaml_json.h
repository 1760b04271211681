// Reads YAML files (our CRDs, test vectors, example manifests) into nlohmann::json the way the
// Kubernetes API machinery sees them: quoted scalars stay strings, plain scalars become null,
// booleans or numbers when they read as such. Shared by the API, CRD and schema tests; it
// knows nothing about Kubernetes beyond that scalar rule.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/error.h"

namespace awio::test {

// Converts every document of `text` (separated by "---"); `where` names the source in errors.
Result<std::vector<nlohmann::json>> ParseYamlDocuments(const std::string& text,
                                                       const std::string& where);

// The single document of a YAML file; kInvalid when the file holds none or several.
Result<nlohmann::json> LoadYamlFile(const std::filesystem::path& path);

// Every document of a YAML file, in order.
Result<std::vector<nlohmann::json>> LoadYamlDocuments(const std::filesystem::path& path);

}  // namespace awio::test
