// Implementation of the webhook's HTTPS server. TLS is cpp-httplib's SSLServer with a context we
// configure ourselves: no certificate is set on the context; a certificate callback hands each
// handshake the pair that is current at that moment.
#include "admission/server.h"

#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

#include "base/encoding.h"
#include "base/log.h"

namespace awio::admission {
namespace {

constexpr std::string_view kLogger = "webhook";
// A PEM file this large is not a serving certificate or key; refuse rather than read it all.
constexpr std::size_t kMaxPemFileBytes = 1024 * 1024;
// The kubelet swaps both files at once, but two separate reads can straddle the swap; a few
// re-reads give a consistent pair.
constexpr int kSnapshotAttempts = 3;
// How long Start waits for the accept loop to begin before giving up.
constexpr std::chrono::seconds kStartTimeout{10};
// Prometheus' default latency buckets, which controller-runtime's webhook histogram uses.
constexpr std::array<double, 11> kLatencyBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                    0.5,   1,    2.5,   5,    10};

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX, SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, Deleter<SSL, SSL_free>>;

void FreeChain(STACK_OF(X509) * chain) { sk_X509_pop_free(chain, X509_free); }
using ChainPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), FreeChain>>;

// Never prompt for a pass phrase: an encrypted key is simply unusable here.
int NoPassphrase(char*, int, int, void*) { return 0; }

// The most recent OpenSSL error as text ("" when none), clearing the queue.
std::string OpenSslError() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return {};
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

Result<std::string> ReadSmallFile(const std::filesystem::path& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    return MakeError(ErrorCode::kConfiguration,
                     "cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::string data;
  char buffer[8192];
  while (std::size_t n = std::fread(buffer, 1, sizeof(buffer), file.get())) {
    data.append(buffer, n);
    if (data.size() > kMaxPemFileBytes) {
      return MakeError(ErrorCode::kConfiguration, "cannot read " + path.string() +
                                                      ": larger than " +
                                                      std::to_string(kMaxPemFileBytes) + " bytes");
    }
  }
  if (std::ferror(file.get())) {
    return MakeError(ErrorCode::kConfiguration, "cannot read " + path.string());
  }
  return data;
}

std::string DerFingerprint(X509* cert) {
  unsigned char* der = nullptr;
  int length = i2d_X509(cert, &der);
  if (length <= 0) return {};
  std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return base::Sha256Hex(bytes);
}

// A certificate (with its chain) and its key, ready to be handed to handshakes. Immutable.
struct ServingPair {
  X509Ptr leaf;
  ChainPtr chain;  // intermediates after the leaf in tls.crt; may be empty
  PKeyPtr key;
  std::string fingerprint;
};

Result<std::shared_ptr<const ServingPair>> ParsePair(const std::filesystem::path& cert_path,
                                                     const std::string& cert_pem,
                                                     const std::filesystem::path& key_path,
                                                     const std::string& key_pem) {
  auto pair = std::make_shared<ServingPair>();
  pair->chain.reset(sk_X509_new_null());

  BioPtr cert_bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  while (X509* cert = PEM_read_bio_X509(cert_bio.get(), nullptr, NoPassphrase, nullptr)) {
    if (!pair->leaf) {
      pair->leaf.reset(cert);
    } else {
      sk_X509_push(pair->chain.get(), cert);
    }
  }
  ERR_clear_error();  // the loop ends on "no start line"
  if (!pair->leaf) {
    return MakeError(ErrorCode::kConfiguration, "no PEM certificate in " + cert_path.string());
  }

  BioPtr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  pair->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr));
  if (!pair->key) {
    std::string why = OpenSslError();
    return MakeError(ErrorCode::kConfiguration, "no usable PEM private key in " +
                                                    key_path.string() +
                                                    (why.empty() ? "" : " (" + why + ")"));
  }
  if (X509_check_private_key(pair->leaf.get(), pair->key.get()) != 1) {
    ERR_clear_error();
    return MakeError(ErrorCode::kConfiguration, "the private key in " + key_path.string() +
                                                    " does not match the certificate in " +
                                                    cert_path.string());
  }
  pair->fingerprint = DerFingerprint(pair->leaf.get());
  return std::shared_ptr<const ServingPair>(std::move(pair));
}

// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// A TCP connection to host:port (a numeric address or a name), made without blocking past
// `deadline`. kUnavailable when refused or unreachable, kTimeout when the deadline passes.
Result<Fd> ConnectWithDeadline(const std::string& host, int port,
                               std::chrono::steady_clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    return MakeError(ErrorCode::kUnavailable, gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> addresses(found, &freeaddrinfo);

  Error last = MakeError(ErrorCode::kUnavailable, "no address");
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    Fd fd(socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (fd.get() < 0) {
      last = MakeError(ErrorCode::kUnavailable, std::strerror(errno));
      continue;
    }
    if (connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = MakeError(ErrorCode::kUnavailable, std::strerror(errno));
      continue;
    }
    pollfd waiting{.fd = fd.get(), .events = POLLOUT, .revents = 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    int ready = poll(&waiting, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
    if (ready == 0) return MakeError(ErrorCode::kTimeout, "no TCP connection within the timeout");
    int error = 0;
    socklen_t length = sizeof(error);
    if (ready < 0 || getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0 ||
        error != 0) {
      last = MakeError(ErrorCode::kUnavailable, std::strerror(error != 0 ? error : errno));
      continue;
    }
    // Back to blocking for OpenSSL; the caller bounds reads and writes with socket timeouts.
    fcntl(fd.get(), F_SETFL, fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    return fd;
  }
  return last;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::vector<Webhook> webhooks;
  std::filesystem::path cert_path;
  std::filesystem::path key_path;

  // Metrics (controller-runtime's names).
  observability::Counter* requests = nullptr;
  observability::Gauge* in_flight = nullptr;
  observability::Histogram* latency = nullptr;
  observability::CounterSeries* cert_reads = nullptr;
  observability::CounterSeries* cert_read_errors = nullptr;

  mutable std::mutex mu;
  std::shared_ptr<const ServingPair> current;  // what handshakes get
  std::string served_digest;                   // of the file contents behind `current`
  std::string failed_digest;                   // of contents that did not load
  std::optional<std::string> error;            // why the files on disk are not served
  bool stopping = false;
  std::condition_variable wake;

  std::unique_ptr<httplib::SSLServer> http;
  std::thread listen_thread;
  std::thread watch_thread;
  std::atomic<bool> listen_returned{false};
  std::atomic<int> port{0};
  std::atomic<bool> started{false};

  std::shared_ptr<const ServingPair> Current() const {
    std::lock_guard lock(mu);
    return current;
  }

  void SetError(std::string message) {
    std::lock_guard lock(mu);
    if (error != message) {
      log::Warn(kLogger,
                current ? "serving certificate not reloaded; the previous one is still served"
                        : "serving certificate not loaded",
                {{log::keys::kError, message}});
    }
    error = std::move(message);
  }

  // Reads both files as one consistent snapshot.
  Result<std::pair<std::string, std::string>> ReadPair() const {
    Result<std::pair<std::string, std::string>> last =
        MakeError(ErrorCode::kConfiguration, "cannot read " + cert_path.string());
    for (int attempt = 0; attempt < kSnapshotAttempts; ++attempt) {
      auto cert = ReadSmallFile(cert_path);
      if (!cert.ok()) return cert.error();
      auto key = ReadSmallFile(key_path);
      if (!key.ok()) return key.error();
      auto again = ReadSmallFile(cert_path);
      if (!again.ok()) return again.error();
      last = std::pair{std::move(*cert), std::move(*key)};
      if (*again == last->first) break;
    }
    return last;
  }

  // Compares the files with what is served and swaps in a changed pair that loads.
  void Reload() {
    auto files = ReadPair();
    if (!files.ok()) {
      {
        std::lock_guard lock(mu);
        failed_digest.clear();
      }
      SetError(files.error().message);
      return;
    }
    const std::string digest =
        base::Sha256(base::Sha256(files->first) + base::Sha256(files->second));
    {
      std::lock_guard lock(mu);
      if (digest == served_digest) {
        error.reset();
        return;
      }
      if (digest == failed_digest) return;
    }

    cert_reads->Inc();
    auto pair = ParsePair(cert_path, files->first, key_path, files->second);
    if (!pair.ok()) {
      cert_read_errors->Inc();
      {
        std::lock_guard lock(mu);
        failed_digest = digest;
      }
      SetError(pair.error().message);
      return;
    }
    std::string fingerprint = (*pair)->fingerprint;
    {
      std::lock_guard lock(mu);
      current = std::move(*pair);
      served_digest = digest;
      failed_digest.clear();
      error.reset();
    }
    log::Info(kLogger, "serving certificate loaded",
              {{"certificate", cert_path.string()}, {"sha256", fingerprint}});
  }

  void Watch() {
    std::unique_lock lock(mu);
    while (!wake.wait_for(lock, options.cert_poll_interval, [&] { return stopping; })) {
      lock.unlock();
      Reload();
      lock.lock();
    }
  }

  // Hands the handshake the current pair (SSL_CTX_set_cert_cb). 1: go on; 0: fail it.
  static int SelectCertificate(SSL* ssl, void* arg) {
    auto pair = static_cast<const Impl*>(arg)->Current();
    if (!pair) return 0;
    return SSL_use_cert_and_key(ssl, pair->leaf.get(), pair->key.get(), pair->chain.get(),
                                /*override=*/1) == 1
               ? 1
               : 0;
  }

  bool ConfigureTls(SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(
        &ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_cert_cb(&ctx, &Impl::SelectCertificate, this);
    return true;
  }

  void Serve(const Webhook& webhook, const httplib::Request& req, httplib::Response& res) {
    const std::string path(webhook.path);
    auto& flight = in_flight->WithLabels({path});
    flight.Inc();
    auto begin = std::chrono::steady_clock::now();

    auto answer =
        ServeReview(req.get_header_value("Content-Type"), req.body, webhook.handler,
                    [&](const AdmissionRequest* request, const AdmissionResponse& response) {
                      Log(webhook, request, response);
                    });
    res.status = answer.status;
    res.set_content(std::move(answer.body), "application/json");

    latency->WithLabels({path}).Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
    requests->WithLabels({path, std::to_string(answer.status)}).Inc();
    flight.Dec();
  }

  static void Log(const Webhook& webhook, const AdmissionRequest* request,
                  const AdmissionResponse& response) {
    std::string ns = request ? request->namespace_name : std::string();
    std::string name = request ? request->name : std::string();
    std::string op = request ? request->operation : std::string();
    if (response.allowed) {
      log::Debug(kLogger, "admission request allowed",
                 {{"webhook", std::string(webhook.name)},
                  {"operation", op},
                  {log::keys::kNamespace, ns},
                  {log::keys::kName, name}});
    } else if (response.code == 403) {
      log::Info(kLogger, "admission request denied",
                {{"webhook", std::string(webhook.name)},
                 {"operation", op},
                 {log::keys::kNamespace, ns},
                 {log::keys::kName, name},
                 {log::keys::kReason, response.message}});
    } else {
      log::Warn(kLogger, "admission request refused",
                {{"webhook", std::string(webhook.name)},
                 {"operation", op},
                 {log::keys::kNamespace, ns},
                 {log::keys::kName, name},
                 {"code", std::to_string(response.code)},
                 {log::keys::kError, response.message}});
    }
  }
};

Server::Server(ServerOptions options, std::vector<Webhook> webhooks)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->webhooks = std::move(webhooks);
  impl_->cert_path = impl_->options.cert_dir / kCertFileName;
  impl_->key_path = impl_->options.cert_dir / kKeyFileName;

  auto& registry =
      impl_->options.registry ? *impl_->options.registry : observability::Registry::Default();
  impl_->requests = &registry.Counter("controller_runtime_webhook_requests_total",
                                      "Admission requests answered, by webhook path and HTTP code.",
                                      {"webhook", "code"});
  impl_->in_flight =
      &registry.Gauge("controller_runtime_webhook_requests_in_flight",
                      "Admission requests being answered, by webhook path.", {"webhook"});
  impl_->latency = &registry.Histogram("controller_runtime_webhook_latency_seconds",
                                       "Time to answer an admission request, by webhook path.",
                                       {"webhook"}, kLatencyBuckets);
  impl_->cert_reads = &registry
                           .Counter("certwatcher_read_certificate_total",
                                    "Times a changed serving certificate pair was read from disk.")
                           .WithLabels({});
  impl_->cert_read_errors =
      &registry
           .Counter("certwatcher_read_certificate_errors_total",
                    "Times a changed serving certificate pair could not be used.")
           .WithLabels({});
}

Server::~Server() { Stop(); }

Status Server::Start() {
  Impl& impl = *impl_;
  impl.Reload();
  if (!impl.Current()) {
    std::lock_guard lock(impl.mu);
    return MakeError(ErrorCode::kConfiguration,
                     "webhook serving certificate: " + impl.error.value_or("not loaded"));
  }

  impl.http = std::make_unique<httplib::SSLServer>(
      [&impl](SSL_CTX& ctx) { return impl.ConfigureTls(ctx); });
  if (!impl.http->is_valid()) {
    return MakeError(ErrorCode::kInternal,
                     "cannot create the webhook's TLS context: " + OpenSslError());
  }
  impl.http->set_payload_max_length(kMaxRequestBodyBytes);
  impl.http->set_read_timeout(kIoTimeout);
  impl.http->set_write_timeout(kIoTimeout);
  for (const Webhook& webhook : impl.webhooks) {
    impl.http->Post(std::string(webhook.path),
                    [&impl, &webhook](const httplib::Request& req, httplib::Response& res) {
                      impl.Serve(webhook, req, res);
                    });
  }

  const std::string host =
      impl.options.bind_address.empty() ? std::string("0.0.0.0") : impl.options.bind_address;
  int port = impl.options.port;
  if (port == 0) {
    port = impl.http->bind_to_any_port(host);
  } else if (!impl.http->bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return MakeError(ErrorCode::kUnavailable, "webhook server cannot listen on " + host + ":" +
                                                  std::to_string(impl.options.port) + ": " +
                                                  std::strerror(errno));
  }
  impl.port = port;

  impl.listen_thread = std::thread([&impl] {
    impl.http->listen_after_bind();
    impl.listen_returned = true;
  });
  // Stop() may only run once the accept loop has begun, or it would not end it.
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!impl.http->is_running() && !impl.listen_returned &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  if (!impl.http->is_running()) {
    impl.http->stop();
    if (impl.listen_thread.joinable()) impl.listen_thread.join();
    return MakeError(ErrorCode::kUnavailable, "webhook server did not start serving");
  }

  impl.watch_thread = std::thread([&impl] { impl.Watch(); });
  impl.started = true;
  log::Info(
      kLogger, "webhook server started",
      {{"address", host + ":" + std::to_string(port)}, {"certificate", impl.cert_path.string()}});
  return OkStatus();
}

void Server::Stop() {
  Impl& impl = *impl_;
  if (impl.http) impl.http->stop();
  if (impl.listen_thread.joinable()) impl.listen_thread.join();
  {
    std::lock_guard lock(impl.mu);
    impl.stopping = true;
  }
  impl.wake.notify_all();
  if (impl.watch_thread.joinable()) impl.watch_thread.join();
  if (impl.started.exchange(false)) log::Info(kLogger, "webhook server stopped");
}

int Server::port() const { return impl_->port.load(); }

bool Server::started() const { return impl_->started.load(); }

std::optional<std::string> Server::StartedCheck() const {
  if (!started()) return "webhook server has not started";
  std::string host = impl_->options.bind_address;
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  auto dial = DialTls(host, port(), kReadinessDialTimeout);
  if (!dial.ok()) return "webhook server is not reachable: " + dial.error().message;
  return std::nullopt;
}

std::string Server::ServingCertificateFingerprint() const {
  auto pair = impl_->Current();
  return pair ? pair->fingerprint : std::string();
}

std::optional<std::string> Server::CertificateError() const {
  std::lock_guard lock(impl_->mu);
  return impl_->error;
}

Result<std::string> CertificateFingerprint(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (!cert) return MakeError(ErrorCode::kInvalid, "no PEM certificate found");
  return DerFingerprint(cert.get());
}

Result<std::string> DialTls(const std::string& host, int port, std::chrono::milliseconds timeout) {
  const std::string target =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto fail = [&](ErrorCode code, const std::string& why) {
    return MakeError(code, "TLS dial to " + target + " failed: " + why);
  };

  auto socket = ConnectWithDeadline(host, port, deadline);
  if (!socket.ok()) return fail(socket.error().code, socket.error().message);
  Fd fd = std::move(socket).value();

  // The handshake blocks, bounded by socket timeouts set to what is left of the deadline.
  auto left = std::chrono::duration_cast<std::chrono::microseconds>(
      deadline - std::chrono::steady_clock::now());
  timeval io_timeout{};
  io_timeout.tv_sec = static_cast<time_t>(std::max<long long>(left.count(), 1) / 1'000'000);
  io_timeout.tv_usec = static_cast<suseconds_t>(std::max<long long>(left.count(), 1) % 1'000'000);
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &io_timeout, sizeof(io_timeout));
  setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &io_timeout, sizeof(io_timeout));

  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return fail(ErrorCode::kInternal, OpenSslError());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  SslPtr ssl(SSL_new(ctx.get()));
  if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1)
    return fail(ErrorCode::kInternal, OpenSslError());
  errno = 0;
  if (SSL_connect(ssl.get()) != 1) {
    const bool timed_out = errno == EAGAIN || errno == EWOULDBLOCK;
    std::string why = OpenSslError();
    if (timed_out) return fail(ErrorCode::kTimeout, "no TLS handshake within the timeout");
    return fail(ErrorCode::kUnavailable, why.empty() ? "TLS handshake failed" : why);
  }
  X509Ptr peer(SSL_get1_peer_certificate(ssl.get()));
  SSL_shutdown(ssl.get());
  if (!peer) return fail(ErrorCode::kUnavailable, "the server presented no certificate");
  return DerFingerprint(peer.get());
}

}  // namespace awio::admission
