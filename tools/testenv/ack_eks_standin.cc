// awio-ack-eks-standin: a STAND-IN that plays the ACK EKS controller's part for the one kind
// PodIdentityAssociation (eks.services.k8s.aws/v1alpha1), in tests and the local environment
// only. No release of the real controller that knows this kind is served by the Go module
// proxy this project can use (docs/development/local-environment.md), so this program does
// what ACK does for that kind, against the emulator's EKS Pod Identity API:
//
//   - adds ACK's finalizer, creates the association, and records associationARN,
//     associationID, status.ackResourceMetadata and ACK.ResourceSynced=True;
//   - updates the role ARN when the spec changes;
//   - reports ACK.ResourceSynced=False with ACK.Recoverable (retried) on API errors;
//   - on deletion, deletes the association, then removes the finalizer.
//
// It polls the hub (every --interval) instead of watching: it is test tooling, and the product
// never depends on it. It uses the launcher's small HTTP client, not src/kube/.
#include <CLI/CLI.hpp>
#include <csignal>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "http.h"

namespace {

using json = nlohmann::json;
using awio::testenv::HttpRequest;
using awio::testenv::HttpResponse;
using awio::testenv::Send;

constexpr const char* kFinalizer = "finalizers.eks.services.k8s.aws/PodIdentityAssociation";
constexpr const char* kResource = "/apis/eks.services.k8s.aws/v1alpha1";

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

struct Options {
  std::string server, ca_file, cert_file, key_file;
  std::string aws_endpoint, region = "us-east-1", access_key = "testing", secret_key = "testing";
  std::string account_id = "123456789012";
  int interval_ms = 500;
};

std::string Now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

class Standin {
 public:
  explicit Standin(Options options) : o_(std::move(options)) {}

  void RunOnce() {
    auto list = Kube("GET", std::string(kResource) + "/podidentityassociations");
    if (list.status != 200) {
      Log("list podidentityassociations: HTTP " + std::to_string(list.status) + " " + list.error);
      return;
    }
    json items = json::parse(list.body, nullptr, false).value("items", json::array());
    for (const auto& item : items) Reconcile(item);
  }

 private:
  HttpResponse Kube(const std::string& method, const std::string& path, const json& body = nullptr,
                    const std::string& content_type = "application/merge-patch+json") {
    HttpRequest r{.method = method, .url = o_.server + path};
    r.ca_file = o_.ca_file;
    r.client_cert_file = o_.cert_file;
    r.client_key_file = o_.key_file;
    r.headers = {"Accept: application/json"};
    if (!body.is_null()) {
      r.body = body.dump();
      r.headers.push_back("Content-Type: " + content_type);
    }
    return Send(r);
  }

  HttpResponse Eks(const std::string& method, const std::string& path, const json& body = nullptr) {
    HttpRequest r{.method = method, .url = o_.aws_endpoint + path};
    r.aws_sigv4 = "aws:amz:" + o_.region + ":eks";
    r.aws_access_key_id = o_.access_key;
    r.aws_secret_access_key = o_.secret_key;
    if (!body.is_null()) {
      r.body = body.dump();
      r.headers = {"Content-Type: application/json"};
    }
    return Send(r);
  }

  static void Log(const std::string& line) { std::cerr << Now() << " " << line << std::endl; }

  static std::string ObjectPath(const json& obj) {
    const auto& m = obj["metadata"];
    return std::string(kResource) + "/namespaces/" + m.value("namespace", "") +
           "/podidentityassociations/" + m.value("name", "");
  }

  void Reconcile(const json& obj) {
    const auto& meta = obj["metadata"];
    json finalizers = meta.value("finalizers", json::array());
    bool has_finalizer =
        std::find(finalizers.begin(), finalizers.end(), kFinalizer) != finalizers.end();
    const json spec = obj.value("spec", json::object());
    const json status = obj.value("status", json::object());
    const std::string cluster = spec.value("clusterName", "");
    const std::string id = status.value("associationID", "");
    const std::string name = meta.value("namespace", "") + "/" + meta.value("name", "");

    if (meta.contains("deletionTimestamp")) {
      if (!has_finalizer) return;
      if (!id.empty()) {
        auto r = Eks("DELETE", "/clusters/" + cluster + "/pod-identity-associations/" + id);
        if (r.status != 200 && r.status != 404) {
          Log("delete association " + id + " of " + name + ": HTTP " + std::to_string(r.status));
          return;
        }
      }
      json remaining = json::array();
      for (const auto& f : finalizers) {
        if (f != kFinalizer) remaining.push_back(f);
      }
      Kube("PATCH", ObjectPath(obj),
           {{"metadata",
             {{"finalizers", remaining}, {"resourceVersion", meta["resourceVersion"]}}}});
      Log("deleted " + name);
      return;
    }

    if (!has_finalizer) {
      finalizers.push_back(kFinalizer);
      Kube("PATCH", ObjectPath(obj),
           {{"metadata",
             {{"finalizers", finalizers}, {"resourceVersion", meta["resourceVersion"]}}}});
      return;  // the next pass sees the finalizer
    }

    json association;
    HttpResponse r;
    if (id.empty()) {
      json request = {{"namespace", spec.value("namespace", "")},
                      {"serviceAccount", spec.value("serviceAccount", "")},
                      {"roleArn", spec.value("roleARN", "")}};
      if (spec.contains("tags")) request["tags"] = spec["tags"];
      if (spec.contains("clientRequestToken")) {
        request["clientRequestToken"] = spec["clientRequestToken"];
      }
      r = Eks("POST", "/clusters/" + cluster + "/pod-identity-associations", request);
    } else {
      r = Eks("GET", "/clusters/" + cluster + "/pod-identity-associations/" + id);
      if (r.status == 200) {
        association = json::parse(r.body, nullptr, false).value("association", json::object());
        if (association.value("roleArn", "") != spec.value("roleARN", "")) {
          r = Eks("POST", "/clusters/" + cluster + "/pod-identity-associations/" + id,
                  {{"roleArn", spec.value("roleARN", "")}});
        }
      }
    }
    if (r.status != 200) {
      std::string message = "EKS API answered HTTP " + std::to_string(r.status) + ": " +
                            json::parse(r.body, nullptr, false).value("message", r.error);
      WriteStatus(obj, status, false, message);
      return;
    }
    association = json::parse(r.body, nullptr, false).value("association", json::object());
    json next = status;
    next["associationARN"] = association.value("associationArn", "");
    next["associationID"] = association.value("associationId", "");
    next["ackResourceMetadata"] = {{"arn", association.value("associationArn", "")},
                                   {"ownerAccountID", o_.account_id},
                                   {"region", o_.region}};
    WriteStatus(obj, next, true, "");
  }

  // Writes status (with the ACK conditions) only when it differs from what is stored.
  void WriteStatus(const json& obj, json next, bool synced, const std::string& message) {
    const json current = obj.value("status", json::object());
    json conditions = json::array();
    auto previous_time = [&](const std::string& type, const std::string& st) -> std::string {
      for (const auto& c : current.value("conditions", json::array())) {
        if (c.value("type", "") == type && c.value("status", "") == st) {
          return c.value("lastTransitionTime", Now());
        }
      }
      return Now();
    };
    const std::string st = synced ? "True" : "False";
    json cond = {{"type", "ACK.ResourceSynced"},
                 {"status", st},
                 {"lastTransitionTime", previous_time("ACK.ResourceSynced", st)},
                 {"message", synced ? "Resource synced successfully" : "Resource not synced"}};
    conditions.push_back(cond);
    if (!synced) {
      conditions.push_back({{"type", "ACK.Recoverable"},
                            {"status", "True"},
                            {"lastTransitionTime", previous_time("ACK.Recoverable", "True")},
                            {"message", message}});
    }
    next["conditions"] = conditions;
    if (next == current) return;
    auto r = Kube("PATCH", ObjectPath(obj) + "/status", {{"status", next}});
    if (r.status != 200) {
      Log("status of " + obj["metadata"].value("name", "") + ": HTTP " + std::to_string(r.status));
    }
  }

  Options o_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Stand-in for the ACK EKS controller, PodIdentityAssociation only (tests)."};
  app.add_option("--server", o.server, "Hub API server URL")->required();
  app.add_option("--ca-file", o.ca_file, "Hub serving CA")->required();
  app.add_option("--client-cert", o.cert_file, "Admin client certificate")->required();
  app.add_option("--client-key", o.key_file, "Admin client key")->required();
  app.add_option("--aws-endpoint-url", o.aws_endpoint, "EKS API endpoint (the emulator)")
      ->required();
  app.add_option("--aws-region", o.region, "Region");
  app.add_option("--account-id", o.account_id, "Account id written to ackResourceMetadata");
  app.add_option("--interval-ms", o.interval_ms, "Poll interval");
  CLI11_PARSE(app, argc, argv);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  std::cerr << Now() << " ack-eks-standin: reconciling PodIdentityAssociations on " << o.server
            << std::endl;
  Standin standin(o);
  while (g_stop == 0) {
    try {
      standin.RunOnce();
    } catch (const std::exception& e) {
      std::cerr << Now() << " pass failed: " << e.what() << std::endl;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(o.interval_ms));
  }
  return 0;
}
