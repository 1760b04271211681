// Unit tests of the three validators (src/admission/validators.h) against every Webhook-layer
// vector of spec/api.md §11 (§11.7, §11.9, §11.12) and the ReplicaSet template vectors of
// §11.10 that the webhook repeats. The API server is replaced by FakeLookup, an in-memory
// stand-in; test/integration/admission runs the same vectors through a real API server.
#include "admission/validators.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "api/v1alpha1/constants.h"
#include "unit/admission/fake_lookup.h"
#include "unit/admission/fixtures.h"

namespace awio::admission {
namespace {

namespace v1alpha1 = api::v1alpha1;
using testing::Annotated;
using testing::BaseConfig;
using testing::BaseReplicaSet;
using testing::FakeLookup;
using testing::RoleObject;
using testing::Terminating;

AdmissionRequest Request(std::string_view op, Json object, Json old_object = nullptr) {
  AdmissionRequest request;
  request.uid = "uid-1";
  request.operation = std::string(op);
  request.namespace_name = testing::kWorkloadNamespace;
  request.object = std::move(object);
  request.old_object = std::move(old_object);
  if (!request.object.is_null()) {
    request.name = request.object["metadata"]["name"];
  } else if (!request.old_object.is_null()) {
    request.name = request.old_object["metadata"]["name"];
  }
  return request;
}

// The handler registered for `path`, as the server would dispatch it.
AdmissionResponse Dispatch(std::shared_ptr<FakeLookup> lookup, std::string_view path,
                           const AdmissionRequest& request) {
  for (const Webhook& webhook : Webhooks(lookup)) {
    if (webhook.path == path) return webhook.handler(request);
  }
  ADD_FAILURE() << "no webhook for " << path;
  return Errored(500, "no webhook");
}

void ExpectDenied(const AdmissionResponse& response, const std::vector<std::string>& tokens) {
  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 403);
  EXPECT_EQ(response.reason, "Forbidden");
  for (const auto& token : tokens) {
    EXPECT_NE(response.message.find(token), std::string::npos)
        << "message \"" << response.message << "\" lacks \"" << token << "\"";
  }
}

void ExpectAllowed(const AdmissionResponse& response) {
  EXPECT_TRUE(response.allowed) << response.message;
  EXPECT_EQ(response.code, 200);
  EXPECT_TRUE(response.message.empty());
}

// ---- §11.7 AWSWorkloadIdentityConfig DELETE ----

struct ConfigDeleteVector {
  std::string id;
  Json config;              // the Config being deleted (request.oldObject)
  std::vector<Json> roles;  // Roles in wlc-a
  bool allowed;
  std::vector<std::string> tokens;  // in the denial message
};

class ConfigDeleteVectors : public ::testing::TestWithParam<ConfigDeleteVector> {};

// Validates that a Config DELETE is decided as the §11.7 vector says (§8.3).
TEST_P(ConfigDeleteVectors, ConfigDelete_Vector_MatchesSpec) {
  const auto& v = GetParam();
  auto lookup = std::make_shared<FakeLookup>();
  lookup->AddConfig(v.config);
  for (const auto& role : v.roles) lookup->AddRole(role);

  auto response = Dispatch(lookup, v1alpha1::webhook::kConfigPath,
                           Request(operation::kDelete, nullptr, v.config));

  if (v.allowed) {
    ExpectAllowed(response);
  } else {
    ExpectDenied(response, v.tokens);
  }
}

const Json kRoleApp = RoleObject("app", "app");

INSTANTIATE_TEST_SUITE_P(
    Spec, ConfigDeleteVectors,
    ::testing::Values(
        // TV-080: a remaining Role blocks the deletion.
        ConfigDeleteVector{
            "TV080", BaseConfig(), {kRoleApp}, false, {"wlc-a", "remain", "app", "force-delete"}},
        // TV-081: force-delete "true" lets it through.
        ConfigDeleteVector{"TV081",
                           Annotated(BaseConfig(), v1alpha1::annotation::kForceDelete, "true"),
                           {kRoleApp},
                           true,
                           {}},
        // TV-082: no Roles, nothing blocks.
        ConfigDeleteVector{"TV082", BaseConfig(), {}, true, {}},
        // TV-083: "True" is not "true".
        ConfigDeleteVector{"TV083",
                           Annotated(BaseConfig(), v1alpha1::annotation::kForceDelete, "True"),
                           {kRoleApp},
                           false,
                           {"remain"}},
        // TV-084: a terminating Role still counts.
        ConfigDeleteVector{"TV084",
                           BaseConfig(),
                           {Terminating(kRoleApp, v1alpha1::finalizer::kRole)},
                           false,
                           {"remain"}},
        // derived from §8.3 step 1: "1" is not "true" either.
        ConfigDeleteVector{"ForceDeleteOne",
                           Annotated(BaseConfig(), v1alpha1::annotation::kForceDelete, "1"),
                           {kRoleApp},
                           false,
                           {"remain"}}),
    [](const auto& vector) { return vector.param.id; });

// Validates that the Config DELETE check lists Roles in the Config's namespace asking for one
// item only (§8.3 step 2: "limit 1 is enough"), and does not read the Config.
TEST(ConfigValidator, Delete_ListsRolesOfItsNamespaceWithLimitOne) {
  auto lookup = std::make_shared<FakeLookup>();
  lookup->AddConfig(BaseConfig());
  lookup->AddRole(kRoleApp);
  lookup->AddRole(RoleObject("other", "other"));

  auto response = ValidateConfig(Request(operation::kDelete, nullptr, BaseConfig()), *lookup);

  EXPECT_FALSE(response.allowed);
  ASSERT_EQ(lookup->list_calls().size(), 1u);
  EXPECT_EQ(lookup->list_calls()[0].ns, "wlc-a");
  EXPECT_EQ(lookup->list_calls()[0].limit, 1);
  EXPECT_TRUE(lookup->get_calls().empty());
}

// Validates that force-delete allows without any lookup (§8.3 step 1 comes first).
TEST(ConfigValidator, Delete_ForceDelete_MakesNoLookup) {
  auto lookup = std::make_shared<FakeLookup>();
  lookup->FailListRoles(MakeError(ErrorCode::kUnavailable, "connection refused"));

  auto response =
      ValidateConfig(Request(operation::kDelete, nullptr,
                             Annotated(BaseConfig(), v1alpha1::annotation::kForceDelete, "true")),
                     *lookup);

  ExpectAllowed(response);
  EXPECT_TRUE(lookup->list_calls().empty());
}

// Validates that a failed Role list denies with a message naming the namespace and the cause,
// and that the API server's status code and reason are passed on (§8.2, §8.3 step 3).
TEST(ConfigValidator, Delete_ListFailsWithApiStatus_DeniesWithThatStatus) {
  auto lookup = std::make_shared<FakeLookup>();
  Error error = MakeError(ErrorCode::kThrottled, "list awsserviceaccountroles wlc-a: HTTP 429");
  error.http_status = 429;
  error.reason = "TooManyRequests";
  lookup->FailListRoles(error);

  auto response = ValidateConfig(Request(operation::kDelete, nullptr, BaseConfig()), *lookup);

  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 429);
  EXPECT_EQ(response.reason, "TooManyRequests");
  EXPECT_NE(response.message.find("wlc-a"), std::string::npos);
  EXPECT_NE(response.message.find("HTTP 429"), std::string::npos);
}

// Validates that a list failure without an API answer (transport) is a plain 403 denial.
TEST(ConfigValidator, Delete_ListFailsInTransport_DeniesForbidden) {
  auto lookup = std::make_shared<FakeLookup>();
  lookup->FailListRoles(MakeError(ErrorCode::kUnavailable, "connection refused"));

  auto response = ValidateConfig(Request(operation::kDelete, nullptr, BaseConfig()), *lookup);

  ExpectDenied(response, {"wlc-a", "connection refused"});
}

// Validates that operations other than DELETE are allowed without lookups (only DELETE is
// registered; CEL covers CREATE and UPDATE, §8.3).
TEST(ConfigValidator, CreateAndUpdate_AreAllowed) {
  auto lookup = std::make_shared<FakeLookup>();
  lookup->AddRole(kRoleApp);
  for (auto op : {operation::kCreate, operation::kUpdate, operation::kConnect}) {
    ExpectAllowed(ValidateConfig(Request(op, BaseConfig(), BaseConfig()), *lookup));
  }
  EXPECT_TRUE(lookup->list_calls().empty());
}

// ---- §11.9 AWSServiceAccountRole CREATE and UPDATE ----

struct RoleVector {
  std::string id;
  std::optional<Json> config;  // Config/default in wlc-a, when it exists
  std::vector<Json> roles;     // Roles in wlc-a
  std::string op;
  Json object;  // request.object
  bool allowed;
  std::vector<std::string> tokens;
};

class RoleVectors : public ::testing::TestWithParam<RoleVector> {};

// Validates that a Role CREATE or UPDATE is decided as the §11.9 vector says (§8.4, §8.5).
TEST_P(RoleVectors, Role_Vector_MatchesSpec) {
  const auto& v = GetParam();
  auto lookup = std::make_shared<FakeLookup>();
  if (v.config) lookup->AddConfig(*v.config);
  for (const auto& role : v.roles) lookup->AddRole(role);

  Json old_object = v.op == operation::kUpdate ? v.object : Json(nullptr);
  auto response =
      Dispatch(lookup, v1alpha1::webhook::kRolePath, Request(v.op, v.object, old_object));

  if (v.allowed) {
    ExpectAllowed(response);
  } else {
    ExpectDenied(response, v.tokens);
  }
}

Json WithFinalizers(Json object, Json finalizers) {
  object["metadata"]["finalizers"] = std::move(finalizers);
  return object;
}

const Json kConfig = BaseConfig();
const Json kTerminatingConfig = Terminating(BaseConfig(), v1alpha1::finalizer::kConfig);
const std::string kCreate(operation::kCreate);
const std::string kUpdate(operation::kUpdate);

INSTANTIATE_TEST_SUITE_P(
    Spec, RoleVectors,
    ::testing::Values(
        // TV-110: a live Role already binds default/app.
        RoleVector{"TV110",
                   kConfig,
                   {RoleObject("existing", "app")},
                   kCreate,
                   RoleObject("candidate", "app"),
                   false,
                   {"default/app", "wlc-a/existing", "already bound", "spec.serviceAccount"}},
        // TV-111: same, and the message must say "already bound".
        RoleVector{"TV111",
                   kConfig,
                   {RoleObject("existing", "app")},
                   kCreate,
                   RoleObject("candidate", "app"),
                   false,
                   {"already bound"}},
        // TV-112: another ServiceAccount is free.
        RoleVector{"TV112",
                   kConfig,
                   {RoleObject("existing", "app")},
                   kCreate,
                   RoleObject("candidate", "other"),
                   true,
                   {}},
        // TV-113: a terminating Role no longer holds its ServiceAccount.
        RoleVector{"TV113",
                   kConfig,
                   {Terminating(RoleObject("existing", "app"), v1alpha1::finalizer::kRole)},
                   kCreate,
                   RoleObject("candidate", "app"),
                   true,
                   {}},
        // TV-114: no new Role while the Config is being deleted.
        RoleVector{"TV114",
                   kTerminatingConfig,
                   {},
                   kCreate,
                   RoleObject("candidate", "fresh-sa"),
                   false,
                   {"being deleted", "AWSWorkloadIdentityConfig", "wlc-a"}},
        // TV-115: force-delete on the Config does not change that.
        RoleVector{"TV115",
                   Annotated(kTerminatingConfig, v1alpha1::annotation::kForceDelete, "true"),
                   {},
                   kCreate,
                   RoleObject("candidate", "fresh-sa"),
                   false,
                   {"being deleted", "AWSWorkloadIdentityConfig"}},
        // TV-116: no Config in the namespace.
        RoleVector{"TV116",
                   std::nullopt,
                   {},
                   kCreate,
                   RoleObject("demo", "demo"),
                   false,
                   {"AWSWorkloadIdentityConfig/default", "required", "wlc-a"}},
        // TV-117: a living Role may be updated while its Config is being deleted.
        RoleVector{"TV117",
                   kTerminatingConfig,
                   {RoleObject("existing", "app")},
                   kUpdate,
                   RoleObject("existing", "app"),
                   true,
                   {}},
        // TV-118: a terminating sibling does not matter on UPDATE.
        RoleVector{"TV118",
                   kConfig,
                   {Terminating(RoleObject("sibling", "app"), v1alpha1::finalizer::kRole),
                    RoleObject("current", "app")},
                   kUpdate,
                   RoleObject("current", "app"),
                   true,
                   {}},
        // TV-119: no duplicate re-check on UPDATE (the controller adds its finalizer).
        RoleVector{
            "TV119",
            kConfig,
            {RoleObject("sibling", "app"), RoleObject("current", "app")},
            kUpdate,
            WithFinalizers(RoleObject("current", "app"), Json::array({v1alpha1::finalizer::kRole})),
            true,
            {}},
        // TV-120: a Role may update itself.
        RoleVector{"TV120",
                   kConfig,
                   {RoleObject("existing", "app")},
                   kUpdate,
                   RoleObject("existing", "app"),
                   true,
                   {}},
        // TV-121: a terminating Role may drop its finalizers without a Config.
        RoleVector{"TV121",
                   std::nullopt,
                   {Terminating(RoleObject("orphan", "app"), v1alpha1::finalizer::kRole)},
                   kUpdate,
                   WithFinalizers(Terminating(RoleObject("orphan", "app"), ""), Json::array()),
                   true,
                   {}},
        // TV-122: ... and despite a live sibling with the same binding.
        RoleVector{"TV122",
                   kConfig,
                   {RoleObject("sibling", "app"),
                    Terminating(RoleObject("terminating", "app"), v1alpha1::finalizer::kRole)},
                   kUpdate,
                   WithFinalizers(Terminating(RoleObject("terminating", "app"), ""), Json::array()),
                   true,
                   {}},
        // TV-123: a living Role cannot be updated without a Config.
        RoleVector{"TV123",
                   std::nullopt,
                   {RoleObject("existing", "app")},
                   kUpdate,
                   RoleObject("existing", "app"),
                   false,
                   {"AWSWorkloadIdentityConfig", "wlc-a"}},
        // TV-124: nor can its policyARNs change.
        RoleVector{"TV124",
                   std::nullopt,
                   {RoleObject("demo", "demo")},
                   kUpdate,
                   [] {
                     Json role = RoleObject("demo", "demo");
                     role["spec"]["policyARNs"] =
                         Json::array({"arn:aws:iam::aws:policy/ReadOnlyAccess"});
                     return role;
                   }(),
                   false,
                   {"AWSWorkloadIdentityConfig", "required"}}),
    [](const auto& vector) { return vector.param.id; });

// Validates that the Config is looked up in the Role's own namespace, not in
// spec.serviceAccount.namespace (§8.4 step 1).
TEST(RoleValidator, Create_LooksUpConfigInRoleNamespace) {
  auto lookup = std::make_shared<FakeLookup>();
  lookup->AddConfig(BaseConfig("default"));  // the ServiceAccount's namespace has one
  auto response = ValidateRole(Request(operation::kCreate, RoleObject("demo", "demo")), *lookup);

  ExpectDenied(response, {"required", "wlc-a"});
  ASSERT_EQ(lookup->get_calls().size(), 1u);
  EXPECT_EQ(lookup->get_calls()[0], "wlc-a");
}

// Validates that the duplicate check lists every Role of the namespace (no limit) and compares
// only within it: a Role in another hub namespace with the same binding does not matter (§8.4).
TEST(RoleValidator, Create_DuplicateCheckIsNamespaceLocalAndUnlimited) {
  auto lookup = std::make_shared<FakeLookup>();
  lookup->AddConfig(BaseConfig());
  lookup->AddRole(RoleObject("elsewhere", "app", "wlc-b"));

  auto response =
      ValidateRole(Request(operation::kCreate, RoleObject("candidate", "app")), *lookup);

  ExpectAllowed(response);
  ASSERT_EQ(lookup->list_calls().size(), 1u);
  EXPECT_EQ(lookup->list_calls()[0].ns, "wlc-a");
  EXPECT_EQ(lookup->list_calls()[0].limit, 0);
}

// Validates that a binding differing only in the ServiceAccount namespace is not a duplicate
// (both namespace and name must match, §8.4 step 3).
TEST(RoleValidator, Create_SameNameOtherServiceAccountNamespace_IsAllowed) {
  auto lookup = std::make_shared<FakeLookup>();
  lookup->AddConfig(BaseConfig());
  Json existing = RoleObject("existing", "app");
  existing["spec"]["serviceAccount"]["namespace"] = "kube-system";
  lookup->AddRole(existing);

  ExpectAllowed(ValidateRole(Request(operation::kCreate, RoleObject("candidate", "app")), *lookup));
}

// Validates that a Config read failure other than NotFound denies with the API server's code
// and a message naming the Config and the cause (§8.2, §8.4 step 1).
TEST(RoleValidator, Create_ConfigReadFails_DeniesWithApiStatus) {
  auto lookup = std::make_shared<FakeLookup>();
  Error error = MakeError(ErrorCode::kInternal,
                          "get awsworkloadidentityconfigs wlc-a/default: "
                          "HTTP 500: etcdserver: request timed out");
  error.http_status = 500;
  error.reason = "InternalError";
  lookup->FailGetConfig(error);

  auto response = ValidateRole(Request(operation::kCreate, RoleObject("demo", "demo")), *lookup);

  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 500);
  EXPECT_EQ(response.reason, "InternalError");
  EXPECT_NE(response.message.find("AWSWorkloadIdentityConfig/default"), std::string::npos);
  EXPECT_NE(response.message.find("etcdserver: request timed out"), std::string::npos);
}

// Validates that UPDATE of a living Role reports a Config read failure the same way (§8.5).
TEST(RoleValidator, Update_ConfigReadFailsInTransport_Denies) {
  auto lookup = std::make_shared<FakeLookup>();
  lookup->FailGetConfig(MakeError(ErrorCode::kTimeout, "deadline exceeded"));
  Json role = RoleObject("demo", "demo");

  ExpectDenied(ValidateRole(Request(operation::kUpdate, role, role), *lookup),
               {"AWSWorkloadIdentityConfig/default", "deadline exceeded"});
}

// Validates that the duplicate-binding list failure denies with the cause (§8.4 step 3).
TEST(RoleValidator, Create_ListFails_Denies) {
  auto lookup = std::make_shared<FakeLookup>();
  lookup->AddConfig(BaseConfig());
  lookup->FailListRoles(MakeError(ErrorCode::kUnavailable, "connection reset"));

  ExpectDenied(ValidateRole(Request(operation::kCreate, RoleObject("demo", "demo")), *lookup),
               {"spec.serviceAccount", "connection reset"});
}

// Validates that a terminating Role UPDATE is allowed without any lookup (§8.5 step 1).
TEST(RoleValidator, Update_TerminatingRole_MakesNoLookup) {
  auto lookup = std::make_shared<FakeLookup>();
  lookup->FailGetConfig(MakeError(ErrorCode::kUnavailable, "down"));
  Json role = Terminating(RoleObject("orphan", "app"), v1alpha1::finalizer::kRole);

  ExpectAllowed(ValidateRole(Request(operation::kUpdate, role, role), *lookup));
  EXPECT_TRUE(lookup->get_calls().empty());
}

// Validates that DELETE and CONNECT are allowed (not registered, §8.5) and an unknown
// operation is refused with 400 as controller-runtime does.
TEST(RoleValidator, OtherOperations) {
  FakeLookup lookup;
  Json role = RoleObject("demo", "demo");
  ExpectAllowed(ValidateRole(Request(operation::kDelete, nullptr, role), lookup));
  ExpectAllowed(ValidateRole(Request(operation::kConnect, role), lookup));

  auto response = ValidateRole(Request("PATCH", role), lookup);
  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 400);
  EXPECT_NE(response.message.find("PATCH"), std::string::npos);
}

// Validates that an object that does not decode as a Role is refused with 400, naming the
// field (a typed decode failure in controller-runtime).
TEST(RoleValidator, UndecodableObject_Is400) {
  FakeLookup lookup;
  Json role = RoleObject("demo", "demo");
  role["spec"]["serviceAccount"] = "default/demo";

  auto response = ValidateRole(Request(operation::kCreate, role), lookup);

  EXPECT_FALSE(response.allowed);
  EXPECT_EQ(response.code, 400);
  EXPECT_NE(response.message.find("spec.serviceAccount"), std::string::npos);
  EXPECT_TRUE(lookup.get_calls().empty());
}

// Validates that a review without the object it needs is refused with 400.
TEST(Validators, MissingObject_Is400) {
  FakeLookup lookup;
  auto role = ValidateRole(Request(operation::kCreate, nullptr), lookup);
  auto config = ValidateConfig(Request(operation::kDelete, nullptr, nullptr), lookup);
  auto rs = ValidateReplicaSet(Request(operation::kUpdate, nullptr, BaseReplicaSet()));

  for (const auto& response : {role, config, rs}) {
    EXPECT_FALSE(response.allowed);
    EXPECT_EQ(response.code, 400);
  }
  EXPECT_NE(config.message.find("oldObject"), std::string::npos);
}

// ---- §11.10 and §11.12 AWSServiceAccountRoleReplicaSet CREATE and UPDATE ----

struct ReplicaSetVector {
  std::string id;
  Json template_metadata;  // null: absent
  bool allowed;
  std::string path;  // the denial names it
};

class ReplicaSetVectors : public ::testing::TestWithParam<ReplicaSetVector> {};

// Validates that the reserved template keys are denied with the path of the first reserved key
// (labels before annotations, ascending byte order) on CREATE and UPDATE (§8.6).
TEST_P(ReplicaSetVectors, ReplicaSet_Vector_MatchesSpec) {
  const auto& v = GetParam();
  auto lookup = std::make_shared<FakeLookup>();
  Json rs = BaseReplicaSet(v.template_metadata);

  for (std::string_view op : {operation::kCreate, operation::kUpdate}) {
    SCOPED_TRACE(std::string(op));
    auto response = Dispatch(lookup, v1alpha1::webhook::kReplicaSetPath,
                             Request(op, rs, op == operation::kUpdate ? rs : Json(nullptr)));
    if (v.allowed) {
      ExpectAllowed(response);
    } else {
      ExpectDenied(response, {v.path, "reserved"});
    }
  }
  // §8.6: no cross-resource checks.
  EXPECT_TRUE(lookup->get_calls().empty());
  EXPECT_TRUE(lookup->list_calls().empty());
}

Json Labels(Json labels) { return {{"labels", std::move(labels)}}; }
std::string LabelPath(std::string_view key) {
  return "spec.template.metadata.labels[\"" + std::string(key) + "\"]";
}

std::vector<ReplicaSetVector> ReplicaSetCases() {
  std::vector<ReplicaSetVector> cases = {
      // Step 1: no template metadata.
      {"NoTemplateMetadata", nullptr, true, ""},
      // TV-130.
      {"TV130",
       {{"labels",
         {{"app.kubernetes.io/name", "my-app"}, {"app.kubernetes.io/component", "worker"}}},
        {"annotations",
         {{"example.com/note", "arbitrary <text>, including : and spaces"},
          {"example.com/owner", "platform-team"}}}},
       true,
       ""},
      // TV-131, TV-132, TV-133.
      {"TV131", Labels({{"example.com/marker", ""}}), true, ""},
      {"TV132", Labels({{"app", "demo"}}), true, ""},
      {"TV133", {{"labels", Json::object()}, {"annotations", Json::object()}}, true, ""},
      // TV-151: the reserved annotation.
      {"TV151",
       {{"annotations", {{v1alpha1::annotation::kReplicaSetOwnerRef, "value"}}}},
       false,
       "spec.template.metadata.annotations[\"aws.identity.appthrust.io/replicaset-owner-ref\"]"},
      // TV-152: only the listed keys are reserved, not the prefix.
      {"TV152",
       {{"labels", {{"aws.identity.appthrust.io/example", "ok"}}},
        {"annotations", {{"aws.identity.appthrust.io/example", "ok"}}}},
       true,
       ""},
      // TV-180.
      {"TV180", Labels({{"app.kubernetes.io/part-of", "ingress"}}), true, ""},
      // TV-184: the ratcheted reserved label on UPDATE (here also CREATE).
      {"TV184", Labels({{v1alpha1::label::kRuntime, "x"}}), false,
       "spec.template.metadata.labels[\"aws.identity.appthrust.io/runtime\"]"},
      // TV-185: label and annotation both reserved; the label is reported.
      {"TV185",
       {{"labels", {{v1alpha1::label::kManagedBy, "x"}}},
        {"annotations", {{v1alpha1::annotation::kReplicaSetOwnerRef, "x"}}}},
       false,
       "spec.template.metadata.labels[\"app.kubernetes.io/managed-by\"]"},
      // Several reserved labels: the lowest in byte order wins.
      {"SortedOrder",
       Labels({{v1alpha1::label::kServiceAccount, "x"},
               {v1alpha1::label::kDelivery, "x"},
               {v1alpha1::label::kRuntime, "x"}}),
       false, "spec.template.metadata.labels[\"aws.identity.appthrust.io/delivery\"]"},
  };
  // TV-142 to TV-150: each reserved label on its own.
  int id = 142;
  for (std::string_view key : v1alpha1::label::kReservedTemplateKeys) {
    cases.push_back({"TV" + std::to_string(id++), Labels({{std::string(key), "value"}}), false,
                     LabelPath(key)});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Spec, ReplicaSetVectors, ::testing::ValuesIn(ReplicaSetCases()),
                         [](const auto& vector) { return vector.param.id; });

// Validates that the reserved label keys walked are exactly the nine of §8.6, in its ascending
// byte order (TV-142..TV-150 above deny each of them).
TEST(ReplicaSetValidator, ReservedLabelKeys_AreTheNineOfSpec) {
  const std::vector<std::string_view> expected = {"app.kubernetes.io/managed-by",
                                                  "aws.identity.appthrust.io/binding-uid",
                                                  "aws.identity.appthrust.io/config-uid",
                                                  "aws.identity.appthrust.io/delivery",
                                                  "aws.identity.appthrust.io/inventory-namespace",
                                                  "aws.identity.appthrust.io/owner-ref",
                                                  "aws.identity.appthrust.io/replicaset-uid",
                                                  "aws.identity.appthrust.io/runtime",
                                                  "aws.identity.appthrust.io/service-account"};
  EXPECT_EQ(std::vector<std::string_view>(v1alpha1::label::kReservedTemplateKeys.begin(),
                                          v1alpha1::label::kReservedTemplateKeys.end()),
            expected);
}

// Validates that DELETE is allowed without looking at the template (not registered, §8.6).
TEST(ReplicaSetValidator, Delete_IsAllowed) {
  Json rs = BaseReplicaSet(Labels({{v1alpha1::label::kRuntime, "x"}}));
  ExpectAllowed(ValidateReplicaSet(Request(operation::kDelete, nullptr, rs)));
}

}  // namespace
}  // namespace awio::admission
