// REST verbs on any resource of one API server: get, list (selectors, paging), create,
// update, delete (preconditions, propagation), patch (JSON merge, JSON patch, strategic
// merge, server-side apply with field manager and force), subresources (status, token, ...),
// dry-run, and metadata-only reads (PartialObjectMetadata). Objects are nlohmann::json values.
// Errors come back as values (api_error.h) naming the verb, resource and object; retryable
// ones are retried with back-off that honours Retry-After. Watches live in watch.h.
//
// Part of our own Kubernetes client: no Debian package provides one for C++.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/error.h"
#include "kube/resource.h"
#include "kube/transport.h"

namespace awio::kube {

using Json = nlohmann::json;

struct GetOptions {
  std::string subresource;
  bool metadata_only = false;  // PartialObjectMetadata
  std::string resource_version;
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  long limit = 0;  // 0: no paging
  std::string continue_token;
  std::string resource_version;
  bool metadata_only = false;  // PartialObjectMetadataList
};

struct WriteOptions {
  std::string field_manager;
  bool dry_run = false;
  std::string subresource;  // "status", "token", ...
};

enum class PatchType { kMerge, kJson, kStrategicMerge, kApply };

struct PatchOptions {
  std::string field_manager;
  bool force = false;  // server-side apply: take ownership of conflicting fields
  bool dry_run = false;
  std::string subresource;
};

enum class Propagation { kDefault, kBackground, kForeground, kOrphan };

struct DeleteOptions {
  std::string precondition_uid;
  std::string precondition_resource_version;
  Propagation propagation = Propagation::kDefault;
  std::optional<long> grace_period_seconds;
  bool dry_run = false;
};

// How retryable failures are retried: exponential back-off from `initial`, at most `attempts`
// tries in all, and never sooner than a Retry-After the server sent.
struct RetryPolicy {
  int attempts = 3;
  std::chrono::milliseconds initial{200};
  std::chrono::milliseconds max{5'000};
};

class Client {
 public:
  explicit Client(std::shared_ptr<Transport> transport, RetryPolicy retry = {});

  const std::shared_ptr<Transport>& transport() const { return transport_; }

  Result<Json> Get(const ResourceRef& r, const std::string& ns, const std::string& name,
                   const GetOptions& options = {});
  // One page; the list's metadata.continue is set when more remain.
  Result<Json> List(const ResourceRef& r, const std::string& ns, const ListOptions& options = {});
  // Every page of a list, merged into one list object (the last page's resourceVersion).
  Result<Json> ListAll(const ResourceRef& r, const std::string& ns, ListOptions options = {});
  Result<Json> Create(const ResourceRef& r, const std::string& ns, const Json& object,
                      const WriteOptions& options = {});
  // Creates a subresource, e.g. serviceaccounts/<name>/token; `name` is the parent object.
  Result<Json> CreateSubresource(const ResourceRef& r, const std::string& ns,
                                 const std::string& name, const std::string& subresource,
                                 const Json& body, const WriteOptions& options = {});
  // Replaces the object named by object.metadata.name; resourceVersion in the object makes it
  // an optimistic-lock update (kConflict when stale).
  Result<Json> Update(const ResourceRef& r, const std::string& ns, const Json& object,
                      const WriteOptions& options = {});
  Result<Json> Patch(const ResourceRef& r, const std::string& ns, const std::string& name,
                     PatchType type, const std::string& body, const PatchOptions& options = {});
  // Server-side apply of `object` (name from metadata); field_manager is required.
  Result<Json> Apply(const ResourceRef& r, const std::string& ns, const Json& object,
                     const PatchOptions& options);
  // Returns the final object (with deletionTimestamp when finalizers hold it) or the Status.
  Result<Json> Delete(const ResourceRef& r, const std::string& ns, const std::string& name,
                      const DeleteOptions& options = {});

  // Sends any request with the retry policy; `what` names it in errors. For callers that need
  // a verb this class lacks (discovery, raw paths).
  Result<HttpResponse> Do(HttpRequest request, const std::string& what, bool idempotent);

 private:
  Result<Json> DoJson(HttpRequest request, const std::string& what, bool idempotent);

  std::shared_ptr<Transport> transport_;
  RetryPolicy retry_;
};

// "get configmaps default/settings" style descriptions for messages.
std::string Describe(const std::string& verb, const ResourceRef& r, const std::string& ns,
                     const std::string& name);
// Percent-encodes a query parameter value.
std::string QueryEscape(const std::string& value);

}  // namespace awio::kube
