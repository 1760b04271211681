// Tests of the event recorder's pure parts (src/runtime/events.h): Event names and the
// aggregation policy with a fake clock, plus one check that Record never waits for the API
// server (a loopback socket that accepts connections and never answers stands in for a hung
// server). Creating and patching real Events is covered in test/integration/runtime_helpers/.
#include "runtime/events.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "kube/transport.h"

namespace awio::runtime {
namespace {

using namespace std::chrono_literals;

const WallTime kT0 = WallTime{} + std::chrono::seconds(1796324400);

// Validates that Event names are the object name, a dot and 16 hex digits.
TEST(EventNameTest, EventNameFor_AppendsSixteenHexDigits) {
  EXPECT_EQ(EventNameFor("my-role", 0xabcULL), "my-role.0000000000000abc");
  EXPECT_EQ(EventNameFor("a.b", 0xffffffffffffffffULL), "a.b.ffffffffffffffff");
}

// Validates that long or odd object names still give a DNS subdomain within 253 bytes.
TEST(EventNameTest, EventNameFor_LongOrOddNames_AreDnsSafeAndBounded) {
  std::string long_name(300, 'a');
  long_name[235] = '-';  // lands at the cut: must not end the base
  std::string name = EventNameFor(long_name, 1);
  EXPECT_LE(name.size(), kMaxEventNameBytes);
  EXPECT_TRUE(name.ends_with("a.0000000000000001")) << name;

  EXPECT_EQ(EventNameFor("system:controller:Foo", 2), "system-controller-foo.0000000000000002");
  EXPECT_EQ(EventNameFor("-x..y-.", 3), "x.y.0000000000000003");
  EXPECT_EQ(EventNameFor("", 4), "event.0000000000000004");
}

EventSeriesTracker MakeTracker(std::size_t max_entries = 16) {
  return EventSeriesTracker({.window = 10min, .update_interval = 30s, .max_entries = max_entries});
}

// Validates that an unknown event asks for a new Event.
TEST(EventSeriesTrackerTest, Observe_Unknown_AsksForCreate) {
  auto tracker = MakeTracker();
  EXPECT_FALSE(tracker.Observe("k", kT0));
  EXPECT_EQ(tracker.size(), 0u);
  EXPECT_FALSE(tracker.NextDue().has_value());
}

// Validates that repeats join the series and one update carries their count once the
// interval since the creation has passed.
TEST(EventSeriesTrackerTest, Observe_RepeatsWithinWindow_OneUpdatePerInterval) {
  auto tracker = MakeTracker();
  tracker.Started("k", "obj.1", "ns", kT0, kT0);
  EXPECT_TRUE(tracker.Observe("k", kT0 + 1s));
  EXPECT_TRUE(tracker.Observe("k", kT0 + 2s));
  EXPECT_EQ(tracker.NextDue(), kT0 + 30s);
  EXPECT_TRUE(tracker.TakeDue(kT0 + 29s).empty());

  auto due = tracker.TakeDue(kT0 + 30s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].name, "obj.1");
  EXPECT_EQ(due[0].ns, "ns");
  EXPECT_EQ(due[0].count, 3);
  EXPECT_EQ(due[0].last_observed, kT0 + 2s);
  EXPECT_TRUE(tracker.TakeDue(kT0 + 10min).empty()) << "nothing new to write";

  EXPECT_TRUE(tracker.Observe("k", kT0 + 40s));
  EXPECT_TRUE(tracker.TakeDue(kT0 + 59s).empty()) << "last write was at +30s";
  due = tracker.TakeDue(kT0 + 60s);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].count, 4);
}

// Validates that the window runs from the previous occurrence: a steady repeat stays one
// series, a repeat after a longer pause starts a new Event.
TEST(EventSeriesTrackerTest, Observe_AfterWindow_StartsNewEvent) {
  auto tracker = MakeTracker();
  tracker.Started("k", "obj.1", "ns", kT0, kT0);
  for (int i = 1; i <= 5; ++i) EXPECT_TRUE(tracker.Observe("k", kT0 + i * 6min));
  EXPECT_FALSE(tracker.Observe("k", kT0 + 30min + 10min + 1s));
  EXPECT_EQ(tracker.size(), 0u);
  EXPECT_FALSE(tracker.NextDue().has_value()) << "the pending update went with the series";
}

// Validates that the map keeps at most max_entries series, forgetting the least recently seen.
TEST(EventSeriesTrackerTest, Started_BeyondBound_EvictsLeastRecentlySeen) {
  auto tracker = MakeTracker(2);
  tracker.Started("a", "a.1", "ns", kT0, kT0);
  tracker.Started("b", "b.1", "ns", kT0, kT0);
  EXPECT_TRUE(tracker.Observe("a", kT0 + 1s));  // a is now the most recent
  tracker.Started("c", "c.1", "ns", kT0 + 2s, kT0 + 2s);
  EXPECT_EQ(tracker.size(), 2u);
  EXPECT_FALSE(tracker.Observe("b", kT0 + 3s));
  EXPECT_TRUE(tracker.Observe("a", kT0 + 3s));
  EXPECT_TRUE(tracker.Observe("c", kT0 + 3s));
}

// Validates that a forgotten series (its Event vanished) asks for a new Event next time.
TEST(EventSeriesTrackerTest, Forget_DropsSeriesAndPendingUpdate) {
  auto tracker = MakeTracker();
  tracker.Started("k", "obj.1", "ns", kT0, kT0);
  ASSERT_TRUE(tracker.Observe("k", kT0 + 1s));
  tracker.Forget("k");
  EXPECT_FALSE(tracker.NextDue().has_value());
  EXPECT_TRUE(tracker.TakeDue(kT0 + 1h).empty());
  EXPECT_FALSE(tracker.Observe("k", kT0 + 2s));
}

// A TCP listener on a kernel-chosen loopback port that never accepts: connections complete in
// the kernel and then hear nothing, like a hung API server.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    if (fd_ < 0 || ::bind(fd_, generic, length) != 0 || ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, generic, &length) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() {
    if (fd_ >= 0) ::close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Validates that Record returns at once while the API server hangs, and that the bounded
// queue drops and counts what does not fit.
TEST(EventRecorderTest, Record_ApiServerHangs_ReturnsAtOnceAndDropsWhenFull) {
  SilentListener listener;
  ASSERT_NE(listener.port(), 0);
  kube::RestConfig config;
  config.server = "https://127.0.0.1:" + std::to_string(listener.port());
  config.insecure_skip_tls_verify = true;
  config.request_timeout = 2s;
  auto client = std::make_shared<kube::Client>(kube::Transport::Create(config));

  constexpr std::size_t kQueue = 4;
  constexpr int kRecords = 200;
  auto recorder = EventRecorder::Create(client, {.reporting_controller = "test.awio.io/unit",
                                                 .reporting_instance = "unit-test",
                                                 .max_queued = kQueue});
  ASSERT_TRUE(recorder.ok()) << recorder.error().ToString();

  kube::Json object = {{"apiVersion", "v1"},
                       {"kind", "ConfigMap"},
                       {"metadata", {{"name", "cm"}, {"namespace", "ns"}, {"uid", "u-1"}}}};
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kRecords; ++i) {
    (*recorder)->Record(object, EventType::kWarning, "Failed", "Sync", "note " + std::to_string(i));
  }
  auto elapsed = std::chrono::steady_clock::now() - started;

  // The first request alone takes 2 s to time out; the calls must not have waited for it.
  EXPECT_LT(elapsed, 1s);
  auto stats = (*recorder)->stats();
  EXPECT_EQ(stats.recorded + stats.dropped, static_cast<std::uint64_t>(kRecords));
  // At most one batch (up to the queue bound) in the thread's hands plus a full queue.
  EXPECT_GE(stats.dropped, static_cast<std::uint64_t>(kRecords - 2 * kQueue));
  EXPECT_FALSE((*recorder)->WaitIdle(100ms)) << "the thread is still waiting on the server";
}

// Validates that a recorder needs its reporting controller and instance.
TEST(EventRecorderTest, Create_WithoutReportingIdentity_IsInvalid) {
  kube::RestConfig config;
  config.server = "https://127.0.0.1:1";
  auto client = std::make_shared<kube::Client>(kube::Transport::Create(config));
  auto missing = EventRecorder::Create(client, {.reporting_controller = "test.awio.io/unit"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalid);
}

}  // namespace
}  // namespace awio::runtime
