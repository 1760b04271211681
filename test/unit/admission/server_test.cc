// Unit tests of the webhook's HTTPS server (src/admission/server.h) on the loopback interface,
// with a throw-away CA from tools/testenv/pki.h and the validators behind an in-memory lookup:
// serving the webhook paths over verified TLS, request limits, the readiness check, and
// certificate rotation (a new pair is served to new connections; a broken one is reported with
// its file name while the old pair keeps serving). No API server is involved.
#include "admission/server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "pki.h"
#include "process.h"
#include "support/kube_test_util.h"
#include "unit/admission/cert_dir.h"
#include "unit/admission/fake_lookup.h"
#include "unit/admission/fixtures.h"

namespace awio::admission {
namespace {

namespace v1alpha1 = api::v1alpha1;
constexpr std::chrono::seconds kWait{20};
// Short, so that rotation tests do not wait long for the next look at the files.
constexpr std::chrono::milliseconds kPoll{50};

std::string Fingerprint(const std::string& pem) {
  auto fingerprint = CertificateFingerprint(pem);
  EXPECT_TRUE(fingerprint.ok());
  return fingerprint.ok() ? *fingerprint : std::string();
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "awio-webhook-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    certs_ = std::make_unique<testing::CertDir>(root_ / "serving-certs");
    ca_file_ = root_ / "ca.crt";
    std::ofstream(ca_file_) << ca_.cert_pem();
    first_ = ca_.IssueServing("webhook", {"localhost"}, {"127.0.0.1"});
    certs_->Publish(first_.cert_pem, first_.key_pem);
    lookup_ = std::make_shared<testing::FakeLookup>();
  }

  void TearDown() override {
    if (server_) server_->Stop();
    std::filesystem::remove_all(root_);
  }

  Status StartServer() {
    server_ = std::make_unique<Server>(ServerOptions{.bind_address = "127.0.0.1",
                                                     .port = 0,
                                                     .cert_dir = certs_->path(),
                                                     .cert_poll_interval = kPoll,
                                                     .registry = &registry_},
                                       Webhooks(lookup_));
    return server_->Start();
  }

  // A client that verifies the server against the test CA and the name 127.0.0.1.
  std::unique_ptr<httplib::SSLClient> Client() const {
    auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port());
    client->set_ca_cert_path(ca_file_.string());
    client->enable_server_certificate_verification(true);
    return client;
  }

  // POSTs a ReplicaSet CREATE review with `labels` in the template; returns the review answer.
  Json PostReplicaSet(const Json& labels, int* status = nullptr) {
    Json review = {{"apiVersion", "admission.k8s.io/v1"},
                   {"kind", "AdmissionReview"},
                   {"request",
                    {{"uid", "rs-1"},
                     {"operation", "CREATE"},
                     {"object", testing::BaseReplicaSet({{"labels", labels}})}}}};
    auto result = Client()->Post(std::string(v1alpha1::webhook::kReplicaSetPath), review.dump(),
                                 "application/json");
    if (!result) {
      ADD_FAILURE() << "POST failed: " << httplib::to_string(result.error());
      return nullptr;
    }
    if (status) *status = result->status;
    return Json::parse(result->body, nullptr, false);
  }

  testenv::CertificateAuthority ca_{"awio-webhook-test-ca"};
  testenv::Certificate first_;
  std::filesystem::path root_;
  std::filesystem::path ca_file_;
  std::unique_ptr<testing::CertDir> certs_;
  std::shared_ptr<testing::FakeLookup> lookup_;
  observability::Registry registry_;
  std::unique_ptr<Server> server_;
};

// Validates that the webhook paths answer POSTed reviews over TLS that verifies against the CA
// and the IP address, on a port the kernel chose (§8.1).
TEST_F(ServerTest, ServesWebhookPathsOverVerifiedTls) {
  ASSERT_TRUE(StartServer().ok());
  EXPECT_GT(server_->port(), 0);

  int status = 0;
  Json allowed = PostReplicaSet({{"app", "demo"}}, &status);
  Json denied = PostReplicaSet({{std::string(v1alpha1::label::kRuntime), "x"}});

  EXPECT_EQ(status, 200);
  EXPECT_EQ(allowed["response"]["uid"], "rs-1");
  EXPECT_EQ(allowed["response"]["allowed"], true);
  EXPECT_EQ(denied["response"]["allowed"], false);
  EXPECT_EQ(denied["response"]["status"]["code"], 403);
}

// Validates that junk on a webhook path gets HTTP 400 with an errored review (§8.2), and that
// other paths and methods are not served.
TEST_F(ServerTest, JunkUnknownPathsAndMethods) {
  ASSERT_TRUE(StartServer().ok());
  auto client = Client();

  auto junk =
      client->Post(std::string(v1alpha1::webhook::kRolePath), "{not json", "application/json");
  auto unknown = client->Post("/validate-something-else", "{}", "application/json");
  auto get = client->Get(std::string(v1alpha1::webhook::kRolePath));

  ASSERT_TRUE(junk);
  EXPECT_EQ(junk->status, 400);
  EXPECT_EQ(Json::parse(junk->body)["response"]["status"]["code"], 400);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  ASSERT_TRUE(get);
  EXPECT_NE(get->status, 200);
}

// Validates that a body over kMaxRequestBodyBytes is refused with 413 without being handled.
TEST_F(ServerTest, OversizedBody_Is413) {
  ASSERT_TRUE(StartServer().ok());
  std::string body(kMaxRequestBodyBytes + 1, ' ');

  auto result = Client()->Post(std::string(v1alpha1::webhook::kRolePath), body, "application/json");

  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413);
}

// Validates that Start fails with a configuration error naming the file when the certificate
// is missing, and that nothing listens then.
TEST_F(ServerTest, Start_MissingCertificate_FailsNamingTheFile) {
  std::filesystem::remove(certs_->path() / "tls.crt");

  auto started = StartServer();

  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, ErrorCode::kConfiguration);
  EXPECT_NE(started.error().message.find("tls.crt"), std::string::npos) << started.error().message;
  EXPECT_FALSE(server_->started());
}

// Validates that Start fails naming both files when the key does not belong to the certificate.
TEST_F(ServerTest, Start_MismatchedKey_FailsNamingBothFiles) {
  auto other = ca_.IssueServing("other", {}, {"127.0.0.1"});
  certs_->Publish(first_.cert_pem, other.key_pem);

  auto started = StartServer();

  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("tls.key"), std::string::npos);
  EXPECT_NE(started.error().message.find("tls.crt"), std::string::npos);
}

// Validates that the readiness check (§5.5) fails before Start and after Stop and passes while
// the server serves.
TEST_F(ServerTest, StartedCheck_FollowsServerLifecycle) {
  server_ = std::make_unique<Server>(ServerOptions{.bind_address = "127.0.0.1",
                                                   .port = 0,
                                                   .cert_dir = certs_->path(),
                                                   .registry = &registry_},
                                     Webhooks(lookup_));
  ASSERT_TRUE(server_->StartedCheck().has_value());

  ASSERT_TRUE(server_->Start().ok());
  EXPECT_EQ(server_->StartedCheck(), std::nullopt);

  server_->Stop();
  EXPECT_TRUE(server_->StartedCheck().has_value());
}

// Validates that a rotated pair (same CA, new key), published as the kubelet does, is presented
// to new connections without a restart, and the server keeps answering reviews.
TEST_F(ServerTest, RotatedCertificate_IsServedToNewConnections) {
  ASSERT_TRUE(StartServer().ok());
  ASSERT_EQ(*DialTls("127.0.0.1", server_->port(), kWait), Fingerprint(first_.cert_pem));

  auto second = ca_.IssueServing("webhook", {"localhost"}, {"127.0.0.1"});
  certs_->Publish(second.cert_pem, second.key_pem);

  EXPECT_TRUE(test::WaitUntil(kWait, [&] {
    auto presented = DialTls("127.0.0.1", server_->port(), kWait);
    return presented.ok() && *presented == Fingerprint(second.cert_pem);
  })) << "the new certificate was never presented";
  EXPECT_EQ(server_->ServingCertificateFingerprint(), Fingerprint(second.cert_pem));
  EXPECT_EQ(server_->CertificateError(), std::nullopt);
  EXPECT_EQ(PostReplicaSet({{"app", "demo"}})["response"]["allowed"], true);
}

// Validates that a broken new certificate keeps the old pair serving and is reported with the
// file's name, and that a good pair published afterwards clears the report.
TEST_F(ServerTest, BrokenNewCertificate_KeepsOldOneAndReportsFile) {
  ASSERT_TRUE(StartServer().ok());

  certs_->Publish("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
                  first_.key_pem);
  ASSERT_TRUE(test::WaitUntil(kWait, [&] { return server_->CertificateError().has_value(); }));
  EXPECT_NE(server_->CertificateError()->find("tls.crt"), std::string::npos)
      << *server_->CertificateError();
  EXPECT_EQ(*DialTls("127.0.0.1", server_->port(), kWait), Fingerprint(first_.cert_pem));
  EXPECT_EQ(PostReplicaSet({{"app", "demo"}})["response"]["allowed"], true);

  auto mismatched = ca_.IssueServing("webhook", {}, {"127.0.0.1"});
  certs_->Publish(mismatched.cert_pem, first_.key_pem);
  ASSERT_TRUE(test::WaitUntil(kWait, [&] {
    auto error = server_->CertificateError();
    return error && error->find("does not match") != std::string::npos;
  }));
  EXPECT_NE(server_->CertificateError()->find("tls.key"), std::string::npos);
  EXPECT_EQ(server_->ServingCertificateFingerprint(), Fingerprint(first_.cert_pem));

  auto good = ca_.IssueServing("webhook", {}, {"127.0.0.1"});
  certs_->Publish(good.cert_pem, good.key_pem);
  EXPECT_TRUE(test::WaitUntil(kWait, [&] {
    return !server_->CertificateError() &&
           server_->ServingCertificateFingerprint() == Fingerprint(good.cert_pem);
  }));
  EXPECT_EQ(*DialTls("127.0.0.1", server_->port(), kWait), Fingerprint(good.cert_pem));
}

// Validates that a deleted certificate file is reported and the old pair keeps serving.
TEST_F(ServerTest, DeletedCertificateFile_KeepsOldOneAndReportsFile) {
  ASSERT_TRUE(StartServer().ok());

  std::filesystem::remove(certs_->path() / "tls.key");

  ASSERT_TRUE(test::WaitUntil(kWait, [&] { return server_->CertificateError().has_value(); }));
  EXPECT_NE(server_->CertificateError()->find("tls.key"), std::string::npos);
  EXPECT_EQ(*DialTls("127.0.0.1", server_->port(), kWait), Fingerprint(first_.cert_pem));
}

// Validates that requests and certificate reads are counted under controller-runtime's metric
// names.
TEST_F(ServerTest, Metrics_CountRequestsAndCertificateReads) {
  ASSERT_TRUE(StartServer().ok());
  PostReplicaSet({{"app", "demo"}});
  PostReplicaSet({{"app", "demo"}});

  std::string text = registry_.Expose();

  EXPECT_NE(text.find("controller_runtime_webhook_requests_total{webhook=\"" +
                      std::string(v1alpha1::webhook::kReplicaSetPath) + "\",code=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("controller_runtime_webhook_latency_seconds_count{webhook=\"" +
                      std::string(v1alpha1::webhook::kReplicaSetPath) + "\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("certwatcher_read_certificate_total 1"), std::string::npos);
  EXPECT_NE(text.find("certwatcher_read_certificate_errors_total 0"), std::string::npos);
}

// Validates that DialTls fails with kUnavailable, naming the address, when nothing listens.
TEST(DialTls, NothingListening_IsUnavailable) {
  const int port = testenv::FreeLoopbackPort();

  auto result = DialTls("127.0.0.1", port, std::chrono::seconds(2));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << result.error().message;
}

// Validates that DialTls gives up after its timeout when the peer accepts TCP but never
// answers the TLS handshake.
TEST(DialTls, SilentPeer_TimesOut) {
  httplib::Server silent;  // bound and listening, but nothing accepts
  const int port = silent.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);

  auto begin = std::chrono::steady_clock::now();
  auto result = DialTls("127.0.0.1", port, std::chrono::seconds(1));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kTimeout) << result.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
}

// Validates that CertificateFingerprint reads the first certificate of a PEM bundle and refuses
// text without one.
TEST(CertificateFingerprint, FirstCertificateOrInvalid) {
  testenv::CertificateAuthority ca("fingerprint-ca");
  auto leaf = ca.IssueServing("x", {}, {"127.0.0.1"});

  auto one = CertificateFingerprint(leaf.cert_pem);
  auto bundle = CertificateFingerprint(leaf.cert_pem + ca.cert_pem());
  auto none = CertificateFingerprint("hello");

  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 64u);
  EXPECT_EQ(*bundle, *one);
  EXPECT_NE(*CertificateFingerprint(ca.cert_pem()), *one);
  EXPECT_FALSE(none.ok());
}

}  // namespace
}  // namespace awio::admission
