// Implementation of the stand-ins' shared plumbing.
#include "standin_support.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "base/encoding.h"
#include "base/time.h"

namespace awio::testenv::standin {
namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnStopSignal(int) { g_stop = 1; }

// The entry of a kubeconfig list ("clusters", "users", "contexts") named `name`, or a null node.
YAML::Node FindNamed(const YAML::Node& list, const std::string& name) {
  if (!list || !list.IsSequence()) return {};
  for (const auto& entry : list) {
    if (entry["name"] && entry["name"].as<std::string>() == name) return entry;
  }
  return {};
}

std::string ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Fills `pem` from `<field>-data` (base64) or `path` from `<field>` (a file, relative to the
// kubeconfig's directory). Leaves both empty when neither is set.
void ReadCredential(const YAML::Node& section, const std::string& field, const fs::path& base,
                    const fs::path& kubeconfig, std::string& pem, std::string& path) {
  if (const auto data = section[field + "-data"]; data) {
    auto decoded = base::Base64Decode(data.as<std::string>());
    if (!decoded) {
      throw std::runtime_error(kubeconfig.string() + ": " + field + "-data is not base64");
    }
    pem = *decoded;
  } else if (const auto file = section[field]; file) {
    fs::path p = file.as<std::string>();
    path = (p.is_absolute() ? p : base / p).string();
  }
}

}  // namespace

ApiServerAccess ApiServerAccess::FromKubeconfig(const fs::path& path) {
  YAML::Node config;
  try {
    config = YAML::Load(ReadWholeFile(path));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path.string() + ": not YAML: " + e.what());
  }
  const std::string context_name =
      config["current-context"] ? config["current-context"].as<std::string>() : "";
  const YAML::Node context = FindNamed(config["contexts"], context_name)["context"];
  if (!context) {
    throw std::runtime_error(path.string() + ": no current context \"" + context_name + "\"");
  }
  const YAML::Node cluster =
      FindNamed(config["clusters"], context["cluster"].as<std::string>(""))["cluster"];
  const YAML::Node user = FindNamed(config["users"], context["user"].as<std::string>(""))["user"];
  if (!cluster || !cluster["server"]) {
    throw std::runtime_error(path.string() + ": the current context names no cluster server");
  }

  ApiServerAccess access;
  access.server = cluster["server"].as<std::string>();
  const fs::path base = path.parent_path();
  ReadCredential(cluster, "certificate-authority", base, path, access.ca_pem, access.ca_file);
  if (user) {
    ReadCredential(user, "client-certificate", base, path, access.client_cert_pem,
                   access.client_cert_file);
    ReadCredential(user, "client-key", base, path, access.client_key_pem, access.client_key_file);
    if (user["token"]) access.bearer_token = user["token"].as<std::string>();
  }
  return access;
}

HttpResponse ApiServerAccess::Request(const std::string& method, const std::string& path,
                                      const Json& body, std::string_view content_type) const {
  HttpRequest r{.method = method, .url = server + path};
  r.ca_file = ca_file;
  r.client_cert_file = client_cert_file;
  r.client_key_file = client_key_file;
  r.ca_pem = ca_pem;
  r.client_cert_pem = client_cert_pem;
  r.client_key_pem = client_key_pem;
  r.bearer_token = bearer_token;
  r.headers = {"Accept: application/json"};
  if (!body.is_null()) {
    r.body = body.dump();
    r.headers.push_back("Content-Type: " + std::string(content_type));
  }
  return Send(r);
}

void ApiServerOptions::Register(CLI::App& app) {
  app.add_option("--kubeconfig", kubeconfig, "Kubeconfig of the API server (its current context)");
  app.add_option("--server", direct.server, "API server URL (instead of --kubeconfig)");
  app.add_option("--ca-file", direct.ca_file, "API server serving CA");
  app.add_option("--client-cert", direct.client_cert_file, "Administrator client certificate");
  app.add_option("--client-key", direct.client_key_file, "Administrator client key");
}

ApiServerAccess ApiServerOptions::Resolve() const {
  if (!kubeconfig.empty()) return ApiServerAccess::FromKubeconfig(kubeconfig);
  if (direct.server.empty()) throw std::runtime_error("give --kubeconfig or --server");
  return direct;
}

std::string UtcNow() { return base::FormatRfc3339(std::chrono::system_clock::now()); }

void Log(const std::string& line) { std::cerr << UtcNow() << " " << line << std::endl; }

int RunPollLoop(const std::string& banner, std::chrono::milliseconds interval,
                const std::function<void()>& pass) {
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  Log(banner);
  while (g_stop == 0) {
    try {
      pass();
    } catch (const std::exception& e) {
      Log(std::string("pass failed: ") + e.what());
    }
    std::this_thread::sleep_for(interval);
  }
  return 0;
}

std::string ObjectKey(const Json& object) {
  const Json metadata = object.value("metadata", Json::object());
  return metadata.value("namespace", "") + "/" + metadata.value("name", "");
}

std::string ResponseText(const HttpResponse& response) {
  if (response.status == 0) return response.error;
  return "HTTP " + std::to_string(response.status) + ": " + response.body;
}

bool HasFinalizer(const Json& object, std::string_view finalizer) {
  const Json list = object.value("metadata", Json::object()).value("finalizers", Json::array());
  return std::find(list.begin(), list.end(), finalizer) != list.end();
}

Json AddFinalizerPatch(const Json& object, std::string_view finalizer) {
  const Json metadata = object.value("metadata", Json::object());
  Json list = metadata.value("finalizers", Json::array());
  list.push_back(finalizer);
  return {{"metadata",
           {{"finalizers", list}, {"resourceVersion", metadata.value("resourceVersion", "")}}}};
}

Json RemoveFinalizerPatch(const Json& object, std::string_view finalizer) {
  const Json metadata = object.value("metadata", Json::object());
  Json remaining = Json::array();
  for (const auto& f : metadata.value("finalizers", Json::array())) {
    if (f != finalizer) remaining.push_back(f);
  }
  return {
      {"metadata",
       {{"finalizers", remaining}, {"resourceVersion", metadata.value("resourceVersion", "")}}}};
}

Json AckConditions(const Json& current_status, bool synced, const std::string& error_message) {
  const Json current = current_status.value("conditions", Json::array());
  auto transition_time = [&](const std::string& type, const std::string& status) {
    for (const auto& c : current) {
      if (c.value("type", "") == type && c.value("status", "") == status) {
        return c.value("lastTransitionTime", UtcNow());
      }
    }
    return UtcNow();
  };
  const std::string synced_status = synced ? "True" : "False";
  Json conditions = Json::array();
  conditions.push_back(
      {{"type", "ACK.ResourceSynced"},
       {"status", synced_status},
       {"lastTransitionTime", transition_time("ACK.ResourceSynced", synced_status)},
       {"message", synced ? "Resource synced successfully" : "Resource not synced"}});
  if (!synced) {
    conditions.push_back({{"type", "ACK.Recoverable"},
                          {"status", "True"},
                          {"lastTransitionTime", transition_time("ACK.Recoverable", "True")},
                          {"message", error_message}});
  }
  return conditions;
}

}  // namespace awio::testenv::standin
