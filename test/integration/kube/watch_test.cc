// Integration tests of the resumable watch against a real kube-apiserver (issue: Kubernetes
// client, item 5 and 6): event decoding, resuming after a killed connection without missing
// an event, the 410 signal after etcd compaction, and a thread count independent of watches.
#include "kube/watch.h"

#include <gtest/gtest.h>

#include <mutex>

#include "environment.h"
#include "integration/kube/kube_test_env.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/process_stats.h"
#include "support/shared_environment.h"
#include "support/tcp_proxy.h"

namespace awio::test {
namespace {

using kube::Json;
using kube::WatchEventType;
using kube::resources::kConfigMaps;
using namespace std::chrono_literals;

// Collects events from the I/O thread for assertions on the test thread.
struct Recorder {
  std::mutex mu;
  std::vector<std::pair<WatchEventType, std::string>> events;  // (type, name)
  std::vector<Error> interruptions;
  std::optional<Error> gone;

  kube::WatchCallbacks Callbacks() {
    return {.on_event =
                [this](kube::WatchEvent&& e) {
                  std::lock_guard lock(mu);
                  if (e.type != WatchEventType::kBookmark) {
                    events.emplace_back(e.type, e.object["metadata"].value("name", ""));
                  }
                },
            .on_gone =
                [this](const Error& e) {
                  std::lock_guard lock(mu);
                  gone = e;
                },
            .on_interrupted =
                [this](const Error& e) {
                  std::lock_guard lock(mu);
                  interruptions.push_back(e);
                }};
  }
  std::size_t Count() {
    std::lock_guard lock(mu);
    return events.size();
  }
  bool Has(WatchEventType type, const std::string& name) {
    std::lock_guard lock(mu);
    for (const auto& [t, n] : events) {
      if (t == type && n == name) return true;
    }
    return false;
  }
};

std::string EnsureNamespace(kube::Client& client, const std::string& ns) {
  auto made = client.Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", ns}}}});
  EXPECT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists);
  return ns;
}

Json ConfigMap(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}};
}

// Validates that ADDED, MODIFIED and DELETED arrive in order for changes after the listed
// resourceVersion.
TEST(KubeWatch, Events_AddedModifiedDeletedInOrder) {
  auto client = AdminClient(SharedEnvironment().hub());
  std::string ns = EnsureNamespace(*client, "watch-events");
  auto list = client->List(kConfigMaps, ns);
  ASSERT_TRUE(list.ok());
  Recorder recorder;
  auto watch = kube::Watch::Start(client->transport(), kConfigMaps, ns,
                                  {.resource_version = (*list)["metadata"]["resourceVersion"]},
                                  recorder.Callbacks());
  auto created = client->Create(kConfigMaps, ns, ConfigMap("one"));
  ASSERT_TRUE(created.ok());
  Json changed = *created;
  changed["data"] = {{"k", "v"}};
  ASSERT_TRUE(client->Update(kConfigMaps, ns, changed).ok());
  ASSERT_TRUE(client->Delete(kConfigMaps, ns, "one").ok());

  ASSERT_TRUE(WaitUntil(30s, [&] { return recorder.Count() >= 3; }));
  std::lock_guard lock(recorder.mu);
  ASSERT_EQ(recorder.events.size(), 3u);
  EXPECT_EQ(recorder.events[0], std::make_pair(WatchEventType::kAdded, std::string("one")));
  EXPECT_EQ(recorder.events[1], std::make_pair(WatchEventType::kModified, std::string("one")));
  EXPECT_EQ(recorder.events[2], std::make_pair(WatchEventType::kDeleted, std::string("one")));
}

// Validates that a watch survives a killed connection: every change made while the
// connection was down arrives after the watch resumes from its last resourceVersion.
TEST(KubeWatch, KilledConnection_ResumesWithoutMissingEvents) {
  const auto& hub = SharedEnvironment().hub();
  auto direct = AdminClient(hub);
  std::string ns = EnsureNamespace(*direct, "watch-resume");
  int port = std::stoi(hub.server.substr(hub.server.rfind(':') + 1));
  TcpProxy proxy(port);
  auto config = AdminRestConfig(hub);
  config.server = "https://127.0.0.1:" + std::to_string(proxy.port());
  auto through_proxy = kube::Transport::Create(config);

  auto list = direct->List(kConfigMaps, ns);
  ASSERT_TRUE(list.ok());
  Recorder recorder;
  auto watch = kube::Watch::Start(
      through_proxy, kConfigMaps, ns,
      {.resource_version = (*list)["metadata"]["resourceVersion"], .backoff_initial = 300ms},
      recorder.Callbacks());
  ASSERT_TRUE(direct->Create(kConfigMaps, ns, ConfigMap("before")).ok());
  ASSERT_TRUE(WaitUntil(30s, [&] { return recorder.Has(WatchEventType::kAdded, "before"); }));

  proxy.DropConnections();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(direct->Create(kConfigMaps, ns, ConfigMap("during-" + std::to_string(i))).ok());
  }
  EXPECT_TRUE(WaitUntil(60s, [&] { return recorder.Count() >= 6; }))
      << "events after the cut: " << recorder.Count() - 1;
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(recorder.Has(WatchEventType::kAdded, "during-" + std::to_string(i))) << i;
  }
  EXPECT_GE(watch->Streams(), 2);
  EXPECT_GE(proxy.accepted(), 2);
  std::lock_guard lock(recorder.mu);
  EXPECT_FALSE(recorder.interruptions.empty());
  EXPECT_EQ(recorder.events.size(), 6u) << "no event may arrive twice";
}

// Validates the distinct 410 signal: after etcd compacts past the watch's starting
// resourceVersion, the watch reports OnGone (the caller must relist) and stops.
TEST(KubeWatch, CompactedResourceVersion_SignalsGone) {
  auto& env = SharedEnvironment();
  const auto& cluster = env.cluster(kNoCacheCluster);
  auto client = AdminClient(cluster);
  std::string ns = EnsureNamespace(*client, "watch-gone");
  auto created = client->Create(kConfigMaps, ns, ConfigMap("compacted"));
  ASSERT_TRUE(created.ok());
  std::string old_rv = (*created)["metadata"]["resourceVersion"];
  Json obj = *created;
  std::string latest_rv;
  for (int i = 0; i < 3; ++i) {
    obj["data"] = {{"i", std::to_string(i)}};
    auto updated = client->Update(kConfigMaps, ns, obj);
    ASSERT_TRUE(updated.ok());
    obj = *updated;
    latest_rv = obj["metadata"]["resourceVersion"];
  }
  // Compact etcd (its revision is the resourceVersion) through etcd's JSON gateway.
  auto compact = testenv::Send({.method = "POST",
                                .url = env.etcd_url() + "/v3/kv/compaction",
                                .body = R"({"revision":")" + latest_rv + R"(","physical":true})"});
  ASSERT_EQ(compact.status, 200) << compact.body << compact.error;

  Recorder recorder;
  auto watch = kube::Watch::Start(client->transport(), kConfigMaps, ns,
                                  {.resource_version = old_rv}, recorder.Callbacks());
  ASSERT_TRUE(WaitUntil(30s, [&] {
    std::lock_guard lock(recorder.mu);
    return recorder.gone.has_value();
  }));
  std::lock_guard lock(recorder.mu);
  EXPECT_EQ(recorder.gone->code, ErrorCode::kGone);
  EXPECT_EQ(watch->Streams(), 1) << "a gone watch must not resume on its own";
}

// Validates that watches do not cost threads: opening 200 more watches leaves the thread
// count unchanged (one I/O thread and one blocking-work thread serve them all).
TEST(KubeWatch, ManyWatches_DoNotAddThreads) {
  auto client = AdminClient(SharedEnvironment().hub());
  std::string ns = EnsureNamespace(*client, "watch-threads");
  std::vector<std::shared_ptr<kube::Watch>> watches;
  Recorder recorder;
  watches.push_back(
      kube::Watch::Start(client->transport(), kConfigMaps, ns, {}, recorder.Callbacks()));
  ASSERT_TRUE(client->Create(kConfigMaps, ns, ConfigMap("warm")).ok());
  ASSERT_TRUE(WaitUntil(30s, [&] { return recorder.Count() >= 1; }));
  int before = ThreadCount();
  Recorder many;
  for (int i = 0; i < 200; ++i) {
    watches.push_back(
        kube::Watch::Start(client->transport(), kConfigMaps, ns, {}, many.Callbacks()));
  }
  ASSERT_TRUE(client->Create(kConfigMaps, ns, ConfigMap("fanout")).ok());
  EXPECT_TRUE(WaitUntil(60s, [&] { return many.Count() >= 200; })) << many.Count();
  EXPECT_EQ(ThreadCount(), before);
  for (auto& w : watches) w->Stop();
}

}  // namespace
}  // namespace awio::test
