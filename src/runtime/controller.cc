// Implementation of the controller: event sources, workers and the reconcile loop.
#include "runtime/controller.h"

#include <exception>

#include "base/log.h"

namespace awio::runtime {
namespace {

using Clock = std::chrono::steady_clock;

bool Allows(const std::function<bool(const Json&)>& f, const Json& o) { return !f || f(o); }

}  // namespace

std::string Request::Key() const { return cluster + "|" + ns + "/" + name; }

Request Request::FromKey(const std::string& key) {
  Request r;
  auto bar = key.find('|');
  r.cluster = key.substr(0, bar);
  std::string rest = key.substr(bar + 1);
  auto slash = rest.find('/');
  r.ns = rest.substr(0, slash);
  r.name = rest.substr(slash + 1);
  return r;
}

std::string Request::String() const {
  std::string object = ns.empty() ? name : ns + "/" + name;
  return cluster.empty() ? object : "[" + cluster + "] " + object;
}

Predicate GenerationChanged() {
  return {.update = [](const Json& a, const Json& b) {
    return a["metadata"].value("generation", 0L) != b["metadata"].value("generation", 0L);
  }};
}

Predicate LabelsChanged() {
  return {.update = [](const Json& a, const Json& b) {
    return a["metadata"].value("labels", Json::object()) !=
           b["metadata"].value("labels", Json::object());
  }};
}

Predicate AnnotationsChanged() {
  return {.update = [](const Json& a, const Json& b) {
    return a["metadata"].value("annotations", Json::object()) !=
           b["metadata"].value("annotations", Json::object());
  }};
}

Predicate AnyOf(std::vector<Predicate> predicates) {
  auto shared = std::make_shared<std::vector<Predicate>>(std::move(predicates));
  return {.create =
              [shared](const Json& o) {
                for (const auto& p : *shared) {
                  if (Allows(p.create, o)) return true;
                }
                return shared->empty();
              },
          .update =
              [shared](const Json& a, const Json& b) {
                for (const auto& p : *shared) {
                  if (!p.update || p.update(a, b)) return true;
                }
                return shared->empty();
              },
          .remove =
              [shared](const Json& o) {
                for (const auto& p : *shared) {
                  if (Allows(p.remove, o)) return true;
                }
                return shared->empty();
              }};
}

Controller::Controller(std::string name, Reconciler reconciler, ControllerOptions options)
    : name_(std::move(name)),
      reconciler_(std::move(reconciler)),
      workers_(std::max(1, options.workers)),
      metrics_(options.metrics != nullptr ? options.metrics : &observability::Registry::Default()) {
  auto limiter =
      options.rate_limiter ? std::move(options.rate_limiter) : DefaultControllerRateLimiter();
  queue_ = std::make_unique<RateLimitingQueue>(name_, std::move(limiter), metrics_);
}

Controller::~Controller() { Stop(std::chrono::seconds(0)); }

void Controller::Enqueue(const Request& request) { queue_->Add(request.Key()); }

void Controller::EnqueueAfter(const Request& request, std::chrono::milliseconds delay) {
  queue_->AddAfter(request.Key(), delay);
}

void Controller::AddMapped(JsonInformer& informer,
                           std::function<std::vector<Request>(const Json&)> map,
                           Predicate predicate, bool map_old_on_update) {
  auto enqueue = [this, map = std::move(map)](const Json& o) {
    for (const auto& r : map(o)) Enqueue(r);
  };
  informer.AddHandlers({.on_add =
                            [=](const Json& o) {
                              if (Allows(predicate.create, o)) enqueue(o);
                            },
                        .on_update =
                            [=](const Json& a, const Json& b) {
                              if (predicate.update && !predicate.update(a, b)) return;
                              if (map_old_on_update) enqueue(a);
                              enqueue(b);
                            },
                        .on_delete =
                            [=](const Json& o) {
                              if (Allows(predicate.remove, o)) enqueue(o);
                            }});
}

void Controller::For(JsonInformer& informer, std::string cluster, Predicate predicate) {
  AddMapped(
      informer,
      [cluster](const Json& o) {
        auto key = KeyOf(o);
        return std::vector<Request>{{cluster, key.ns, key.name}};
      },
      std::move(predicate), false);
}

void Controller::Owns(JsonInformer& informer, const std::string& owner_group,
                      const std::string& owner_kind, std::string cluster, Predicate predicate) {
  auto owners = [owner_group, owner_kind, cluster](const Json& o) {
    std::vector<Request> out;
    const auto& meta = o["metadata"];
    for (const auto& ref : meta.value("ownerReferences", Json::array())) {
      if (!ref.value("controller", false) || ref.value("kind", "") != owner_kind) continue;
      std::string api_version = ref.value("apiVersion", "");
      auto slash = api_version.find('/');
      std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
      if (group == owner_group)
        out.push_back({cluster, meta.value("namespace", ""), ref.value("name", "")});
    }
    return out;
  };
  // An owner reference may move on update: wake the old owner as well as the new one.
  AddMapped(informer, owners, std::move(predicate), true);
}

void Controller::Watches(JsonInformer& informer,
                         std::function<std::vector<Request>(const Json&)> map,
                         Predicate predicate) {
  AddMapped(informer, std::move(map), std::move(predicate), false);
}

void Controller::Start() {
  if (started_.exchange(true)) return;
  metrics_
      ->Gauge("controller_runtime_max_concurrent_reconciles",
              "Maximum number of concurrent reconciles per controller", {"controller"})
      .WithLabels({name_})
      .Set(workers_);
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { Worker(); });
}

bool Controller::Stop(std::chrono::milliseconds deadline) {
  if (!started_) {
    queue_->ShutDown();
    return true;
  }
  queue_->ShutDown();
  auto until = Clock::now() + deadline;
  while (active_.load() > 0 && Clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  bool drained = active_.load() == 0;
  for (auto& t : threads_) {
    if (!t.joinable()) continue;
    if (drained) {
      t.join();
    } else {
      t.detach();  // a reconcile overran the deadline; the process is shutting down
    }
  }
  threads_.clear();
  return drained;
}

std::size_t Controller::QueueLength() const { return static_cast<std::size_t>(queue_->Len()); }

void Controller::Worker() {
  while (auto key = queue_->Get()) {
    ++active_;
    ReconcileOne(*key);
    queue_->Done(*key);
    --active_;
  }
}

void Controller::ReconcileOne(const std::string& key) {
  Request request = Request::FromKey(key);
  auto& active = metrics_
                     ->Gauge("controller_runtime_active_workers",
                             "Number of currently used workers per controller", {"controller"})
                     .WithLabels({name_});
  active.Inc();
  auto start = Clock::now();
  std::optional<Result<ReconcileResult>> outcome;
  bool panicked = false;
  try {
    outcome.emplace(reconciler_(request));
  } catch (const std::exception& e) {
    panicked = true;
    outcome.emplace(
        MakeError(ErrorCode::kInternal, "reconcile " + request.String() + " threw: " + e.what()));
  } catch (...) {
    panicked = true;
    outcome.emplace(MakeError(ErrorCode::kInternal,
                              "reconcile " + request.String() + " threw a non-standard exception"));
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  active.Dec();
  metrics_
      ->Histogram("controller_runtime_reconcile_time_seconds",
                  "Length of time per reconciliation per controller", {"controller"},
                  observability::kReconcileTimeBuckets)
      .WithLabels({name_})
      .Observe(seconds);
  auto& total =
      metrics_->Counter("controller_runtime_reconcile_total",
                        "Total number of reconciliations per controller", {"controller", "result"});
  if (panicked) {
    metrics_
        ->Counter("controller_runtime_reconcile_panics_total",
                  "Total number of reconciliation panics per controller", {"controller"})
        .WithLabels({name_})
        .Inc();
  }

  const auto& result = *outcome;
  if (!result.ok()) {
    // Retries back off per key, so these records thin out by themselves on a stuck object.
    log::Warn("controller", panicked ? "reconcile threw" : "reconcile failed",
              {{log::keys::kController, name_},
               {log::keys::kCluster, request.cluster},
               {log::keys::kNamespace, request.ns},
               {log::keys::kName, request.name},
               {log::keys::kError, result.error().ToString()}});
    total.WithLabels({name_, "error"}).Inc();
    metrics_
        ->Counter("controller_runtime_reconcile_errors_total",
                  "Total number of reconciliation errors per controller", {"controller"})
        .WithLabels({name_})
        .Inc();
    queue_->AddRateLimited(key);
    return;
  }
  if (result->requeue_after.count() > 0) {
    total.WithLabels({name_, "requeue_after"}).Inc();
    queue_->Forget(key);
    queue_->AddAfter(key, result->requeue_after);
  } else if (result->requeue) {
    total.WithLabels({name_, "requeue"}).Inc();
    queue_->AddRateLimited(key);
  } else {
    total.WithLabels({name_, "success"}).Inc();
    queue_->Forget(key);
  }
}

}  // namespace awio::runtime
