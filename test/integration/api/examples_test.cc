// The example manifests of testdata/examples and the complete examples shown in
// docs/reference/api.md are accepted by the real API server and stored without losing a field,
// and the invalid variants of testdata/invalid_examples.yaml are rejected with a Status that
// names the offending field. Each test rewrites the examples' namespaces to its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "api_test_util.h"
#include "support/shared_environment.h"
#include "support/yaml_json.h"
#include "testdata_paths.h"
#include "vector_table.h"

namespace awio::test {

struct ExampleFile {
  std::string file;  // name inside testdata/examples
  std::vector<nlohmann::json> documents;
  std::string load_error;
};

struct InvalidExample {
  std::string name;
  std::string example;  // file name inside testdata/examples
  std::string kind;     // which object of the example the patch applies to
  nlohmann::json patch;
  std::vector<std::string> fields;
  std::vector<std::string> messages;
  std::string load_error;
};

void PrintTo(const ExampleFile& example, std::ostream* out) { *out << example.file; }
void PrintTo(const InvalidExample& example, std::ostream* out) { *out << example.name; }

namespace {

using nlohmann::json;

std::filesystem::path ExamplesDir() { return ApiTestdataDir() / "examples"; }

ExampleFile LoadExample(const std::string& file) {
  ExampleFile example{file, {}, ""};
  auto documents = LoadYamlDocuments(ExamplesDir() / file);
  if (documents.ok()) {
    example.documents = std::move(*documents);
  } else {
    example.load_error = documents.error().ToString();
  }
  return example;
}

std::vector<ExampleFile> AllExamples() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(ExamplesDir())) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<ExampleFile> examples;
  for (const auto& file : files) examples.push_back(LoadExample(file));
  return examples;
}

std::vector<InvalidExample> AllInvalidExamples() {
  std::vector<InvalidExample> variants;
  auto document = LoadYamlFile(ApiTestdataDir() / "invalid_examples.yaml");
  if (document.ok()) {
    auto expanded = ExpandGenerators(*document);
    if (!expanded.ok()) document = expanded.error();
  }
  if (!document.ok()) {
    variants.push_back(
        {"InvalidExamplesFile_Loads", "", "", nullptr, {}, {}, document.error().ToString()});
    return variants;
  }
  for (const auto& entry : (*document).value("variants", json::array())) {
    variants.push_back({entry.value("name", ""), entry.value("example", ""),
                        entry.value("kind", ""), entry.value("patch", json()),
                        entry.value("fields", std::vector<std::string>()),
                        entry.value("messages", std::vector<std::string>()), ""});
  }
  return variants;
}

// "role-policy-arns.yaml" -> "RolePolicyArns".
std::string CamelCase(const std::string& file) {
  std::string out;
  bool upper = true;
  for (const char c : std::filesystem::path(file).stem().string()) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// Moves every namespace of `example` into one owned by this test: Namespace objects are
// renamed and namespaced objects follow them.
std::vector<json> Localized(const ExampleFile& example, const std::string& test) {
  std::vector<json> out;
  for (json document : example.documents) {
    const std::string kind = document.value("kind", "");
    if (kind == "Namespace") {
      document["metadata"]["name"] =
          DnsLabel("ex-" + test + "-" + document["metadata"].value("name", ""));
    } else if (IsNamespacedKind(kind)) {
      document["metadata"]["namespace"] =
          DnsLabel("ex-" + test + "-" + document["metadata"].value("namespace", ""));
    }
    out.push_back(std::move(document));
  }
  return out;
}

class ExampleManifestTest : public ::testing::TestWithParam<ExampleFile> {
 protected:
  void TearDown() override {
    for (const auto& object : cluster_scoped_) {
      EXPECT_TRUE(RemoveAndWait(SharedEnvironment().hub(), object)) << ObjectPath(object);
    }
  }

  std::vector<json> cluster_scoped_;  // objects to remove so the next test starts clean
};

// Validates that every document of the example is accepted and stored with its whole spec, so
// the documentation examples are valid and nothing in them is silently pruned.
TEST_P(ExampleManifestTest, IsAcceptedAndStoredWithoutPruning) {
  const ExampleFile& example = GetParam();
  ASSERT_TRUE(example.load_error.empty()) << example.load_error;
  ASSERT_FALSE(example.documents.empty());
  const auto& hub = SharedEnvironment().hub();

  for (const auto& document : Localized(example, CamelCase(example.file))) {
    const std::string kind = document.value("kind", "");
    SCOPED_TRACE(kind + " " + document["metadata"].value("name", ""));
    if (kind == "Namespace") {
      ASSERT_EQ(EnsureNamespace(hub, document["metadata"].value("name", "")), "");
      continue;
    }
    if (!IsNamespacedKind(kind)) {
      ASSERT_TRUE(RemoveAndWait(hub, document));
      cluster_scoped_.push_back(document);
    }
    const auto outcome = CreateObject(hub, document);
    ASSERT_TRUE(outcome.accepted()) << outcome.Describe();
    std::string where;
    EXPECT_TRUE(ContainsSubset(outcome.body["spec"], document["spec"], where))
        << "spec" << where << " was not stored as given: " << outcome.body["spec"].dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleManifestTest, ::testing::ValuesIn(AllExamples()),
                         [](const ::testing::TestParamInfo<ExampleFile>& param) {
                           return CamelCase(param.param.file);
                         });

// Validates that the examples show every kind and every delivery type, and a Role both with
// policy ARNs and with an inline document, as docs/reference/api.md promises.
TEST(ExampleSetTest, Examples_CoverEveryKindAndDeliveryType) {
  std::set<std::string> shown;
  for (const auto& example : AllExamples()) {
    ASSERT_TRUE(example.load_error.empty()) << example.load_error;
    for (const auto& document : example.documents) {
      const std::string kind = document.value("kind", "");
      const json& spec = document.value("spec", json::object());
      shown.insert(kind);
      if (kind == "AWSWorkloadIdentityConfig") shown.insert("type " + spec.value("type", ""));
      if (kind == "AWSServiceAccountRole" && spec.contains("policyARNs")) shown.insert("arns");
      if (kind == "AWSServiceAccountRole" && spec.contains("policyDocument")) shown.insert("doc");
    }
  }
  for (const char* expected :
       {"AWSWorkloadIdentityOperatorConfig", "AWSWorkloadIdentityConfig", "AWSServiceAccountRole",
        "AWSServiceAccountRoleReplicaSet", "type SelfHostedIRSA", "type EKSIRSA",
        "type EKSPodIdentity", "arns", "doc"}) {
    EXPECT_EQ(shown.count(expected), 1u) << "no example shows " << expected;
  }
}

// The objects in the ```yaml blocks of the API reference page; fragments without a kind are
// left out.
Result<std::vector<json>> ApiReferenceExamples() {
  std::ifstream in(ApiReferenceDoc());
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + ApiReferenceDoc().string());
  std::stringstream text;
  text << in.rdbuf();
  const std::string page = text.str();
  const std::string open = "```yaml\n", close = "\n```";

  std::vector<json> objects;
  for (std::size_t at = page.find(open); at != std::string::npos; at = page.find(open, at)) {
    const std::size_t begin = at + open.size();
    const std::size_t end = page.find(close, begin);
    if (end == std::string::npos) break;
    auto documents = ParseYamlDocuments(page.substr(begin, end - begin), "api.md");
    if (!documents.ok()) return documents.error();
    for (auto& document : *documents) {
      if (document.is_object() && document.contains("kind")) objects.push_back(document);
    }
    at = end + close.size();
  }
  return objects;
}

// Validates that every complete example on docs/reference/api.md is accepted and stored as
// written, one per kind at least, so the reference page cannot drift from the CRDs.
TEST(ApiReferenceExamplesTest, FullExamples_AreAcceptedAndStoredAsWritten) {
  auto examples = ApiReferenceExamples();
  ASSERT_TRUE(examples.ok()) << examples.error().ToString();
  const auto& hub = SharedEnvironment().hub();

  std::set<std::string> kinds;
  for (std::size_t i = 0; i < examples->size(); ++i) {
    json object = (*examples)[i];
    const std::string kind = object.value("kind", "");
    SCOPED_TRACE("example " + std::to_string(i) + " " + kind);
    kinds.insert(kind);
    if (IsNamespacedKind(kind)) {
      const std::string ns =
          DnsLabel("doc-" + std::to_string(i) + "-" + object["metadata"].value("namespace", ""));
      ASSERT_EQ(EnsureNamespace(hub, ns), "");
      object["metadata"]["namespace"] = ns;
    } else {
      ASSERT_TRUE(RemoveAndWait(hub, object));
    }
    const auto outcome = CreateObject(hub, object);
    if (!IsNamespacedKind(kind)) {
      EXPECT_TRUE(RemoveAndWait(hub, object));
    }
    ASSERT_TRUE(outcome.accepted()) << outcome.Describe();
    std::string where;
    EXPECT_TRUE(ContainsSubset(outcome.body["spec"], object["spec"], where))
        << "spec" << where << " was not stored as written";
  }
  EXPECT_EQ(kinds.size(), 4u) << "the page should show one example of each kind";
}

class InvalidExampleTest : public ::testing::TestWithParam<InvalidExample> {
 protected:
  void TearDown() override {
    if (!cluster_scoped_.is_null()) RemoveAndWait(SharedEnvironment().hub(), cluster_scoped_);
  }

  json cluster_scoped_;
};

// Validates that the broken variant of an example is rejected with an Invalid Status that
// names the offending field and says what is wrong.
TEST_P(InvalidExampleTest, IsRejectedNamingTheField) {
  const InvalidExample& variant = GetParam();
  ASSERT_TRUE(variant.load_error.empty()) << variant.load_error;
  const ExampleFile example = LoadExample(variant.example);
  ASSERT_TRUE(example.load_error.empty()) << example.load_error;
  const auto& hub = SharedEnvironment().hub();

  json target;
  for (const auto& document : Localized(example, "bad-" + variant.name)) {
    const std::string kind = document.value("kind", "");
    if (kind == "Namespace") {
      ASSERT_EQ(EnsureNamespace(hub, document["metadata"].value("name", "")), "");
    } else if (kind == variant.kind && target.is_null()) {
      target = document;
    }
  }
  ASSERT_FALSE(target.is_null()) << variant.example << " has no " << variant.kind;
  target.merge_patch(variant.patch);
  if (!IsNamespacedKind(variant.kind)) {
    cluster_scoped_ = target;
    ASSERT_TRUE(RemoveAndWait(hub, target));
  }

  const auto outcome = CreateObject(hub, target);
  ASSERT_EQ(outcome.status, 422) << outcome.Describe();
  const auto fields = outcome.CauseFields();
  for (const auto& field : variant.fields) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), field), fields.end())
        << "the rejection does not name " << field << ": " << outcome.message;
  }
  for (const auto& text : variant.messages) {
    EXPECT_NE(outcome.message.find(text), std::string::npos)
        << "the rejection does not say \"" << text << "\": " << outcome.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, InvalidExampleTest, ::testing::ValuesIn(AllInvalidExamples()),
                         [](const ::testing::TestParamInfo<InvalidExample>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace awio::test
