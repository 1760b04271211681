// An informer: lists a resource, then watches it, and keeps a cache of compact typed
// projections of the objects (the caller chooses the type and the projection; managedFields
// never reach the cache). It relists after a 410 or a failed list with back-off, can resync
// periodically, calls add/update/delete handlers with old and new values, maintains indexes
// (by namespace and by caller-defined functions), and reports "synced" after its first list.
//
// Everything runs on the Kubernetes client's event loop: lists are asynchronous requests and
// the watch is a stream, so an informer costs no thread. Handlers run on the I/O thread and
// must only record or enqueue work.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "kube/api_error.h"
#include "kube/client.h"
#include "kube/watch.h"

namespace awio::runtime {

using kube::Json;

// Namespace and name of a cached object; "ns/name" or "name" as a string key.
struct ObjectKey {
  std::string ns;
  std::string name;
  std::string String() const { return ns.empty() ? name : ns + "/" + name; }
  bool operator<(const ObjectKey& o) const { return std::tie(ns, name) < std::tie(o.ns, o.name); }
  bool operator==(const ObjectKey& o) const = default;
};

ObjectKey KeyOf(const Json& object);

// Removes what no controller reads and what costs the most memory: metadata.managedFields and
// the kubectl last-applied annotation. The default projection of Json informers.
Json StripForCache(Json object);

struct InformerOptions {
  kube::ResourceRef resource;
  std::string ns;  // empty: all namespaces
  std::string label_selector;
  std::string field_selector;
  bool metadata_only = false;
  std::chrono::milliseconds resync{0};  // 0: no periodic resync
  long page_size = 500;
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30'000};
};

template <typename T>
struct InformerHandlers {
  std::function<void(const T&)> on_add;
  std::function<void(const T& old_value, const T& new_value)> on_update;  // also on resync
  std::function<void(const T&)> on_delete;
};

// Health of an informer, for readiness and per-cluster health.
struct InformerHealth {
  bool synced = false;
  std::optional<Error> last_error;  // the latest list or watch failure, cleared on success
};

template <typename T>
class Informer : public std::enable_shared_from_this<Informer<T>> {
 public:
  using Projection = std::function<T(Json&&)>;
  using IndexFunc = std::function<std::vector<std::string>(const T&)>;

  static std::shared_ptr<Informer> Create(std::shared_ptr<kube::Client> client,
                                          InformerOptions options, Projection project) {
    return std::shared_ptr<Informer>(
        new Informer(std::move(client), std::move(options), std::move(project)));
  }
  ~Informer() { Stop(); }

  // Register before Start.
  void AddHandlers(InformerHandlers<T> handlers) {
    std::lock_guard lock(mu_);
    handlers_.push_back(std::move(handlers));
  }
  void AddIndex(const std::string& name, IndexFunc func) {
    std::lock_guard lock(mu_);
    index_funcs_[name] = std::move(func);
  }

  void Start() {
    std::lock_guard lock(mu_);
    if (started_) return;
    started_ = true;
    ListAsync();
  }

  void Stop() {
    std::shared_ptr<kube::Watch> watch;
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
      watch = std::move(watch_);
    }
    if (watch) watch->Stop();
    sync_cv_.notify_all();
  }

  bool HasSynced() const { return synced_.load(); }
  // Blocks until synced, stopped, or the timeout; returns whether synced.
  bool WaitForSync(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return sync_cv_.wait_for(lock, timeout, [&] { return synced_.load() || stopped_; }) &&
           synced_.load();
  }
  InformerHealth Health() const {
    std::lock_guard lock(mu_);
    return {synced_.load(), last_error_};
  }
  const kube::ResourceRef& resource() const { return options_.resource; }

  std::shared_ptr<const T> Get(const ObjectKey& key) const {
    std::lock_guard lock(mu_);
    auto it = items_.find(key);
    return it == items_.end() ? nullptr : it->second;
  }
  std::vector<std::shared_ptr<const T>> List(const std::string& ns = {}) const {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<const T>> out;
    for (const auto& [key, value] : items_) {
      if (ns.empty() || key.ns == ns) out.push_back(value);
    }
    return out;
  }
  std::vector<std::shared_ptr<const T>> ByIndex(const std::string& index,
                                                const std::string& value) const {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<const T>> out;
    auto idx = indexes_.find(index);
    if (idx == indexes_.end()) return out;
    auto keys = idx->second.find(value);
    if (keys == idx->second.end()) return out;
    for (const auto& key : keys->second) {
      auto it = items_.find(key);
      if (it != items_.end()) out.push_back(it->second);
    }
    return out;
  }
  std::size_t Size() const {
    std::lock_guard lock(mu_);
    return items_.size();
  }
  // How many full lists have completed (1 after the first sync; more after relists).
  int Lists() const { return lists_.load(); }

 private:
  Informer(std::shared_ptr<kube::Client> client, InformerOptions options, Projection project)
      : client_(std::move(client)),
        options_(std::move(options)),
        project_(std::move(project)),
        backoff_(options_.backoff_initial) {}

  std::string ListPath(const std::string& continue_token) const {
    std::string query = "?limit=" + std::to_string(options_.page_size);
    if (!options_.label_selector.empty()) {
      query += "&labelSelector=" + kube::QueryEscape(options_.label_selector);
    }
    if (!options_.field_selector.empty()) {
      query += "&fieldSelector=" + kube::QueryEscape(options_.field_selector);
    }
    if (!continue_token.empty()) query += "&continue=" + kube::QueryEscape(continue_token);
    return options_.resource.Path(options_.ns) + query;
  }

  // Lists page by page on the event loop, then replaces the cache and starts the watch.
  void ListAsync() {
    auto fresh = std::make_shared<std::map<ObjectKey, std::shared_ptr<const T>>>();
    ListPage(fresh, "");
  }

  void ListPage(std::shared_ptr<std::map<ObjectKey, std::shared_ptr<const T>>> fresh,
                std::string continue_token) {
    if (stopped_) return;
    kube::HttpRequest request{.path = ListPath(continue_token)};
    if (options_.metadata_only) {
      request.accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
    }
    std::weak_ptr<Informer> weak = this->weak_from_this();
    std::string what = kube::Describe("list", options_.resource, options_.ns, "");
    client_->transport()->SendAsync(
        std::move(request), [weak, fresh, what](Result<kube::HttpResponse> response) {
          auto self = weak.lock();
          if (!self) return;
          if (!response.ok()) return self->Failed(response.error());
          if (response->status != 200) {
            return self->Failed(kube::ErrorFromResponse(*response, what));
          }
          auto list = Json::parse(response->body, nullptr, false);
          response->body.clear();
          if (list.is_discarded()) {
            return self->Failed(MakeError(ErrorCode::kInternal, what + ": invalid JSON"));
          }
          for (auto& item : list["items"]) {
            ObjectKey key = KeyOf(item);
            (*fresh)[key] = std::make_shared<const T>(self->project_(std::move(item)));
          }
          std::string next = list["metadata"].value("continue", "");
          if (!next.empty()) return self->ListPage(fresh, next);
          self->Replace(std::move(*fresh), list["metadata"].value("resourceVersion", ""));
        });
  }

  void Failed(const Error& error) {
    std::chrono::milliseconds delay;
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      last_error_ = error;
      delay = backoff_;
      backoff_ = std::min(backoff_ * 2, options_.backoff_max);
    }
    std::weak_ptr<Informer> weak = this->weak_from_this();
    client_->transport()->loop()->PostAfter(delay, [weak] {
      if (auto self = weak.lock()) self->ListAsync();
    });
  }

  // Swaps in a fresh list, firing add/update/delete for the differences, then watches.
  void Replace(std::map<ObjectKey, std::shared_ptr<const T>> fresh, const std::string& rv) {
    std::vector<std::function<void()>> calls;
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      for (const auto& entry : fresh) {
        auto value = entry.second;
        auto old = items_.find(entry.first);
        if (old == items_.end()) {
          calls.push_back([this, value] { FireAdd(*value); });
        } else {
          calls.push_back([this, before = old->second, value] { FireUpdate(*before, *value); });
        }
      }
      for (const auto& entry : items_) {
        auto value = entry.second;
        if (!fresh.count(entry.first)) calls.push_back([this, value] { FireDelete(*value); });
      }
      items_ = std::move(fresh);
      RebuildIndexes();
      last_error_.reset();
      backoff_ = options_.backoff_initial;
    }
    ++lists_;
    for (auto& call : calls) call();
    if (!synced_.exchange(true)) sync_cv_.notify_all();
    StartWatch(rv);
    ScheduleResync();
  }

  void StartWatch(const std::string& rv) {
    std::weak_ptr<Informer> weak = this->weak_from_this();
    kube::WatchCallbacks callbacks{.on_event =
                                       [weak](kube::WatchEvent&& event) {
                                         if (auto self = weak.lock())
                                           self->OnEvent(std::move(event));
                                       },
                                   .on_gone =
                                       [weak](const Error& error) {
                                         auto self = weak.lock();
                                         if (!self) return;
                                         {
                                           std::lock_guard lock(self->mu_);
                                           self->last_error_ = error;
                                         }
                                         // Relist from the event loop, outside the watch's own
                                         // callback.
                                         self->client_->transport()->loop()->Post([weak] {
                                           if (auto again = weak.lock()) again->ListAsync();
                                         });
                                       },
                                   .on_interrupted =
                                       [weak](const Error& error) {
                                         if (auto self = weak.lock()) {
                                           std::lock_guard lock(self->mu_);
                                           self->last_error_ = error;
                                         }
                                       }};
    auto watch = kube::Watch::Start(client_->transport(), options_.resource, options_.ns,
                                    {.resource_version = rv,
                                     .label_selector = options_.label_selector,
                                     .field_selector = options_.field_selector,
                                     .metadata_only = options_.metadata_only},
                                    std::move(callbacks));
    std::shared_ptr<kube::Watch> previous;
    {
      std::lock_guard lock(mu_);
      previous = std::move(watch_);
      watch_ = std::move(watch);
      if (stopped_) previous = std::move(watch_);
    }
    if (previous) previous->Stop();
  }

  void OnEvent(kube::WatchEvent&& event) {
    if (event.type == kube::WatchEventType::kBookmark) return;
    ObjectKey key = KeyOf(event.object);
    auto value = std::make_shared<const T>(project_(std::move(event.object)));
    std::shared_ptr<const T> old;
    {
      std::lock_guard lock(mu_);
      last_error_.reset();
      auto it = items_.find(key);
      if (it != items_.end()) old = it->second;
      if (event.type == kube::WatchEventType::kDeleted) {
        if (it != items_.end()) items_.erase(it);
      } else {
        items_[key] = value;
      }
      RebuildIndexesFor(key, old.get(),
                        event.type == kube::WatchEventType::kDeleted ? nullptr : value.get());
    }
    if (event.type == kube::WatchEventType::kDeleted) {
      FireDelete(old ? *old : *value);
    } else if (old) {
      FireUpdate(*old, *value);
    } else {
      FireAdd(*value);
    }
  }

  void ScheduleResync() {
    if (options_.resync.count() <= 0 || resync_scheduled_.exchange(true)) return;
    std::weak_ptr<Informer> weak = this->weak_from_this();
    client_->transport()->loop()->PostAfter(options_.resync, [weak] {
      auto self = weak.lock();
      if (!self || self->stopped_) return;
      self->resync_scheduled_ = false;
      for (const auto& value : self->List()) self->FireUpdate(*value, *value);
      self->ScheduleResync();
    });
  }

  void RebuildIndexes() {
    indexes_.clear();
    for (const auto& [key, value] : items_) RebuildIndexesFor(key, nullptr, value.get());
  }

  void RebuildIndexesFor(const ObjectKey& key, const T* old_value, const T* new_value) {
    for (const auto& [name, func] : index_funcs_) {
      auto& index = indexes_[name];
      if (old_value != nullptr) {
        for (const auto& v : func(*old_value)) {
          auto it = index.find(v);
          if (it == index.end()) continue;
          it->second.erase(key);
          if (it->second.empty()) index.erase(it);
        }
      }
      if (new_value != nullptr) {
        for (const auto& v : func(*new_value)) index[v].insert(key);
      }
    }
  }

  void FireAdd(const T& value) {
    for (const auto& h : Handlers()) {
      if (h.on_add) h.on_add(value);
    }
  }
  void FireUpdate(const T& old_value, const T& new_value) {
    for (const auto& h : Handlers()) {
      if (h.on_update) h.on_update(old_value, new_value);
    }
  }
  void FireDelete(const T& value) {
    for (const auto& h : Handlers()) {
      if (h.on_delete) h.on_delete(value);
    }
  }
  std::vector<InformerHandlers<T>> Handlers() const {
    std::lock_guard lock(mu_);
    return handlers_;
  }

  std::shared_ptr<kube::Client> client_;
  InformerOptions options_;
  Projection project_;

  mutable std::mutex mu_;
  mutable std::condition_variable sync_cv_;
  std::map<ObjectKey, std::shared_ptr<const T>> items_;
  std::map<std::string, IndexFunc> index_funcs_;
  std::map<std::string, std::map<std::string, std::set<ObjectKey>>> indexes_;
  std::vector<InformerHandlers<T>> handlers_;
  std::shared_ptr<kube::Watch> watch_;
  std::optional<Error> last_error_;
  std::chrono::milliseconds backoff_;
  bool started_ = false;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> synced_{false};
  std::atomic<bool> resync_scheduled_{false};
  std::atomic<int> lists_{0};
};

// The usual informer of whole objects, without managedFields.
using JsonInformer = Informer<Json>;
inline std::shared_ptr<JsonInformer> MakeJsonInformer(std::shared_ptr<kube::Client> client,
                                                      InformerOptions options) {
  return JsonInformer::Create(std::move(client), std::move(options), StripForCache);
}

// Index function: the namespace of an object (for ByIndex("namespace", ns)).
inline std::vector<std::string> NamespaceIndex(const Json& object) {
  return {object["metadata"].value("namespace", "")};
}

}  // namespace awio::runtime
