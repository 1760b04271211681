// Implementation of the kind-to-resource mapper over aggregated discovery (apidiscovery v2).
#include "kube/discovery.h"

namespace awio::kube {
namespace {

constexpr const char* kAggregatedAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

}  // namespace

Discovery::Discovery(std::shared_ptr<Client> client, std::chrono::milliseconds interval)
    : client_(std::move(client)), min_refresh_interval_(interval) {}

Status Discovery::Load(const std::string& path) {
  HttpRequest request{.path = path, .accept = kAggregatedAccept};
  auto response = client_->Do(std::move(request), "discover " + path, true);
  if (!response.ok()) return response.error();
  auto list = Json::parse(response->body, nullptr, false);
  if (list.is_discarded() || list.value("kind", "") != "APIGroupDiscoveryList") {
    return MakeError(ErrorCode::kInternal,
                     "discover " + path + ": the server did not answer with aggregated discovery");
  }
  std::lock_guard lock(mu_);
  for (const auto& group : list.value("items", Json::array())) {
    std::string group_name = group["metadata"].value("name", "");
    for (const auto& version : group.value("versions", Json::array())) {
      std::string version_name = version.value("version", "");
      for (const auto& resource : version.value("resources", Json::array())) {
        ResourceRef ref;
        ref.group = group_name;
        ref.version = version_name;
        ref.resource = resource.value("resource", "");
        ref.namespaced = resource.value("scope", "") == "Namespaced";
        ref.kind =
            resource.contains("responseKind") ? resource["responseKind"].value("kind", "") : "";
        if (!ref.kind.empty()) by_kind_[{group_name, version_name, ref.kind}] = ref;
      }
    }
  }
  return OkStatus();
}

Status Discovery::Refresh() {
  {
    std::lock_guard lock(mu_);
    by_kind_.clear();
    last_refresh_ = std::chrono::steady_clock::now();
  }
  for (const char* path : {"/api", "/apis"}) {
    auto status = Load(path);
    if (!status.ok()) return status;
  }
  std::lock_guard lock(mu_);
  loaded_ = true;
  return OkStatus();
}

Result<ResourceRef> Discovery::Lookup(const std::string& group, const std::string& version,
                                      const std::string& kind) const {
  std::lock_guard lock(mu_);
  auto it = by_kind_.find({group, version, kind});
  if (it != by_kind_.end()) return it->second;
  return MakeError(ErrorCode::kNotFound, "the server does not serve kind " + kind + " in " +
                                             (group.empty() ? version : group + "/" + version));
}

Result<ResourceRef> Discovery::ForKind(const std::string& group, const std::string& version,
                                       const std::string& kind) {
  auto found = Lookup(group, version, kind);
  if (found.ok()) return found;
  bool may_refresh;
  {
    std::lock_guard lock(mu_);
    may_refresh =
        !loaded_ || std::chrono::steady_clock::now() - last_refresh_ >= min_refresh_interval_;
  }
  if (!may_refresh) return found;
  auto refreshed = Refresh();
  if (!refreshed.ok()) return refreshed.error();
  return Lookup(group, version, kind);
}

}  // namespace awio::kube
