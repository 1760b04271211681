// Implementation of the API server transport on the shared event loop.
#include "kube/transport.h"

#include <algorithm>
#include <atomic>
#include <cctype>

#include "observability/metrics.h"

namespace awio::kube {
namespace {

constexpr const char* kDefaultUserAgent = "aws-workload-identity-operator/0.1.0";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

// Splits "https://host:port/prefix" into the host, the port and the rest.
struct ServerParts {
  std::string scheme, host, port, rest;
};
ServerParts SplitServer(const std::string& server) {
  ServerParts p;
  auto scheme_end = server.find("://");
  std::size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  p.scheme = scheme_end == std::string::npos ? "https" : server.substr(0, scheme_end);
  auto path_start = server.find('/', host_start);
  std::string authority = server.substr(host_start, path_start - host_start);
  p.rest = path_start == std::string::npos ? "" : server.substr(path_start);
  auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    p.host = authority.substr(0, colon);
    p.port = authority.substr(colon + 1);
  } else {
    p.host = authority;
    p.port = p.scheme == "http" ? "80" : "443";
  }
  return p;
}

}  // namespace

struct Transport::Exchange {
  HttpRequest request;
  bool streaming = false;
  OnData on_data;
  Done done;

  Credential credential;
  bool retried_unauthorized = false;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  std::string url;
  HttpResponse response;
  char error_buffer[CURL_ERROR_SIZE] = {};

  std::recursive_mutex data_mu;  // serialises on_data with Cancel
  std::atomic<bool> cancelled{false};
  bool completed = false;  // I/O thread only

  void Complete(Result<HttpResponse> result) {
    if (completed) return;
    completed = true;
    Done callback = std::move(done);
    on_data = nullptr;
    if (callback) callback(std::move(result));
  }
};

namespace {

class StreamHandle : public Transport::Stream {
 public:
  StreamHandle(std::weak_ptr<void> exchange, std::function<void()> cancel)
      : exchange_(std::move(exchange)), cancel_(std::move(cancel)) {}
  void Cancel() override {
    if (cancel_) cancel_();
  }

 private:
  std::weak_ptr<void> exchange_;
  std::function<void()> cancel_;
};

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // a new status line (after 100-continue or a redirect)
    return size * count;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    response->headers[Lower(std::string(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
  }
  return size * count;
}

}  // namespace

std::shared_ptr<Transport> Transport::Create(RestConfig config, std::shared_ptr<EventLoop> loop) {
  return std::shared_ptr<Transport>(new Transport(std::move(config), std::move(loop)));
}

Transport::Transport(RestConfig config, std::shared_ptr<EventLoop> loop)
    : config_(std::move(config)), loop_(std::move(loop)) {
  user_agent_ = config_.user_agent.empty() ? kDefaultUserAgent : config_.user_agent;
  tokens_ = std::max(1, config_.burst);
  last_refill_ = std::chrono::steady_clock::now();
}

Transport::~Transport() = default;

std::chrono::milliseconds Transport::TakeToken() {
  if (config_.qps <= 0) return std::chrono::milliseconds(0);
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - last_refill_).count();
  last_refill_ = now;
  double capacity = std::max(1, config_.burst);
  tokens_ = std::min(capacity, tokens_ + elapsed * config_.qps);
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<long long>(-tokens_ / config_.qps * 1000.0) + 1);
}

Result<HttpResponse> Transport::Send(HttpRequest request) {
  std::promise<Result<HttpResponse>> promise;
  auto future = promise.get_future();
  SendAsync(std::move(request),
            [&promise](Result<HttpResponse> result) { promise.set_value(std::move(result)); });
  return future.get();
}

void Transport::SendAsync(HttpRequest request, Done done) {
  auto exchange = std::make_shared<Exchange>();
  exchange->request = std::move(request);
  exchange->done = std::move(done);
  Begin(std::move(exchange));
}

std::shared_ptr<Transport::Stream> Transport::OpenStream(HttpRequest request, OnData on_data,
                                                         Done done) {
  auto exchange = std::make_shared<Exchange>();
  exchange->request = std::move(request);
  exchange->streaming = true;
  exchange->on_data = std::move(on_data);
  exchange->done = std::move(done);
  std::weak_ptr<Exchange> weak = exchange;
  std::weak_ptr<Transport> self = weak_from_this();
  auto handle = std::make_shared<StreamHandle>(exchange, [weak, self] {
    auto ex = weak.lock();
    if (!ex) return;
    {
      std::lock_guard lock(ex->data_mu);
      ex->cancelled = true;
    }
    auto transport = self.lock();
    if (!transport) return;
    transport->loop_->Post([ex, transport] {
      if (ex->easy != nullptr) {
        transport->loop_->Remove(ex->easy);
        curl_easy_cleanup(ex->easy);
        ex->easy = nullptr;
        curl_slist_free_all(ex->header_list);
        ex->header_list = nullptr;
      }
      ex->Complete(MakeError(ErrorCode::kCancelled, "stream cancelled"));
    });
  });
  Begin(std::move(exchange));
  return handle;
}

void Transport::Begin(std::shared_ptr<Exchange> exchange) {
  auto self = shared_from_this();
  if (config_.credentials) {
    loop_->PostBlocking([self, exchange] {
      auto credential = self->config_.credentials->Current();
      if (!credential.ok()) {
        Error error = credential.error();
        error.message = "getting credentials for " + self->config_.server + " from " +
                        self->config_.credentials->Describe() + ": " + error.message;
        self->loop_->Post([exchange, error] { exchange->Complete(error); });
        return;
      }
      exchange->credential = std::move(credential).value();
      self->loop_->PostAfter(self->TakeToken(), [self, exchange] { self->Start(exchange); });
    });
    return;
  }
  exchange->credential.token = config_.bearer_token;
  exchange->credential.client_cert_pem = config_.client_cert_pem;
  exchange->credential.client_key_pem = config_.client_key_pem;
  loop_->PostAfter(TakeToken(), [self, exchange] { self->Start(exchange); });
}

void Transport::Start(std::shared_ptr<Exchange> ex) {
  if (ex->cancelled) {
    ex->Complete(MakeError(ErrorCode::kCancelled, "request cancelled"));
    return;
  }
  CURL* easy = curl_easy_init();
  ex->easy = easy;
  ex->response = HttpResponse{};
  const HttpRequest& req = ex->request;

  ServerParts server = SplitServer(config_.server);
  std::string host = server.host;
  if (!config_.tls_server_name.empty()) {
    // Verify the certificate against tls_server_name while connecting to the real host.
    std::string connect_to =
        config_.tls_server_name + ":" + server.port + ":" + server.host + ":" + server.port;
    curl_slist* connect = curl_slist_append(nullptr, connect_to.c_str());
    curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect);
    host = config_.tls_server_name;
    // The list must outlive the transfer; keep it with the headers for cleanup.
    ex->header_list = connect;
  }
  ex->url = server.scheme + "://" + host + ":" + server.port + server.rest + req.path;
  curl_easy_setopt(easy, CURLOPT_URL, ex->url.c_str());
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  if (req.method == "HEAD") curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  }

  curl_slist* headers = nullptr;
  bool has_authorization = false;
  for (const auto& [name, value] : req.headers) {
    if (Lower(name) == "authorization") has_authorization = true;
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  if (!req.accept.empty()) headers = curl_slist_append(headers, ("Accept: " + req.accept).c_str());
  if (!req.body.empty() && !req.content_type.empty()) {
    headers = curl_slist_append(headers, ("Content-Type: " + req.content_type).c_str());
  }
  if (!has_authorization && !ex->credential.token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + ex->credential.token).c_str());
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  if (ex->header_list != nullptr) {
    // Chain the CONNECT_TO list behind the headers so one free releases both.
    curl_slist* tail = headers;
    while (tail->next != nullptr) tail = tail->next;
    tail->next = ex->header_list;
  }
  ex->header_list = headers;

  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, ex->error_buffer);
  curl_easy_setopt(easy, CURLOPT_PROXY, config_.proxy_url.c_str());  // "" disables env proxies
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(config_.connect_timeout.count()));
  if (!ex->streaming) {
    auto timeout = req.timeout.count() > 0 ? req.timeout : config_.request_timeout;
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  } else {
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  }

  if (config_.insecure_skip_tls_verify) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!config_.ca_pem.empty()) {
    curl_blob ca{const_cast<char*>(config_.ca_pem.data()), config_.ca_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &ca);
  }
  if (!ex->credential.client_cert_pem.empty()) {
    curl_blob cert{const_cast<char*>(ex->credential.client_cert_pem.data()),
                   ex->credential.client_cert_pem.size(), CURL_BLOB_COPY};
    curl_blob key{const_cast<char*>(ex->credential.client_key_pem.data()),
                  ex->credential.client_key_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(easy, CURLOPT_SSLCERT_BLOB, &cert);
    curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(easy, CURLOPT_SSLKEY_BLOB, &key);
    curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
  }

  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &ex->response);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, ex.get());
  curl_easy_setopt(
      easy, CURLOPT_WRITEFUNCTION,
      +[](char* data, std::size_t size, std::size_t count, void* user) -> std::size_t {
        auto* exchange = static_cast<Exchange*>(user);
        std::size_t n = size * count;
        long status = 0;
        curl_easy_getinfo(exchange->easy, CURLINFO_RESPONSE_CODE, &status);
        if (!exchange->streaming || status < 200 || status >= 300) {
          exchange->response.body.append(data, n);
          return n;
        }
        std::lock_guard lock(exchange->data_mu);
        if (exchange->cancelled || !exchange->on_data) return 0;
        if (!exchange->on_data(std::string_view(data, n))) {
          exchange->cancelled = true;
          return 0;
        }
        return n;
      });

  auto self = shared_from_this();
  loop_->Add(easy, [self, ex](CURL*, CURLcode result) { self->Finish(ex, result); });
}

void Transport::Finish(std::shared_ptr<Exchange> ex, CURLcode result) {
  long status = 0;
  curl_easy_getinfo(ex->easy, CURLINFO_RESPONSE_CODE, &status);
  // kube-apiserver may refuse a request (401 before authentication, for one) without reading
  // its body and reset the stream right after the error status; curl then reports a partial
  // transfer although the status line arrived. The status is what the caller needs, so an
  // error status with a cut-short body counts as received.
  if (result == CURLE_PARTIAL_FILE && status >= 400) result = CURLE_OK;
  long version = 0;
  curl_easy_getinfo(ex->easy, CURLINFO_HTTP_VERSION, &version);
  ex->response.http_version = version == CURL_HTTP_VERSION_2_0 ? 2 : 1;
  std::string curl_message =
      ex->error_buffer[0] != '\0' ? ex->error_buffer : curl_easy_strerror(result);
  curl_easy_cleanup(ex->easy);
  ex->easy = nullptr;
  curl_slist_free_all(ex->header_list);
  ex->header_list = nullptr;
  {
    std::lock_guard lock(mu_);
    ++stats_.requests[{ex->request.method, result == CURLE_OK ? status : 0}];
  }
  static auto& requests_total = observability::Registry::Default().Counter(
      "rest_client_requests_total",
      "Number of HTTP requests, partitioned by status code, method, and host.",
      {"code", "method", "host"});
  requests_total
      .WithLabels({result == CURLE_OK ? std::to_string(status) : "<error>", ex->request.method,
                   SplitServer(config_.server).host + ":" + SplitServer(config_.server).port})
      .Inc();

  if (ex->cancelled) {
    ex->Complete(MakeError(ErrorCode::kCancelled, "request cancelled"));
    return;
  }
  std::string what = ex->request.method + " " + config_.server + ex->request.path;
  if (result != CURLE_OK) {
    ErrorCode code =
        result == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kTimeout : ErrorCode::kUnavailable;
    ex->Complete(MakeError(code, what + ": " + curl_message));
    return;
  }
  if (status == 401 && config_.credentials && !ex->retried_unauthorized) {
    // The credential may have expired early or been revoked: drop it and try once more.
    config_.credentials->Invalidate(ex->credential);
    ex->retried_unauthorized = true;
    Begin(ex);
    return;
  }
  ex->response.status = status;
  ex->Complete(std::move(ex->response));
}

TransportStats Transport::Stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace awio::kube
