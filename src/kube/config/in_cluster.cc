// Implementation of in-cluster configuration (in_cluster.h).
#include "kube/config/in_cluster.h"

#include <memory>
#include <utility>

#include "kube/config/config_support.h"
#include "kube/config/token_file_source.h"

namespace awio::kube {
namespace {

using config_internal::Quote;

constexpr char kHostVariable[] = "KUBERNETES_SERVICE_HOST";
constexpr char kPortVariable[] = "KUBERNETES_SERVICE_PORT";

Error ConfigError(std::string message) {
  return MakeError(ErrorCode::kConfiguration, "in-cluster config: " + std::move(message));
}

// host:port as a URL authority; an IPv6 literal gets brackets unless it already has them.
std::string JoinHostPort(const std::string& host, const std::string& port) {
  const bool needs_brackets = host.find(':') != std::string::npos && host.front() != '[';
  return (needs_brackets ? "[" + host + "]" : host) + ":" + port;
}

}  // namespace

Result<RestConfig> InClusterConfig(const InClusterOptions& options) {
  const auto host = config_internal::LookupEnv(options.lookup_env, kHostVariable);
  const auto port = config_internal::LookupEnv(options.lookup_env, kPortVariable);
  const bool host_missing = !host || host->empty();
  const bool port_missing = !port || port->empty();
  if (host_missing || port_missing) {
    std::string missing = host_missing && port_missing
                              ? std::string(kHostVariable) + " and " + kPortVariable + " are"
                          : host_missing ? std::string(kHostVariable) + " is"
                                         : std::string(kPortVariable) + " is";
    return ConfigError("not running in a cluster: " + missing + " not set");
  }

  const std::string root = options.root.empty() ? std::string(kServiceAccountDir) : options.root;
  const std::string ca_path = root + "/ca.crt";
  auto ca = config_internal::ReadWholeFile(ca_path);
  if (!ca.ok()) {
    return ConfigError("CA file " + Quote(ca_path) + " cannot be read: " + ca.error().message);
  }
  if (ca->empty()) return ConfigError("CA file " + Quote(ca_path) + " is empty");

  auto token = std::make_shared<TokenFileSource>(root + "/token");
  auto first = token->Current();
  if (!first.ok()) return ConfigError(first.error().message);

  RestConfig config;
  config.server = "https://" + JoinHostPort(*host, *port);
  config.ca_pem = std::move(*ca);
  config.credentials = std::move(token);
  config.source = "in-cluster service account " + Quote(root);
  return config;
}

}  // namespace awio::kube
