// Implementation of the API server lookups of the validating webhook.
#include "admission/lookup.h"

#include <utility>

#include "api/v1alpha1/codec.h"
#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/resources.h"

namespace awio::admission {

namespace v1alpha1 = api::v1alpha1;

ClientLookup::ClientLookup(std::shared_ptr<kube::Client> client) : client_(std::move(client)) {}

Result<v1alpha1::Config> ClientLookup::GetConfig(const std::string& ns) {
  auto object = client_->Get(v1alpha1::kConfigResource, ns, std::string(v1alpha1::kSingletonName));
  if (!object.ok()) return object.error();
  auto config = v1alpha1::DecodeConfig(*object);
  if (!config.ok()) {
    return MakeError(config.error().code, "decoding " + std::string(v1alpha1::kKindConfig) + " " +
                                              ns + "/" + std::string(v1alpha1::kSingletonName) +
                                              ": " + config.error().message);
  }
  return config;
}

Result<std::vector<v1alpha1::Role>> ClientLookup::ListRoles(const std::string& ns, long limit) {
  kube::ListOptions options{.limit = limit};
  auto list = limit > 0 ? client_->List(v1alpha1::kRoleResource, ns, options)
                        : client_->ListAll(v1alpha1::kRoleResource, ns, options);
  if (!list.ok()) return list.error();

  std::vector<v1alpha1::Role> roles;
  auto items = list->find("items");
  if (items == list->end() || !items->is_array()) return roles;
  roles.reserve(items->size());
  for (const auto& item : *items) {
    auto role = v1alpha1::DecodeRole(item);
    if (!role.ok()) {
      return MakeError(role.error().code, "decoding an " + std::string(v1alpha1::kKindRole) +
                                              " listed in namespace " + ns + ": " +
                                              role.error().message);
    }
    roles.push_back(std::move(role).value());
  }
  return roles;
}

}  // namespace awio::admission
