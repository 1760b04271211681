#include "controllers/role/service_account.h"

#include "api/v1alpha1/constants.h"
#include "kube/resource.h"

namespace awio::controllers::role {
namespace {

namespace ann = api::v1alpha1::annotation;

std::string Key(const std::string& ns, const std::string& name) { return ns + "/" + name; }

Error Wrap(const Error& cause, const std::string& prefix) {
  Error e = cause;
  e.message = prefix + ": " + cause.message;
  return e;
}

const kube::Json& Annotations(const kube::Json& object) {
  static const kube::Json kEmpty = kube::Json::object();
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return kEmpty;
  auto annotations = metadata->find("annotations");
  return annotations != metadata->end() && annotations->is_object() ? *annotations : kEmpty;
}

Result<kube::Json> PatchAnnotations(kube::Client& client, const kube::Json& service_account,
                                    const kube::Json& changes, std::string_view field_manager) {
  const kube::Json& metadata = service_account["metadata"];
  kube::Json patch = {
      {"metadata",
       {{"resourceVersion", metadata.value("resourceVersion", "")}, {"annotations", changes}}}};
  return client.Patch(kube::resources::kServiceAccounts, metadata.value("namespace", ""),
                      metadata.value("name", ""), kube::PatchType::kMerge, patch.dump(),
                      {.field_manager = std::string(field_manager)});
}

}  // namespace

std::map<std::string, std::string> DesiredAnnotations(const std::string& role_arn) {
  return {
      {std::string(ann::kEKSRoleARN), role_arn},
      {std::string(ann::kEKSAudience), std::string(ann::kEKSAudienceValue)},
      {std::string(ann::kEKSSTSRegionalEndpoints), std::string(ann::kEKSSTSRegionalEndpointsValue)},
      {std::string(ann::kEKSTokenExpiration), std::string(ann::kEKSTokenExpirationValue)}};
}

Result<std::string> ApplyAnnotations(kube::Client& client, const kube::Json& service_account,
                                     const std::string& role_arn, std::string_view field_manager) {
  if (role_arn.empty()) return std::string("unchanged");
  const kube::Json& current = Annotations(service_account);
  kube::Json changes = kube::Json::object();
  for (const auto& [key, value] : DesiredAnnotations(role_arn)) {
    auto it = current.find(key);
    if (it == current.end() || !it->is_string() || it->get<std::string>() != value) {
      changes[key] = value;
    }
  }
  if (changes.empty()) return std::string("unchanged");
  auto patched = PatchAnnotations(client, service_account, changes, field_manager);
  if (!patched.ok()) {
    const kube::Json& metadata = service_account["metadata"];
    return Wrap(patched.error(),
                "patch remote ServiceAccount " +
                    Key(metadata.value("namespace", ""), metadata.value("name", "")));
  }
  return std::string("updated");
}

Result<std::string> GetAndApplyAnnotations(kube::Client& client, const std::string& ns,
                                           const std::string& name, const std::string& role_arn,
                                           std::string_view field_manager) {
  auto read = client.Get(kube::resources::kServiceAccounts, ns, name);
  if (!read.ok()) return Wrap(read.error(), "get remote ServiceAccount " + Key(ns, name));
  return ApplyAnnotations(client, *read, role_arn, field_manager);
}

Result<std::string> RemoveAnnotations(kube::Client& client, const std::string& ns,
                                      const std::string& name, const std::string& role_arn,
                                      std::string_view field_manager) {
  if (role_arn.empty()) return std::string("unchanged");
  auto read = client.Get(kube::resources::kServiceAccounts, ns, name);
  if (!read.ok()) {
    if (read.error().code == ErrorCode::kNotFound) return std::string("unchanged");
    return Wrap(read.error(), "get remote ServiceAccount " + Key(ns, name));
  }
  const kube::Json& current = Annotations(*read);
  auto owner = current.find(std::string(ann::kEKSRoleARN));
  if (owner == current.end() || !owner->is_string() || owner->get<std::string>() != role_arn) {
    return std::string("unchanged");
  }
  kube::Json changes = kube::Json::object();
  for (const auto& [key, value] : DesiredAnnotations(role_arn)) changes[key] = nullptr;
  auto patched = PatchAnnotations(client, *read, changes, field_manager);
  if (!patched.ok()) {
    return Wrap(patched.error(), "patch remote ServiceAccount " + Key(ns, name));
  }
  return std::string("updated");
}

}  // namespace awio::controllers::role
