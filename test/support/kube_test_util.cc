// Implementation of the integration test helpers.
#include "support/kube_test_util.h"

#include <thread>

namespace awio::test {

JsonResponse KubeRequest(const testenv::Cluster& cluster, const std::string& method,
                         const std::string& path, const nlohmann::json& body) {
  auto response =
      testenv::Send(cluster.Request(method, path, body.is_null() ? std::string() : body.dump()));
  JsonResponse out;
  out.status = response.status;
  out.raw = response.error.empty() ? response.body : response.error;
  out.body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (out.body.is_discarded()) out.body = nullptr;
  return out;
}

bool WaitUntil(std::chrono::milliseconds timeout, const std::function<bool()>& condition) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string ConditionStatus(const nlohmann::json& object, const std::string& type) {
  if (!object.contains("status") || !object["status"].contains("conditions")) return "";
  for (const auto& c : object["status"]["conditions"]) {
    if (c.value("type", "") == type) return c.value("status", "");
  }
  return "";
}

}  // namespace awio::test
