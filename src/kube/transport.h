// HTTP exchanges with one Kubernetes API server over the shared event loop: TLS with the
// configuration's CA and client certificate held in memory, HTTP/2 so that every request and
// watch shares one connection, bearer or client-certificate credentials (refreshed once on a
// 401), gzip, connect and request timeouts, an optional client-side rate limit, and a
// User-Agent naming the program. It knows HTTP, not Kubernetes objects (see client.h).
//
// Part of our own Kubernetes client: no Debian package provides one for C++.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "kube/event_loop.h"
#include "kube/rest_config.h"

namespace awio::kube {

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // path and query, appended to the server URL
  std::string body;
  std::string content_type;  // sent when the body is not empty
  std::string accept = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // Non-streaming requests: 0 takes the configuration's request timeout.
  std::chrono::milliseconds timeout{0};
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  int http_version = 0;                        // 1 (HTTP/1.x) or 2
};

// Counts kept for metrics (rest_client_requests_total by code and method).
struct TransportStats {
  std::map<std::pair<std::string, long>, std::uint64_t> requests;  // (method, code) -> count
};

class Transport : public std::enable_shared_from_this<Transport> {
 public:
  using Done = std::function<void(Result<HttpResponse>)>;
  // Receives body bytes of a stream as they arrive, on the I/O thread. Returning false stops
  // the stream (Done then receives kCancelled).
  using OnData = std::function<bool(std::string_view)>;

  static std::shared_ptr<Transport> Create(RestConfig config,
                                           std::shared_ptr<EventLoop> loop = EventLoop::Default());
  ~Transport();

  const RestConfig& config() const { return config_; }
  const std::shared_ptr<EventLoop>& loop() const { return loop_; }

  // Sends a request and waits for the whole response. Must not be called on the I/O thread.
  // An HTTP error status is a response, not an Error; Errors are transport failures
  // (kUnavailable, kTimeout), unusable credentials (kConfiguration, kUnauthorized) or
  // cancellation.
  Result<HttpResponse> Send(HttpRequest request);
  // Sends without waiting; `done` runs on the I/O thread.
  void SendAsync(HttpRequest request, Done done);

  // A streaming request (watch): `on_data` receives the body as it arrives and `done` the
  // final status once the stream ends for any reason. Cancel() stops it; after Cancel returns
  // `on_data` is not called again.
  class Stream {
   public:
    virtual ~Stream() = default;
    virtual void Cancel() = 0;
  };
  std::shared_ptr<Stream> OpenStream(HttpRequest request, OnData on_data, Done done);

  TransportStats Stats() const;

 private:
  struct Exchange;
  Transport(RestConfig config, std::shared_ptr<EventLoop> loop);
  // Obtains credentials (on the blocking thread when they may block), then starts it.
  void Begin(std::shared_ptr<Exchange> exchange);
  void Start(std::shared_ptr<Exchange> exchange);                    // I/O thread
  void Finish(std::shared_ptr<Exchange> exchange, CURLcode result);  // I/O thread
  // Delay before the next request may start under the rate limit; takes a token.
  std::chrono::milliseconds TakeToken();

  RestConfig config_;
  std::shared_ptr<EventLoop> loop_;
  std::string user_agent_;

  mutable std::mutex mu_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point last_refill_;
  TransportStats stats_;
};

}  // namespace awio::kube
