// Implementation of the three validating webhooks.
#include "admission/validators.h"

#include <algorithm>
#include <utility>

#include "api/v1alpha1/codec.h"
#include "api/v1alpha1/constants.h"
#include "base/strings.h"

namespace awio::admission {
namespace {

namespace v1alpha1 = api::v1alpha1;

// §8.3: one Role is enough to block a Config deletion, so the list asks for no more.
constexpr long kConfigDeleteRoleListLimit = 1;
// §8.4: the duplicate-binding check must see every Role of the namespace.
constexpr long kAllRoles = 0;

static_assert(std::is_sorted(v1alpha1::label::kReservedTemplateKeys.begin(),
                             v1alpha1::label::kReservedTemplateKeys.end()),
              "§8.6 walks the reserved label keys in ascending byte order");
static_assert(std::is_sorted(v1alpha1::annotation::kReservedTemplateKeys.begin(),
                             v1alpha1::annotation::kReservedTemplateKeys.end()),
              "§8.6 walks the reserved annotation keys in ascending byte order");

// controller-runtime's answer to an operation a validator does not know.
AdmissionResponse UnknownOperation(const AdmissionRequest& request) {
  return Errored(400, "unknown admission operation \"" + request.operation + "\"");
}

bool IsKnownOperation(std::string_view op) {
  return op == operation::kCreate || op == operation::kUpdate || op == operation::kDelete ||
         op == operation::kConnect;
}

// controller-runtime answers a review without the object to decode with 400.
AdmissionResponse MissingObject(std::string_view member) {
  return Errored(400, "request." + std::string(member) + " is missing");
}

// The object of a review did not decode; controller-runtime answers a failed typed decode
// with 400. The API server never sends such an object (its schema runs first).
AdmissionResponse Undecodable(std::string_view member, const Error& error) {
  return Errored(400, "request." + std::string(member) + ": " + error.message);
}

// The object's namespace; the request's when the object does not say (hand-made reviews).
std::string NamespaceOf(const v1alpha1::ObjectMeta& meta, const AdmissionRequest& request) {
  return meta.ns.empty() ? request.namespace_name : meta.ns;
}

std::string ConfigIn(const std::string& ns) {
  return std::string(v1alpha1::kKindConfig) + "/" + std::string(v1alpha1::kSingletonName) +
         " in namespace " + ns;
}

std::string RolesIn(const std::string& ns) {
  return std::string(v1alpha1::kKindRole) + "s in namespace " + ns;
}

// §8.4 step 1 and §8.5 step 2: the denial when the namespace's Config cannot be had.
AdmissionResponse ConfigUnavailable(const Error& error, const std::string& ns) {
  if (error.code == ErrorCode::kNotFound) {
    return Deny("metadata.namespace: " + ConfigIn(ns) + " is required: an " +
                std::string(v1alpha1::kKindRole) +
                " can be created or updated only in a namespace that has one");
  }
  return DenyForLookupError(
      error, "metadata.namespace: reading " + ConfigIn(ns) + " failed: " + error.ToString());
}

std::string ReservedBecause(std::string_view what) {
  return "the " + std::string(what) + " key is reserved for the operator, which sets it on the " +
         std::string(v1alpha1::kKindRole) + "s it generates; remove it from the template";
}

}  // namespace

AdmissionResponse ValidateConfig(const AdmissionRequest& request, Lookup& lookup) {
  if (!IsKnownOperation(request.operation)) return UnknownOperation(request);
  if (request.operation != operation::kDelete) return Allow();
  if (request.old_object.is_null()) return MissingObject("oldObject");
  auto config = v1alpha1::DecodeConfig(request.old_object);
  if (!config.ok()) return Undecodable("oldObject", config.error());
  const v1alpha1::ObjectMeta& meta = config->metadata;

  // Step 1: only the exact value counts; "True" or "1" do not.
  auto force = meta.annotations.find(std::string(v1alpha1::annotation::kForceDelete));
  if (force != meta.annotations.end() && force->second == v1alpha1::annotation::kForceDeleteValue) {
    return Allow();
  }

  // Steps 2-4: any Role blocks, terminating ones included.
  const std::string ns = NamespaceOf(meta, request);
  const std::string subject = std::string(v1alpha1::kKindConfig) + " " + ns + "/" + meta.name;
  auto roles = lookup.ListRoles(ns, kConfigDeleteRoleListLimit);
  if (!roles.ok()) {
    return DenyForLookupError(roles.error(), "deleting " + subject + ": listing " + RolesIn(ns) +
                                                 " failed: " + roles.error().ToString());
  }
  if (!roles->empty()) {
    return Deny(subject + " cannot be deleted while " + RolesIn(ns) + " remain (found " + ns + "/" +
                roles->front().metadata.name +
                "); delete them first, or set metadata.annotations[" +
                base::GoQuote(v1alpha1::annotation::kForceDelete) + "] to \"" +
                std::string(v1alpha1::annotation::kForceDeleteValue) + "\" to delete it anyway");
  }
  return Allow();
}

AdmissionResponse ValidateRole(const AdmissionRequest& request, Lookup& lookup) {
  if (!IsKnownOperation(request.operation)) return UnknownOperation(request);
  const bool create = request.operation == operation::kCreate;
  if (!create && request.operation != operation::kUpdate) return Allow();
  if (request.object.is_null()) return MissingObject("object");
  auto role = v1alpha1::DecodeRole(request.object);
  if (!role.ok()) return Undecodable("object", role.error());

  // §8.5 step 1: finalization must be able to finish even after a forced Config deletion.
  if (!create && role->metadata.IsBeingDeleted()) return Allow();

  const std::string ns = NamespaceOf(role->metadata, request);
  auto config = lookup.GetConfig(ns);
  if (!config.ok()) return ConfigUnavailable(config.error(), ns);
  // §8.5: UPDATE checks neither a terminating Config nor duplicates (spec.serviceAccount is
  // immutable, and re-checking would block the controller's own finalizer writes).
  if (!create) return Allow();

  // §8.4 step 2, even when the Config carries force-delete.
  if (config->metadata.IsBeingDeleted()) {
    return Deny("metadata.namespace: " + ConfigIn(ns) + " is being deleted; no new " +
                std::string(v1alpha1::kKindRole) + " can be created in namespace " + ns);
  }

  // §8.4 step 3: namespace-local; terminating Roles no longer hold their ServiceAccount.
  const v1alpha1::ServiceAccountRef& wanted = role->spec.service_account;
  auto roles = lookup.ListRoles(ns, kAllRoles);
  if (!roles.ok()) {
    return DenyForLookupError(
        roles.error(), "spec.serviceAccount: listing " + RolesIn(ns) +
                           " to check for a duplicate binding failed: " + roles.error().ToString());
  }
  for (const v1alpha1::Role& existing : *roles) {
    if (existing.metadata.IsBeingDeleted() || !(existing.spec.service_account == wanted)) continue;
    return Deny("spec.serviceAccount: ServiceAccount " + wanted.ns + "/" + wanted.name +
                " is already bound by " + std::string(v1alpha1::kKindRole) + " " + ns + "/" +
                existing.metadata.name + "; a ServiceAccount may be bound by only one " +
                std::string(v1alpha1::kKindRole) + " in a namespace");
  }
  return Allow();
}

AdmissionResponse ValidateReplicaSet(const AdmissionRequest& request) {
  if (!IsKnownOperation(request.operation)) return UnknownOperation(request);
  if (request.operation != operation::kCreate && request.operation != operation::kUpdate) {
    return Allow();
  }
  if (request.object.is_null()) return MissingObject("object");
  auto replica_set = v1alpha1::DecodeReplicaSet(request.object);
  if (!replica_set.ok()) return Undecodable("object", replica_set.error());

  // Step 1.
  const auto& metadata = replica_set->spec.role_template.metadata;
  if (!metadata) return Allow();

  // Steps 2 and 3: labels first, each list in ascending byte order; the first hit is reported.
  if (metadata->labels) {
    for (std::string_view key : v1alpha1::label::kReservedTemplateKeys) {
      if (!metadata->labels->contains(std::string(key))) continue;
      return Deny("spec.template.metadata.labels[" + base::GoQuote(key) +
                  "]: " + ReservedBecause("label"));
    }
  }
  if (metadata->annotations) {
    for (std::string_view key : v1alpha1::annotation::kReservedTemplateKeys) {
      if (!metadata->annotations->contains(std::string(key))) continue;
      return Deny("spec.template.metadata.annotations[" + base::GoQuote(key) +
                  "]: " + ReservedBecause("annotation"));
    }
  }
  return Allow();
}

std::vector<Webhook> Webhooks(std::shared_ptr<Lookup> lookup) {
  namespace webhook = v1alpha1::webhook;
  return {
      {webhook::kConfigName, webhook::kConfigPath,
       [lookup](const AdmissionRequest& request) { return ValidateConfig(request, *lookup); }},
      {webhook::kRoleName, webhook::kRolePath,
       [lookup](const AdmissionRequest& request) { return ValidateRole(request, *lookup); }},
      {webhook::kReplicaSetName, webhook::kReplicaSetPath,
       [](const AdmissionRequest& request) { return ValidateReplicaSet(request); }},
  };
}

}  // namespace awio::admission
