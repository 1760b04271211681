// Implementation of the vector table reader; see vector_table.h.
#include "vector_table.h"

#include <optional>
#include <regex>

#include "support/yaml_json.h"

namespace awio::test {
namespace {

using nlohmann::json;

// Generators are for test inputs; a bound keeps a typo from building a gigabyte string.
constexpr long kMaxGeneratedSize = 1 << 20;

const std::regex kRepeat(R"(\$\{repeat:([^:}]*):([0-9]+)\})");
const std::regex kIndex(R"(\$\{i(?::([0-9]+))?\})");
const std::regex kVectorId(R"(^(TV-[0-9]{3}|NOTE-[0-9]+)$)");
const std::regex kVectorName(R"(^[A-Za-z0-9]+(_[A-Za-z0-9]+)*$)");

Error Invalid(const std::string& message) { return MakeError(ErrorCode::kInvalid, message); }

Result<json> ExpandString(const std::string& text, std::optional<long> index) {
  if (index && text == "${i}") return json(*index);

  std::string out;
  std::smatch match;
  std::string rest = text;
  while (std::regex_search(rest, match, kRepeat)) {
    const long count = std::stol(match[2].str());
    if (count * static_cast<long>(match[1].length()) > kMaxGeneratedSize) {
      return Invalid("generated string too long in \"" + text.substr(0, 80) + "\"");
    }
    out += match.prefix().str();
    for (long i = 0; i < count; ++i) out += match[1].str();
    rest = match.suffix().str();
  }
  out += rest;

  if (!index) return json(out);
  std::string indexed;
  rest = out;
  while (std::regex_search(rest, match, kIndex)) {
    std::string number = std::to_string(*index);
    if (match[1].matched) {
      const auto width = std::stoul(match[1].str());
      if (number.size() < width) number.insert(0, width - number.size(), '0');
    }
    indexed += match.prefix().str() + number;
    rest = match.suffix().str();
  }
  return json(indexed + rest);
}

Result<json> Expand(const json& node, std::optional<long> index);

Result<long> GeneratorCount(const json& generator, const std::string& what) {
  if (!generator.is_object() || !generator.contains("count") ||
      !generator["count"].is_number_integer()) {
    return Invalid(what + " needs an integer count");
  }
  const long count = generator["count"].get<long>();
  if (count < 0 || count > kMaxGeneratedSize) return Invalid(what + " count out of range");
  return count;
}

Result<json> Expand(const json& node, std::optional<long> index) {
  if (node.is_string()) return ExpandString(node.get<std::string>(), index);
  if (node.is_array()) {
    json out = json::array();
    for (const auto& item : node) {
      auto expanded = Expand(item, index);
      if (!expanded.ok()) return expanded;
      out.push_back(std::move(*expanded));
    }
    return out;
  }
  if (!node.is_object()) return node;

  if (node.size() == 1 && node.contains("$list")) {
    const json& generator = node["$list"];
    auto count = GeneratorCount(generator, "$list");
    if (!count.ok()) return count.error();
    json out = json::array();
    for (long i = 0; i < *count; ++i) {
      auto item = Expand(generator.value("item", json()), i);
      if (!item.ok()) return item;
      out.push_back(std::move(*item));
    }
    return out;
  }
  if (node.size() == 1 && node.contains("$map")) {
    const json& generator = node["$map"];
    auto count = GeneratorCount(generator, "$map");
    if (!count.ok()) return count.error();
    json out = json::object();
    for (long i = 0; i < *count; ++i) {
      auto key = Expand(generator.value("key", json()), i);
      auto value = Expand(generator.value("value", json()), i);
      if (!key.ok()) return key;
      if (!value.ok()) return value;
      if (!key->is_string()) return Invalid("$map keys must be strings");
      out[key->get<std::string>()] = std::move(*value);
    }
    return out;
  }
  json out = json::object();
  for (const auto& [key, value] : node.items()) {
    auto expanded = Expand(value, index);
    if (!expanded.ok()) return expanded;
    out[key] = std::move(*expanded);
  }
  return out;
}

std::vector<std::string> Strings(const json& entry, const char* key) {
  std::vector<std::string> out;
  if (!entry.contains(key)) return out;
  for (const auto& item : entry[key])
    out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  return out;
}

Result<ApiVector> ParseVector(const json& entry, const json& bases) {
  ApiVector vector;
  vector.id = entry.value("id", "");
  vector.name = entry.value("name", "");
  const std::string where = "vector " + vector.id + " " + vector.name;
  if (!std::regex_match(vector.id, kVectorId)) return Invalid(where + ": bad id");
  if (!std::regex_match(vector.name, kVectorName)) return Invalid(where + ": bad name");
  vector.layer = entry.value("layer", "");
  vector.spec_ref = entry.value("spec", "");
  if (vector.layer.empty() || vector.spec_ref.empty()) {
    return Invalid(where + ": layer and spec are required");
  }

  if (entry.contains("object")) {
    vector.object = entry["object"];
  } else {
    const std::string base = entry.value("base", "");
    if (!bases.contains(base)) return Invalid(where + ": unknown base \"" + base + "\"");
    vector.object = bases[base];
  }
  if (entry.contains("patch")) vector.object.merge_patch(entry["patch"]);
  vector.update = entry.value("update", json());
  vector.status = entry.value("status", json());
  if (!vector.update.is_null() && !vector.status.is_null()) {
    return Invalid(where + ": give update or status, not both");
  }

  const std::string expect = entry.value("expect", "accept");
  if (expect != "accept" && expect != "reject") return Invalid(where + ": expect is accept|reject");
  vector.expect_accept = expect == "accept";
  vector.fields = Strings(entry, "fields");
  vector.messages = Strings(entry, "messages");
  vector.error_count = entry.value("errors", -1);
  vector.stored = entry.value("stored", json());
  vector.absent = Strings(entry, "absent");
  if (!vector.expect_accept && vector.fields.empty() && vector.messages.empty()) {
    return Invalid(where + ": a rejection must name a field or a message");
  }
  if (vector.expect_accept && (!vector.fields.empty() || !vector.messages.empty())) {
    return Invalid(where + ": fields and messages only apply to rejections");
  }
  return vector;
}

}  // namespace

std::string ApiVector::TestName() const {
  std::string out;
  for (const char c : id) {
    if (c != '-') out += c;
  }
  return out + "_" + name;
}

Result<json> ExpandGenerators(const json& node) { return Expand(node, std::nullopt); }

Result<VectorTable> LoadVectorTable(const std::filesystem::path& path) {
  auto document = LoadYamlFile(path);
  if (!document.ok()) return document.error();
  auto expanded = ExpandGenerators(*document);
  if (!expanded.ok()) return expanded.error();
  const json& root = *expanded;

  VectorTable table;
  table.webhook_vectors = Strings(root, "webhook_vectors");
  const json covered = root.value("covered_elsewhere", json::object());
  for (const auto& [id, test] : covered.items()) {
    table.covered_elsewhere[id] = test.get<std::string>();
  }
  const json bases = root.value("bases", json::object());
  for (const auto& entry : root.value("vectors", json::array())) {
    auto vector = ParseVector(entry, bases);
    if (!vector.ok())
      return MakeError(ErrorCode::kInvalid, path.string() + ": " + vector.error().message);
    table.vectors.push_back(std::move(*vector));
  }
  if (table.vectors.empty()) return Invalid(path.string() + ": no vectors");
  return table;
}

}  // namespace awio::test
