// In-cluster configuration: the API server address from the KUBERNETES_SERVICE_HOST/PORT
// variables the kubelet sets, the CA bundle and the rotating ServiceAccount token from the
// projected volume. Owns reading and validating those inputs only. Every error names the missing
// variable or file; the token never appears in a message.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/error.h"
#include "kube/rest_config.h"

namespace awio::kube {

// Where the kubelet mounts a Pod's ServiceAccount credentials.
inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

struct InClusterOptions {
  // Directory holding `token` and `ca.crt`.
  std::string root = kServiceAccountDir;
  // Environment lookup for KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT; empty: getenv.
  std::function<std::optional<std::string>(const std::string&)> lookup_env;
};

// Builds the configuration of the Pod this process runs in: server `https://<host>:<port>`
// (an IPv6 host is bracketed), CA from `<root>/ca.crt`, credentials from a TokenFileSource on
// `<root>/token` (re-read when the kubelet rotates it; read once here so a missing token fails
// now). RestConfig::source reads `in-cluster service account "<root>"`. Errors are
// kConfiguration.
Result<RestConfig> InClusterConfig(const InClusterOptions& options = {});

}  // namespace awio::kube
