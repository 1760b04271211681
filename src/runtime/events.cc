// The event recorder's queue, thread and writes, and the aggregation policy (see events.h).
#include "runtime/events.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

namespace awio::runtime {
namespace {

// Separates the parts of an aggregation key; cannot occur in sanitized text by accident.
constexpr char kKeySeparator = '\x1f';
constexpr std::string_view kClusterScopedEventNamespace = "default";

std::string StringAt(const kube::Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// Identifiers copied from a caller's JSON: made valid UTF-8 and bounded, so that encoding the
// Event can never fail.
std::string Identifier(const std::string& value) {
  return SanitizeMessage(value, kMaxEventNameBytes);
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// `name` made a DNS subdomain: lower case, other characters as '-', every dot-separated label
// starting and ending alphanumeric, empty labels dropped.
std::string DnsSubdomain(std::string_view name) {
  std::string out;
  std::string label;
  auto flush_label = [&] {
    std::size_t begin = 0, end = label.size();
    while (begin < end && !IsLowerAlnum(label[begin])) ++begin;
    while (end > begin && !IsLowerAlnum(label[end - 1])) --end;
    if (begin < end) {
      if (!out.empty()) out += '.';
      out.append(label, begin, end - begin);
    }
    label.clear();
  };
  for (char c : name) {
    if (c == '.') {
      flush_label();
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    label += IsLowerAlnum(c) ? c : '-';
  }
  flush_label();
  return out;
}

}  // namespace

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kNormal:
      return "Normal";
    case EventType::kWarning:
      return "Warning";
  }
  return "Normal";
}

std::string EventNameFor(std::string_view object_name, std::uint64_t random) {
  std::array<char, 24> suffix{};
  std::snprintf(suffix.data(), suffix.size(), ".%016llx", static_cast<unsigned long long>(random));
  std::size_t suffix_length = 17;

  std::string base = DnsSubdomain(object_name.substr(0, kMaxEventNameBytes));
  if (base.size() > kMaxEventNameBytes - suffix_length) {
    base = DnsSubdomain(std::string_view(base).substr(0, kMaxEventNameBytes - suffix_length));
  }
  if (base.empty()) base = "event";
  return base + suffix.data();
}

// ---- EventSeriesTracker --------------------------------------------------------------------

EventSeriesTracker::EventSeriesTracker(Options options) : options_(options) {
  if (options_.max_entries == 0) options_.max_entries = 1;
}

bool EventSeriesTracker::Observe(const std::string& key, WallTime when) {
  auto found = index_.find(key);
  if (found == index_.end()) return false;
  Entry& entry = *found->second;
  if (when - entry.last_observed > options_.window) {
    Erase(key);
    return false;
  }
  entry.count += 1;
  entry.last_observed = std::max(entry.last_observed, when);
  entries_.splice(entries_.begin(), entries_, found->second);
  pending_.insert(key);
  return true;
}

void EventSeriesTracker::Started(const std::string& key, std::string name, std::string ns,
                                 WallTime occurred, WallTime written) {
  Erase(key);
  entries_.push_front(Entry{.key = key,
                            .name = std::move(name),
                            .ns = std::move(ns),
                            .count = 1,
                            .last_observed = occurred,
                            .last_written = written});
  index_[key] = entries_.begin();
  while (index_.size() > options_.max_entries) Erase(entries_.back().key);
}

void EventSeriesTracker::Forget(const std::string& key) { Erase(key); }

std::vector<EventSeriesTracker::Update> EventSeriesTracker::TakeDue(WallTime now) {
  std::vector<Update> due;
  for (auto it = pending_.begin(); it != pending_.end();) {
    Entry& entry = *index_.at(*it);
    if (now - entry.last_written < options_.update_interval) {
      ++it;
      continue;
    }
    due.push_back(Update{.key = entry.key,
                         .name = entry.name,
                         .ns = entry.ns,
                         .count = entry.count,
                         .last_observed = entry.last_observed});
    entry.last_written = now;
    it = pending_.erase(it);
  }
  return due;
}

std::optional<WallTime> EventSeriesTracker::NextDue() const {
  std::optional<WallTime> earliest;
  for (const auto& key : pending_) {
    WallTime due = index_.at(key)->last_written + options_.update_interval;
    if (!earliest || due < *earliest) earliest = due;
  }
  return earliest;
}

void EventSeriesTracker::Erase(const std::string& key) {
  auto found = index_.find(key);
  if (found == index_.end()) return;
  pending_.erase(key);
  auto entry = found->second;
  index_.erase(found);  // before the list node that owns `key` goes
  entries_.erase(entry);
}

// ---- EventRecorder ---------------------------------------------------------------------------

Result<std::unique_ptr<EventRecorder>> EventRecorder::Create(std::shared_ptr<kube::Client> client,
                                                             EventRecorderOptions options) {
  if (!client) return MakeError(ErrorCode::kInvalid, "event recorder: no Kubernetes client");
  options.reporting_controller = Identifier(options.reporting_controller);
  options.reporting_instance = SanitizeMessage(options.reporting_instance, kMaxEventFieldBytes);
  if (options.reporting_controller.empty() || options.reporting_instance.empty()) {
    return MakeError(ErrorCode::kInvalid,
                     "event recorder: reporting controller and reporting instance are required");
  }
  if (options.max_queued == 0) options.max_queued = 1;
  return std::unique_ptr<EventRecorder>(new EventRecorder(std::move(client), std::move(options)));
}

EventRecorder::EventRecorder(std::shared_ptr<kube::Client> client, EventRecorderOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      tracker_({.window = options_.aggregation_window,
                .update_interval = options_.series_update_interval,
                .max_entries = options_.max_tracked_series}),
      random_(std::random_device{}()),
      thread_([this] { Run(); }) {}

EventRecorder::~EventRecorder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

WallTime EventRecorder::Now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

void EventRecorder::Record(const kube::Json& regarding, EventType type, std::string_view reason,
                           std::string_view action, std::string_view note) {
  Occurrence occurrence;
  if (regarding.is_object()) {
    occurrence.api_version = Identifier(StringAt(regarding, "apiVersion"));
    occurrence.kind = Identifier(StringAt(regarding, "kind"));
    auto metadata = regarding.find("metadata");
    if (metadata != regarding.end() && metadata->is_object()) {
      occurrence.name = Identifier(StringAt(*metadata, "name"));
      occurrence.ns = Identifier(StringAt(*metadata, "namespace"));
      occurrence.uid = Identifier(StringAt(*metadata, "uid"));
      occurrence.resource_version = Identifier(StringAt(*metadata, "resourceVersion"));
    }
  }
  occurrence.type = type;
  occurrence.reason = SanitizeMessage(reason, kMaxEventFieldBytes);
  occurrence.action = SanitizeMessage(action, kMaxEventFieldBytes);
  occurrence.note = SanitizeMessage(note, kMaxEventNoteBytes);
  occurrence.when = Now();

  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.max_queued) {
      dropped_ += 1;
      return;
    }
    queue_.push_back(std::move(occurrence));
  }
  recorded_ += 1;
  wake_.notify_one();
}

bool EventRecorder::WaitIdle(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mu_);
  kicked_ = true;  // makes the thread look at the clock again, for tests that move it
  wake_.notify_one();
  while (true) {
    bool due = next_due_ && *next_due_ <= Now();
    if (queue_.empty() && !busy_ && !kicked_ && !due) return true;
    if (stopping_) return false;
    if (due && !busy_ && !kicked_) {
      kicked_ = true;
      wake_.notify_one();
    }
    if (idle_.wait_until(lock, deadline) == std::cv_status::timeout) {
      due = next_due_ && *next_due_ <= Now();
      return queue_.empty() && !busy_ && !kicked_ && !due;
    }
  }
}

EventRecorderStats EventRecorder::stats() const {
  return {.recorded = recorded_.load(),
          .dropped = dropped_.load(),
          .created = created_.load(),
          .aggregated = aggregated_.load(),
          .series_updates = series_updates_.load(),
          .failed = failed_.load()};
}

void EventRecorder::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto has_work = [&] { return stopping_ || kicked_ || !queue_.empty(); };
    if (next_due_) {
      // Wakes when the earliest series update is due; never sleeps past one interval, so a
      // clock that jumps cannot park a due update for long.
      auto until_due = std::chrono::duration_cast<std::chrono::milliseconds>(*next_due_ - Now());
      auto longest = std::max(options_.series_update_interval, std::chrono::milliseconds(1));
      wake_.wait_for(lock, std::clamp(until_due, std::chrono::milliseconds(0), longest), has_work);
    } else {
      wake_.wait(lock, has_work);
    }
    if (stopping_) break;

    std::deque<Occurrence> batch;
    batch.swap(queue_);
    kicked_ = false;
    busy_ = true;
    lock.unlock();

    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (stopping_) {
        dropped_ += batch.size() - i;
        break;
      }
      Process(batch[i]);
    }
    if (!stopping_) FlushDueSeries();

    lock.lock();
    busy_ = false;
    next_due_ = tracker_.NextDue();
    idle_.notify_all();
  }
  dropped_ += queue_.size();
  queue_.clear();
  idle_.notify_all();
}

void EventRecorder::Process(const Occurrence& occurrence) {
  if (occurrence.name.empty() || occurrence.reason.empty() || occurrence.action.empty()) {
    Fail(MakeError(ErrorCode::kInvalid, "record event about " + occurrence.kind + " " +
                                            occurrence.ns + "/" + occurrence.name +
                                            ": metadata.name, reason and action are required"));
    return;
  }

  std::string key;
  for (const std::string* part :
       {&occurrence.kind, &occurrence.ns, &occurrence.name, &occurrence.uid, &occurrence.reason,
        &occurrence.action, &occurrence.note}) {
    key += *part;
    key += kKeySeparator;
  }
  key += EventTypeName(occurrence.type);

  if (tracker_.Observe(key, occurrence.when)) {
    aggregated_ += 1;
    return;
  }
  CreateEvent(key, occurrence);
}

void EventRecorder::CreateEvent(const std::string& key, const Occurrence& occurrence) {
  std::string ns =
      occurrence.ns.empty() ? std::string(kClusterScopedEventNamespace) : occurrence.ns;

  kube::Json regarding = {{"name", occurrence.name}};
  if (!occurrence.api_version.empty()) regarding["apiVersion"] = occurrence.api_version;
  if (!occurrence.kind.empty()) regarding["kind"] = occurrence.kind;
  if (!occurrence.ns.empty()) regarding["namespace"] = occurrence.ns;
  if (!occurrence.uid.empty()) regarding["uid"] = occurrence.uid;
  if (!occurrence.resource_version.empty()) {
    regarding["resourceVersion"] = occurrence.resource_version;
  }

  kube::Json event = {{"apiVersion", kube::resources::kEvents.GroupVersion()},
                      {"kind", "Event"},
                      {"metadata", {{"namespace", ns}}},
                      {"eventTime", FormatRfc3339Micros(occurrence.when)},
                      {"regarding", std::move(regarding)},
                      {"reason", occurrence.reason},
                      {"type", EventTypeName(occurrence.type)},
                      {"action", occurrence.action},
                      {"reportingController", options_.reporting_controller},
                      {"reportingInstance", options_.reporting_instance}};
  if (!occurrence.note.empty()) event["note"] = occurrence.note;

  // A random name collides with negligible probability; one fresh name settles it.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::string name = EventNameFor(occurrence.name, random_());
    event["metadata"]["name"] = name;
    auto made = client_->Create(kube::resources::kEvents, ns, event);
    if (made.ok()) {
      created_ += 1;
      tracker_.Started(key, std::move(name), ns, occurrence.when, Now());
      return;
    }
    if (made.error().code != ErrorCode::kAlreadyExists || attempt == 1) {
      Fail(made.error());
      return;
    }
  }
}

void EventRecorder::FlushDueSeries() {
  for (const auto& update : tracker_.TakeDue(Now())) {
    if (stopping_) return;
    kube::Json patch = {{"series",
                         {{"count", update.count},
                          {"lastObservedTime", FormatRfc3339Micros(update.last_observed)}}}};
    auto patched = client_->Patch(kube::resources::kEvents, update.ns, update.name,
                                  kube::PatchType::kMerge, patch.dump());
    if (patched.ok()) {
      series_updates_ += 1;
      continue;
    }
    // Gone (the event TTL expired it, or someone deleted it): the next occurrence creates a
    // new Event instead of patching a missing one.
    if (patched.error().code == ErrorCode::kNotFound) tracker_.Forget(update.key);
    Fail(patched.error());
  }
}

void EventRecorder::Fail(const Error& error) {
  failed_ += 1;
  if (options_.on_error) options_.on_error(error);
}

}  // namespace awio::runtime
