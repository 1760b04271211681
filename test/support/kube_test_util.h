// Small helpers for integration tests: JSON requests to a test cluster or the AWS emulator,
// and waiting on a condition with a deadline instead of sleeping.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "environment.h"

namespace awio::test {

struct JsonResponse {
  long status = 0;
  nlohmann::json body;  // null when the body is not JSON
  std::string raw;
};

// Sends an administrator request to `cluster`; transport failures come back as status 0.
JsonResponse KubeRequest(const testenv::Cluster& cluster, const std::string& method,
                         const std::string& path, const nlohmann::json& body = nullptr);

// Polls `condition` every 100 ms until it returns true or `timeout` passes; returns whether
// it became true. Use with EXPECT_TRUE/ASSERT_TRUE and a message naming what was awaited.
bool WaitUntil(std::chrono::milliseconds timeout, const std::function<bool()>& condition);

// The status of condition `type` in object["status"]["conditions"], or "" when absent.
std::string ConditionStatus(const nlohmann::json& object, const std::string& type);

}  // namespace awio::test
