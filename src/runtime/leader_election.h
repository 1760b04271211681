// Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics: a candidate
// takes the lease when it is free or when its holder has not renewed it for the lease
// duration (measured on this process's clock from when the record last changed, so clocks
// need not agree); the leader renews every retry period and steps down when it could not
// renew within the renew deadline; a clean shutdown releases the lease so a successor need
// not wait. One thread per elector.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "kube/client.h"

namespace awio::runtime {

struct LeaderElectionOptions {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per process, e.g. "<hostname>_<random>"
  std::chrono::milliseconds lease_duration{15'000};
  std::chrono::milliseconds renew_deadline{10'000};
  std::chrono::milliseconds retry_period{2'000};
  bool release_on_cancel = true;
};

class LeaderElector {
 public:
  struct Callbacks {
    std::function<void()> on_started_leading;
    std::function<void()> on_stopped_leading;  // after having led: leadership is lost or released
    std::function<void(const std::string& identity)> on_new_leader;
  };

  LeaderElector(std::shared_ptr<kube::Client> client, LeaderElectionOptions options,
                Callbacks callbacks);
  ~LeaderElector();

  void Start();
  // Stops campaigning; releases the lease first when leading and release_on_cancel is set.
  void Stop();
  bool IsLeader() const { return leader_.load(); }

 private:
  void Run();
  // One attempt to acquire or renew; true when this process holds the lease afterwards.
  bool TryAcquireOrRenew();
  void Release();

  std::shared_ptr<kube::Client> client_;
  LeaderElectionOptions options_;
  Callbacks callbacks_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::atomic<bool> leader_{false};
  std::thread thread_;

  // What we last saw of the lease and when (our clock): the expiry check uses these.
  std::string observed_record_;
  std::chrono::steady_clock::time_point observed_time_{};
  std::string observed_holder_;
};

// "2026-12-03T19:00:00.123456Z" (metav1.MicroTime).
std::string MicroTimeNow();

}  // namespace awio::runtime
