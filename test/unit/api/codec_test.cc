// Tests of what the codec (src/api/v1alpha1/codec.h) puts into the typed model and writes out
// of it: field values after decoding, JSON built from hand-made structs, the fields it keeps
// or drops, the string entry points and the error table for malformed input.
#include "api/v1alpha1/codec.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "json_test_util.h"

namespace awio::api::v1alpha1 {
namespace {

using test::JsonIdentical;
using test::YamlToJson;

// Validates that a decoded Role exposes the spec values of spec/api.md §11.1 BASE-ROLE.
TEST(CodecTest, DecodeRole_BaseRole_ExposesTypedFields) {
  Result<Role> role = DecodeRole(YamlToJson(R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata: {name: demo, namespace: wlc-a, generation: 7, labels: {a: b}}
spec:
  serviceAccount: {namespace: default, name: demo}
  policyARNs: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
)"));
  ASSERT_TRUE(role.ok()) << role.error().message;
  EXPECT_EQ(role->metadata.name, "demo");
  EXPECT_EQ(role->metadata.ns, "wlc-a");
  EXPECT_EQ(role->metadata.generation, 7);
  EXPECT_EQ(role->metadata.labels, (StringMap{{"a", "b"}}));
  EXPECT_TRUE(role->metadata.unmodeled.empty());
  EXPECT_FALSE(role->metadata.IsBeingDeleted());
  EXPECT_EQ(role->spec.service_account.ns, "default");
  EXPECT_EQ(role->spec.service_account.name, "demo");
  ASSERT_TRUE(role->spec.policy_arns.has_value());
  EXPECT_EQ(*role->spec.policy_arns,
            std::vector<std::string>{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"});
  EXPECT_FALSE(role->spec.policy_document.has_value());
  EXPECT_FALSE(role->status.has_value());
}

// Validates that an empty policyARNs list stays distinct from an absent one (the §4.2 XOR
// rule treats `[]` as absent, so callers must be able to see which they have).
TEST(CodecTest, DecodeRole_EmptyPolicyARNs_IsPresentAndEmpty) {
  Result<Role> role = DecodeRole(YamlToJson(R"(
kind: AWSServiceAccountRole
spec: {serviceAccount: {namespace: default, name: demo}, policyARNs: [], policyDocument: {a: 1}}
)"));
  ASSERT_TRUE(role.ok()) << role.error().message;
  ASSERT_TRUE(role->spec.policy_arns.has_value());
  EXPECT_TRUE(role->spec.policy_arns->empty());
  ASSERT_TRUE(role->spec.policy_document.has_value());
  EXPECT_EQ(*role->spec.policy_document, Json({{"a", 1}}));
}

// Validates that int-or-string fields keep their JSON type: maxFailures 0 (integer, the schema
// default, §12.2 note 19) and "0" (string) decode to different alternatives.
TEST(CodecTest, DecodeReplicaSet_IntOrString_KeepsJsonType) {
  Result<ReplicaSet> rs = DecodeReplicaSet(YamlToJson(R"(
kind: AWSServiceAccountRoleReplicaSet
spec:
  placementRefs:
    - name: p
      rolloutStrategy:
        type: Progressive
        progressive: {maxFailures: 0, maxConcurrency: "25%",
                      mandatoryDecisionGroups: [{groupName: g, groupIndex: 3}]}
        progressivePerGroup: {maxFailures: "0"}
  template: {spec: {serviceAccount: {namespace: n, name: s}}}
)"));
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  const RolloutStrategy& strategy = *rs->spec.placement_refs.at(0).rollout_strategy;
  EXPECT_EQ(strategy.type, std::optional<std::string>("Progressive"));
  EXPECT_FALSE(strategy.all.has_value());
  EXPECT_EQ(strategy.progressive->config.max_failures, IntOrString(0));
  EXPECT_EQ(strategy.progressive->max_concurrency, IntOrString("25%"));
  EXPECT_EQ(strategy.progressive_per_group->config.max_failures, IntOrString("0"));
  EXPECT_FALSE(strategy.progressive->config.min_success_time.has_value());
  const auto& groups = *strategy.progressive->mandatory_decision_groups;
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].group_name, std::optional<std::string>("g"));
  EXPECT_EQ(groups[0].group_index, std::optional<std::int32_t>(3));
  EXPECT_FALSE(rs->spec.role_template.metadata.has_value());
}

// Validates that objects built in code encode to the JSON a client would send, with
// apiVersion and kind filled in and absent optionals left out.
TEST(CodecTest, Encode_HandBuiltObjects_WritesExpectedJson) {
  Role role;
  role.metadata.name = "demo";
  role.metadata.ns = "wlc-a";
  role.metadata.finalizers = {std::string(finalizer::kRole)};
  role.spec.service_account = {.ns = "default", .name = "demo"};
  role.spec.policy_document = Json::parse(R"({"Version":"2012-10-17","Statement":[]})");
  role.status = RoleStatus{
      .observed_generation = 1,
      .conditions = std::vector<Condition>{{.type = "Ready",
                                            .status = "True",
                                            .observed_generation = 1,
                                            .last_transition_time = "2025-01-01T00:00:00Z",
                                            .reason = "Ready",
                                            .message = ""}},
      .delivery_type = std::string(delivery::kEKSIRSA)};
  EXPECT_TRUE(JsonIdentical(YamlToJson(R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRole
metadata:
  name: demo
  namespace: wlc-a
  finalizers: [aws.identity.appthrust.io/service-account-role-finalizer]
spec:
  serviceAccount: {namespace: default, name: demo}
  policyDocument: {Version: "2012-10-17", Statement: []}
status:
  observedGeneration: 1
  conditions:
    - {type: Ready, status: "True", observedGeneration: 1,
       lastTransitionTime: "2025-01-01T00:00:00Z", reason: Ready, message: ""}
  deliveryType: EKSIRSA
)"),
                            Encode(role)));

  OperatorConfig config;
  config.metadata.name = std::string(kSingletonName);
  EXPECT_TRUE(JsonIdentical(YamlToJson(R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityOperatorConfig
metadata: {name: default}
spec: {}
)"),
                            Encode(config)));

  ReplicaSet rs;
  rs.metadata.name = "rs";
  rs.spec.placement_refs = {{.name = "production",
                             .rollout_strategy = RolloutStrategy{
                                 .type = std::string(rollout::kTypeAll),
                                 .all = RolloutAll{.config = {.max_failures = IntOrString(0),
                                                              .min_success_time = "0",
                                                              .progress_deadline = "None"}}}}};
  rs.spec.role_template.spec.service_account = {.ns = "kube-system", .name = "lbc"};
  rs.spec.role_template.spec.policy_arns = std::vector<std::string>{};
  EXPECT_TRUE(JsonIdentical(YamlToJson(R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: rs}
spec:
  placementRefs:
    - name: production
      rolloutStrategy:
        type: All
        all: {maxFailures: 0, minSuccessTime: "0", progressDeadline: None}
  template:
    spec:
      serviceAccount: {namespace: kube-system, name: lbc}
      policyARNs: []
)"),
                            Encode(rs)));
}

// Validates that metadata fields the model does not know survive a change of a modelled one,
// and that a modelled field set in code replaces the empty value kept from the input.
TEST(CodecTest, ObjectMeta_EditModelledField_KeepsUnmodeledAndOverridesEmptyValue) {
  Result<Config> config = DecodeConfig(YamlToJson(R"(
kind: AWSWorkloadIdentityConfig
metadata:
  name: default
  namespace: wlc-a
  labels: {}
  managedFields: [{manager: m}]
spec: {type: SelfHostedIRSA, region: us-east-1}
)"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->metadata.labels.empty());
  config->metadata.labels["team"] = "a";
  config->metadata.annotations[std::string(annotation::kForceDelete)] = "true";

  const Json metadata = Encode(*config)["metadata"];
  EXPECT_TRUE(JsonIdentical(YamlToJson(R"(
name: default
namespace: wlc-a
labels: {team: a}
annotations: {aws.identity.appthrust.io/force-delete: "true"}
managedFields: [{manager: m}]
)"),
                            metadata));
}

// Validates that the deletion timestamp marks an object as being deleted.
TEST(CodecTest, ObjectMeta_DeletionTimestamp_MarksBeingDeleted) {
  Result<ObjectMeta> meta =
      DecodeObjectMeta(Json{{"name", "x"}, {"deletionTimestamp", "2025-01-01T00:00:00Z"}});
  ASSERT_TRUE(meta.ok()) << meta.error().message;
  EXPECT_TRUE(meta->IsBeingDeleted());
  EXPECT_EQ(meta->deletion_timestamp, "2025-01-01T00:00:00Z");
}

// Validates that unknown fields are dropped everywhere the CRD prunes them (spec, status,
// nested objects, template metadata: §1.2, §5.1) and kept where it preserves them
// (policyDocument, §6.3, and object metadata).
TEST(CodecTest, UnknownFields_DroppedWherePrunedAndKeptInPolicyDocumentAndMetadata) {
  const Json input = YamlToJson(R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: rs, futureField: {x: 1}}
unknownTopLevel: 1
spec:
  unknownSpecField: x
  placementRefs:
    - {name: p, extra: 1, rolloutStrategy: {type: All, all: {extra: 2}}}
  template:
    metadata: {name: pruned, labels: {a: b}}
    spec:
      serviceAccount: {namespace: n, name: s, extra: 3}
      policyDocument: {Version: "2012-10-17", UnknownPolicyKey: {kept: [1, "two"]}}
status: {observedGeneration: 1, unknownStatusField: true}
)");
  Result<ReplicaSet> rs = DecodeReplicaSet(input);
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  EXPECT_TRUE(JsonIdentical(YamlToJson(R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSServiceAccountRoleReplicaSet
metadata: {name: rs, futureField: {x: 1}}
spec:
  placementRefs:
    - {name: p, rolloutStrategy: {type: All, all: {}}}
  template:
    metadata: {labels: {a: b}}
    spec:
      serviceAccount: {namespace: n, name: s}
      policyDocument: {Version: "2012-10-17", UnknownPolicyKey: {kept: [1, "two"]}}
status: {observedGeneration: 1}
)"),
                            Encode(*rs)));
}

// Validates that a JSON null counts as an absent optional field, as in Go's decoder, and
// that the API server's pruning of nulls is mirrored on encode.
TEST(CodecTest, NullOptionalField_DecodesAsAbsent) {
  Result<Role> role = DecodeRole(YamlToJson(R"(
kind: AWSServiceAccountRole
metadata: {name: demo}
spec: {serviceAccount: {namespace: n, name: s}, policyARNs: null, policyDocument: {a: null}}
status: null
)"));
  ASSERT_TRUE(role.ok()) << role.error().message;
  EXPECT_FALSE(role->spec.policy_arns.has_value());
  EXPECT_FALSE(role->status.has_value());
  // A null inside the free-form document is a value and is kept.
  EXPECT_TRUE(JsonIdentical(Json{{"a", nullptr}}, *role->spec.policy_document));
}

// Validates that an input without apiVersion and kind decodes, and that Encode always writes
// both, since a request body without them is refused by the API server.
TEST(CodecTest, MissingTypeMeta_DecodesAndEncodeWritesIt) {
  Result<Config> config = DecodeConfig(Json::parse(R"({"spec":{"type":"EKSIRSA","region":"r"}})"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  const Json out = Encode(*config);
  EXPECT_EQ(out["apiVersion"], "aws.identity.appthrust.io/v1alpha1");
  EXPECT_EQ(out["kind"], "AWSWorkloadIdentityConfig");
  EXPECT_EQ(out["metadata"], Json::object());
}

// Validates that Decode<T> dispatches to the decoder of each kind.
TEST(CodecTest, DecodeTemplate_EachKind_DecodesThatKind) {
  const Json role = YamlToJson(R"(
kind: AWSServiceAccountRole
spec: {serviceAccount: {namespace: n, name: s}}
)");
  EXPECT_TRUE(Decode<Role>(role).ok());
  Result<Config> wrong = Decode<Config>(role);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message,
            R"(kind: expected "AWSWorkloadIdentityConfig", got "AWSServiceAccountRole")");
  EXPECT_TRUE(Decode<OperatorConfig>(Json{{"spec", Json::object()}}).ok());
  EXPECT_TRUE(Decode<ReplicaSet>(YamlToJson(R"(
spec: {placementRefs: [], template: {spec: {serviceAccount: {namespace: n, name: s}}}}
)"))
                  .ok());
}

// Validates that the string entry points round-trip non-ASCII text byte for byte.
TEST(CodecTest, DecodeFromString_EncodeToString_RoundTripsUnicode) {
  const std::string text =
      R"({"apiVersion":"aws.identity.appthrust.io/v1alpha1","kind":"AWSServiceAccountRole",)"
      R"("metadata":{"name":"demo"},"spec":{"policyDocument":{"Sid":"ポリシー🚀\u00e9",)"
      R"("n":[1,2.5,-3]},"serviceAccount":{"name":"s","namespace":"n"}}})";
  Result<Role> role = DecodeFromString<Role>(text);
  ASSERT_TRUE(role.ok()) << role.error().message;
  EXPECT_EQ((*role->spec.policy_document)["Sid"], "ポリシー🚀é");
  const std::string again = EncodeToString(*role);
  EXPECT_NE(again.find("ポリシー🚀é"), std::string::npos) << again;
  EXPECT_TRUE(JsonIdentical(Json::parse(text), Json::parse(again)));
}

// Validates that text that is not JSON is refused with kInvalid and the parser's position.
TEST(CodecTest, DecodeFromString_MalformedJson_IsInvalid) {
  Result<Role> role = DecodeFromString<Role>(R"({"spec": {)");
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(role.error().message.rfind("malformed JSON: ", 0), 0u) << role.error().message;
}

// Validates that a string holding invalid UTF-8 (only possible in values built in code) is
// written with a replacement character instead of failing.
TEST(CodecTest, EncodeToString_InvalidUtf8_IsReplaced) {
  Role role;
  role.spec.service_account = {.ns = "n", .name = std::string("bad\xff")};
  const std::string text = EncodeToString(role);
  EXPECT_NE(text.find("bad\xEF\xBF\xBD"), std::string::npos) << text;
}

struct BadInput {
  std::string_view name;
  std::string_view kind;  // which decoder
  std::string_view json;
  std::string_view message;
};
void PrintTo(const BadInput& v, std::ostream* os) { *os << v.name; }

Result<Ok> DecodeAs(std::string_view kind, const Json& input) {
  auto status = [](const auto& result) -> Result<Ok> {
    if (!result.ok()) return result.error();
    return Ok{};
  };
  if (kind == "OperatorConfig") return status(DecodeOperatorConfig(input));
  if (kind == "Config") return status(DecodeConfig(input));
  if (kind == "Role") return status(DecodeRole(input));
  return status(DecodeReplicaSet(input));
}

class CodecErrorTest : public ::testing::TestWithParam<BadInput> {};

// Validates that a malformed object is refused with kInvalid and a message that starts with
// the path of the offending field.
TEST_P(CodecErrorTest, Decode_MalformedInput_NamesPath) {
  const Json input = Json::parse(GetParam().json);
  Result<Ok> result = DecodeAs(GetParam().kind, input);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(result.error().message, GetParam().message);
}

// Minimal valid parts the table below breaks one at a time.
#define RS_TEMPLATE R"("template":{"spec":{"serviceAccount":{"namespace":"n","name":"s"}}})"
#define ROLE_SA R"("serviceAccount":{"namespace":"n","name":"s"})"

const BadInput kBadInputs[] = {
    {"IntOrStringGivenObject", "ReplicaSet",
     R"({"spec":{"placementRefs":[{"name":"a"},{"name":"b","rolloutStrategy":{"progressive":)"
     R"({"maxFailures":{}}}}],)" RS_TEMPLATE "}}",
     "spec.placementRefs[1].rolloutStrategy.progressive.maxFailures: expected integer or "
     "string, got object"},
    {"IntOrStringGivenFloat", "ReplicaSet",
     R"({"spec":{"placementRefs":[{"name":"a","rolloutStrategy":{"all":{"maxFailures":1.5}}}],)" RS_TEMPLATE
     "}}",
     "spec.placementRefs[0].rolloutStrategy.all.maxFailures: expected integer or string, got "
     "number"},
    {"IntOrStringBeyondInt32", "ReplicaSet",
     R"({"spec":{"placementRefs":[{"name":"a","rolloutStrategy":{"progressive":)"
     R"({"maxConcurrency":2147483648}}}],)" RS_TEMPLATE "}}",
     "spec.placementRefs[0].rolloutStrategy.progressive.maxConcurrency: integer 2147483648 "
     "does not fit in int32"},
    {"MaxConcurrencyGivenBoolean", "ReplicaSet",
     R"({"spec":{"placementRefs":[{"name":"a","rolloutStrategy":{"progressive":)"
     R"({"maxConcurrency":true}}}],)" RS_TEMPLATE "}}",
     "spec.placementRefs[0].rolloutStrategy.progressive.maxConcurrency: expected integer or "
     "string, got boolean"},
    {"GroupIndexGivenString", "ReplicaSet",
     R"({"spec":{"placementRefs":[{"name":"a","rolloutStrategy":{"progressivePerGroup":)"
     R"({"mandatoryDecisionGroups":[{"groupIndex":0},{"groupIndex":"1"}]}}}],)" RS_TEMPLATE "}}",
     "spec.placementRefs[0].rolloutStrategy.progressivePerGroup.mandatoryDecisionGroups[1]."
     "groupIndex: expected integer, got string"},
    {"PlacementRefsGivenObject", "ReplicaSet",
     R"({"spec":{"placementRefs":{"name":"a"},)" RS_TEMPLATE "}}",
     "spec.placementRefs: expected array, got object"},
    {"PlacementRefWithoutName", "ReplicaSet", R"({"spec":{"placementRefs":[{}],)" RS_TEMPLATE "}}",
     "spec.placementRefs[0].name: required field is missing"},
    {"TemplateMissing", "ReplicaSet", R"({"spec":{"placementRefs":[]}})",
     "spec.template: required field is missing"},
    {"TemplateLabelValueGivenNumber", "ReplicaSet",
     R"({"spec":{"placementRefs":[],"template":{"metadata":{"labels":{"app":1}},)"
     R"("spec":{)" ROLE_SA "}}}}",
     R"(spec.template.metadata.labels["app"]: expected string, got number)"},
    {"TemplatePolicyDocumentGivenArray", "ReplicaSet",
     R"({"spec":{"placementRefs":[],"template":{"spec":{)" ROLE_SA R"(,"policyDocument":[]}}}})",
     "spec.template.spec.policyDocument: expected object, got array"},
    {"StatusCounterBeyondInt32", "ReplicaSet",
     R"({"spec":{"placementRefs":[],)" RS_TEMPLATE R"(},"status":{"failureCount":2147483648}})",
     "status.failureCount: integer 2147483648 does not fit in int32"},
    {"StatusRolloutCounterGivenString", "ReplicaSet",
     R"({"spec":{"placementRefs":[],)" RS_TEMPLATE
     R"(},"status":{"placements":[{"name":"p","rollout":{"timedOut":"1"}}]}})",
     "status.placements[0].rollout.timedOut: expected integer, got string"},
    {"ClusterStatusWithoutPhase", "ReplicaSet",
     R"({"spec":{"placementRefs":[],)" RS_TEMPLATE
     R"(},"status":{"clusters":[{"clusterName":"c"}]}})",
     "status.clusters[0].phase: required field is missing"},
    {"SpecMissing", "Role", R"({"kind":"AWSServiceAccountRole","metadata":{"name":"x"}})",
     "spec: required field is missing"},
    {"SpecNull", "Role", R"({"spec":null})", "spec: required field is missing"},
    {"ServiceAccountNameMissing", "Role", R"({"spec":{"serviceAccount":{"namespace":"n"}}})",
     "spec.serviceAccount.name: required field is missing"},
    {"PolicyDocumentGivenString", "Role",
     R"({"spec":{)" ROLE_SA R"(,"policyDocument":"{\"Version\":\"2012-10-17\"}"}})",
     "spec.policyDocument: expected object, got string"},
    {"PolicyDocumentGivenArray", "Role",
     R"({"spec":{)" ROLE_SA R"(,"policyDocument":[{"Version":"2012-10-17"}]}})",
     "spec.policyDocument: expected object, got array"},
    {"PolicyARNGivenNumber", "Role", R"({"spec":{)" ROLE_SA R"(,"policyARNs":["a",7]}})",
     "spec.policyARNs[1]: expected string, got number"},
    {"ConditionWithoutLastTransitionTime", "Role",
     R"({"spec":{)" ROLE_SA
     R"(},"status":{"conditions":[{"type":"Ready","status":"True","reason":"Ready","message":""}]}})",
     "status.conditions[0].lastTransitionTime: required field is missing"},
    {"ACKConditionWithoutStatus", "Role",
     R"({"spec":{)" ROLE_SA
     R"(},"status":{"ackResources":[{"apiVersion":"a","kind":"k","namespace":"n","name":"x",)"
     R"("conditions":[{"type":"ACK.ResourceSynced"}]}]}})",
     "status.ackResources[0].conditions[0].status: required field is missing"},
    {"ObservedGenerationGivenFloat", "Config",
     R"({"spec":{"type":"EKSIRSA","region":"r"},"status":{"observedGeneration":1.0}})",
     "status.observedGeneration: expected integer, got number"},
    {"ObservedGenerationBeyondInt64", "Config",
     R"({"spec":{"type":"EKSIRSA","region":"r"},"status":{"observedGeneration":18446744073709551615}})",
     "status.observedGeneration: integer 18446744073709551615 does not fit in int64"},
    {"ManagementMissing", "Config",
     R"({"spec":{"type":"EKSIRSA","region":"r","eksIRSA":{"issuerURL":"u","oidcProvider":{}}}})",
     "spec.eksIRSA.oidcProvider.management: required field is missing"},
    {"RegionGivenNumber", "Config", R"({"spec":{"type":"EKSIRSA","region":1}})",
     "spec.region: expected string, got number"},
    {"PublicationWithoutDigest", "Config",
     R"({"spec":{"type":"t","region":"r"},"status":{"selfHostedIssuer":{"bucketName":"b",)"
     R"("publication":{"bucketName":"b","issuerURL":"u","signingKeyID":"k"}}}})",
     "status.selfHostedIssuer.publication.objectSetDigest: required field is missing"},
    {"WebhookNamespaceGivenObject", "OperatorConfig",
     R"({"spec":{"selfHostedIRSA":{"webhookNamespace":{}}}})",
     "spec.selfHostedIRSA.webhookNamespace: expected string, got object"},
    {"SpecGivenArray", "OperatorConfig", R"({"spec":[]})", "spec: expected object, got array"},
    {"TopLevelArray", "Role", R"([])", "AWSServiceAccountRole: expected object, got array"},
    {"WrongAPIVersion", "Role", R"({"apiVersion":"aws.identity.appthrust.io/v1beta1","spec":{}})",
     R"(apiVersion: expected "aws.identity.appthrust.io/v1alpha1", got )"
     R"("aws.identity.appthrust.io/v1beta1")"},
    {"KindGivenNumber", "Config", R"({"kind":3,"spec":{}})", "kind: expected string, got number"},
    {"MetadataGivenString", "Role", R"({"metadata":"x","spec":{}})",
     "metadata: expected object, got string"},
    {"MetadataLabelGivenBoolean", "Role", R"({"metadata":{"labels":{"a":true}},"spec":{}})",
     R"(metadata.labels["a"]: expected string, got boolean)"},
    {"MetadataFinalizerGivenNumber", "Role", R"({"metadata":{"finalizers":["f",1]},"spec":{}})",
     "metadata.finalizers[1]: expected string, got number"},
    {"OwnerReferenceWithoutUID", "Role",
     R"({"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"K","name":"n"}]},"spec":{}})",
     "metadata.ownerReferences[0].uid: required field is missing"},
    {"GenerationGivenString", "Role", R"({"metadata":{"generation":"1"},"spec":{}})",
     "metadata.generation: expected integer, got string"},
};
#undef RS_TEMPLATE
#undef ROLE_SA

INSTANTIATE_TEST_SUITE_P(Table, CodecErrorTest, ::testing::ValuesIn(kBadInputs),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace awio::api::v1alpha1
