// Tests of the semantic comparison and apply planning in src/aws/ack_diff.h (role-controller
// spec §4.1-§4.2, config-controller spec §4.1-§4.4): an unchanged object is never rewritten,
// what we own is enforced, and what others fill in is left alone.
#include "aws/ack_diff.h"

#include <gtest/gtest.h>

#include "aws/ack_objects.h"

namespace awio::aws {
namespace {

const OwnerIdentity kRole{"wlc-a", "app", "role-uid"};
const OwnerIdentity kConfig{"wlc-a", "default", "config-uid"};

Json DesiredRole() {
  return BuildIamRole(
      {.role = kRole,
       .service_account = {"default", "app"},
       .delivery = "SelfHostedIRSA",
       .trust_policy =
           R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity"}]})",
       .policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"}});
}

// What the API server and ACK return for an object we created: server metadata, ACK's
// finalizer and annotations, status.
Json AsStored(Json object) {
  object["metadata"]["resourceVersion"] = "4711";
  object["metadata"]["uid"] = "0b7c-uid";
  object["metadata"]["generation"] = 2;
  object["metadata"]["creationTimestamp"] = "2026-01-02T03:04:05Z";
  object["metadata"]["finalizers"] = {"finalizers.iam.services.k8s.aws/Role"};
  object["metadata"]["annotations"] = {{"services.k8s.aws/region", "us-east-1"}};
  object["metadata"]["managedFields"] = Json::parse(
      R"([{"manager":"aws-workload-identity-operator","operation":"Update","apiVersion":"v1"}])");
  object["status"] = Json::parse(R"({
    "ackResourceMetadata":{"arn":"arn:aws:iam::123456789012:role/x","ownerAccountID":"123456789012"},
    "conditions":[{"type":"ACK.ResourceSynced","status":"True"}]})");
  return object;
}

ApplyPlan Plan(const Json& observed, const Json& desired) {
  auto plan = PlanApply(observed, desired);
  EXPECT_TRUE(plan.ok()) << plan.error().message;
  return plan.ok() ? std::move(plan).value() : ApplyPlan{};
}

// The object an RFC 7386 PATCH with `plan.merge_patch` would leave on the server.
Json Patched(Json observed, const ApplyPlan& plan) {
  observed.merge_patch(plan.merge_patch);
  return observed;
}

// Validates §4.2 step 2: nothing observed means CREATE of the desired object.
TEST(PlanApply, NothingObserved_Creates) {
  const ApplyPlan plan = Plan(nullptr, DesiredRole());
  EXPECT_EQ(plan.action, ApplyPlan::Action::kCreate);
  EXPECT_EQ(plan.object, DesiredRole());
}

// Validates §4.2 step 3 ("Equal -> unchanged, no write"): server-filled metadata, ACK's
// finalizer and annotations, status, key order and number spelling do not cause a write.
TEST(PlanApply, StoredCopyOfDesired_IsUnchanged) {
  Json observed = AsStored(DesiredRole());
  observed["spec"]["maxSessionDuration"] = 3600.0;  // same number, other spelling
  const ApplyPlan plan = Plan(observed, DesiredRole());
  EXPECT_EQ(plan.action, ApplyPlan::Action::kNone);
  EXPECT_EQ(plan.object, observed);
}

// Validates the semantic treatment of JSON documents in strings: a trust policy, policy
// document or bucket policy with other white space or key order is equal; a changed one is not.
TEST(PlanApply, PolicyDocumentStrings_ComparedAsJson) {
  struct Case {
    Json desired;
    std::string pointer;
  };
  const Case cases[] = {
      {DesiredRole(), "/spec/assumeRolePolicyDocument"},
      {BuildIamPolicy({.role = kRole,
                       .service_account = {"default", "app"},
                       .delivery = "EKSIRSA",
                       .policy_document = R"({"Version":"2012-10-17","Statement":[]})"}),
       "/spec/policyDocument"},
      {BuildBucket({.config = kConfig,
                    .delivery = "SelfHostedIRSA",
                    .region = "us-east-1",
                    .bucket_name = "b"})
           .value(),
       "/spec/policy"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.pointer);
    const Json::json_pointer pointer(c.pointer);
    Json observed = AsStored(c.desired);
    const Json document = Json::parse(observed[pointer].get<std::string>());
    observed[pointer] = document.dump(4);  // re-spelled: indented, keys sorted
    EXPECT_EQ(Plan(observed, c.desired).action, ApplyPlan::Action::kNone);

    Json changed = document;
    changed["Version"] = "2008-10-17";
    observed[pointer] = changed.dump();
    const ApplyPlan plan = Plan(observed, c.desired);
    EXPECT_EQ(plan.action, ApplyPlan::Action::kUpdate);
    EXPECT_EQ(plan.object[pointer], c.desired[pointer]);

    observed[pointer] = "not json";
    EXPECT_EQ(Plan(observed, c.desired).action, ApplyPlan::Action::kUpdate);
  }
}

// Validates Kubernetes semantic equality of empty values: an observed empty list or map, or
// null, equals an omitted field.
TEST(PlanApply, EmptyAndAbsentFields_AreEqual) {
  Json desired = DesiredRole();
  desired["spec"].erase("policies");
  Json observed = AsStored(desired);
  observed["spec"]["policies"] = Json::array();
  observed["spec"]["inlinePolicies"] = Json::object();
  observed["spec"]["description"] = nullptr;
  EXPECT_EQ(Plan(observed, desired).action, ApplyPlan::Action::kNone);
}

// Validates §4.1 label replacement: a foreign label on an ACK object is dropped, and the merge
// patch deletes it and carries the observed resourceVersion (optimistic lock).
TEST(PlanApply, ForeignLabel_IsRemovedFromAckObject) {
  Json observed = AsStored(DesiredRole());
  observed["metadata"]["labels"]["team"] = "payments";
  const ApplyPlan plan = Plan(observed, DesiredRole());
  ASSERT_EQ(plan.action, ApplyPlan::Action::kUpdate);
  EXPECT_FALSE(plan.object["metadata"]["labels"].contains("team"));
  EXPECT_EQ(plan.object["metadata"]["labels"], DesiredRole()["metadata"]["labels"]);
  EXPECT_EQ(plan.merge_patch,
            Json::parse(R"({"metadata":{"labels":{"team":null},"resourceVersion":"4711"}})"));
  EXPECT_EQ(plan.object["metadata"]["resourceVersion"], "4711");
  EXPECT_EQ(Patched(observed, plan), plan.object);
}

// Validates §4.1 "spec is REPLACED wholesale": a field set by a human is cleared, a changed
// owned field is restored, while annotations (never touched) and status stay.
TEST(PlanApply, HumanEditedSpec_IsRestored) {
  Json observed = AsStored(DesiredRole());
  observed["spec"]["description"] = "edited by hand";
  observed["spec"]["maxSessionDuration"] = 7200;
  const ApplyPlan plan = Plan(observed, DesiredRole());
  ASSERT_EQ(plan.action, ApplyPlan::Action::kUpdate);
  EXPECT_EQ(plan.object["spec"], DesiredRole()["spec"]);
  EXPECT_EQ(plan.object["metadata"]["annotations"], observed["metadata"]["annotations"]);
  EXPECT_EQ(plan.object["status"], observed["status"]);
  EXPECT_EQ(plan.merge_patch["spec"],
            Json::parse(R"({"description":null,"maxSessionDuration":3600})"));
  EXPECT_EQ(Patched(observed, plan), plan.object);
}

// Validates owner reference upsert (§4.1): a reference to the same group, kind and name with a
// stale UID is replaced in place; other references are kept in order.
TEST(PlanApply, OwnerReferences_UpsertedByGroupKindName) {
  Json observed = AsStored(DesiredRole());
  const Json other = {
      {"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "keep"}, {"uid", "cm-uid"}};
  Json stale = DesiredRole()["metadata"]["ownerReferences"][0];
  stale["uid"] = "old-uid";
  stale["apiVersion"] = "aws.identity.appthrust.io/v1beta1";  // same group, other version
  observed["metadata"]["ownerReferences"] = Json::array({other, stale});
  const ApplyPlan plan = Plan(observed, DesiredRole());
  ASSERT_EQ(plan.action, ApplyPlan::Action::kUpdate);
  EXPECT_EQ(plan.object["metadata"]["ownerReferences"],
            Json::array({other, DesiredRole()["metadata"]["ownerReferences"][0]}));

  observed["metadata"]["ownerReferences"] = Json::array({other});
  EXPECT_EQ(Plan(observed, DesiredRole()).object["metadata"]["ownerReferences"],
            Json::array({other, DesiredRole()["metadata"]["ownerReferences"][0]}));
}

// Validates the "already owned" failure (§4.1): a controller reference to another owner makes
// the apply fail, naming both owners.
TEST(PlanApply, ControlledByAnotherOwner_Fails) {
  Json observed = AsStored(DesiredRole());
  Json foreign = DesiredRole()["metadata"]["ownerReferences"][0];
  foreign["name"] = "other-role";
  observed["metadata"]["ownerReferences"] = Json::array({foreign});
  auto plan = PlanApply(observed, DesiredRole());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kInvalid);
  EXPECT_NE(plan.error().message.find("other-role"), std::string::npos);
  EXPECT_NE(plan.error().message.find("wlc-a/awi-wlc-a-app-366495dc46"), std::string::npos);

  // A non-controller reference to another owner is no obstacle.
  foreign["controller"] = false;
  observed["metadata"]["ownerReferences"] = Json::array({foreign});
  EXPECT_TRUE(PlanApply(observed, DesiredRole()).ok());
}

// Validates config §4.4: thumbprints late-initialized by ACK on the OIDC provider are kept and
// cause no write; other spec changes still update and keep them.
TEST(PlanApply, OidcProviderThumbprints_ArePreserved) {
  const Json desired =
      BuildOidcProvider({.config = kConfig, .delivery = "SelfHostedIRSA", .issuer_host_path = "h"});
  Json observed = AsStored(desired);
  observed["spec"]["thumbprints"] = {"9e99a48a9960b14926bb7f3b02e22da2b0ab7280"};
  EXPECT_EQ(Plan(observed, desired).action, ApplyPlan::Action::kNone);

  observed["spec"]["url"] = "https://old";
  const ApplyPlan plan = Plan(observed, desired);
  ASSERT_EQ(plan.action, ApplyPlan::Action::kUpdate);
  EXPECT_EQ(plan.object["spec"]["thumbprints"], observed["spec"]["thumbprints"]);
  EXPECT_EQ(plan.object["spec"]["url"], "https://h");
  EXPECT_EQ(Patched(observed, plan), plan.object);

  // Without the preservation rule the same object would be rewritten.
  EXPECT_FALSE(SemanticallyEqual(AsStored(desired), observed, ApplyRules{}));
}

// Validates that spec.path, which ACK's IAM controller late-initialises to "/" on a Policy we
// created without it, causes no write (found running the real controller: without the rule the
// Policy was rewritten several times a second), while a changed document still updates.
TEST(PlanApply, GeneratedPolicyPath_LateInitializedByAck_IsPreserved) {
  const Json desired = BuildIamPolicy({.role = kRole,
                                       .service_account = {"default", "app"},
                                       .delivery = "SelfHostedIRSA",
                                       .policy_document = R"({"Version":"2012-10-17"})"});
  ASSERT_FALSE(desired["spec"].contains("path"));
  Json observed = AsStored(desired);
  observed["spec"]["path"] = "/";
  EXPECT_EQ(Plan(observed, desired).action, ApplyPlan::Action::kNone);

  observed["spec"]["policyDocument"] = R"({"Version":"2008-10-17"})";
  const ApplyPlan plan = Plan(observed, desired);
  ASSERT_EQ(plan.action, ApplyPlan::Action::kUpdate);
  EXPECT_EQ(plan.object["spec"]["path"], "/");
  EXPECT_EQ(plan.object["spec"]["policyDocument"], desired["spec"]["policyDocument"]);
}

// Validates config §4.2: the signing Secret merges labels and annotations (foreign ones stay),
// adoption leaves key material alone, and generated material replaces data wholesale.
TEST(PlanApply, SigningSecret_MergesMetadataAndOwnsDataOnlyWhenGenerated) {
  Json observed = {{"apiVersion", "v1"},
                   {"kind", "Secret"},
                   {"metadata",
                    {{"name", "awi-signing-key-default"},
                     {"namespace", "wlc-a"},
                     {"resourceVersion", "9"},
                     {"labels", {{"user", "label"}}},
                     {"annotations", {{"user", "note"}}}}},
                   {"type", "Opaque"},
                   {"data", {{"sa.key", "a2V5"}, {"sa.pub", "cHVi"}, {"extra", "eA=="}}}};
  const Json adopt =
      BuildSigningSecret({.config = kConfig, .delivery = "SelfHostedIRSA", .key_id = "kid"});
  const ApplyPlan adopted = Plan(observed, adopt);
  ASSERT_EQ(adopted.action, ApplyPlan::Action::kUpdate);
  EXPECT_EQ(adopted.object["metadata"]["labels"]["user"], "label");
  EXPECT_EQ(adopted.object["metadata"]["labels"]["aws.identity.appthrust.io/config-uid"],
            "config-uid");
  EXPECT_EQ(adopted.object["metadata"]["annotations"],
            Json({{"user", "note"}, {"aws.identity.appthrust.io/signing-key-id", "kid"}}));
  EXPECT_EQ(adopted.object["data"], observed["data"]);
  EXPECT_EQ(Plan(adopted.object, adopt).action, ApplyPlan::Action::kNone);

  const Json generated = BuildSigningSecret(
      {.config = kConfig,
       .delivery = "SelfHostedIRSA",
       .key_id = "kid2",
       .generated = SigningKeyMaterial{.private_key_pem = "k", .public_key_pem = "p"}});
  const ApplyPlan replaced = Plan(adopted.object, generated);
  ASSERT_EQ(replaced.action, ApplyPlan::Action::kUpdate);
  EXPECT_EQ(replaced.object["data"], generated["data"]);
  EXPECT_FALSE(replaced.object["data"].contains("extra"));
  EXPECT_EQ(replaced.merge_patch["data"]["extra"], nullptr);
}

// Validates that each kind gets its rules: Secrets merge labels, ACK kinds replace them, and
// the JSON-text and preserved fields are the documented ones.
TEST(RulesFor, KindsGetTheirRules) {
  EXPECT_EQ(RulesFor("v1", "Secret").labels, MapApply::kMerge);
  EXPECT_EQ(RulesFor("v1", "Secret").owned_fields, (std::vector<std::string>{"type", "data"}));
  EXPECT_EQ(RulesFor(kIamApiVersion, kIamRoleKind).labels, MapApply::kReplace);
  EXPECT_EQ(RulesFor(kIamApiVersion, kIamRoleKind).json_text_fields,
            std::vector<std::string>{"/spec/assumeRolePolicyDocument"});
  EXPECT_EQ(RulesFor(kIamApiVersion, kIamPolicyKind).json_text_fields,
            std::vector<std::string>{"/spec/policyDocument"});
  EXPECT_EQ(RulesFor(kS3ApiVersion, kBucketKind).json_text_fields,
            std::vector<std::string>{"/spec/policy"});
  EXPECT_EQ(RulesFor(kIamApiVersion, kOidcProviderKind).preserved_fields,
            std::vector<std::string>{"/spec/thumbprints"});
  EXPECT_EQ(RulesFor(kIamApiVersion, kIamPolicyKind).preserved_fields,
            std::vector<std::string>{"/spec/path"});
  EXPECT_TRUE(RulesFor(kEksApiVersion, kPodIdentityAssociationKind).json_text_fields.empty());
  EXPECT_TRUE(RulesFor("example.com/v1", "Thing").preserved_fields.empty());
}

// Validates CreateMergePatch against the RFC 7386 examples it must invert, and {} for equal
// inputs.
TEST(CreateMergePatch, Rfc7386Examples) {
  struct Case {
    const char* from;
    const char* to;
  };
  const Case cases[] = {
      {R"({"a":"b"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})"},
      {R"({"a":{"b":"c","d":"e"}})", R"({"a":{"b":"c"}})"},
  };
  for (const Case& c : cases) {
    const Json from = Json::parse(c.from);
    const Json to = Json::parse(c.to);
    Json patched = from;
    patched.merge_patch(CreateMergePatch(from, to));
    EXPECT_EQ(patched, to) << c.from << " -> " << c.to;
  }
  EXPECT_EQ(CreateMergePatch(Json::parse(R"({"a":{"b":1}})"), Json::parse(R"({"a":{"b":1}})")),
            Json::object());
}

}  // namespace
}  // namespace awio::aws
