// Implementation of the access-provider file and ClusterProfile config building
// (access_provider.h). The file decoder reproduces the parts of Go's encoding/json that decide
// whether a file is accepted: case-insensitive member names, null leaving a field untouched, and
// type mismatches being errors.
#include "kube/config/access_provider.h"

#include <cctype>
#include <map>
#include <utility>

#include "base/encoding.h"
#include "kube/config/config_support.h"
#include "kube/config/exec_credential.h"

namespace awio::kube {
namespace {

using config_internal::Quote;
using OrderedJson = nlohmann::ordered_json;

// client-go's defaults for a rest.Config that sets no limits; upstream builds remote-cluster
// configs without setting them (spec §14.10).
constexpr double kRemoteClusterQps = 5;
constexpr int kRemoteClusterBurst = 10;

Error ConfigError(std::string message) {
  return MakeError(ErrorCode::kConfiguration, std::move(message));
}

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Go's name for a JSON value's kind in "cannot unmarshal" messages.
std::string GoKind(const OrderedJson& value) {
  if (value.is_boolean()) return "bool";
  if (value.is_number()) return "number";
  if (value.is_string()) return "string";
  if (value.is_array()) return "array";
  if (value.is_object()) return "object";
  return "null";
}

// Decodes into existing values the way encoding/json does; keeps the first error.
class GoJsonDecoder {
 public:
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  void String(const OrderedJson& value, std::string& out, const std::string& field) {
    if (!ok() || value.is_null()) return;
    if (!value.is_string()) return Fail(value, field, "string");
    out = value.get<std::string>();
  }

  void Bool(const OrderedJson& value, bool& out, const std::string& field) {
    if (!ok() || value.is_null()) return;
    if (!value.is_boolean()) return Fail(value, field, "bool");
    out = value.get<bool>();
  }

  void StringList(const OrderedJson& value, std::vector<std::string>& out,
                  const std::string& field) {
    if (!ok()) return;
    if (value.is_null()) {
      out.clear();
      return;
    }
    if (!value.is_array()) return Fail(value, field, "[]string");
    out.assign(value.size(), std::string());
    for (size_t i = 0; i < value.size() && ok(); ++i) String(value[i], out[i], field);
  }

  // Calls `member(key, value)` for each member of an object, in document order. A null value
  // leaves the target untouched; any other non-object is an error.
  template <typename Member>
  void Object(const OrderedJson& value, const std::string& field, const char* type,
              Member&& member) {
    if (!ok() || value.is_null()) return;
    if (!value.is_object()) return Fail(value, field, type);
    for (const auto& [key, item] : value.items()) {
      member(key, item);
      if (!ok()) return;
    }
  }

  void Fail(const OrderedJson& value, const std::string& field, const char* type) {
    if (!ok()) return;
    error_ = "json: cannot unmarshal " + GoKind(value) + " into Go struct field " + field +
             " of type " + type;
  }

 private:
  std::string error_;
};

void DecodeExecConfig(GoJsonDecoder& decoder, const OrderedJson& value, ExecConfig& config,
                      std::string& interactive_mode) {
  bool stdin_unavailable = false;  // type-checked like upstream, then dropped
  std::string stdin_unavailable_message;
  decoder.Object(value, "Provider.providers.execConfig", "api.ExecConfig",
                 [&](const auto& key, const auto& item) {
                   const std::string field = "Provider.providers.execConfig." + key;
                   if (EqualFold(key, "command")) {
                     decoder.String(item, config.command, field);
                   } else if (EqualFold(key, "args")) {
                     decoder.StringList(item, config.args, field);
                   } else if (EqualFold(key, "env")) {
                     if (item.is_null()) {
                       config.env.clear();
                       return;
                     }
                     if (!item.is_array()) return decoder.Fail(item, field, "[]api.ExecEnvVar");
                     config.env.assign(item.size(), {});
                     for (size_t i = 0; i < item.size() && decoder.ok(); ++i) {
                       auto& variable = config.env[i];
                       decoder.Object(item[i], field, "api.ExecEnvVar",
                                      [&](const auto& env_key, const auto& env_item) {
                                        if (EqualFold(env_key, "name")) {
                                          decoder.String(env_item, variable.first, field + ".name");
                                        } else if (EqualFold(env_key, "value")) {
                                          decoder.String(env_item, variable.second,
                                                         field + ".value");
                                        }
                                      });
                     }
                   } else if (EqualFold(key, "apiVersion")) {
                     decoder.String(item, config.api_version, field);
                   } else if (EqualFold(key, "installHint")) {
                     decoder.String(item, config.install_hint, field);
                   } else if (EqualFold(key, "provideClusterInfo")) {
                     decoder.Bool(item, config.provide_cluster_info, field);
                   } else if (EqualFold(key, "interactiveMode")) {
                     decoder.String(item, interactive_mode, field);
                   } else if (EqualFold(key, "stdinUnavailable")) {
                     decoder.Bool(item, stdin_unavailable, field);
                   } else if (EqualFold(key, "stdinUnavailableMessage")) {
                     decoder.String(item, stdin_unavailable_message, field);
                   }
                 });
}

void DecodeProvider(GoJsonDecoder& decoder, const OrderedJson& value, AccessProvider& provider) {
  decoder.Object(
      value, "Config.providers", "access.Provider", [&](const auto& key, const auto& item) {
        const std::string field = "Provider.providers." + key;
        if (EqualFold(key, "name")) {
          decoder.String(item, provider.name, field);
        } else if (EqualFold(key, "execConfig")) {
          if (item.is_null()) {
            provider.exec_config.reset();
            return;
          }
          if (!provider.exec_config) provider.exec_config.emplace();
          DecodeExecConfig(decoder, item, *provider.exec_config, provider.interactive_mode);
        } else if (EqualFold(key, "profileSourcedCLIArgsPolicy")) {
          decoder.String(item, provider.cli_args_policy, field);
        } else if (EqualFold(key, "profileSourcedEnvVarsPolicy")) {
          decoder.String(item, provider.env_vars_policy, field);
        }
      });
}

// The text of a scalar the way a YAML decoder hands it to a string: strings as they are, numbers
// and booleans as written, null as empty. nullopt for arrays and objects.
std::optional<std::string> ScalarText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return std::string();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return std::nullopt;
}

Result<std::vector<std::string>> DecodeAdditionalArgs(const nlohmann::json& value) {
  std::vector<std::string> args;
  if (value.is_null()) return args;
  if (!value.is_array()) return ConfigError("the value is not a list of strings");
  for (size_t i = 0; i < value.size(); ++i) {
    auto text = ScalarText(value[i]);
    if (!text) return ConfigError("item " + std::to_string(i) + " is not a string");
    args.push_back(std::move(*text));
  }
  return args;
}

Result<std::map<std::string, std::string>> DecodeAdditionalEnvs(const nlohmann::json& value) {
  std::map<std::string, std::string> envs;
  if (value.is_null()) return envs;
  if (!value.is_object()) return ConfigError("the value is not a map of strings");
  for (const auto& [name, item] : value.items()) {
    auto text = ScalarText(item);
    if (!text) return ConfigError("the value of " + Quote(name) + " is not a string");
    envs[name] = std::move(*text);
  }
  return envs;
}

// A member of a JSON object, or null when absent (or when `object` is not an object).
const nlohmann::json& MemberOrNull(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string StringOrEmpty(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

// Applies one additional-args extension under `policy` (§1.3 step 4).
Status ApplyArgsExtension(const nlohmann::json& value, const std::string& policy,
                          const std::string& context, ExecConfig& exec) {
  if (policy.empty() || policy == "Ignore") return OkStatus();
  if (policy != "Append") {
    return ConfigError("unsupported ProfileSourcedCLIArgsPolicy: " + Quote(policy) + context);
  }
  auto args = DecodeAdditionalArgs(value);
  if (!args.ok()) {
    return ConfigError(
        "failed to unmarshal additional CLI args extension: " + args.error().message + context);
  }
  exec.args.insert(exec.args.end(), args->begin(), args->end());
  return OkStatus();
}

// Applies one additional-envs extension under `policy` (§1.3 step 4). The variables are rebuilt
// from a map, so names end up unique; they are sorted by name here.
Status ApplyEnvsExtension(const nlohmann::json& value, const std::string& policy,
                          const std::string& context, ExecConfig& exec) {
  if (policy.empty() || policy == "Ignore") return OkStatus();
  if (policy != "AppendIfNotExists" && policy != "Replace") {
    return ConfigError("unsupported ProfileSourcedEnvVarsPolicy: " + Quote(policy) + context);
  }
  auto envs = DecodeAdditionalEnvs(value);
  if (!envs.ok()) {
    return ConfigError(
        "failed to unmarshal additional env vars extension: " + envs.error().message + context);
  }
  for (const auto& [name, env_value] : exec.env) {
    if (policy == "AppendIfNotExists") {
      (*envs)[name] = env_value;  // the provider file wins
    } else {
      envs->emplace(name, env_value);  // the profile wins
    }
  }
  exec.env.assign(envs->begin(), envs->end());
  return OkStatus();
}

}  // namespace

Result<std::vector<AccessProvider>> ParseAccessProviders(std::string_view json_text) {
  constexpr char kPrefix[] = "failed to unmarshal access providers: ";
  OrderedJson document;
  try {
    document = OrderedJson::parse(json_text);
  } catch (const OrderedJson::parse_error& e) {
    // The parser's own text quotes the input, which may hold plugin environment values.
    return ConfigError(kPrefix + std::string("invalid JSON at byte ") + std::to_string(e.byte));
  } catch (const std::exception&) {
    return ConfigError(kPrefix + std::string("invalid JSON"));
  }

  std::vector<AccessProvider> providers;
  GoJsonDecoder decoder;
  try {
    decoder.Object(document, "", "access.Config", [&](const auto& key, const auto& value) {
      if (!EqualFold(key, "providers")) return;
      if (value.is_null()) {
        providers.clear();
        return;
      }
      if (!value.is_array()) return decoder.Fail(value, "Config.providers", "[]access.Provider");
      providers.assign(value.size(), AccessProvider{});
      for (size_t i = 0; i < value.size() && decoder.ok(); ++i) {
        DecodeProvider(decoder, value[i], providers[i]);
      }
    });
  } catch (const std::exception& e) {
    return ConfigError(kPrefix + std::string(e.what()));
  }
  if (!decoder.ok()) return ConfigError(kPrefix + decoder.error());
  return providers;
}

Result<std::vector<AccessProvider>> LoadAccessProviderFile(const std::string& path) {
  auto content = config_internal::ReadWholeFile(path);
  if (!content.ok()) {
    return ConfigError("failed to read access config file: open " + path + ": " +
                       content.error().message);
  }
  return ParseAccessProviders(*content);
}

Result<ClusterProfileAccess> ResolveClusterProfileAccess(
    const std::vector<AccessProvider>& providers, const nlohmann::json& cluster_profile,
    bool include_credential_providers) {
  try {
    const nlohmann::json& metadata = MemberOrNull(cluster_profile, "metadata");
    const std::string name = StringOrEmpty(MemberOrNull(metadata, "name"));
    const std::string namespace_name = StringOrEmpty(MemberOrNull(metadata, "namespace"));
    const std::string profile_label = "cluster profile " + Quote(namespace_name + "/" + name);
    const nlohmann::json& status = MemberOrNull(cluster_profile, "status");

    // Step 1: candidate entries by name; accessProviders overwrite deprecated
    // credentialProviders of the same name.
    std::map<std::string, const nlohmann::json*> entries;
    for (const char* list_name : {"credentialProviders", "accessProviders"}) {
      if (std::string_view(list_name) == "credentialProviders" && !include_credential_providers) {
        continue;
      }
      const nlohmann::json& list = MemberOrNull(status, list_name);
      if (list.is_null()) continue;
      if (!list.is_array()) {
        return ConfigError(profile_label + ": status." + list_name + " is not a list");
      }
      for (const auto& entry : list) {
        entries[StringOrEmpty(MemberOrNull(entry, "name"))] = &entry;
      }
    }

    // Step 2: the first provider of the file that the profile offers.
    const AccessProvider* selected = nullptr;
    const nlohmann::json* entry = nullptr;
    for (const auto& provider : providers) {
      if (const auto it = entries.find(provider.name); it != entries.end()) {
        selected = &provider;
        entry = it->second;
        break;
      }
    }
    if (selected == nullptr) {
      return ConfigError("no matching cluster accessor found for cluster profile " + Quote(name));
    }

    // Step 3: the provider's exec config, copied so this build never changes the caller's list.
    if (!selected->exec_config) {
      return ConfigError("no exec config found for provider " + Quote(selected->name));
    }
    ClusterProfileAccess access;
    access.provider = selected->name;
    access.exec = *selected->exec_config;
    access.exec.install_hint.clear();
    access.exec.cluster_config_json.clear();

    const std::string where = profile_label + ": access provider " + Quote(selected->name);
    const std::string context =
        " (" + profile_label + ", access provider " + Quote(selected->name) + ")";
    const nlohmann::json& cluster = MemberOrNull(*entry, "cluster");
    if (!cluster.is_null() && !cluster.is_object()) {
      return ConfigError(where + ": cluster is not an object");
    }
    const nlohmann::json& extensions = MemberOrNull(cluster, "extensions");
    if (!extensions.is_null() && !extensions.is_array()) {
      return ConfigError(where + ": cluster.extensions is not a list");
    }

    // Step 4: profile-sourced arguments and environment, in list order.
    if (extensions.is_array()) {
      for (const auto& extension : extensions) {
        const std::string extension_name = StringOrEmpty(MemberOrNull(extension, "name"));
        const nlohmann::json& value = MemberOrNull(extension, "extension");
        Status applied = OkStatus();
        if (extension_name == kAdditionalArgsExtension) {
          applied = ApplyArgsExtension(value, selected->cli_args_policy, context, access.exec);
        } else if (extension_name == kAdditionalEnvsExtension) {
          applied = ApplyEnvsExtension(value, selected->env_vars_policy, context, access.exec);
        }
        if (!applied.ok()) return applied.error();
      }
    }

    // Step 5: connection data and the exec plugin's per-cluster config. Extension names must be
    // unique (upstream's conversion to its internal Cluster type refuses duplicates; an entry
    // with a null value does not count).
    std::map<std::string, bool> seen_extensions;
    if (extensions.is_array()) {
      for (const auto& extension : extensions) {
        const std::string extension_name = StringOrEmpty(MemberOrNull(extension, "name"));
        const nlohmann::json& value = MemberOrNull(extension, "extension");
        if (seen_extensions[extension_name]) {
          return ConfigError(where + ": duplicate extension name " + Quote(extension_name));
        }
        seen_extensions[extension_name] = !value.is_null();
        if (extension_name == kExecClusterConfigExtension && !value.is_null()) {
          access.exec.cluster_config_json =
              value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
      }
    }

    const nlohmann::json& server = MemberOrNull(cluster, "server");
    const nlohmann::json& ca_data = MemberOrNull(cluster, "certificate-authority-data");
    const nlohmann::json& proxy = MemberOrNull(cluster, "proxy-url");
    for (const auto& [field, value] :
         {std::pair<const char*, const nlohmann::json*>{"server", &server},
          {"certificate-authority-data", &ca_data},
          {"proxy-url", &proxy}}) {
      if (!value->is_null() && !value->is_string()) {
        return ConfigError(where + ": cluster." + field + " is not a string");
      }
    }
    access.server = StringOrEmpty(server);
    access.proxy_url = StringOrEmpty(proxy);
    auto ca = base::Base64Decode(StringOrEmpty(ca_data));
    if (!ca) return ConfigError(where + ": cluster.certificate-authority-data is not valid base64");
    access.ca_pem = std::move(*ca);
    return access;
  } catch (const std::exception& e) {
    return ConfigError("cluster profile: unexpected failure while reading: " +
                       std::string(e.what()));
  }
}

Result<RestConfig> ConfigFromClusterProfile(const std::vector<AccessProvider>& providers,
                                            const nlohmann::json& cluster_profile,
                                            bool include_credential_providers) {
  auto access =
      ResolveClusterProfileAccess(providers, cluster_profile, include_credential_providers);
  if (!access.ok()) return access.error();

  const nlohmann::json& metadata = MemberOrNull(cluster_profile, "metadata");
  const std::string profile_label =
      "cluster profile " + Quote(StringOrEmpty(MemberOrNull(metadata, "namespace")) + "/" +
                                 StringOrEmpty(MemberOrNull(metadata, "name")));
  const std::string source = profile_label + " access provider " + Quote(access->provider);

  // tls-server-name and insecure-skip-tls-verify of the entry are not applied (§14.6), so the
  // plugin is not told about them either.
  const ExecClusterInfo cluster_info{
      .server = access->server, .ca_pem = access->ca_pem, .proxy_url = access->proxy_url};
  auto credentials = SharedExecCredentialSource(access->exec, cluster_info);
  if (!credentials.ok()) {
    return ConfigError(credentials.error().message + " (" + source + ")");
  }

  RestConfig config;
  config.server = access->server;
  config.ca_pem = access->ca_pem;
  config.proxy_url = access->proxy_url;
  config.credentials = std::move(*credentials);
  config.qps = kRemoteClusterQps;
  config.burst = kRemoteClusterBurst;
  config.source = source;
  return config;
}

}  // namespace awio::kube
