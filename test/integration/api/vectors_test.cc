// Runs the api.md §11 vectors of testdata/vectors.yaml against the real kube-apiserver with our
// CRDs installed: each vector creates its object (then updates it, or writes its status, when
// the vector says so) in a namespace of its own and asserts the server's decision: accepted
// with the stored defaults, or rejected naming the field and, where the spec gives one, the
// rule's message. Webhook-layer vectors are listed in the file and run by the admission tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "api_test_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"
#include "testdata_paths.h"
#include "vector_table.h"

namespace awio::test {

// gtest prints parameters on failure; the ID and name say everything a reader needs.
void PrintTo(const ApiVector& vector, std::ostream* out) { *out << vector.TestName(); }

namespace {

using nlohmann::json;

const VectorTable& Table() {
  static const VectorTable table = [] {
    auto loaded = LoadVectorTable(ApiTestdataDir() / "vectors.yaml");
    if (loaded.ok()) return std::move(*loaded);
    VectorTable placeholder;
    ApiVector broken;
    broken.id = "TV-000";
    broken.name = "VectorFile_Loads";
    broken.load_error = loaded.error().ToString();
    placeholder.vectors.push_back(broken);
    return placeholder;
  }();
  return table;
}

// Every vector ID of api.md §11, for the coverage check below.
std::set<std::string> SpecVectorIds() {
  const std::vector<std::pair<int, int>> ranges = {{1, 8},     {10, 23},   {30, 44},   {50, 65},
                                                   {70, 73},   {80, 84},   {90, 107},  {110, 124},
                                                   {130, 157}, {160, 172}, {180, 186}, {190, 199}};
  std::set<std::string> ids;
  for (const auto& [first, last] : ranges) {
    for (int n = first; n <= last; ++n) {
      std::string number = std::to_string(n);
      ids.insert("TV-" + std::string(3 - number.size(), '0') + number);
    }
  }
  return ids;
}

class ApiVectorTest : public ::testing::TestWithParam<ApiVector> {
 protected:
  void TearDown() override {
    if (!cluster_scoped_.is_null()) {
      EXPECT_TRUE(RemoveAndWait(SharedEnvironment().hub(), cluster_scoped_))
          << "cannot remove " << ObjectPath(cluster_scoped_);
    }
  }

  json cluster_scoped_;  // the cluster-scoped object this test may have created
};

void ExpectDecision(const ApiVector& vector, const ApiOutcome& outcome) {
  if (vector.expect_accept) {
    ASSERT_TRUE(outcome.accepted()) << outcome.Describe();
    if (!vector.stored.is_null()) {
      std::string where;
      EXPECT_TRUE(ContainsSubset(outcome.body, vector.stored, where))
          << "stored object differs at " << where << ": " << outcome.body.dump();
    }
    for (const auto& pointer : vector.absent) {
      EXPECT_FALSE(outcome.body.contains(json::json_pointer(pointer)))
          << pointer << " should be absent: " << outcome.body.dump();
    }
    return;
  }

  ASSERT_EQ(outcome.status, 422) << "expected an Invalid rejection; got " << outcome.Describe();
  const auto fields = outcome.CauseFields();
  for (const auto& field : vector.fields) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), field), fields.end())
        << "the rejection does not name " << field << ": " << outcome.message;
  }
  for (const auto& text : vector.messages) {
    EXPECT_NE(outcome.message.find(text), std::string::npos)
        << "the rejection does not say \"" << text << "\": " << outcome.message;
  }
  if (vector.error_count >= 0) {
    EXPECT_EQ(static_cast<int>(fields.size()), vector.error_count) << outcome.message;
  }
}

// Validates that the API server decides each vector as api.md §11 says: accept (with the stored
// defaults of §9.1) or reject naming the field and the rule.
TEST_P(ApiVectorTest, ServerDecidesAsSpecified) {
  const ApiVector& vector = GetParam();
  ASSERT_TRUE(vector.load_error.empty()) << vector.load_error;
  const auto& hub = SharedEnvironment().hub();

  json object = vector.object;
  if (IsNamespacedKind(object.value("kind", ""))) {
    const std::string ns = DnsLabel("api-" + vector.TestName());
    ASSERT_EQ(EnsureNamespace(hub, ns), "");
    object["metadata"]["namespace"] = ns;
  } else {
    cluster_scoped_ = object;
    ASSERT_TRUE(RemoveAndWait(hub, object)) << "cannot clear " << ObjectPath(object);
  }

  ApiOutcome outcome = CreateObject(hub, object);
  if (!vector.update.is_null() || !vector.status.is_null()) {
    ASSERT_TRUE(outcome.accepted()) << "creating the stored object: " << outcome.Describe();
    json next = outcome.body;
    if (!vector.update.is_null()) {
      next.merge_patch(vector.update);
      outcome = UpdateObject(hub, next);
    } else {
      next["status"] = vector.status;
      outcome = UpdateStatus(hub, next);
    }
  }
  ExpectDecision(vector, outcome);
}

INSTANTIATE_TEST_SUITE_P(Spec, ApiVectorTest, ::testing::ValuesIn(Table().vectors),
                         [](const ::testing::TestParamInfo<ApiVector>& param) {
                           return param.param.TestName();
                         });

// Validates that every vector of api.md §11 is either run here, named as a webhook vector, or
// covered by another test of this binary, and that no vector is claimed twice.
TEST(ApiVectorTableTest, Table_CoversEverySpecVectorExactlyOnce) {
  const VectorTable& table = Table();
  ASSERT_TRUE(table.vectors.front().load_error.empty()) << table.vectors.front().load_error;

  std::set<std::string> run, claimed;
  for (const auto& vector : table.vectors) {
    if (vector.id.rfind("TV-", 0) == 0) run.insert(vector.id);
  }
  claimed = run;
  for (const auto& id : table.webhook_vectors) {
    EXPECT_TRUE(claimed.insert(id).second) << id << " is both run here and left to the webhook";
  }
  for (const auto& [id, test] : table.covered_elsewhere) {
    EXPECT_TRUE(claimed.insert(id).second) << id << " is claimed twice";
  }
  EXPECT_EQ(claimed, SpecVectorIds());
}

// Validates that each vector names a layer the API server decides, as the legend of §11 spells
// them, and that webhook-layer vectors are not among them.
TEST(ApiVectorTableTest, Vectors_UseServerSideLayersOnly) {
  const std::set<std::string> layers = {"Schema", "CEL", "Default", "Controller", "-"};
  for (const auto& vector : Table().vectors) {
    EXPECT_EQ(layers.count(vector.layer), 1u) << vector.TestName() << " layer " << vector.layer;
  }
}

}  // namespace
}  // namespace awio::test
