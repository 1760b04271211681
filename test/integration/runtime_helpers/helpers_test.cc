// Integration tests of the runtime helpers against a real kube-apiserver: finalizer writes with
// optimistic locking (src/runtime/finalizers.h), status writes only when the status changed
// (status.h) and Event creation with series aggregation (events.h). Every test uses its own
// object names in the namespace "runtime-helpers" and removes its finalizers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "kube/client.h"
#include "runtime/conditions.h"
#include "runtime/events.h"
#include "runtime/finalizers.h"
#include "runtime/status.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::test {
namespace {

using kube::Json;
using kube::resources::kConfigMaps;
using kube::resources::kEvents;
using namespace std::chrono_literals;

constexpr char kOurFinalizer[] = "aws.identity.appthrust.io/cleanup";
constexpr char kOtherFinalizer[] = "example.com/other-controller";

// A namespaced custom resource with a status subresource and a schema for conditions.
const kube::ResourceRef kGadgets{"helpers.test.awio.io", "v1", "gadgets", true, "Gadget"};

Json GadgetCrd() {
  return Json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "gadgets.helpers.test.awio.io"},
    "spec": {"group": "helpers.test.awio.io", "scope": "Namespaced",
      "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
      "versions": [{"name": "v1", "served": true, "storage": true,
        "subresources": {"status": {}},
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
          "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
          "status": {"type": "object", "properties": {
            "phase": {"type": "string"},
            "observedGeneration": {"type": "integer"},
            "conditions": {"type": "array", "items": {"type": "object",
              "required": ["type", "status", "lastTransitionTime", "reason", "message"],
              "properties": {
                "type": {"type": "string"}, "status": {"type": "string"},
                "observedGeneration": {"type": "integer"},
                "lastTransitionTime": {"type": "string", "format": "date-time"},
                "reason": {"type": "string"}, "message": {"type": "string"}}}}}}}}}}]}})");
}

std::string ResourceVersion(const Json& object) {
  return object["metadata"].value("resourceVersion", "");
}

class RuntimeHelpersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = AdminClient(SharedEnvironment().hub());
    auto made = client_->Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", ns_}}}});
    ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
        << made.error().ToString();
  }

  Json CreateConfigMap(const std::string& name, Json finalizers = Json::array()) {
    Json object = {{"apiVersion", "v1"},
                   {"kind", "ConfigMap"},
                   {"metadata", {{"name", name}, {"finalizers", finalizers}}},
                   {"data", {{"k", "v"}}}};
    auto made = client_->Create(kConfigMaps, ns_, object);
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    return made.ok() ? *made : Json();
  }

  Json GetConfigMap(const std::string& name) {
    auto got = client_->Get(kConfigMaps, ns_, name);
    EXPECT_TRUE(got.ok()) << got.error().ToString();
    return got.ok() ? *got : Json();
  }

  // Clears all finalizers and deletes the ConfigMap, so that nothing outlives the test.
  void DeleteConfigMap(const std::string& name) {
    auto cleared = client_->Patch(kConfigMaps, ns_, name, kube::PatchType::kMerge,
                                  R"({"metadata": {"finalizers": null}})");
    EXPECT_TRUE(cleared.ok() || cleared.error().code == ErrorCode::kNotFound)
        << cleared.error().ToString();
    auto deleted = client_->Delete(kConfigMaps, ns_, name);
    EXPECT_TRUE(deleted.ok() || deleted.error().code == ErrorCode::kNotFound)
        << deleted.error().ToString();
  }

  void EnsureGadgetCrd() {
    auto made = client_->Create(kube::resources::kCustomResourceDefinitions, "", GadgetCrd());
    ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
        << made.error().ToString();
    ASSERT_TRUE(WaitUntil(60s, [&] {
      auto crd = client_->Get(kube::resources::kCustomResourceDefinitions, "",
                              "gadgets.helpers.test.awio.io");
      return crd.ok() && ConditionStatus(*crd, "Established") == "True";
    })) << "CRD gadgets.helpers.test.awio.io not Established";
    // Established precedes the first successful create by a moment; wait until it serves.
    ASSERT_TRUE(WaitUntil(30s, [&] { return client_->List(kGadgets, ns_).ok(); }))
        << "gadgets not served";
  }

  // Events in our namespace about the object with `uid`.
  std::vector<Json> EventsAbout(const std::string& ns, const std::string& uid) {
    std::vector<Json> found;
    auto listed = client_->ListAll(kEvents, ns);
    EXPECT_TRUE(listed.ok()) << listed.error().ToString();
    if (!listed.ok()) return found;
    for (const auto& event : (*listed)["items"]) {
      if (event.contains("regarding") && event["regarding"].value("uid", "") == uid) {
        found.push_back(event);
      }
    }
    return found;
  }

  std::shared_ptr<kube::Client> client_;
  const std::string ns_ = "runtime-helpers";
};

// Validates that EnsureFinalizer adds the finalizer and RemoveFinalizer takes it away again,
// as seen by a fresh Get.
TEST_F(RuntimeHelpersTest, Finalizer_EnsureThenRemove_ListObservedViaGet) {
  Json object = CreateConfigMap("finalizer-cycle");

  auto ensured = runtime::EnsureFinalizer(*client_, kConfigMaps, object, kOurFinalizer);
  ASSERT_TRUE(ensured.ok()) << ensured.error().ToString();
  EXPECT_TRUE(runtime::HasFinalizer(*ensured, kOurFinalizer));
  Json stored = GetConfigMap("finalizer-cycle");
  EXPECT_EQ(runtime::Finalizers(stored), std::vector<std::string>{kOurFinalizer});
  EXPECT_EQ(stored["data"]["k"], "v") << "the patch touched nothing but finalizers";

  auto removed = runtime::RemoveFinalizer(*client_, kConfigMaps, stored, kOurFinalizer);
  ASSERT_TRUE(removed.ok()) << removed.error().ToString();
  EXPECT_FALSE(runtime::HasFinalizer(*removed, kOurFinalizer));
  EXPECT_TRUE(runtime::Finalizers(GetConfigMap("finalizer-cycle")).empty());

  DeleteConfigMap("finalizer-cycle");
}

// Validates that adding a finalizer that is present, or removing one that is absent, writes
// nothing: the resourceVersion stays.
TEST_F(RuntimeHelpersTest, Finalizer_NothingToChange_DoesNotWrite) {
  Json object = CreateConfigMap("finalizer-noop", Json::array({kOurFinalizer}));
  std::string before = ResourceVersion(object);

  auto ensured = runtime::EnsureFinalizer(*client_, kConfigMaps, object, kOurFinalizer);
  ASSERT_TRUE(ensured.ok()) << ensured.error().ToString();
  EXPECT_EQ(ResourceVersion(*ensured), before);
  auto removed = runtime::RemoveFinalizer(*client_, kConfigMaps, object, kOtherFinalizer);
  ASSERT_TRUE(removed.ok()) << removed.error().ToString();
  EXPECT_EQ(ResourceVersion(*removed), before);

  EXPECT_EQ(ResourceVersion(GetConfigMap("finalizer-noop")), before);
  DeleteConfigMap("finalizer-noop");
}

// Validates that a change made by another writer between our read and our write makes the
// write fail with kConflict, and that the other writer's finalizer is not lost; after a
// re-read the write succeeds and both finalizers are kept.
TEST_F(RuntimeHelpersTest, Finalizer_ConcurrentChange_IsConflictAndKeepsOtherFinalizer) {
  Json stale = CreateConfigMap("finalizer-race");

  auto other =
      client_->Patch(kConfigMaps, ns_, "finalizer-race", kube::PatchType::kMerge,
                     Json{{"metadata", {{"finalizers", Json::array({kOtherFinalizer})}}}}.dump());
  ASSERT_TRUE(other.ok()) << other.error().ToString();

  auto ensured = runtime::EnsureFinalizer(*client_, kConfigMaps, stale, kOurFinalizer);
  ASSERT_FALSE(ensured.ok()) << "a stale write must not succeed";
  EXPECT_EQ(ensured.error().code, ErrorCode::kConflict) << ensured.error().ToString();
  EXPECT_EQ(runtime::Finalizers(GetConfigMap("finalizer-race")),
            std::vector<std::string>{kOtherFinalizer});

  ensured = runtime::EnsureFinalizer(*client_, kConfigMaps, GetConfigMap("finalizer-race"),
                                     kOurFinalizer);
  ASSERT_TRUE(ensured.ok()) << ensured.error().ToString();
  EXPECT_EQ(runtime::Finalizers(GetConfigMap("finalizer-race")),
            (std::vector<std::string>{kOtherFinalizer, kOurFinalizer}));

  // Removal is guarded the same way: any change since the read (here a label) refuses it.
  Json read = *ensured;
  auto labelled = client_->Patch(kConfigMaps, ns_, "finalizer-race", kube::PatchType::kMerge,
                                 R"({"metadata": {"labels": {"touched": "yes"}}})");
  ASSERT_TRUE(labelled.ok()) << labelled.error().ToString();
  auto removed = runtime::RemoveFinalizer(*client_, kConfigMaps, read, kOurFinalizer);
  ASSERT_FALSE(removed.ok());
  EXPECT_EQ(removed.error().code, ErrorCode::kConflict) << removed.error().ToString();
  EXPECT_EQ(runtime::Finalizers(GetConfigMap("finalizer-race")),
            (std::vector<std::string>{kOtherFinalizer, kOurFinalizer}));

  DeleteConfigMap("finalizer-race");
}

// Validates that removing the last finalizer of an object being deleted lets the server
// delete it.
TEST_F(RuntimeHelpersTest, Finalizer_RemoveLastWhileDeleting_ObjectIsGone) {
  CreateConfigMap("finalizer-delete", Json::array({kOurFinalizer}));
  auto deleting = client_->Delete(kConfigMaps, ns_, "finalizer-delete");
  ASSERT_TRUE(deleting.ok()) << deleting.error().ToString();
  Json held = GetConfigMap("finalizer-delete");
  ASSERT_TRUE(held["metadata"].contains("deletionTimestamp"));

  auto removed = runtime::RemoveFinalizer(*client_, kConfigMaps, held, kOurFinalizer);
  ASSERT_TRUE(removed.ok()) << removed.error().ToString();
  EXPECT_TRUE(WaitUntil(30s, [&] {
    auto got = client_->Get(kConfigMaps, ns_, "finalizer-delete");
    return !got.ok() && got.error().code == ErrorCode::kNotFound;
  })) << "ConfigMap not deleted after its last finalizer went";
}

// Validates that UpdateStatusIfChanged writes a changed status once through the status
// subresource, then writes nothing while the status is as desired.
TEST_F(RuntimeHelpersTest, Status_UpdateIfChanged_WritesOnceThenNothing) {
  ASSERT_NO_FATAL_FAILURE(EnsureGadgetCrd());
  auto made = client_->Create(kGadgets, ns_,
                              {{"apiVersion", "helpers.test.awio.io/v1"},
                               {"kind", "Gadget"},
                               {"metadata", {{"name", "status-once"}}},
                               {"spec", {{"size", 1}}}});
  ASSERT_TRUE(made.ok()) << made.error().ToString();

  Json desired = {{"phase", "Ready"}, {"observedGeneration", 1}};
  runtime::SetCondition(desired["conditions"],
                        {.type = "Ready",
                         .status = "True",
                         .observed_generation = 1,
                         .reason = "Synced",
                         .message = runtime::SanitizeMessage("all good, request id: 1234-abcd")},
                        std::chrono::system_clock::now());

  auto wrote = runtime::UpdateStatusIfChanged(*client_, kGadgets, *made, desired);
  ASSERT_TRUE(wrote.ok()) << wrote.error().ToString();
  EXPECT_TRUE(*wrote);

  auto after_write = client_->Get(kGadgets, ns_, "status-once");
  ASSERT_TRUE(after_write.ok()) << after_write.error().ToString();
  EXPECT_EQ((*after_write)["status"], desired);
  EXPECT_EQ((*after_write)["status"]["conditions"][0]["message"], "all good");

  auto again = runtime::UpdateStatusIfChanged(*client_, kGadgets, *after_write, desired);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_FALSE(*again);
  auto after_noop = client_->Get(kGadgets, ns_, "status-once");
  ASSERT_TRUE(after_noop.ok()) << after_noop.error().ToString();
  EXPECT_EQ(ResourceVersion(*after_noop), ResourceVersion(*after_write));

  ASSERT_TRUE(client_->Delete(kGadgets, ns_, "status-once").ok());
}

// Validates that a status write based on a stale read is refused with kConflict and does not
// overwrite the newer status.
TEST_F(RuntimeHelpersTest, Status_StaleObservation_IsConflict) {
  ASSERT_NO_FATAL_FAILURE(EnsureGadgetCrd());
  auto made = client_->Create(kGadgets, ns_,
                              {{"apiVersion", "helpers.test.awio.io/v1"},
                               {"kind", "Gadget"},
                               {"metadata", {{"name", "status-stale"}}},
                               {"spec", {{"size", 1}}}});
  ASSERT_TRUE(made.ok()) << made.error().ToString();

  auto first = runtime::UpdateStatusIfChanged(*client_, kGadgets, *made, {{"phase", "One"}});
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  auto stale = runtime::UpdateStatusIfChanged(*client_, kGadgets, *made, {{"phase", "Two"}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict) << stale.error().ToString();

  auto stored = client_->Get(kGadgets, ns_, "status-stale");
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ((*stored)["status"]["phase"], "One");
  ASSERT_TRUE(client_->Delete(kGadgets, ns_, "status-stale").ok());
}

// A clock the test moves by hand.
struct FakeClock {
  std::atomic<std::int64_t> micros;
  runtime::WallTime Now() const {
    return runtime::WallTime{} + std::chrono::microseconds(micros.load());
  }
  void Advance(std::chrono::microseconds by) { micros += by.count(); }
};

// Validates that an event creates one Event with the documented fields, and that repeats
// within the window update series.count on that same Event, at most once per update interval,
// instead of creating more Events.
TEST_F(RuntimeHelpersTest, Events_RepeatWithinWindow_IncrementsSeriesOnOneEvent) {
  Json object = CreateConfigMap("events-repeat");
  std::string uid = object["metadata"]["uid"];

  // Start at a real "now" so that the Event's age is plausible; keep a sub-second fraction to
  // check the MicroTime format.
  auto start = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
               std::chrono::microseconds(123456);
  FakeClock clock{
      std::chrono::duration_cast<std::chrono::microseconds>(start.time_since_epoch()).count()};
  auto recorder = runtime::EventRecorder::Create(
      client_, {.reporting_controller = "aws.identity.appthrust.io/test",
                .reporting_instance = "helpers-test",
                .series_update_interval = 30s,
                .clock = [&clock] { return clock.Now(); }});
  ASSERT_TRUE(recorder.ok()) << recorder.error().ToString();

  auto record = [&] {
    (*recorder)->Record(object, runtime::EventType::kWarning, "SyncFailed", "Sync",
                        "AccessDenied: not allowed, request id: 0000-1111");
  };
  record();
  ASSERT_TRUE((*recorder)->WaitIdle(30s));
  auto events = EventsAbout(ns_, uid);
  ASSERT_EQ(events.size(), 1u);
  Json event = events[0];
  EXPECT_EQ(event["metadata"]["name"].get<std::string>().rfind("events-repeat.", 0), 0u);
  EXPECT_EQ(event["metadata"]["name"].get<std::string>().size(), 14u + 16u);
  EXPECT_EQ(event["regarding"]["kind"], "ConfigMap");
  EXPECT_EQ(event["regarding"]["apiVersion"], "v1");
  EXPECT_EQ(event["regarding"]["name"], "events-repeat");
  EXPECT_EQ(event["regarding"]["namespace"], ns_);
  EXPECT_EQ(event["regarding"]["resourceVersion"], object["metadata"]["resourceVersion"]);
  EXPECT_EQ(event["type"], "Warning");
  EXPECT_EQ(event["reason"], "SyncFailed");
  EXPECT_EQ(event["action"], "Sync");
  EXPECT_EQ(event["note"], "AccessDenied: not allowed");
  EXPECT_EQ(event["reportingController"], "aws.identity.appthrust.io/test");
  EXPECT_EQ(event["reportingInstance"], "helpers-test");
  EXPECT_EQ(event["eventTime"], runtime::FormatRfc3339Micros(start));
  EXPECT_FALSE(event.contains("series"));

  // Repeats inside the update interval are counted but not yet written.
  clock.Advance(5s);
  record();
  clock.Advance(5s);
  record();
  ASSERT_TRUE((*recorder)->WaitIdle(30s));
  events = EventsAbout(ns_, uid);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_FALSE(events[0].contains("series")) << events[0].dump();

  // Once the interval has passed since the creation, one patch carries the count.
  clock.Advance(20s);
  ASSERT_TRUE((*recorder)->WaitIdle(30s));
  events = EventsAbout(ns_, uid);
  ASSERT_EQ(events.size(), 1u) << "a repeat must not create a second Event";
  EXPECT_EQ(events[0]["metadata"]["name"], event["metadata"]["name"]);
  ASSERT_TRUE(events[0].contains("series")) << events[0].dump();
  EXPECT_EQ(events[0]["series"]["count"], 3);
  EXPECT_EQ(events[0]["series"]["lastObservedTime"], runtime::FormatRfc3339Micros(start + 10s));

  auto stats = (*recorder)->stats();
  EXPECT_EQ(stats.created, 1u);
  EXPECT_EQ(stats.aggregated, 2u);
  EXPECT_EQ(stats.series_updates, 1u);
  EXPECT_EQ(stats.failed, 0u);
  DeleteConfigMap("events-repeat");
}

// Validates that a repeat after the aggregation window creates a new Event, and that an
// event about a cluster-scoped object lands in "default".
TEST_F(RuntimeHelpersTest, Events_AfterWindowAndClusterScoped_NewEventInDefault) {
  // A fresh name per run: without a kube-controller-manager a deleted namespace stays.
  std::string name =
      "runtime-helpers-scope-" +
      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000007);
  auto made = client_->Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", name}}}});
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  Json object = *made;
  object["apiVersion"] = "v1";
  object["kind"] = "Namespace";
  std::string uid = object["metadata"]["uid"];

  FakeClock clock{std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count()};
  auto recorder = runtime::EventRecorder::Create(
      client_, {.reporting_controller = "aws.identity.appthrust.io/test",
                .reporting_instance = "helpers-test",
                .aggregation_window = 1min,
                .clock = [&clock] { return clock.Now(); }});
  ASSERT_TRUE(recorder.ok()) << recorder.error().ToString();

  (*recorder)->Record(object, runtime::EventType::kNormal, "Adopted", "Adopt", "adopted");
  clock.Advance(2min);
  (*recorder)->Record(object, runtime::EventType::kNormal, "Adopted", "Adopt", "adopted");
  ASSERT_TRUE((*recorder)->WaitIdle(30s));

  auto events = EventsAbout("default", uid);
  ASSERT_EQ(events.size(), 2u);
  for (const auto& event : events) {
    EXPECT_EQ(event["metadata"]["namespace"], "default");
    EXPECT_EQ(event["regarding"]["kind"], "Namespace");
    EXPECT_FALSE(event["regarding"].contains("namespace"));
    EXPECT_FALSE(event.contains("series"));
  }
  EXPECT_EQ((*recorder)->stats().created, 2u);
  ASSERT_TRUE(client_->Delete(kube::resources::kNamespaces, "", name).ok());
}

}  // namespace
}  // namespace awio::test
