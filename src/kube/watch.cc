// Implementation of the resumable watch.
#include "kube/watch.h"

#include <random>

#include "kube/api_error.h"

namespace awio::kube {

std::shared_ptr<Watch> Watch::Start(std::shared_ptr<Transport> transport, ResourceRef resource,
                                    std::string ns, WatchOptions options,
                                    WatchCallbacks callbacks) {
  std::shared_ptr<Watch> watch(new Watch(std::move(transport), std::move(resource), std::move(ns),
                                         std::move(options), std::move(callbacks)));
  watch->Open();
  return watch;
}

Watch::Watch(std::shared_ptr<Transport> transport, ResourceRef resource, std::string ns,
             WatchOptions options, WatchCallbacks callbacks)
    : transport_(std::move(transport)),
      resource_(std::move(resource)),
      ns_(std::move(ns)),
      options_(std::move(options)),
      callbacks_(std::move(callbacks)),
      resource_version_(options_.resource_version),
      backoff_(options_.backoff_initial) {}

Watch::~Watch() { Stop(); }

void Watch::Stop() {
  std::shared_ptr<Transport::Stream> stream;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    stream = std::move(stream_);
  }
  if (stream) stream->Cancel();
}

std::string Watch::LastResourceVersion() const {
  std::lock_guard lock(mu_);
  return resource_version_;
}

void Watch::Open() {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  int timeout = options_.timeout_seconds;
  if (timeout <= 0) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    timeout = std::uniform_int_distribution<int>(300, 599)(rng);
  }
  std::string query = "?watch=1&allowWatchBookmarks=true&timeoutSeconds=" + std::to_string(timeout);
  if (!resource_version_.empty()) query += "&resourceVersion=" + QueryEscape(resource_version_);
  if (!options_.label_selector.empty()) {
    query += "&labelSelector=" + QueryEscape(options_.label_selector);
  }
  if (!options_.field_selector.empty()) {
    query += "&fieldSelector=" + QueryEscape(options_.field_selector);
  }
  HttpRequest request{.path = resource_.Path(ns_) + query};
  if (options_.metadata_only) {
    request.accept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
  }
  buffer_.clear();
  ++streams_;
  std::weak_ptr<Watch> weak = weak_from_this();
  stream_ = transport_->OpenStream(
      std::move(request),
      [weak](std::string_view data) {
        auto self = weak.lock();
        return self && self->OnData(data);
      },
      [weak](Result<HttpResponse> result) {
        if (auto self = weak.lock()) self->OnStreamEnd(std::move(result));
      });
}

bool Watch::OnData(std::string_view data) {
  std::lock_guard lock(mu_);
  if (stopped_) return false;
  buffer_.append(data);
  std::size_t start = 0;
  while (true) {
    auto newline = buffer_.find('\n', start);
    if (newline == std::string::npos) break;
    std::string_view line(buffer_.data() + start, newline - start);
    if (!line.empty()) OnLine(line);
    if (stopped_ || gone_) return false;
    start = newline + 1;
  }
  buffer_.erase(0, start);
  return true;
}

void Watch::OnLine(std::string_view line) {
  auto event = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (event.is_discarded() || !event.is_object()) {
    if (callbacks_.on_interrupted) {
      callbacks_.on_interrupted(MakeError(
          ErrorCode::kInternal, Describe("watch", resource_, ns_, "") + ": undecodable event of " +
                                    std::to_string(line.size()) + " bytes; resuming"));
    }
    return;
  }
  std::string type = event.value("type", "");
  Json& object = event["object"];
  if (type == "ERROR") {
    HttpResponse as_response{.status = object.value("code", 500L), .body = object.dump()};
    Error error = ErrorFromResponse(as_response, Describe("watch", resource_, ns_, ""));
    if (error.code == ErrorCode::kGone) {
      Gone(error);
    } else if (callbacks_.on_interrupted) {
      callbacks_.on_interrupted(error);
    }
    return;
  }
  WatchEventType kind;
  if (type == "ADDED") {
    kind = WatchEventType::kAdded;
  } else if (type == "MODIFIED") {
    kind = WatchEventType::kModified;
  } else if (type == "DELETED") {
    kind = WatchEventType::kDeleted;
  } else if (type == "BOOKMARK") {
    kind = WatchEventType::kBookmark;
  } else {
    return;  // an event type newer than this client; skip it
  }
  if (object.contains("metadata")) {
    std::string rv = object["metadata"].value("resourceVersion", "");
    if (!rv.empty()) resource_version_ = rv;
  }
  backoff_ = options_.backoff_initial;  // the stream works: reset back-off
  if (callbacks_.on_event) callbacks_.on_event(WatchEvent{kind, std::move(object)});
}

void Watch::Gone(const Error& error) {
  gone_ = true;
  stopped_ = true;
  if (callbacks_.on_gone) callbacks_.on_gone(error);
}

void Watch::OnStreamEnd(Result<HttpResponse> result) {
  std::unique_lock lock(mu_);
  stream_.reset();
  if (stopped_) return;
  std::chrono::milliseconds delay{0};
  if (!result.ok()) {
    if (result.error().code == ErrorCode::kCancelled) return;
    Error error = result.error();
    error.message = Describe("watch", resource_, ns_, "") + ": " + error.message + "; resuming";
    if (callbacks_.on_interrupted) callbacks_.on_interrupted(error);
    delay = backoff_;
  } else if (result->status == 410) {
    Gone(ErrorFromResponse(*result, Describe("watch", resource_, ns_, "")));
    return;
  } else if (result->status != 200) {
    Error error = ErrorFromResponse(*result, Describe("watch", resource_, ns_, ""));
    if (error.code == ErrorCode::kGone) {
      Gone(error);
      return;
    }
    if (callbacks_.on_interrupted) callbacks_.on_interrupted(error);
    delay = error.retry_after ? std::chrono::milliseconds(*error.retry_after) : backoff_;
  }
  // A clean end (the server-side timeout) resumes at once; failures back off exponentially.
  if (delay.count() > 0) backoff_ = std::min(backoff_ * 2, options_.backoff_max);
  std::weak_ptr<Watch> weak = weak_from_this();
  lock.unlock();
  transport_->loop()->PostAfter(delay, [weak] {
    if (auto self = weak.lock()) self->Open();
  });
}

}  // namespace awio::kube
