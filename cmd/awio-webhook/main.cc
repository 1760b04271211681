// awio-webhook: runs the validating admission webhook (src/admission) on its own, with its
// lookups going to the API server named by a kubeconfig (or the Pod's service account), until
// SIGTERM or SIGINT. Flag parsing and wiring only.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "admission/lookup.h"
#include "admission/server.h"
#include "admission/validators.h"
#include "base/log.h"
#include "kube/client.h"
#include "kube/config/in_cluster.h"
#include "kube/config/kubeconfig.h"
#include "kube/transport.h"

namespace {

constexpr std::string_view kLogger = "setup";

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

// --kubeconfig when given; else the Pod's service account when running in a cluster; else the
// KUBECONFIG variable or ~/.kube/config, as kubectl resolves them.
awio::Result<awio::kube::RestConfig> LoadRestConfig(const std::string& kubeconfig) {
  if (!kubeconfig.empty()) return awio::kube::LoadKubeconfig({.paths = {kubeconfig}});
  if (std::getenv("KUBERNETES_SERVICE_HOST") != nullptr) return awio::kube::InClusterConfig();
  return awio::kube::LoadKubeconfig({});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Serves the validating admission webhook of aws-workload-identity-operator over HTTPS "
      "until SIGTERM or SIGINT."};
  std::string cert_dir(awio::admission::kDefaultCertDir);
  int port = awio::admission::kDefaultPort;
  std::string bind_address;
  std::string kubeconfig;
  std::string log_level = "info";
  std::string log_format = "json";
  app.add_option("--cert-dir", cert_dir, "Directory holding tls.crt and tls.key")
      ->capture_default_str();
  app.add_option("--port", port, "Port to serve on; 0 lets the kernel pick one")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--bind-address", bind_address,
                 "Address to listen on; empty means every IPv4 interface");
  app.add_option("--kubeconfig", kubeconfig,
                 "Kubeconfig of the API server the lookups read from; empty: in-cluster, "
                 "else KUBECONFIG or ~/.kube/config");
  app.add_option("--log-level", log_level, "debug, info, warn or error")->capture_default_str();
  app.add_option("--log-format", log_format, "json or text")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "text"}));
  CLI11_PARSE(app, argc, argv);

  awio::log::Level level;
  if (!awio::log::ParseLevel(log_level, &level)) {
    std::cerr << "invalid --log-level " << log_level << "\n";
    return 1;
  }
  awio::log::Configure(log_format == "text" ? awio::log::Format::kText : awio::log::Format::kJson,
                       level);

  // Block SIGTERM and SIGINT before any thread starts, so that every thread inherits the mask
  // and only the sigsuspend below (which unblocks them atomically) receives them.
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  sigset_t blocked, previous;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  pthread_sigmask(SIG_BLOCK, &blocked, &previous);

  auto rest_config = LoadRestConfig(kubeconfig);
  if (!rest_config.ok()) {
    awio::log::Error(kLogger, "unable to load the API server configuration",
                     {{awio::log::keys::kError, rest_config.error().ToString()}});
    return 1;
  }
  auto client = std::make_shared<awio::kube::Client>(awio::kube::Transport::Create(*rest_config));
  auto lookup = std::make_shared<awio::admission::ClientLookup>(client);

  awio::admission::Server server({.bind_address = bind_address, .port = port, .cert_dir = cert_dir},
                                 awio::admission::Webhooks(lookup));
  if (auto started = server.Start(); !started.ok()) {
    awio::log::Error(kLogger, "unable to start the webhook server",
                     {{awio::log::keys::kError, started.error().ToString()}});
    return 1;
  }
  // Tests start the binary with --port 0 and read the chosen port from this line.
  std::cout << "listening on port " << server.port() << std::endl;

  while (!g_stop) sigsuspend(&previous);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);

  server.Stop();
  return 0;
}
