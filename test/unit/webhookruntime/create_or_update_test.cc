// Tests of the create-or-update step (src/webhookruntime/create_or_update.h) against injected
// live calls: create when absent, no write when nothing changed, the adoption guard of spec
// config-controller.md §9.2, the 409 retry of §4.1 (the §15.12 namespace vector: "a 409 on the
// first update is retried"), the Namespace's never-create mode, and error wording.
#include "webhookruntime/create_or_update.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

namespace awio::webhookruntime {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// One object in memory with scripted failures, counting the writes it receives.
class FakeObject {
 public:
  std::optional<Json> stored;
  std::deque<Error> get_failures, create_failures, update_failures;
  std::vector<Json> created, updated;

  LiveCalls Calls() {
    return LiveCalls{
        .get = [this]() -> Result<Json> {
          if (!get_failures.empty()) return Pop(get_failures);
          if (!stored) return MakeError(ErrorCode::kNotFound, "get: not found");
          return *stored;
        },
        .create = [this](const Json& object) -> Result<Json> {
          created.push_back(object);
          if (!create_failures.empty()) return Pop(create_failures);
          stored = object;
          (*stored)["metadata"]["resourceVersion"] = "1";
          return *stored;
        },
        .update = [this](const Json& object) -> Result<Json> {
          updated.push_back(object);
          if (!update_failures.empty()) return Pop(update_failures);
          stored = object;
          (*stored)["metadata"]["resourceVersion"] = "2";
          return *stored;
        },
    };
  }

 private:
  static Error Pop(std::deque<Error>& queue) {
    Error error = queue.front();
    queue.pop_front();
    return error;
  }
};

const ObjectName kName{"ServiceAccount", "aws-pod-identity-webhook", "pod-identity-webhook"};

Json ManagedAccount(const Json& extra_labels = Json::object()) {
  Json labels = {{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
                 {"aws.identity.appthrust.io/runtime", "self-hosted-webhook"}};
  labels.update(extra_labels);
  return {{"apiVersion", "v1"},
          {"kind", "ServiceAccount"},
          {"metadata",
           {{"name", "pod-identity-webhook"},
            {"namespace", "aws-pod-identity-webhook"},
            {"resourceVersion", "7"},
            {"labels", labels}}}};
}

Status AddRuntimeLabels(Json& object) {
  MergeRuntimeLabels(object);
  return OkStatus();
}

Json AccountSkeleton() { return Skeleton(kube::resources::kServiceAccounts, kName.ns, kName.name); }

// Validates that an absent object is created from the merged skeleton.
TEST(CreateOrUpdate, Absent_CreatesMergedSkeleton) {
  FakeObject fake;
  auto applied = CreateOrUpdate(kName, fake.Calls(), AccountSkeleton(), AddRuntimeLabels, true);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->operation, Operation::kCreated);
  ASSERT_EQ(fake.created.size(), 1U);
  Json expected = AccountSkeleton();
  MergeRuntimeLabels(expected);
  EXPECT_EQ(fake.created[0], expected);
  EXPECT_EQ(applied->object["metadata"]["resourceVersion"], "1");
}

// Validates "write only what differs": an object already as desired gets no UPDATE.
TEST(CreateOrUpdate, AlreadyDesired_SendsNoUpdate) {
  FakeObject fake;
  fake.stored = ManagedAccount();
  MergeRuntimeLabels(*fake.stored);
  auto applied = CreateOrUpdate(kName, fake.Calls(), AccountSkeleton(), AddRuntimeLabels, true);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->operation, Operation::kUnchanged);
  EXPECT_TRUE(fake.updated.empty());
  EXPECT_TRUE(fake.created.empty());
}

// Validates the §15.12 vector: a labelled object missing runtime labels is updated with its
// extra labels kept, and a 409 on the first update is retried from a fresh read.
TEST(CreateOrUpdate, FirstUpdateConflict_IsRetriedAndKeepsExtraLabels) {
  FakeObject fake;
  fake.stored = ManagedAccount({{"aws.identity.appthrust.io/config-uid", "old-config"}});
  fake.update_failures.push_back(MakeError(ErrorCode::kConflict, "update: conflict"));
  auto applied = CreateOrUpdate(kName, fake.Calls(), AccountSkeleton(), AddRuntimeLabels, true);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->operation, Operation::kUpdated);
  EXPECT_EQ(fake.updated.size(), 2U);
  const Json& labels = fake.stored->at("metadata").at("labels");
  EXPECT_EQ(labels["aws.identity.appthrust.io/config-uid"], "old-config");
  EXPECT_EQ(labels["aws.identity.appthrust.io/delivery"], "SelfHostedIRSA");
  EXPECT_EQ(labels["app.kubernetes.io/name"], "pod-identity-webhook");
}

// Validates that conflicts are retried five times in all, then reported.
TEST(CreateOrUpdate, PersistentConflict_GivesUpAfterFiveAttempts) {
  FakeObject fake;
  fake.stored = ManagedAccount();
  for (int i = 0; i < 10; ++i) {
    fake.update_failures.push_back(MakeError(ErrorCode::kConflict, "update: conflict"));
  }
  auto applied = CreateOrUpdate(kName, fake.Calls(), AccountSkeleton(), AddRuntimeLabels, true);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::kConflict);
  EXPECT_EQ(fake.updated.size(), static_cast<std::size_t>(kConflictAttempts));
}

// Validates that losing a create race (AlreadyExists) re-reads and updates instead.
TEST(CreateOrUpdate, CreateRaceLost_RetriesAsUpdate) {
  FakeObject fake;
  fake.create_failures.push_back(MakeError(ErrorCode::kAlreadyExists, "create: exists"));
  // The first GET sees nothing; the winner's object appears before the second GET.
  int reads = 0;
  LiveCalls calls = fake.Calls();
  auto get = calls.get;
  calls.get = [&]() -> Result<Json> {
    if (reads++ == 1) fake.stored = ManagedAccount();
    return get();
  };
  auto applied = CreateOrUpdate(kName, calls, AccountSkeleton(), AddRuntimeLabels, true);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->operation, Operation::kUpdated);
  EXPECT_EQ(fake.created.size(), 1U);
  EXPECT_EQ(fake.updated.size(), 1U);
}

// Validates the adoption guard of §9.2: an unlabelled object is refused with the unmanaged
// error and receives no write.
TEST(CreateOrUpdate, Unmanaged_IsRefusedWithoutWrite) {
  FakeObject fake;
  fake.stored = ManagedAccount();
  (*fake.stored)["metadata"]["labels"] = {{"example.com/owner", "user"}};
  auto applied = CreateOrUpdate(kName, fake.Calls(), AccountSkeleton(), AddRuntimeLabels, true);
  ASSERT_FALSE(applied.ok());
  EXPECT_TRUE(IsUnmanagedError(applied.error()));
  EXPECT_THAT(applied.error().message, HasSubstr("force-delete"));
  EXPECT_THAT(applied.error().message,
              HasSubstr("ServiceAccount aws-pod-identity-webhook/pod-identity-webhook"));
  EXPECT_TRUE(fake.updated.empty());
}

// Validates that an object which becomes unmanaged between a conflict and the re-read is
// refused too (the guard runs on every read, §9.2 step 5).
TEST(CreateOrUpdate, UnmanagedAfterConflict_IsRefused) {
  FakeObject fake;
  fake.stored = ManagedAccount({{"aws.identity.appthrust.io/config-uid", "x"}});
  fake.update_failures.push_back(MakeError(ErrorCode::kConflict, "update: conflict"));
  LiveCalls calls = fake.Calls();
  auto update = calls.update;
  calls.update = [&](const Json& object) -> Result<Json> {
    auto result = update(object);
    (*fake.stored)["metadata"]["labels"] = Json::object();  // a user took it over meanwhile
    return result;
  };
  auto applied = CreateOrUpdate(kName, calls, AccountSkeleton(), AddRuntimeLabels, true);
  ASSERT_FALSE(applied.ok());
  EXPECT_TRUE(IsUnmanagedError(applied.error()));
}

// Validates the wording of a failed read under the guard (§9.2 step 3) and that other write
// errors and merge errors come back unchanged.
TEST(CreateOrUpdate, Errors_AreWordedPerSpec) {
  FakeObject failing_get;
  failing_get.get_failures.push_back(MakeError(ErrorCode::kForbidden, "get: forbidden"));
  auto probe =
      CreateOrUpdate(kName, failing_get.Calls(), AccountSkeleton(), AddRuntimeLabels, true);
  ASSERT_FALSE(probe.ok());
  EXPECT_EQ(probe.error().message,
            "probe ServiceAccount aws-pod-identity-webhook/pod-identity-webhook for adoption: "
            "get: forbidden");
  EXPECT_EQ(probe.error().code, ErrorCode::kForbidden);

  FakeObject invalid;
  invalid.stored = ManagedAccount();
  invalid.update_failures.push_back(MakeError(ErrorCode::kInvalid, "update: invalid"));
  auto update = CreateOrUpdate(kName, invalid.Calls(), AccountSkeleton(), AddRuntimeLabels, true);
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().message, "update: invalid");
  EXPECT_EQ(invalid.updated.size(), 1U);

  FakeObject merge_fails;
  merge_fails.stored = ManagedAccount();
  auto merged = CreateOrUpdate(
      kName, merge_fails.Calls(), AccountSkeleton(),
      [](Json&) -> Status { return MakeError(ErrorCode::kInvalid, "selector is immutable"); },
      true);
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().message, "selector is immutable");
  EXPECT_TRUE(merge_fails.updated.empty());
}

// Validates the Namespace mode of §9.5: without a create call an absent object is NotFound and
// nothing is created; without the guard an unlabelled object is read, not refused.
TEST(CreateOrUpdate, WithoutCreate_NeverCreates) {
  FakeObject fake;
  LiveCalls calls = fake.Calls();
  calls.create = nullptr;
  auto applied =
      CreateOrUpdate({"Namespace", "", "ns"}, calls, Json::object(), AddRuntimeLabels, false);
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(fake.created.empty());

  fake.stored = Json{{"metadata", {{"name", "ns"}, {"labels", {{"example.com/owner", "user"}}}}}};
  auto untouched = CreateOrUpdate(
      {"Namespace", "", "ns"}, calls, Json::object(),
      [](Json& object) {
        if (IsManaged(object)) MergeRuntimeLabels(object);
        return OkStatus();
      },
      false);
  ASSERT_TRUE(untouched.ok());
  EXPECT_EQ(untouched->operation, Operation::kUnchanged);
  EXPECT_TRUE(fake.updated.empty());
}

// Validates the metrics reason names.
TEST(OperationName, MatchesMetricsReasons) {
  EXPECT_EQ(OperationName(Operation::kCreated), "created");
  EXPECT_EQ(OperationName(Operation::kUpdated), "updated");
  EXPECT_EQ(OperationName(Operation::kUnchanged), "unchanged");
  EXPECT_THAT(std::string(OperationName(Operation::kUnchanged)), StartsWith("un"));
}

}  // namespace
}  // namespace awio::webhookruntime
