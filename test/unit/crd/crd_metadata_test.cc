// Checks the identity of our four CRDs against api.md §1.1-§1.2 and their printer columns
// against §2.3, §3.4, §4.4 and §5.5: file names, names, scope, version, subresources, the root
// schema's shape, and that every printer column reads a field the schema declares.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crd_schema.h"
#include "crd_test_fixture.h"

namespace awio::test {
namespace {

using nlohmann::json;

struct KindNames {
  std::string kind;
  std::string plural;
  std::string short_name;
  std::string scope;
  bool has_status;
};

// api.md §1.1.
const std::vector<KindNames> kKindNames = {
    {kOperatorConfigKind, "awsworkloadidentityoperatorconfigs", "awioc", "Cluster", false},
    {kConfigKind, "awsworkloadidentityconfigs", "awic", "Namespaced", true},
    {kRoleKind, "awsserviceaccountroles", "awsar", "Namespaced", true},
    {kReplicaSetKind, "awsserviceaccountrolereplicasets", "awsarrs", "Namespaced", true},
};

std::string Lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

struct Column {
  std::string name;
  std::string type;
  std::string json_path;
  int priority;
};

// api.md §2.3, §3.4, §4.4, §5.5, in order.
const std::string kReadyStatus = R"(.status.conditions[?(@.type=="Ready")].status)";
const std::string kReadyReason = R"(.status.conditions[?(@.type=="Ready")].reason)";
const std::string kAge = ".metadata.creationTimestamp";

std::vector<Column> ExpectedColumns(const std::string& kind) {
  if (kind == kOperatorConfigKind) {
    return {{"Webhook-Namespace", "string", ".spec.selfHostedIRSA.webhookNamespace", 0},
            {"Permissions-Boundary", "string", ".spec.permissionsBoundaryARN", 1},
            {"Age", "date", kAge, 0}};
  }
  if (kind == kConfigKind) {
    return {{"Type", "string", ".spec.type", 0},
            {"Region", "string", ".spec.region", 0},
            {"Ready", "string", kReadyStatus, 0},
            {"Reason", "string", kReadyReason, 1},
            {"Issuer", "string", ".status.issuerHostPath", 1},
            {"Age", "date", kAge, 0}};
  }
  if (kind == kRoleKind) {
    return {{"ServiceAccount", "string", ".spec.serviceAccount.name", 0},
            {"SA-Namespace", "string", ".spec.serviceAccount.namespace", 1},
            {"Delivery", "string", ".status.deliveryType", 0},
            {"Ready", "string", kReadyStatus, 0},
            {"Reason", "string", kReadyReason, 1},
            {"RoleARN", "string", ".status.roleARN", 1},
            {"Age", "date", kAge, 0}};
  }
  return {{"Desired", "integer", ".status.desiredClusterCount", 0},
          {"ReadyClusters", "integer", ".status.readyClusterCount", 0},
          {"Failed", "integer", ".status.failureCount", 0},
          {"Conflicts", "integer", ".status.conflictCount", 1},
          {"Stale", "integer", ".status.staleClusterCount", 1},
          {"Ready", "string", kReadyStatus, 0},
          {"Reason", "string", kReadyReason, 1},
          {"Age", "date", kAge, 0}};
}

// A printer-column JSONPath turned into our schema path: ".a.b[?(@.type==\"X\")].c" gives
// "a.b[].c", and each filter's field ("type") is recorded as "a.b[].type" so that it can be
// checked too. Returns false for a JSONPath we do not understand.
bool ToSchemaPaths(const std::string& json_path, std::string& path,
                   std::vector<std::string>& filter_paths) {
  path.clear();
  std::size_t i = 0;
  while (i < json_path.size()) {
    if (json_path[i] != '.') return false;
    const std::size_t start = ++i;
    while (i < json_path.size() && json_path[i] != '.' && json_path[i] != '[') ++i;
    if (i == start) return false;
    path += (path.empty() ? "" : ".") + json_path.substr(start, i - start);
    if (i < json_path.size() && json_path[i] == '[') {
      const std::size_t close = json_path.find(']', i);
      if (close == std::string::npos) return false;
      const std::string filter = json_path.substr(i + 1, close - i - 1);
      path += "[]";
      if (filter.rfind("?(@.", 0) == 0) {
        const std::size_t end = filter.find_first_of("=!<>", 4);
        if (end == std::string::npos) return false;
        filter_paths.push_back(path + "." + filter.substr(4, end - 4));
      }
      i = close + 1;
    }
  }
  return !path.empty();
}

// The fields of ObjectMeta a printer column may read; our schemas leave metadata open.
bool IsObjectMetaField(const std::string& path) {
  return path == "metadata.creationTimestamp" || path == "metadata.name" ||
         path == "metadata.namespace";
}

// Validates that the directory holds exactly our four CRDs and nothing else.
TEST_F(CrdTest, Directory_HoldsExactlyTheFourKinds) {
  std::vector<std::string> kinds;
  for (const auto& file : Files())
    kinds.push_back(file.crd.value("/spec/names/kind"_json_pointer, ""));
  std::sort(kinds.begin(), kinds.end());
  std::vector<std::string> expected = kAllKinds;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(kinds, expected);
}

// Validates that each file is a v1 CustomResourceDefinition named <plural>.<group> in a file
// named <group>_<plural>.yaml (api.md §1.1).
TEST_F(CrdTest, FileAndObjectNames_FollowGroupAndPlural) {
  for (const auto& file : Files()) {
    const json& crd = file.crd;
    SCOPED_TRACE(file.path.filename().string());
    EXPECT_EQ(crd.value("apiVersion", ""), "apiextensions.k8s.io/v1");
    EXPECT_EQ(crd.value("kind", ""), "CustomResourceDefinition");
    const std::string plural = crd.value("/spec/names/plural"_json_pointer, "");
    EXPECT_EQ(crd.value("/spec/group"_json_pointer, ""), kGroup);
    EXPECT_EQ(crd.value("/metadata/name"_json_pointer, ""), plural + "." + kGroup);
    EXPECT_EQ(file.path.filename().string(), std::string(kGroup) + "_" + plural + ".yaml");
  }
}

// Validates the names, scope and short names of every kind (api.md §1.1).
TEST_F(CrdTest, Names_MatchTheKindTable) {
  for (const auto& expected : kKindNames) {
    SCOPED_TRACE(expected.kind);
    const json& crd = Crd(expected.kind);
    ASSERT_FALSE(crd.is_null());
    const json& names = crd["spec"]["names"];
    EXPECT_EQ(names.value("plural", ""), expected.plural);
    EXPECT_EQ(names.value("singular", ""), Lowercase(expected.kind));
    EXPECT_EQ(names.value("listKind", ""), expected.kind + "List");
    EXPECT_EQ(names.value("shortNames", json()), json::array({expected.short_name}));
    EXPECT_FALSE(names.contains("categories")) << "api.md §1.1 lists no categories";
    EXPECT_EQ(crd["spec"].value("scope", ""), expected.scope);
  }
}

// Validates that each CRD has the one version v1alpha1, served and stored, and no conversion
// webhook (api.md §1.2).
TEST_F(CrdTest, Versions_OnlyV1alpha1ServedAndStored) {
  for (const auto& file : Files()) {
    SCOPED_TRACE(file.path.filename().string());
    const json& versions = file.crd["spec"]["versions"];
    ASSERT_EQ(versions.size(), 1u);
    EXPECT_EQ(versions[0].value("name", ""), "v1alpha1");
    EXPECT_EQ(versions[0].value("served", false), true);
    EXPECT_EQ(versions[0].value("storage", false), true);
    EXPECT_FALSE(file.crd["spec"].contains("conversion"));
  }
}

// Validates that the kinds with a status have the status subresource and a status property,
// and that the operator config has neither (api.md §1.1, §2.1).
TEST_F(CrdTest, StatusSubresource_PresentExactlyWhereTheKindHasStatus) {
  for (const auto& expected : kKindNames) {
    SCOPED_TRACE(expected.kind);
    const json& version = Crd(expected.kind)["spec"]["versions"][0];
    ASSERT_TRUE(version.contains("subresources"));
    const json& schema = Schema(expected.kind);
    if (expected.has_status) {
      EXPECT_EQ(version["subresources"], json::parse(R"({"status": {}})"));
      EXPECT_TRUE(schema["properties"].contains("status"));
    } else {
      EXPECT_EQ(version["subresources"], json::object());
      EXPECT_FALSE(schema["properties"].contains("status"));
    }
  }
}

// Validates the root schema shape shared by all four kinds: an object that requires spec,
// with string apiVersion and kind and an unconstrained metadata object (api.md §1.2).
TEST_F(CrdTest, RootSchema_RequiresSpecAndLeavesMetadataOpen) {
  for (const auto& kind : kAllKinds) {
    SCOPED_TRACE(kind);
    const json& schema = Schema(kind);
    ASSERT_TRUE(schema.is_object());
    EXPECT_EQ(schema.value("type", ""), "object");
    EXPECT_EQ(schema.value("required", json()), json::array({"spec"}));
    const json& properties = schema["properties"];
    EXPECT_EQ(properties["apiVersion"].value("type", ""), "string");
    EXPECT_EQ(properties["kind"].value("type", ""), "string");
    EXPECT_EQ(properties["metadata"], json::parse(R"({"type": "object"})"));
    EXPECT_EQ(properties["spec"].value("type", ""), "object");
  }
}

// Validates the printer columns of every kind, in order, with types and priorities
// (api.md §2.3, §3.4, §4.4, §5.5).
TEST_F(CrdTest, PrinterColumns_MatchTheSpecInOrder) {
  for (const auto& kind : kAllKinds) {
    SCOPED_TRACE(kind);
    const json& columns =
        Crd(kind)["spec"]["versions"][0].value("additionalPrinterColumns", json());
    const auto expected = ExpectedColumns(kind);
    ASSERT_EQ(columns.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(columns[i].value("name", ""), expected[i].name);
      EXPECT_EQ(columns[i].value("type", ""), expected[i].type) << expected[i].name;
      EXPECT_EQ(columns[i].value("jsonPath", ""), expected[i].json_path) << expected[i].name;
      EXPECT_EQ(columns[i].value("priority", 0), expected[i].priority) << expected[i].name;
    }
  }
}

// Validates that every printer column reads a field the schema declares, with the column's
// type, and that filter fields such as @.type exist in the filtered list's items.
TEST_F(CrdTest, PrinterColumns_ResolveToSchemaPropertiesOfTheSameType) {
  for (const auto& kind : kAllKinds) {
    const json& schema = Schema(kind);
    const json& columns =
        Crd(kind)["spec"]["versions"][0].value("additionalPrinterColumns", json());
    for (const auto& column : columns) {
      const std::string json_path = column.value("jsonPath", "");
      SCOPED_TRACE(kind + " column " + column.value("name", "") + " " + json_path);
      std::string path;
      std::vector<std::string> filter_paths;
      ASSERT_TRUE(ToSchemaPaths(json_path, path, filter_paths));
      if (IsObjectMetaField(path)) continue;
      const json* node = FindSchema(schema, path);
      ASSERT_NE(node, nullptr) << "no schema property " << path;
      EXPECT_EQ(node->value("type", ""), column.value("type", ""));
      for (const auto& filter_path : filter_paths) {
        EXPECT_NE(FindSchema(schema, filter_path), nullptr) << "no schema property " << filter_path;
      }
    }
  }
}

}  // namespace
}  // namespace awio::test
