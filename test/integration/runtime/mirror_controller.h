// The sample controller of the runtime tests: every ConfigMap labelled awio.test/mirror=true
// is mirrored into a Secret of the same name that it owns (controller owner reference), so
// the tests can exercise the primary kind, an owned kind, garbage collection and leader
// election with a real reconciler. It writes only when the Secret differs from the source.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "kube/client.h"
#include "runtime/controller.h"
#include "runtime/informer.h"

namespace awio::test {

class MirrorController {
 public:
  // Watches namespace `ns` of the cluster `client` reaches.
  MirrorController(std::shared_ptr<kube::Client> client, std::string ns);
  ~MirrorController();

  void Start();
  bool Stop(std::chrono::milliseconds deadline);
  bool WaitForSync(std::chrono::milliseconds timeout);

  runtime::Controller& controller() { return *controller_; }
  runtime::JsonInformer& configmaps() { return *configmaps_; }
  int reconciles() const { return reconciles_.load(); }
  // Called at the start of every reconcile (set before Start).
  void OnReconcile(std::function<void(const runtime::Request&)> f) { on_reconcile_ = std::move(f); }
  int writes() const { return writes_.load(); }

 private:
  Result<runtime::ReconcileResult> Reconcile(const runtime::Request& request);

  std::shared_ptr<kube::Client> client_;
  std::string ns_;
  std::shared_ptr<runtime::JsonInformer> configmaps_;
  std::shared_ptr<runtime::JsonInformer> secrets_;
  std::unique_ptr<runtime::Controller> controller_;
  std::function<void(const runtime::Request&)> on_reconcile_;
  std::atomic<int> reconciles_{0};
  std::atomic<int> writes_{0};
};

}  // namespace awio::test
