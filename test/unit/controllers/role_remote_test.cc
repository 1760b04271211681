// Unit tests of the pure parts of the remote ServiceAccount controllers
// (src/controllers/role/remote.h): the repair and enqueue predicates (role-controller.md §13,
// §14, vectors of §17.6), the role index values (§17.7; the cluster-name vectors of §17.7 are
// inventory::SplitClusterName's, tested in test/unit/inventory), and the cached ServiceAccount
// projection (§16.4).
#include <gtest/gtest.h>

#include "controllers/role/remote.h"

namespace awio::controllers::role {
namespace {

using Json = kube::Json;

Json ServiceAccount(bool annotated) {
  Json sa = {{"apiVersion", "v1"},
             {"kind", "ServiceAccount"},
             {"metadata", {{"name", "app"}, {"namespace", "default"}}}};
  if (annotated) {
    sa["metadata"]["annotations"] = {{"eks.amazonaws.com/role-arn", "arn:aws:iam::1:role/x"}};
  } else {
    sa["metadata"]["annotations"] = {{"other", "v"}};
  }
  return sa;
}

Json Role(const std::string& ns, const std::string& sa_ns, const std::string& sa_name) {
  return {{"metadata", {{"name", "app"}, {"namespace", ns}}},
          {"spec", {{"serviceAccount", {{"namespace", sa_ns}, {"name", sa_name}}}}}};
}

// §17.6: "Repair predicate, SA annotated with role-arn: create kept, delete dropped ...
// Un-annotated: create dropped, update (both un-annotated) dropped. Old annotated -> new without
// the key: update kept."
TEST(RepairPredicate, KeepsAnnotatedCreatesAndUpdatesOnEitherSide_DropsDeletes) {
  const auto p = RepairPredicate();
  EXPECT_TRUE(p.create(ServiceAccount(true)));
  EXPECT_FALSE(p.create(ServiceAccount(false)));
  EXPECT_FALSE(p.remove(ServiceAccount(true)));
  EXPECT_FALSE(p.update(ServiceAccount(false), ServiceAccount(false)));
  EXPECT_TRUE(p.update(ServiceAccount(true), ServiceAccount(false)));
  EXPECT_TRUE(p.update(ServiceAccount(false), ServiceAccount(true)));
}

// §17.6: "Enqueue predicate: annotated delete kept; annotated create / update (un-annotated ->
// annotated) / generic dropped; un-annotated delete dropped."
TEST(EnqueuePredicate, KeepsOnlyDeletesOfAnnotatedServiceAccounts) {
  const auto p = EnqueuePredicate();
  EXPECT_TRUE(p.remove(ServiceAccount(true)));
  EXPECT_FALSE(p.remove(ServiceAccount(false)));
  EXPECT_FALSE(p.create(ServiceAccount(true)));
  EXPECT_FALSE(p.update(ServiceAccount(false), ServiceAccount(true)));
}

TEST(HasRoleArnAnnotation, AnyValueCounts_MissingMetadataDoesNot) {
  Json sa = ServiceAccount(false);
  sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] = "";
  EXPECT_TRUE(HasRoleArnAnnotation(sa));
  EXPECT_FALSE(HasRoleArnAnnotation(Json::object()));
  EXPECT_FALSE(HasRoleArnAnnotation(Json{{"metadata", "not an object"}}));
  EXPECT_FALSE(HasRoleArnAnnotation(Json::array()));
}

// §17.7: "Role with SA default/app -> index values ["default/app"]; SA namespace or name empty ->
// no values; wrong object type -> no values." Our values carry the role's namespace in front.
TEST(ServiceAccountIndexValues, ScopedByRoleNamespace_EmptyPartsGiveNothing) {
  EXPECT_EQ(ServiceAccountIndexValues(Role("wlc-a", "default", "app")),
            std::vector<std::string>{"wlc-a/default/app"});
  EXPECT_EQ(ServiceAccountIndexKey("wlc-a", "default", "app"), "wlc-a/default/app");
  EXPECT_TRUE(ServiceAccountIndexValues(Role("wlc-a", "", "app")).empty());
  EXPECT_TRUE(ServiceAccountIndexValues(Role("wlc-a", "default", "")).empty());
  EXPECT_TRUE(ServiceAccountIndexValues(Json::array()).empty());
  EXPECT_TRUE(ServiceAccountIndexValues(Json{{"spec", 3}}).empty());
}

// §16.4: cached copies drop managedFields, secrets and imagePullSecrets and keep annotations.
TEST(StripServiceAccount, DropsBulkyFieldsAndKeepsAnnotations) {
  Json sa = ServiceAccount(true);
  sa["metadata"]["managedFields"] = Json::array({Json::object()});
  sa["secrets"] = Json::array({{{"name", "token"}}});
  sa["imagePullSecrets"] = Json::array({{{"name", "pull"}}});
  const Json stripped = StripServiceAccount(sa);
  EXPECT_FALSE(stripped["metadata"].contains("managedFields"));
  EXPECT_FALSE(stripped.contains("secrets"));
  EXPECT_FALSE(stripped.contains("imagePullSecrets"));
  EXPECT_EQ(stripped["metadata"]["annotations"], sa["metadata"]["annotations"]);
}

}  // namespace
}  // namespace awio::controllers::role
