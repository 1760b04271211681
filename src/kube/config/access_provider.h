// The Cluster Inventory access-provider file (`--clusterprofile-provider-file`) and the building
// of a RestConfig for a ClusterProfile from it (spec inventory-and-remote-irsa.md §1.2 and §1.3,
// pinned to cluster-inventory-api v0.1.0). Owns parsing and the selection/extension rules only;
// finding the ClusterProfile, and deciding when to rebuild, belong to the inventory layer.
// Credentials always come from an exec plugin (exec_credential.h), run lazily on first use.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "kube/rest_config.h"

namespace awio::kube {

// Extension names a ClusterProfile access provider may carry (KEP 5339 and SIG Auth).
inline constexpr char kAdditionalArgsExtension[] =
    "clusterprofiles.multicluster.x-k8s.io/exec/additional-args";
inline constexpr char kAdditionalEnvsExtension[] =
    "clusterprofiles.multicluster.x-k8s.io/exec/additional-envs";
inline constexpr char kExecClusterConfigExtension[] = "client.authentication.k8s.io/exec";

// One entry of the provider file. Policies are kept as written: unknown values are an error
// only when a ClusterProfile actually carries the matching extension (as upstream).
struct AccessProvider {
  std::string name;
  std::optional<ExecConfig> exec_config;  // nullopt: `execConfig` missing or null
  // Accepted from the file but never used: the built config always runs the plugin
  // non-interactively.
  std::string interactive_mode;
  std::string cli_args_policy;  // profileSourcedCLIArgsPolicy: "", Ignore, Append
  std::string
      env_vars_policy;  // profileSourcedEnvVarsPolicy: "", Ignore, AppendIfNotExists, Replace
};

// Parses the provider file's JSON with Go encoding/json rules: member names match
// case-insensitively, unknown members are ignored, a missing or null `providers` gives an empty
// list, a wrongly typed member is an error. YAML is not accepted. Errors (kConfiguration) begin
// `failed to unmarshal access providers:`.
Result<std::vector<AccessProvider>> ParseAccessProviders(std::string_view json_text);

// Reads and parses the file. A read failure gives `failed to read access config file: open
// <path>: <reason>`.
Result<std::vector<AccessProvider>> LoadAccessProviderFile(const std::string& path);

// What ConfigFromClusterProfile derives from a ClusterProfile before creating the credential
// source; exposed so callers can compare two builds field by field.
struct ClusterProfileAccess {
  std::string provider;  // the selected access provider's name
  std::string server;    // cluster.server, verbatim
  std::string ca_pem;    // decoded cluster.certificate-authority-data; empty: system roots
  std::string proxy_url;
  // The plugin configuration after the profile's extensions were applied: no install hint,
  // cluster_config_json from the client.authentication.k8s.io/exec extension. Environment
  // variables rebuilt by an env policy are sorted by name (upstream leaves the order random).
  ExecConfig exec;
};

// Steps 1-4 of §1.3: collect the profile's entries (status.credentialProviders first when
// `include_credential_providers`, then status.accessProviders, same name overwrites), select the
// first provider of `providers` present, take its exec config and apply the additional-args and
// additional-envs extensions under the provider's policies. `cluster_profile` is the
// ClusterProfile object as JSON. Errors are kConfiguration and keep upstream's texts:
// `no matching cluster accessor found for cluster profile "<name>"`,
// `no exec config found for provider "<name>"`, `unsupported ProfileSourcedCLIArgsPolicy: "<v>"`,
// `unsupported ProfileSourcedEnvVarsPolicy: "<v>"`, `failed to unmarshal additional CLI args
// extension: ...`, `failed to unmarshal additional env vars extension: ...`; the latter four are
// followed by the profile and provider in parentheses.
Result<ClusterProfileAccess> ResolveClusterProfileAccess(
    const std::vector<AccessProvider>& providers, const nlohmann::json& cluster_profile,
    bool include_credential_providers);

// All of §1.3: ResolveClusterProfileAccess, then a RestConfig with the server, CA and proxy URL
// of the selected entry (TLS verification on; tls-server-name and insecure-skip-tls-verify
// ignored) and credentials from the process-wide ExecCredentialSource for that plugin and
// cluster (the plugin is not run here). An invalid exec apiVersion fails here with
// `exec plugin: invalid apiVersion "<v>"`. RestConfig::source reads
// `cluster profile "<namespace>/<name>" access provider "<provider>"`.
Result<RestConfig> ConfigFromClusterProfile(const std::vector<AccessProvider>& providers,
                                            const nlohmann::json& cluster_profile,
                                            bool include_credential_providers);

}  // namespace awio::kube
