#include "controllers/config/controller.h"

#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/resources.h"
#include "base/log.h"
#include "controllers/ack_resources.h"
#include "inventory/cluster_name.h"
#include "inventory/resolver.h"
#include "webhookruntime/runtime.h"

namespace awio::controllers::config {
namespace {

namespace v1 = api::v1alpha1;
using Json = kube::Json;

constexpr std::string_view kLogger = "config-controller";
constexpr std::string_view kDriftController = "selfhosted-webhook-runtime";

// Objects this operator labels as its own; owned hub children always carry it.
std::string ManagedBySelector() {
  return std::string(v1::label::kManagedBy) + "=" + std::string(v1::label::kManagedByValue);
}

const Json& Metadata(const Json& object) {
  static const Json kEmpty = Json::object();
  auto it = object.find("metadata");
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

// §11.1 own-object filter: generation, annotations, finalizers (order-sensitive) or deletion
// changes; status-only updates are dropped.
bool OwnObjectUpdateRelevant(const Json& old_object, const Json& new_object) {
  const Json& a = Metadata(old_object);
  const Json& b = Metadata(new_object);
  return a.value("generation", 0) != b.value("generation", 0) ||
         a.value("annotations", Json::object()) != b.value("annotations", Json::object()) ||
         a.value("finalizers", Json::array()) != b.value("finalizers", Json::array()) ||
         a.contains("deletionTimestamp") != b.contains("deletionTimestamp");
}

// Remote kinds the drift bridge watches (§11.2), label scoped to managed runtime objects.
const std::vector<kube::ResourceRef>& DriftKinds() {
  static const std::vector<kube::ResourceRef> kinds = {
      kube::resources::kNamespaces,
      kube::resources::kSecrets,
      kube::resources::kServiceAccounts,
      kube::resources::kServices,
      kube::resources::kDeployments,
      webhookruntime::resources::kClusterRoles,
      webhookruntime::resources::kClusterRoleBindings,
      webhookruntime::resources::kMutatingWebhookConfigurations,
  };
  return kinds;
}

}  // namespace

ConfigController::ConfigController(ControllerOptions options) : options_(std::move(options)) {
  metrics_ = options_.reconciler.metrics;
  reconciler_ = std::make_shared<Reconciler>(options_.reconciler);
  std::weak_ptr<Reconciler> weak = reconciler_;
  controller_ = std::make_unique<runtime::Controller>(
      "awsworkloadidentityconfig",
      [weak](const runtime::Request& request) -> Result<runtime::ReconcileResult> {
        auto reconciler = weak.lock();
        if (!reconciler) return runtime::ReconcileResult::Done();
        return reconciler->Reconcile(request);
      },
      runtime::ControllerOptions{.workers = options_.workers});

  auto hub = options_.reconciler.hub;
  auto count = [this](std::string_view controller, bool kept) {
    if (metrics_ != nullptr) metrics_->PredicateDecision(controller, kept);
    return kept;
  };

  configs_ = runtime::MakeJsonInformer(hub, {.resource = v1::kConfigResource});
  controller_->For(*configs_, "",
                   runtime::Predicate{.update = [count](const Json& a, const Json& b) {
                     return count(kControllerName, OwnObjectUpdateRelevant(a, b));
                   }});

  operator_configs_ = runtime::MakeJsonInformer(hub, {.resource = v1::kOperatorConfigResource});
  controller_->Watches(
      *operator_configs_,
      [this](const Json& object) {
        if (Metadata(object).value("name", "") != v1::kSingletonName) {
          return std::vector<runtime::Request>{};
        }
        return AllConfigs();
      },
      runtime::Predicate{.update = [count](const Json& a, const Json& b) {
        return count(kControllerName, OwnObjectUpdateRelevant(a, b));
      }});

  secrets_ = runtime::MakeJsonInformer(
      hub, {.resource = kube::resources::kSecrets, .label_selector = ManagedBySelector()});
  controller_->Owns(*secrets_, std::string(v1::kGroup), std::string(v1::kKindConfig));
  buckets_ = runtime::MakeJsonInformer(
      hub, {.resource = kAckBucketResource, .label_selector = ManagedBySelector()});
  controller_->Owns(*buckets_, std::string(v1::kGroup), std::string(v1::kKindConfig));
  providers_ = runtime::MakeJsonInformer(
      hub, {.resource = kAckOidcProviderResource, .label_selector = ManagedBySelector()});
  controller_->Owns(*providers_, std::string(v1::kGroup), std::string(v1::kKindConfig));

  // An ACK CRD becoming Established wakes every config (§11.1, for both ACK kinds we write).
  crds_ = runtime::MakeJsonInformer(hub, {.resource = kube::resources::kCustomResourceDefinitions});
  auto established = [](const Json& crd) {
    for (const auto& c : crd.value("status", Json::object()).value("conditions", Json::array())) {
      if (c.value("type", "") == "Established" && c.value("status", "") == "True") return true;
    }
    return false;
  };
  auto ours = [](const Json& crd) {
    const std::string name = Metadata(crd).value("name", "");
    return name == kAckBucketCrdName || name == kAckOidcProviderResource.QualifiedName();
  };
  controller_->Watches(
      *crds_, [this](const Json&) { return AllConfigs(); },
      runtime::Predicate{
          .create = [=](const Json& crd) { return ours(crd) && established(crd); },
          .update = [=](const Json& a,
                        const Json& b) { return ours(b) && !established(a) && established(b); },
          .remove = [](const Json&) { return false; }});

  runtime::InformerOptions profile_options{.resource = inventory::kClusterProfileResource};
  const auto& namespaces = options_.reconciler.cluster_profile_namespaces;
  if (namespaces.size() == 1) profile_options.ns = namespaces.front();
  profiles_ = runtime::MakeJsonInformer(hub, profile_options);
  controller_->Watches(*profiles_, [namespaces](const Json& profile) {
    std::vector<runtime::Request> out;
    if (!namespaces.empty() &&
        std::find(namespaces.begin(), namespaces.end(), Metadata(profile).value("namespace", "")) ==
            namespaces.end()) {
      return out;
    }
    for (const auto& ns : inventory::WorkloadNamespacesFor(profile)) {
      out.push_back({"", ns, std::string(v1::kSingletonName)});
    }
    return out;
  });

  roles_ = runtime::MakeJsonInformer(hub, {.resource = v1::kRoleResource, .metadata_only = true});
  controller_->Watches(
      *roles_,
      [](const Json& role) {
        return std::vector<runtime::Request>{
            {"", Metadata(role).value("namespace", ""), std::string(v1::kSingletonName)}};
      },
      runtime::Predicate{
          .create = [count](const Json&) { return count(kControllerName, false); },
          .update = [count](const Json&, const Json&) { return count(kControllerName, false); },
          .remove = [count](const Json&) { return count(kControllerName, true); }});

  // Readiness waits for the kinds that always exist; ClusterProfile and ACK kinds may be missing
  // (their absence is reported on each config) and must not hold the manager out of service.
  required_ = {configs_, operator_configs_, secrets_, crds_, roles_};

  if (options_.clusters != nullptr) {
    options_.clusters->AddSourceFactory([this](const std::string& cluster,
                                               const std::shared_ptr<kube::Client>& client) {
      const auto parts = inventory::SplitClusterName(cluster);
      const std::string ns = parts ? parts->workload_namespace : std::string();
      std::vector<std::shared_ptr<runtime::JsonInformer>> informers;
      for (const auto& kind : DriftKinds()) {
        auto informer = runtime::MakeJsonInformer(
            client, {.resource = kind, .label_selector = webhookruntime::ManagedSelector()});
        const std::string kind_name = kind.kind;
        auto enqueue = [this, ns, cluster](const Json&) {
          if (ns.empty()) {
            if (metrics_ != nullptr) {
              metrics_->RemoteDelivery("", "WebhookRuntime", "skipped", "no_inventory_namespace");
            }
            return std::vector<runtime::Request>{};
          }
          if (metrics_ != nullptr) {
            metrics_->RemoteDelivery(v1::delivery::kSelfHostedIRSA, "WebhookRuntime", "success",
                                     "enqueued");
          }
          return std::vector<runtime::Request>{{"", ns, std::string(v1::kSingletonName)}};
        };
        controller_->Watches(
            *informer, enqueue,
            runtime::Predicate{
                .create =
                    [this](const Json& o) {
                      bool kept = webhookruntime::IsManaged(o);
                      if (metrics_ != nullptr) metrics_->PredicateDecision(kDriftController, kept);
                      return kept;
                    },
                .update =
                    [this, kind_name](const Json& a, const Json& b) {
                      bool kept = (webhookruntime::IsManaged(a) || webhookruntime::IsManaged(b)) &&
                                  webhookruntime::DriftUpdateRelevant(kind_name, a, b);
                      if (metrics_ != nullptr) metrics_->PredicateDecision(kDriftController, kept);
                      return kept;
                    },
                .remove =
                    [this](const Json& o) {
                      bool kept = webhookruntime::IsManaged(o);
                      if (metrics_ != nullptr) metrics_->PredicateDecision(kDriftController, kept);
                      return kept;
                    }});
        informer->Start();
        informers.push_back(std::move(informer));
      }
      // A newly engaged cluster may be what a waiting config needs.
      if (!ns.empty()) EnqueueNamespace(ns);
      return runtime::ClusterSourceInstance{.stop =
                                                [informers] {
                                                  for (const auto& i : informers) i->Stop();
                                                },
                                            .health = [informers]() -> std::optional<std::string> {
                                              for (const auto& i : informers) {
                                                auto h = i->Health();
                                                if (h.last_error) return h.last_error->message;
                                              }
                                              return std::nullopt;
                                            }};
    });
  }
}

ConfigController::~ConfigController() { Stop(std::chrono::seconds(5)); }

std::vector<runtime::Request> ConfigController::AllConfigs() {
  std::vector<runtime::Request> out;
  for (const auto& config : configs_->List()) {
    const Json& metadata = Metadata(*config);
    out.push_back({"", metadata.value("namespace", ""), metadata.value("name", "")});
  }
  return out;
}

void ConfigController::EnqueueNamespace(const std::string& ns) {
  controller_->Enqueue({"", ns, std::string(v1::kSingletonName)});
}

void ConfigController::Start() {
  if (started_.exchange(true)) return;
  for (const auto& informer :
       {configs_, operator_configs_, secrets_, buckets_, providers_, crds_, profiles_, roles_}) {
    informer->Start();
  }
  controller_->Start();
  log::Info(kLogger, "started", {{"workers", std::to_string(options_.workers)}});
}

bool ConfigController::Stop(std::chrono::milliseconds deadline) {
  if (!started_.exchange(false)) return true;
  bool drained = controller_->Stop(deadline);
  for (const auto& informer :
       {configs_, operator_configs_, secrets_, buckets_, providers_, crds_, profiles_, roles_}) {
    informer->Stop();
  }
  return drained;
}

std::optional<std::string> ConfigController::CachesSynced() const {
  if (!started_) return std::nullopt;
  for (const auto& informer : required_) {
    if (!informer->HasSynced()) return "informer cache not synced";
  }
  return std::nullopt;
}

}  // namespace awio::controllers::config
