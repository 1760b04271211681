// Implementation of ExecCredentialSource (exec_credential.h): building KUBERNETES_EXEC_INFO,
// running the plugin through exec_process.h, validating its ExecCredential, caching, and the
// process-wide sharing table.
#include "kube/config/exec_credential.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/encoding.h"
#include "base/time.h"
#include "kube/config/config_support.h"
#include "kube/config/exec_process.h"

namespace awio::kube {
namespace {

using config_internal::Quote;
using OrderedJson = nlohmann::ordered_json;

constexpr char kExecInfoVariable[] = "KUBERNETES_EXEC_INFO";

// Tokens and certificate chains are a few kilobytes; a plugin printing megabytes is broken.
constexpr size_t kMaxPluginOutputBytes = 4u << 20;

// Serializes without throwing: invalid UTF-8 in a configured string is replaced, not fatal.
std::string Dump(const OrderedJson& value) {
  return value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

// True when the PEM certificate and PEM private key parse and belong together. Encrypted keys
// are refused rather than prompting for a passphrase on the terminal.
bool IsValidKeyPair(const std::string& cert_pem, const std::string& key_pem) {
  if (cert_pem.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      key_pem.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return false;
  }
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };

  BIO* cert_bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  BIO* key_bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  X509* cert = cert_bio ? PEM_read_bio_X509(cert_bio, nullptr, no_passphrase, nullptr) : nullptr;
  EVP_PKEY* key =
      key_bio ? PEM_read_bio_PrivateKey(key_bio, nullptr, no_passphrase, nullptr) : nullptr;
  const bool valid = cert != nullptr && key != nullptr && X509_check_private_key(cert, key) == 1;

  EVP_PKEY_free(key);
  X509_free(cert);
  BIO_free(key_bio);
  BIO_free(cert_bio);
  ERR_clear_error();
  return valid;
}

// The KUBERNETES_EXEC_INFO document: an ExecCredential whose spec says the session is not
// interactive and, when asked for, describes the cluster. Field order follows client-go.
OrderedJson BuildExecInfo(const ExecConfig& config, const ExecClusterInfo& cluster,
                          const OrderedJson& cluster_config) {
  OrderedJson spec = OrderedJson::object();
  if (config.provide_cluster_info) {
    OrderedJson described = OrderedJson::object();
    described["server"] = cluster.server;
    if (!cluster.tls_server_name.empty()) described["tls-server-name"] = cluster.tls_server_name;
    if (cluster.insecure_skip_tls_verify) described["insecure-skip-tls-verify"] = true;
    if (!cluster.ca_pem.empty()) {
      described["certificate-authority-data"] = base::Base64Encode(cluster.ca_pem);
    }
    if (!cluster.proxy_url.empty()) described["proxy-url"] = cluster.proxy_url;
    if (!cluster_config.is_null()) described["config"] = cluster_config;
    spec["cluster"] = std::move(described);
  }
  spec["interactive"] = false;

  OrderedJson info = OrderedJson::object();
  info["kind"] = "ExecCredential";
  info["apiVersion"] = config.api_version;
  info["spec"] = std::move(spec);
  return info;
}

}  // namespace

Result<std::shared_ptr<ExecCredentialSource>> ExecCredentialSource::Create(
    ExecConfig config, ExecClusterInfo cluster, ExecCredentialOptions options) {
  if (config.api_version != kExecApiVersionV1 && config.api_version != kExecApiVersionV1Beta1) {
    return MakeError(ErrorCode::kConfiguration,
                     "exec plugin: invalid apiVersion " + Quote(config.api_version));
  }
  if (config.command.empty()) {
    return MakeError(ErrorCode::kConfiguration, "exec plugin: command must be specified");
  }
  const std::string prefix = "exec plugin " + config.command + ": ";
  for (const auto& [name, value] : config.env) {
    if (name.empty() || name.find('=') != std::string::npos) {
      return MakeError(ErrorCode::kConfiguration,
                       prefix + "invalid environment variable name " + Quote(name));
    }
  }

  OrderedJson cluster_config;  // null: none
  if (!config.cluster_config_json.empty()) {
    cluster_config = OrderedJson::parse(config.cluster_config_json, nullptr, false);
    if (cluster_config.is_discarded()) {
      return MakeError(ErrorCode::kConfiguration, prefix + "cluster config is not valid JSON");
    }
  }

  std::string exec_info = Dump(BuildExecInfo(config, cluster, cluster_config));
  return std::shared_ptr<ExecCredentialSource>(new ExecCredentialSource(
      std::move(config), std::move(cluster), std::move(options), std::move(exec_info)));
}

ExecCredentialSource::ExecCredentialSource(ExecConfig config, ExecClusterInfo cluster,
                                           ExecCredentialOptions options, std::string exec_info)
    : config_(std::move(config)),
      cluster_(std::move(cluster)),
      options_(std::move(options)),
      exec_info_(std::move(exec_info)) {}

Result<Credential> ExecCredentialSource::Current() {
  std::lock_guard run_lock(run_mutex_);
  {
    std::lock_guard state_lock(state_mutex_);
    // client-go reuses a credential until the clock is strictly after its expiry; it never
    // refreshes early.
    if (cached_ && !(cached_->expiry && Now() > *cached_->expiry)) return *cached_;
  }

  Result<Credential> fresh = Run();
  if (!fresh.ok()) return fresh;
  std::lock_guard state_lock(state_mutex_);
  cached_ = *fresh;
  return fresh;
}

void ExecCredentialSource::Invalidate(const Credential& used) {
  std::lock_guard state_lock(state_mutex_);
  if (cached_ && *cached_ == used) cached_.reset();
}

std::string ExecCredentialSource::Describe() const { return "exec plugin " + config_.command; }

std::chrono::system_clock::time_point ExecCredentialSource::Now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

Result<Credential> ExecCredentialSource::Run() const {
  using config_internal::ProcessOutcome;
  const std::string& command = config_.command;
  const auto not_found = [&] {
    std::string message = "exec: executable " + command + " not found";
    if (!config_.install_hint.empty()) message += "; " + config_.install_hint;
    return MakeError(ErrorCode::kConfiguration, std::move(message));
  };

  const auto executable = config_internal::FindExecutable(
      command, config_internal::LookupEnv(nullptr, "PATH").value_or(""));
  if (!executable) return not_found();

  config_internal::ProcessRequest request{.executable = *executable,
                                          .timeout = options_.timeout,
                                          .max_stdout_bytes = kMaxPluginOutputBytes};
  request.argv.push_back(command);
  request.argv.insert(request.argv.end(), config_.args.begin(), config_.args.end());
  request.env = config_internal::ProcessEnvironment();
  for (const auto& [name, value] : config_.env) config_internal::SetEnv(request.env, name, value);
  config_internal::SetEnv(request.env, kExecInfoVariable, exec_info_);

  auto outcome = config_internal::RunProcess(request);
  if (!outcome.ok()) {
    const Error& error = outcome.error();
    if (error.code == ErrorCode::kNotFound) return not_found();
    if (error.code == ErrorCode::kConfiguration) {
      return MakeError(ErrorCode::kConfiguration,
                       "exec: executable " + command + " cannot be run: " + error.message);
    }
    return MakeError(ErrorCode::kInternal,
                     "exec: running executable " + command + ": " + error.message);
  }

  switch (outcome->ending) {
    case ProcessOutcome::Ending::kExited:
      if (outcome->exit_code != 0) {
        return MakeError(ErrorCode::kUnavailable, "exec: executable " + command +
                                                      " failed with exit code " +
                                                      std::to_string(outcome->exit_code));
      }
      return ParseOutput(outcome->stdout_data);
    case ProcessOutcome::Ending::kSignaled:
      // Go reports a signal death as exit code -1; the signal number is added for operators.
      return MakeError(ErrorCode::kUnavailable, "exec: executable " + command +
                                                    " failed with exit code -1 (signal " +
                                                    std::to_string(outcome->signal) + ")");
    case ProcessOutcome::Ending::kTimedOut:
      return MakeError(ErrorCode::kUnavailable,
                       "exec: executable " + command + " did not finish within " +
                           std::to_string(options_.timeout.count()) + "ms and was killed");
    case ProcessOutcome::Ending::kOutputTooLarge:
      return MakeError(ErrorCode::kConfiguration,
                       "exec plugin " + command + ": output is larger than " +
                           std::to_string(kMaxPluginOutputBytes) + " bytes");
  }
  return MakeError(ErrorCode::kInternal, "exec: executable " + command + ": unknown outcome");
}

Result<Credential> ExecCredentialSource::ParseOutput(const std::string& output) const {
  const std::string prefix = "exec plugin " + config_.command + ": ";
  const auto invalid = [&](const std::string& problem) {
    return MakeError(ErrorCode::kConfiguration, prefix + problem);
  };

  const nlohmann::json document = nlohmann::json::parse(output, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return invalid("output is not an ExecCredential JSON object");
  }

  const auto string_member = [](const nlohmann::json& object,
                                const char* key) -> std::optional<std::string> {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::string();
    if (!it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };

  const auto kind = string_member(document, "kind");
  if (!kind || *kind != "ExecCredential") return invalid("output kind is not ExecCredential");
  const auto api_version = string_member(document, "apiVersion");
  if (!api_version || *api_version != config_.api_version) {
    return invalid("configured to use API version " + config_.api_version +
                   ", plugin returned version " + (api_version ? *api_version : "(not a string)"));
  }

  const auto status_it = document.find("status");
  if (status_it == document.end() || status_it->is_null()) {
    return invalid("plugin didn't return a status field");
  }
  if (!status_it->is_object()) return invalid("status is not an object");
  const nlohmann::json& status = *status_it;

  const auto token = string_member(status, "token");
  const auto cert = string_member(status, "clientCertificateData");
  const auto key = string_member(status, "clientKeyData");
  if (!token) return invalid("status.token is not a string");
  if (!cert) return invalid("status.clientCertificateData is not a string");
  if (!key) return invalid("status.clientKeyData is not a string");
  if (!cert->empty() && key->empty()) {
    return invalid("plugin returned clientCertificateData without clientKeyData");
  }
  if (cert->empty() && !key->empty()) {
    return invalid("plugin returned clientKeyData without clientCertificateData");
  }
  if (token->empty() && cert->empty()) {
    return invalid("plugin didn't return a token or cert/key pair");
  }
  if (!cert->empty() && !IsValidKeyPair(*cert, *key)) {
    return invalid("plugin returned a client certificate and key that do not form a valid pair");
  }

  Credential credential{.token = *token, .client_cert_pem = *cert, .client_key_pem = *key};
  const auto expiration = string_member(status, "expirationTimestamp");
  if (!expiration) return invalid("status.expirationTimestamp is not a string");
  if (!expiration->empty()) {
    credential.expiry = base::ParseRfc3339(*expiration);
    if (!credential.expiry) {
      return invalid("status.expirationTimestamp " + Quote(*expiration) +
                     " is not an RFC 3339 time");
    }
  }
  return credential;
}

Result<std::shared_ptr<ExecCredentialSource>> SharedExecCredentialSource(
    const ExecConfig& config, const ExecClusterInfo& cluster) {
  // Without provide_cluster_info nothing about the cluster reaches the plugin, so it must not
  // split the key either.
  ExecConfig effective_config = config;
  ExecClusterInfo effective_cluster = cluster;
  if (!config.provide_cluster_info) {
    effective_config.cluster_config_json.clear();
    effective_cluster = ExecClusterInfo{};
  }

  OrderedJson key = OrderedJson::object();
  key["apiVersion"] = effective_config.api_version;
  key["command"] = effective_config.command;
  key["args"] = effective_config.args;
  OrderedJson env = OrderedJson::array();
  for (const auto& [name, value] : effective_config.env) env.push_back({name, value});
  key["env"] = std::move(env);
  key["provideClusterInfo"] = effective_config.provide_cluster_info;
  key["config"] = effective_config.cluster_config_json;
  key["installHint"] = effective_config.install_hint;
  key["server"] = effective_cluster.server;
  key["ca"] = effective_cluster.ca_pem;
  key["tlsServerName"] = effective_cluster.tls_server_name;
  key["insecure"] = effective_cluster.insecure_skip_tls_verify;
  key["proxyUrl"] = effective_cluster.proxy_url;
  const std::string cache_key = Dump(key);

  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<ExecCredentialSource>> sources;
  std::lock_guard lock(mutex);
  if (auto it = sources.find(cache_key); it != sources.end()) {
    if (auto existing = it->second.lock()) return existing;
  }
  std::erase_if(sources, [](const auto& entry) { return entry.second.expired(); });

  auto created =
      ExecCredentialSource::Create(std::move(effective_config), std::move(effective_cluster));
  if (!created.ok()) return created;
  sources[cache_key] = *created;
  return created;
}

}  // namespace awio::kube
