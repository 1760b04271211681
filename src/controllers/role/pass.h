// State of one reconcile pass of the role reconciler, shared by its source files (internal to
// src/controllers/role; not a public interface).
#pragma once

#include <cstdint>
#include <string>

#include "api/v1alpha1/types.h"
#include "aws/names.h"
#include "controllers/role/reconciler.h"
#include "inventory/resolver.h"
#include "kube/client.h"

namespace awio::controllers::role {

struct Reconciler::Pass {
  runtime::Request request;
  kube::Json object;  // the role as read at the start of the pass (or after a status write)
  api::v1alpha1::Role role;
  kube::Json status;    // the status being built
  kube::Json snapshot;  // status as read, for the write-only-on-change rule and step 10
  std::int64_t generation = 0;

  kube::Json config;  // AWSWorkloadIdentityConfig/default of the namespace, once read
  std::string delivery;
  std::string permissions_boundary_arn;
  inventory::Resolution resolution;
  std::string trust_policy;

  const std::string& ns() const { return role.metadata.ns; }
  const std::string& name() const { return role.metadata.name; }
  const std::string& uid() const { return role.metadata.uid; }
  std::string Key() const { return ns() + "/" + name(); }
  aws::OwnerIdentity Owner() const { return {ns(), name(), uid()}; }
  aws::ServiceAccountRef Subject() const {
    return {role.spec.service_account.ns, role.spec.service_account.name};
  }
  std::string SubjectKey() const {
    return role.spec.service_account.ns + "/" + role.spec.service_account.name;
  }
};

// status[key] as a string ("" when absent).
std::string StringField(const kube::Json& status, std::string_view key);
// Writes status[key] = value, or removes the key when value is empty (omitempty fields).
void SetOrErase(kube::Json& status, std::string_view key, const std::string& value);
// Whether `delivery` writes ServiceAccount annotations (§2.4).
bool AnnotationBased(std::string_view delivery);
// Go type names of the children, as the original's error texts spell them (§18 note 19).
std::string GoTypeOf(const kube::ResourceRef& resource);

}  // namespace awio::controllers::role
