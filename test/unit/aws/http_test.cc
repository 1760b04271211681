// Tests of the AWS HTTP exchange (src/aws/http.h): URL splitting, percent-encoding, the request
// checks made before anything is sent, the retry loop, and a few exchanges with a local
// cpp-httplib server on a kernel-chosen port (what libcurl actually sends and how its failures map
// onto error codes).
#include "aws/http.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace awio::aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A loopback HTTP server for one test, stopped (and joined) on destruction.
class LocalServer {
 public:
  explicit LocalServer(const std::function<void(httplib::Server&)>& routes) {
    routes(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op before the accept loop runs, so wait for it to start.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
  }
  ~LocalServer() {
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// Validates RFC 3986 encoding as AWS uses it: unreserved bytes kept, everything else %XX in
// uppercase, '/' kept only for paths; and that decoding leaves '+' and broken escapes alone.
TEST(HttpTest, PercentEncode_ReservedAndUtf8_AreEscaped) {
  EXPECT_EQ(PercentEncode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b/c+d=e&f", false), "a%20b%2Fc%2Bd%3De%26f");
  EXPECT_EQ(PercentEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(PercentEncode("\xE1\x88\xB4", false), "%E1%88%B4");
  EXPECT_EQ(PercentDecode("a%20b%2Fc+d"), "a b/c+d");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
}

// Validates URL splitting: authority with and without default ports, IPv6, query and fragment.
TEST(HttpTest, ParseHttpUrl_ValidUrls_SplitIntoParts) {
  auto parts = ParseHttpUrl("HTTPS://b.s3.us-east-1.amazonaws.com:443/a/b?x=1#frag");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->scheme, "https");
  EXPECT_EQ(parts->host, "b.s3.us-east-1.amazonaws.com");
  EXPECT_EQ(parts->Authority(), "b.s3.us-east-1.amazonaws.com");
  EXPECT_EQ(parts->path, "/a/b");
  EXPECT_EQ(parts->query, "x=1");

  auto emulator = ParseHttpUrl("http://127.0.0.1:5000");
  ASSERT_TRUE(emulator.ok());
  EXPECT_EQ(emulator->Authority(), "127.0.0.1:5000");
  EXPECT_EQ(emulator->path, "");

  auto ipv6 = ParseHttpUrl("http://[fd00:ec2::23]/v1/credentials");
  ASSERT_TRUE(ipv6.ok());
  EXPECT_EQ(ipv6->host, "[fd00:ec2::23]");
  EXPECT_EQ(ipv6->Authority(), "[fd00:ec2::23]");
}

// Validates that what is not an absolute http(s) URL with a host is a configuration error.
TEST(HttpTest, ParseHttpUrl_InvalidUrls_AreConfigurationErrors) {
  for (const char* url : {"s3.amazonaws.com/b", "ftp://host/x", "https://", "https://:80/",
                          "https://host:abc/", "https://ho st/", "https://[::1/"}) {
    auto parts = ParseHttpUrl(url);
    ASSERT_FALSE(parts.ok()) << url;
    EXPECT_EQ(parts.error().code, ErrorCode::kConfiguration) << url;
  }
}

// Validates that plain http is refused unless the request allows it, before any connection.
TEST(HttpTest, SendHttp_PlainHttpNotAllowed_IsRefusedNamingTheHost) {
  auto response = SendHttp({.method = "GET", .url = "http://127.0.0.1:1/secret?X-Amz-Signature=s"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::kConfiguration);
  EXPECT_THAT(response.error().message, HasSubstr("GET http://127.0.0.1:1"));
  EXPECT_THAT(response.error().message, Not(HasSubstr("X-Amz-Signature")));
}

// Validates that a header value with a line break (header injection) is refused.
TEST(HttpTest, SendHttp_HeaderWithLineBreak_IsRefused) {
  auto response = SendHttp({.method = "GET",
                            .url = "https://example.com/",
                            .headers = {{"X-Test", "a\r\nInjected: yes"}}});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ErrorCode::kConfiguration);
}

// Validates one real exchange: method, body and headers arrive as given, libcurl adds no form
// Content-Type or Expect header, and response headers come back with lowercase names whatever the
// status.
TEST(HttpTest, SendHttp_PutToLocalServer_SendsExactlyTheGivenRequest) {
  std::string seen_body, seen_content_type, seen_custom, seen_expect;
  LocalServer server([&](httplib::Server& s) {
    s.Put("/bucket/key", [&](const httplib::Request& request, httplib::Response& response) {
      seen_body = request.body;
      seen_content_type = request.get_header_value("Content-Type");
      seen_custom = request.get_header_value("X-Amz-Meta-Awio-Object-Digest");
      seen_expect = request.get_header_value("Expect");
      response.status = 409;
      response.set_header("X-Amz-Request-Id", "req-1");
      response.set_content("<Error/>", "application/xml");
    });
  });

  auto response = SendHttp({.method = "PUT",
                            .url = server.Url("/bucket/key"),
                            .headers = {{"x-amz-meta-awio-object-digest", "sha256:00"}},
                            .body = std::string(4096, 'b'),
                            .allow_plain_http = true});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 409);
  EXPECT_EQ(response->Header("X-AMZ-REQUEST-ID"), "req-1");
  EXPECT_EQ(response->body, "<Error/>");
  EXPECT_EQ(seen_body, std::string(4096, 'b'));
  EXPECT_EQ(seen_content_type, "");
  EXPECT_EQ(seen_custom, "sha256:00");
  EXPECT_EQ(seen_expect, "");
}

// Validates that HEAD returns the headers without waiting for a body.
TEST(HttpTest, SendHttp_Head_ReturnsHeaders) {
  LocalServer server([](httplib::Server& s) {
    s.Get("/k", [](const httplib::Request&, httplib::Response& response) {
      response.set_header("x-amz-meta-awio-publication-format", "self-hosted-oidc/v1");
      response.set_content("{}", "application/json");
    });
  });
  auto response = SendHttp({.method = "HEAD", .url = server.Url("/k"), .allow_plain_http = true});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-type"), "application/json");
  EXPECT_EQ(response->Header("x-amz-meta-awio-publication-format"), "self-hosted-oidc/v1");
  EXPECT_EQ(response->body, "");
}

// Validates that a peer that does not answer in time is kTimeout and a refused connection is
// kUnavailable, both naming the host.
TEST(HttpTest, SendHttp_TransportFailures_MapToTimeoutAndUnavailable) {
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  {
    LocalServer server([&](httplib::Server& s) {
      s.Get("/slow", [&](const httplib::Request&, httplib::Response& response) {
        std::unique_lock lock(mutex);
        released_cv.wait(lock, [&] { return released; });
        response.set_content("late", "text/plain");
      });
    });
    auto response = SendHttp({.method = "GET",
                              .url = server.Url("/slow"),
                              .timeout = std::chrono::milliseconds(300),
                              .allow_plain_http = true});
    {
      std::lock_guard lock(mutex);
      released = true;
    }
    released_cv.notify_all();
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.error().code, ErrorCode::kTimeout);
    EXPECT_THAT(response.error().message, HasSubstr("GET http://127.0.0.1:"));
  }

  // A port that was just free: nothing listens there.
  std::string closed_url;
  {
    LocalServer server([](httplib::Server&) {});
    closed_url = server.Url("/");
  }
  auto refused = SendHttp({.method = "GET", .url = closed_url, .allow_plain_http = true});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(refused.error().message, HasSubstr("127.0.0.1"));
}

// Validates the retry loop: retried outcomes are sent again up to max_attempts with jittered
// delays below the exponential ceiling; a success or a non-retryable outcome stops it.
TEST(HttpTest, SendWithRetries_RetryableOutcomes_AreRetriedUpToTheLimit) {
  int calls = 0;
  std::vector<std::chrono::milliseconds> delays;
  const RetryPolicy policy{.max_attempts = 3,
                           .base_delay = std::chrono::milliseconds(100),
                           .max_delay = std::chrono::milliseconds(150),
                           .sleep = [&](std::chrono::milliseconds d) { delays.push_back(d); }};
  const auto retry_5xx = [](const Result<HttpResponse>& r) { return r.ok() && r->status >= 500; };

  auto always_failing = [&](const HttpRequest&) -> Result<HttpResponse> {
    ++calls;
    return HttpResponse{.status = 503};
  };
  auto last = SendWithRetries(always_failing, {}, policy, retry_5xx);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(last->status, 503);
  ASSERT_EQ(delays.size(), 2u);
  EXPECT_LE(delays[0], std::chrono::milliseconds(150));
  EXPECT_LE(delays[1], std::chrono::milliseconds(150));

  calls = 0;
  auto second_succeeds = [&](const HttpRequest&) -> Result<HttpResponse> {
    return HttpResponse{.status = ++calls == 1 ? 500L : 200L};
  };
  EXPECT_EQ(SendWithRetries(second_succeeds, {}, policy, retry_5xx)->status, 200);
  EXPECT_EQ(calls, 2);

  calls = 0;
  auto client_error = [&](const HttpRequest&) -> Result<HttpResponse> {
    ++calls;
    return HttpResponse{.status = 400};
  };
  EXPECT_EQ(SendWithRetries(client_error, {}, policy, retry_5xx)->status, 400);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace awio::aws
