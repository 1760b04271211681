// awio-manager: the operator's manager process (spec inventory-and-remote-irsa.md §7,
// packaging-observability.md §5). Parses and checks the command line, configures logging,
// connects to the hub, and wires the Cluster Inventory provider, the controllers, the validating
// webhook server, the protected /metrics endpoint and the probes into one runtime::Manager that
// runs until SIGTERM or SIGINT. Flag parsing and wiring only: behaviour lives in src/.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>

#include "admission/lookup.h"
#include "admission/server.h"
#include "admission/validators.h"
#include "aws/credentials.h"
#include "base/encoding.h"
#include "base/log.h"
#include "controllers/config/controller.h"
#include "controllers/operator_metrics.h"
#include "controllers/role/controller.h"
#include "inventory/cluster_name.h"
#include "inventory/provider.h"
#include "kube/client.h"
#include "kube/config/access_provider.h"
#include "kube/config/in_cluster.h"
#include "kube/config/kubeconfig.h"
#include "kube/transport.h"
#include "manager/metrics_auth.h"
#include "manager/metrics_server.h"
#include "manager/options.h"
#include "observability/metrics.h"
#include "oidc/publisher.h"
#include "runtime/cluster_set.h"
#include "runtime/events.h"
#include "runtime/manager.h"

namespace {

using awio::log::Field;
constexpr std::string_view kSetup = "setup";
// Name of the leader-election Lease and reporting controller of events (§7.5, §5.7).
constexpr std::string_view kOperatorName = "aws-workload-identity-operator";

// §7.3: --kubeconfig; else in-cluster when KUBECONFIG is unset and the service variables are
// there; else the default loading rules (KUBECONFIG, then ~/.kube/config).
awio::Result<awio::kube::RestConfig> HubConfig(const awio::manager::Options& options) {
  if (!options.kubeconfig.empty())
    return awio::kube::LoadKubeconfig({.paths = {options.kubeconfig}});
  if (std::getenv("KUBECONFIG") == nullptr && std::getenv("KUBERNETES_SERVICE_HOST") != nullptr) {
    return awio::kube::InClusterConfig();
  }
  return awio::kube::LoadKubeconfig({});
}

std::string HostPort(const awio::manager::ListenAddress& address) {
  return address.first + ":" + std::to_string(address.second);
}

// "<hostname>_<random 128-bit hex>", unique per process (§7.5).
std::string Identity() {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  std::random_device random;
  std::string bytes;
  for (int i = 0; i < 16; ++i) bytes.push_back(static_cast<char>(random() & 0xff));
  return std::string(host) + "_" + awio::base::HexEncode(bytes);
}

int Fail(std::string_view message, const awio::Error& error) {
  awio::log::Error(kSetup, message, {{awio::log::keys::kError, error.ToString()}});
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  namespace mgr = awio::manager;
  mgr::Options options;
  if (int code = mgr::ParseCommandLine(argc, argv, &options, std::cout, std::cerr);
      code != mgr::kContinue) {
    return code;
  }
  if (auto valid = mgr::Validate(&options); !valid.ok()) {
    std::cerr << valid.error().message << "\n";
    return mgr::kExitValidation;
  }
  awio::log::Configure(options.log_format_value,
                       options.log_exporter_value == mgr::LogExporter::kNone
                           ? awio::log::Level::kOff
                           : options.log_level_value);

  // Cluster Inventory (§7.4 step 4).
  auto providers = awio::kube::LoadAccessProviderFile(options.clusterprofile_provider_file);
  if (!providers.ok()) {
    awio::Error e = providers.error();
    e.message = "read ClusterProfile access provider file " + options.clusterprofile_provider_file +
                ": " + e.message;
    return Fail("unable to create Cluster Inventory provider", e);
  }

  auto hub_config = HubConfig(options);
  if (!hub_config.ok())
    return Fail("unable to load the hub API server configuration", hub_config.error());
  hub_config->qps = 0;  // §7.3: no client-side rate limit towards the hub
  auto hub = std::make_shared<awio::kube::Client>(awio::kube::Transport::Create(*hub_config));

  awio::runtime::ManagerOptions manager_options;
  if (options.health_probe_listen)
    manager_options.health_address = HostPort(*options.health_probe_listen);
  if (options.leader_elect) {
    auto lease_namespace = mgr::LeaderElectionNamespace(options);
    if (!lease_namespace.ok())
      return Fail("unable to create multicluster manager", lease_namespace.error());
    manager_options.leader_election =
        awio::runtime::LeaderElectionOptions{.lease_namespace = *lease_namespace,
                                             .lease_name = std::string(kOperatorName),
                                             .identity = Identity(),
                                             .release_on_cancel = false};
  }
  awio::runtime::Manager manager(hub, manager_options);
  awio::runtime::ClusterSet clusters;

  awio::inventory::ProviderOptions provider_options;
  provider_options.providers = std::move(providers.value());
  provider_options.namespaces = options.cluster_profile_namespace_list;
  auto provider =
      std::make_shared<awio::inventory::ClusterProfileProvider>(hub, clusters, provider_options);
  manager.Add(provider);

  // The manager's own S3 calls (§7.1 of the config spec).
  std::shared_ptr<awio::oidc::PublisherCache> publishers;
  std::string publishers_unavailable;
  auto credentials = awio::aws::DefaultCredentialChain(
      {.allow_plain_http = options.allow_unsafe_aws_endpoint_urls});
  if (credentials.ok()) {
    publishers = std::make_shared<awio::oidc::PublisherCache>(
        awio::oidc::PublisherOptions{.endpoint_override = options.aws_endpoint_url,
                                     .allow_plain_http = options.allow_unsafe_aws_endpoint_urls,
                                     .credentials = *credentials});
  } else {
    publishers_unavailable = credentials.error().message;
    awio::log::Warn(kSetup, "no AWS credentials: SelfHostedIRSA issuers cannot be published",
                    {{awio::log::keys::kError, publishers_unavailable}});
  }

  auto events = awio::runtime::EventRecorder::Create(
      hub, {.reporting_controller = std::string(kOperatorName),
            .reporting_instance = Identity(),
            .on_error = [](const awio::Error& error) {
              awio::log::Debug("events", "event write failed",
                               {{awio::log::keys::kError, error.ToString()}});
            }});
  if (!events.ok()) return Fail("unable to set up controllers", events.error());
  awio::controllers::OperatorMetrics metrics;

  awio::controllers::config::ControllerOptions config_options;
  config_options.reconciler = {
      .hub = hub,
      .remote = [provider](const std::string& key) { return provider->Get(key); },
      .publishers = publishers,
      .publishers_unavailable = publishers_unavailable,
      .events = events->get(),
      .metrics = &metrics,
      .cluster_profile_namespaces = options.cluster_profile_namespace_list,
      .webhook_image = options.pod_identity_webhook_image};
  config_options.workers = options.max_concurrent_reconciles;
  config_options.clusters = &clusters;
  auto config_controller =
      std::make_shared<awio::controllers::config::ConfigController>(std::move(config_options));
  manager.Add(config_controller);

  awio::controllers::role::ControllerOptions role_options;
  role_options.reconciler = {
      .hub = hub,
      .remote = [provider](const std::string& key) { return provider->Get(key); },
      .events = events->get(),
      .metrics = &metrics,
      .cluster_profile_namespaces = options.cluster_profile_namespace_list,
      .now = {}};
  role_options.workers = options.max_concurrent_reconciles;
  role_options.clusters = &clusters;
  auto role_controller =
      std::make_shared<awio::controllers::role::RoleController>(std::move(role_options));
  manager.Add(role_controller);

  provider->AddListener([config_controller, role_controller](const std::string& key, bool engaged) {
    // Also fires when a target that failed its probe answers again (no re-engage then).
    if (!engaged) return;
    const auto parts = awio::inventory::SplitClusterName(key);
    if (!parts) return;
    config_controller->EnqueueNamespace(parts->workload_namespace);
    role_controller->EnqueueNamespace(parts->workload_namespace);
  });

  // Admission webhooks (§7.6): served on every replica.
  auto lookup = std::make_shared<awio::admission::ClientLookup>(hub);
  awio::admission::Server webhooks(
      {.port = options.webhook_port, .cert_dir = options.webhook_cert_dir},
      awio::admission::Webhooks(lookup));
  if (auto started = webhooks.Start(); !started.ok()) {
    return Fail("unable to set up controllers", started.error());
  }
  const int webhook_port = webhooks.port();
  manager.AddReadyCheck("readyz", [&webhooks, webhook_port]() -> std::optional<std::string> {
    if (auto not_started = webhooks.StartedCheck()) return not_started;
    auto dialed = awio::admission::DialTls("127.0.0.1", webhook_port, std::chrono::seconds(10));
    if (!dialed.ok()) return dialed.error().message;
    return std::nullopt;
  });
  manager.AddReadyCheck("informer-cache-sync",
                        [config_controller, role_controller]() -> std::optional<std::string> {
                          if (auto pending = config_controller->CachesSynced()) return pending;
                          return role_controller->CachesSynced();
                        });

  // Metrics (§6.1): plain HTTP behind TokenReview and SubjectAccessReview.
  std::unique_ptr<mgr::MetricsServer> metrics_server;
  if (options.metrics_listen) {
    metrics_server = std::make_unique<mgr::MetricsServer>(
        *options.metrics_listen, awio::observability::Registry::Default(),
        std::make_shared<mgr::MetricsAuthorizer>(hub));
    if (auto started = metrics_server->Start(); !started.ok()) {
      return Fail("unable to set up controllers", started.error());
    }
  }

  awio::log::Info(kSetup, "starting manager",
                  {{"webhookPort", std::to_string(webhook_port)},
                   {"metricsPort", metrics_server ? std::to_string(metrics_server->port()) : "off"},
                   {"leaderElection", options.leader_elect ? "true" : "false"}});
  const int code = manager.Run();
  if (code != 0) awio::log::Error(kSetup, "problem running manager");
  if (metrics_server) metrics_server->Stop();
  webhooks.Stop();
  return code;
}
