// Loading kubeconfig files (YAML, kind Config, v1) into a RestConfig, with client-go's rules for
// a KUBECONFIG list: which files are read, how they merge, and how relative paths resolve. Owns
// parsing and validation only; it opens no connection. Every error names the file and the
// context, cluster or user involved, and never contains a token, key or certificate.
//
// Supported: cluster server, certificate-authority(-data), tls-server-name,
// insecure-skip-tls-verify, proxy-url and the client.authentication.k8s.io/exec extension; user
// token, tokenFile (re-read on change), client-certificate(-data), client-key(-data) and exec
// plugins. Refused with a kConfiguration error rather than silently ignored: username/password,
// auth-provider and impersonation. Ignored: context namespaces, preferences, extensions other
// than the exec one.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "kube/rest_config.h"

namespace awio::kube {

struct KubeconfigOptions {
  // Files in precedence order. When empty: the KUBECONFIG variable split on ':', or else
  // $HOME/.kube/config. A single path given here must exist (like kubectl's --kubeconfig); in a
  // longer list, and in a KUBECONFIG list, files that do not exist are skipped.
  std::vector<std::string> paths;
  // Context to use instead of current-context; empty: current-context.
  std::string context;
  // Environment lookup for KUBECONFIG and HOME; empty: getenv. Tests inject their own.
  std::function<std::optional<std::string>(const std::string&)> lookup_env;
};

// Loads and merges the files, selects the context and builds its RestConfig. Merge rules (as
// client-go): for clusters, users and contexts the first file that defines a name wins;
// current-context comes from the first file that sets it. Relative file paths (certificate
// files, tokenFile, an exec command containing a slash) resolve against the directory of the
// file that defined the entry. RestConfig::source reads `kubeconfig "<file>" context "<name>"`.
// Errors are kConfiguration.
Result<RestConfig> LoadKubeconfig(const KubeconfigOptions& options);

}  // namespace awio::kube
