// Tests of the naming rules in src/aws/names.h against role-controller spec §3 and §17.1 and
// config-controller spec §3, §15.2 and §15.3.
#include "aws/names.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace awio::aws {
namespace {

// Kubernetes label value syntax (apimachinery IsValidLabelValue).
bool IsValidLabelValue(const std::string& value) {
  static const std::regex kPattern("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  return value.size() <= kLabelValueMaxLength && std::regex_match(value, kPattern);
}

std::string Repeat(char c, std::size_t n) { return std::string(n, c); }

// Validates the safePart examples of role-controller spec §3.1 and the edge cases of its rules.
TEST(SafePart, SpecExamplesAndEdgeCases) {
  struct Case {
    std::string input;
    std::string expected;
  };
  const Case cases[] = {
      {"My.Role_Name", "my-role-name"},
      {"a..b", "a-b"},
      {"a-.b", "a--b"},  // existing '-' kept, then the run "." becomes another '-'
      {"...", "x"},
      {"", "x"},
      {"---", "x"},
      {"-abc-", "abc"},
      {"Team_A", "team-a"},
      {"___", "x"},
      {"wlc-a", "wlc-a"},
      {"ABC123", "abc123"},
      {"caf\xC3\xA9-bar", "caf--bar"},     // é becomes one "-", the existing "-" stays
      {"\xC3\xA9\xC3\xA9x\xC3\xA9", "x"},  // a run of multi-byte characters is one '-'
      {"\xC4\xB0stanbul", "istanbul"},     // U+0130 lower-cases to 'i' (Go: unicode.ToLower)
      {"\xE2\x84\xAA"
       "elvin",
       "kelvin"},  // U+212A KELVIN SIGN lower-cases to 'k'
      {"a\xFF"
       "b",
       "a-b"},  // invalid UTF-8 is unsafe
  };
  for (const Case& c : cases) EXPECT_EQ(SafePart(c.input), c.expected) << c.input;
}

// Validates hashTail (§3.2): raw parts joined with '/', first 10 hex digits of SHA-256.
TEST(HashTail, JoinsRawPartsWithSlash) {
  EXPECT_EQ(HashTail({"role-uid", "wlc-a", "app"}), "366495dc46");
  EXPECT_EQ(HashTail({"wlc-a", "ap-northeast-1"}), "c7c9fccd48");
  // An empty uid still contributes its separator: "/wlc-a/app".
  EXPECT_EQ(HashTail({"", "wlc-a", "app"}), "8d57b79423");
  EXPECT_EQ(HashTail({"role-uid", "wlc-a", "app"}).size(), kHashTailLength);
  // Raw, not sanitized: "Team_A" and "team-a" hash differently.
  EXPECT_NE(HashTail({"Team_A", "us-east-1"}), HashTail({"team-a", "us-east-1"}));
}

// Validates bounded (§3.3): the tail is always appended; a long name is cut to the limit and
// trailing '-' of the cut prefix are trimmed.
TEST(Bounded, AtAndBeyondTheLimit) {
  const std::string tail = HashTail({"p"});
  // Short: base + "-" + tail.
  EXPECT_EQ(Bounded("abc", 63, {"p"}), "abc-" + tail);
  // Exactly at the limit: kept whole.
  const std::string at_limit = Repeat('a', 63 - 11);
  EXPECT_EQ(Bounded(at_limit, 63, {"p"}), at_limit + "-" + tail);
  EXPECT_EQ(Bounded(at_limit, 63, {"p"}).size(), 63u);
  // One byte over: the base loses one byte.
  EXPECT_EQ(Bounded(at_limit + "b", 63, {"p"}), at_limit + "-" + tail);
  // Cut prefix ending in '-': the hyphens are trimmed, giving a shorter name.
  EXPECT_EQ(Bounded(Repeat('a', 50) + "--bbbb", 63, {"p"}), Repeat('a', 50) + "-" + tail);
}

// Validates every IAM Role, IAM Policy and PodIdentityAssociation name of role-controller spec
// §17.1, including the truncated and hyphen-trimmed vectors.
TEST(GeneratedNames, RoleControllerVectors) {
  struct Case {
    OwnerIdentity role;
    std::string role_name;    // empty: not given by the spec
    std::string policy_name;  // empty: not given by the spec
    std::string pia_name;     // empty: not given by the spec
  };
  const std::string long_ns = "very-long-workload-cluster-namespace-that-needs-to-fit-in-labels";
  const Case cases[] = {
      {{"wlc-a", "app", "role-uid"},
       "awi-wlc-a-app-366495dc46",
       "awi-pol-wlc-a-app-fc802795bf",
       "awi-pia-app"},
      {{"wlc-a", "app", ""},
       "awi-wlc-a-app-8d57b79423",
       "awi-pol-wlc-a-app-f38dade088",
       "awi-pia-app"},
      {{"eks-prod", "external-dns", "3f1c2b9a-0000-4000-8000-000000000001"},
       "awi-eks-prod-external-dns-a095c70d5f",
       "awi-pol-eks-prod-external-dns-73383ebfe6",
       "awi-pia-external-dns"},
      {{"wlc-a", "My.Role_Name", "u1"},
       "awi-wlc-a-my-role-name-129c7a84e1",
       "awi-pol-wlc-a-my-role-name-3d6dc49eb3",
       "awi-pia-my-role-name"},
      {{long_ns, "sts-canary", "204381cb-58f0-47a9-ac3d-0f75cb1d293d"},
       "awi-very-long-workload-cluster-namespace-that-needs-t-7312929570",
       "awi-pol-very-long-workload-cluster-namespace-that-needs-to-fit-in-labels-sts-canary-"
       "bc708df95e",
       "awi-pia-sts-canary"},
      {{"team-a", Repeat('a', 60), "uid-x"},
       "awi-team-a-" + Repeat('a', 42) + "-7bf94b1503",
       "awi-pol-team-a-" + Repeat('a', 60) + "-26c71aae4b",
       "awi-pia-" + Repeat('a', 60)},
      {{Repeat('x', 48) + "-y", "app", "uid-1"}, "awi-" + Repeat('x', 48) + "-0810c54bc7", "", ""},
      {{"team-a", Repeat('c', 101) + "-" + Repeat('d', 20), "uid-4"},
       "",
       "awi-pol-team-a-" + Repeat('c', 101) + "-6267879e82",
       ""},
      {{"team-a", Repeat('b', 120), "uid-2"},
       "",
       "awi-pol-team-a-" + Repeat('b', 102) + "-35b462d4f1",
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.role.ns + "/" + c.role.name);
    if (!c.role_name.empty()) {
      EXPECT_EQ(IamRoleName(c.role), c.role_name);
    }
    if (!c.policy_name.empty()) {
      EXPECT_EQ(IamPolicyName(c.role), c.policy_name);
    }
    if (!c.pia_name.empty()) {
      EXPECT_EQ(PodIdentityAssociationName(c.role.name), c.pia_name);
    }
    EXPECT_LE(IamRoleName(c.role).size(), kIamRoleNameMaxLength);
    EXPECT_LE(IamPolicyName(c.role).size(), kIamPolicyNameMaxLength);
  }
  // The spec's stated lengths of the bounded vectors.
  EXPECT_EQ(IamRoleName(cases[4].role).size(), 64u);
  EXPECT_EQ(IamPolicyName(cases[4].role).size(), 94u);
  EXPECT_EQ(IamRoleName(cases[6].role).size(), 63u);
  EXPECT_EQ(IamPolicyName(cases[7].role).size(), 127u);
  EXPECT_EQ(IamPolicyName(cases[8].role).size(), 128u);
}

// Validates that role and policy names stay within the IAM limits for any input length, while
// the PodIdentityAssociation name is deliberately unbounded (role-controller spec §18 note 4).
TEST(GeneratedNames, HugeInputs_StayWithinIamLimits) {
  const OwnerIdentity role{Repeat('n', 300), Repeat('r', 300), "uid"};
  EXPECT_EQ(IamRoleName(role).size(), kIamRoleNameMaxLength);
  EXPECT_EQ(IamPolicyName(role).size(), kIamPolicyNameMaxLength);
  EXPECT_EQ(PodIdentityAssociationName(role.name).size(), 8u + 300u);
}

// Validates the owner label values of role-controller spec §17.1 and config-controller §15.2,
// and that each is a valid label value.
TEST(OwnerLabelValue, SpecVectorsAreValidLabelValues) {
  struct Case {
    std::string ns;
    std::string name;
    std::string expected;
  };
  const Case cases[] = {
      {"wlc-a", "app", "wlc-a-app-62a7cbd1e8"},
      {"default", "app", "default-app-a1989cdf73"},
      {"eks-prod", "external-dns", "eks-prod-external-dns-f43fbd7177"},
      {"kube-system", "aws-load-balancer-controller",
       "kube-system-aws-load-balancer-controller-ff861bbd0e"},
      {"very-long-workload-cluster-namespace-that-needs-to-fit-in-labels", "sts-canary",
       "very-long-workload-cluster-namespace-that-needs-to-f-3bcb8d06b6"},
      {"very-long-application-namespace-that-needs-to-fit-in-labels",
       "very-long-service-account-name-that-needs-to-fit-in-labels",
       "very-long-application-namespace-that-needs-to-fit-in-4f5c0c3c63"},
      {"wlc-a", "aws-load-balancer-controller", "wlc-a-aws-load-balancer-controller-3992e71298"},
      {"eks-prod", "karpenter", "eks-prod-karpenter-53ff8b8158"},
      {"kube-system", "karpenter", "kube-system-karpenter-172e9cc5b5"},
      {"external-dns", "external-dns", "external-dns-external-dns-50f1f7b65d"},
      {"wlc-a", "default", "wlc-a-default-d861c72129"},
      {"wlc-20260428081433", "default", "wlc-20260428081433-default-7603e10c6b"},
      {"very-long-workload-cluster-namespace-that-needs-to-fit-in-labels", "default",
       "very-long-workload-cluster-namespace-that-needs-to-f-1683a929b2"},
  };
  for (const Case& c : cases) {
    const std::string value = OwnerLabelValue(c.ns, c.name);
    EXPECT_EQ(value, c.expected) << c.ns << "/" << c.name;
    EXPECT_TRUE(IsValidLabelValue(value)) << value;
  }
  // Hostile input still gives a valid label value of at most 63 characters.
  EXPECT_TRUE(IsValidLabelValue(OwnerLabelValue("---", Repeat('_', 200))));
  EXPECT_TRUE(IsValidLabelValue(OwnerLabelValue(Repeat('A', 63), Repeat('.', 3))));
}

// Validates the config-controller names of spec §15.2: bucket names (including truncation and
// the trimmed trailing hyphen), the OIDC provider object and the signing Secret.
TEST(GeneratedNames, ConfigControllerVectors) {
  struct Case {
    std::string ns;
    std::string region;
    std::string expected;
  };
  const Case cases[] = {
      {"wlc-a", "ap-northeast-1", "awi-wlc-a-ap-northeast-1-c7c9fccd48"},
      {"wlc-a", "us-east-1", "awi-wlc-a-us-east-1-6eae9f1da5"},
      {"wlc-b", "ap-northeast-1", "awi-wlc-b-ap-northeast-1-acae705186"},
      {"wlc-20260428081433", "ap-northeast-1", "awi-wlc-20260428081433-ap-northeast-1-d04f0baac8"},
      {"a", "us-gov-west-1", "awi-a-us-gov-west-1-10502ff6c2"},
      {"team-platform-production-workload-cluster-0001", "ap-southeast-2",
       "awi-team-platform-production-workload-cluster-0001-a-95efbd7c9c"},
      {"very-long-workload-cluster-namespace-that-needs-to-fit-in-labels", "ap-northeast-1",
       "awi-very-long-workload-cluster-namespace-that-needs-0b10b3b29a"},
      {"Team_A", "us-east-1", "awi-team-a-us-east-1-50779f0c43"},
      {"___", "us-east-1", "awi-x-us-east-1-813521e131"},
      {"a..b", "eu-west-1", "awi-a-b-eu-west-1-64d12fd1f1"},
  };
  for (const Case& c : cases) {
    const std::string name = BucketName(c.ns, c.region);
    EXPECT_EQ(name, c.expected) << c.ns << " " << c.region;
    EXPECT_LE(name.size(), kS3BucketNameMaxLength);
  }
  EXPECT_EQ(BucketName("wlc-a", "ap-northeast-1").size(), 35u);
  EXPECT_EQ(BucketName(cases[5].ns, cases[5].region).size(), 63u);
  EXPECT_EQ(BucketName(cases[6].ns, cases[6].region).size(), 62u);
  EXPECT_EQ(OidcProviderObjectName("wlc-a"), "awi-oidc-wlc-a");
  EXPECT_EQ(SigningSecretName("default"), "awi-signing-key-default");
}

// Validates the five role labels (§3.6) and the IAM tag order (§3.7) for the fixture role.
TEST(Labels, RoleLabelsAndTags_FixtureRole) {
  const Labels labels = RoleLabels({"wlc-a", "app", "role-uid"}, {"default", "app"},
                                   api::v1alpha1::delivery::kSelfHostedIRSA);
  const Labels expected = {
      {"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
      {"aws.identity.appthrust.io/owner-ref", "wlc-a-app-62a7cbd1e8"},
      {"aws.identity.appthrust.io/binding-uid", "role-uid"},
      {"aws.identity.appthrust.io/service-account", "default-app-a1989cdf73"},
      {"aws.identity.appthrust.io/delivery", "SelfHostedIRSA"},
  };
  EXPECT_EQ(labels, expected);

  const std::vector<Tag> tags = TagsFromLabels(labels);
  const std::vector<Tag> expected_tags = {
      {"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
      {"aws.identity.appthrust.io/binding-uid", "role-uid"},
      {"aws.identity.appthrust.io/delivery", "SelfHostedIRSA"},
      {"aws.identity.appthrust.io/owner-ref", "wlc-a-app-62a7cbd1e8"},
      {"aws.identity.appthrust.io/service-account", "default-app-a1989cdf73"},
  };
  EXPECT_EQ(tags, expected_tags);
}

// Validates that every role label value stays valid for the long inputs of §17.1 (the only
// property the original test asserts for them).
TEST(Labels, RoleLabels_LongInputsAreValidLabelValues) {
  const Labels labels =
      RoleLabels({"very-long-workload-cluster-namespace-that-needs-to-fit-in-labels", "sts-canary",
                  "204381cb-58f0-47a9-ac3d-0f75cb1d293d"},
                 {"very-long-application-namespace-that-needs-to-fit-in-labels",
                  "very-long-service-account-name-that-needs-to-fit-in-labels"},
                 api::v1alpha1::delivery::kEKSPodIdentity);
  for (const auto& [key, value] : labels) EXPECT_TRUE(IsValidLabelValue(value)) << key;
}

// Validates the config labels and tag order of config-controller spec §15.3.
TEST(Labels, ConfigLabelsAndTags_FixtureConfig) {
  const Labels labels =
      ConfigLabels({"wlc-a", "default", "config-uid"}, api::v1alpha1::delivery::kSelfHostedIRSA);
  const std::vector<Tag> expected = {
      {"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
      {"aws.identity.appthrust.io/config-uid", "config-uid"},
      {"aws.identity.appthrust.io/delivery", "SelfHostedIRSA"},
      {"aws.identity.appthrust.io/owner-ref", "wlc-a-default-d861c72129"},
  };
  EXPECT_EQ(TagsFromLabels(labels), expected);

  const Labels dated =
      ConfigLabels({"wlc-20260428081433", "default", "cd71abe8-c4d0-41b2-8bb8-d6a872c1ad0f"},
                   api::v1alpha1::delivery::kEKSIRSA);
  for (const auto& [key, value] : dated) EXPECT_TRUE(IsValidLabelValue(value)) << key;
  EXPECT_EQ(dated.at("aws.identity.appthrust.io/owner-ref"),
            "wlc-20260428081433-default-7603e10c6b");
  const Labels long_ns =
      ConfigLabels({Repeat('n', 64), "default", "u"}, api::v1alpha1::delivery::kEKSIRSA);
  for (const auto& [key, value] : long_ns) EXPECT_TRUE(IsValidLabelValue(value)) << key;
}

}  // namespace
}  // namespace awio::aws
