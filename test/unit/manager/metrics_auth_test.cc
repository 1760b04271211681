// Tests of the /metrics authorizer and listener (src/manager/metrics_auth.h, metrics_server.h)
// that need no API server: bearer-token extraction as Kubernetes does it, refusals made before
// any review, a failing TokenReview call, and the listener's routing and bind errors
// (packaging-observability spec §6.1). The review decisions and cache TTLs are tested against a
// real API server in test/integration/manager.
#include "manager/metrics_auth.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "kube/client.h"
#include "kube/transport.h"
#include "manager/metrics_server.h"
#include "observability/metrics.h"

namespace awio::manager {
namespace {

// A loopback port with a bound socket that never listens: connections to it are refused, and no
// other process can take the port while this object lives.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    socklen_t length = sizeof(address);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { close(fd_); }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;

  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A hub client whose every request fails to connect.
std::shared_ptr<kube::Client> UnreachableHub(const RefusingPort& port) {
  kube::RestConfig config;
  config.server = "http://127.0.0.1:" + std::to_string(port.port());
  config.source = "unreachable test server";
  return std::make_shared<kube::Client>(
      kube::Transport::Create(config),
      kube::RetryPolicy{.attempts = 1, .initial = std::chrono::milliseconds(1)});
}

struct BearerCase {
  std::string description;
  std::string header;
  std::string token;
};

class BearerTokenTest : public ::testing::TestWithParam<BearerCase> {};

// Validates that the token is read as Kubernetes' bearer-token authenticator reads it: header
// trimmed, scheme case-insensitive, split on single spaces, empty when absent (§6.1 step 1).
TEST_P(BearerTokenTest, BearerToken_Vectors) {
  EXPECT_EQ(BearerToken(GetParam().header), GetParam().token);
}

INSTANTIATE_TEST_SUITE_P(Vectors, BearerTokenTest,
                         ::testing::Values(BearerCase{"Usual", "Bearer abc.def", "abc.def"},
                                           BearerCase{"LowerCase", "bearer abc", "abc"},
                                           BearerCase{"UpperCase", "BEARER abc", "abc"},
                                           BearerCase{"Padded", "  Bearer abc \t", "abc"},
                                           BearerCase{"ExtraWordIgnored", "Bearer abc def", "abc"},
                                           BearerCase{"Missing", "", ""},
                                           BearerCase{"SchemeOnly", "Bearer", ""},
                                           BearerCase{"SchemeAndSpace", "Bearer ", ""},
                                           BearerCase{"DoubleSpace", "Bearer  abc", ""},
                                           BearerCase{"TabSeparator", "Bearer\tabc", ""},
                                           BearerCase{"Basic", "Basic dXNlcjpwYXNz", ""}),
                         [](const auto& param_info) { return param_info.param.description; });

// Validates that a request without a usable bearer token gets 401 "Unauthorized" without any
// review call (§6.1 "no/empty bearer token → 401").
TEST(MetricsAuthorizer, NoToken_Unauthorized_WithoutReview) {
  RefusingPort port;
  MetricsAuthorizer authorizer(UnreachableHub(port));
  for (const char* header : {"", "Bearer ", "Basic abc"}) {
    AuthResult result = authorizer.Check(header, "GET", "/metrics");
    EXPECT_EQ(result.status, 401) << header;
    EXPECT_EQ(result.body, "Unauthorized");
    EXPECT_EQ(result.user, "");
    EXPECT_FALSE(result.allowed());
  }
  EXPECT_EQ(authorizer.Stats().token_reviews, 0u);
  EXPECT_EQ(authorizer.Stats().access_reviews, 0u);
}

// Validates that a TokenReview call that fails gives 500 "Authentication failed" and is not
// cached: the next request asks again (§6.1 "TokenReview call fails → 500").
TEST(MetricsAuthorizer, TokenReviewCallFails_500_NotCached) {
  RefusingPort port;
  MetricsAuthorizer authorizer(UnreachableHub(port));
  AuthResult first = authorizer.Check("Bearer some-token", "GET", "/metrics");
  EXPECT_EQ(first.status, 500);
  EXPECT_EQ(first.body, "Authentication failed");
  EXPECT_EQ(first.user, "");
  AuthResult second = authorizer.Check("Bearer some-token", "GET", "/metrics");
  EXPECT_EQ(second.status, 500);
  EXPECT_EQ(authorizer.Stats().token_reviews, 2u);
  EXPECT_EQ(authorizer.Stats().access_reviews, 0u);
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    authorizer_ = std::make_shared<MetricsAuthorizer>(UnreachableHub(refusing_));
    registry_.Counter("awio_test_total", "A counter for the test.").WithLabels({}).Inc();
    server_ =
        std::make_unique<MetricsServer>(ListenAddress{"127.0.0.1", 0}, registry_, authorizer_);
    auto started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    ASSERT_GT(server_->port(), 0);
  }

  httplib::Client Client() const { return httplib::Client("127.0.0.1", server_->port()); }

  RefusingPort refusing_;
  std::shared_ptr<MetricsAuthorizer> authorizer_;
  observability::Registry registry_;
  std::unique_ptr<MetricsServer> server_;
};

// Validates that /metrics without a token is refused with 401 written as Go's http.Error writes
// it, and the exposition is not leaked (§6.1).
TEST_F(MetricsServerTest, MetricsWithoutToken_401PlainText) {
  auto client = Client();
  auto response = client.Get("/metrics");
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(response->body, "Unauthorized\n");
  EXPECT_EQ(response->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(response->body.find("awio_test_total"), std::string::npos);
}

// Validates that a failing TokenReview surfaces as 500 "Authentication failed" over HTTP (§6.1).
TEST_F(MetricsServerTest, MetricsWithTokenAndUnreachableHub_500) {
  auto client = Client();
  auto response = client.Get("/metrics", {{"Authorization", "Bearer some-token"}});
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->body, "Authentication failed\n");
}

// Validates that paths other than /metrics answer 404 without consulting the authorizer
// (§5.4 "`/metrics` only").
TEST_F(MetricsServerTest, OtherPath_404) {
  auto client = Client();
  for (const char* path : {"/", "/metricsx", "/healthz", "/metrics/x"}) {
    auto response = client.Get(path, {{"Authorization", "Bearer some-token"}});
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 404) << path;
    EXPECT_EQ(response->body, "404 page not found\n") << path;
  }
  EXPECT_EQ(authorizer_->Stats().token_reviews, 0u);
}

// Validates that a second server on a taken port fails to start with an error naming the address.
TEST_F(MetricsServerTest, PortTaken_StartFailsNamingAddress) {
  MetricsServer second(ListenAddress{"127.0.0.1", server_->port()}, registry_, authorizer_);
  auto started = second.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(started.error().message.find("127.0.0.1:" + std::to_string(server_->port())),
            std::string::npos)
      << started.error().message;
}

// Validates that Stop closes the listener and may be called again.
TEST_F(MetricsServerTest, Stop_ClosesListener_Idempotent) {
  const int port = server_->port();
  server_->Stop();
  server_->Stop();
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(2));
  EXPECT_FALSE(client.Get("/metrics"));
}

}  // namespace
}  // namespace awio::manager
