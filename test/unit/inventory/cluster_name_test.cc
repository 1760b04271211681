// Tests of logical cluster names (src/inventory/cluster_name.h). Spec:
// inventory-and-remote-irsa.md §3.
#include "inventory/cluster_name.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace awio::inventory {
namespace {

using nlohmann::json;

json Profile(const std::string& ns, const std::string& name, json labels = json::object()) {
  return {{"metadata", {{"namespace", ns}, {"name", name}, {"labels", labels}}}};
}

struct NameCase {
  std::string description;
  json profile;
  std::string expected;
};

class ClusterNameTest : public ::testing::TestWithParam<NameCase> {};

// Validates that the cluster name is "L/L" with L the cluster-name label, falling back to the
// object name, and never contains the profile's namespace (§3, including its two examples).
TEST_P(ClusterNameTest, ClusterName_IsLogicalKeyTwice) {
  EXPECT_EQ(ClusterName(GetParam().profile), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, ClusterNameTest,
    ::testing::Values(
        NameCase{
            "LabelledInOtherNamespace",
            Profile("awio-system", "wlc-a", {{"open-cluster-management.io/cluster-name", "wlc-a"}}),
            "wlc-a/wlc-a"},
        NameCase{"NoLabel_UsesObjectName", Profile("hub-x", "foo"), "foo/foo"},
        NameCase{"EmptyLabel_UsesObjectName",
                 Profile("hub-x", "foo", {{"open-cluster-management.io/cluster-name", ""}}),
                 "foo/foo"},
        NameCase{"LabelDiffersFromName_LabelWins",
                 Profile("hub-x", "foo", {{"open-cluster-management.io/cluster-name", "bar"}}),
                 "bar/bar"},
        NameCase{"OtherLabelsIgnored", Profile("hub-x", "foo", {{"x-k8s.io/cluster-manager", "x"}}),
                 "foo/foo"}),
    [](const auto& param_info) { return param_info.param.description; });

struct SplitCase {
  std::string description;
  std::string name;
  std::optional<ClusterNameParts> expected;
};

class SplitClusterNameTest : public ::testing::TestWithParam<SplitCase> {};

// Validates that a cluster name splits at the first slash and that a name without a slash or
// with an empty side is unusable (§3 "Consumers split a cluster name").
TEST_P(SplitClusterNameTest, SplitClusterName_FirstSlash_EmptySideUnusable) {
  EXPECT_EQ(SplitClusterName(GetParam().name), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, SplitClusterNameTest,
    ::testing::Values(SplitCase{"Usual", "wlc-a/wlc-a", ClusterNameParts{"wlc-a", "wlc-a"}},
                      SplitCase{"SecondSlashStaysRight", "a/b/c", ClusterNameParts{"a", "b/c"}},
                      SplitCase{"NoSlash", "wlc-a", std::nullopt},
                      SplitCase{"EmptyLeft", "/wlc-a", std::nullopt},
                      SplitCase{"EmptyRight", "wlc-a/", std::nullopt},
                      SplitCase{"LocalCluster", std::string(kLocalClusterName), std::nullopt}),
    [](const auto& param_info) { return param_info.param.description; });

// Validates that ClusterNameFor repeats the key on both sides of one slash (§3).
TEST(ClusterNameFor, RepeatsKey) { EXPECT_EQ(ClusterNameFor("ns-1"), "ns-1/ns-1"); }

}  // namespace
}  // namespace awio::inventory
