// A resumable watch of one resource: streams ADDED, MODIFIED, DELETED and BOOKMARK events
// (bookmarks requested), decodes them as they arrive, and after a dropped connection or a
// server-side timeout resumes from the last resourceVersion it saw, with back-off. When the
// server says that resourceVersion is gone (HTTP 410, or an ERROR event with code 410), it
// stops and signals OnGone: the caller must list again and start a new watch. Runs on the
// client's event loop: no thread per watch.
//
// Part of our own Kubernetes client: no Debian package provides one for C++.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/error.h"
#include "kube/client.h"
#include "kube/resource.h"
#include "kube/transport.h"

namespace awio::kube {

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark };

struct WatchEvent {
  WatchEventType type;
  Json object;  // for a bookmark, only metadata.resourceVersion is meaningful
};

struct WatchOptions {
  std::string resource_version;  // start after this version; empty: from "now"
  std::string label_selector;
  std::string field_selector;
  bool metadata_only = false;  // PartialObjectMetadata events
  // Server-side timeout of each stream; the watch resumes when it ends. 0: a random value in
  // [5, 10) minutes, so that many watches do not reconnect together.
  int timeout_seconds = 0;
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30'000};
};

// Callbacks run on the event loop's I/O thread; keep them short (queue work elsewhere).
struct WatchCallbacks {
  std::function<void(WatchEvent&&)> on_event;
  // The resourceVersion expired; the watch has stopped. Relist, then start a new watch.
  std::function<void(const Error&)> on_gone;
  // A stream ended abnormally and the watch will resume after back-off (for health/metrics).
  std::function<void(const Error&)> on_interrupted;
};

class Watch : public std::enable_shared_from_this<Watch> {
 public:
  static std::shared_ptr<Watch> Start(std::shared_ptr<Transport> transport, ResourceRef resource,
                                      std::string ns, WatchOptions options,
                                      WatchCallbacks callbacks);
  ~Watch();

  // Stops the watch; no callback runs after Stop returns (unless Stop is called from one).
  void Stop();
  // The last resourceVersion seen (event or bookmark).
  std::string LastResourceVersion() const;
  // How many streams were opened; more than one means the watch resumed.
  int Streams() const { return streams_; }

 private:
  Watch(std::shared_ptr<Transport> transport, ResourceRef resource, std::string ns,
        WatchOptions options, WatchCallbacks callbacks);
  void Open();
  bool OnData(std::string_view data);
  void OnLine(std::string_view line);
  void OnStreamEnd(Result<HttpResponse> result);
  void Gone(const Error& error);

  std::shared_ptr<Transport> transport_;
  ResourceRef resource_;
  std::string ns_;
  WatchOptions options_;
  WatchCallbacks callbacks_;

  mutable std::recursive_mutex mu_;
  std::shared_ptr<Transport::Stream> stream_;
  std::string resource_version_;
  std::string buffer_;
  std::atomic<bool> stopped_{false};
  bool gone_ = false;
  std::chrono::milliseconds backoff_;
  std::atomic<int> streams_{0};
};

}  // namespace awio::kube
