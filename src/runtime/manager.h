// The manager owns what runs in the process: runnables (controllers, informers, cluster
// providers), leader election on a Lease (runnables that need it start only once this process
// leads; losing the lease ends the process so a restart can campaign again), the /healthz and
// /readyz endpoints, and graceful shutdown on SIGTERM and SIGINT (stop intake, let in-flight
// reconciles finish within a deadline, release the lease).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kube/client.h"
#include "runtime/leader_election.h"

namespace awio::runtime {

// Something the manager starts and stops.
class Runnable {
 public:
  virtual ~Runnable() = default;
  virtual void Start() = 0;
  // Stops within `deadline` where possible; returns false when work was cut short.
  virtual bool Stop(std::chrono::milliseconds deadline) = 0;
  // True: start only on the elected leader (controllers). False: start at once (caches,
  // servers).
  virtual bool NeedsLeaderElection() const { return true; }
};

// A Runnable from two functions.
std::shared_ptr<Runnable> MakeRunnable(std::function<void()> start,
                                       std::function<bool(std::chrono::milliseconds)> stop,
                                       bool needs_leader_election = true);

struct ManagerOptions {
  std::optional<LeaderElectionOptions> leader_election;  // nullopt: no election
  std::string health_address;                            // "127.0.0.1:8081"; empty: no probe server
  std::chrono::milliseconds graceful_shutdown{30'000};
};

class Manager {
 public:
  using Check = std::function<std::optional<std::string>()>;  // nullopt: healthy; else why not

  Manager(std::shared_ptr<kube::Client> local, ManagerOptions options);
  ~Manager();

  const std::shared_ptr<kube::Client>& local() const { return local_; }

  void Add(std::shared_ptr<Runnable> runnable);
  void AddHealthCheck(const std::string& name, Check check);
  void AddReadyCheck(const std::string& name, Check check);

  // Runs until SIGTERM/SIGINT, RequestStop(), or a lost lease. Returns the process exit code:
  // 0 on a requested stop, 1 when leadership was lost or the probe server could not start.
  int Run();
  // Asks Run to return (thread-safe; used by tests and by signal handling).
  void RequestStop();
  bool IsLeader() const;
  // The port the probe server bound (useful with port 0); 0 when none.
  int health_port() const { return health_port_.load(); }

 private:
  struct Probes;
  void StartLeaderRunnables();

  std::shared_ptr<kube::Client> local_;
  ManagerOptions options_;
  std::mutex mu_;
  std::vector<std::shared_ptr<Runnable>> runnables_;
  std::vector<std::shared_ptr<Runnable>> started_;
  std::map<std::string, Check> health_checks_;
  std::map<std::string, Check> ready_checks_;
  std::unique_ptr<LeaderElector> elector_;
  std::unique_ptr<Probes> probes_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> lost_lease_{false};
  std::atomic<bool> leading_{false};
  std::atomic<int> health_port_{0};
};

}  // namespace awio::runtime
