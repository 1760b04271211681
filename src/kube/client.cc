// Implementation of the REST verbs.
#include "kube/client.h"

#include <thread>

#include "kube/api_error.h"

namespace awio::kube {
namespace {

constexpr const char* kMetadataAccept =
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
constexpr const char* kMetadataListAccept =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

// Appends key=value to a query string being built.
void AddQuery(std::string& query, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  query += query.empty() ? "?" : "&";
  query += key + "=" + QueryEscape(value);
}

std::string PatchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kApply:
      return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

std::string ObjectName(const Json& object) {
  if (!object.is_object() || !object.contains("metadata")) return {};
  return object["metadata"].value("name", "");
}

}  // namespace

std::string QueryEscape(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string Describe(const std::string& verb, const ResourceRef& r, const std::string& ns,
                     const std::string& name) {
  std::string out = verb + " " + r.QualifiedName();
  if (r.namespaced && !ns.empty()) {
    out += " " + ns + (name.empty() ? "" : "/" + name);
  } else if (!name.empty()) {
    out += " " + name;
  }
  return out;
}

Client::Client(std::shared_ptr<Transport> transport, RetryPolicy retry)
    : transport_(std::move(transport)), retry_(retry) {}

Result<HttpResponse> Client::Do(HttpRequest request, const std::string& what, bool idempotent) {
  auto delay = retry_.initial;
  for (int attempt = 1;; ++attempt) {
    auto result = transport_->Send(request);
    Error error;
    if (!result.ok()) {
      error = result.error();
      error.message = what + ": " + error.message;
      // A transport failure of a create may have reached the server; only idempotent verbs
      // are resent.
      if (!idempotent || !error.Retryable() || attempt >= retry_.attempts) return error;
    } else if (result->status >= 200 && result->status < 300) {
      return result;
    } else {
      error = ErrorFromResponse(*result, what);
      bool retry = error.code == ErrorCode::kThrottled || (idempotent && error.Retryable());
      if (!retry || attempt >= retry_.attempts) return error;
    }
    auto wait = delay;
    if (error.retry_after) {
      wait = std::max<std::chrono::milliseconds>(wait, *error.retry_after);
    }
    std::this_thread::sleep_for(wait);
    delay = std::min(delay * 2, retry_.max);
  }
}

Result<Json> Client::DoJson(HttpRequest request, const std::string& what, bool idempotent) {
  auto response = Do(std::move(request), what, idempotent);
  if (!response.ok()) return response.error();
  auto parsed = Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return MakeError(ErrorCode::kInternal, what + ": the server's response is not valid JSON (" +
                                               std::to_string(response->body.size()) + " bytes)");
  }
  return parsed;
}

Result<Json> Client::Get(const ResourceRef& r, const std::string& ns, const std::string& name,
                         const GetOptions& options) {
  std::string query;
  AddQuery(query, "resourceVersion", options.resource_version);
  HttpRequest request{.path = r.Path(ns, name, options.subresource) + query};
  if (options.metadata_only) request.accept = kMetadataAccept;
  return DoJson(std::move(request), Describe("get", r, ns, name), true);
}

Result<Json> Client::List(const ResourceRef& r, const std::string& ns, const ListOptions& options) {
  std::string query;
  AddQuery(query, "labelSelector", options.label_selector);
  AddQuery(query, "fieldSelector", options.field_selector);
  if (options.limit > 0) AddQuery(query, "limit", std::to_string(options.limit));
  AddQuery(query, "continue", options.continue_token);
  AddQuery(query, "resourceVersion", options.resource_version);
  HttpRequest request{.path = r.Path(ns) + query};
  if (options.metadata_only) request.accept = kMetadataListAccept;
  return DoJson(std::move(request), Describe("list", r, ns, ""), true);
}

Result<Json> Client::ListAll(const ResourceRef& r, const std::string& ns, ListOptions options) {
  Json merged;
  while (true) {
    auto page = List(r, ns, options);
    if (!page.ok()) return page.error();
    if (merged.is_null()) {
      merged = std::move(page).value();
    } else {
      auto& items = merged["items"];
      for (auto& item : (*page)["items"]) items.push_back(std::move(item));
      merged["metadata"] = (*page)["metadata"];
    }
    std::string next = merged["metadata"].value("continue", "");
    if (next.empty()) break;
    options.continue_token = next;
  }
  if (merged.contains("metadata")) merged["metadata"].erase("continue");
  return merged;
}

Result<Json> Client::Create(const ResourceRef& r, const std::string& ns, const Json& object,
                            const WriteOptions& options) {
  std::string query;
  AddQuery(query, "fieldManager", options.field_manager);
  if (options.dry_run) AddQuery(query, "dryRun", "All");
  HttpRequest request{.method = "POST",
                      .path = r.Path(ns, {}, {}) + query,
                      .body = object.dump(),
                      .content_type = "application/json"};
  return DoJson(std::move(request), Describe("create", r, ns, ObjectName(object)), false);
}

Result<Json> Client::CreateSubresource(const ResourceRef& r, const std::string& ns,
                                       const std::string& name, const std::string& subresource,
                                       const Json& body, const WriteOptions& options) {
  std::string query;
  AddQuery(query, "fieldManager", options.field_manager);
  if (options.dry_run) AddQuery(query, "dryRun", "All");
  HttpRequest request{.method = "POST",
                      .path = r.Path(ns, name, subresource) + query,
                      .body = body.dump(),
                      .content_type = "application/json"};
  return DoJson(std::move(request), Describe("create", r, ns, name + "/" + subresource), false);
}

Result<Json> Client::Update(const ResourceRef& r, const std::string& ns, const Json& object,
                            const WriteOptions& options) {
  std::string name = ObjectName(object);
  if (name.empty()) {
    return MakeError(ErrorCode::kBadRequest,
                     Describe("update", r, ns, "") + ": the object has no metadata.name");
  }
  std::string query;
  AddQuery(query, "fieldManager", options.field_manager);
  if (options.dry_run) AddQuery(query, "dryRun", "All");
  HttpRequest request{.method = "PUT",
                      .path = r.Path(ns, name, options.subresource) + query,
                      .body = object.dump(),
                      .content_type = "application/json"};
  return DoJson(std::move(request), Describe("update", r, ns, name), true);
}

Result<Json> Client::Patch(const ResourceRef& r, const std::string& ns, const std::string& name,
                           PatchType type, const std::string& body, const PatchOptions& options) {
  std::string query;
  AddQuery(query, "fieldManager", options.field_manager);
  if (options.force) AddQuery(query, "force", "true");
  if (options.dry_run) AddQuery(query, "dryRun", "All");
  HttpRequest request{.method = "PATCH",
                      .path = r.Path(ns, name, options.subresource) + query,
                      .body = body,
                      .content_type = PatchContentType(type)};
  const char* verb = type == PatchType::kApply ? "apply" : "patch";
  return DoJson(std::move(request), Describe(verb, r, ns, name), true);
}

Result<Json> Client::Apply(const ResourceRef& r, const std::string& ns, const Json& object,
                           const PatchOptions& options) {
  std::string name = ObjectName(object);
  if (options.field_manager.empty() || name.empty()) {
    return MakeError(ErrorCode::kBadRequest,
                     Describe("apply", r, ns, name) +
                         ": server-side apply needs a field manager and metadata.name");
  }
  // JSON is valid YAML, so the apply body is the object itself.
  return Patch(r, ns, name, PatchType::kApply, object.dump(), options);
}

Result<Json> Client::Delete(const ResourceRef& r, const std::string& ns, const std::string& name,
                            const DeleteOptions& options) {
  Json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  if (!options.precondition_uid.empty()) body["preconditions"]["uid"] = options.precondition_uid;
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = options.precondition_resource_version;
  }
  switch (options.propagation) {
    case Propagation::kBackground:
      body["propagationPolicy"] = "Background";
      break;
    case Propagation::kForeground:
      body["propagationPolicy"] = "Foreground";
      break;
    case Propagation::kOrphan:
      body["propagationPolicy"] = "Orphan";
      break;
    case Propagation::kDefault:
      break;
  }
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  if (options.dry_run) body["dryRun"] = Json::array({"All"});
  HttpRequest request{.method = "DELETE",
                      .path = r.Path(ns, name),
                      .body = body.dump(),
                      .content_type = "application/json"};
  return DoJson(std::move(request), Describe("delete", r, ns, name), true);
}

}  // namespace awio::kube
