// Status comparison and the guarded status write (see status.h).
#include "runtime/status.h"

#include <string>

namespace awio::runtime {
namespace {

std::string MetadataString(const kube::Json& object, const char* key) {
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return {};
  auto it = metadata->find(key);
  if (it == metadata->end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

Result<bool> UpdateStatusIfChanged(kube::Client& client, const kube::ResourceRef& resource,
                                   const kube::Json& observed, const kube::Json& desired_status,
                                   std::string_view field_manager) {
  if (!observed.is_object()) {
    return MakeError(ErrorCode::kBadRequest,
                     "update status of " + resource.QualifiedName() + ": not an object");
  }
  auto current = observed.find("status");
  bool unchanged =
      current == observed.end() ? desired_status.is_null() : *current == desired_status;
  if (unchanged) return false;

  std::string name = MetadataString(observed, "name");
  std::string ns = resource.namespaced ? MetadataString(observed, "namespace") : std::string();
  if (name.empty() || MetadataString(observed, "resourceVersion").empty()) {
    return MakeError(ErrorCode::kBadRequest,
                     kube::Describe("update status of", resource, ns, name) +
                         ": the object needs metadata.name and metadata.resourceVersion so that "
                         "a stale status write is refused");
  }

  // The body is the observed object with the new status; the status subresource ignores
  // everything else, and the resourceVersion it carries makes the PUT conditional. Objects
  // from a list lack apiVersion and kind, which custom resources require.
  kube::Json body = observed;
  body["status"] = desired_status;
  if (!body.contains("apiVersion")) body["apiVersion"] = resource.GroupVersion();
  if (!body.contains("kind") && !resource.kind.empty()) body["kind"] = resource.kind;

  kube::WriteOptions options{.field_manager = std::string(field_manager), .subresource = "status"};
  auto written = client.Update(resource, ns, body, options);
  if (!written.ok()) return written.error();
  return true;
}

}  // namespace awio::runtime
