// Kubernetes Events (events.k8s.io/v1) about our objects, recorded without ever blocking a
// reconcile on the API server, and aggregated so that a failure repeated on every retry is one
// Event with a growing series count rather than a new object each time.
//
// Threading: Record() only sanitizes its arguments and appends them to a bounded queue; one
// background thread per recorder creates and patches Events. When the queue is full the event
// is dropped and counted (stats().dropped): losing an event is better than stalling a worker
// or growing without bound while the API server is slow. On destruction the thread finishes
// the request in flight and drops what is still queued.
//
// Aggregation: events with the same regarding object, reason, type, action and note that occur
// within the aggregation window of the previous occurrence join that Event's series; the
// series {count, lastObservedTime} is written with a JSON merge patch at most once per series
// update interval (the creation counts as a write), so a hot loop costs one write per interval.
// The series state lives in a bounded LRU map (EventSeriesTracker); an evicted or expired
// series starts a new Event.
//
// Secrets: notes are user-visible and stored in etcd. Callers pass text that holds no
// credentials, tokens or key material; the recorder only caps the note and removes rotating
// AWS request ids (SanitizeMessage), it cannot recognise a secret.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/error.h"
#include "kube/client.h"
#include "runtime/conditions.h"

namespace awio::runtime {

// API server validation limits for events.k8s.io/v1.
inline constexpr std::size_t kMaxEventNoteBytes = 1024;  // note
inline constexpr std::size_t kMaxEventFieldBytes = 128;  // reason, action, reportingInstance
inline constexpr std::size_t kMaxEventNameBytes = 253;   // metadata.name, a DNS subdomain

// A repeat later than this after the previous occurrence starts a new Event. Ten minutes spans
// several back-off retries of one failure, yet stays well inside the API server's default
// event TTL of one hour.
inline constexpr std::chrono::milliseconds kDefaultEventAggregationWindow =
    std::chrono::minutes(10);
// Least time between two writes of one Event (its creation and series updates): bounds the
// write rate of a hot failure loop to two writes a minute per distinct event.
inline constexpr std::chrono::milliseconds kDefaultEventSeriesUpdateInterval =
    std::chrono::seconds(30);
// Series remembered for aggregation. Each entry holds its key (up to ~1.4 KiB with a full
// note), so the map stays under ~6 MiB; past the bound the least recently seen series is
// forgotten and its next occurrence creates a new Event.
inline constexpr std::size_t kDefaultMaxTrackedEventSeries = 4096;
// Events waiting for the recorder thread; past this, Record drops and counts.
inline constexpr std::size_t kDefaultMaxQueuedEvents = 1024;

enum class EventType {
  kNormal,   // something expected happened (created, updated, deleted)
  kWarning,  // something failed or needs attention
};

std::string_view EventTypeName(EventType type);  // "Normal" or "Warning"

using WallClock = std::function<WallTime()>;

// "<object name>.<16 hex digits of random>", the object name cut (and made DNS-safe: lower
// case, [a-z0-9.-], alphanumeric at both ends) so that the whole fits kMaxEventNameBytes.
std::string EventNameFor(std::string_view object_name, std::uint64_t random);

// The aggregation policy, without I/O or threads, so that it can be tested with a fake clock.
// Not thread-safe: the recorder's thread owns it.
class EventSeriesTracker {
 public:
  struct Options {
    std::chrono::milliseconds window = kDefaultEventAggregationWindow;
    std::chrono::milliseconds update_interval = kDefaultEventSeriesUpdateInterval;
    std::size_t max_entries = kDefaultMaxTrackedEventSeries;
  };

  // A series update that is due: write series {count, lastObservedTime} to the Event.
  struct Update {
    std::string key;
    std::string name;
    std::string ns;
    std::int64_t count = 0;
    WallTime last_observed;
  };

  explicit EventSeriesTracker(Options options);

  // An occurrence of the event `key` at `when`. True: it joined a live series (count
  // incremented, an update is now pending). False: there is no live series; the caller
  // creates an Event and then calls Started.
  bool Observe(const std::string& key, WallTime when);
  // A new Event `ns`/`name` was created for `key` (count 1) at `written`.
  void Started(const std::string& key, std::string name, std::string ns, WallTime occurred,
               WallTime written);
  // Drops the series of `key` (its Event is gone, e.g. expired by the event TTL).
  void Forget(const std::string& key);
  // Pending updates whose last write is at least update_interval before `now`; they are
  // marked written at `now`.
  std::vector<Update> TakeDue(WallTime now);
  // When the earliest pending update becomes due, if any is pending.
  std::optional<WallTime> NextDue() const;
  std::size_t size() const { return index_.size(); }

 private:
  struct Entry {
    std::string key;
    std::string name;
    std::string ns;
    std::int64_t count = 0;
    WallTime last_observed;
    WallTime last_written;
  };
  void Erase(const std::string& key);

  Options options_;
  std::list<Entry> entries_;  // most recently seen first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::unordered_set<std::string> pending_;
};

struct EventRecorderOptions {
  // Required. reportingController, e.g. "aws.identity.appthrust.io/operator".
  std::string reporting_controller;
  // Required. reportingInstance, e.g. the pod name; cut to kMaxEventFieldBytes.
  std::string reporting_instance;
  std::chrono::milliseconds aggregation_window = kDefaultEventAggregationWindow;
  std::chrono::milliseconds series_update_interval = kDefaultEventSeriesUpdateInterval;
  std::size_t max_tracked_series = kDefaultMaxTrackedEventSeries;
  std::size_t max_queued = kDefaultMaxQueuedEvents;
  // Time of occurrences and series writes; empty: the system clock.
  WallClock clock;
  // Called on the recorder thread for every failed write, e.g. to log it; keep it short.
  std::function<void(const Error&)> on_error;
};

// Counters since construction, for metrics.
struct EventRecorderStats {
  std::uint64_t recorded = 0;        // Record calls accepted into the queue
  std::uint64_t dropped = 0;         // queue full, or still queued at shutdown
  std::uint64_t created = 0;         // Events created
  std::uint64_t aggregated = 0;      // occurrences folded into an existing Event's series
  std::uint64_t series_updates = 0;  // series patches written
  // Creates or patches that failed, and occurrences refused before any write because the
  // object had no name or reason or action was empty.
  std::uint64_t failed = 0;
};

class EventRecorder {
 public:
  // kInvalid when reporting_controller or reporting_instance is empty.
  static Result<std::unique_ptr<EventRecorder>> Create(std::shared_ptr<kube::Client> client,
                                                       EventRecorderOptions options);
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Records an event about `regarding` (an object with metadata.name and, for namespaced kinds,
  // metadata.namespace; apiVersion, kind, uid and resourceVersion are copied when present).
  // Never blocks on the API server. `reason` (CamelCase) and `action` are cut to
  // kMaxEventFieldBytes; `note` goes through SanitizeMessage with kMaxEventNoteBytes and must
  // hold no secrets. The Event lives in the object's namespace, or "default" when the object
  // is cluster-scoped.
  void Record(const kube::Json& regarding, EventType type, std::string_view reason,
              std::string_view action, std::string_view note);

  // Waits until the queue is empty, no write is in flight and no series update is due by the
  // clock; returns false on timeout. For tests and orderly shutdown.
  bool WaitIdle(std::chrono::milliseconds timeout);

  EventRecorderStats stats() const;

 private:
  struct Occurrence {
    std::string api_version, kind, name, ns, uid, resource_version;
    EventType type = EventType::kNormal;
    std::string reason, action, note;
    WallTime when;
  };

  EventRecorder(std::shared_ptr<kube::Client> client, EventRecorderOptions options);
  void Run();
  void Process(const Occurrence& occurrence);
  void CreateEvent(const std::string& key, const Occurrence& occurrence);
  void FlushDueSeries();
  void Fail(const Error& error);
  WallTime Now() const;

  std::shared_ptr<kube::Client> client_;
  EventRecorderOptions options_;

  // Owned by the recorder thread.
  EventSeriesTracker tracker_;
  std::mt19937_64 random_;

  mutable std::mutex mu_;
  std::condition_variable wake_;  // new work, a kick from WaitIdle, or stop
  std::condition_variable idle_;  // the thread finished a round
  std::deque<Occurrence> queue_;
  bool busy_ = false;
  bool kicked_ = false;
  std::optional<WallTime> next_due_;
  std::atomic<bool> stopping_{false};

  std::atomic<std::uint64_t> recorded_{0}, dropped_{0}, created_{0}, aggregated_{0},
      series_updates_{0}, failed_{0};

  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace awio::runtime
