// Implementation of Lease-based leader election.
#include "runtime/leader_election.h"

#include "runtime/conditions.h"

namespace awio::runtime {
namespace {

using Clock = std::chrono::steady_clock;
using kube::Json;
const kube::ResourceRef& Leases() { return kube::resources::kLeases; }

}  // namespace

std::string MicroTimeNow() { return FormatRfc3339Micros(std::chrono::system_clock::now()); }

LeaderElector::LeaderElector(std::shared_ptr<kube::Client> client, LeaderElectionOptions options,
                             Callbacks callbacks)
    : client_(std::move(client)), options_(std::move(options)), callbacks_(std::move(callbacks)) {}

LeaderElector::~LeaderElector() { Stop(); }

void LeaderElector::Start() {
  thread_ = std::thread([this] { Run(); });
}

void LeaderElector::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool LeaderElector::TryAcquireOrRenew() {
  const std::string& ns = options_.lease_namespace;
  auto now_text = MicroTimeNow();
  long duration_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(options_.lease_duration).count();
  auto current = client_->Get(Leases(), ns, options_.lease_name);
  if (!current.ok()) {
    if (current.error().code != ErrorCode::kNotFound) return false;
    Json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata", {{"name", options_.lease_name}, {"namespace", ns}}},
                  {"spec",
                   {{"holderIdentity", options_.identity},
                    {"leaseDurationSeconds", duration_seconds},
                    {"acquireTime", now_text},
                    {"renewTime", now_text},
                    {"leaseTransitions", 0}}}};
    auto created = client_->Create(Leases(), ns, lease);
    if (!created.ok()) return false;
    observed_record_ = (*created)["spec"].dump();
    observed_time_ = Clock::now();
    observed_holder_ = options_.identity;
    return true;
  }

  Json lease = std::move(current).value();
  Json spec = lease.value("spec", Json::object());
  std::string holder = spec.value("holderIdentity", "");
  std::string record = spec.dump();
  if (record != observed_record_) {
    observed_record_ = record;
    observed_time_ = Clock::now();
    if (holder != observed_holder_) {
      observed_holder_ = holder;
      if (callbacks_.on_new_leader && !holder.empty()) callbacks_.on_new_leader(holder);
    }
  }
  long held_for = spec.value("leaseDurationSeconds", duration_seconds);
  bool expired = Clock::now() > observed_time_ + std::chrono::seconds(held_for);
  bool ours = holder == options_.identity;
  if (!holder.empty() && !ours && !expired) return false;

  Json next = spec;
  next["holderIdentity"] = options_.identity;
  next["leaseDurationSeconds"] = duration_seconds;
  next["renewTime"] = now_text;
  if (!ours) {
    next["acquireTime"] = now_text;
    next["leaseTransitions"] = spec.value("leaseTransitions", 0) + 1;
  }
  lease["spec"] = next;
  auto updated = client_->Update(Leases(), ns, lease);  // resourceVersion: optimistic lock
  if (!updated.ok()) return false;
  observed_record_ = (*updated)["spec"].dump();
  observed_time_ = Clock::now();
  observed_holder_ = options_.identity;
  return true;
}

void LeaderElector::Release() {
  auto current = client_->Get(Leases(), options_.lease_namespace, options_.lease_name);
  if (!current.ok()) return;
  Json lease = std::move(current).value();
  if (lease["spec"].value("holderIdentity", "") != options_.identity) return;
  // An empty holder with a one-second duration lets a successor take over at once.
  lease["spec"]["holderIdentity"] = "";
  lease["spec"]["leaseDurationSeconds"] = 1;
  lease["spec"]["renewTime"] = MicroTimeNow();
  (void)client_->Update(Leases(), options_.lease_namespace, lease);
}

void LeaderElector::Run() {
  auto wait = [&](std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, d, [&] { return stop_; });
  };
  // Campaign until the lease is ours.
  while (true) {
    if (TryAcquireOrRenew()) break;
    if (!wait(options_.retry_period)) return;
  }
  leader_ = true;
  if (callbacks_.on_started_leading) callbacks_.on_started_leading();

  // Renew; step down when no renewal succeeded within the renew deadline.
  auto last_renew = Clock::now();
  while (wait(options_.retry_period)) {
    if (TryAcquireOrRenew()) {
      last_renew = Clock::now();
    } else if (Clock::now() - last_renew > options_.renew_deadline) {
      leader_ = false;
      if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
      return;
    }
  }
  if (options_.release_on_cancel) Release();
  leader_ = false;
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
}

}  // namespace awio::runtime
