// A cluster provider fed from kubeconfig files: every `*.kubeconfig` file in a directory is a
// remote cluster named after the file (without the suffix). Files that appear are engaged,
// files that change are re-engaged, files that go are disengaged. A file that does not load
// is reported (LastErrors) and leaves the cluster as it was. Used by tests and local runs; the
// ClusterProfile provider comes with the manager.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "runtime/cluster_set.h"
#include "runtime/manager.h"

namespace awio::runtime {

class KubeconfigDirectoryProvider : public Runnable {
 public:
  KubeconfigDirectoryProvider(std::filesystem::path dir, ClusterSet& clusters,
                              std::chrono::milliseconds poll = std::chrono::seconds(1));
  ~KubeconfigDirectoryProvider() override;

  void Start() override;
  bool Stop(std::chrono::milliseconds deadline) override;
  bool NeedsLeaderElection() const override { return false; }

  // One scan now (also what the polling thread does).
  void Scan();
  // Files that failed to load in the last scan, with the reason.
  std::map<std::string, std::string> LastErrors() const;

 private:
  std::filesystem::path dir_;
  ClusterSet& clusters_;
  std::chrono::milliseconds poll_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
  std::map<std::string, std::filesystem::file_time_type> seen_;
  std::map<std::string, std::string> errors_;
};

}  // namespace awio::runtime
