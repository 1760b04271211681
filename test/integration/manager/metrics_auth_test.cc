// Integration tests of the protected /metrics endpoint (src/manager/metrics_auth.h,
// metrics_server.h) against a real kube-apiserver: ServiceAccount tokens from the TokenRequest
// API, RBAC for the non-resource URL /metrics, the TokenReview and SubjectAccessReview answers,
// and the decision caches moved past their TTLs with an injected clock
// (packaging-observability spec §6.1, inventory-and-remote-irsa §7.6).
#include "manager/metrics_auth.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "kube/client.h"
#include "kube/transport.h"
#include "manager/metrics_server.h"
#include "observability/metrics.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::manager {
namespace {

using Json = nlohmann::json;

constexpr char kNamespace[] = "metrics-auth";
// RBAC and ServiceAccount deletions reach the API server's authorizer and token authenticator
// through informers; this bounds the wait for them.
constexpr std::chrono::seconds kPropagationTimeout{30};

const kube::ResourceRef kClusterRoles{"rbac.authorization.k8s.io", "v1", "clusterroles", false,
                                      "ClusterRole"};
const kube::ResourceRef kClusterRoleBindings{"rbac.authorization.k8s.io", "v1",
                                             "clusterrolebindings", false, "ClusterRoleBinding"};

std::string UserOf(const std::string& service_account) {
  return std::string("system:serviceaccount:") + kNamespace + ":" + service_account;
}

// A clock the test moves by hand, for the cache TTLs.
class ManualClock {
 public:
  std::chrono::steady_clock::time_point Now() const {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Advance(std::chrono::steady_clock::duration by) {
    std::lock_guard lock(mu_);
    now_ += by;
  }
  std::function<std::chrono::steady_clock::time_point()> Source() {
    return [this] { return Now(); };
  }

 private:
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1000)};
};

class MetricsAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    admin_ = new std::shared_ptr<kube::Client>(test::AdminClient(test::SharedEnvironment().hub()));
    // Both fixtures below run this; the second finds everything in place.
    auto created =
        Admin().Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", kNamespace}}}});
    ASSERT_TRUE(created.ok() || created.error().code == ErrorCode::kAlreadyExists)
        << created.error().ToString();
    // What a scraper needs (§6.1 "A scraper needs a ClusterRole with nonResourceURLs").
    CreateClusterRole("awio-test-metrics-reader",
                      {{"nonResourceURLs", {"/metrics"}}, {"verbs", {"get"}}});
    // What the manager itself needs, split so that each review can be refused on its own.
    CreateClusterRole("awio-test-tokenreviewer", {{"apiGroups", {"authentication.k8s.io"}},
                                                  {"resources", {"tokenreviews"}},
                                                  {"verbs", {"create"}}});
  }

  static void TearDownTestSuite() {
    delete admin_;
    admin_ = nullptr;
  }

  static kube::Client& Admin() { return **admin_; }

  static void CreateClusterRole(const std::string& name, const Json& rule) {
    auto created = Admin().Create(kClusterRoles, "",
                                  {{"metadata", {{"name", name}}}, {"rules", Json::array({rule})}});
    ASSERT_TRUE(created.ok() || created.error().code == ErrorCode::kAlreadyExists)
        << created.error().ToString();
  }

  static void CreateServiceAccount(const std::string& name) {
    auto created = Admin().Create(kube::resources::kServiceAccounts, kNamespace,
                                  {{"metadata", {{"name", name}}}});
    ASSERT_TRUE(created.ok()) << created.error().ToString();
  }

  // Binds `service_account` to `role` with a binding named after both.
  static std::string Bind(const std::string& service_account, const std::string& role) {
    const std::string name = "awio-test-" + service_account + "-" + role;
    auto created = Admin().Create(
        kClusterRoleBindings, "",
        {{"metadata", {{"name", name}}},
         {"roleRef",
          {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", role}}},
         {"subjects", Json::array({{{"kind", "ServiceAccount"},
                                    {"name", service_account},
                                    {"namespace", kNamespace}}})}});
    EXPECT_TRUE(created.ok()) << created.error().ToString();
    return name;
  }

  static std::string Token(const std::string& service_account) {
    auto token = Admin().CreateSubresource(kube::resources::kServiceAccounts, kNamespace,
                                           service_account, "token",
                                           {{"apiVersion", "authentication.k8s.io/v1"},
                                            {"kind", "TokenRequest"},
                                            {"spec", {{"expirationSeconds", 3600}}}});
    EXPECT_TRUE(token.ok()) << token.error().ToString();
    return token.ok() ? (*token)["status"].value("token", "") : std::string();
  }

  // Whether the API server currently allows `service_account` what `attributes` describe
  // (a SubjectAccessReview spec's nonResourceAttributes or resourceAttributes), asked as the
  // administrator.
  static bool Allows(const std::string& service_account, const std::string& kind,
                     const Json& attributes) {
    auto review = Admin().Create(
        {"authorization.k8s.io", "v1", "subjectaccessreviews", false, "SubjectAccessReview"}, "",
        {{"apiVersion", "authorization.k8s.io/v1"},
         {"kind", "SubjectAccessReview"},
         {"spec",
          {{"user", UserOf(service_account)},
           {"groups",
            {"system:serviceaccounts", std::string("system:serviceaccounts:") + kNamespace}},
           {kind, attributes}}}});
    return review.ok() && (*review)["status"].value("allowed", false);
  }

  static bool MayGetMetrics(const std::string& service_account) {
    return Allows(service_account, "nonResourceAttributes",
                  {{"path", "/metrics"}, {"verb", "get"}});
  }

  static bool MayCreateTokenReviews(const std::string& service_account) {
    return Allows(
        service_account, "resourceAttributes",
        {{"group", "authentication.k8s.io"}, {"resource", "tokenreviews"}, {"verb", "create"}});
  }

  // Whether the API server currently authenticates `token`, asked as the administrator.
  static bool Authenticates(const std::string& token) {
    auto review =
        Admin().Create({"authentication.k8s.io", "v1", "tokenreviews", false, "TokenReview"}, "",
                       {{"apiVersion", "authentication.k8s.io/v1"},
                        {"kind", "TokenReview"},
                        {"spec", {{"token", token}}}});
    return review.ok() && (*review)["status"].value("authenticated", false);
  }

  // A hub client that authenticates as `service_account` instead of the administrator.
  static std::shared_ptr<kube::Client> ClientAs(const std::string& service_account) {
    kube::RestConfig config = test::AdminRestConfig(test::SharedEnvironment().hub());
    config.client_cert_pem.clear();
    config.client_key_pem.clear();
    config.bearer_token = Token(service_account);
    return std::make_shared<kube::Client>(kube::Transport::Create(config));
  }

  static std::shared_ptr<kube::Client>* admin_;
};

std::shared_ptr<kube::Client>* MetricsAuthTest::admin_ = nullptr;

// A MetricsServer on loopback, a registry with one known series, and an HTTP client for it.
class MetricsEndpointTest : public MetricsAuthTest {
 protected:
  void SetUp() override {
    registry_.Counter("awio_manager_integration_total", "Counted by the manager tests.")
        .WithLabels({})
        .Inc();
    authorizer_ =
        std::make_shared<MetricsAuthorizer>(test::AdminClient(test::SharedEnvironment().hub()));
    server_ =
        std::make_unique<MetricsServer>(ListenAddress{"127.0.0.1", 0}, registry_, authorizer_);
    auto started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().ToString();
  }

  httplib::Result Get(const std::string& authorization) {
    httplib::Client client("127.0.0.1", server_->port());
    httplib::Headers headers;
    if (!authorization.empty()) headers.emplace("Authorization", authorization);
    return client.Get("/metrics", headers);
  }

  observability::Registry registry_;
  std::shared_ptr<MetricsAuthorizer> authorizer_;
  std::unique_ptr<MetricsServer> server_;
};

// Validates that a ServiceAccount bound to a ClusterRole allowing GET on /metrics reads the
// exposition with its content type (§6.1 "otherwise the metrics payload"), and that repeated
// scrapes are answered from the caches.
TEST_F(MetricsEndpointTest, BoundServiceAccount_200WithExposition) {
  CreateServiceAccount("scraper");
  Bind("scraper", "awio-test-metrics-reader");
  ASSERT_TRUE(test::WaitUntil(kPropagationTimeout, [] { return MayGetMetrics("scraper"); }))
      << "the binding never took effect";
  const std::string token = Token("scraper");

  auto response = Get("Bearer " + token);
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(response->body.find("# TYPE awio_manager_integration_total counter\n"
                                "awio_manager_integration_total 1\n"),
            std::string::npos)
      << response->body;

  auto again = Get("Bearer " + token);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(authorizer_->Stats().token_reviews, 1u);
  EXPECT_EQ(authorizer_->Stats().access_reviews, 1u);
}

// Validates that an authenticated ServiceAccount without the binding is refused with 403 naming
// the user (§6.1 "SAR denies → 403 `Authorization denied for user <name>`").
TEST_F(MetricsEndpointTest, UnboundServiceAccount_403NamingUser) {
  CreateServiceAccount("stranger");
  auto response = Get("Bearer " + Token("stranger"));
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->body,
            "Authorization denied for user system:serviceaccount:metrics-auth:stranger\n");
  EXPECT_EQ(response->body.find("awio_manager_integration_total"), std::string::npos);
}

// Validates that a request without an Authorization header gets 401 (§6.1 "no/empty bearer
// token → 401 `Unauthorized`").
TEST_F(MetricsEndpointTest, NoHeader_401) {
  auto response = Get("");
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(response->body, "Unauthorized\n");
}

// Validates that a token the API server does not authenticate gets 401, as the issue asks
// (the original answers 500 "Authentication failed" here; see the report).
TEST_F(MetricsEndpointTest, GarbageToken_401) {
  auto response = Get("Bearer not-a-real-token");
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(response->body, "Unauthorized\n");
  EXPECT_EQ(authorizer_->Stats().token_reviews, 1u);
  EXPECT_EQ(authorizer_->Stats().access_reviews, 0u);
}

// Validates that the SubjectAccessReview's verb is the lower-cased HTTP method: a role allowing
// only `get` does not allow a POST (§6.1 "verb = lower-cased HTTP method").
TEST_F(MetricsEndpointTest, PostWithGetOnlyRole_403) {
  CreateServiceAccount("poster");
  Bind("poster", "awio-test-metrics-reader");
  ASSERT_TRUE(test::WaitUntil(kPropagationTimeout, [] { return MayGetMetrics("poster"); }));
  httplib::Client client("127.0.0.1", server_->port());
  auto response =
      client.Post("/metrics", {{"Authorization", "Bearer " + Token("poster")}}, "", "text/plain");
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(response->body,
            "Authorization denied for user system:serviceaccount:metrics-auth:poster\n");
}

// Validates that an allow decision is reused for its 5-minute TTL even after the binding is
// deleted, and that past the TTL the new RBAC applies (§6.1 "Allow decisions cached 5 min").
TEST_F(MetricsAuthTest, AllowCached_UntilTtlPasses) {
  CreateServiceAccount("cached-allow");
  const std::string binding = Bind("cached-allow", "awio-test-metrics-reader");
  ASSERT_TRUE(test::WaitUntil(kPropagationTimeout, [] { return MayGetMetrics("cached-allow"); }));
  const std::string header = "Bearer " + Token("cached-allow");

  ManualClock clock;
  MetricsAuthorizer authorizer(test::AdminClient(test::SharedEnvironment().hub()),
                               {.clock = clock.Source()});
  ASSERT_EQ(authorizer.Check(header, "GET", "/metrics").status, 200);

  ASSERT_TRUE(Admin().Delete(kClusterRoleBindings, "", binding).ok());
  ASSERT_TRUE(test::WaitUntil(kPropagationTimeout, [] { return !MayGetMetrics("cached-allow"); }))
      << "the binding's deletion never took effect";

  clock.Advance(kTokenReviewCacheTtl - std::chrono::seconds(1));
  AuthResult cached = authorizer.Check(header, "GET", "/metrics");
  EXPECT_EQ(cached.status, 200) << cached.body;
  EXPECT_EQ(cached.user, UserOf("cached-allow"));
  EXPECT_EQ(authorizer.Stats().access_reviews, 1u);

  clock.Advance(kAllowCacheTtl);
  AuthResult expired = authorizer.Check(header, "GET", "/metrics");
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(expired.body, "Authorization denied for user " + UserOf("cached-allow"));
  EXPECT_EQ(authorizer.Stats().access_reviews, 2u);
}

// Validates that a deny decision is reused for 30 s only: a binding created meanwhile applies
// once the TTL passes (§6.1 "deny decisions 30 s").
TEST_F(MetricsAuthTest, DenyCached_For30Seconds) {
  CreateServiceAccount("cached-deny");
  const std::string header = "Bearer " + Token("cached-deny");

  ManualClock clock;
  MetricsAuthorizer authorizer(test::AdminClient(test::SharedEnvironment().hub()),
                               {.clock = clock.Source()});
  ASSERT_EQ(authorizer.Check(header, "GET", "/metrics").status, 403);

  Bind("cached-deny", "awio-test-metrics-reader");
  ASSERT_TRUE(test::WaitUntil(kPropagationTimeout, [] { return MayGetMetrics("cached-deny"); }));

  clock.Advance(kDenyCacheTtl - std::chrono::seconds(1));
  EXPECT_EQ(authorizer.Check(header, "GET", "/metrics").status, 403);
  EXPECT_EQ(authorizer.Stats().access_reviews, 1u);

  clock.Advance(std::chrono::seconds(2));
  AuthResult allowed = authorizer.Check(header, "GET", "/metrics");
  EXPECT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_EQ(authorizer.Stats().access_reviews, 2u);
}

// Validates that a TokenReview answer is reused for 1 minute: a token whose ServiceAccount was
// deleted keeps working until then, and is refused with 401 after (§6.1 "TokenReview results are
// cached for 1 minute").
TEST_F(MetricsAuthTest, TokenReviewCached_ForOneMinute) {
  CreateServiceAccount("ephemeral");
  Bind("ephemeral", "awio-test-metrics-reader");
  ASSERT_TRUE(test::WaitUntil(kPropagationTimeout, [] { return MayGetMetrics("ephemeral"); }));
  const std::string token = Token("ephemeral");
  const std::string header = "Bearer " + token;

  ManualClock clock;
  MetricsAuthorizer authorizer(test::AdminClient(test::SharedEnvironment().hub()),
                               {.clock = clock.Source()});
  ASSERT_EQ(authorizer.Check(header, "GET", "/metrics").status, 200);

  ASSERT_TRUE(Admin().Delete(kube::resources::kServiceAccounts, kNamespace, "ephemeral").ok());
  ASSERT_TRUE(test::WaitUntil(kPropagationTimeout, [&] { return !Authenticates(token); }))
      << "the token stayed valid after its ServiceAccount was deleted";

  clock.Advance(kTokenReviewCacheTtl - std::chrono::seconds(1));
  EXPECT_EQ(authorizer.Check(header, "GET", "/metrics").status, 200);
  EXPECT_EQ(authorizer.Stats().token_reviews, 1u);

  clock.Advance(std::chrono::seconds(2));
  AuthResult refused = authorizer.Check(header, "GET", "/metrics");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.body, "Unauthorized");
  EXPECT_EQ(refused.user, "");
  EXPECT_EQ(authorizer.Stats().token_reviews, 2u);
}

// Validates that a manager identity that may not create TokenReviews yields 500
// "Authentication failed", and that the failure is not cached (§6.1 "TokenReview call fails").
TEST_F(MetricsAuthTest, TokenReviewForbidden_500) {
  CreateServiceAccount("no-rights");
  CreateServiceAccount("caller-a");
  MetricsAuthorizer authorizer(ClientAs("no-rights"));
  const std::string header = "Bearer " + Token("caller-a");
  AuthResult result = authorizer.Check(header, "GET", "/metrics");
  EXPECT_EQ(result.status, 500);
  EXPECT_EQ(result.body, "Authentication failed");
  EXPECT_EQ(authorizer.Check(header, "GET", "/metrics").status, 500);
  EXPECT_EQ(authorizer.Stats().token_reviews, 2u);
}

// Validates that a manager identity that may create TokenReviews but not SubjectAccessReviews
// yields 500 naming the user (§6.1 "SAR call fails → 500 `Authorization for user <name>
// failed`").
TEST_F(MetricsAuthTest, SubjectAccessReviewForbidden_500NamingUser) {
  CreateServiceAccount("tokens-only");
  CreateServiceAccount("caller-b");
  Bind("tokens-only", "awio-test-tokenreviewer");
  ASSERT_TRUE(test::WaitUntil(kPropagationTimeout, [] {
    return MayCreateTokenReviews("tokens-only");
  })) << "the TokenReview permission never took effect";
  const std::string header = "Bearer " + Token("caller-b");

  MetricsAuthorizer authorizer(ClientAs("tokens-only"));
  AuthResult result = authorizer.Check(header, "GET", "/metrics");
  EXPECT_EQ(result.status, 500);
  EXPECT_EQ(result.body, "Authorization for user " + UserOf("caller-b") + " failed");
  EXPECT_EQ(result.user, UserOf("caller-b"));
}

}  // namespace
}  // namespace awio::manager
