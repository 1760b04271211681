// Implementation of the manager. The probe server uses cpp-httplib.
#include "runtime/manager.h"

#include <httplib.h>
#include <signal.h>

#include <thread>

#include "base/log.h"
#include "observability/metrics.h"

namespace awio::runtime {
namespace {

class FunctionRunnable : public Runnable {
 public:
  FunctionRunnable(std::function<void()> start, std::function<bool(std::chrono::milliseconds)> stop,
                   bool leader)
      : start_(std::move(start)), stop_(std::move(stop)), leader_(leader) {}
  void Start() override {
    if (start_) start_();
  }
  bool Stop(std::chrono::milliseconds deadline) override { return stop_ ? stop_(deadline) : true; }
  bool NeedsLeaderElection() const override { return leader_; }

 private:
  std::function<void()> start_;
  std::function<bool(std::chrono::milliseconds)> stop_;
  bool leader_;
};

std::atomic<Manager*> g_signal_target{nullptr};

// leader_election_master_status{name=<lease name>}, as client-go reports it.
observability::GaugeSeries& LeaderGauge(const std::string& lease_name) {
  return observability::Registry::Default()
      .Gauge("leader_election_master_status",
             "Whether this process is the leader (1) or not (0) for the named lease.", {"name"})
      .WithLabels({lease_name});
}

void OnSignal(int) {
  if (Manager* m = g_signal_target.load()) m->RequestStop();
}

}  // namespace

struct Manager::Probes {
  httplib::Server server;
  std::thread thread;
};

std::shared_ptr<Runnable> MakeRunnable(std::function<void()> start,
                                       std::function<bool(std::chrono::milliseconds)> stop,
                                       bool needs_leader_election) {
  return std::make_shared<FunctionRunnable>(std::move(start), std::move(stop),
                                            needs_leader_election);
}

Manager::Manager(std::shared_ptr<kube::Client> local, ManagerOptions options)
    : local_(std::move(local)), options_(std::move(options)) {}

Manager::~Manager() {
  if (probes_) {
    probes_->server.stop();
    if (probes_->thread.joinable()) probes_->thread.join();
  }
}

void Manager::Add(std::shared_ptr<Runnable> runnable) {
  std::lock_guard lock(mu_);
  runnables_.push_back(std::move(runnable));
}

void Manager::AddHealthCheck(const std::string& name, Check check) {
  std::lock_guard lock(mu_);
  health_checks_[name] = std::move(check);
}

void Manager::AddReadyCheck(const std::string& name, Check check) {
  std::lock_guard lock(mu_);
  ready_checks_[name] = std::move(check);
}

void Manager::RequestStop() { stop_requested_ = true; }

bool Manager::IsLeader() const { return leading_.load(); }

void Manager::StartLeaderRunnables() {
  std::lock_guard lock(mu_);
  for (auto& r : runnables_) {
    if (r->NeedsLeaderElection()) {
      r->Start();
      started_.push_back(r);
    }
  }
}

int Manager::Run() {
  g_signal_target = this;
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  if (!options_.health_address.empty()) {
    probes_ = std::make_unique<Probes>();
    auto serve = [this](const std::map<std::string, Check>& checks, httplib::Response& res) {
      std::string body;
      bool ok = true;
      std::map<std::string, Check> copy;
      {
        std::lock_guard lock(mu_);
        copy = checks;
      }
      for (const auto& [name, check] : copy) {
        auto problem = check();
        body += (problem ? "[-]" + name + " failed: " + *problem : "[+]" + name + " ok") + "\n";
        ok = ok && !problem;
      }
      res.status = ok ? 200 : 500;
      res.set_content(body + (ok ? "ok\n" : "not ok\n"), "text/plain");
    };
    probes_->server.Get("/healthz", [this, serve](const httplib::Request&, httplib::Response& res) {
      serve(health_checks_, res);
    });
    probes_->server.Get("/readyz", [this, serve](const httplib::Request&, httplib::Response& res) {
      serve(ready_checks_, res);
    });
    auto colon = options_.health_address.rfind(':');
    std::string host = options_.health_address.substr(0, colon);
    int port = std::stoi(options_.health_address.substr(colon + 1));
    if (port == 0) {
      port = probes_->server.bind_to_any_port(host.empty() ? "0.0.0.0" : host);
    } else if (!probes_->server.bind_to_port(host.empty() ? "0.0.0.0" : host, port)) {
      port = -1;
    }
    if (port < 0) {
      g_signal_target = nullptr;
      return 1;
    }
    health_port_ = port;
    probes_->thread = std::thread([this] { probes_->server.listen_after_bind(); });
  }

  {
    std::lock_guard lock(mu_);
    for (auto& r : runnables_) {
      if (!r->NeedsLeaderElection()) {
        r->Start();
        started_.push_back(r);
      }
    }
  }

  if (options_.leader_election) {
    elector_ = std::make_unique<LeaderElector>(
        local_, *options_.leader_election,
        LeaderElector::Callbacks{.on_started_leading =
                                     [this] {
                                       leading_ = true;
                                       log::Info(
                                           "manager", "became leader",
                                           {{"lease", options_.leader_election->lease_name},
                                            {"identity", options_.leader_election->identity}});
                                       LeaderGauge(options_.leader_election->lease_name).Set(1);
                                       StartLeaderRunnables();
                                     },
                                 .on_stopped_leading =
                                     [this] {
                                       LeaderGauge(options_.leader_election->lease_name).Set(0);
                                       if (leading_.exchange(false) && !stop_requested_) {
                                         lost_lease_ = true;
                                       }
                                     }});
    elector_->Start();
  } else {
    leading_ = true;
    StartLeaderRunnables();
  }

  while (!stop_requested_ && !lost_lease_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  // Stop intake and drain in reverse start order, then give the lease away.
  auto deadline = std::chrono::steady_clock::now() + options_.graceful_shutdown;
  std::vector<std::shared_ptr<Runnable>> to_stop;
  {
    std::lock_guard lock(mu_);
    to_stop.assign(started_.rbegin(), started_.rend());
    started_.clear();
  }
  for (auto& r : to_stop) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    r->Stop(std::max(left, std::chrono::milliseconds(0)));
  }
  if (elector_) elector_->Stop();
  if (probes_) {
    probes_->server.stop();
    if (probes_->thread.joinable()) probes_->thread.join();
  }
  g_signal_target = nullptr;
  return lost_lease_ ? 1 : 0;
}

}  // namespace awio::runtime
