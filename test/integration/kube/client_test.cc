// Integration tests of the Kubernetes client's REST verbs, errors, discovery and
// authentication against a real kube-apiserver (issue: Kubernetes client, items 2-4 and 6).
#include "kube/client.h"

#include <gtest/gtest.h>

#include <thread>

#include "integration/kube/kube_test_env.h"
#include "kube/api_error.h"
#include "kube/discovery.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::test {
namespace {

using kube::Json;
using kube::resources::kConfigMaps;
using namespace std::chrono_literals;

// A small namespaced CRD with a schema, a status subresource and a CEL rule, created once.
const kube::ResourceRef kWidgets{"test.awio.io", "v1", "widgets", true, "Widget"};

Json WidgetCrd() {
  return Json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.test.awio.io"},
    "spec": {"group": "test.awio.io", "scope": "Namespaced",
      "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
      "versions": [{"name": "v1", "served": true, "storage": true,
        "subresources": {"status": {}},
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
          "spec": {"type": "object", "required": ["size"], "properties": {
            "size": {"type": "integer", "minimum": 1},
            "color": {"type": "string", "x-kubernetes-validations": [
              {"rule": "self != 'invisible'", "message": "color must be visible"}]}}},
          "status": {"type": "object", "properties": {"phase": {"type": "string"}}}}}}}]}})");
}

class KubeClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = AdminClient(SharedEnvironment().hub());
    auto made = client_->Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", ns_}}}});
    ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
        << made.error().ToString();
  }

  void EnsureWidgetCrd() {
    auto made = client_->Create(kube::resources::kCustomResourceDefinitions, "", WidgetCrd());
    ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
        << made.error().ToString();
    ASSERT_TRUE(WaitUntil(30s, [&] {
      auto crd =
          client_->Get(kube::resources::kCustomResourceDefinitions, "", "widgets.test.awio.io");
      return crd.ok() && ConditionStatus(*crd, "Established") == "True";
    }));
  }

  static Json ConfigMap(const std::string& name, Json data = Json::object(),
                        Json labels = Json::object()) {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"labels", labels}}},
            {"data", data}};
  }

  std::shared_ptr<kube::Client> client_;
  const std::string ns_ = "client-test";
};

// Validates that requests to the API server use HTTP/2 (so watches share one connection).
TEST_F(KubeClientTest, Transport_NegotiatesHttp2) {
  auto response = client_->transport()->Send({.path = "/version"});
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->http_version, 2);
}

// Validates create, get, update and delete of a core object, and that a get after delete is a
// NotFound error whose message names the verb, the resource and the object.
TEST_F(KubeClientTest, ConfigMap_CreateGetUpdateDelete) {
  auto created = client_->Create(kConfigMaps, ns_, ConfigMap("crud", {{"k", "v1"}}));
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_FALSE((*created)["metadata"].value("uid", "").empty());

  auto got = client_->Get(kConfigMaps, ns_, "crud");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["data"]["k"], "v1");

  Json changed = *got;
  changed["data"]["k"] = "v2";
  auto updated = client_->Update(kConfigMaps, ns_, changed);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ((*updated)["data"]["k"], "v2");

  ASSERT_TRUE(client_->Delete(kConfigMaps, ns_, "crud").ok());
  auto gone = client_->Get(kConfigMaps, ns_, "crud");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(gone.error().http_status, 404);
  EXPECT_NE(gone.error().message.find("get configmaps client-test/crud"), std::string::npos)
      << gone.error().message;
}

// Validates that creating an existing object is AlreadyExists and that an update carrying a
// stale resourceVersion is a Conflict (optimistic locking).
TEST_F(KubeClientTest, Update_StaleResourceVersion_IsConflict) {
  auto created = client_->Create(kConfigMaps, ns_, ConfigMap("stale", {{"k", "1"}}));
  ASSERT_TRUE(created.ok());
  auto again = client_->Create(kConfigMaps, ns_, ConfigMap("stale"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

  Json first = *created;
  first["data"]["k"] = "2";
  ASSERT_TRUE(client_->Update(kConfigMaps, ns_, first).ok());
  Json stale = *created;  // still the old resourceVersion
  stale["data"]["k"] = "3";
  auto conflict = client_->Update(kConfigMaps, ns_, stale);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  EXPECT_EQ(conflict.error().http_status, 409);
}

// Validates delete preconditions: a wrong uid is refused with Conflict and the object stays.
TEST_F(KubeClientTest, Delete_WrongUidPrecondition_IsConflictAndKeepsObject) {
  ASSERT_TRUE(client_->Create(kConfigMaps, ns_, ConfigMap("precondition")).ok());
  auto refused = client_->Delete(kConfigMaps, ns_, "precondition",
                                 {.precondition_uid = "00000000-0000-0000-0000-000000000000"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(client_->Get(kConfigMaps, ns_, "precondition").ok());
  auto got = client_->Get(kConfigMaps, ns_, "precondition");
  EXPECT_TRUE(client_
                  ->Delete(kConfigMaps, ns_, "precondition",
                           {.precondition_uid = (*got)["metadata"]["uid"],
                            .propagation = kube::Propagation::kBackground})
                  .ok());
}

// Validates list with a label selector and paging with limit and continue, and ListAll.
TEST_F(KubeClientTest, List_LabelSelectorAndPaging) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client_
                    ->Create(kConfigMaps, ns_,
                             ConfigMap("page-" + std::to_string(i), {},
                                       {{"set", "paging"}, {"odd", i % 2 ? "yes" : "no"}}))
                    .ok());
  }
  auto odd = client_->List(kConfigMaps, ns_, {.label_selector = "set=paging,odd=yes"});
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ((*odd)["items"].size(), 2u);

  auto page = client_->List(kConfigMaps, ns_, {.label_selector = "set=paging", .limit = 2});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ((*page)["items"].size(), 2u);
  std::string next = (*page)["metadata"].value("continue", "");
  EXPECT_FALSE(next.empty());
  auto rest = client_->List(kConfigMaps, ns_,
                            {.label_selector = "set=paging", .limit = 10, .continue_token = next});
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ((*rest)["items"].size(), 3u);

  auto all = client_->ListAll(kConfigMaps, ns_, {.label_selector = "set=paging", .limit = 2});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)["items"].size(), 5u);
  EXPECT_FALSE((*all)["metadata"].contains("continue"));

  auto by_field = client_->List(kConfigMaps, ns_, {.field_selector = "metadata.name=page-3"});
  ASSERT_TRUE(by_field.ok());
  ASSERT_EQ((*by_field)["items"].size(), 1u);
  EXPECT_EQ((*by_field)["items"][0]["metadata"]["name"], "page-3");
}

// Validates server-side apply: a second field manager changing an owned field conflicts
// without force, and takes the field with force.
TEST_F(KubeClientTest, Apply_ConflictWithoutForce_SucceedsWithForce) {
  Json desired = ConfigMap("applied", {{"owner", "first"}});
  auto first = client_->Apply(kConfigMaps, ns_, desired, {.field_manager = "first-manager"});
  ASSERT_TRUE(first.ok()) << first.error().ToString();

  Json other = ConfigMap("applied", {{"owner", "second"}});
  auto conflict = client_->Apply(kConfigMaps, ns_, other, {.field_manager = "second-manager"});
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  EXPECT_NE(conflict.error().ToString().find("first-manager"), std::string::npos)
      << conflict.error().ToString();

  auto forced =
      client_->Apply(kConfigMaps, ns_, other, {.field_manager = "second-manager", .force = true});
  ASSERT_TRUE(forced.ok()) << forced.error().ToString();
  EXPECT_EQ((*forced)["data"]["owner"], "second");
}

// Validates merge patch and JSON patch.
TEST_F(KubeClientTest, Patch_MergeAndJsonPatch) {
  ASSERT_TRUE(client_->Create(kConfigMaps, ns_, ConfigMap("patched", {{"a", "1"}})).ok());
  auto merged =
      client_->Patch(kConfigMaps, ns_, "patched", kube::PatchType::kMerge, R"({"data":{"b":"2"}})");
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ((*merged)["data"], Json({{"a", "1"}, {"b", "2"}}));
  auto json_patched = client_->Patch(kConfigMaps, ns_, "patched", kube::PatchType::kJson,
                                     R"([{"op":"remove","path":"/data/a"}])");
  ASSERT_TRUE(json_patched.ok());
  EXPECT_EQ((*json_patched)["data"], Json({{"b", "2"}}));
}

// Validates dry-run: the server answers as if it created the object, and nothing is stored.
TEST_F(KubeClientTest, Create_DryRun_StoresNothing) {
  auto dry = client_->Create(kConfigMaps, ns_, ConfigMap("dry"), {.dry_run = true});
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ((*dry)["metadata"]["name"], "dry");
  auto got = client_->Get(kConfigMaps, ns_, "dry");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
}

// Validates metadata-only reads: PartialObjectMetadata without the object's data.
TEST_F(KubeClientTest, MetadataOnly_GetAndList) {
  ASSERT_TRUE(client_->Create(kConfigMaps, ns_, ConfigMap("meta", {{"secretish", "x"}})).ok());
  auto got = client_->Get(kConfigMaps, ns_, "meta", {.metadata_only = true});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["kind"], "PartialObjectMetadata");
  EXPECT_FALSE(got->contains("data"));
  EXPECT_EQ((*got)["metadata"]["name"], "meta");
  auto listed = client_->List(kConfigMaps, ns_, {.metadata_only = true});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*listed)["kind"], "PartialObjectMetadataList");
  ASSERT_FALSE((*listed)["items"].empty());
  EXPECT_FALSE((*listed)["items"][0].contains("data"));
}

// Validates the serviceaccounts/<name>/token subresource.
TEST_F(KubeClientTest, ServiceAccountToken_Subresource) {
  ASSERT_TRUE(
      client_
          ->Create(kube::resources::kServiceAccounts, ns_, {{"metadata", {{"name", "token-sa"}}}})
          .ok());
  auto token = client_->CreateSubresource(
      kube::resources::kServiceAccounts, ns_, "token-sa", "token",
      {{"apiVersion", "authentication.k8s.io/v1"},
       {"kind", "TokenRequest"},
       {"spec", {{"audiences", {"sts.amazonaws.com"}}, {"expirationSeconds", 600}}}});
  ASSERT_TRUE(token.ok()) << token.error().ToString();
  EXPECT_EQ((*token)["status"]["token"].get<std::string>().substr(0, 3), "eyJ");
}

// Validates custom objects: create/get/update of a CRD instance, the status subresource, and
// that a schema or CEL violation is Invalid with causes naming the field.
TEST_F(KubeClientTest, CustomObject_CrudStatusAndSchemaViolations) {
  EnsureWidgetCrd();
  Json widget = {{"apiVersion", "test.awio.io/v1"},
                 {"kind", "Widget"},
                 {"metadata", {{"name", "w1"}}},
                 {"spec", {{"size", 3}}}};
  auto created = client_->Create(kWidgets, ns_, widget);
  ASSERT_TRUE(created.ok()) << created.error().ToString();

  Json with_status = *created;
  with_status["status"] = {{"phase", "Ready"}};
  auto status = client_->Update(kWidgets, ns_, with_status, {.subresource = "status"});
  ASSERT_TRUE(status.ok()) << status.error().ToString();
  EXPECT_EQ((*status)["status"]["phase"], "Ready");

  Json too_small = widget;
  too_small["metadata"]["name"] = "w2";
  too_small["spec"]["size"] = 0;
  auto invalid = client_->Create(kWidgets, ns_, too_small);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(invalid.error().http_status, 422);
  ASSERT_FALSE(invalid.error().causes.empty());
  EXPECT_EQ(invalid.error().causes[0].field, "spec.size");

  Json invisible = widget;
  invisible["metadata"]["name"] = "w3";
  invisible["spec"]["color"] = "invisible";
  auto cel = client_->Create(kWidgets, ns_, invisible);
  ASSERT_FALSE(cel.ok());
  EXPECT_EQ(cel.error().code, ErrorCode::kInvalid);
  EXPECT_NE(cel.error().ToString().find("color must be visible"), std::string::npos)
      << cel.error().ToString();
}

// Validates discovery: built-in kinds resolve, and a CRD created after the first lookup
// resolves without restarting (the cache refreshes on a miss).
TEST_F(KubeClientTest, Discovery_ResolvesKindsAndLearnsNewCrds) {
  kube::Discovery discovery(client_, 0ms);
  auto cm = discovery.ForKind("", "v1", "ConfigMap");
  ASSERT_TRUE(cm.ok()) << cm.error().ToString();
  EXPECT_EQ(cm->resource, "configmaps");
  EXPECT_TRUE(cm->namespaced);
  auto ns = discovery.ForKind("", "v1", "Namespace");
  ASSERT_TRUE(ns.ok());
  EXPECT_FALSE(ns->namespaced);

  auto late_crd = WidgetCrd();
  late_crd["metadata"]["name"] = "gadgets.late.awio.io";
  late_crd["spec"]["group"] = "late.awio.io";
  late_crd["spec"]["names"] = {{"plural", "gadgets"}, {"singular", "gadget"}, {"kind", "Gadget"}};
  auto missing = discovery.ForKind("late.awio.io", "v1", "Gadget");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(client_->Create(kube::resources::kCustomResourceDefinitions, "", late_crd).ok());
  EXPECT_TRUE(
      WaitUntil(30s, [&] { return discovery.ForKind("late.awio.io", "v1", "Gadget").ok(); }));
  EXPECT_EQ(discovery.ForKind("late.awio.io", "v1", "Gadget")->resource, "gadgets");
}

// Validates bearer-token authentication: a static token the server knows works, and an
// unknown one is Unauthorized.
TEST_F(KubeClientTest, BearerToken_AcceptedAndRejected) {
  auto config = AdminRestConfig(SharedEnvironment().hub());
  config.client_cert_pem.clear();
  config.client_key_pem.clear();
  config.bearer_token = kStaticAdminToken;
  kube::Client with_token(kube::Transport::Create(config));
  auto ok = with_token.List(kConfigMaps, ns_);
  EXPECT_TRUE(ok.ok()) << ok.error().ToString();

  config.bearer_token = "not-a-known-token";
  kube::Client bad(kube::Transport::Create(config));
  auto rejected = bad.List(kConfigMaps, ns_);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(rejected.error().message.find("not-a-known-token"), std::string::npos);
}

// Validates TLS verification: a server certificate from an unknown CA is refused as a
// transport error naming the server, never silently accepted.
TEST_F(KubeClientTest, Tls_UnknownCa_IsUnavailableNamingServer) {
  auto config = AdminRestConfig(SharedEnvironment().hub());
  config.ca_pem = ReadFileOrDie(SharedEnvironment().cluster(kNoCacheCluster).ca_file);
  kube::Client client(kube::Transport::Create(config), {.attempts = 1});
  auto result = client.Get(kConfigMaps, ns_, "x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message.find(config.server), std::string::npos)
      << result.error().message;
}

// Validates that a peer that is not an API server yields errors, not crashes: nothing
// listening is Unavailable; a non-Status body is kept as a short excerpt.
TEST_F(KubeClientTest, BrokenPeers_YieldErrorsNamingTheirSource) {
  kube::RestConfig nothing;
  nothing.server = "https://127.0.0.1:1";
  nothing.source = "test";
  kube::Client refused(kube::Transport::Create(nothing), {.attempts = 1});
  auto r = refused.Get(kConfigMaps, "default", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("127.0.0.1:1"), std::string::npos);

  kube::HttpResponse html{.status = 502, .body = "<html>bad gateway</html>"};
  Error e = kube::ErrorFromResponse(html, "get configmaps default/x");
  EXPECT_EQ(e.code, ErrorCode::kInternal);
  EXPECT_NE(e.message.find("bad gateway"), std::string::npos);
  kube::HttpResponse throttled{.status = 429, .body = "{}", .headers = {{"retry-after", "7"}}};
  Error t = kube::ErrorFromResponse(throttled, "list x");
  EXPECT_EQ(t.code, ErrorCode::kThrottled);
  ASSERT_TRUE(t.retry_after.has_value());
  EXPECT_EQ(t.retry_after->count(), 7);
}

}  // namespace
}  // namespace awio::test
