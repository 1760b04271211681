// awio-workload-standin: a STAND-IN for the deployment controller and the kubelets of one
// cluster, in tests and the local environment only. The local environment has no container
// runtime and no kubelet (docs/development/local-environment.md), so no Pod ever runs and no
// Deployment would ever become Available. This program reports each Deployment as rolled out:
// for every Deployment whose status is behind its spec it writes, through the status
// subresource, observedGeneration = metadata.generation, replicas = updatedReplicas =
// readyReplicas = availableReplicas = spec.replicas (1 when unset), and the conditions
// Available=True (MinimumReplicasAvailable) and Progressing=True (NewReplicaSetAvailable).
//
// DaemonSets are reported the same way, as if the cluster had exactly one node: observed
// generation current and desiredNumberScheduled = currentNumberScheduled = numberReady =
// updatedNumberScheduled = numberAvailable = 1 (the EKS Pod Identity Agent check reads this).
//
// It never creates ReplicaSets or Pods, and it does not look at the pod template: whatever the
// workload runs is taken to start. It polls (every --interval-ms) instead of watching: it is
// test tooling, and the product never depends on it.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "standin_support.h"

namespace {

namespace standin = awio::testenv::standin;
using standin::Json;

// Short enough that a rollout the operator waits on completes within a second.
constexpr int kDefaultIntervalMs = 300;
// A Deployment without spec.replicas runs one replica (the API server's default).
constexpr long kDefaultReplicas = 1;

struct Options {
  standin::ApiServerOptions cluster;
  std::string namespace_name;  // empty: every namespace
  int interval_ms = kDefaultIntervalMs;
};

std::string ConditionStatus(const Json& status, const std::string& type) {
  for (const auto& c : status.value("conditions", Json::array())) {
    if (c.value("type", "") == type) return c.value("status", "");
  }
  return "";
}

// Whether the status already says the current generation is fully rolled out.
bool RolledOut(const Json& deployment) {
  const Json status = deployment.value("status", Json::object());
  const long generation = deployment.at("metadata").value("generation", 0L);
  const long desired = deployment.value("spec", Json::object()).value("replicas", kDefaultReplicas);
  // The API server omits zero counts (omitempty), so an absent count is 0.
  return status.value("observedGeneration", 0L) == generation &&
         status.value("replicas", 0L) == desired &&
         status.value("updatedReplicas", 0L) == desired &&
         status.value("readyReplicas", 0L) == desired &&
         status.value("availableReplicas", 0L) == desired &&
         ConditionStatus(status, "Available") == "True";
}

// The node count the stand-in pretends the cluster has, for DaemonSets.
constexpr long kNodes = 1;

bool DaemonSetRolledOut(const Json& daemon_set) {
  const Json status = daemon_set.value("status", Json::object());
  const long generation = daemon_set.at("metadata").value("generation", 0L);
  return status.value("observedGeneration", 0L) == generation &&
         status.value("desiredNumberScheduled", 0L) == kNodes &&
         status.value("currentNumberScheduled", 0L) == kNodes &&
         status.value("numberReady", 0L) == kNodes &&
         status.value("updatedNumberScheduled", 0L) == kNodes &&
         status.value("numberAvailable", 0L) == kNodes;
}

// One condition as the deployment controller writes it, keeping the earlier transition time when
// the condition was already True.
Json Condition(const Json& status, const std::string& type, const std::string& reason,
               const std::string& message) {
  std::string since = standin::UtcNow();
  for (const auto& c : status.value("conditions", Json::array())) {
    if (c.value("type", "") == type && c.value("status", "") == "True") {
      since = c.value("lastTransitionTime", since);
    }
  }
  return {{"type", type},
          {"status", "True"},
          {"reason", reason},
          {"message", message},
          {"lastUpdateTime", standin::UtcNow()},
          {"lastTransitionTime", since}};
}

class Standin {
 public:
  Standin(standin::ApiServerAccess cluster, Options options)
      : cluster_(std::move(cluster)), o_(std::move(options)) {}

  void RunOnce() {
    const std::string scope = o_.namespace_name.empty() ? "" : "/namespaces/" + o_.namespace_name;
    auto list = cluster_.Request("GET", "/apis/apps/v1" + scope + "/deployments");
    if (list.status != 200) {
      LogOnce("list deployments: " + standin::ResponseText(list));
      return;
    }
    last_list_error_.clear();
    const Json items = Json::parse(list.body, nullptr, false).value("items", Json::array());
    for (const auto& item : items) {
      if (!RolledOut(item)) Report(item);
    }
    auto daemon_sets = cluster_.Request("GET", "/apis/apps/v1" + scope + "/daemonsets");
    if (daemon_sets.status != 200) {
      LogOnce("list daemonsets: " + standin::ResponseText(daemon_sets));
      return;
    }
    for (const auto& item :
         Json::parse(daemon_sets.body, nullptr, false).value("items", Json::array())) {
      if (!DaemonSetRolledOut(item)) ReportDaemonSet(item);
    }
  }

 private:
  void LogOnce(const std::string& line) {
    if (line == last_list_error_) return;
    last_list_error_ = line;
    standin::Log(line);
  }

  void Report(const Json& deployment) {
    const Json& metadata = deployment.at("metadata");
    const Json status = deployment.value("status", Json::object());
    const long desired =
        deployment.value("spec", Json::object()).value("replicas", kDefaultReplicas);
    const std::string name = metadata.value("name", "");
    Json next = {
        {"observedGeneration", metadata.value("generation", 0L)},
        {"replicas", desired},
        {"updatedReplicas", desired},
        {"readyReplicas", desired},
        {"availableReplicas", desired},
        {"conditions",
         {Condition(status, "Available", "MinimumReplicasAvailable",
                    "Deployment has minimum availability."),
          Condition(status, "Progressing", "NewReplicaSetAvailable",
                    "Deployment \"" + name +
                        "\" has successfully progressed (reported by awio-workload-standin; "
                        "no pods run in the local environment).")}}};
    // The resourceVersion guard makes a write based on an outdated read fail; the next pass
    // reads again.
    auto r = cluster_.Request(
        "PATCH",
        "/apis/apps/v1/namespaces/" + metadata.value("namespace", "") + "/deployments/" + name +
            "/status",
        {{"metadata", {{"resourceVersion", metadata.value("resourceVersion", "")}}},
         {"status", next}});
    if (r.status != 200) {
      standin::Log("status of deployment " + standin::ObjectKey(deployment) + ": " +
                   standin::ResponseText(r));
      return;
    }
    standin::Log("deployment " + standin::ObjectKey(deployment) + " generation " +
                 std::to_string(metadata.value("generation", 0L)) + " reported available with " +
                 std::to_string(desired) + " replicas");
  }

  void ReportDaemonSet(const Json& daemon_set) {
    const Json& metadata = daemon_set.at("metadata");
    Json next = {{"observedGeneration", metadata.value("generation", 0L)},
                 {"desiredNumberScheduled", kNodes},
                 {"currentNumberScheduled", kNodes},
                 {"numberReady", kNodes},
                 {"updatedNumberScheduled", kNodes},
                 {"numberAvailable", kNodes},
                 {"numberMisscheduled", 0}};
    auto r = cluster_.Request(
        "PATCH",
        "/apis/apps/v1/namespaces/" + metadata.value("namespace", "") + "/daemonsets/" +
            metadata.value("name", "") + "/status",
        {{"metadata", {{"resourceVersion", metadata.value("resourceVersion", "")}}},
         {"status", next}});
    if (r.status != 200) {
      standin::Log("status of daemonset " + standin::ObjectKey(daemon_set) + ": " +
                   standin::ResponseText(r));
      return;
    }
    standin::Log("daemonset " + standin::ObjectKey(daemon_set) + " reported available on " +
                 std::to_string(kNodes) + " node");
  }

  standin::ApiServerAccess cluster_;
  Options o_;
  std::string last_list_error_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "Stand-in for the deployment controller and kubelets of one cluster: reports every "
      "Deployment and DaemonSet as rolled out and available, without running pods (tests)."};
  o.cluster.Register(app);
  app.add_option("--namespace", o.namespace_name, "Only Deployments in this namespace");
  app.add_option("--interval-ms", o.interval_ms, "Poll interval");
  CLI11_PARSE(app, argc, argv);

  try {
    const standin::ApiServerAccess cluster = o.cluster.Resolve();
    Standin standin(cluster, o);
    return standin::RunPollLoop("workload-standin: reporting Deployments on " + cluster.server,
                                std::chrono::milliseconds(o.interval_ms),
                                [&] { standin.RunOnce(); });
  } catch (const std::exception& e) {
    std::cerr << "workload-standin: " << e.what() << std::endl;
    return 1;
  }
}
