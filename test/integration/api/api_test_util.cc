// Implementation of the API schema test helpers; see api_test_util.h.
#include "api_test_util.h"

#include <cctype>
#include <chrono>
#include <map>

#include "support/kube_test_util.h"

namespace awio::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A deleted object without finalizers disappears at once; this only bounds a broken server.
constexpr auto kDeleteTimeout = 30s;

struct KindInfo {
  std::string plural;
  bool namespaced;
};

const std::map<std::string, KindInfo>& OurKinds() {
  static const std::map<std::string, KindInfo> kinds = {
      {"AWSWorkloadIdentityOperatorConfig", {"awsworkloadidentityoperatorconfigs", false}},
      {"AWSWorkloadIdentityConfig", {"awsworkloadidentityconfigs", true}},
      {"AWSServiceAccountRole", {"awsserviceaccountroles", true}},
      {"AWSServiceAccountRoleReplicaSet", {"awsserviceaccountrolereplicasets", true}},
  };
  return kinds;
}

ApiOutcome Send(const testenv::Cluster& cluster, const std::string& method, const std::string& path,
                const json& body = nullptr) {
  ApiOutcome outcome;
  if (path.empty()) {
    outcome.message = "no REST path for this object";
    return outcome;
  }
  auto response = KubeRequest(cluster, method, path, body);
  outcome.status = response.status;
  outcome.body = response.body;
  if (response.body.is_object() && response.body.value("kind", "") == "Status") {
    outcome.message = response.body.value("message", "");
  } else if (!outcome.accepted()) {
    outcome.message = response.raw;
  }
  return outcome;
}

}  // namespace

std::vector<std::string> ApiOutcome::CauseFields() const {
  std::vector<std::string> fields;
  if (!body.is_object() || !body.contains("details")) return fields;
  for (const auto& cause : body["details"].value("causes", json::array())) {
    fields.push_back(cause.value("field", ""));
  }
  return fields;
}

std::string ApiOutcome::Describe() const {
  return "HTTP " + std::to_string(status) + ": " + (accepted() ? body.dump() : message);
}

bool IsNamespacedKind(const std::string& kind) {
  auto it = OurKinds().find(kind);
  return it != OurKinds().end() && it->second.namespaced;
}

std::string CollectionPath(const json& object) {
  const std::string kind = object.value("kind", "");
  if (kind == "Namespace") return "/api/v1/namespaces";
  auto it = OurKinds().find(kind);
  if (it == OurKinds().end()) return "";
  std::string path = "/apis/" + object.value("apiVersion", "");
  if (it->second.namespaced) {
    path += "/namespaces/" + object["metadata"].value("namespace", "");
  }
  return path + "/" + it->second.plural;
}

std::string ObjectPath(const json& object) {
  const std::string collection = CollectionPath(object);
  if (collection.empty()) return "";
  return collection + "/" + object["metadata"].value("name", "");
}

ApiOutcome CreateObject(const testenv::Cluster& cluster, const json& object) {
  return Send(cluster, "POST", CollectionPath(object), object);
}

ApiOutcome UpdateObject(const testenv::Cluster& cluster, const json& object) {
  return Send(cluster, "PUT", ObjectPath(object), object);
}

ApiOutcome UpdateStatus(const testenv::Cluster& cluster, const json& object) {
  const std::string path = ObjectPath(object);
  return Send(cluster, "PUT", path.empty() ? path : path + "/status", object);
}

ApiOutcome GetObject(const testenv::Cluster& cluster, const json& object) {
  return Send(cluster, "GET", ObjectPath(object));
}

bool DeleteObject(const testenv::Cluster& cluster, const json& object) {
  const auto outcome = Send(cluster, "DELETE", ObjectPath(object));
  return outcome.accepted() || outcome.status == 404;
}

bool RemoveAndWait(const testenv::Cluster& cluster, const json& object) {
  if (!DeleteObject(cluster, object)) return false;
  return WaitUntil(kDeleteTimeout, [&] { return GetObject(cluster, object).status == 404; });
}

std::string EnsureNamespace(const testenv::Cluster& cluster, const std::string& name) {
  const json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  const auto outcome = CreateObject(cluster, ns);
  if (outcome.accepted() || outcome.status == 409) return "";
  return "cannot create namespace " + name + ": " + outcome.Describe();
}

std::string DnsLabel(const std::string& text) {
  // A Kubernetes namespace name is a DNS label: at most 63 characters.
  constexpr std::size_t kMaxLabelLength = 63;
  std::string label;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      label += static_cast<char>(std::tolower(u));
    } else if (!label.empty() && label.back() != '-') {
      label += '-';
    }
  }
  if (label.size() > kMaxLabelLength) label.resize(kMaxLabelLength);
  while (!label.empty() && label.back() == '-') label.pop_back();
  return label;
}

bool ContainsSubset(const json& actual, const json& expected, std::string& where,
                    const std::string& pointer) {
  if (expected.is_object()) {
    if (!actual.is_object()) {
      where = pointer.empty() ? "/" : pointer;
      return false;
    }
    for (const auto& [key, value] : expected.items()) {
      const std::string child = pointer + "/" + key;
      if (!actual.contains(key)) {
        where = child;
        return false;
      }
      if (!ContainsSubset(actual[key], value, where, child)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      where = pointer;
      return false;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (!ContainsSubset(actual[i], expected[i], where, pointer + "/" + std::to_string(i))) {
        return false;
      }
    }
    return true;
  }
  if (actual != expected) {
    where = pointer;
    return false;
  }
  return true;
}

}  // namespace awio::test
