// The HTTPS server of the validating webhook (spec/api.md §8.1, packaging-observability.md §3.11,
// §5.4, §5.5): serves the webhooks of validators.h as POST application/json on their paths, with
// the serving certificate tls.crt/tls.key read from a directory, and picks up a rotated
// certificate without a restart. cert-manager renews the serving key on every renewal and the
// kubelet swaps the mounted files in place, so the files are re-read periodically; a new pair
// that cannot be used (unreadable, not PEM, key and certificate do not match) is reported with
// the file's name while the previous pair keeps serving. Each TLS handshake takes the pair that
// is current at that moment, so new connections present a new certificate at once and
// established ones are not disturbed.
//
// It owns TLS and HTTP only (cpp-httplib with OpenSSL); decisions are the handlers'. It exposes
// the manager's readiness check ("webhook server started": started, and a TLS dial succeeds)
// and controller-runtime's webhook and certificate-watcher metrics. HTTP/2 is not offered: the
// API server calls webhooks over HTTP/1.1 equally well.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admission/validators.h"
#include "base/error.h"
#include "observability/metrics.h"

namespace awio::admission {

// Where the chart mounts the serving Secret (§8.1).
inline constexpr std::string_view kDefaultCertDir = "/tmp/k8s-webhook-server/serving-certs";
// The container port the webhook Service forwards 443 to (§8.1).
inline constexpr int kDefaultPort = 9443;
// File names inside the certificate directory (a kubernetes.io/tls Secret's keys).
inline constexpr std::string_view kCertFileName = "tls.crt";
inline constexpr std::string_view kKeyFileName = "tls.key";
// Largest request body accepted: a review carries the object and the old object, each up to
// the API server's 3 MiB request limit, plus the review's own fields. Larger bodies get 413.
inline constexpr std::size_t kMaxRequestBodyBytes = 7 * 1024 * 1024;
// How often the certificate files are compared with what is served. Reading two small files
// costs nothing, and the kubelet refreshes mounted Secrets only every minute or so anyway.
inline constexpr std::chrono::milliseconds kDefaultCertPollInterval{1000};
// The API server gives up on a webhook after timeoutSeconds (10, §8.1); a slower client is
// not the API server.
inline constexpr std::chrono::seconds kIoTimeout{10};
// Dial timeout of the readiness check, as controller-runtime's StartedChecker uses.
inline constexpr std::chrono::seconds kReadinessDialTimeout{10};

struct ServerOptions {
  // Address to listen on; empty: every IPv4 interface ("0.0.0.0").
  std::string bind_address;
  // 0: a port the kernel picks (see Server::port()).
  int port = kDefaultPort;
  std::filesystem::path cert_dir{kDefaultCertDir};
  std::chrono::milliseconds cert_poll_interval = kDefaultCertPollInterval;
  // Where the webhook and certificate-watcher metrics go; nullptr: Registry::Default().
  observability::Registry* registry = nullptr;
};

class Server {
 public:
  Server(ServerOptions options, std::vector<Webhook> webhooks);
  ~Server();  // stops the server
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the certificate (a kConfiguration error naming the file when it cannot be used),
  // listens (kUnavailable when the address cannot be bound) and starts serving and watching
  // the certificate files. Call once.
  Status Start();
  // Stops accepting connections, lets in-flight requests finish, stops watching the files.
  // Idempotent.
  void Stop();

  // The port listened on (the kernel's choice when options.port was 0); 0 before Start.
  int port() const;
  // True between a successful Start and Stop.
  bool started() const;

  // The manager's readiness check (§5.5 "readyz"): nullopt when the server has started and a
  // TLS dial to it succeeds (certificate not verified); otherwise why not. Blocks for at most
  // kReadinessDialTimeout.
  std::optional<std::string> StartedCheck() const;

  // SHA-256 (lowercase hex of the DER) of the certificate new connections are given; "" before
  // Start.
  std::string ServingCertificateFingerprint() const;
  // Why the newest files on disk are not being served (the message names the file); nullopt
  // when what is served is what is on disk.
  std::optional<std::string> CertificateError() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SHA-256 (lowercase hex of the DER) of the first certificate in `pem`; kInvalid when there is
// none.
Result<std::string> CertificateFingerprint(std::string_view pem);

// Opens a TLS connection to host:port without verifying the peer and returns the fingerprint
// (as CertificateFingerprint) of the certificate it presented. kUnavailable when the connection
// or handshake fails, kTimeout when it takes longer than `timeout`.
Result<std::string> DialTls(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace awio::admission
