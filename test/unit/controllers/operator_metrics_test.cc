// Unit tests of the operator's counters and their label normalisers (spec
// packaging-observability.md §6.2 "Label normalisation").
#include "controllers/operator_metrics.h"

#include <gtest/gtest.h>

#include <string>

#include "controllers/child_apply.h"

namespace awio::controllers {
namespace {

// Validates that free-form labels are trimmed, defaulted and bounded (§6.2 "stable label").
TEST(StableLabel, NormalisesFreeFormValues) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"Ready", "Ready"},
      {"  Bucket  ", "Bucket"},
      {"", "unknown"},
      {"   ", "unknown"},
      {"has space", "other"},
      {"slash/inside", "other"},
      {std::string(64, 'a'), std::string(64, 'a')},
      {std::string(65, 'a'), "other"},
      {"a.b-c_d", "a.b-c_d"},
  };
  for (const auto& c : cases) EXPECT_EQ(StableLabel(c.in), c.out) << c.in;
}

// Validates that reasons and delivery types outside their allow-lists become "other" and empty
// ones "unknown" (§6.2 "allow-list").
TEST(AllowListLabels, KeepKnownValuesOnly) {
  EXPECT_EQ(ReasonLabel("WaitingForACK"), "WaitingForACK");
  EXPECT_EQ(ReasonLabel("channel_full"), "channel_full");
  EXPECT_EQ(ReasonLabel("unchanged"), "unchanged");
  EXPECT_EQ(ReasonLabel("SomethingNew"), "other");
  EXPECT_EQ(ReasonLabel(""), "unknown");
  EXPECT_EQ(ReasonLabel(" Ready"), "other");  // no trimming on allow-lists
  EXPECT_EQ(DeliveryTypeLabel("EKSIRSA"), "EKSIRSA");
  EXPECT_EQ(DeliveryTypeLabel("eksirsa"), "other");
  EXPECT_EQ(DeliveryTypeLabel(""), "unknown");
}

// Validates that counters are exposed with normalised labels.
TEST(OperatorMetrics, ExposesNormalisedSeries) {
  observability::Registry registry;
  OperatorMetrics metrics(registry);
  metrics.ChildApply("AWSWorkloadIdentityConfig", "Bucket", "created", true);
  metrics.ConditionTransition("AWSWorkloadIdentityConfig", "Ready", "False", "Brand New Reason");
  metrics.RemoteDelivery("SelfHostedIRSA", "WebhookRuntime", "success", "enqueued");
  metrics.RemoteDelivery("", "ServiceAccount", "weird", "");
  metrics.PredicateDecision("selfhosted-webhook-runtime", false);
  metrics.WatchMapListError("AWSWorkloadIdentityConfig", "configsForOperatorConfig",
                            "AWSWorkloadIdentityOperatorConfig");
  const std::string text = registry.Expose();
  EXPECT_NE(text.find("awio_child_apply_total{controller=\"AWSWorkloadIdentityConfig\","
                      "child_kind=\"Bucket\",operation=\"created\",result=\"success\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("reason=\"other\""), std::string::npos) << text;
  EXPECT_NE(text.find("awio_remote_delivery_total{delivery_type=\"unknown\",resource="
                      "\"ServiceAccount\",result=\"other\",reason=\"unknown\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("decision=\"dropped\""), std::string::npos) << text;
  EXPECT_NE(text.find("map_func=\"configsForOperatorConfig\""), std::string::npos) << text;
}

// Validates the ownership test of owned-delete (config-controller §8.7): a controller reference
// with the UID, or the config-uid label; nothing for an empty UID.
TEST(ControlledBy, ReferenceOrLabel) {
  kube::Json by_ref = {
      {"metadata",
       {{"ownerReferences",
         {{{"uid", "u1"}, {"controller", true}, {"kind", "AWSWorkloadIdentityConfig"}}}}}}};
  kube::Json by_label = {
      {"metadata", {{"labels", {{"aws.identity.appthrust.io/config-uid", "u1"}}}}}};
  kube::Json non_controller = {
      {"metadata", {{"ownerReferences", {{{"uid", "u1"}, {"controller", false}}}}}}};
  EXPECT_TRUE(ControlledBy(by_ref, "u1"));
  EXPECT_TRUE(ControlledBy(by_label, "u1"));
  EXPECT_FALSE(ControlledBy(by_ref, "u2"));
  EXPECT_FALSE(ControlledBy(non_controller, "u1"));
  EXPECT_FALSE(ControlledBy(by_label, ""));
  EXPECT_FALSE(ControlledBy(kube::Json::object(), "u1"));
}

}  // namespace
}  // namespace awio::controllers
