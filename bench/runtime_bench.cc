// Benchmarks of the controller runtime against real API servers (issue: controller runtime,
// item 9). Not a test: it prints figures. Run: build/<preset>/bench/runtime_bench
//   1. reconcile throughput with a no-op reconciler over 10,000 objects;
//   2. heap memory per cached object for a realistic custom resource (ACK IAM Role),
//      whole (managedFields stripped) and as a compact typed projection, against its JSON size;
//   3. threads with 100 engaged clusters, each with a running informer.
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "environment.h"
#include "runtime/cluster_set.h"
#include "runtime/controller.h"
#include "runtime/informer.h"
#include "support/kube_client_util.h"
#include "support/process_stats.h"

namespace {

using awio::kube::Json;
using Clock = std::chrono::steady_clock;

// Bytes currently allocated on the heap (glibc): exact for "what does this cache hold".
std::size_t HeapBytes() { return mallinfo2().uordblks; }

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Creates objects with up to 200 requests in flight; returns the total JSON bytes sent.
std::size_t CreateMany(awio::kube::Transport& transport, const std::string& path, int count,
                       const std::function<Json(int)>& make) {
  std::atomic<int> pending{0};
  std::size_t bytes = 0;
  for (int i = 0; i < count; ++i) {
    while (pending.load() > 200) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::string body = make(i).dump();
    bytes += body.size();
    ++pending;
    transport.SendAsync(
        {.method = "POST", .path = path, .body = body, .content_type = "application/json"},
        [&](awio::Result<awio::kube::HttpResponse>) { --pending; });
  }
  while (pending.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return bytes;
}

// The fields a role controller reads from an ACK Role: what a compact projection keeps.
struct RoleView {
  std::string ns, name, arn;
  bool synced = false;
  long generation = 0;
};

RoleView ProjectRole(Json&& role) {
  RoleView v;
  v.ns = role["metadata"].value("namespace", "");
  v.name = role["metadata"].value("name", "");
  v.generation = role["metadata"].value("generation", 0L);
  if (role.contains("status")) {
    v.arn = role["status"].value("ackResourceMetadata", Json::object()).value("arn", "");
    for (const auto& c : role["status"].value("conditions", Json::array())) {
      if (c.value("type", "") == "ACK.ResourceSynced") v.synced = c.value("status", "") == "True";
    }
  }
  return v;
}

}  // namespace

int main() {
  // One malloc arena, so that mallinfo2 sees allocations made on the I/O thread too.
  mallopt(M_ARENA_MAX, 1);
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false, .third_party_crds = true});
  spec.clusters.push_back({.name = "second", .controller_manager = false});
  spec.aws_emulator = false;
  auto env = awio::testenv::Environment::Start(spec);
  auto client = awio::test::AdminClient(env->hub());
  const std::string ns = "bench";
  (void)client->Create(awio::kube::resources::kNamespaces, "", {{"metadata", {{"name", ns}}}});

  // 1. No-op reconcile throughput.
  constexpr int kObjects = 10'000;
  CreateMany(*client->transport(), awio::kube::resources::kConfigMaps.Path(ns), kObjects,
             [](int i) {
               return Json{{"metadata", {{"name", "cm-" + std::to_string(i)}}},
                           {"data", {{"k", std::string(100, 'v')}}}};
             });
  for (int workers : {1, 4}) {
    std::atomic<int> reconciles{0};
    auto informer = awio::runtime::MakeJsonInformer(
        client, {.resource = awio::kube::resources::kConfigMaps, .ns = ns});
    awio::runtime::Controller controller("noop",
                                         [&](const awio::runtime::Request&) {
                                           ++reconciles;
                                           return awio::Result<awio::runtime::ReconcileResult>(
                                               awio::runtime::ReconcileResult::Done());
                                         },
                                         {.workers = workers});
    controller.For(*informer);
    auto start = Clock::now();
    informer->Start();
    controller.Start();
    while (reconciles.load() < kObjects && Seconds(start) < 300) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::printf(
        "no-op reconcile, %d worker(s): %d objects listed and reconciled in %.2f s "
        "(%.0f reconciles/s)\n",
        workers, reconciles.load(), Seconds(start), reconciles.load() / Seconds(start));
    controller.Stop(std::chrono::seconds(5));
    informer->Stop();
  }

  // 2. Memory per cached object for ACK IAM Roles.
  const awio::kube::ResourceRef roles{"iam.services.k8s.aws", "v1alpha1", "roles", true, "Role"};
  constexpr int kRoles = 5'000;
  std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":)"
      R"("arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABCDEF0123456789"},)"
      R"("Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{)"
      R"("oidc.example.com/id/ABCDEF0123456789:sub":"system:serviceaccount:app:reader",)"
      R"("oidc.example.com/id/ABCDEF0123456789:aud":"sts.amazonaws.com"}}}]})";
  std::size_t bytes = CreateMany(*client->transport(), roles.Path(ns), kRoles, [&](int i) {
    return Json{
        {"apiVersion", "iam.services.k8s.aws/v1alpha1"},
        {"kind", "Role"},
        {"metadata",
         {{"name", "awi-role-" + std::to_string(i)},
          {"labels",
           {{"aws.identity.appthrust.io/managed-by", "aws-workload-identity-operator"},
            {"aws.identity.appthrust.io/binding-uid", "0f8fad5b-d9cb-469f-a165-70867728950e"}}}}},
        {"spec",
         {{"name", "awi-app-reader-" + std::to_string(i) + "-3f2a9c1d"},
          {"assumeRolePolicyDocument", trust},
          {"policies", {"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
          {"tags",
           {{{"key", "aws.identity.appthrust.io/namespace"}, {"value", "app"}},
            {{"key", "aws.identity.appthrust.io/name"}, {"value", "reader"}}}}}}};
  });
  auto listed = client->List(roles, ns, {.limit = 1});
  std::printf("created %d ACK Roles, %.0f bytes of JSON each as sent\n", kRoles,
              static_cast<double>(bytes) / kRoles);
  // Let earlier caches finish freeing on the I/O thread before each measurement.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  {
    std::size_t before = HeapBytes();
    auto informer = awio::runtime::Informer<RoleView>::Create(client, {.resource = roles, .ns = ns},
                                                              ProjectRole);
    informer->Start();
    informer->WaitForSync(std::chrono::minutes(2));
    std::size_t after = HeapBytes();
    std::printf(
        "cache of a compact projection (name, arn, synced, generation): %zu objects, "
        "%.0f heap bytes each\n",
        informer->Size(),
        static_cast<double>(after - before) / static_cast<double>(informer->Size()));
    informer->Stop();
  }
  // Let earlier caches finish freeing on the I/O thread before each measurement.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  {
    std::size_t before = HeapBytes();
    auto informer = awio::runtime::MakeJsonInformer(client, {.resource = roles, .ns = ns});
    informer->Start();
    informer->WaitForSync(std::chrono::minutes(2));
    std::size_t after = HeapBytes();
    std::printf(
        "cache of whole objects (managedFields stripped): %zu objects, %.0f heap bytes "
        "each\n",
        informer->Size(),
        static_cast<double>(after - before) / static_cast<double>(informer->Size()));
    informer->Stop();
  }
  (void)listed;

  // 3. Threads with 100 engaged clusters, each running an informer.
  {
    int threads_before = awio::test::ThreadCount();
    awio::runtime::ClusterSet clusters;
    std::mutex mu;
    std::vector<std::shared_ptr<awio::runtime::JsonInformer>> informers;
    clusters.AddSourceFactory(
        [&](const std::string&, const std::shared_ptr<awio::kube::Client>& c) {
          auto informer =
              awio::runtime::MakeJsonInformer(c, {.resource = awio::kube::resources::kNamespaces});
          informer->Start();
          std::lock_guard lock(mu);
          informers.push_back(informer);
          return awio::runtime::ClusterSourceInstance{.stop = [informer] { informer->Stop(); }};
        });
    auto synced = [&] {
      std::lock_guard lock(mu);
      int n = 0;
      for (const auto& i : informers) n += i->HasSynced();
      return n;
    };
    auto start = Clock::now();
    for (int i = 0; i < 100; ++i) {
      auto config = awio::test::AdminRestConfig(env->clusters()[static_cast<std::size_t>(i) % 2]);
      config.user_agent = "bench-cluster-" + std::to_string(i);  // a distinct transport each
      clusters.Engage("cluster-" + std::to_string(i), config);
    }
    while (synced() < 100 && Seconds(start) < 120) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    int during = awio::test::ThreadCount();
    std::printf(
        "100 engaged clusters with one informer each: synced %d in %.2f s; threads %d "
        "before, %d with all engaged\n",
        synced(), Seconds(start), threads_before, during);
  }
  return 0;
}
