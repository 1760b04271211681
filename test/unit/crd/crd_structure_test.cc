// Structural invariants of our CRD schemas that a reader would otherwise check by eye, plus the
// bounds and patterns api.md pins: every `required` entry exists, list-map keys are required
// properties of their items, every node has a type, every pattern is one of the named
// patterns of api.md §1.4, lists and string fields carry the bounds of §1.5, §2-§5 and §6.2,
// status integers are never negative (§11.13), and unknown fields survive only where §6.3 says.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "crd_schema.h"
#include "crd_test_fixture.h"

namespace awio::test {
namespace {

using nlohmann::json;

// api.md §1.4, decoded.
const std::map<std::string, std::string> kNamedPatterns = {
    {"P-DNS-LABEL", R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?$)"},
    {"P-DNS-SUBDOMAIN", R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)"},
    {"P-POLICY-ARN", R"(^arn:aws[a-z0-9-]*:iam::(aws|[0-9]{12}):policy/[\w+=,.@/-]+$)"},
    {"P-ROLE-ARN", R"(^arn:aws[a-z0-9-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$)"},
    {"P-OIDC-ARN",
     R"(^arn:aws[a-z0-9-]*:iam::[0-9]{12}:oidc-provider/[A-Za-z0-9._~%!$&'()*+,;=:@/-]+$)"},
    {"P-REGION", R"(^[a-z]{2,}-[a-z0-9-]+-[0-9]+$)"},
    {"P-EKS-ISSUER",
     R"(^https://oidc\.eks\.[a-z]{2,}-[a-z0-9-]+-[0-9]+\.[a-z0-9.-]+/id/[A-Z0-9]+$)"},
    {"P-CLUSTER-ID",
     R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)"},
    {"P-ISSUER-HOSTPATH",
     R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$)"},
    {"P-COND-TYPE",
     R"(^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$)"},
    {"P-COND-REASON", R"(^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$)"},
    {"P-LABEL-VALUE", R"(^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$)"},
    {"P-HTTPS", R"(^https://.+$)"},
    {"P-KEY-ID", R"(^[A-Za-z0-9_-]+$)"},
    {"P-DIGEST", R"(^sha256:[0-9a-f]{64}$)"},
    {"P-OCM-INT-OR-PCT", R"(^((100|[0-9]{1,2})%|[0-9]+)$)"},
    {"P-OCM-DURATION", R"(^(([0-9])+[h|m|s])|None$)"},
};

constexpr int kNone = -1;  // no such bound in the schema

struct StringShape {
  std::string kind;
  std::string path;
  std::string pattern;  // a name from kNamedPatterns, or "" for none
  int min_length;
  int max_length;
};

// The string fields whose pattern and length bounds api.md pins (§1.5, §2.1, §3.1, §3.3, §4.1,
// §4.3, §5.1, §5.2, §5.4 and the shape requirements at the end of §11.13).
const std::vector<StringShape> kStringShapes = {
    {kOperatorConfigKind, "spec.permissionsBoundaryARN", "P-POLICY-ARN", 1, 2048},
    {kOperatorConfigKind, "spec.selfHostedIRSA.webhookNamespace", "P-DNS-LABEL", 1, 63},
    {kConfigKind, "spec.region", "P-REGION", 1, 32},
    {kConfigKind, "spec.eksIRSA.issuerURL", "P-EKS-ISSUER", 1, 256},
    {kConfigKind, "spec.eksIRSA.oidcProvider.arn", "P-OIDC-ARN", 1, 2048},
    {kConfigKind, "status.selfHostedIssuer.bucketName", "P-DNS-LABEL", 1, 63},
    {kConfigKind, "status.selfHostedIssuer.publication.bucketName", "P-DNS-LABEL", 1, 63},
    {kConfigKind, "status.selfHostedIssuer.publication.issuerURL", "P-HTTPS", 1, 2048},
    {kConfigKind, "status.selfHostedIssuer.publication.signingKeyID", "P-KEY-ID", 1, 128},
    {kConfigKind, "status.selfHostedIssuer.publication.objectSetDigest", "P-DIGEST", kNone, kNone},
    {kConfigKind, "status.issuerHostPath", "P-ISSUER-HOSTPATH", kNone, 2048},
    {kConfigKind, "status.oidcProviderARN", "P-OIDC-ARN", kNone, 2048},
    {kConfigKind, "status.resolvedClusterName", "P-CLUSTER-ID", kNone, 507},
    {kConfigKind, "status.webhookRuntimeNamespace", "P-DNS-LABEL", kNone, 63},
    {kConfigKind, "status.ackResources[].apiVersion", "", 1, 316},
    {kConfigKind, "status.ackResources[].kind", "", 1, 63},
    {kConfigKind, "status.ackResources[].namespace", "P-DNS-LABEL", 1, 63},
    {kConfigKind, "status.ackResources[].name", "P-DNS-SUBDOMAIN", 1, 253},
    {kConfigKind, "status.ackResources[].conditions[].type", "P-COND-TYPE", 1, 316},
    {kConfigKind, "status.ackResources[].conditions[].reason", "", kNone, 1024},
    {kConfigKind, "status.ackResources[].conditions[].message", "", kNone, 32768},
    {kConfigKind, "status.conditions[].type", "P-COND-TYPE", kNone, 316},
    {kConfigKind, "status.conditions[].reason", "P-COND-REASON", 1, 1024},
    {kConfigKind, "status.conditions[].message", "", kNone, 32768},
    {kRoleKind, "spec.serviceAccount.namespace", "P-DNS-LABEL", 1, 63},
    {kRoleKind, "spec.serviceAccount.name", "P-DNS-SUBDOMAIN", 1, 253},
    {kRoleKind, "spec.policyARNs[]", "P-POLICY-ARN", 1, 2048},
    {kRoleKind, "status.roleARN", "P-ROLE-ARN", kNone, 2048},
    {kRoleKind, "status.generatedPolicyARN", "P-POLICY-ARN", kNone, 2048},
    {kRoleKind, "status.resolvedClusterName", "P-CLUSTER-ID", kNone, 507},
    {kReplicaSetKind, "spec.placementRefs[].name", "P-DNS-SUBDOMAIN", 1, 253},
    {kReplicaSetKind, "spec.placementRefs[].rolloutStrategy.all.progressDeadline", "P-OCM-DURATION",
     kNone, kNone},
    {kReplicaSetKind, "spec.template.metadata.labels{}", "P-LABEL-VALUE", kNone, 63},
    {kReplicaSetKind, "spec.template.metadata.annotations{}", "", kNone, 262144},
    {kReplicaSetKind, "status.placements[].name", "P-DNS-SUBDOMAIN", 1, 253},
    {kReplicaSetKind, "status.placements[].availableDecisionGroups", "", kNone, 1024},
    {kReplicaSetKind, "status.failedClusters[].clusterName", "P-DNS-SUBDOMAIN", 1, 253},
    {kReplicaSetKind, "status.failedClusters[].reason", "", kNone, 1024},
    {kReplicaSetKind, "status.failedClusters[].message", "", kNone, 32768},
    {kReplicaSetKind, "status.clusters[].clusterName", "P-DNS-SUBDOMAIN", 1, 253},
    {kReplicaSetKind, "status.clusters[].namespace", "P-DNS-SUBDOMAIN", kNone, 253},
    {kReplicaSetKind, "status.clusters[].name", "P-DNS-SUBDOMAIN", kNone, 253},
};

struct ListShape {
  std::string path;
  std::string list_type;  // "" when the schema leaves it out (atomic)
  std::vector<std::string> map_keys;
  int max_items;
  int min_items;
};

const ListShape kConditionList = {"", "map", {"type"}, 32, kNone};

ListShape At(std::string path, ListShape shape) {
  shape.path = std::move(path);
  return shape;
}

// Every array of every kind, with its list type, keys and bounds (api.md §6.2).
std::map<std::string, std::vector<ListShape>> ExpectedLists() {
  const ListShape ack = {
      "status.ackResources", "map", {"apiVersion", "kind", "namespace", "name"}, 16, kNone};
  const ListShape policy_arns = {"spec.policyARNs", "set", {}, 10, kNone};
  const std::string groups = "spec.placementRefs[].rolloutStrategy.";
  return {
      {kOperatorConfigKind, {}},
      {kConfigKind,
       {At("status.conditions", kConditionList), ack,
        At("status.ackResources[].conditions", kConditionList)}},
      {kRoleKind,
       {policy_arns, At("status.conditions", kConditionList), ack,
        At("status.ackResources[].conditions", kConditionList)}},
      {kReplicaSetKind,
       {{"spec.placementRefs", "map", {"name"}, 16, 1},
        {groups + "progressive.mandatoryDecisionGroups", "", {}, kNone, kNone},
        {groups + "progressivePerGroup.mandatoryDecisionGroups", "", {}, kNone, kNone},
        At("spec.template.spec.policyARNs", policy_arns),
        {"status.placements", "map", {"name"}, 16, kNone},
        At("status.placements[].conditions", kConditionList),
        At("status.placements[].rollout.conditions", kConditionList),
        At("status.rollout.conditions", kConditionList),
        {"status.failedClusters", "map", {"clusterName"}, 50, kNone},
        {"status.clusters", "map", {"clusterName"}, 100, kNone},
        At("status.conditions", kConditionList)}},
  };
}

int IntOr(const json& schema, const char* key, int fallback) {
  return schema.contains(key) ? schema[key].get<int>() : fallback;
}

// Validates that every name listed in a `required` is declared in the same node's properties.
TEST_F(CrdTest, Required_EveryEntryIsADeclaredProperty) {
  for (const auto& kind : kAllKinds) {
    for (const auto& node : SchemaNodes(Schema(kind))) {
      if (!node.schema->contains("required")) continue;
      for (const auto& name : (*node.schema)["required"]) {
        EXPECT_TRUE(node.schema->contains("properties") &&
                    (*node.schema)["properties"].contains(name.get<std::string>()))
            << kind << " " << node.path << " requires undeclared " << name;
      }
    }
  }
}

// Validates that every node is structural: it has a type, or it is an int-or-string with the
// anyOf integer/string pair, and every array has items.
TEST_F(CrdTest, Nodes_AreStructural) {
  const json int_or_string = json::parse(R"([{"type": "integer"}, {"type": "string"}])");
  for (const auto& kind : kAllKinds) {
    for (const auto& node : SchemaNodes(Schema(kind))) {
      SCOPED_TRACE(kind + " " + node.path);
      const json& schema = *node.schema;
      if (schema.value("x-kubernetes-int-or-string", false)) {
        EXPECT_FALSE(schema.contains("type"));
        EXPECT_EQ(schema.value("anyOf", json()), int_or_string);
        continue;
      }
      ASSERT_TRUE(schema.contains("type"));
      if (schema["type"] == "array") {
        EXPECT_TRUE(schema.contains("items"));
      }
      if (schema["type"] == "integer") {
        const std::string format = schema.value("format", "");
        EXPECT_TRUE(format == "int32" || format == "int64") << "integer without a width";
      }
    }
  }
}

// Validates that every pattern in our CRDs is, character for character, one of the named
// patterns of api.md §1.4, so a typo or a YAML escaping slip cannot pass unnoticed.
TEST_F(CrdTest, Patterns_AreNamedSpecPatterns) {
  std::set<std::string> known;
  for (const auto& [name, pattern] : kNamedPatterns) known.insert(pattern);
  for (const auto& kind : kAllKinds) {
    for (const auto& node : SchemaNodes(Schema(kind))) {
      if (!node.schema->contains("pattern")) continue;
      EXPECT_EQ(known.count((*node.schema)["pattern"].get<std::string>()), 1u)
          << kind << " " << node.path << " has unknown pattern " << (*node.schema)["pattern"];
    }
  }
}

// Validates the pattern and length bounds of every string field api.md pins.
TEST_F(CrdTest, StringFields_HaveTheSpecPatternsAndLengths) {
  for (const auto& shape : kStringShapes) {
    SCOPED_TRACE(shape.kind + " " + shape.path);
    const json* schema = FindSchema(Schema(shape.kind), shape.path);
    ASSERT_NE(schema, nullptr);
    EXPECT_EQ(schema->value("type", ""), "string");
    const std::string pattern = shape.pattern.empty() ? "" : kNamedPatterns.at(shape.pattern);
    EXPECT_EQ(schema->value("pattern", ""), pattern);
    EXPECT_EQ(IntOr(*schema, "minLength", kNone), shape.min_length);
    EXPECT_EQ(IntOr(*schema, "maxLength", kNone), shape.max_length);
  }
}

// Validates that the arrays of each kind are exactly those of api.md §6.2, with their list
// types, map keys and item bounds, so a new list cannot appear without bounds.
TEST_F(CrdTest, Lists_MatchTheListTable) {
  for (const auto& [kind, expected] : ExpectedLists()) {
    std::map<std::string, const json*> arrays;
    for (const auto& node : SchemaNodes(Schema(kind))) {
      if (node.schema->value("type", "") == "array") arrays[node.path] = node.schema;
    }
    std::set<std::string> expected_paths;
    for (const auto& shape : expected) {
      SCOPED_TRACE(kind + " " + shape.path);
      expected_paths.insert(shape.path);
      ASSERT_EQ(arrays.count(shape.path), 1u) << "no such array";
      const json& schema = *arrays[shape.path];
      EXPECT_EQ(schema.value("x-kubernetes-list-type", ""), shape.list_type);
      EXPECT_EQ(schema.value("x-kubernetes-list-map-keys", std::vector<std::string>()),
                shape.map_keys);
      EXPECT_EQ(IntOr(schema, "maxItems", kNone), shape.max_items);
      EXPECT_EQ(IntOr(schema, "minItems", kNone), shape.min_items);
    }
    for (const auto& [path, schema] : arrays) {
      EXPECT_EQ(expected_paths.count(path), 1u) << kind << " has an array not in §6.2: " << path;
    }
  }
}

// Validates that the keys of every list-map are required properties of its items (the API
// server needs them to merge), and that set lists hold scalars.
TEST_F(CrdTest, ListMapKeys_AreRequiredPropertiesOfTheItems) {
  for (const auto& kind : kAllKinds) {
    for (const auto& node : SchemaNodes(Schema(kind))) {
      SCOPED_TRACE(kind + " " + node.path);
      const json& schema = *node.schema;
      const std::string list_type = schema.value("x-kubernetes-list-type", "");
      if (list_type != "map") {
        EXPECT_FALSE(schema.contains("x-kubernetes-list-map-keys"));
      }
      if (list_type == "set") {
        EXPECT_NE(schema["items"].value("type", ""), "object");
      }
      if (list_type != "map") continue;
      const auto keys = schema.value("x-kubernetes-list-map-keys", std::vector<std::string>());
      ASSERT_FALSE(keys.empty());
      const auto required = schema["items"].value("required", std::vector<std::string>());
      for (const auto& key : keys) {
        EXPECT_TRUE(schema["items"]["properties"].contains(key)) << key;
        EXPECT_NE(std::find(required.begin(), required.end(), key), required.end()) << key;
      }
    }
  }
}

// Validates that maps (labels, annotations) are bounded to 64 entries (api.md §5.1).
TEST_F(CrdTest, TemplateMetadataMaps_AreBoundedTo64Entries) {
  for (const char* path : {"spec.template.metadata.labels", "spec.template.metadata.annotations"}) {
    const json* schema = FindSchema(Schema(kReplicaSetKind), path);
    ASSERT_NE(schema, nullptr) << path;
    EXPECT_EQ(IntOr(*schema, "maxProperties", kNone), 64) << path;
    EXPECT_EQ((*schema)["additionalProperties"].value("type", ""), "string") << path;
  }
  const json* metadata = FindSchema(Schema(kReplicaSetKind), "spec.template.metadata");
  ASSERT_NE(metadata, nullptr);
  EXPECT_EQ((*metadata)["properties"].size(), 2u) << "only labels and annotations are kept";
}

// Validates that every integer in a status is bounded below by 0 (api.md §11.13).
TEST_F(CrdTest, StatusIntegers_HaveMinimumZero) {
  for (const auto& kind : kAllKinds) {
    for (const auto& node : SchemaNodes(Schema(kind))) {
      if (node.path.rfind("status", 0) != 0 || node.schema->value("type", "") != "integer") {
        continue;
      }
      EXPECT_EQ(node.schema->value("minimum", -1), 0) << kind << " " << node.path;
    }
  }
}

// Validates that unknown fields are kept only in the policy documents (api.md §6.3), and that
// a policy document must be a non-empty object (§4.1).
TEST_F(CrdTest, PreserveUnknownFields_OnlyOnPolicyDocuments) {
  const std::map<std::string, std::set<std::string>> expected = {
      {kOperatorConfigKind, {}},
      {kConfigKind, {}},
      {kRoleKind, {"spec.policyDocument"}},
      {kReplicaSetKind, {"spec.template.spec.policyDocument"}},
  };
  for (const auto& [kind, paths] : expected) {
    std::set<std::string> found;
    for (const auto& node : SchemaNodes(Schema(kind))) {
      if (!node.schema->value("x-kubernetes-preserve-unknown-fields", false)) continue;
      found.insert(node.path);
      EXPECT_EQ(node.schema->value("type", ""), "object") << node.path;
      EXPECT_EQ(node.schema->value("minProperties", 0), 1) << node.path;
    }
    EXPECT_EQ(found, paths) << kind;
  }
}

}  // namespace
}  // namespace awio::test
