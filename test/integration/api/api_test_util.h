// Helpers of the API schema integration tests: REST paths of our four kinds, create / update /
// status-write requests whose outcome (accepted, or the API server's Status with its field
// causes) the tests assert on, per-test namespaces, and a subset comparison for stored objects.
// Requests go through awio::test::KubeRequest as an administrator; nothing here retries, so a
// test sees exactly what the API server answered.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "environment.h"

namespace awio::test {

// What the API server answered to one write.
struct ApiOutcome {
  long status = 0;      // HTTP status; 0 when no response arrived
  nlohmann::json body;  // the stored object when accepted, a Status otherwise
  std::string message;  // Status.message, or the transport error

  bool accepted() const { return status >= 200 && status < 300; }
  // Status.details.causes[].field (the API server writes "<nil>" or nothing for the root).
  std::vector<std::string> CauseFields() const;
  // "HTTP 422: <message>" for failure output.
  std::string Describe() const;
};

// REST path of the collection holding `object` (by its apiVersion, kind and namespace), and
// of the object itself. Knows our four kinds and core Namespaces; "" for anything else.
std::string CollectionPath(const nlohmann::json& object);
std::string ObjectPath(const nlohmann::json& object);

// Whether `kind` (one of ours) is namespaced.
bool IsNamespacedKind(const std::string& kind);

ApiOutcome CreateObject(const testenv::Cluster& cluster, const nlohmann::json& object);
// PUT of `object` (which must carry metadata.resourceVersion) to the object or its status.
ApiOutcome UpdateObject(const testenv::Cluster& cluster, const nlohmann::json& object);
ApiOutcome UpdateStatus(const testenv::Cluster& cluster, const nlohmann::json& object);
ApiOutcome GetObject(const testenv::Cluster& cluster, const nlohmann::json& object);
// DELETE of the object; NotFound counts as done. Returns whether it is gone or going.
bool DeleteObject(const testenv::Cluster& cluster, const nlohmann::json& object);

// Deletes the object named like `object` and waits until the server no longer has it, so that
// a cluster-scoped singleton such as AWSWorkloadIdentityOperatorConfig/default can be created
// afresh. Returns whether it is gone.
bool RemoveAndWait(const testenv::Cluster& cluster, const nlohmann::json& object);

// Creates namespace `name` through the API (an existing one is fine); returns an error text or
// "" on success.
std::string EnsureNamespace(const testenv::Cluster& cluster, const std::string& name);

// A DNS label made from `text`: lower case, runs of other characters turned into "-", cut to
// 63 characters.
std::string DnsLabel(const std::string& text);

// Whether every member of `expected` is present in `actual` with an equal value, recursively;
// arrays must have the same length and match element by element. On a mismatch, `where`
// names the first differing JSON pointer.
bool ContainsSubset(const nlohmann::json& actual, const nlohmann::json& expected,
                    std::string& where, const std::string& pointer = "");

}  // namespace awio::test
