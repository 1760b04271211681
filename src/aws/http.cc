// Implementation of the blocking AWS HTTP exchange (http.h): one libcurl easy handle per request,
// so that no state (cookies, connections to a host that changed its certificate) leaks between
// calls. Connection reuse is not worth its complexity at one request per object per reconcile.
#include "aws/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <random>
#include <thread>

namespace awio::aws {
namespace {

constexpr const char* kUserAgent = "aws-workload-identity-operator/0.1.0";

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

bool HasLineBreakOrNul(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool IsBodyMethod(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

struct BodySink {
  std::string* body;
  bool overflow = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t bytes = size * count;
  if (sink->body->size() + bytes > kMaxHttpResponseBytes) {
    sink->overflow = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::vector<HttpHeader>*>(user);
  const size_t bytes = size * count;
  std::string_view line(data, bytes);
  // A new status line starts a new header block (after "100 Continue"): keep only the last.
  if (line.substr(0, 5) == "HTTP/") {
    headers->clear();
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  headers->push_back({Lower(Trim(line.substr(0, colon))), Trim(line.substr(colon + 1))});
  return bytes;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Owns the easy handle and header list of one exchange.
class CurlExchange {
 public:
  CurlExchange() : easy_(curl_easy_init()) {}
  ~CurlExchange() {
    curl_slist_free_all(headers_);
    if (easy_ != nullptr) curl_easy_cleanup(easy_);
  }
  CurlExchange(const CurlExchange&) = delete;
  CurlExchange& operator=(const CurlExchange&) = delete;

  CURL* easy() const { return easy_; }
  void AddHeader(const std::string& line) { headers_ = curl_slist_append(headers_, line.c_str()); }
  curl_slist* headers() const { return headers_; }

 private:
  CURL* easy_;
  curl_slist* headers_ = nullptr;
};

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  const std::string wanted = Lower(name);
  for (const auto& header : headers) {
    if (header.name == wanted) return header.value;
  }
  return std::nullopt;
}

HttpTransport TransportOrDefault(HttpTransport transport) {
  if (transport) return transport;
  return [](const HttpRequest& request) { return SendHttp(request); };
}

std::string UrlParts::Authority() const {
  const bool default_port =
      port.empty() || (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  return default_port ? host : host + ":" + port;
}

Result<UrlParts> ParseHttpUrl(std::string_view url) {
  const auto fail = [&](const std::string& problem) -> Result<UrlParts> {
    return MakeError(ErrorCode::kConfiguration, "URL " + std::string(url) + ": " + problem);
  };
  if (HasLineBreakOrNul(url) || url.find_first_of(" \t") != std::string_view::npos) {
    return fail("contains whitespace or control characters");
  }
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    return fail("is not an absolute URL with a scheme and a host");
  }
  UrlParts parts;
  parts.scheme = Lower(url.substr(0, scheme_end));
  if (parts.scheme != "http" && parts.scheme != "https") {
    return fail("scheme must be http or https");
  }

  std::string_view rest = url.substr(scheme_end + 3);
  const auto fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  const auto query_start = rest.find('?');
  if (query_start != std::string_view::npos) {
    parts.query = std::string(rest.substr(query_start + 1));
    rest = rest.substr(0, query_start);
  }
  const auto path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  if (path_start != std::string_view::npos) parts.path = std::string(rest.substr(path_start));

  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    parts.has_userinfo = true;
    authority = authority.substr(at + 1);
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 address");
    parts.host = std::string(authority.substr(0, close + 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    parts.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (parts.host.empty() || parts.host == "[]") return fail("has no host");
  // Ports are 16-bit: at most five digits.
  if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      port.size() > 5) {
    return fail("invalid port \"" + std::string(port) + "\"");
  }
  parts.port = std::string(port);
  return parts;
}

std::string PercentEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

std::string PercentDecode(std::string_view text) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Result<HttpResponse> SendHttp(const HttpRequest& request) {
  auto url = ParseHttpUrl(request.url);
  // The URL itself may carry a presigned query; name only what identifies the peer.
  if (!url.ok()) {
    return MakeError(ErrorCode::kConfiguration, request.method + ": invalid URL");
  }
  const std::string peer = request.method + " " + url->scheme + "://" + url->Authority();
  const auto fail = [&](ErrorCode code, const std::string& problem) -> Result<HttpResponse> {
    return MakeError(code, peer + ": " + problem);
  };
  if (url->scheme == "http" && !request.allow_plain_http) {
    return fail(ErrorCode::kConfiguration, "plain http is not allowed for this endpoint");
  }
  if (url->has_userinfo) {
    return fail(ErrorCode::kConfiguration, "credentials in the URL are not allowed");
  }

  InitCurlOnce();
  CurlExchange exchange;
  if (exchange.easy() == nullptr) return fail(ErrorCode::kInternal, "curl_easy_init failed");

  bool has_content_type = false;
  for (const auto& header : request.headers) {
    if (header.name.empty() || header.name.find(':') != std::string::npos ||
        HasLineBreakOrNul(header.name) || HasLineBreakOrNul(header.value)) {
      return fail(ErrorCode::kConfiguration, "header names and values must be single lines");
    }
    if (Lower(header.name) == "content-type") has_content_type = true;
    // "Name;" is libcurl's spelling of a header with an empty value ("Name:" would remove it).
    exchange.AddHeader(header.value.empty() ? header.name + ";"
                                            : header.name + ": " + header.value);
  }
  // libcurl would otherwise add "Expect: 100-continue" (an extra round trip) and, for a body, a
  // form Content-Type that S3 would store as the object's type.
  exchange.AddHeader("Expect:");
  if (!has_content_type) exchange.AddHeader("Content-Type:");

  CURL* easy = exchange.easy();
  HttpResponse response;
  BodySink sink{&response.body};
  char error_buffer[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!request.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, request.ca_file.c_str());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);

  if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (IsBodyMethod(request.method) || !request.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, exchange.headers());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &response.headers);

  const CURLcode rc = curl_easy_perform(easy);
  if (rc != CURLE_OK) {
    if (sink.overflow) {
      return fail(ErrorCode::kUnavailable,
                  "response larger than " + std::to_string(kMaxHttpResponseBytes) + " bytes");
    }
    const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    return fail(rc == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kTimeout : ErrorCode::kUnavailable,
                detail);
  }
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

Result<HttpResponse> SendWithRetries(
    const HttpTransport& transport, const HttpRequest& request, const RetryPolicy& policy,
    const std::function<bool(const Result<HttpResponse>&)>& retryable) {
  thread_local std::mt19937_64 random(std::random_device{}());
  const int attempts = std::max(1, policy.max_attempts);
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> outcome = transport(request);
    if (attempt >= attempts || !retryable(outcome)) return outcome;

    // The shift is capped so that a large max_attempts cannot overflow; max_delay caps anyway.
    const auto ceiling =
        std::min(policy.max_delay, policy.base_delay * (int64_t{1} << std::min(attempt, 20)));
    std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(0, ceiling.count()));
    const std::chrono::milliseconds delay(jitter(random));
    if (policy.sleep) {
      policy.sleep(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
  }
}

}  // namespace awio::aws
