// The parts of our CRDs that appear more than once, and the rules api.md gives literally:
// shared sub-schemas (§1.5.1 conditions, §1.5.2 ACK resource status, the Role spec inside the
// ReplicaSet template, the OCM rollout blocks) are identical wherever used; CEL rules are the
// exact expressions of §2.2, §3.2, §4.2 and §5.3 in declaration order, each with a message that
// names what it checks; schema defaults are exactly those of §9.1; enums keep the CRD order.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crd_schema.h"
#include "crd_test_fixture.h"

namespace awio::test {
namespace {

using nlohmann::json;

const std::vector<std::string> kDeliveryTypes = {"SelfHostedIRSA", "EKSPodIdentity", "EKSIRSA"};
const std::vector<std::string> kConditionStatuses = {"True", "False", "Unknown"};
const std::vector<std::string> kClusterPhases = {"Pending", "Ready", "Conflict", "Failed",
                                                 "TimedOut"};
const std::vector<std::string> kRolloutBlocks = {"all", "progressive", "progressivePerGroup"};
const std::string kStrategy = "spec.placementRefs[].rolloutStrategy";

// Every path of `kind` whose node is a metav1.Condition list (not the ACK mirror of §1.5.2).
std::vector<std::string> ConditionListPaths(const std::string& kind) {
  std::vector<std::string> paths;
  for (const auto& node : SchemaNodes(CrdTest::Schema(kind))) {
    const bool is_conditions = node.path == "status.conditions" ||
                               node.path.ends_with(".conditions") ||
                               node.path.ends_with("].conditions");
    if (is_conditions && node.path.find("ackResources") == std::string::npos) {
      paths.push_back(node.path);
    }
  }
  return paths;
}

// Validates that every metav1.Condition list of every kind is the same schema, and that it is
// the one of api.md §1.5.1.
TEST_F(CrdTest, ConditionLists_AreOneSchemaEverywhere) {
  const json& reference = SchemaAt(kConfigKind, "status.conditions");
  ASSERT_TRUE(reference.is_object());
  EXPECT_EQ(reference.value("maxItems", 0), 32);
  EXPECT_EQ(reference.value("x-kubernetes-list-type", ""), "map");
  EXPECT_EQ(reference["items"].value("required", json()),
            json::parse(R"(["lastTransitionTime", "message", "reason", "status", "type"])"));
  const json& properties = reference["items"]["properties"];
  EXPECT_EQ(properties.size(), 6u);
  EXPECT_EQ(properties["lastTransitionTime"].value("format", ""), "date-time");
  EXPECT_EQ(properties["observedGeneration"].value("minimum", -1), 0);

  int lists = 0;
  for (const auto& kind : kAllKinds) {
    for (const auto& path : ConditionListPaths(kind)) {
      ++lists;
      EXPECT_EQ(SchemaAt(kind, path), reference) << kind << " " << path << " differs";
    }
  }
  // Config 1, Role 1, ReplicaSet 4 (top level, placements[], placements[].rollout, rollout).
  EXPECT_EQ(lists, 6);
}

// Validates that status.ackResources is the same schema on the Config and the Role, with the
// required keys of api.md §1.5.2, and that its conditions are the looser ACK mirror.
TEST_F(CrdTest, AckResourceStatus_IsOneSchemaOnConfigAndRole) {
  const json& config = SchemaAt(kConfigKind, "status.ackResources");
  ASSERT_TRUE(config.is_object());
  EXPECT_EQ(SchemaAt(kRoleKind, "status.ackResources"), config);
  EXPECT_EQ(config["items"].value("required", json()),
            json::parse(R"(["apiVersion", "kind", "name", "namespace"])"));
  const json& conditions = SchemaAt(kConfigKind, "status.ackResources[].conditions");
  EXPECT_EQ(conditions["items"].value("required", json()), json::parse(R"(["status", "type"])"));
  EXPECT_NE(conditions, SchemaAt(kConfigKind, "status.conditions"));
}

// Validates that the ReplicaSet template's spec is exactly the Role spec, CEL rules included
// (api.md §5.1).
TEST_F(CrdTest, ReplicaSetTemplateSpec_IsTheRoleSpec) {
  const json& role = SchemaAt(kRoleKind, "spec");
  ASSERT_TRUE(role.is_object());
  EXPECT_EQ(SchemaAt(kReplicaSetKind, "spec.template.spec"), role);
}

// Validates that the status fields the three status-bearing kinds share are one schema.
TEST_F(CrdTest, SharedStatusFields_AreOneSchema) {
  for (const char* kind : {kRoleKind, kReplicaSetKind}) {
    EXPECT_EQ(SchemaAt(kind, "status.observedGeneration"),
              SchemaAt(kConfigKind, "status.observedGeneration"))
        << kind;
  }
  EXPECT_EQ(SchemaAt(kRoleKind, "status.resolvedClusterName"),
            SchemaAt(kConfigKind, "status.resolvedClusterName"));
}

// Validates that the aggregate and per-placement rollout summaries are one schema holding the
// five counters and the conditions (api.md §5.4).
TEST_F(CrdTest, RolloutSummaries_AreOneSchema) {
  const json& summary = SchemaAt(kReplicaSetKind, "status.rollout");
  ASSERT_TRUE(summary.is_object());
  EXPECT_EQ(SchemaAt(kReplicaSetKind, "status.placements[].rollout"), summary);
  for (const char* counter : {"total", "updating", "succeeded", "failed", "timedOut"}) {
    EXPECT_EQ(summary["properties"][counter].value("format", ""), "int32") << counter;
  }
  EXPECT_EQ(summary["properties"].size(), 6u);
}

// Validates that failedClusters[] and clusters[] describe a cluster the same way.
TEST_F(CrdTest, ClusterEntries_ShareTheirCommonFields) {
  for (const char* field : {"clusterName", "phase", "reason", "message"}) {
    const std::string name = field;
    EXPECT_EQ(SchemaAt(kReplicaSetKind, "status.failedClusters[]." + name),
              SchemaAt(kReplicaSetKind, "status.clusters[]." + name))
        << field;
  }
}

// Validates that the three OCM rollout blocks share maxFailures, minSuccessTime and
// progressDeadline, and the two progressive ones share mandatoryDecisionGroups (api.md §5.2).
TEST_F(CrdTest, RolloutStrategyBlocks_ShareTheirCommonFields) {
  for (const char* field : {"maxFailures", "minSuccessTime", "progressDeadline"}) {
    const json& reference = SchemaAt(kReplicaSetKind, kStrategy + ".all." + field);
    ASSERT_TRUE(reference.is_object()) << field;
    for (const auto& block : kRolloutBlocks) {
      EXPECT_EQ(SchemaAt(kReplicaSetKind, kStrategy + "." + block + "." + field), reference)
          << block << "." << field;
    }
  }
  EXPECT_EQ(SchemaAt(kReplicaSetKind, kStrategy + ".progressive.mandatoryDecisionGroups"),
            SchemaAt(kReplicaSetKind, kStrategy + ".progressivePerGroup.mandatoryDecisionGroups"));
  EXPECT_EQ(SchemaAt(kReplicaSetKind, kStrategy + ".progressive.maxConcurrency")
                .value("x-kubernetes-int-or-string", false),
            true);
}

// Validates every enum of every kind, values in CRD order (api.md §1.5.3, §3.1, §5.2, §5.4).
TEST_F(CrdTest, Enums_MatchTheSpecInOrder) {
  std::map<std::string, std::map<std::string, std::vector<std::string>>> expected;
  expected[kOperatorConfigKind] = {};
  expected[kConfigKind] = {{"spec.type", kDeliveryTypes},
                           {"spec.eksIRSA.oidcProvider.management", {"Managed", "External"}}};
  expected[kRoleKind] = {{"status.deliveryType", kDeliveryTypes}};
  expected[kReplicaSetKind] = {{kStrategy + ".type", {"All", "Progressive", "ProgressivePerGroup"}},
                               {"status.failedClusters[].phase", kClusterPhases},
                               {"status.clusters[].phase", kClusterPhases}};
  for (const auto& kind : kAllKinds) {
    for (const auto& path : ConditionListPaths(kind)) {
      expected[kind][path + "[].status"] = kConditionStatuses;
    }
    if (kind == kConfigKind || kind == kRoleKind) {
      expected[kind]["status.ackResources[].conditions[].status"] = kConditionStatuses;
    }
  }

  for (const auto& kind : kAllKinds) {
    std::map<std::string, std::vector<std::string>> found;
    for (const auto& node : SchemaNodes(Schema(kind))) {
      if (node.schema->contains("enum")) {
        found[node.path] = (*node.schema)["enum"].get<std::vector<std::string>>();
      }
    }
    EXPECT_EQ(found, expected[kind]) << kind;
  }
}

struct CelLocation {
  std::string path;
  std::vector<std::string> rules;  // in declaration order
};

const std::string kNameRule = "self.metadata.name == 'default'";
const std::string kImmutable = "self == oldSelf";
const std::string kPolicyXor =
    "(has(self.policyARNs) && self.policyARNs.size() > 0) != has(self.policyDocument)";
const std::string kQualifiedKey =
    "self.all(k, size(k) <= 317 && "
    "k.matches('^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}"
    "[A-Za-z0-9])?$'))";

// api.md §2.2, §3.2, §4.2 and §5.3, verbatim.
std::map<std::string, std::vector<CelLocation>> ExpectedCel() {
  return {
      {kOperatorConfigKind,
       {{"", {kNameRule}}, {"spec.selfHostedIRSA.webhookNamespace", {kImmutable}}}},
      {kConfigKind,
       {{"", {kNameRule}},
        {"spec", {"has(self.eksIRSA) == (self.type == 'EKSIRSA')"}},
        {"spec.type", {kImmutable}},
        {"spec.region", {kImmutable}},
        {"spec.eksIRSA", {kImmutable}},
        {"spec.eksIRSA.oidcProvider",
         {"self.management == 'Managed' ? !has(self.arn) : has(self.arn)"}}}},
      {kRoleKind, {{"spec", {kPolicyXor}}, {"spec.serviceAccount", {kImmutable}}}},
      {kReplicaSetKind,
       {{"spec", {"self.template.spec.serviceAccount == oldSelf.template.spec.serviceAccount"}},
        {"spec.placementRefs[]",
         {"!has(self.rolloutStrategy.progressive) || "
          "!has(self.rolloutStrategy.progressive.mandatoryDecisionGroups) || "
          "size(self.rolloutStrategy.progressive.mandatoryDecisionGroups) <= 32",
          "!has(self.rolloutStrategy.progressivePerGroup) || "
          "!has(self.rolloutStrategy.progressivePerGroup.mandatoryDecisionGroups) || "
          "size(self.rolloutStrategy.progressivePerGroup.mandatoryDecisionGroups) <= 32"}},
        {"spec.template.metadata.labels",
         {kQualifiedKey,
          "self.all(k, !(k in ['app.kubernetes.io/managed-by',"
          "'aws.identity.appthrust.io/binding-uid','aws.identity.appthrust.io/config-uid',"
          "'aws.identity.appthrust.io/delivery','aws.identity.appthrust.io/inventory-namespace',"
          "'aws.identity.appthrust.io/owner-ref','aws.identity.appthrust.io/replicaset-uid',"
          "'aws.identity.appthrust.io/runtime','aws.identity.appthrust.io/service-account']))"}},
        {"spec.template.metadata.annotations",
         {kQualifiedKey, "self.all(k, !(k in ['aws.identity.appthrust.io/replicaset-owner-ref']))",
          "self.map(k, size(k) + size(self[k])).sum() <= 261120"}},
        {"spec.template.spec", {kPolicyXor}},
        {"spec.template.spec.serviceAccount", {kImmutable}}}},
  };
}

// Validates that the CEL rules of every kind are exactly the spec's, at the spec's locations and
// in declaration order, and nowhere else.
TEST_F(CrdTest, CelRules_AreExactlyTheSpecRulesInOrder) {
  for (const auto& [kind, locations] : ExpectedCel()) {
    std::map<std::string, std::vector<std::string>> expected;
    for (const auto& location : locations) expected[location.path] = location.rules;
    std::map<std::string, std::vector<std::string>> found;
    for (const auto& node : SchemaNodes(Schema(kind))) {
      if (!node.schema->contains("x-kubernetes-validations")) continue;
      for (const auto& rule : (*node.schema)["x-kubernetes-validations"]) {
        found[node.path].push_back(rule.value("rule", ""));
      }
    }
    EXPECT_EQ(found, expected) << kind;
  }
}

struct MessageTokens {
  std::string kind;
  std::string path;
  std::size_t index;
  std::vector<std::string> tokens;
};

// What the messages must mention so a user can act on a rejection (api.md §2.2-§5.3).
const std::vector<MessageTokens> kMessageTokens = {
    {kOperatorConfigKind, "", 0, {"metadata.name", "default"}},
    {kOperatorConfigKind, "spec.selfHostedIRSA.webhookNamespace", 0, {"immutable"}},
    {kConfigKind, "", 0, {"metadata.name", "default"}},
    {kConfigKind, "spec", 0, {"eksIRSA", "EKSIRSA"}},
    {kConfigKind, "spec.type", 0, {"immutable"}},
    {kConfigKind, "spec.region", 0, {"immutable"}},
    {kConfigKind, "spec.eksIRSA", 0, {"immutable"}},
    {kConfigKind, "spec.eksIRSA.oidcProvider", 0, {"arn", "Managed", "External"}},
    {kRoleKind, "spec", 0, {"policyARNs", "policyDocument"}},
    {kRoleKind, "spec.serviceAccount", 0, {"immutable"}},
    {kReplicaSetKind, "spec", 0, {"template.spec.serviceAccount", "immutable"}},
    {kReplicaSetKind,
     "spec.placementRefs[]",
     0,
     {"rolloutStrategy.progressive.mandatoryDecisionGroups", "32"}},
    {kReplicaSetKind,
     "spec.placementRefs[]",
     1,
     {"rolloutStrategy.progressivePerGroup.mandatoryDecisionGroups", "32"}},
    {kReplicaSetKind, "spec.template.metadata.labels", 0, {"label key", "qualified name"}},
    {kReplicaSetKind,
     "spec.template.metadata.labels",
     1,
     {"reserved", "app.kubernetes.io/managed-by", "aws.identity.appthrust.io/binding-uid",
      "aws.identity.appthrust.io/config-uid", "aws.identity.appthrust.io/delivery",
      "aws.identity.appthrust.io/inventory-namespace", "aws.identity.appthrust.io/owner-ref",
      "aws.identity.appthrust.io/replicaset-uid", "aws.identity.appthrust.io/runtime",
      "aws.identity.appthrust.io/service-account"}},
    {kReplicaSetKind,
     "spec.template.metadata.annotations",
     0,
     {"annotation key", "qualified name"}},
    {kReplicaSetKind,
     "spec.template.metadata.annotations",
     1,
     {"reserved", "aws.identity.appthrust.io/replicaset-owner-ref"}},
    {kReplicaSetKind, "spec.template.metadata.annotations", 2, {"261120"}},
    {kReplicaSetKind, "spec.template.spec", 0, {"policyARNs", "policyDocument"}},
    {kReplicaSetKind, "spec.template.spec.serviceAccount", 0, {"immutable"}},
};

// Validates that every CEL rule has a fixed message (no messageExpression) that mentions the
// fields, keys and limits a user needs to fix the object.
TEST_F(CrdTest, CelMessages_NameWhatTheRuleChecks) {
  std::size_t checked = 0;
  for (const auto& expected : kMessageTokens) {
    SCOPED_TRACE(expected.kind + " " + expected.path + " rule " + std::to_string(expected.index));
    const json& rules =
        SchemaAt(expected.kind, expected.path).value("x-kubernetes-validations", json::array());
    ASSERT_LT(expected.index, rules.size());
    const json& rule = rules[expected.index];
    EXPECT_FALSE(rule.contains("messageExpression"));
    const std::string message = rule.value("message", "");
    for (const auto& token : expected.tokens) {
      EXPECT_NE(message.find(token), std::string::npos) << "message lacks \"" << token << "\"";
    }
    ++checked;
  }
  std::size_t total = 0;
  for (const auto& [kind, locations] : ExpectedCel()) {
    for (const auto& location : locations) total += location.rules.size();
  }
  EXPECT_EQ(checked, total) << "every rule needs a row in kMessageTokens";
}

// Validates that the schema defaults are exactly those of api.md §9.1, with their JSON types
// (maxFailures is the integer 0, minSuccessTime the string "0").
TEST_F(CrdTest, Defaults_AreExactlyTheSpecDefaults) {
  std::map<std::string, std::map<std::string, json>> expected;
  expected[kOperatorConfigKind] = {
      {"spec.selfHostedIRSA", json::object()},
      {"spec.selfHostedIRSA.webhookNamespace", "aws-pod-identity-webhook"}};
  expected[kConfigKind] = {};
  expected[kRoleKind] = {};
  expected[kReplicaSetKind] = {{kStrategy, json::parse(R"({"type": "All"})")},
                               {kStrategy + ".type", "All"}};
  for (const auto& block : kRolloutBlocks) {
    expected[kReplicaSetKind][kStrategy + "." + block + ".maxFailures"] = 0;
    expected[kReplicaSetKind][kStrategy + "." + block + ".minSuccessTime"] = "0";
    expected[kReplicaSetKind][kStrategy + "." + block + ".progressDeadline"] = "None";
  }

  for (const auto& kind : kAllKinds) {
    std::map<std::string, json> found;
    for (const auto& node : SchemaNodes(Schema(kind))) {
      if (node.schema->contains("default")) found[node.path] = (*node.schema)["default"];
    }
    EXPECT_EQ(found, expected[kind]) << kind;
    for (const auto& [path, value] : found) {
      if (expected[kind].count(path) == 0) continue;
      EXPECT_STREQ(value.type_name(), expected[kind][path].type_name()) << kind << " " << path;
    }
  }
}

}  // namespace
}  // namespace awio::test
