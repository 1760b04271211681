// A controller in the controller-runtime mould: a primary kind, owned kinds mapped through
// owner references, other kinds mapped through functions, predicates, a fixed pool of workers
// fed by a rate-limited work queue (a key is queued once and processed by one worker at a
// time), and a reconcile contract of "done", "requeue after d", or an error (retried with
// per-key exponential back-off). An exception escaping a reconcile is caught, counted and
// retried like an error: it never takes the process down.
//
// Requests carry the cluster they concern ("" for the local cluster), so one controller can
// watch a kind in every engaged remote cluster (cluster_set.h).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "runtime/informer.h"
#include "runtime/rate_limiter.h"
#include "runtime/workqueue.h"

namespace awio::runtime {

struct Request {
  std::string cluster;  // "" is the local (hub) cluster
  std::string ns;
  std::string name;

  bool operator==(const Request&) const = default;
  // A work-queue key: "<cluster>|<ns>/<name>"; none of the parts can contain '|'.
  std::string Key() const;
  static Request FromKey(const std::string& key);
  std::string String() const;  // for logs: "[cluster] ns/name"
};

struct ReconcileResult {
  std::chrono::milliseconds requeue_after{0};  // > 0: run again after this delay
  bool requeue = false;                        // run again, rate-limited, without an error

  static ReconcileResult Done() { return {}; }
  static ReconcileResult RequeueAfter(std::chrono::milliseconds d) { return {d, false}; }
};

using Reconciler = std::function<Result<ReconcileResult>(const Request&)>;

// Filters events before they become requests. Empty members let everything through.
struct Predicate {
  std::function<bool(const Json&)> create;
  std::function<bool(const Json& old_object, const Json& new_object)> update;
  std::function<bool(const Json&)> remove;
};

// Updates that change metadata.generation (spec changes, for kinds with a status subresource).
Predicate GenerationChanged();
// Updates that change metadata.labels, or metadata.annotations.
Predicate LabelsChanged();
Predicate AnnotationsChanged();
// Lets an event through when any of the predicates does.
Predicate AnyOf(std::vector<Predicate> predicates);

struct ControllerOptions {
  int workers = 1;
  std::unique_ptr<RateLimiter> rate_limiter;   // null: DefaultControllerRateLimiter()
  observability::Registry* metrics = nullptr;  // null: the default registry
};

class Controller {
 public:
  Controller(std::string name, Reconciler reconciler, ControllerOptions options = {});
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  const std::string& name() const { return name_; }

  void Enqueue(const Request& request);
  void EnqueueAfter(const Request& request, std::chrono::milliseconds delay);

  // The primary kind: each event enqueues the object itself.
  void For(JsonInformer& informer, std::string cluster = {}, Predicate predicate = {});
  // An owned kind: each event enqueues the controlling owner of the given kind
  // (ownerReferences with controller=true, matching apiVersion group and kind), in the same
  // namespace and cluster.
  void Owns(JsonInformer& informer, const std::string& owner_group, const std::string& owner_kind,
            std::string cluster = {}, Predicate predicate = {});
  // Any other kind: `map` turns an object into the requests to enqueue.
  void Watches(JsonInformer& informer, std::function<std::vector<Request>(const Json&)> map,
               Predicate predicate = {});

  // Starts the workers; returns at once.
  void Start();
  // Stops taking new work, lets in-flight reconciles finish within `deadline`, then returns.
  // Returns false when some reconcile was still running at the deadline.
  bool Stop(std::chrono::milliseconds deadline);

  std::size_t QueueLength() const;

 private:
  void AddMapped(JsonInformer& informer, std::function<std::vector<Request>(const Json&)> map,
                 Predicate predicate, bool map_old_on_update);
  void Worker();
  void ReconcileOne(const std::string& key);

  std::string name_;
  Reconciler reconciler_;
  int workers_;
  observability::Registry* metrics_;
  std::unique_ptr<RateLimitingQueue> queue_;
  std::vector<std::thread> threads_;
  std::atomic<int> active_{0};
  std::atomic<bool> started_{false};
};

}  // namespace awio::runtime
