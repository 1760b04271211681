// Implementation of the client's I/O event loop on libcurl's multi interface.
#include "kube/event_loop.h"

#include <algorithm>
#include <vector>

namespace awio::kube {
namespace {

// Upper bound on how long the loop sleeps in curl_multi_poll when nothing is due; posts and
// timers wake it earlier through curl_multi_wakeup.
constexpr int kMaxPollMillis = 1000;

}  // namespace

EventLoop::EventLoop() {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  // HTTP/2 multiplexing: every request and watch to one API server shares a connection.
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi_, CURLMOPT_MAX_CONCURRENT_STREAMS, 1000L);
  io_thread_ = std::thread([this] { RunIo(); });
  blocking_thread_ = std::thread([this] { RunBlocking(); });
}

EventLoop::~EventLoop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  curl_multi_wakeup(multi_);
  io_thread_.join();
  {
    std::lock_guard lock(blocking_mu_);
    blocking_stopping_ = true;
  }
  blocking_cv_.notify_all();
  blocking_thread_.join();
  for (auto& [easy, done] : transfers_) curl_multi_remove_handle(multi_, easy);
  curl_multi_cleanup(multi_);
}

std::shared_ptr<EventLoop> EventLoop::Default() {
  static std::shared_ptr<EventLoop> loop = std::make_shared<EventLoop>();
  return loop;
}

void EventLoop::Post(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    posted_.push_back(std::move(fn));
  }
  curl_multi_wakeup(multi_);
}

void EventLoop::PostAfter(std::chrono::milliseconds delay, std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    timers_.emplace(Clock::now() + delay, std::move(fn));
  }
  curl_multi_wakeup(multi_);
}

void EventLoop::PostBlocking(std::function<void()> fn) {
  {
    std::lock_guard lock(blocking_mu_);
    blocking_.push_back(std::move(fn));
  }
  blocking_cv_.notify_one();
}

void EventLoop::Add(CURL* easy, TransferDone done) {
  transfers_[easy] = std::move(done);
  curl_multi_add_handle(multi_, easy);
}

void EventLoop::Remove(CURL* easy) {
  if (transfers_.erase(easy) > 0) curl_multi_remove_handle(multi_, easy);
}

void EventLoop::RunIo() {
  std::vector<std::function<void()>> due;
  while (true) {
    due.clear();
    int timeout_ms = kMaxPollMillis;
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
      while (!posted_.empty()) {
        due.push_back(std::move(posted_.front()));
        posted_.pop_front();
      }
      auto now = Clock::now();
      while (!timers_.empty() && timers_.begin()->first <= now) {
        due.push_back(std::move(timers_.begin()->second));
        timers_.erase(timers_.begin());
      }
      if (!timers_.empty()) {
        auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(timers_.begin()->first - now)
                .count();
        timeout_ms = static_cast<int>(std::clamp<long long>(wait, 0, kMaxPollMillis));
      }
    }
    for (auto& fn : due) fn();

    int running = 0;
    curl_multi_perform(multi_, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode result = msg->data.result;
      auto it = transfers_.find(easy);
      if (it == transfers_.end()) continue;
      TransferDone done = std::move(it->second);
      transfers_.erase(it);
      curl_multi_remove_handle(multi_, easy);
      done(easy, result);
    }
    if (!due.empty()) timeout_ms = 0;  // posted work may have added transfers or timers
    curl_multi_poll(multi_, nullptr, 0, timeout_ms, nullptr);
  }
}

void EventLoop::RunBlocking() {
  while (true) {
    std::function<void()> fn;
    {
      std::unique_lock lock(blocking_mu_);
      blocking_cv_.wait(lock, [&] { return blocking_stopping_ || !blocking_.empty(); });
      if (blocking_stopping_) return;
      fn = std::move(blocking_.front());
      blocking_.pop_front();
    }
    fn();
  }
}

}  // namespace awio::kube
