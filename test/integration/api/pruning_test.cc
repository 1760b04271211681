// Unknown fields (api.md §1.2, §5.1, §6.3): the API server drops fields our schemas do not
// declare, refuses them when the client asks for strict field validation, keeps everything
// inside a policy document, and keeps only labels and annotations in a ReplicaSet template's
// metadata. Each test uses a namespace of its own.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api_test_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::test {
namespace {

using nlohmann::json;

json ConfigIn(const std::string& ns) {
  return json::parse(R"({
    "apiVersion": "aws.identity.appthrust.io/v1alpha1", "kind": "AWSWorkloadIdentityConfig",
    "metadata": {"name": "default", "namespace": ")" +
                     ns + R"("},
    "spec": {"type": "SelfHostedIRSA", "region": "ap-northeast-1", "bucketName": "extra"}})");
}

// Validates that a field the schema does not declare is dropped before storage (§1.2).
TEST(PruningTest, UndeclaredSpecField_IsDroppedOnStorage) {
  const auto& hub = SharedEnvironment().hub();
  ASSERT_EQ(EnsureNamespace(hub, "prune-default"), "");

  const auto outcome = CreateObject(hub, ConfigIn("prune-default"));
  ASSERT_TRUE(outcome.accepted()) << outcome.Describe();
  EXPECT_FALSE(outcome.body["spec"].contains("bucketName")) << outcome.body["spec"].dump();
  EXPECT_EQ(outcome.body["spec"].value("region", ""), "ap-northeast-1");
}

// Validates that strict field validation turns the same undeclared field into a refusal that
// names it (§1.2).
TEST(PruningTest, UndeclaredSpecField_IsRefusedUnderStrictFieldValidation) {
  const auto& hub = SharedEnvironment().hub();
  ASSERT_EQ(EnsureNamespace(hub, "prune-strict"), "");
  const json object = ConfigIn("prune-strict");

  const auto response =
      KubeRequest(hub, "POST", CollectionPath(object) + "?fieldValidation=Strict", object);
  EXPECT_GE(response.status, 400) << response.raw;
  const std::string message =
      response.body.is_object() ? response.body.value("message", "") : response.raw;
  EXPECT_NE(message.find(R"(unknown field "spec.bucketName")"), std::string::npos) << message;
}

// Validates that a policy document keeps every nested field as given, including ones IAM would
// not know, while the rest of the spec is still pruned (§6.3).
TEST(PruningTest, PolicyDocument_KeepsArbitraryContent) {
  const auto& hub = SharedEnvironment().hub();
  ASSERT_EQ(EnsureNamespace(hub, "prune-document"), "");
  const json document = json::parse(R"({
    "Version": "2012-10-17", "Id": "kept",
    "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
                   "Condition": {"StringLike": {"s3:prefix": ["home/", "home/*"]}},
                   "x-custom": {"nested": [1, 2.5, true, null]}}]})");
  const json role = {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                     {"kind", "AWSServiceAccountRole"},
                     {"metadata", {{"name", "keeps-document"}, {"namespace", "prune-document"}}},
                     {"spec",
                      {{"serviceAccount", {{"namespace", "default"}, {"name", "reader"}}},
                       {"policyDocument", document},
                       {"undeclared", "dropped"}}}};

  const auto outcome = CreateObject(hub, role);
  ASSERT_TRUE(outcome.accepted()) << outcome.Describe();
  EXPECT_EQ(outcome.body["spec"]["policyDocument"], document);
  EXPECT_FALSE(outcome.body["spec"].contains("undeclared"));
}

// Validates that a ReplicaSet template keeps only labels and annotations of its metadata
// (§5.1: any other key is pruned).
TEST(PruningTest, ReplicaSetTemplateMetadata_KeepsOnlyLabelsAndAnnotations) {
  const auto& hub = SharedEnvironment().hub();
  ASSERT_EQ(EnsureNamespace(hub, "prune-template"), "");
  const json replica_set = json::parse(R"({
    "apiVersion": "aws.identity.appthrust.io/v1alpha1", "kind": "AWSServiceAccountRoleReplicaSet",
    "metadata": {"name": "trimmed", "namespace": "prune-template"},
    "spec": {"placementRefs": [{"name": "production"}],
             "template": {"metadata": {"name": "ignored", "namespace": "ignored",
                                       "labels": {"team": "platform"},
                                       "annotations": {"example.com/owner": "platform"}},
                          "spec": {"serviceAccount": {"namespace": "kube-system", "name": "dns"},
                                   "policyARNs": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}}})");

  const auto outcome = CreateObject(hub, replica_set);
  ASSERT_TRUE(outcome.accepted()) << outcome.Describe();
  EXPECT_EQ(outcome.body["spec"]["template"]["metadata"],
            json::parse(R"({"labels": {"team": "platform"},
                            "annotations": {"example.com/owner": "platform"}})"));
}

}  // namespace
}  // namespace awio::test
