// Plumbing shared by the STAND-IN programs of the local environment (awio-ack-eks-standin,
// awio-ack-s3-standin, awio-workload-standin): administrator access to one API server from flags
// or a kubeconfig, JSON requests to it, timestamped log lines, the poll loop that runs until
// SIGINT or SIGTERM, finalizer patches and ACK's status conditions. The stand-ins play parts that
// cannot run here (docs/development/local-environment.md); they are test tooling only. This file
// must not depend on src/kube/ or src/aws/, the code the stand-ins help test.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "http.h"

namespace awio::testenv::standin {

using Json = nlohmann::json;

inline constexpr std::string_view kMergePatch = "application/merge-patch+json";

// How to reach one API server as an administrator. Credentials are files or in-memory PEM
// (a kubeconfig's *-data fields); see HttpRequest.
struct ApiServerAccess {
  std::string server;  // https://127.0.0.1:<port>
  std::string ca_file, client_cert_file, client_key_file;
  std::string ca_pem, client_cert_pem, client_key_pem;
  std::string bearer_token;

  // The current context of a kubeconfig: server, CA, and a client certificate and key or a
  // token, inline or as paths relative to the kubeconfig. Throws std::runtime_error naming the
  // file and the missing part.
  static ApiServerAccess FromKubeconfig(const std::filesystem::path& path);

  // A JSON request to `path`; `body` is sent as `content_type` when it is not null.
  HttpResponse Request(const std::string& method, const std::string& path,
                       const Json& body = nullptr,
                       std::string_view content_type = kMergePatch) const;
};

// Command-line options naming the API server: --kubeconfig, or --server with --ca-file,
// --client-cert and --client-key (what the launcher has for each cluster).
struct ApiServerOptions {
  std::filesystem::path kubeconfig;
  ApiServerAccess direct;

  void Register(CLI::App& app);
  // The access the options name; throws std::runtime_error when they name none.
  ApiServerAccess Resolve() const;
};

// "<RFC 3339 UTC time>".
std::string UtcNow();
// Writes "<time> <line>" to stderr (the launcher sends it to the stand-in's log file).
void Log(const std::string& line);

// Logs `banner` (the launcher waits for it in the log), then calls `pass` every `interval` until
// SIGINT or SIGTERM. An exception from a pass is logged and the loop goes on: the next pass
// retries, as a controller would. Returns the process exit status.
int RunPollLoop(const std::string& banner, std::chrono::milliseconds interval,
                const std::function<void()>& pass);

// "<namespace>/<name>" of an object, for log lines and messages.
std::string ObjectKey(const Json& object);
// The body of an error response as the API server or AWS worded it, or the transport error.
std::string ResponseText(const HttpResponse& response);

bool HasFinalizer(const Json& object, std::string_view finalizer);
// A merge patch that adds or removes `finalizer`, guarded by the object's resourceVersion so a
// concurrent change makes it fail (409) instead of overwriting another writer's list.
Json AddFinalizerPatch(const Json& object, std::string_view finalizer);
Json RemoveFinalizerPatch(const Json& object, std::string_view finalizer);

// ACK's condition list for a status: ACK.ResourceSynced True, or False together with
// ACK.Recoverable True whose message is `error_message`. lastTransitionTime is carried over from
// `current_status` when a condition keeps its status, so an unchanged outcome compares equal and
// is not written again.
Json AckConditions(const Json& current_status, bool synced, const std::string& error_message);

}  // namespace awio::testenv::standin
