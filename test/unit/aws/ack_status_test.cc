// Tests of the ACK status readers in src/aws/ack_status.h against role-controller spec §7 and
// config-controller spec §4.4, §4.6 and §8.5.1.
#include "aws/ack_status.h"

#include <gtest/gtest.h>

namespace awio::aws {
namespace {

Json AckObject(Json conditions, Json metadata = nullptr) {
  Json object = {{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
                 {"kind", "Role"},
                 {"metadata", {{"name", "awi-wlc-a-app-366495dc46"}, {"namespace", "wlc-a"}}},
                 {"status", {{"conditions", std::move(conditions)}}}};
  if (!metadata.is_null()) object["status"]["ackResourceMetadata"] = std::move(metadata);
  return object;
}

// Validates §7.1: only ACK.ResourceSynced=True counts as synced; null entries, other types
// (including Ready=True) and other statuses do not.
TEST(IsAckSynced, OnlyResourceSyncedTrueCounts) {
  struct Case {
    std::string name;
    Json conditions;
    bool synced;
  };
  const Case cases[] = {
      {"synced", Json::parse(R"([{"type":"ACK.ResourceSynced","status":"True"}])"), true},
      {"null entry first", Json::parse(R"([null,{"type":"ACK.ResourceSynced","status":"True"}])"),
       true},
      {"false", Json::parse(R"([{"type":"ACK.ResourceSynced","status":"False"}])"), false},
      {"unknown", Json::parse(R"([{"type":"ACK.ResourceSynced","status":"Unknown"}])"), false},
      {"ready only", Json::parse(R"([{"type":"Ready","status":"True"}])"), false},
      {"terminal only", Json::parse(R"([{"type":"ACK.Terminal","status":"True"}])"), false},
      {"no conditions", Json::array(), false},
      {"conditions not a list", Json::object(), false},
  };
  for (const Case& c : cases) EXPECT_EQ(IsAckSynced(AckObject(c.conditions)), c.synced) << c.name;
  EXPECT_FALSE(IsAckSynced(Json::object()));
  EXPECT_FALSE(IsAckSynced(Json()));
}

// Validates the terminal and recoverable readers and FindAckCondition's copy of fields.
TEST(AckConditions, TerminalRecoverableAndFind) {
  const Json object = AckObject(Json::parse(R"([
    {"type":"ACK.Terminal","status":"True","reason":"InvalidParameter","message":"bad input",
     "lastTransitionTime":"2026-01-02T03:04:05Z"},
    {"type":"ACK.Recoverable","status":"False"}])"));
  EXPECT_TRUE(IsAckTerminal(object));
  EXPECT_FALSE(IsAckRecoverable(object));
  auto terminal = FindAckCondition(object, kAckTerminal);
  ASSERT_TRUE(terminal.has_value());
  EXPECT_EQ(*terminal, (AckCondition{.type = "ACK.Terminal",
                                     .status = "True",
                                     .last_transition_time = "2026-01-02T03:04:05Z",
                                     .reason = "InvalidParameter",
                                     .message = "bad input"}));
  EXPECT_FALSE(FindAckCondition(object, kAckResourceSynced).has_value());
  EXPECT_TRUE(
      IsAckRecoverable(AckObject(Json::parse(R"([{"type":"ACK.Recoverable","status":"True"}])"))));
}

// Validates §7.2: the ARN comes from status.ackResourceMetadata.arn, empty when missing.
TEST(AckArn, ReadsMetadataArnOrEmpty) {
  EXPECT_EQ(AckArn(AckObject(Json::array(), {{"arn", "arn:aws:iam::123456789012:role/app"}})),
            "arn:aws:iam::123456789012:role/app");
  EXPECT_EQ(AckArn(AckObject(Json::array(), {{"ownerAccountID", "123456789012"}})), "");
  EXPECT_EQ(AckArn(AckObject(Json::array())), "");
  EXPECT_EQ(AckArn(AckObject(Json::array(), {{"arn", 7}})), "");
  EXPECT_EQ(AckArn(Json()), "");
}

// Validates §7.3 / config §4.6: the entry names the object and copies every non-null condition
// in order; lastTransitionTime only when present; empty reason and message are omitted; no
// conditions means no list.
TEST(AckResourceEntry, CopiesConditionsInOrder) {
  const Json object = AckObject(Json::parse(R"([
    {"type":"ACK.ResourceSynced","status":"True","lastTransitionTime":"2026-01-02T03:04:05Z",
     "message":"Resource synced successfully","reason":""},
    null,
    {"type":"ACK.Adopted","status":"False","reason":"r"}])"));
  EXPECT_EQ(AckResourceEntry(object), Json::parse(R"({
    "apiVersion":"iam.services.k8s.aws/v1alpha1","kind":"Role","namespace":"wlc-a",
    "name":"awi-wlc-a-app-366495dc46",
    "conditions":[
      {"type":"ACK.ResourceSynced","status":"True","lastTransitionTime":"2026-01-02T03:04:05Z",
       "message":"Resource synced successfully"},
      {"type":"ACK.Adopted","status":"False","reason":"r"}]})"));
  EXPECT_FALSE(AckResourceEntry(AckObject(Json::array())).contains("conditions"));
}

// Validates the upsert and removal rules of §7.3: same (apiVersion, kind, namespace, name)
// replaces in place, anything else appends; removal by kind drops all entries of that kind.
TEST(AckResourceEntries, UpsertInPlaceAppendAndRemoveByKind) {
  Json entries;  // null becomes a list
  const Json role = {{"apiVersion", "iam.services.k8s.aws/v1alpha1"},
                     {"kind", "Role"},
                     {"namespace", "wlc-a"},
                     {"name", "r"}};
  Json policy = role;
  policy["kind"] = "Policy";
  Json pia = {{"apiVersion", "eks.services.k8s.aws/v1alpha1"},
              {"kind", "PodIdentityAssociation"},
              {"namespace", "wlc-a"},
              {"name", "awi-pia-app"}};
  UpsertAckResourceEntry(entries, role);
  UpsertAckResourceEntry(entries, policy);
  UpsertAckResourceEntry(entries, pia);
  Json updated_role = role;
  updated_role["conditions"] = Json::parse(R"([{"type":"ACK.ResourceSynced","status":"True"}])");
  UpsertAckResourceEntry(entries, updated_role);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0], updated_role);
  EXPECT_EQ(entries[1], policy);
  Json other_namespace = role;
  other_namespace["namespace"] = "wlc-b";
  UpsertAckResourceEntry(entries, other_namespace);
  EXPECT_EQ(entries.size(), 4u);

  EXPECT_TRUE(RemoveAckResourceEntries(entries, "PodIdentityAssociation"));
  EXPECT_FALSE(RemoveAckResourceEntries(entries, "PodIdentityAssociation"));
  EXPECT_TRUE(RemoveAckResourceEntries(entries, "Policy"));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]["kind"], "Role");
  EXPECT_EQ(entries[1]["kind"], "Role");
  Json not_a_list = "x";
  EXPECT_FALSE(RemoveAckResourceEntries(not_a_list, "Role"));
}

// Validates the condition mapping of role-controller §7.4 for each child's kind label and the
// config controller's Bucket and OIDC provider wording (§8.5.1 steps 5 and 10).
TEST(AckReadinessOf, MappingTable) {
  struct Case {
    std::string_view label;
    bool synced;
    bool identifier;
    bool ready;
    std::string_view reason;
    std::string message;
  };
  const Case cases[] = {
      {kIamRoleKindLabel, true, true, true, "ACKResourceSynced", "IAM Role is synced by ACK"},
      {kIamRoleKindLabel, false, true, false, "ACKResourceNotSynced",
       "waiting for ACK IAM Role sync"},
      {kIamRoleKindLabel, false, false, false, "ACKResourceNotSynced",
       "waiting for ACK IAM Role sync"},
      {kIamRoleKindLabel, true, false, false, "ACKResourceIdentifierPending",
       "ACK reports IAM Role as synced but its identifier has not been observed yet"},
      {kGeneratedPolicyKindLabel, true, false, false, "ACKResourceIdentifierPending",
       "ACK reports generated IAM Policy as synced but its identifier has not been observed yet"},
      {kPodIdentityAssociationKindLabel, true, true, true, "ACKResourceSynced",
       "EKS PodIdentityAssociation is synced by ACK"},
      {kBucketKindLabel, true, true, true, "ACKResourceSynced", "S3 Bucket is synced by ACK"},
      {kBucketKindLabel, false, true, false, "ACKResourceNotSynced",
       "waiting for ACK S3 Bucket sync"},
      {kOidcProviderKindLabel, false, false, false, "ACKResourceNotSynced",
       "waiting for ACK IAM OpenIDConnectProvider sync"},
      {kOidcProviderKindLabel, true, false, false, "ACKResourceIdentifierPending",
       "ACK reports IAM OpenIDConnectProvider as synced but its identifier has not been observed "
       "yet"},
      {kOidcProviderKindLabel, true, true, true, "ACKResourceSynced",
       "IAM OpenIDConnectProvider is synced by ACK"},
  };
  for (const Case& c : cases) {
    const AckReadiness readiness = AckReadinessOf(c.label, c.synced, c.identifier);
    EXPECT_EQ(readiness.ready, c.ready) << c.message;
    EXPECT_EQ(readiness.reason, c.reason) << c.message;
    EXPECT_EQ(readiness.message, c.message);
  }
}

}  // namespace
}  // namespace awio::aws
