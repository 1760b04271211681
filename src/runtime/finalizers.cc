// Finalizer reads and optimistic-lock writes (see finalizers.h).
#include "runtime/finalizers.h"

#include <algorithm>

namespace awio::runtime {
namespace {

std::string MetadataString(const kube::Json& object, const char* key) {
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return {};
  auto it = metadata->find(key);
  if (it == metadata->end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// Writes `finalizers` as the object's whole list, guarded by the resourceVersion it was read
// at. An empty list is sent as null, which removes the field.
Result<kube::Json> WriteFinalizers(kube::Client& client, const kube::ResourceRef& resource,
                                   const kube::Json& object,
                                   const std::vector<std::string>& finalizers,
                                   std::string_view field_manager, const char* verb) {
  std::string name = MetadataString(object, "name");
  std::string ns = resource.namespaced ? MetadataString(object, "namespace") : std::string();
  std::string resource_version = MetadataString(object, "resourceVersion");
  if (name.empty() || resource_version.empty()) {
    return MakeError(ErrorCode::kBadRequest,
                     kube::Describe(verb, resource, ns, name) +
                         ": the object needs metadata.name and metadata.resourceVersion so that "
                         "the finalizer write can be guarded against concurrent changes");
  }

  kube::Json patch = {{"metadata", {{"resourceVersion", resource_version}}}};
  patch["metadata"]["finalizers"] =
      finalizers.empty() ? kube::Json(nullptr) : kube::Json(finalizers);
  kube::PatchOptions options{.field_manager = std::string(field_manager)};
  return client.Patch(resource, ns, name, kube::PatchType::kMerge, patch.dump(), options);
}

}  // namespace

std::vector<std::string> Finalizers(const kube::Json& object) {
  std::vector<std::string> names;
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return names;
  auto list = metadata->find("finalizers");
  if (list == metadata->end() || !list->is_array()) return names;
  for (const auto& entry : *list) {
    if (entry.is_string()) names.push_back(entry.get<std::string>());
  }
  return names;
}

bool HasFinalizer(const kube::Json& object, std::string_view name) {
  auto names = Finalizers(object);
  return std::find(names.begin(), names.end(), name) != names.end();
}

Result<kube::Json> EnsureFinalizer(kube::Client& client, const kube::ResourceRef& resource,
                                   const kube::Json& object, std::string_view name,
                                   std::string_view field_manager) {
  if (name.empty()) {
    return MakeError(ErrorCode::kBadRequest, "add finalizer: the finalizer name is empty");
  }
  auto names = Finalizers(object);
  if (std::find(names.begin(), names.end(), name) != names.end()) return object;
  names.emplace_back(name);
  return WriteFinalizers(client, resource, object, names, field_manager, "add finalizer to");
}

Result<kube::Json> RemoveFinalizer(kube::Client& client, const kube::ResourceRef& resource,
                                   const kube::Json& object, std::string_view name,
                                   std::string_view field_manager) {
  auto names = Finalizers(object);
  auto kept = std::remove(names.begin(), names.end(), name);
  if (kept == names.end()) return object;
  names.erase(kept, names.end());
  return WriteFinalizers(client, resource, object, names, field_manager, "remove finalizer from");
}

}  // namespace awio::runtime
