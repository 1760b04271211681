// Integration tests of the controller runtime against real API servers (issue: controller
// runtime, item 8), with the sample mirror controller (ConfigMap -> owned Secret).
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include "integration/runtime/mirror_controller.h"
#include "observability/metrics.h"
#include "process.h"
#include "runtime/cluster_set.h"
#include "runtime/kubeconfig_provider.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

#ifndef AWIO_SAMPLE_MIRROR_PATH
#error "AWIO_SAMPLE_MIRROR_PATH must name the awio-sample-mirror binary"
#endif

namespace awio::test {
namespace {

namespace fs = std::filesystem;
using kube::Json;
using kube::resources::kConfigMaps;
using kube::resources::kSecrets;
using namespace std::chrono_literals;

Json Source(const std::string& name, Json data) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", {{"awio.test/mirror", "true"}}}}},
          {"data", data}};
}

std::string EnsureNamespace(kube::Client& client, const std::string& ns) {
  auto made = client.Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", ns}}}});
  EXPECT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists);
  return ns;
}

// The mirror's data decoded, or nullopt when the Secret does not exist.
std::optional<Json> MirrorData(kube::Client& client, const std::string& ns,
                               const std::string& name) {
  auto secret = client.Get(kSecrets, ns, name);
  if (!secret.ok()) return std::nullopt;
  return (*secret).value("data", Json::object());
}

// Validates the reconcile loop end to end: create, update and delete of the primary object,
// re-creation of a deleted owned child, and garbage collection of the child with its owner.
TEST(ControllerRuntime, Mirror_ReconcilesCreateUpdateDeleteAndOwnedChild) {
  auto client = AdminClient(SharedEnvironment().hub());
  std::string ns = EnsureNamespace(*client, "runtime-mirror");
  MirrorController mirror(client, ns);
  mirror.Start();
  ASSERT_TRUE(mirror.WaitForSync(30s));

  ASSERT_TRUE(client->Create(kConfigMaps, ns, Source("settings", {{"a", "1"}})).ok());
  ASSERT_TRUE(WaitUntil(30s, [&] { return MirrorData(*client, ns, "settings").has_value(); }));
  EXPECT_EQ(*MirrorData(*client, ns, "settings"), Json({{"a", "MQ=="}}));

  ASSERT_TRUE(
      client->Patch(kConfigMaps, ns, "settings", kube::PatchType::kMerge, R"({"data":{"a":"2"}})")
          .ok());
  EXPECT_TRUE(WaitUntil(30s, [&] {
    auto data = MirrorData(*client, ns, "settings");
    return data && *data == Json({{"a", "Mg=="}});
  }));

  ASSERT_TRUE(client->Delete(kSecrets, ns, "settings").ok());
  EXPECT_TRUE(WaitUntil(30s,
                        [&] {
                          auto secret = client->Get(kSecrets, ns, "settings");
                          return secret.ok() &&
                                 !(*secret)["metadata"].contains("deletionTimestamp");
                        }))
      << "the deleted owned Secret was not re-created; reconciles=" << mirror.reconciles()
      << " writes=" << mirror.writes()
      << " cached=" << (mirror.configmaps().Get({ns, "settings"}) != nullptr)
      << " secret=" << client->Get(kSecrets, ns, "settings").ok();

  // A reconcile that finds nothing to change writes nothing.
  ASSERT_TRUE(WaitUntil(30s, [&] { return mirror.controller().QueueLength() == 0; }));
  int writes = mirror.writes();
  int reconciles = mirror.reconciles();
  mirror.controller().Enqueue({"", ns, "settings"});
  ASSERT_TRUE(WaitUntil(30s, [&] { return mirror.reconciles() > reconciles; }));
  EXPECT_EQ(mirror.writes(), writes);

  ASSERT_TRUE(client->Delete(kConfigMaps, ns, "settings").ok());
  EXPECT_TRUE(WaitUntil(90s, [&] { return !MirrorData(*client, ns, "settings").has_value(); }))
      << "the garbage collector did not remove the owned Secret";
  mirror.Stop(5s);

  // The metrics dashboards expect were counted along the way (issue 4, item 7).
  std::string exposed = observability::Registry::Default().Expose();
  for (const char* series :
       {"controller_runtime_reconcile_total{controller=\"mirror\",result=\"success\"}",
        "controller_runtime_reconcile_time_seconds_count{controller=\"mirror\"}",
        "workqueue_adds_total{name=\"mirror\"}", "workqueue_depth{name=\"mirror\"}",
        "rest_client_requests_total{code=\"201\",method=\"POST\""}) {
    EXPECT_NE(exposed.find(series), std::string::npos) << series;
  }
}

// Validates that an exception escaping a reconcile is caught, counted as an error and retried,
// and never ends the process.
TEST(ControllerRuntime, ThrowingReconcile_IsRetriedNotFatal) {
  std::atomic<int> calls{0};
  runtime::Controller controller("thrower",
                                 [&](const runtime::Request&) -> Result<runtime::ReconcileResult> {
                                   if (++calls == 1) throw std::runtime_error("boom");
                                   return runtime::ReconcileResult::Done();
                                 });
  controller.Start();
  controller.Enqueue({"", "ns", "x"});
  EXPECT_TRUE(WaitUntil(30s, [&] { return calls.load() >= 2; }));
  EXPECT_TRUE(controller.Stop(5s));
  EXPECT_EQ(calls.load(), 2);
}

// Validates recovery from an API server restart: the informers relist or resume, and the
// controller converges on a change made after the restart.
TEST(ControllerRuntime, ApiServerRestart_CachesRecoverAndControllerConverges) {
  auto& env = SharedEnvironment();
  auto client = AdminClient(env.hub());
  std::string ns = EnsureNamespace(*client, "runtime-restart");
  MirrorController mirror(client, ns);
  mirror.Start();
  ASSERT_TRUE(mirror.WaitForSync(30s));
  ASSERT_TRUE(client->Create(kConfigMaps, ns, Source("before", {{"k", "v"}})).ok());
  ASSERT_TRUE(WaitUntil(30s, [&] { return MirrorData(*client, ns, "before").has_value(); }));

  env.RestartApiServer("hub");

  auto created = client->Create(kConfigMaps, ns, Source("after", {{"k", "v"}}));
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_TRUE(WaitUntil(90s, [&] { return MirrorData(*client, ns, "after").has_value(); }))
      << "the controller did not converge after the API server came back";
  EXPECT_NE(mirror.configmaps().Get({ns, "after"}), nullptr);
  mirror.Stop(5s);
}

// Validates engaging and disengaging a remote cluster at run time: its watch starts on
// engage (requests carry the cluster name) and stops on disengage.
TEST(ControllerRuntime, ClusterSet_EngageStartsAndDisengageStopsWatches) {
  auto& env = SharedEnvironment();
  const auto& target = env.cluster("target");
  auto target_client = AdminClient(target);
  std::string ns = EnsureNamespace(*target_client, "runtime-engage");

  std::mutex mu;
  std::vector<runtime::Request> seen;
  runtime::Controller controller("remote-configmaps", [&](const runtime::Request& r) {
    std::lock_guard lock(mu);
    seen.push_back(r);
    return Result<runtime::ReconcileResult>(runtime::ReconcileResult::Done());
  });
  controller.Start();
  auto count_for = [&](const std::string& name) {
    std::lock_guard lock(mu);
    int n = 0;
    for (const auto& r : seen) n += r.name == name && r.cluster == "target";
    return n;
  };

  runtime::ClusterSet clusters;
  std::atomic<int> stopped{0};
  clusters.AddSourceFactory(
      [&](const std::string& cluster, const std::shared_ptr<kube::Client>& client) {
        auto informer = runtime::MakeJsonInformer(client, {.resource = kConfigMaps, .ns = ns});
        controller.For(*informer, cluster);
        informer->Start();
        return runtime::ClusterSourceInstance{.stop =
                                                  [informer, &stopped] {
                                                    informer->Stop();
                                                    ++stopped;
                                                  },
                                              .health = [informer]() -> std::optional<std::string> {
                                                auto h = informer->Health();
                                                if (h.last_error) return h.last_error->message;
                                                return std::nullopt;
                                              }};
      });

  fs::path dir = fs::temp_directory_path() / "runtime-engage-kubeconfigs";
  fs::create_directories(dir);
  runtime::KubeconfigDirectoryProvider provider(dir, clusters, 100ms);
  provider.Start();
  fs::copy_file(target.kubeconfig, dir / "target.kubeconfig", fs::copy_options::overwrite_existing);
  ASSERT_TRUE(WaitUntil(30s, [&] { return clusters.Client("target") != nullptr; }));
  ASSERT_TRUE(
      target_client->Create(kConfigMaps, ns, {{"metadata", {{"name", "while-engaged"}}}}).ok());
  EXPECT_TRUE(WaitUntil(30s, [&] { return count_for("while-engaged") > 0; }));
  EXPECT_FALSE(clusters.Health("target").has_value());

  fs::remove(dir / "target.kubeconfig");
  ASSERT_TRUE(WaitUntil(30s, [&] { return clusters.Client("target") == nullptr; }));
  EXPECT_EQ(stopped.load(), 1) << "disengage must stop the cluster's sources";
  ASSERT_TRUE(
      target_client->Create(kConfigMaps, ns, {{"metadata", {{"name", "after-disengage"}}}}).ok());
  // A live watch delivers within milliseconds; none may arrive from a disengaged cluster.
  EXPECT_FALSE(WaitUntil(2s, [&] { return count_for("after-disengage") > 0; }));

  // Engaging again lists afresh, so the object made meanwhile arrives now.
  fs::copy_file(target.kubeconfig, dir / "target.kubeconfig", fs::copy_options::overwrite_existing);
  EXPECT_TRUE(WaitUntil(30s, [&] { return count_for("after-disengage") > 0; }));
  provider.Stop(1s);
  controller.Stop(5s);
  fs::remove_all(dir);
}

// Validates leader election with two manager processes: only the lease holder reconciles, and
// killing it (SIGKILL, no release) hands the lease and the work to the other within the lease
// duration plus one retry period.
TEST(ControllerRuntime, LeaderElection_OnlyLeaderReconcilesAndHandoverAfterKill) {
  auto& env = SharedEnvironment();
  const auto& hub = env.hub();
  auto client = AdminClient(hub);
  std::string ns = EnsureNamespace(*client, "runtime-leader");
  fs::path dir = fs::temp_directory_path() / "runtime-leader";
  fs::create_directories(dir);
  auto start = [&](const std::string& identity) {
    return std::make_unique<testenv::Process>(testenv::ProcessSpec{
        .name = identity,
        .argv = {AWIO_SAMPLE_MIRROR_PATH, "--kubeconfig=" + hub.kubeconfig.string(),
                 "--namespace=" + ns, "--identity=" + identity, "--lease-duration-ms=6000",
                 "--renew-deadline-ms=4000", "--retry-period-ms=500"},
        .env = {{"AWIO_TESTENV_DIR", env.work_dir().string()}},
        .log_file = dir / (identity + ".log")});
  };
  auto a = start("candidate-a");
  auto b = start("candidate-b");
  auto holder = [&]() -> std::string {
    auto lease = client->Get(kube::resources::kLeases, ns, "awio-sample-mirror");
    return lease.ok() ? (*lease)["spec"].value("holderIdentity", "") : "";
  };
  ASSERT_TRUE(WaitUntil(30s, [&] { return !holder().empty(); }));
  std::string leader = holder();
  auto& leader_process = leader == "candidate-a" ? a : b;
  auto& follower_process = leader == "candidate-a" ? b : a;

  ASSERT_TRUE(client->Create(kConfigMaps, ns, Source("first", {{"k", "v"}})).ok());
  ASSERT_TRUE(WaitUntil(30s, [&] { return MirrorData(*client, ns, "first").has_value(); }));
  EXPECT_NE(leader_process->LogTail().find("reconciled " + ns + "/first"), std::string::npos);
  EXPECT_EQ(follower_process->LogTail().find("reconciled"), std::string::npos)
      << "the follower reconciled while not holding the lease";

  auto killed_at = std::chrono::steady_clock::now();
  leader_process->Signal(SIGKILL);
  ASSERT_TRUE(WaitUntil(30s, [&] { return !holder().empty() && holder() != leader; }));
  auto handover = std::chrono::steady_clock::now() - killed_at;
  EXPECT_LE(handover, 6000ms + 500ms + 2000ms) << "lease duration + retry period + slack";

  ASSERT_TRUE(client->Create(kConfigMaps, ns, Source("second", {{"k", "v"}})).ok());
  EXPECT_TRUE(WaitUntil(30s, [&] { return MirrorData(*client, ns, "second").has_value(); }));
  EXPECT_NE(follower_process->LogTail().find("reconciled " + ns + "/second"), std::string::npos);

  // A clean stop releases the lease at once.
  follower_process->Stop(10s);
  EXPECT_TRUE(WaitUntil(10s, [&] { return holder().empty(); })) << "the lease was not released";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace awio::test
