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
// It polls the hub (every --interval-ms) instead of watching: it is test tooling, and the product
// never depends on it. It uses the launcher's small HTTP client, not src/kube/.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "http.h"
#include "standin_support.h"

namespace {

using awio::testenv::HttpRequest;
using awio::testenv::HttpResponse;
using awio::testenv::Send;
namespace standin = awio::testenv::standin;
using standin::Json;

constexpr const char* kFinalizer = "finalizers.eks.services.k8s.aws/PodIdentityAssociation";
constexpr const char* kResource = "/apis/eks.services.k8s.aws/v1alpha1";
// Short enough that tests waiting on ACK.ResourceSynced see it within a second.
constexpr int kDefaultIntervalMs = 500;

struct Options {
  standin::ApiServerOptions hub;
  std::string aws_endpoint, region = "us-east-1", access_key = "testing", secret_key = "testing";
  std::string account_id = "123456789012";
  int interval_ms = kDefaultIntervalMs;
};

class Standin {
 public:
  Standin(standin::ApiServerAccess hub, Options options)
      : hub_(std::move(hub)), o_(std::move(options)) {}

  void RunOnce() {
    auto list = hub_.Request("GET", std::string(kResource) + "/podidentityassociations");
    if (list.status != 200) {
      standin::Log("list podidentityassociations: " + standin::ResponseText(list));
      return;
    }
    Json items = Json::parse(list.body, nullptr, false).value("items", Json::array());
    for (const auto& item : items) Reconcile(item);
  }

 private:
  HttpResponse Eks(const std::string& method, const std::string& path, const Json& body = nullptr) {
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

  static std::string ObjectPath(const Json& obj) {
    const auto& m = obj.at("metadata");
    return std::string(kResource) + "/namespaces/" + m.value("namespace", "") +
           "/podidentityassociations/" + m.value("name", "");
  }

  void Reconcile(const Json& obj) {
    const auto& meta = obj.at("metadata");
    const Json spec = obj.value("spec", Json::object());
    const Json status = obj.value("status", Json::object());
    const std::string cluster = spec.value("clusterName", "");
    const std::string id = status.value("associationID", "");
    const std::string name = standin::ObjectKey(obj);

    if (meta.contains("deletionTimestamp")) {
      if (!standin::HasFinalizer(obj, kFinalizer)) return;
      if (!id.empty()) {
        auto r = Eks("DELETE", "/clusters/" + cluster + "/pod-identity-associations/" + id);
        if (r.status != 200 && r.status != 404) {
          standin::Log("delete association " + id + " of " + name + ": " +
                       standin::ResponseText(r));
          return;
        }
      }
      hub_.Request("PATCH", ObjectPath(obj), standin::RemoveFinalizerPatch(obj, kFinalizer));
      standin::Log("deleted " + name);
      return;
    }

    if (!standin::HasFinalizer(obj, kFinalizer)) {
      hub_.Request("PATCH", ObjectPath(obj), standin::AddFinalizerPatch(obj, kFinalizer));
      return;  // the next pass sees the finalizer
    }

    Json association;
    HttpResponse r;
    if (id.empty()) {
      Json request = {{"namespace", spec.value("namespace", "")},
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
        association = Json::parse(r.body, nullptr, false).value("association", Json::object());
        if (association.value("roleArn", "") != spec.value("roleARN", "")) {
          r = Eks("POST", "/clusters/" + cluster + "/pod-identity-associations/" + id,
                  {{"roleArn", spec.value("roleARN", "")}});
        }
      }
    }
    if (r.status != 200) {
      std::string message = "EKS API answered HTTP " + std::to_string(r.status) + ": " +
                            Json::parse(r.body, nullptr, false).value("message", r.error);
      WriteStatus(obj, status, false, message);
      return;
    }
    association = Json::parse(r.body, nullptr, false).value("association", Json::object());
    Json next = status;
    next["associationARN"] = association.value("associationArn", "");
    next["associationID"] = association.value("associationId", "");
    next["ackResourceMetadata"] = {{"arn", association.value("associationArn", "")},
                                   {"ownerAccountID", o_.account_id},
                                   {"region", o_.region}};
    WriteStatus(obj, next, true, "");
  }

  // Writes status (with the ACK conditions) only when it differs from what is stored.
  void WriteStatus(const Json& obj, Json next, bool synced, const std::string& message) {
    const Json current = obj.value("status", Json::object());
    next["conditions"] = standin::AckConditions(current, synced, message);
    if (next == current) return;
    auto r = hub_.Request("PATCH", ObjectPath(obj) + "/status", {{"status", next}});
    if (r.status != 200) {
      standin::Log("status of " + standin::ObjectKey(obj) + ": " + standin::ResponseText(r));
    }
  }

  standin::ApiServerAccess hub_;
  Options o_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Stand-in for the ACK EKS controller, PodIdentityAssociation only (tests)."};
  o.hub.Register(app);
  app.add_option("--aws-endpoint-url", o.aws_endpoint, "EKS API endpoint (the emulator)")
      ->required();
  app.add_option("--aws-region", o.region, "Region");
  app.add_option("--account-id", o.account_id, "Account id written to ackResourceMetadata");
  app.add_option("--interval-ms", o.interval_ms, "Poll interval");
  CLI11_PARSE(app, argc, argv);

  try {
    const standin::ApiServerAccess hub = o.hub.Resolve();
    Standin standin(hub, o);
    return standin::RunPollLoop(
        "ack-eks-standin: reconciling PodIdentityAssociations on " + hub.server,
        std::chrono::milliseconds(o.interval_ms), [&] { standin.RunOnce(); });
  } catch (const std::exception& e) {
    std::cerr << "ack-eks-standin: " << e.what() << std::endl;
    return 1;
  }
}
