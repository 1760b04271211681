// Benchmarks of the Kubernetes client against real API servers (issue: Kubernetes client,
// item 7). Not a test: it prints figures. Run: build/<preset>/bench/kube_client_bench
//   1. list-and-decode throughput for 10,000 ConfigMaps (one list, and pages of 500);
//   2. watch event throughput: a watch from resourceVersion "0" replays every object;
//   3. threads and resident memory with 1,000 concurrent watch streams across 3 API servers.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <string>

#include "environment.h"
#include "kube/client.h"
#include "kube/watch.h"
#include "support/kube_client_util.h"
#include "support/process_stats.h"

namespace {

using awio::kube::Json;
using awio::kube::resources::kConfigMaps;
using Clock = std::chrono::steady_clock;

long RssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Creates `count` ConfigMaps with realistic small payloads, many requests in flight at once.
void Populate(awio::kube::Transport& transport, const std::string& ns, int count) {
  std::atomic<int> pending{0};
  std::promise<void> all_done;
  std::atomic<int> failures{0};
  for (int i = 0; i < count; ++i) {
    while (pending.load() > 200) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    Json cm = {{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata",
                {{"name", "bench-" + std::to_string(i)},
                 {"labels", {{"app", "bench"}, {"shard", std::to_string(i % 16)}}}}},
               {"data", {{"config.yaml", std::string(200, 'x')}, {"index", std::to_string(i)}}}};
    ++pending;
    transport.SendAsync({.method = "POST",
                         .path = kConfigMaps.Path(ns),
                         .body = cm.dump(),
                         .content_type = "application/json"},
                        [&](awio::Result<awio::kube::HttpResponse> r) {
                          if (!r.ok() || (r->status != 201 && r->status != 409)) ++failures;
                          --pending;
                        });
  }
  while (pending.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (failures > 0) std::cerr << failures << " creates failed\n";
}

}  // namespace

int main() {
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false});
  spec.clusters.push_back({.name = "second", .controller_manager = false});
  spec.clusters.push_back({.name = "third", .controller_manager = false});
  spec.aws_emulator = false;
  auto env = awio::testenv::Environment::Start(spec);
  std::printf("environment up: 3 kube-apiservers\n");

  auto client = awio::test::AdminClient(env->hub());
  const std::string ns = "bench";
  (void)client->Create(awio::kube::resources::kNamespaces, "", {{"metadata", {{"name", ns}}}});
  constexpr int kObjects = 10'000;
  auto start = Clock::now();
  Populate(*client->transport(), ns, kObjects);
  std::printf("created %d ConfigMaps in %.1f s\n", kObjects, Seconds(start));

  // 1. List and decode.
  for (int round = 0; round < 3; ++round) {
    start = Clock::now();
    auto all = client->List(kConfigMaps, ns);
    double one = Seconds(start);
    start = Clock::now();
    auto paged = client->ListAll(kConfigMaps, ns, {.limit = 500});
    double pages = Seconds(start);
    std::printf(
        "list+decode %zu objects: single list %.3f s (%.0f objects/s), pages of 500 %.3f s "
        "(%.0f objects/s)\n",
        (*all)["items"].size(), one, (*all)["items"].size() / one, pages,
        (*paged)["items"].size() / pages);
  }

  // 2. Watch event throughput: resourceVersion "0" replays every object as ADDED.
  {
    std::atomic<int> events{0};
    start = Clock::now();
    auto watch =
        awio::kube::Watch::Start(client->transport(), kConfigMaps, ns, {.resource_version = "0"},
                                 {.on_event = [&](awio::kube::WatchEvent&&) { ++events; }});
    while (events.load() < kObjects && Seconds(start) < 120) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    double t = Seconds(start);
    std::printf("watch: %d events decoded in %.3f s (%.0f events/s)\n", events.load(), t,
                events.load() / t);
    watch->Stop();
  }

  // 3. 1,000 concurrent watch streams across three API servers.
  {
    int threads_before = awio::test::ThreadCount();
    long rss_before = RssKiB();
    std::vector<std::shared_ptr<awio::kube::Transport>> transports;
    for (const auto& c : env->clusters()) {
      transports.push_back(awio::kube::Transport::Create(awio::test::AdminRestConfig(c)));
    }
    std::atomic<int> bookmarks_or_events{0};
    std::vector<std::shared_ptr<awio::kube::Watch>> watches;
    constexpr int kWatches = 1'000;
    start = Clock::now();
    for (int i = 0; i < kWatches; ++i) {
      auto& t = transports[static_cast<std::size_t>(i) % transports.size()];
      watches.push_back(awio::kube::Watch::Start(
          t, kConfigMaps, "default", {},
          {.on_event = [&](awio::kube::WatchEvent&&) { ++bookmarks_or_events; }}));
    }
    // Every stream is open once a change in "default" reaches all of them.
    for (const auto& c : env->clusters()) {
      (void)awio::test::AdminClient(c)->Create(kConfigMaps, "default",
                                               {{"metadata", {{"name", "fanout"}}}});
    }
    while (bookmarks_or_events.load() < kWatches && Seconds(start) < 120) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::printf(
        "%d watch streams on %zu API servers: all delivering after %.2f s; "
        "threads %d -> %d; RSS %ld KiB -> %ld KiB (%.1f KiB per stream)\n",
        kWatches, transports.size(), Seconds(start), threads_before, awio::test::ThreadCount(),
        rss_before, RssKiB(), static_cast<double>(RssKiB() - rss_before) / kWatches);
    for (auto& w : watches) w->Stop();
  }
  return 0;
}
