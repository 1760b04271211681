// Tests that the typed model and the CRDs the project installs (config/crd) describe the same
// objects: names, enums, defaults and reserved keys agree with constants.h, every property of
// every schema is modelled with its JSON type (a maximal object built from the schema survives
// a round trip), and the codec requires exactly the fields the schemas require.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "api/v1alpha1/codec.h"
#include "api/v1alpha1/constants.h"
#include "json_test_util.h"

namespace awio::api::v1alpha1 {
namespace {

using test::JsonIdentical;
using test::YamlFileToJson;

struct KindInfo {
  std::string_view kind;
  std::string_view list_kind;
  std::string_view plural;
  bool namespaced;
};
void PrintTo(const KindInfo& v, std::ostream* os) { *os << v.kind; }

const KindInfo kKinds[] = {
    {kKindOperatorConfig, kListKindOperatorConfig, kResourceOperatorConfigs, false},
    {kKindConfig, kListKindConfig, kResourceConfigs, true},
    {kKindRole, kListKindRole, kResourceRoles, true},
    {kKindReplicaSet, kListKindReplicaSet, kResourceReplicaSets, true},
};

Json LoadCrd(std::string_view plural) {
  return YamlFileToJson(std::string(AWIO_PROJECT_CRD_DIR) + "/" + std::string(kGroup) + "_" +
                        std::string(plural) + ".yaml");
}

const Json& RootSchema(const Json& crd) {
  return crd.at("spec").at("versions").at(0).at("schema").at("openAPIV3Schema");
}

// The schema node under `steps` from the root; "[]" steps into array items.
Json SchemaAt(std::string_view plural, std::initializer_list<std::string_view> steps) {
  Json node = RootSchema(LoadCrd(plural));
  for (std::string_view step : steps) {
    node = step == "[]" ? node.at("items") : node.at("properties").at(std::string(step));
  }
  return node;
}

Result<Ok> DecodeKind(std::string_view kind, const Json& object) {
  auto status = [](const auto& result) -> Result<Ok> {
    if (!result.ok()) return result.error();
    return Ok{};
  };
  if (kind == kKindOperatorConfig) return status(DecodeOperatorConfig(object));
  if (kind == kKindConfig) return status(DecodeConfig(object));
  if (kind == kKindRole) return status(DecodeRole(object));
  return status(DecodeReplicaSet(object));
}

Result<Json> RoundTrip(std::string_view kind, const Json& object) {
  auto again = [](auto decoded) -> Result<Json> {
    if (!decoded.ok()) return decoded.error();
    return Encode(*decoded);
  };
  if (kind == kKindOperatorConfig) return again(DecodeOperatorConfig(object));
  if (kind == kKindConfig) return again(DecodeConfig(object));
  if (kind == kKindRole) return again(DecodeRole(object));
  return again(DecodeReplicaSet(object));
}

// How int-or-string properties are filled in a generated object.
enum class IntOrStringAs { kInteger, kString };

// One property of a generated object: where it is and what the codec should say about it.
struct Location {
  Json::json_pointer pointer;
  std::string path;  // as the codec names it in errors
  bool required;
  Json wrong_type;  // a value of a JSON type the schema does not allow there
};

// Builds an object with every property the schema declares (one item per array, one entry
// per map, a nested document where unknown fields are preserved), recording each property.
class MaximalObject {
 public:
  MaximalObject(const Json& root, std::string_view kind, IntOrStringAs mode) : mode_(mode) {
    object_ = Build(root, Json::json_pointer(), "");
    object_["apiVersion"] = kAPIVersion;
    object_["kind"] = kind;
    object_["metadata"] = Json{{"name", "default"}, {"uid", "u"}, {"managedFields", Json::array()}};
  }

  const Json& object() const { return object_; }
  const std::vector<Location>& locations() const { return locations_; }

 private:
  Json Build(const Json& schema, const Json::json_pointer& pointer, const std::string& path) {
    if (schema.value("x-kubernetes-int-or-string", false)) {
      return mode_ == IntOrStringAs::kInteger ? Json(3) : Json("25%");
    }
    if (schema.contains("enum")) return schema["enum"].at(0);
    const std::string type = schema.value("type", "");
    if (type == "string") {
      return schema.value("format", "") == "date-time" ? "2025-01-01T00:00:00Z" : "value";
    }
    if (type == "integer") return 7;
    if (type == "boolean") return true;
    if (type == "array") {
      return Json::array({Child(schema.at("items"), pointer / 0, path + "[0]", true)});
    }
    if (type != "object") {
      ADD_FAILURE() << path << ": schema type '" << type << "' not handled by the test";
      return nullptr;
    }
    if (schema.value("x-kubernetes-preserve-unknown-fields", false)) {
      return Json::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                         R"("Action":["s3:*"],"Condition":{"N":[1,2.5,null,true,{}]}}]})");
    }
    Json out = Json::object();
    std::vector<std::string> required;
    if (schema.contains("required")) required = schema["required"].get<std::vector<std::string>>();
    const Json properties = schema.value("properties", Json::object());
    for (const auto& [key, property] : properties.items()) {
      const bool is_required = std::find(required.begin(), required.end(), key) != required.end();
      out[key] = Child(property, pointer / key, path.empty() ? key : path + "." + key, is_required);
    }
    if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
      const std::string key = "example.com/key";
      out[key] = Child(schema["additionalProperties"], pointer / key,
                       path + "[" + Json(key).dump() + "]", true);
    }
    return out;
  }

  // Array items and map entries are recorded as required; the removal test skips them (they
  // cannot be "missing") and the type test uses them.
  Json Child(const Json& schema, const Json::json_pointer& pointer, const std::string& path,
             bool required) {
    Json value = Build(schema, pointer, path);
    Json wrong = value.is_object()   ? Json::array()
                 : value.is_string() ? Json::object()
                                     : Json("not-a-number-or-object");
    if (schema.value("x-kubernetes-int-or-string", false)) wrong = Json::object();
    locations_.push_back({pointer, path, required, wrong});
    return value;
  }

  IntOrStringAs mode_;
  Json object_;
  std::vector<Location> locations_;
};

class CrdContractTest : public ::testing::TestWithParam<KindInfo> {};

// Validates that the CRD's group, names and scope are the constants of §1.1.
TEST_P(CrdContractTest, Names_MatchConstants) {
  const Json crd = LoadCrd(GetParam().plural);
  ASSERT_TRUE(crd.is_object());
  EXPECT_EQ(crd["metadata"]["name"], std::string(GetParam().plural) + "." + std::string(kGroup));
  EXPECT_EQ(crd["spec"]["group"], kGroup);
  EXPECT_EQ(crd["spec"]["names"]["kind"], GetParam().kind);
  EXPECT_EQ(crd["spec"]["names"]["listKind"], GetParam().list_kind);
  EXPECT_EQ(crd["spec"]["names"]["plural"], GetParam().plural);
  EXPECT_EQ(crd["spec"]["scope"], GetParam().namespaced ? "Namespaced" : "Cluster");
  EXPECT_EQ(crd["spec"]["versions"].at(0)["name"], kVersion);
}

// Validates that an object holding every property of the schema, with int-or-strings as
// integers and then as strings, survives decode and encode unchanged: nothing in the schema is
// missing from the model or modelled with the wrong JSON type.
TEST_P(CrdContractTest, MaximalObject_RoundTripsUnchanged) {
  const Json root = RootSchema(LoadCrd(GetParam().plural));
  for (IntOrStringAs mode : {IntOrStringAs::kInteger, IntOrStringAs::kString}) {
    MaximalObject maximal(root, GetParam().kind, mode);
    Result<Json> out = RoundTrip(GetParam().kind, maximal.object());
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_TRUE(JsonIdentical(maximal.object(), *out));
  }
}

// Validates that removing a property the schema requires is refused with its path, and that
// removing any other property is accepted (the codec requires exactly what the CRD requires).
TEST_P(CrdContractTest, RemovingEachProperty_FailsExactlyForRequiredOnes) {
  MaximalObject maximal(RootSchema(LoadCrd(GetParam().plural)), GetParam().kind,
                        IntOrStringAs::kInteger);
  ASSERT_FALSE(maximal.locations().empty());
  for (const Location& location : maximal.locations()) {
    if (location.path.back() == ']') continue;  // an array item or map entry, not a field
    SCOPED_TRACE(location.path);
    Json object = maximal.object();
    object[location.pointer.parent_pointer()].erase(location.pointer.back());
    Result<Ok> result = DecodeKind(GetParam().kind, object);
    if (location.required) {
      ASSERT_FALSE(result.ok());
      EXPECT_EQ(result.error().message, location.path + ": required field is missing");
    } else {
      EXPECT_TRUE(result.ok()) << result.error().message;
    }
  }
}

// Validates that a value of the wrong JSON type at any property is refused with its path.
TEST_P(CrdContractTest, WrongTypeAtEachProperty_FailsWithPath) {
  MaximalObject maximal(RootSchema(LoadCrd(GetParam().plural)), GetParam().kind,
                        IntOrStringAs::kInteger);
  for (const Location& location : maximal.locations()) {
    SCOPED_TRACE(location.path);
    Json object = maximal.object();
    object[location.pointer] = location.wrong_type;
    Result<Ok> result = DecodeKind(GetParam().kind, object);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
    EXPECT_EQ(result.error().message.rfind(location.path + ": expected ", 0), 0u)
        << result.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, CrdContractTest, ::testing::ValuesIn(kKinds),
                         [](const auto& param_info) { return std::string(param_info.param.kind); });

std::vector<std::string> Enum(const Json& schema) {
  return schema.at("enum").get<std::vector<std::string>>();
}

template <std::size_t N>
std::vector<std::string> AsStrings(const std::array<std::string_view, N>& values) {
  return {values.begin(), values.end()};
}

// Validates that the enums of the CRDs are the value lists of constants.h, in CRD order.
TEST(CrdConstantsTest, Enums_MatchConstants) {
  EXPECT_EQ(Enum(SchemaAt(kResourceConfigs, {"spec", "type"})), AsStrings(delivery::kAll));
  EXPECT_EQ(Enum(SchemaAt(kResourceRoles, {"status", "deliveryType"})), AsStrings(delivery::kAll));
  EXPECT_EQ(Enum(SchemaAt(kResourceConfigs, {"spec", "eksIRSA", "oidcProvider", "management"})),
            AsStrings(management::kAll));
  EXPECT_EQ(Enum(SchemaAt(kResourceReplicaSets,
                          {"spec", "placementRefs", "[]", "rolloutStrategy", "type"})),
            AsStrings(rollout::kTypes));
  EXPECT_EQ(Enum(SchemaAt(kResourceReplicaSets, {"status", "clusters", "[]", "phase"})),
            AsStrings(phase::kAll));
  EXPECT_EQ(Enum(SchemaAt(kResourceReplicaSets, {"status", "failedClusters", "[]", "phase"})),
            AsStrings(phase::kAll));
  EXPECT_EQ(Enum(SchemaAt(kResourceRoles, {"status", "conditions", "[]", "status"})),
            (std::vector<std::string>{std::string(condition_status::kTrue),
                                      std::string(condition_status::kFalse),
                                      std::string(condition_status::kUnknown)}));
}

// Validates that the schema defaults of §9.1 are the ones defaults.h applies in code, with the
// same JSON types (§12.2 note 19).
TEST(CrdConstantsTest, SchemaDefaults_MatchConstants) {
  EXPECT_EQ(SchemaAt(kResourceOperatorConfigs, {"spec", "selfHostedIRSA"}).at("default"),
            Json::object());
  EXPECT_EQ(SchemaAt(kResourceOperatorConfigs, {"spec", "selfHostedIRSA", "webhookNamespace"})
                .at("default"),
            kDefaultWebhookNamespace);
  const Json strategy =
      SchemaAt(kResourceReplicaSets, {"spec", "placementRefs", "[]", "rolloutStrategy"});
  EXPECT_TRUE(JsonIdentical(Json{{"type", rollout::kTypeAll}}, strategy.at("default")));
  for (const char* variant : {"all", "progressive", "progressivePerGroup"}) {
    SCOPED_TRACE(variant);
    const Json& properties = strategy.at("properties").at(variant).at("properties");
    EXPECT_TRUE(JsonIdentical(Json(rollout::kDefaultMaxFailures),
                              properties.at("maxFailures").at("default")));
    EXPECT_TRUE(JsonIdentical(Json(rollout::kDefaultMinSuccessTime),
                              properties.at("minSuccessTime").at("default")));
    EXPECT_TRUE(JsonIdentical(Json(rollout::kDefaultProgressDeadline),
                              properties.at("progressDeadline").at("default")));
  }
}

// The quoted keys of the CEL list literal in a "!(k in [...])" rule of `schema`.
std::vector<std::string> ReservedKeysInRule(const Json& schema) {
  for (const Json& validation : schema.value("x-kubernetes-validations", Json::array())) {
    const std::string rule = validation.value("rule", "");
    const auto open = rule.find("k in [");
    if (open == std::string::npos) continue;
    std::vector<std::string> keys;
    std::size_t pos = open;
    const std::size_t close = rule.find(']', open);
    while ((pos = rule.find('\'', pos)) != std::string::npos && pos < close) {
      const std::size_t end = rule.find('\'', pos + 1);
      keys.push_back(rule.substr(pos + 1, end - pos - 1));
      pos = end + 1;
    }
    return keys;
  }
  ADD_FAILURE() << "no reserved-key rule found";
  return {};
}

// Validates that the CRD's CEL rules reserve exactly the template keys of constants.h, in the
// same (sorted) order (§5.3, §8.6).
TEST(CrdConstantsTest, ReservedTemplateKeys_MatchCelRules) {
  const std::initializer_list<std::string_view> metadata = {"spec", "template", "metadata"};
  const Json template_metadata = SchemaAt(kResourceReplicaSets, metadata);
  EXPECT_EQ(ReservedKeysInRule(template_metadata.at("properties").at("labels")),
            AsStrings(label::kReservedTemplateKeys));
  EXPECT_EQ(ReservedKeysInRule(template_metadata.at("properties").at("annotations")),
            AsStrings(annotation::kReservedTemplateKeys));
}

}  // namespace
}  // namespace awio::api::v1alpha1
