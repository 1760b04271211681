// The webhook server behind a real kube-apiserver, beyond the vectors: certificate rotation
// while the API server keeps calling (packaging-observability.md §3.11: the serving key rotates
// on every renewal and must be picked up without a restart), and the awio-webhook binary with
// its lookups configured from a kubeconfig.
#include "admission/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "api/v1alpha1/constants.h"
#include "api/v1alpha1/resources.h"
#include "integration/admission/webhook_environment.h"
#include "process.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"
#include "unit/admission/fixtures.h"

namespace awio::admission::integration {
namespace {

namespace v1alpha1 = api::v1alpha1;
using namespace std::chrono_literals;
using testing::RoleObject;

// The shared setup (webhook_environment.h) under its own suite name.
class WebhookServerTest : public WebhookTest {};

// ---- Certificate rotation ----

// Validates that a certificate rotated on disk (same CA, new key, published as the kubelet
// does) is presented to new TLS connections without a restart, and that the API server keeps
// calling the webhook successfully before and after.
TEST_F(WebhookServerTest, CertificateRotation_NewConnectionsGetNewCertificate) {
  const int port = Suite().server->port();
  const std::string ns = "wlc-rotation";
  EnsureNamespace(ns);
  auto before = DialTls("127.0.0.1", port, 10s);
  ASSERT_TRUE(before.ok()) << before.error().message;
  ExpectDeniedBy(DryRunCreate(v1alpha1::kRoleResource, ns, RoleObject("a", "a", ns)),
                 v1alpha1::webhook::kRoleName, {"required"});

  auto rotated = Suite().ca->IssueServing("awio-webhook", {"localhost"}, {"127.0.0.1"});
  Suite().certs->Publish(rotated.cert_pem, rotated.key_pem);
  const std::string expected = *CertificateFingerprint(rotated.cert_pem);

  ASSERT_TRUE(test::WaitUntil(kWait, [&] {
    auto presented = DialTls("127.0.0.1", port, 10s);
    return presented.ok() && *presented == expected;
  })) << "new connections never got the rotated certificate";
  EXPECT_NE(expected, *before);
  EXPECT_EQ(Suite().server->CertificateError(), std::nullopt);

  // A client that trusts only the CA and checks the IP address accepts the new certificate.
  httplib::SSLClient verified("127.0.0.1", port);
  verified.set_ca_cert_path(Suite().ca_file.string());
  verified.enable_server_certificate_verification(true);
  auto answer = verified.Post(std::string(v1alpha1::webhook::kRolePath), "{}", "application/json");
  ASSERT_TRUE(answer) << httplib::to_string(answer.error());
  EXPECT_EQ(answer->status, 400);

  ExpectDeniedBy(DryRunCreate(v1alpha1::kRoleResource, ns, RoleObject("b", "b", ns)),
                 v1alpha1::webhook::kRoleName, {"required"});
  NamespaceWithConfig(ns);
  ExpectAdmitted(Kube().Create(v1alpha1::kRoleResource, ns, RoleObject("c", "c", ns)));
}

// Validates that a broken certificate published on disk is reported naming the file while the
// previous certificate keeps serving the API server, and that a good one then replaces it.
TEST_F(WebhookServerTest, BrokenRotation_KeepsServingPreviousCertificate) {
  const int port = Suite().server->port();
  const std::string serving = Suite().server->ServingCertificateFingerprint();
  const std::string ns = "wlc-broken-rotation";
  EnsureNamespace(ns);

  auto other = Suite().ca->IssueServing("awio-webhook", {}, {"127.0.0.1"});
  auto mismatched = Suite().ca->IssueServing("awio-webhook", {}, {"127.0.0.1"});
  Suite().certs->Publish(other.cert_pem, mismatched.key_pem);

  ASSERT_TRUE(
      test::WaitUntil(kWait, [&] { return Suite().server->CertificateError().has_value(); }));
  EXPECT_NE(Suite().server->CertificateError()->find("tls.key"), std::string::npos);
  EXPECT_EQ(*DialTls("127.0.0.1", port, 10s), serving);
  ExpectDeniedBy(DryRunCreate(v1alpha1::kRoleResource, ns, RoleObject("a", "a", ns)),
                 v1alpha1::webhook::kRoleName, {"required"});

  Suite().certs->Publish(other.cert_pem, other.key_pem);
  EXPECT_TRUE(test::WaitUntil(kWait, [&] {
    return !Suite().server->CertificateError() && Suite().server->ServingCertificateFingerprint() ==
                                                      *CertificateFingerprint(other.cert_pem);
  }));
}

// ---- The awio-webhook binary ----

// Validates that the awio-webhook binary serves the webhooks with lookups against the API
// server named by --kubeconfig, on the port it reports, and exits cleanly on SIGTERM.
TEST_F(WebhookServerTest, Binary_ServesWithKubeconfigLookups) {
  const auto& env = test::SharedEnvironment();
  const std::filesystem::path log = Suite().root / "awio-webhook.log";
  testenv::Process process(
      {.name = "awio-webhook",
       .argv = {AWIO_WEBHOOK_BINARY, "--kubeconfig", env.hub().kubeconfig.string(), "--cert-dir",
                Suite().certs->path().string(), "--port", "0", "--bind-address", "127.0.0.1",
                "--log-format", "text"},
       .log_file = log});

  int port = 0;
  ASSERT_TRUE(test::WaitUntil(kWait, [&] {
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::smatch match;
    if (std::regex_search(text, match, std::regex("listening on port ([0-9]+)"))) {
      port = std::stoi(match[1]);
    }
    return port > 0 || !process.Running();
  }));
  ASSERT_GT(port, 0) << process.LogTail();

  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(Suite().ca_file.string());
  client.enable_server_certificate_verification(true);
  Json review = {{"apiVersion", "admission.k8s.io/v1"},
                 {"kind", "AdmissionReview"},
                 {"request",
                  {{"uid", "binary-1"},
                   {"operation", "CREATE"},
                   {"namespace", "wlc-binary"},
                   {"object", RoleObject("demo", "demo", "wlc-binary")}}}};
  auto answer =
      client.Post(std::string(v1alpha1::webhook::kRolePath), review.dump(), "application/json");

  ASSERT_TRUE(answer) << httplib::to_string(answer.error()) << process.LogTail();
  Json body = Json::parse(answer->body);
  EXPECT_EQ(body["response"]["uid"], "binary-1");
  EXPECT_EQ(body["response"]["allowed"], false);
  EXPECT_NE(body["response"]["status"]["message"].get<std::string>().find(
                "AWSWorkloadIdentityConfig/default"),
            std::string::npos)
      << body.dump();

  process.Stop();
  EXPECT_EQ(process.ExitDescription(), "exited with status 0") << process.LogTail();
}

}  // namespace
}  // namespace awio::admission::integration
