// Tests of the defaults applied in code (src/api/v1alpha1/defaults.h): WithDefaults of
// spec/api.md §9.2 and the §9.1 schema defaults.
#include "api/v1alpha1/defaults.h"

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "api/v1alpha1/codec.h"
#include "json_test_util.h"

namespace awio::api::v1alpha1 {
namespace {

using test::JsonIdentical;
using test::YamlToJson;

std::shared_ptr<const OperatorConfig> OperatorConfigFrom(std::string_view yaml) {
  Result<OperatorConfig> config = DecodeOperatorConfig(YamlToJson(yaml));
  EXPECT_TRUE(config.ok()) << config.error().message;
  return std::make_shared<const OperatorConfig>(config.ok() ? *config : OperatorConfig{});
}

// Validates that §9.2 WithDefaults returns the very same object, not a copy, when the webhook
// namespace is already set.
TEST(DefaultsTest, WithDefaults_NamespaceSet_ReturnsSameObject) {
  auto config = OperatorConfigFrom(R"(
metadata: {name: default}
spec: {selfHostedIRSA: {webhookNamespace: custom-webhook}}
)");
  std::shared_ptr<const OperatorConfig> result = WithDefaults(config);
  EXPECT_EQ(result.get(), config.get());
  EXPECT_EQ(EffectiveWebhookNamespace(*config), "custom-webhook");
}

struct UnsetCase {
  std::string_view name;
  std::string_view yaml;
};
void PrintTo(const UnsetCase& v, std::ostream* os) { *os << v.name; }

class WithDefaultsUnsetTest : public ::testing::TestWithParam<UnsetCase> {};

// Validates that §9.2 WithDefaults returns a separate copy with the webhook namespace set to
// aws-pod-identity-webhook, and leaves the input untouched, whenever the namespace is absent
// or empty; nothing else in the copy differs.
TEST_P(WithDefaultsUnsetTest, WithDefaults_NamespaceUnset_ReturnsDefaultedCopy) {
  auto config = OperatorConfigFrom(GetParam().yaml);
  const OperatorConfig before = *config;

  std::shared_ptr<const OperatorConfig> result = WithDefaults(config);
  ASSERT_NE(result, nullptr);
  EXPECT_NE(result.get(), config.get());
  EXPECT_EQ(*config, before);
  ASSERT_TRUE(result->spec.self_hosted_irsa.has_value());
  EXPECT_EQ(result->spec.self_hosted_irsa->webhook_namespace,
            std::optional<std::string>("aws-pod-identity-webhook"));
  EXPECT_EQ(EffectiveWebhookNamespace(*config), "aws-pod-identity-webhook");

  OperatorConfig expected = before;
  expected.spec.self_hosted_irsa =
      SelfHostedIRSASettings{.webhook_namespace = "aws-pod-identity-webhook"};
  EXPECT_EQ(*result, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, WithDefaultsUnsetTest,
    ::testing::Values(
        UnsetCase{"NoSelfHostedIRSA", R"(
metadata: {name: default, uid: u1, annotations: {a: b}}
spec: {permissionsBoundaryARN: "arn:aws:iam::123456789012:policy/boundary"}
)"},
        UnsetCase{"EmptySelfHostedIRSA", "metadata: {name: default}\nspec: {selfHostedIRSA: {}}"},
        UnsetCase{"EmptyNamespace",
                  "metadata: {name: default}\nspec: {selfHostedIRSA: {webhookNamespace: \"\"}}"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// Validates that WithDefaults passes a null pointer through.
TEST(DefaultsTest, WithDefaults_Null_ReturnsNull) { EXPECT_EQ(WithDefaults(nullptr), nullptr); }

// Validates the §9.1 operator config defaults: TV-001 (`spec: {}`) and TV-002
// (`selfHostedIRSA: {}`) end up as the API server stores them.
TEST(DefaultsTest, ApplySchemaDefaults_OperatorConfig_MatchesTV001AndTV002) {
  const Json stored = YamlToJson(R"(
apiVersion: aws.identity.appthrust.io/v1alpha1
kind: AWSWorkloadIdentityOperatorConfig
metadata: {name: default}
spec: {selfHostedIRSA: {webhookNamespace: aws-pod-identity-webhook}}
)");
  for (std::string_view spec : {"{}", "{selfHostedIRSA: {}}"}) {
    SCOPED_TRACE(spec);
    Result<OperatorConfig> config =
        DecodeOperatorConfig(YamlToJson("metadata: {name: default}\nspec: " + std::string(spec)));
    ASSERT_TRUE(config.ok()) << config.error().message;
    EXPECT_TRUE(ApplySchemaDefaults(*config));
    EXPECT_TRUE(JsonIdentical(stored, Encode(*config)));
    EXPECT_FALSE(ApplySchemaDefaults(*config));  // idempotent
  }
}

// Validates that a set webhook namespace, even an empty one, is a value the schema default
// does not replace (as with apiserver defaulting, which fills only absent fields).
TEST(DefaultsTest, ApplySchemaDefaults_OperatorConfigWithValue_KeepsIt) {
  for (std::string_view value : {"custom", ""}) {
    OperatorConfig config;
    config.spec.self_hosted_irsa = SelfHostedIRSASettings{.webhook_namespace = std::string(value)};
    EXPECT_FALSE(ApplySchemaDefaults(config));
    EXPECT_EQ(config.spec.self_hosted_irsa->webhook_namespace, std::string(value));
  }
}

struct RolloutCase {
  std::string_view name;
  std::string_view refs;    // spec.placementRefs as given
  std::string_view stored;  // spec.placementRefs after defaulting
};
void PrintTo(const RolloutCase& v, std::ostream* os) { *os << v.name; }

class ReplicaSetDefaultsTest : public ::testing::TestWithParam<RolloutCase> {};

// Validates the §9.1 ReplicaSet defaults, including the JSON types of the defaults (integer
// maxFailures 0, string minSuccessTime "0", §12.2 note 19).
TEST_P(ReplicaSetDefaultsTest, ApplySchemaDefaults_ReplicaSet_MatchesStoredForm) {
  constexpr std::string_view kTemplate =
      "\n  template: {spec: {serviceAccount: {namespace: n, name: s}}}\n";
  Result<ReplicaSet> rs = DecodeReplicaSet(YamlToJson(
      "spec:\n  placementRefs: " + std::string(GetParam().refs) + std::string(kTemplate)));
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  const bool changed = ApplySchemaDefaults(*rs);
  EXPECT_EQ(changed, GetParam().refs != GetParam().stored);
  EXPECT_TRUE(JsonIdentical(YamlToJson(GetParam().stored), Encode(*rs)["spec"]["placementRefs"]));
  EXPECT_FALSE(ApplySchemaDefaults(*rs));  // idempotent
}

INSTANTIATE_TEST_SUITE_P(
    Table, ReplicaSetDefaultsTest,
    ::testing::Values(
        // TV-165: no strategy gives {type: All}; `all` stays absent.
        RolloutCase{"TV165_NoStrategy", "[{name: production}]",
                    "[{name: production, rolloutStrategy: {type: All}}]"},
        // TV-172: an empty progressive block gets the three defaults.
        RolloutCase{"TV172_EmptyProgressive",
                    "[{name: p, rolloutStrategy: {type: Progressive, progressive: {}}}]",
                    "[{name: p, rolloutStrategy: {type: Progressive, progressive: "
                    "{maxFailures: 0, minSuccessTime: \"0\", progressDeadline: None}}}]"},
        RolloutCase{"EmptyStrategyWithAllVariants",
                    "[{name: p, rolloutStrategy: {all: {}, progressivePerGroup: {}}}]",
                    "[{name: p, rolloutStrategy: {type: All, "
                    "all: {maxFailures: 0, minSuccessTime: \"0\", progressDeadline: None}, "
                    "progressivePerGroup: "
                    "{maxFailures: 0, minSuccessTime: \"0\", progressDeadline: None}}}]"},
        // Values that are present, of either type, are kept.
        RolloutCase{"SetValuesKept",
                    "[{name: p, rolloutStrategy: {type: Progressive, progressive: "
                    "{maxFailures: \"10%\", minSuccessTime: 5m, progressDeadline: 1h}}}]",
                    "[{name: p, rolloutStrategy: {type: Progressive, progressive: "
                    "{maxFailures: \"10%\", minSuccessTime: 5m, progressDeadline: 1h}}}]"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace awio::api::v1alpha1
