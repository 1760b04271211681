#include "controllers/role/remote.h"

#include <algorithm>

#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/resources.h"
#include "base/log.h"
#include "base/strings.h"
#include "controllers/role/service_account.h"
#include "inventory/cluster_name.h"
#include "inventory/resolver.h"

namespace awio::controllers::role {
namespace {

namespace v1 = api::v1alpha1;
using Json = kube::Json;
using base::GoQuote;

constexpr std::string_view kLogger = "selfhosted-serviceaccount";

Error Prefixed(const Error& cause, const std::string& prefix) {
  Error e = cause;
  e.message = prefix + ": " + cause.message;
  return e;
}

}  // namespace

std::string ServiceAccountIndexKey(const std::string& role_ns, const std::string& sa_ns,
                                   const std::string& sa_name) {
  return role_ns + "/" + sa_ns + "/" + sa_name;
}

std::vector<std::string> ServiceAccountIndexValues(const Json& role) {
  if (!role.is_object()) return {};
  const Json metadata = role.value("metadata", Json::object());
  const Json spec = role.value("spec", Json::object());
  if (!metadata.is_object() || !spec.is_object()) return {};
  const Json sa = spec.value("serviceAccount", Json::object());
  if (!sa.is_object()) return {};
  const std::string sa_ns = sa.value("namespace", "");
  const std::string sa_name = sa.value("name", "");
  if (sa_ns.empty() || sa_name.empty()) return {};
  return {ServiceAccountIndexKey(metadata.value("namespace", ""), sa_ns, sa_name)};
}

bool HasRoleArnAnnotation(const Json& service_account) {
  if (!service_account.is_object()) return false;
  auto metadata = service_account.find("metadata");
  if (metadata == service_account.end() || !metadata->is_object()) return false;
  auto annotations = metadata->find("annotations");
  return annotations != metadata->end() && annotations->is_object() &&
         annotations->contains(std::string(v1::annotation::kEKSRoleARN));
}

runtime::Predicate RepairPredicate() {
  return runtime::Predicate{
      .create = [](const Json& sa) { return HasRoleArnAnnotation(sa); },
      .update = [](const Json& a,
                   const Json& b) { return HasRoleArnAnnotation(a) || HasRoleArnAnnotation(b); },
      .remove = [](const Json&) { return false; }};
}

runtime::Predicate EnqueuePredicate() {
  return runtime::Predicate{.create = [](const Json&) { return false; },
                            .update = [](const Json&, const Json&) { return false; },
                            .remove = [](const Json& sa) { return HasRoleArnAnnotation(sa); }};
}

Json StripServiceAccount(Json service_account) {
  if (!service_account.is_object()) return service_account;
  if (auto metadata = service_account.find("metadata");
      metadata != service_account.end() && metadata->is_object()) {
    metadata->erase("managedFields");
  }
  service_account.erase("secrets");
  service_account.erase("imagePullSecrets");
  return service_account;
}

ServiceAccountRepairer::ServiceAccountRepairer(RepairOptions options)
    : options_(std::move(options)) {}

void ServiceAccountRepairer::Count(std::string_view delivery, std::string_view result,
                                   std::string_view reason) {
  if (options_.metrics != nullptr) {
    options_.metrics->RemoteDelivery(delivery, "ServiceAccount", result, reason);
  }
}

Result<runtime::ReconcileResult> ServiceAccountRepairer::Reconcile(
    const runtime::Request& request) {
  using runtime::ReconcileResult;
  // Step 1: the workload namespace the cluster stands for.
  const auto parts = inventory::SplitClusterName(request.cluster);
  if (!parts) {
    Count(v1::delivery::kSelfHostedIRSA, "skipped", "no_inventory_namespace");
    return ReconcileResult::Done();
  }
  const std::string& ns = parts->workload_namespace;

  // Step 2: is this cluster still the namespace's annotation-based target?
  auto config = options_.hub->Get(v1::kConfigResource, ns, std::string(v1::kSingletonName));
  if (!config.ok()) {
    if (config.error().code == ErrorCode::kNotFound) {
      Count(v1::delivery::kSelfHostedIRSA, "skipped", "ConfigUnavailable");
      return ReconcileResult::Done();
    }
    return Prefixed(config.error(),
                    "get AWSWorkloadIdentityConfig/default in namespace " + GoQuote(ns));
  }
  const std::string delivery = config->value("spec", Json::object()).value("type", "");
  if (delivery != v1::delivery::kSelfHostedIRSA && delivery != v1::delivery::kEKSIRSA) {
    Count(delivery, "skipped", "delivery_type_mismatch");
    return ReconcileResult::Done();
  }
  auto resolution = inventory::ResolveWorkloadNamespace(options_.hub.get(), ns,
                                                        options_.cluster_profile_namespaces);
  if (!resolution.ok()) {
    return Prefixed(resolution.error(), "resolve inventory namespace " + GoQuote(ns));
  }
  if (!resolution->ready) {
    Count(delivery, "skipped", "waiting_inventory");
    return ReconcileResult::RequeueAfter(kTransientRequeue);
  }
  if (resolution->cluster_name != request.cluster) {
    Count(delivery, "skipped", "stale_cluster_event");
    return ReconcileResult::Done();
  }
  if (!options_.remote) return ReconcileResult::Done();
  auto remote = options_.remote(request.cluster);
  if (!remote.ok()) {
    Count(delivery, "error", "cluster_unavailable");
    return ReconcileResult::RequeueAfter(kTransientRequeue);
  }

  // Step 3: the ServiceAccount, live: it is also the base of the patch.
  auto service_account =
      (*remote)->Get(kube::resources::kServiceAccounts, request.ns, request.name);
  if (!service_account.ok()) {
    if (service_account.error().code == ErrorCode::kNotFound) return ReconcileResult::Done();
    return Prefixed(service_account.error(),
                    "get remote ServiceAccount " + request.ns + "/" + request.name);
  }

  // Steps 4-5: the single live role that binds it.
  if (!options_.roles_binding) return ReconcileResult::Done();
  auto roles = options_.roles_binding(ns, request.ns, request.name);
  if (!roles.ok()) {
    return Prefixed(
        roles.error(),
        "list AWSServiceAccountRoles by ServiceAccount index in namespace " + GoQuote(ns));
  }
  std::vector<const Json*> live;
  for (const auto& role : *roles) {
    if (!role.value("metadata", Json::object()).contains("deletionTimestamp")) {
      live.push_back(&role);
    }
  }
  if (live.size() > 1) {
    std::vector<std::string> names;
    for (const Json* role : live) {
      names.push_back(ns + "/" + role->value("metadata", Json::object()).value("name", ""));
    }
    std::sort(names.begin(), names.end());
    std::string joined;
    for (const auto& name : names) joined += (joined.empty() ? "" : ",") + name;
    log::Info(kLogger,
              "skipping ServiceAccount annotation repair: multiple active "
              "AWSServiceAccountRole objects bind the target ServiceAccount",
              {{"cluster", request.cluster},
               {"serviceAccount", request.ns + "/" + request.name},
               {"awio.conflicting_roles", joined}});
    return ReconcileResult::Done();
  }
  if (live.empty()) return ReconcileResult::Done();
  const Json& role = *live.front();
  const std::string arn = role.value("status", Json::object()).value("roleARN", "");
  if (arn.empty()) return ReconcileResult::Done();

  // Steps 6-7.
  auto operation = ApplyAnnotations(**remote, *service_account, arn, kFieldManager);
  if (!operation.ok()) {
    Count(delivery, "error", "apply_failed");
    return Prefixed(operation.error(),
                    "patch remote ServiceAccount annotations " + request.ns + "/" + request.name);
  }
  Count(delivery, "success", *operation);
  if (*operation == "updated") {
    log::Info(kLogger, "repaired remote ServiceAccount annotations",
              {{"cluster", request.cluster},
               {"serviceAccount", request.ns + "/" + request.name},
               {"role", ns + "/" + role.value("metadata", Json::object()).value("name", "")}});
    if (options_.events != nullptr) {
      options_.events->Record(role, runtime::EventType::kNormal, v1::reason::kAnnotationRepaired,
                              "RepairAnnotation", "repaired remote ServiceAccount annotations");
    }
  }
  return ReconcileResult::Done();
}

}  // namespace awio::controllers::role
