// Implementation of the kubeconfig loader (kubeconfig.h): choosing the files, merging their
// named entries, and turning the selected context's cluster and user into a RestConfig.
// yaml-cpp throws; every call into it happens under the try block of LoadKubeconfig.
#include "kube/config/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <utility>

#include "base/encoding.h"
#include "kube/config/config_support.h"
#include "kube/config/exec_credential.h"
#include "kube/config/token_file_source.h"

namespace awio::kube {
namespace {

using config_internal::Quote;

constexpr char kExecExtensionName[] = "client.authentication.k8s.io/exec";

Error ConfigError(std::string message) {
  return MakeError(ErrorCode::kConfiguration, std::move(message));
}

std::string FileLabel(const std::string& file) { return "kubeconfig " + Quote(file); }

std::string FilesLabel(const std::vector<std::string>& files) {
  std::string joined;
  for (const auto& file : files) joined += (joined.empty() ? "" : ":") + file;
  return "kubeconfig " + Quote(joined);
}

// One named cluster, user or context, with the file that defined it.
struct Entry {
  std::string file;
  YAML::Node body;  // a map, or null when the entry has no body
};

struct MergedConfig {
  std::vector<std::string> files;  // the files read, in precedence order
  std::map<std::string, Entry> clusters;
  std::map<std::string, Entry> users;
  std::map<std::string, Entry> contexts;
  std::string current_context;
};

bool Present(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

// The member `key` of a map node; an undefined node when absent or when `map` is not a map.
YAML::Node Member(const YAML::Node& map, const char* key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node value = map[key];
  return value.IsDefined() ? value : YAML::Node(YAML::NodeType::Undefined);
}

Result<std::string> StringMember(const YAML::Node& map, const char* key, const std::string& where) {
  const YAML::Node value = Member(map, key);
  if (!Present(value)) return std::string();
  if (!value.IsScalar()) return ConfigError(where + ": " + key + " is not a string");
  return value.Scalar();
}

Result<bool> BoolMember(const YAML::Node& map, const char* key, const std::string& where) {
  const YAML::Node value = Member(map, key);
  if (!Present(value)) return false;
  bool parsed = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, parsed)) {
    return ConfigError(where + ": " + key + " is not a boolean");
  }
  return parsed;
}

Result<std::vector<std::string>> StringListMember(const YAML::Node& map, const char* key,
                                                  const std::string& where) {
  const YAML::Node value = Member(map, key);
  std::vector<std::string> items;
  if (!Present(value)) return items;
  if (!value.IsSequence()) return ConfigError(where + ": " + key + " is not a list");
  for (std::size_t i = 0; i < value.size(); ++i) {
    const YAML::Node item = value[i];
    if (!item.IsScalar() && !item.IsNull()) {
      return ConfigError(where + ": " + key + "[" + std::to_string(i) + "] is not a string");
    }
    items.push_back(item.IsScalar() ? item.Scalar() : std::string());
  }
  return items;
}

// YAML 1.1 booleans, as the YAML-to-JSON step of client-go's loader reads plain scalars.
std::optional<bool> PlainBool(const std::string& text) {
  static const std::set<std::string, std::less<>> kTrue = {"y",  "Y",  "yes",  "Yes",  "YES", "on",
                                                           "On", "ON", "true", "True", "TRUE"};
  static const std::set<std::string, std::less<>> kFalse = {
      "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"};
  if (kTrue.count(text) != 0) return true;
  if (kFalse.count(text) != 0) return false;
  return std::nullopt;
}

// Converts a YAML value to JSON the way an extension reaches an exec plugin: quoted scalars stay
// strings, plain scalars become null, booleans or numbers when they read as such.
Result<nlohmann::ordered_json> YamlToJson(const YAML::Node& node, const std::string& where) {
  if (!Present(node)) return nlohmann::ordered_json();
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() == "?") {
        if (const auto flag = PlainBool(text)) return nlohmann::ordered_json(*flag);
        const bool numeric_start =
            !text.empty() && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9'));
        if (numeric_start) {
          auto number = nlohmann::ordered_json::parse(text, nullptr, false);
          if (!number.is_discarded() && number.is_number()) return number;
        }
      }
      return nlohmann::ordered_json(text);
    }
    case YAML::NodeType::Sequence: {
      auto array = nlohmann::ordered_json::array();
      for (std::size_t i = 0; i < node.size(); ++i) {
        auto item = YamlToJson(node[i], where);
        if (!item.ok()) return item;
        array.push_back(std::move(*item));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      auto object = nlohmann::ordered_json::object();
      for (const auto& member : node) {
        if (!member.first.IsScalar()) return ConfigError(where + ": a map key is not a string");
        auto value = YamlToJson(member.second, where);
        if (!value.ok()) return value;
        object[member.first.Scalar()] = std::move(*value);
      }
      return object;
    }
    default:
      return nlohmann::ordered_json();
  }
}

// `value` resolved against the directory of the kubeconfig file that contained it.
std::string ResolvePath(const std::string& kubeconfig_file, const std::string& value) {
  if (value.empty()) return value;
  const std::filesystem::path path(value);
  if (path.is_absolute()) return value;
  std::error_code ignored;
  std::filesystem::path base = std::filesystem::absolute(kubeconfig_file, ignored);
  if (base.empty()) base = kubeconfig_file;
  return (base.parent_path() / path).lexically_normal().string();
}

// Adds the clusters, users or contexts of one file; names already known keep their first
// definition. Duplicate names inside one file are an error, as in client-go.
Status MergeSection(const std::string& file, const YAML::Node& root, const char* list_key,
                    const char* item_key, std::map<std::string, Entry>& into) {
  const YAML::Node list = Member(root, list_key);
  if (!Present(list)) return OkStatus();
  const std::string where = FileLabel(file);
  if (!list.IsSequence()) return ConfigError(where + ": " + list_key + " is not a list");

  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string position = std::string(list_key) + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) return ConfigError(where + ": " + position + " is not a mapping");
    auto name = StringMember(item, "name", where + ": " + position);
    if (!name.ok()) return name.error();
    if (name->empty()) return ConfigError(where + ": " + position + " has no name");
    const std::string label = std::string(item_key) + " " + Quote(*name);
    if (!seen.insert(*name).second) return ConfigError(where + ": duplicate " + label);

    YAML::Node body = Member(item, item_key);
    if (Present(body) && !body.IsMap()) {
      return ConfigError(where + ": " + label + ": " + item_key + " is not a mapping");
    }
    into.emplace(*name, Entry{.file = file, .body = Present(body) ? body : YAML::Node()});
  }
  return OkStatus();
}

Status MergeFile(const std::string& file, const std::string& content, MergedConfig& merged) {
  YAML::Node root;
  try {
    root = YAML::Load(content);
  } catch (const YAML::Exception& e) {
    return ConfigError(FileLabel(file) + ": invalid YAML at line " +
                       std::to_string(e.mark.line + 1) + ", column " +
                       std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!Present(root)) return OkStatus();
  if (!root.IsMap()) return ConfigError(FileLabel(file) + ": the document is not a mapping");

  if (auto s = MergeSection(file, root, "clusters", "cluster", merged.clusters); !s.ok()) return s;
  if (auto s = MergeSection(file, root, "users", "user", merged.users); !s.ok()) return s;
  if (auto s = MergeSection(file, root, "contexts", "context", merged.contexts); !s.ok()) return s;

  auto current = StringMember(root, "current-context", FileLabel(file));
  if (!current.ok()) return current.error();
  if (merged.current_context.empty()) merged.current_context = *current;
  return OkStatus();
}

// The files to read and whether a missing one is an error.
struct FileList {
  std::vector<std::string> paths;
  bool missing_is_error = false;
};

Result<FileList> ChooseFiles(const KubeconfigOptions& options) {
  FileList list;
  const auto add_unique = [&](std::string path) {
    if (path.empty()) return;
    for (const auto& known : list.paths) {
      if (known == path) return;
    }
    list.paths.push_back(std::move(path));
  };

  if (!options.paths.empty()) {
    for (const auto& path : options.paths) add_unique(path);
    list.missing_is_error = list.paths.size() == 1;
    if (list.paths.empty()) return ConfigError("kubeconfig: every given path is empty");
    return list;
  }

  const auto variable = config_internal::LookupEnv(options.lookup_env, "KUBECONFIG");
  if (variable && !variable->empty()) {
    std::string_view rest(*variable);
    while (true) {
      const size_t colon = rest.find(':');
      add_unique(std::string(rest.substr(0, colon)));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
    if (!list.paths.empty()) return list;
  }

  const auto home = config_internal::LookupEnv(options.lookup_env, "HOME");
  if (!home || home->empty()) {
    return ConfigError("kubeconfig: neither KUBECONFIG nor HOME is set, so no file can be chosen");
  }
  list.paths.push_back(*home + "/.kube/config");
  list.missing_is_error = true;
  return list;
}

// Cluster settings that also describe the cluster to an exec plugin.
struct ClusterSettings {
  ExecClusterInfo info;
  std::string exec_extension_json;  // empty: no client.authentication.k8s.io/exec extension
};

bool IsAcceptedProxyUrl(const std::string& url) {
  for (const std::string_view scheme : {"http://", "https://", "socks5://"}) {
    if (url.size() > scheme.size() && url.compare(0, scheme.size(), scheme) == 0) return true;
  }
  return false;
}

Result<ClusterSettings> LoadCluster(const std::string& name, const Entry& entry,
                                    const std::string& context_name) {
  const std::string where = FileLabel(entry.file) + ": cluster " + Quote(name) +
                            " (used by context " + Quote(context_name) + ")";
  const YAML::Node& body = entry.body;
  ClusterSettings settings;

  auto server = StringMember(body, "server", where);
  if (!server.ok()) return server.error();
  if (server->empty()) return ConfigError(where + ": no server is set");
  settings.info.server = *server;

  auto ca_file = StringMember(body, "certificate-authority", where);
  if (!ca_file.ok()) return ca_file.error();
  auto ca_data = StringMember(body, "certificate-authority-data", where);
  if (!ca_data.ok()) return ca_data.error();
  if (!ca_file->empty() && !ca_data->empty()) {
    return ConfigError(where +
                       ": certificate-authority and certificate-authority-data are both set");
  }
  if (!ca_data->empty()) {
    auto decoded = base::Base64Decode(*ca_data);
    if (!decoded) return ConfigError(where + ": certificate-authority-data is not valid base64");
    settings.info.ca_pem = std::move(*decoded);
  } else if (!ca_file->empty()) {
    const std::string path = ResolvePath(entry.file, *ca_file);
    auto content = config_internal::ReadWholeFile(path);
    if (!content.ok()) {
      return ConfigError(where + ": certificate-authority " + Quote(path) +
                         " cannot be read: " + content.error().message);
    }
    settings.info.ca_pem = std::move(*content);
  }

  auto server_name = StringMember(body, "tls-server-name", where);
  if (!server_name.ok()) return server_name.error();
  settings.info.tls_server_name = *server_name;
  auto insecure = BoolMember(body, "insecure-skip-tls-verify", where);
  if (!insecure.ok()) return insecure.error();
  settings.info.insecure_skip_tls_verify = *insecure;
  if (*insecure && !settings.info.ca_pem.empty()) {
    return ConfigError(
        where + ": insecure-skip-tls-verify cannot be combined with a certificate authority");
  }

  auto proxy = StringMember(body, "proxy-url", where);
  if (!proxy.ok()) return proxy.error();
  // The URL may carry proxy credentials, so it is not repeated in the message.
  if (!proxy->empty() && !IsAcceptedProxyUrl(*proxy)) {
    return ConfigError(where + ": proxy-url is not an http, https or socks5 URL");
  }
  settings.info.proxy_url = *proxy;

  const YAML::Node extensions = Member(body, "extensions");
  if (Present(extensions)) {
    if (!extensions.IsSequence()) return ConfigError(where + ": extensions is not a list");
    // Names must be unique, as client-go's conversion demands; an entry without a value does
    // not count.
    std::set<std::string> named;
    for (std::size_t i = 0; i < extensions.size(); ++i) {
      auto extension_name = StringMember(extensions[i], "name", where + ": extensions");
      if (!extension_name.ok()) return extension_name.error();
      const YAML::Node extension = Member(extensions[i], "extension");
      if (named.count(*extension_name) != 0) {
        return ConfigError(where + ": duplicate extension " + Quote(*extension_name));
      }
      if (Present(extension)) named.insert(*extension_name);
      if (*extension_name != kExecExtensionName) continue;
      auto value = YamlToJson(extension, where + ": extension " + Quote(*extension_name));
      if (!value.ok()) return value.error();
      if (!value->is_null()) {
        settings.exec_extension_json =
            value->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      }
    }
  }
  return settings;
}

Result<std::string> LoadPemMember(const YAML::Node& body, const Entry& entry, const char* file_key,
                                  const char* data_key, const std::string& where) {
  auto file = StringMember(body, file_key, where);
  if (!file.ok()) return file.error();
  auto data = StringMember(body, data_key, where);
  if (!data.ok()) return data.error();
  if (!file->empty() && !data->empty()) {
    return ConfigError(where + ": " + file_key + " and " + data_key + " are both set");
  }
  if (!data->empty()) {
    auto decoded = base::Base64Decode(*data);
    if (!decoded) return ConfigError(where + ": " + data_key + " is not valid base64");
    return std::move(*decoded);
  }
  if (file->empty()) return std::string();
  const std::string path = ResolvePath(entry.file, *file);
  auto content = config_internal::ReadWholeFile(path);
  if (!content.ok()) {
    return ConfigError(where + ": " + file_key + " " + Quote(path) +
                       " cannot be read: " + content.error().message);
  }
  return content;
}

Result<ExecConfig> LoadExec(const YAML::Node& exec, const Entry& entry, const std::string& where) {
  if (!exec.IsMap()) return ConfigError(where + ": exec is not a mapping");
  ExecConfig config;
  auto api_version = StringMember(exec, "apiVersion", where + ": exec");
  if (!api_version.ok()) return api_version.error();
  auto command = StringMember(exec, "command", where + ": exec");
  if (!command.ok()) return command.error();
  auto args = StringListMember(exec, "args", where + ": exec");
  if (!args.ok()) return args.error();
  auto hint = StringMember(exec, "installHint", where + ": exec");
  if (!hint.ok()) return hint.error();
  auto provide = BoolMember(exec, "provideClusterInfo", where + ": exec");
  if (!provide.ok()) return provide.error();
  auto interactive = StringMember(exec, "interactiveMode", where + ": exec");
  if (!interactive.ok()) return interactive.error();

  if (api_version->empty()) return ConfigError(where + ": exec apiVersion must be specified");
  if (command->empty()) return ConfigError(where + ": exec command must be specified");
  // The plugin never gets a terminal (stdin is /dev/null), so a plugin that insists on one
  // cannot work here.
  if (*interactive == "Always") {
    return ConfigError(where + ": exec interactiveMode Always is not supported");
  }
  if (!interactive->empty() && *interactive != "Never" && *interactive != "IfAvailable") {
    return ConfigError(where + ": exec interactiveMode " + Quote(*interactive) + " is invalid");
  }

  config.api_version = *api_version;
  // A command with a slash is a path, relative to the kubeconfig; a bare name is found in PATH.
  config.command =
      command->find('/') != std::string::npos ? ResolvePath(entry.file, *command) : *command;
  config.args = std::move(*args);
  config.install_hint = *hint;
  config.provide_cluster_info = *provide;

  const YAML::Node env = Member(exec, "env");
  if (Present(env)) {
    if (!env.IsSequence()) return ConfigError(where + ": exec env is not a list");
    for (std::size_t i = 0; i < env.size(); ++i) {
      const std::string position = where + ": exec env[" + std::to_string(i) + "]";
      if (!env[i].IsMap()) return ConfigError(position + " is not a mapping");
      auto name = StringMember(env[i], "name", position);
      if (!name.ok()) return name.error();
      auto value = StringMember(env[i], "value", position);
      if (!value.ok()) return value.error();
      if (name->empty()) return ConfigError(position + ": name must be specified");
      config.env.emplace_back(*name, *value);
    }
  }
  return config;
}

Status LoadUser(const std::string& name, const Entry& entry, const std::string& context_name,
                const ClusterSettings& cluster, RestConfig& out) {
  const std::string where = FileLabel(entry.file) + ": user " + Quote(name) + " (used by context " +
                            Quote(context_name) + ")";
  const YAML::Node& body = entry.body;

  if (Present(Member(body, "auth-provider"))) {
    return ConfigError(where + ": auth-provider is not supported");
  }
  for (const char* key : {"username", "password"}) {
    if (Present(Member(body, key))) {
      return ConfigError(where + ": username/password authentication is not supported");
    }
  }
  for (const char* key : {"as", "as-uid", "as-groups", "as-user-extra"}) {
    if (Present(Member(body, key))) {
      return ConfigError(where + ": impersonation (" + key + ") is not supported");
    }
  }

  auto token = StringMember(body, "token", where);
  if (!token.ok()) return token.error();
  out.bearer_token = *token;

  auto cert = LoadPemMember(body, entry, "client-certificate", "client-certificate-data", where);
  if (!cert.ok()) return cert.error();
  auto key = LoadPemMember(body, entry, "client-key", "client-key-data", where);
  if (!key.ok()) return key.error();
  if (!cert->empty() && key->empty()) {
    return ConfigError(where + ": a client certificate is set without a client key");
  }
  if (cert->empty() && !key->empty()) {
    return ConfigError(where + ": a client key is set without a client certificate");
  }
  out.client_cert_pem = std::move(*cert);
  out.client_key_pem = std::move(*key);

  auto token_file = StringMember(body, "tokenFile", where);
  if (!token_file.ok()) return token_file.error();
  const YAML::Node exec = Member(body, "exec");
  if (!token_file->empty() && Present(exec)) {
    return ConfigError(where + ": tokenFile and exec cannot be used together");
  }

  if (!token_file->empty()) {
    auto source = std::make_shared<TokenFileSource>(ResolvePath(entry.file, *token_file));
    // client-go reads the file once while loading; an unreadable file fails the load.
    auto first = source->Current();
    if (!first.ok()) return ConfigError(where + ": " + first.error().message);
    out.credentials = std::move(source);
  }

  if (Present(exec)) {
    auto exec_config = LoadExec(exec, entry, where);
    if (!exec_config.ok()) return exec_config.error();
    exec_config->cluster_config_json = cluster.exec_extension_json;
    auto source = SharedExecCredentialSource(*exec_config, cluster.info);
    if (!source.ok()) return ConfigError(where + ": " + source.error().message);
    out.credentials = std::move(*source);
  }
  return OkStatus();
}

Result<RestConfig> BuildRestConfig(const MergedConfig& merged,
                                   const std::string& context_override) {
  const std::string context_name =
      context_override.empty() ? merged.current_context : context_override;
  if (context_name.empty()) {
    return ConfigError(FilesLabel(merged.files) +
                       ": no context is selected (current-context is not set)");
  }
  const auto context = merged.contexts.find(context_name);
  if (context == merged.contexts.end()) {
    return ConfigError(FilesLabel(merged.files) + ": context " + Quote(context_name) +
                       " not found");
  }
  const std::string where = FileLabel(context->second.file) + ": context " + Quote(context_name);

  auto cluster_name = StringMember(context->second.body, "cluster", where);
  if (!cluster_name.ok()) return cluster_name.error();
  auto user_name = StringMember(context->second.body, "user", where);
  if (!user_name.ok()) return user_name.error();
  if (cluster_name->empty()) return ConfigError(where + " names no cluster");
  const auto cluster = merged.clusters.find(*cluster_name);
  if (cluster == merged.clusters.end()) {
    return ConfigError(where + " refers to unknown cluster " + Quote(*cluster_name));
  }
  const auto user = user_name->empty() ? merged.users.end() : merged.users.find(*user_name);
  if (!user_name->empty() && user == merged.users.end()) {
    return ConfigError(where + " refers to unknown user " + Quote(*user_name));
  }

  auto settings = LoadCluster(*cluster_name, cluster->second, context_name);
  if (!settings.ok()) return settings.error();

  RestConfig config;
  config.server = settings->info.server;
  config.ca_pem = settings->info.ca_pem;
  config.tls_server_name = settings->info.tls_server_name;
  config.insecure_skip_tls_verify = settings->info.insecure_skip_tls_verify;
  config.proxy_url = settings->info.proxy_url;
  if (user != merged.users.end()) {
    if (auto s = LoadUser(*user_name, user->second, context_name, *settings, config); !s.ok()) {
      return s.error();
    }
  }
  config.source = FileLabel(context->second.file) + " context " + Quote(context_name);
  return config;
}

Result<RestConfig> Load(const KubeconfigOptions& options) {
  auto files = ChooseFiles(options);
  if (!files.ok()) return files.error();

  MergedConfig merged;
  for (const auto& path : files->paths) {
    bool not_found = false;
    auto content = config_internal::ReadWholeFile(path, &not_found);
    if (!content.ok()) {
      if (not_found && !files->missing_is_error) continue;
      return ConfigError(FileLabel(path) + ": cannot be read: " + content.error().message);
    }
    merged.files.push_back(path);
    if (auto s = MergeFile(path, *content, merged); !s.ok()) return s.error();
  }
  if (merged.files.empty()) {
    return ConfigError(FilesLabel(files->paths) + ": none of the listed files exists");
  }
  return BuildRestConfig(merged, options.context);
}

}  // namespace

Result<RestConfig> LoadKubeconfig(const KubeconfigOptions& options) {
  // yaml-cpp reports misuse with exceptions; a malformed file must become an error, not a crash.
  try {
    return Load(options);
  } catch (const std::exception& e) {
    return ConfigError("kubeconfig: unexpected failure while reading: " + std::string(e.what()));
  }
}

}  // namespace awio::kube
