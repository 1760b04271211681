// How to reach one Kubernetes API server: the endpoint, TLS material, credentials, and client
// limits. Produced by the configuration loaders (kubeconfig.h, in_cluster.h, access_provider.h)
// and consumed by the transport (transport.h). Holds secrets in memory: never log a RestConfig;
// log Describe() instead.
//
// Part of our own Kubernetes client: no Debian package provides one for C++.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"

namespace awio::kube {

// Credentials for one request: a bearer token, a client certificate, or both.
struct Credential {
  std::string token;
  std::string client_cert_pem;
  std::string client_key_pem;
  // When the issuer said the credential stops working; nullopt: no known expiry.
  std::optional<std::chrono::system_clock::time_point> expiry;

  bool operator==(const Credential&) const = default;
};

// A source of credentials that can change over time (a rotating token file, an exec plugin).
// Implementations are thread-safe: the transport calls them from its I/O thread and from
// callers' threads.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // The credential to use now. May block (an exec plugin runs here); never called on the
  // transport's I/O thread.
  virtual Result<Credential> Current() = 0;
  // The server answered 401 to a request made with `used`: drop it if it is still current,
  // so that the next Current() obtains a fresh one.
  virtual void Invalidate(const Credential& used) = 0;
  // Where the credential comes from, for messages ("exec plugin /usr/bin/x").
  virtual std::string Describe() const = 0;
};

// The exec credential plugin settings of a kubeconfig user or an access provider
// (client.authentication.k8s.io/v1 or v1beta1).
struct ExecConfig {
  std::string api_version;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  bool provide_cluster_info = false;
  std::string cluster_config_json;  // raw JSON for spec.cluster.config; empty: none
  std::string install_hint;
};

struct RestConfig {
  std::string server;  // "https://host:port" with an optional path prefix
  std::string ca_pem;  // trusted CAs; empty: the system roots
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string proxy_url;  // empty: no proxy (environment proxies are not consulted)

  // Static credentials; a `credentials` source, when set, takes precedence.
  std::string bearer_token;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::shared_ptr<CredentialSource> credentials;

  double qps = 0;  // client-side rate limit; 0: unlimited
  int burst = 0;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};  // non-streaming requests
  std::string user_agent;                             // empty: "aws-workload-identity-operator/<v>"

  // Where this configuration came from, e.g. `kubeconfig "/x/config" context "hub"`. Used in
  // error messages; contains no secret.
  std::string source;

  std::string Describe() const { return server + " (" + source + ")"; }
};

}  // namespace awio::kube
