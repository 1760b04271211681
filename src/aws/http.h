// The HTTP exchange under the AWS clients: one blocking request/response over a libcurl easy
// handle (these calls run on reconcile worker threads, never on the Kubernetes event loop), the
// URL splitting the signer and the endpoint rules share, and the retry loop AWS SDKs call
// "standard" (three attempts, jittered exponential back-off). No Debian package provides an AWS
// SDK for C++, so this layer is ours. TLS peer verification is always on; plain http must be
// allowed per request. Errors name the host, never a credential, a query string or a body.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace awio::aws {

// S3 and STS answer in well under a second; 30 s bounds a stalled peer without cutting off a
// slow upload of the (kilobyte-sized) objects this project writes.
inline constexpr std::chrono::milliseconds kDefaultHttpTimeout{30'000};
// Connecting is separate from the exchange: an unreachable endpoint fails fast.
inline constexpr std::chrono::milliseconds kDefaultConnectTimeout{10'000};
// No AWS response this project reads comes near this; the cap stops a wrong endpoint (or a
// hostile one) from filling memory.
inline constexpr std::size_t kMaxHttpResponseBytes = 8u << 20;

struct HttpHeader {
  std::string name;
  std::string value;

  bool operator==(const HttpHeader&) const = default;
};

struct HttpRequest {
  std::string method = "GET";
  // Absolute http(s) URL, already percent-encoded as it goes on the wire. Sent verbatim: dot
  // segments are not collapsed (an S3 key may contain them).
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body;
  std::chrono::milliseconds timeout = kDefaultHttpTimeout;
  std::chrono::milliseconds connect_timeout = kDefaultConnectTimeout;
  // PEM bundle of trusted CAs; empty: the system's bundle. Verification is never disabled.
  std::string ca_file;
  // http:// URLs are refused unless this is set (the emulator, --allow-unsafe-aws-endpoint-urls).
  bool allow_plain_http = false;
};

struct HttpResponse {
  long status = 0;
  std::vector<HttpHeader> headers;  // names lowercased, in arrival order
  std::string body;

  // The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

// Sends `request` and returns whatever HTTP response arrived, whatever its status; deciding what
// a status means is the caller's business. Errors (no response): kConfiguration for a request
// that must not be sent (bad URL, plain http not allowed, CR/LF in a header), kTimeout when the
// exchange or the connect timed out, kUnavailable for every other transport failure (DNS,
// refused connection, TLS, reset, oversized response). Messages read
// `<METHOD> <scheme>://<host>: <problem>`.
Result<HttpResponse> SendHttp(const HttpRequest& request);

// The exchange as a value, so that clients can be tested without a server.
using HttpTransport = std::function<Result<HttpResponse>(const HttpRequest&)>;
// `transport` when set, otherwise SendHttp.
HttpTransport TransportOrDefault(HttpTransport transport);

// The parts of an absolute http(s) URL this project needs. `host` keeps IPv6 brackets;
// `port` is empty when the URL has none.
struct UrlParts {
  std::string scheme;  // lowercased
  std::string host;
  std::string port;
  std::string path;   // as written; "" when absent
  std::string query;  // without '?'; fragment dropped
  bool has_userinfo = false;

  // host plus ":port" unless the port is absent or the scheme's default: the Host header.
  std::string Authority() const;
};

// Splits `url`; kConfiguration naming the problem when it is not an absolute http(s) URL with a
// host, or its port is not a number.
Result<UrlParts> ParseHttpUrl(std::string_view url);

// RFC 3986 percent-encoding as AWS uses it everywhere: every byte except the unreserved
// characters A-Z a-z 0-9 - . _ ~ becomes %XX (uppercase hex); '/' is kept when `keep_slash`
// (S3 object keys in paths) and encoded otherwise (query keys and values, form fields).
std::string PercentEncode(std::string_view text, bool keep_slash);

// Decodes %XX sequences; a '%' not followed by two hex digits is kept as is. '+' stays '+'.
std::string PercentDecode(std::string_view text);

// How the standard retry loop behaves. Tests inject `sleep` so that nothing waits.
struct RetryPolicy {
  // AWS SDKs' "standard" mode: the first try and two retries.
  int max_attempts = 3;
  // The n-th retry waits a uniformly random time below min(max_delay, base_delay * 2^n).
  std::chrono::milliseconds base_delay{1000};
  // AWS SDKs cap a single back-off at 20 s.
  std::chrono::milliseconds max_delay{20'000};
  std::function<void(std::chrono::milliseconds)> sleep;  // empty: std::this_thread::sleep_for
};

// Sends `request` up to policy.max_attempts times while `retryable` says the outcome is worth
// another try, and returns the last outcome.
Result<HttpResponse> SendWithRetries(
    const HttpTransport& transport, const HttpRequest& request, const RetryPolicy& policy,
    const std::function<bool(const Result<HttpResponse>&)>& retryable);

}  // namespace awio::aws
