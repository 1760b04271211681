// Unit tests of the ClusterProfile provider's bookkeeping (ProfileKeys in
// src/inventory/provider.h): remember and disengage-profile of spec inventory-and-remote-irsa.md
// §6.3 with the §13.7 vectors, and the ownership rule chosen for §14 item 3.
#include "inventory/provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace awio::inventory {
namespace {

using ::testing::ElementsAre;
using Key = ProfileKeys::ProfileKey;

// Validates that, with two profiles mapped to one logical cluster, forgetting the first keeps
// the cluster and drops only its mapping, and forgetting the second releases it (§13.7).
TEST(ProfileKeysTest, Forget_SharedCluster_ReleasedOnlyWithTheLastProfile) {
  ProfileKeys keys;
  EXPECT_EQ(keys.Remember({"set-a", "target"}, "target/target"), std::nullopt);
  EXPECT_EQ(keys.Remember({"set-b", "target"}, "target/target"), std::nullopt);

  // "set-a/target" is only the request key, released because nothing maps to it; the shared
  // cluster stays.
  EXPECT_THAT(keys.Forget({"set-a", "target"}, {"target/target"}), ElementsAre("set-a/target"));
  EXPECT_EQ(keys.ClusterOf({"set-a", "target"}), std::nullopt);
  EXPECT_EQ(keys.ClusterOf({"set-b", "target"}), "target/target");
  EXPECT_TRUE(keys.Referenced("target/target"));

  EXPECT_THAT(keys.Forget({"set-b", "target"}, {"target/target"}),
              ElementsAre("target/target", "set-b/target"));
  EXPECT_FALSE(keys.Referenced("target/target"));
}

// Validates that moving one of two profiles to a new logical cluster keeps the old one, still
// referenced by the other profile (§13.7 remember vector).
TEST(ProfileKeysTest, Remember_MoveWhileShared_KeepsOldCluster) {
  ProfileKeys keys;
  keys.Remember({"set-a", "cp"}, "old/old");
  keys.Remember({"set-b", "cp"}, "old/old");

  EXPECT_EQ(keys.Remember({"set-a", "cp"}, "new/new"), std::nullopt);
  EXPECT_EQ(keys.ClusterOf({"set-a", "cp"}), "new/new");
  EXPECT_EQ(keys.ClusterOf({"set-b", "cp"}), "old/old");
  EXPECT_TRUE(keys.Referenced("old/old"));
}

// Validates that moving the only profile of a logical cluster releases the old cluster
// (cluster-name label changed, §6.5).
TEST(ProfileKeysTest, Remember_MoveOfOnlyProfile_ReleasesOldCluster) {
  ProfileKeys keys;
  keys.Remember({"hub", "cp"}, "old/old");

  EXPECT_EQ(keys.Remember({"hub", "cp"}, "new/new"), "old/old");
  EXPECT_FALSE(keys.Referenced("old/old"));
  EXPECT_TRUE(keys.Referenced("new/new"));
  EXPECT_EQ(keys.Remember({"hub", "cp"}, "new/new"), std::nullopt);
}

// Validates that forgetting a profile that was never remembered still considers its request
// key and fallback keys, each once, so a stale cluster under them is released (§6.3 step 1 and
// the §13.7 "readiness false, stale cluster under target/target" vector).
TEST(ProfileKeysTest, Forget_UnknownProfile_ReleasesRequestAndFallbackKeysOnce) {
  ProfileKeys keys;
  EXPECT_THAT(keys.Forget({"target", "target"}, {"target/target"}), ElementsAre("target/target"));
  EXPECT_THAT(keys.Forget({"hub-x", "foo"}, {"foo/foo", "foo/foo"}),
              ElementsAre("hub-x/foo", "foo/foo"));
}

// Validates that a fallback key still referenced by another profile is not released.
TEST(ProfileKeysTest, Forget_FallbackReferencedElsewhere_IsKept) {
  ProfileKeys keys;
  keys.Remember({"other", "p"}, "foo/foo");
  EXPECT_THAT(keys.Forget({"hub-x", "foo"}, {"foo/foo"}), ElementsAre("hub-x/foo"));
  EXPECT_TRUE(keys.Referenced("foo/foo"));
}

// Validates the §14 item 3 rule: the owner of a shared logical cluster is the first profile in
// (namespace, name) order, compared as a pair and not as the "ns/name" string.
TEST(ProfileKeysTest, Owner_SharedCluster_IsFirstInNamespaceNameOrder) {
  struct Case {
    std::vector<Key> profiles;  // remembered in this order
    Key owner;
  };
  const std::vector<Case> cases = {
      {{{"b", "x"}, {"a", "y"}}, {"a", "y"}},
      {{{"a", "z"}, {"a", "y"}}, {"a", "y"}},
      // "a-b/x" < "a/x" as strings ('-' sorts before '/'), but namespace "a" < "a-b".
      {{{"a-b", "x"}, {"a", "x"}}, {"a", "x"}},
  };
  for (const auto& c : cases) {
    ProfileKeys keys;
    for (const auto& profile : c.profiles) keys.Remember(profile, "shared/shared");
    EXPECT_EQ(keys.Owner("shared/shared"), c.owner) << c.owner.String();
  }
}

// Validates that the owner moves to the next profile when the owner is forgotten, and that an
// unreferenced cluster has no owner.
TEST(ProfileKeysTest, Owner_AfterOwnerForgotten_IsNextProfile) {
  ProfileKeys keys;
  keys.Remember({"a", "p"}, "shared/shared");
  keys.Remember({"b", "p"}, "shared/shared");
  keys.Forget({"a", "p"}, {"shared/shared"});
  EXPECT_EQ(keys.Owner("shared/shared"), (Key{"b", "p"}));
  keys.Forget({"b", "p"}, {"shared/shared"});
  EXPECT_EQ(keys.Owner("shared/shared"), std::nullopt);
}

}  // namespace
}  // namespace awio::inventory
