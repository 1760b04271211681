// The /metrics listener (packaging-observability spec §5.4, §6.1; inventory-and-remote-irsa
// §7.6): plain HTTP, one path, the Prometheus text exposition of a registry, every request
// decided by MetricsAuthorizer first. Other paths answer 404. Error answers are written as Go's
// http.Error writes them (text/plain, the message and a newline), since the original's are.
//
// It owns the listener and the HTTP exchange only (cpp-httplib); what to count belongs to the
// registry's users and who may read belongs to the authorizer.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/error.h"
#include "manager/metrics_auth.h"
#include "manager/options.h"
#include "observability/metrics.h"

namespace awio::manager {

// The one path served.
inline constexpr std::string_view kMetricsPath = "/metrics";
// A scraper that stalls longer than this on one exchange is cut off; Prometheus' default scrape
// timeout is 10 s.
inline constexpr std::chrono::seconds kMetricsIoTimeout{30};

class MetricsServer {
 public:
  // `registry` and `authorizer` must outlive the server. `address` as Options::metrics_listen
  // gives it; port 0 lets the kernel pick (see port()).
  MetricsServer(ListenAddress address, observability::Registry& registry,
                std::shared_ptr<MetricsAuthorizer> authorizer);
  ~MetricsServer();  // stops the server
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Listens and starts serving on a thread of its own. kUnavailable naming the address when it
  // cannot be bound. Call once.
  Status Start();
  // Stops accepting, lets in-flight exchanges finish and joins the thread. Idempotent.
  void Stop();

  // The port listened on (the kernel's choice for port 0); 0 before Start.
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace awio::manager
