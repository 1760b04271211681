// Implementation of the /metrics listener (metrics_server.h) on cpp-httplib's plain-HTTP server.
#include "manager/metrics_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include "base/log.h"

namespace awio::manager {
namespace {

constexpr std::string_view kLogger = "metrics";
// Go's http.Error content type.
constexpr std::string_view kErrorContentType = "text/plain; charset=utf-8";
// How long Start waits for the accept loop to begin before giving up.
constexpr std::chrono::seconds kStartTimeout{10};

// As Go's http.Error: the message and a newline, as plain text that browsers must not sniff.
void WriteError(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(message + "\n", std::string(kErrorContentType));
}

}  // namespace

struct MetricsServer::Impl {
  ListenAddress address;
  observability::Registry* registry = nullptr;
  std::shared_ptr<MetricsAuthorizer> authorizer;

  httplib::Server http;
  std::thread listen_thread;
  std::atomic<bool> listen_returned{false};
  std::atomic<int> port{0};
  std::atomic<bool> started{false};

  void Serve(const httplib::Request& req, httplib::Response& res) {
    const AuthResult decision =
        authorizer->Check(req.get_header_value("Authorization"), req.method, req.path);
    if (!decision.allowed()) {
      WriteError(res, decision.status, decision.body);
      return;
    }
    res.status = 200;
    res.set_content(registry->Expose(), std::string(observability::Registry::kContentType));
  }
};

MetricsServer::MetricsServer(ListenAddress address, observability::Registry& registry,
                             std::shared_ptr<MetricsAuthorizer> authorizer)
    : impl_(std::make_unique<Impl>()) {
  impl_->address = std::move(address);
  impl_->registry = &registry;
  impl_->authorizer = std::move(authorizer);
}

MetricsServer::~MetricsServer() { Stop(); }

Status MetricsServer::Start() {
  Impl& impl = *impl_;
  const std::string path(kMetricsPath);
  // Every method reaches the authorizer, which asks about the lower-cased method as the verb,
  // as the original's filter does; HEAD is routed to the GET handler by the library.
  const auto serve = [&impl](const httplib::Request& req, httplib::Response& res) {
    impl.Serve(req, res);
  };
  impl.http.Get(path, serve);
  impl.http.Post(path, serve);
  impl.http.Put(path, serve);
  impl.http.Patch(path, serve);
  impl.http.Delete(path, serve);
  impl.http.Options(path, serve);
  // Unrouted paths get Go's "404 page not found"; the answers written above are left alone.
  impl.http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (res.status != 404 || !res.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        WriteError(res, 404, "404 page not found");
        return httplib::Server::HandlerResponse::Handled;
      }));
  // SO_REUSEADDR only: the library's default SO_REUSEPORT would let a second process bind the
  // same port and silently share its connections instead of failing to start.
  impl.http.set_socket_options([](int socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  impl.http.set_read_timeout(kMetricsIoTimeout);
  impl.http.set_write_timeout(kMetricsIoTimeout);

  const auto& [host, requested_port] = impl.address;
  const std::string where = host + ":" + std::to_string(requested_port);
  int bound = requested_port;
  if (requested_port == 0) {
    bound = impl.http.bind_to_any_port(host);
  } else if (!impl.http.bind_to_port(host, requested_port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return MakeError(ErrorCode::kUnavailable,
                     "metrics server cannot listen on " + where + ": " + std::strerror(errno));
  }
  impl.port = bound;

  impl.listen_thread = std::thread([&impl] {
    impl.http.listen_after_bind();
    impl.listen_returned = true;
  });
  // Stop() ends the accept loop only once it has begun.
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!impl.http.is_running() && !impl.listen_returned &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  if (!impl.http.is_running()) {
    impl.http.stop();
    if (impl.listen_thread.joinable()) impl.listen_thread.join();
    return MakeError(ErrorCode::kUnavailable, "metrics server on " + where + " did not start");
  }
  impl.started = true;
  log::Info(kLogger, "metrics server started",
            {{"address", host + ":" + std::to_string(bound)}, {"path", path}});
  return OkStatus();
}

void MetricsServer::Stop() {
  Impl& impl = *impl_;
  impl.http.stop();
  if (impl.listen_thread.joinable()) impl.listen_thread.join();
  if (impl.started.exchange(false)) log::Info(kLogger, "metrics server stopped");
}

int MetricsServer::port() const { return impl_->port.load(); }

}  // namespace awio::manager
