// awio-sample-mirror: the sample mirror controller as its own process, under a manager with
// leader election, for the hand-over test. It prints "reconciled <ns>/<name>" for every
// reconcile so the test can tell which process did the work.
#include <CLI/CLI.hpp>
#include <iostream>

#include "integration/runtime/mirror_controller.h"
#include "kube/config/kubeconfig.h"
#include "runtime/manager.h"

int main(int argc, char** argv) {
  std::string kubeconfig, ns, identity, lease_name = "awio-sample-mirror";
  int lease_ms = 15'000, renew_ms = 10'000, retry_ms = 2'000;
  CLI::App app{"Sample mirror controller with leader election (tests only)."};
  app.add_option("--kubeconfig", kubeconfig)->required();
  app.add_option("--namespace", ns)->required();
  app.add_option("--identity", identity)->required();
  app.add_option("--lease-name", lease_name);
  app.add_option("--lease-duration-ms", lease_ms);
  app.add_option("--renew-deadline-ms", renew_ms);
  app.add_option("--retry-period-ms", retry_ms);
  CLI11_PARSE(app, argc, argv);

  auto config = awio::kube::LoadKubeconfig({.paths = {kubeconfig}});
  if (!config.ok()) {
    std::cerr << config.error().ToString() << std::endl;
    return 1;
  }
  auto client = std::make_shared<awio::kube::Client>(awio::kube::Transport::Create(*config));
  awio::runtime::Manager manager(client,
                                 {.leader_election = awio::runtime::LeaderElectionOptions{
                                      .lease_namespace = ns,
                                      .lease_name = lease_name,
                                      .identity = identity,
                                      .lease_duration = std::chrono::milliseconds(lease_ms),
                                      .renew_deadline = std::chrono::milliseconds(renew_ms),
                                      .retry_period = std::chrono::milliseconds(retry_ms)}});
  auto mirror = std::make_shared<awio::test::MirrorController>(client, ns);
  mirror->OnReconcile([](const awio::runtime::Request& r) {
    std::cout << "reconciled " << r.ns << "/" << r.name << std::endl;
  });
  manager.Add(awio::runtime::MakeRunnable([mirror] { mirror->Start(); },
                                          [mirror](auto d) { return mirror->Stop(d); }));
  std::cout << "started " << identity << std::endl;
  return manager.Run();
}
