// Maps kinds to resources (a REST mapper) from the API server's aggregated discovery, with a
// cache that refreshes when a kind is not found, so that CRDs installed after start resolve
// without a restart. Thread-safe.
//
// Part of our own Kubernetes client: no Debian package provides one for C++.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "base/error.h"
#include "kube/client.h"
#include "kube/resource.h"

namespace awio::kube {

class Discovery {
 public:
  // `min_refresh_interval` bounds how often a miss may trigger a refresh.
  explicit Discovery(std::shared_ptr<Client> client,
                     std::chrono::milliseconds min_refresh_interval = std::chrono::seconds(2));

  // The resource serving `kind` in group/version; kNotFound when the server does not serve it
  // even after a refresh.
  Result<ResourceRef> ForKind(const std::string& group, const std::string& version,
                              const std::string& kind);
  // Re-reads discovery now.
  Status Refresh();

 private:
  Result<ResourceRef> Lookup(const std::string& group, const std::string& version,
                             const std::string& kind) const;
  Status Load(const std::string& path);

  std::shared_ptr<Client> client_;
  std::chrono::milliseconds min_refresh_interval_;
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, ResourceRef> by_kind_;
  std::chrono::steady_clock::time_point last_refresh_{};
  bool loaded_ = false;
};

}  // namespace awio::kube
