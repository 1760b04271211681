// The one I/O thread of the Kubernetes client: a libcurl multi handle that drives every HTTP
// exchange and watch stream of every API server, plus timers and a queue of functions to run
// on that thread. A second, fixed thread runs blocking work (exec credential plugins, token
// file reads) so that it never stalls I/O. The thread count is two whatever the number of
// clusters, requests or watches.
//
// Part of our own Kubernetes client: no Debian package provides one for C++.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace awio::kube {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  // Called on the I/O thread when a transfer ends, with curl's result code.
  using TransferDone = std::function<void(CURL* easy, CURLcode result)>;

  EventLoop();
  ~EventLoop();  // stops both threads; pending transfers are aborted without callbacks
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // The process-wide loop shared by every client unless one is given explicitly.
  static std::shared_ptr<EventLoop> Default();

  // Runs `fn` on the I/O thread soon.
  void Post(std::function<void()> fn);
  // Runs `fn` on the I/O thread after `delay`.
  void PostAfter(std::chrono::milliseconds delay, std::function<void()> fn);
  // Runs `fn` on the blocking-work thread, in submission order.
  void PostBlocking(std::function<void()> fn);

  // I/O thread only: starts a transfer; `done` runs when it ends. The loop owns nothing of the
  // easy handle: the caller cleans it up in `done` or after Remove.
  void Add(CURL* easy, TransferDone done);
  // I/O thread only: aborts a running transfer without calling its `done`.
  void Remove(CURL* easy);

  bool OnLoopThread() const { return std::this_thread::get_id() == io_thread_.get_id(); }

 private:
  void RunIo();
  void RunBlocking();

  CURLM* multi_ = nullptr;
  std::mutex mu_;
  std::deque<std::function<void()>> posted_;
  std::multimap<Clock::time_point, std::function<void()>> timers_;
  bool stopping_ = false;
  std::map<CURL*, TransferDone> transfers_;  // I/O thread only

  std::mutex blocking_mu_;
  std::condition_variable blocking_cv_;
  std::deque<std::function<void()>> blocking_;
  bool blocking_stopping_ = false;

  std::thread io_thread_;
  std::thread blocking_thread_;
};

}  // namespace awio::kube
