// The base objects of spec/api.md §11.1 used by the admission vectors, as JSON, shared by the
// unit tests (which hand them to an in-memory lookup) and the integration tests (which create
// them on a real API server). Terminating() marks an object as the API server does when a
// deletion waits on a finalizer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/v1alpha1/constants.h"

namespace awio::admission::testing {

using Json = nlohmann::json;

// The namespace of every Role and Config vector (§11.9).
inline constexpr const char* kWorkloadNamespace = "wlc-a";
// Any policy ARN the schema accepts (§11.9 role(sa)).
inline constexpr const char* kPolicyArn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

// BASE-CFG in `ns`.
inline Json BaseConfig(const std::string& ns = kWorkloadNamespace) {
  return {
      {"apiVersion", api::v1alpha1::kAPIVersion},
      {"kind", api::v1alpha1::kKindConfig},
      {"metadata", {{"name", api::v1alpha1::kSingletonName}, {"namespace", ns}}},
      {"spec", {{"type", api::v1alpha1::delivery::kSelfHostedIRSA}, {"region", "ap-northeast-1"}}}};
}

// §11.9 `name(sa)`: spec.serviceAccount {namespace: default, name: sa}.
inline Json RoleObject(const std::string& name, const std::string& sa,
                       const std::string& ns = kWorkloadNamespace) {
  return {{"apiVersion", api::v1alpha1::kAPIVersion},
          {"kind", api::v1alpha1::kKindRole},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec",
           {{"serviceAccount", {{"namespace", "default"}, {"name", sa}}},
            {"policyARNs", Json::array({kPolicyArn})}}}};
}

// BASE-RS, in `ns`, with spec.template.metadata set to `template_metadata` unless it is null.
inline Json BaseReplicaSet(const Json& template_metadata = nullptr,
                           const std::string& ns = "platform-workloads") {
  Json rs = {{"apiVersion", api::v1alpha1::kAPIVersion},
             {"kind", api::v1alpha1::kKindReplicaSet},
             {"metadata", {{"name", "aws-load-balancer-controller"}, {"namespace", ns}}},
             {"spec",
              {{"placementRefs", Json::array({{{"name", "production"}}})},
               {"template",
                {{"spec",
                  {{"serviceAccount",
                    {{"namespace", "kube-system"}, {"name", "aws-load-balancer-controller"}}},
                   {"policyARNs",
                    Json::array({"arn:aws:iam::aws:policy/ElasticLoadBalancingFullAccess"})}}}}}}}};
  if (!template_metadata.is_null()) rs["spec"]["template"]["metadata"] = template_metadata;
  return rs;
}

// `object` with a deletionTimestamp and `finalizer`, as a deletion held by a finalizer leaves it.
inline Json Terminating(Json object, std::string_view finalizer) {
  object["metadata"]["deletionTimestamp"] = "2025-01-01T00:00:00Z";
  object["metadata"]["finalizers"] = Json::array({finalizer});
  return object;
}

// `object` with annotation key=value.
inline Json Annotated(Json object, std::string_view key, const std::string& value) {
  object["metadata"]["annotations"][std::string(key)] = value;
  return object;
}

}  // namespace awio::admission::testing
