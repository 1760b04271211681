// Implementation of the kubeconfig directory provider.
#include "runtime/kubeconfig_provider.h"

#include <set>

#include "kube/config/kubeconfig.h"

namespace awio::runtime {
namespace fs = std::filesystem;

namespace {
constexpr const char* kSuffix = ".kubeconfig";
}  // namespace

KubeconfigDirectoryProvider::KubeconfigDirectoryProvider(fs::path dir, ClusterSet& clusters,
                                                         std::chrono::milliseconds poll)
    : dir_(std::move(dir)), clusters_(clusters), poll_(poll) {}

KubeconfigDirectoryProvider::~KubeconfigDirectoryProvider() { Stop(std::chrono::seconds(0)); }

void KubeconfigDirectoryProvider::Start() {
  thread_ = std::thread([this] {
    while (true) {
      Scan();
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, poll_, [&] { return stop_; })) return;
    }
  });
}

bool KubeconfigDirectoryProvider::Stop(std::chrono::milliseconds) {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  return true;
}

std::map<std::string, std::string> KubeconfigDirectoryProvider::LastErrors() const {
  std::lock_guard lock(mu_);
  return errors_;
}

void KubeconfigDirectoryProvider::Scan() {
  std::map<std::string, fs::file_time_type> present;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string file = entry.path().filename().string();
    if (!entry.is_regular_file() || file.size() <= std::string(kSuffix).size() ||
        file.substr(file.size() - std::string(kSuffix).size()) != kSuffix) {
      continue;
    }
    present[file.substr(0, file.size() - std::string(kSuffix).size())] = entry.last_write_time(ec);
  }

  std::map<std::string, fs::file_time_type> seen;
  {
    std::lock_guard lock(mu_);
    seen = seen_;
  }
  std::map<std::string, std::string> errors;
  for (const auto& [name, mtime] : present) {
    auto it = seen.find(name);
    if (it != seen.end() && it->second == mtime) continue;
    auto path = dir_ / (name + kSuffix);
    auto config = kube::LoadKubeconfig({.paths = {path.string()}});
    if (!config.ok()) {
      errors[name] = config.error().ToString();
      continue;  // keep the cluster as it was; retry on the next change
    }
    clusters_.Engage(name, *config);
    seen[name] = mtime;
  }
  for (auto it = seen.begin(); it != seen.end();) {
    if (!present.count(it->first)) {
      clusters_.Disengage(it->first);
      it = seen.erase(it);
    } else {
      ++it;
    }
  }
  std::lock_guard lock(mu_);
  seen_ = std::move(seen);
  errors_ = std::move(errors);
}

}  // namespace awio::runtime
