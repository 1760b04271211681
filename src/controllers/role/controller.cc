#include "controllers/role/controller.h"

#include <algorithm>

#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/resources.h"
#include "base/log.h"
#include "controllers/ack_resources.h"
#include "controllers/role/remote.h"
#include "inventory/cluster_name.h"
#include "inventory/resolver.h"

namespace awio::controllers::role {
namespace {

namespace v1 = api::v1alpha1;
using Json = kube::Json;

constexpr std::string_view kLogger = "role-controller";

std::string ManagedBySelector() {
  return std::string(v1::label::kManagedBy) + "=" + std::string(v1::label::kManagedByValue);
}

const Json& Metadata(const Json& object) {
  static const Json kEmpty = Json::object();
  auto it = object.find("metadata");
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

// §16.1 root-changed: generation, annotations, finalizers (ordered) or deletion changed.
bool RootChanged(const Json& old_object, const Json& new_object) {
  const Json& a = Metadata(old_object);
  const Json& b = Metadata(new_object);
  return a.value("generation", 0) != b.value("generation", 0) ||
         a.value("annotations", Json()) != b.value("annotations", Json()) ||
         a.value("finalizers", Json::array()) != b.value("finalizers", Json::array()) ||
         a.contains("deletionTimestamp") != b.contains("deletionTimestamp");
}

bool Established(const Json& crd) {
  for (const auto& c : crd.value("status", Json::object()).value("conditions", Json::array())) {
    if (c.value("type", "") == "Established" && c.value("status", "") == "True") return true;
  }
  return false;
}

}  // namespace

RoleController::RoleController(ControllerOptions options) : options_(std::move(options)) {
  metrics_ = options_.reconciler.metrics;
  reconciler_ = std::make_shared<Reconciler>(options_.reconciler);
  std::weak_ptr<Reconciler> weak = reconciler_;
  controller_ = std::make_unique<runtime::Controller>(
      "awsserviceaccountrole",
      [weak](const runtime::Request& request) -> Result<runtime::ReconcileResult> {
        auto reconciler = weak.lock();
        if (!reconciler) return runtime::ReconcileResult::Done();
        return reconciler->Reconcile(request);
      },
      runtime::ControllerOptions{.workers = options_.workers});

  auto hub = options_.reconciler.hub;
  auto count = [this](bool kept) {
    if (metrics_ != nullptr) metrics_->PredicateDecision(kControllerName, kept);
    return kept;
  };

  roles_ = runtime::MakeJsonInformer(hub, {.resource = v1::kRoleResource});
  roles_->AddIndex(std::string(kServiceAccountIndex), ServiceAccountIndexValues);
  controller_->For(*roles_, "", runtime::Predicate{.update = [count](const Json& a, const Json& b) {
    return count(RootChanged(a, b));
  }});
  // Sibling watch (§16.1): other roles of the namespace binding the same ServiceAccount.
  controller_->Watches(
      *roles_,
      [this](const Json& trigger) {
        std::vector<runtime::Request> out;
        const std::string name = Metadata(trigger).value("name", "");
        for (const auto& value : ServiceAccountIndexValues(trigger)) {
          for (const auto& role : roles_->ByIndex(std::string(kServiceAccountIndex), value)) {
            const Json& metadata = Metadata(*role);
            if (metadata.value("name", "") == name) continue;
            out.push_back({"", metadata.value("namespace", ""), metadata.value("name", "")});
          }
        }
        return out;
      },
      runtime::Predicate{.update = [count](const Json& a, const Json& b) {
        return count(Metadata(a).contains("deletionTimestamp") !=
                     Metadata(b).contains("deletionTimestamp"));
      }});

  const std::string group(v1::kGroup);
  const std::string kind(v1::kKindRole);
  ack_roles_ = runtime::MakeJsonInformer(
      hub, {.resource = kAckRoleResource, .label_selector = ManagedBySelector()});
  controller_->Owns(*ack_roles_, group, kind);
  ack_policies_ = runtime::MakeJsonInformer(
      hub, {.resource = kAckPolicyResource, .label_selector = ManagedBySelector()});
  controller_->Owns(*ack_policies_, group, kind);
  // Watched whether or not its CRD exists at start: the informer lists again until it does,
  // so an EKS controller installed later is picked up without a restart (§18 note 7).
  associations_ = runtime::MakeJsonInformer(
      hub, {.resource = kAckPodIdentityAssociationResource, .label_selector = ManagedBySelector()});
  controller_->Owns(*associations_, group, kind);

  crds_ = runtime::MakeJsonInformer(hub, {.resource = kube::resources::kCustomResourceDefinitions});
  auto ours = [](const Json& crd) {
    const std::string name = Metadata(crd).value("name", "");
    return name == kAckPodIdentityAssociationResource.QualifiedName() ||
           name == kAckRoleResource.QualifiedName() || name == kAckPolicyResource.QualifiedName();
  };
  controller_->Watches(
      *crds_, [this](const Json&) { return Roles(""); },
      runtime::Predicate{
          .create = [=](const Json& crd) { return ours(crd) && Established(crd); },
          .update = [=](const Json& a,
                        const Json& b) { return ours(b) && !Established(a) && Established(b); },
          .remove = [](const Json&) { return false; }});

  configs_ = runtime::MakeJsonInformer(hub, {.resource = v1::kConfigResource});
  controller_->Watches(*configs_, [this](const Json& config) {
    if (Metadata(config).value("name", "") != v1::kSingletonName) {
      return std::vector<runtime::Request>{};
    }
    return Roles(Metadata(config).value("namespace", ""));
  });

  operator_configs_ = runtime::MakeJsonInformer(hub, {.resource = v1::kOperatorConfigResource});
  controller_->Watches(
      *operator_configs_,
      [this](const Json& object) {
        if (Metadata(object).value("name", "") != v1::kSingletonName) {
          return std::vector<runtime::Request>{};
        }
        return Roles("");
      },
      runtime::Predicate{
          .update = [count](const Json& a, const Json& b) { return count(RootChanged(a, b)); }});

  runtime::InformerOptions profile_options{.resource = inventory::kClusterProfileResource};
  const auto& namespaces = options_.reconciler.cluster_profile_namespaces;
  if (namespaces.size() == 1) profile_options.ns = namespaces.front();
  profiles_ = runtime::MakeJsonInformer(hub, profile_options);
  controller_->Watches(*profiles_, [this](const Json& profile) {
    std::vector<runtime::Request> out;
    for (const auto& ns : inventory::WorkloadNamespacesFor(profile)) {
      auto roles = Roles(ns);
      out.insert(out.end(), roles.begin(), roles.end());
    }
    return out;
  });

  // The remote ServiceAccount controllers (§13, §14): one informer per engaged cluster, on the
  // shared event loop, feeding the repair queue and this controller's queue.
  repairer_ = std::make_shared<ServiceAccountRepairer>(RepairOptions{
      .hub = hub,
      .remote = options_.reconciler.remote,
      .events = options_.reconciler.events,
      .metrics = metrics_,
      .cluster_profile_namespaces = options_.reconciler.cluster_profile_namespaces,
      .roles_binding = [this](const std::string& role_ns, const std::string& sa_ns,
                              const std::string& sa_name) -> Result<std::vector<Json>> {
        std::vector<Json> out;
        for (const auto& role : roles_->ByIndex(std::string(kServiceAccountIndex),
                                                ServiceAccountIndexKey(role_ns, sa_ns, sa_name))) {
          out.push_back(*role);
        }
        return out;
      }});
  std::weak_ptr<ServiceAccountRepairer> weak_repairer = repairer_;
  repair_ = std::make_unique<runtime::Controller>(
      std::string(kRepairControllerName),
      [weak_repairer](const runtime::Request& request) -> Result<runtime::ReconcileResult> {
        auto repairer = weak_repairer.lock();
        if (!repairer) return runtime::ReconcileResult::Done();
        return repairer->Reconcile(request);
      },
      runtime::ControllerOptions{.workers = std::max(1, options_.workers / 2)});

  if (options_.clusters != nullptr) {
    options_.clusters->AddSourceFactory([this](const std::string& cluster,
                                               const std::shared_ptr<kube::Client>& client) {
      const auto parts = inventory::SplitClusterName(cluster);
      const std::string ns = parts ? parts->workload_namespace : std::string();
      auto service_accounts = runtime::JsonInformer::Create(
          client, {.resource = kube::resources::kServiceAccounts}, StripServiceAccount);
      auto counted = [this](runtime::Predicate predicate, std::string_view controller) {
        auto decided = [this, controller](bool kept) {
          if (metrics_ != nullptr) metrics_->PredicateDecision(controller, kept);
          return kept;
        };
        return runtime::Predicate{
            .create = [=](const Json& o) { return decided(predicate.create(o)); },
            .update = [=](const Json& a, const Json& b) { return decided(predicate.update(a, b)); },
            .remove = [=](const Json& o) { return decided(predicate.remove(o)); }};
      };
      repair_->Watches(
          *service_accounts,
          [cluster](const Json& sa) {
            const Json& metadata = Metadata(sa);
            return std::vector<runtime::Request>{
                {cluster, metadata.value("namespace", ""), metadata.value("name", "")}};
          },
          counted(RepairPredicate(), kRepairControllerName));
      controller_->Watches(
          *service_accounts,
          [this, cluster, ns](const Json& sa) {
            std::vector<runtime::Request> out;
            if (ns.empty()) {
              if (metrics_ != nullptr) {
                metrics_->RemoteDelivery(v1::delivery::kSelfHostedIRSA, "ServiceAccount", "skipped",
                                         "no_inventory_namespace");
              }
              return out;
            }
            const Json& metadata = Metadata(sa);
            for (const auto& role :
                 roles_->ByIndex(std::string(kServiceAccountIndex),
                                 ServiceAccountIndexKey(ns, metadata.value("namespace", ""),
                                                        metadata.value("name", "")))) {
              out.push_back({"", ns, Metadata(*role).value("name", "")});
              if (metrics_ != nullptr) {
                metrics_->RemoteDelivery(v1::delivery::kSelfHostedIRSA, "ServiceAccount", "success",
                                         "enqueued");
              }
            }
            return out;
          },
          counted(EnqueuePredicate(), kEnqueueControllerName));
      service_accounts->Start();
      // A newly engaged cluster may be what a waiting role needs.
      if (!ns.empty()) EnqueueNamespace(ns);
      return runtime::ClusterSourceInstance{
          .stop = [service_accounts] { service_accounts->Stop(); },
          .health = [service_accounts]() -> std::optional<std::string> {
            auto health = service_accounts->Health();
            if (health.last_error) return health.last_error->message;
            return std::nullopt;
          }};
    });
  }

  all_ = {roles_, ack_roles_, ack_policies_,     associations_,
          crds_,  configs_,   operator_configs_, profiles_};
  required_ = {roles_, crds_, configs_, operator_configs_};
}

RoleController::~RoleController() { Stop(std::chrono::seconds(5)); }

std::vector<runtime::Request> RoleController::Roles(const std::string& ns) {
  std::vector<runtime::Request> out;
  for (const auto& role : roles_->List()) {
    const Json& metadata = Metadata(*role);
    if (!ns.empty() && metadata.value("namespace", "") != ns) continue;
    out.push_back({"", metadata.value("namespace", ""), metadata.value("name", "")});
  }
  return out;
}

void RoleController::Enqueue(const std::string& ns, const std::string& name) {
  controller_->Enqueue({"", ns, name});
}

void RoleController::EnqueueNamespace(const std::string& ns) {
  for (const auto& request : Roles(ns)) controller_->Enqueue(request);
}

void RoleController::Start() {
  if (started_.exchange(true)) return;
  for (const auto& informer : all_) informer->Start();
  controller_->Start();
  repair_->Start();
  log::Info(kLogger, "started", {{"workers", std::to_string(options_.workers)}});
}

bool RoleController::Stop(std::chrono::milliseconds deadline) {
  if (!started_.exchange(false)) return true;
  bool drained = controller_->Stop(deadline);
  drained = repair_->Stop(deadline) && drained;
  for (const auto& informer : all_) informer->Stop();
  return drained;
}

std::optional<std::string> RoleController::CachesSynced() const {
  if (!started_) return std::nullopt;
  for (const auto& informer : required_) {
    if (!informer->HasSynced()) return "informer cache not synced";
  }
  return std::nullopt;
}

}  // namespace awio::controllers::role
