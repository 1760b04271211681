// Exec credential plugins (client.authentication.k8s.io v1 and v1beta1) with client-go's
// semantics: how the plugin is started, what it receives in KUBERNETES_EXEC_INFO, how its
// ExecCredential output is validated, and how the credential is cached, invalidated and shared
// across clusters (spec inventory-and-remote-irsa.md §1.4). Owns the plugin run only; attaching
// the credential to requests and closing connections on a new certificate belong to the
// transport. Never puts a token, key or certificate in a message.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "kube/rest_config.h"

namespace awio::kube {

// The two ExecCredential versions a plugin may be configured with.
inline constexpr std::string_view kExecApiVersionV1 = "client.authentication.k8s.io/v1";
inline constexpr std::string_view kExecApiVersionV1Beta1 = "client.authentication.k8s.io/v1beta1";

// client-go gives a plugin no deadline; one minute bounds a hung plugin without cutting off a
// slow token exchange.
inline constexpr std::chrono::milliseconds kDefaultExecTimeout{60'000};

// The cluster a plugin obtains credentials for. Sent in KUBERNETES_EXEC_INFO spec.cluster only
// when the exec config sets provide_cluster_info.
struct ExecClusterInfo {
  std::string server;
  std::string ca_pem;  // sent base64-encoded as certificate-authority-data
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string proxy_url;

  bool operator==(const ExecClusterInfo&) const = default;
};

struct ExecCredentialOptions {
  // The plugin is killed (with its process group) when it runs longer.
  std::chrono::milliseconds timeout = kDefaultExecTimeout;
  // Decides whether a cached credential has expired; empty: system_clock::now.
  std::function<std::chrono::system_clock::time_point()> clock;
};

// A CredentialSource that runs an exec plugin when it has no valid credential. Thread-safe:
// plugin runs are serialized per source, and Invalidate() never waits for a running plugin.
class ExecCredentialSource final : public CredentialSource {
 public:
  // Validates the configuration: the apiVersion (other values give
  // `exec plugin: invalid apiVersion "<v>"`), a non-empty command, and cluster_config_json being
  // JSON. All failures are kConfiguration. Does not run the plugin.
  static Result<std::shared_ptr<ExecCredentialSource>> Create(ExecConfig config,
                                                              ExecClusterInfo cluster,
                                                              ExecCredentialOptions options = {});

  // The cached credential while its expirationTimestamp is not in the past (forever without
  // one); otherwise runs the plugin. Errors: `exec: executable <cmd> not found` (kConfiguration),
  // `exec: executable <cmd> failed with exit code <n>` (kUnavailable), a timeout (kUnavailable),
  // or invalid output (kConfiguration, naming the plugin and the problem).
  Result<Credential> Current() override;

  // Drops the cached credential if it equals `used`, so the next Current() runs the plugin.
  void Invalidate(const Credential& used) override;

  // `exec plugin <command>`.
  std::string Describe() const override;

  const ExecConfig& config() const { return config_; }
  const ExecClusterInfo& cluster() const { return cluster_; }
  // The KUBERNETES_EXEC_INFO value the plugin receives (an ExecCredential in JSON).
  const std::string& exec_info() const { return exec_info_; }

 private:
  ExecCredentialSource(ExecConfig config, ExecClusterInfo cluster, ExecCredentialOptions options,
                       std::string exec_info);

  Result<Credential> Run() const;
  Result<Credential> ParseOutput(const std::string& output) const;
  std::chrono::system_clock::time_point Now() const;

  const ExecConfig config_;
  const ExecClusterInfo cluster_;
  const ExecCredentialOptions options_;
  const std::string exec_info_;

  std::mutex run_mutex_;    // held for a whole plugin run: one run at a time
  std::mutex state_mutex_;  // guards cached_ only; never held while the plugin runs
  std::optional<Credential> cached_;
};

// One source per distinct (exec config, cluster info) for the whole process, as client-go caches
// its authenticators: callers with identical settings share one credential and one plugin run.
// When provide_cluster_info is false the cluster info (and cluster_config_json, which only
// travels inside it) is not part of the key, so identical plugins for different clusters share.
// A source lives as long as some caller holds it. Errors are those of Create().
Result<std::shared_ptr<ExecCredentialSource>> SharedExecCredentialSource(
    const ExecConfig& config, const ExecClusterInfo& cluster);

}  // namespace awio::kube
