#include "e2e_support.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "aws/names.h"
#include "base/encoding.h"
#include "oidc/documents.h"
#include "pki.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::test::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const kube::ResourceRef kClusterProfiles{"multicluster.x-k8s.io", "v1alpha1", "clusterprofiles",
                                         true, "ClusterProfile"};

fs::path WorkDir() {
  static const fs::path dir = [] {
    fs::path d = SharedEnvironment().work_dir() / "e2e";
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

std::string ProviderFileText(const std::vector<std::string>& args) {
  Json provider = {{"name", kProviderName},
                   {"execConfig",
                    {{"apiVersion", "client.authentication.k8s.io/v1"},
                     {"command", AWIO_EXEC_PLUGIN},
                     {"args", args},
                     {"provideClusterInfo", false}}}};
  return Json{{"providers", Json::array({provider})}}.dump(2);
}

// The webhook serving certificate of the manager under test (cert dir with tls.crt/tls.key).
const fs::path& WebhookCertDir() {
  static const fs::path dir = [] {
    fs::path d = WorkDir() / "webhook-certs";
    fs::create_directories(d);
    testenv::CertificateAuthority ca("e2e-webhook-ca");
    auto cert = ca.IssueServing("localhost", {"localhost"}, {"127.0.0.1"});
    WriteFile(d / "tls.crt", cert.cert_pem);
    WriteFile(d / "tls.key", cert.key_pem);
    return d;
  }();
  return dir;
}

std::vector<std::string> BaseArgs(const ManagerRun& run, int health_port, int metrics_port,
                                  int webhook_port) {
  const auto& env = SharedEnvironment();
  std::vector<std::string> argv = {
      ManagerBinary().string(),
      "--kubeconfig=" + env.hub().kubeconfig.string(),
      "--cluster-profile-namespaces=" + std::string(kInventoryNamespace),
      "--clusterprofile-provider-file=" +
          (run.provider_file.empty() ? ProviderFile() : run.provider_file).string(),
      "--aws-endpoint-url=" + (run.aws_endpoint.empty() ? env.aws().endpoint : run.aws_endpoint),
      "--allow-unsafe-aws-endpoint-urls",
      "--health-probe-bind-address=127.0.0.1:" + std::to_string(health_port),
      "--metrics-bind-address=127.0.0.1:" + std::to_string(metrics_port),
      "--webhook-port=" + std::to_string(webhook_port),
      "--webhook-cert-dir=" + WebhookCertDir().string(),
      "--log-level=debug",
  };
  argv.insert(argv.end(), run.extra_args.begin(), run.extra_args.end());
  return argv;
}

std::map<std::string, std::string> ManagerEnv() {
  const auto& aws = SharedEnvironment().aws();
  return {{"AWS_ACCESS_KEY_ID", aws.access_key_id},
          {"AWS_SECRET_ACCESS_KEY", aws.secret_access_key},
          {"AWS_REGION", kRegion}};
}

testenv::HttpResponse Emulator(const std::string& service, const std::string& method,
                               const std::string& path, const std::string& form = {}) {
  testenv::HttpRequest request = SharedEnvironment().aws().Request(service, method, path, form);
  if (!form.empty()) request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
  return testenv::Send(request);
}

}  // namespace

const oidc::GeneratedSigningKey& SelfHostedKey() {
  static const oidc::GeneratedSigningKey key = [] {
    auto generated = oidc::GenerateSigningKey();
    if (!generated.ok()) throw std::runtime_error(generated.error().message);
    return *generated;
  }();
  return key;
}

std::string SelfHostedBucket() { return aws::BucketName(kSelfHostedNamespace, kRegion); }

const std::string& SelfHostedIssuerUrl() {
  static const std::string url = oidc::IssuerUrl(oidc::IssuerHostPath(SelfHostedBucket(), kRegion));
  return url;
}

fs::path ManagerBinary() { return AWIO_MANAGER_BINARY; }

const fs::path& ProviderFile() {
  static const fs::path path = [] {
    const auto& target = SharedEnvironment().cluster(kSelfHostedTarget);
    fs::path p = WorkDir() / "provider-file.json";
    WriteFile(p, ProviderFileText({"--cert", target.client_cert_file.string(), "--key",
                                   target.client_key_file.string()}));
    return p;
  }();
  return path;
}

fs::path FailingProviderFile(const std::string& message) {
  fs::path p = WorkDir() / "failing-provider-file.json";
  WriteFile(p, ProviderFileText({"--fail", message}));
  return p;
}

Manager::Manager(ManagerRun run) {
  health_port_ = testenv::FreeLoopbackPort();
  metrics_port_ = testenv::FreeLoopbackPort();
  const int webhook_port = testenv::FreeLoopbackPort();
  static int runs = 0;
  process_ = std::make_unique<testenv::Process>(
      testenv::ProcessSpec{.name = "awio-manager",
                           .argv = BaseArgs(run, health_port_, metrics_port_, webhook_port),
                           .env = ManagerEnv(),
                           .unset_env = {"KUBECONFIG", "KUBERNETES_SERVICE_HOST"},
                           .log_file = WorkDir() / ("manager-" + std::to_string(++runs) + ".log")});
}

Manager::~Manager() { process_->Stop(); }

std::string Manager::Log() const { return process_->LogTail(20000); }

bool Manager::LogContains(const std::string& text) const {
  std::ifstream in(process_->log_file());
  std::stringstream all;
  all << in.rdbuf();
  return all.str().find(text) != std::string::npos;
}

bool Manager::WaitReady(std::chrono::milliseconds timeout) {
  bool ready = WaitUntil(timeout, [&] {
    if (!process_->Running()) return true;
    testenv::HttpRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(health_port_) + "/readyz";
    request.timeout = 2s;
    return testenv::Send(request).status == 200;
  });
  if (!ready || !process_->Running()) {
    ADD_FAILURE() << "manager not ready (" << process_->ExitDescription() << "):\n"
                  << process_->LogTail();
    return false;
  }
  return true;
}

std::pair<std::string, std::string> RunManagerToExit(const std::vector<std::string>& args,
                                                     std::chrono::milliseconds timeout) {
  static int runs = 0;
  std::vector<std::string> argv = {ManagerBinary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  testenv::Process process(
      {.name = "awio-manager-short",
       .argv = argv,
       .env = ManagerEnv(),
       .unset_env = {"KUBECONFIG", "KUBERNETES_SERVICE_HOST"},
       .log_file = WorkDir() / ("manager-short-" + std::to_string(++runs) + ".log")});
  if (!WaitUntil(timeout, [&] { return !process.Running(); })) {
    process.Stop();
    return {"did not exit", process.LogTail()};
  }
  return {process.ExitDescription(), process.LogTail()};
}

void PutClusterProfile(const std::string& name, const std::string& workload_namespace,
                       const testenv::Cluster& target) {
  auto hub = Hub();
  Json profile = {
      {"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
      {"kind", "ClusterProfile"},
      {"metadata",
       {{"name", name},
        {"namespace", kInventoryNamespace},
        {"labels",
         {{"open-cluster-management.io/cluster-name", workload_namespace},
          {"x-k8s.io/cluster-manager", "open-cluster-management"}}}}},
      {"spec", {{"displayName", name}, {"clusterManager", {{"name", "open-cluster-management"}}}}}};
  auto existing = hub->Get(kClusterProfiles, kInventoryNamespace, name);
  Json stored;
  if (existing.ok()) {
    stored = *existing;
  } else {
    auto created = hub->Create(kClusterProfiles, kInventoryNamespace, profile);
    ASSERT_TRUE(created.ok()) << created.error().ToString();
    stored = *created;
  }
  stored["status"] = {
      {"accessProviders", Json::array({{{"name", kProviderName},
                                        {"cluster",
                                         {{"server", target.server},
                                          {"certificate-authority-data",
                                           base::Base64Encode(ReadFileOrDie(target.ca_file))}}}}})},
      {"conditions", Json::array({{{"type", "ControlPlaneHealthy"},
                                   {"status", "True"},
                                   {"reason", "Healthy"},
                                   {"message", "e2e"},
                                   {"lastTransitionTime", "2026-01-01T00:00:00Z"}}})}};
  auto updated =
      hub->Update(kClusterProfiles, kInventoryNamespace, stored, {.subresource = "status"});
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
}

void DeleteClusterProfile(const std::string& name) {
  auto deleted = Hub()->Delete(kClusterProfiles, kInventoryNamespace, name);
  ASSERT_TRUE(deleted.ok() || deleted.error().code == ErrorCode::kNotFound)
      << deleted.error().ToString();
}

std::shared_ptr<kube::Client> Hub() {
  static const auto client = AdminClient(SharedEnvironment().hub());
  return client;
}

std::shared_ptr<kube::Client> Target(const std::string& name) {
  static std::map<std::string, std::shared_ptr<kube::Client>> clients;
  static std::mutex mu;
  std::lock_guard lock(mu);
  auto& client = clients[name];
  if (!client) client = AdminClient(SharedEnvironment().cluster(name));
  return client;
}

Json GetConfig(const std::string& ns) {
  auto got = Hub()->Get({"aws.identity.appthrust.io", "v1alpha1", "awsworkloadidentityconfigs",
                         true, "AWSWorkloadIdentityConfig"},
                        ns, "default");
  return got.ok() ? *got : Json();
}

Json FindCondition(const Json& object, const std::string& type) {
  if (!object.is_object()) return Json::object();
  for (const auto& c : object.value("status", Json::object()).value("conditions", Json::array())) {
    if (c.value("type", "") == type) return c;
  }
  return Json::object();
}

std::string ConditionReason(const Json& object, const std::string& type) {
  return FindCondition(object, type).value("reason", "");
}

S3Object GetS3Object(const std::string& bucket, const std::string& key) {
  auto response = Emulator("s3", "GET", "/" + bucket + "/" + key);
  return {response.status, response.body, response.headers};
}

bool BucketExists(const std::string& bucket) {
  return Emulator("s3", "HEAD", "/" + bucket).status == 200;
}

std::vector<std::string> ListOidcProviderArns() {
  auto response =
      Emulator("iam", "POST", "/", "Action=ListOpenIDConnectProviders&Version=2010-05-08");
  std::vector<std::string> arns;
  std::regex arn("<Arn>([^<]+)</Arn>");
  for (auto it = std::sregex_iterator(response.body.begin(), response.body.end(), arn);
       it != std::sregex_iterator(); ++it) {
    arns.push_back((*it)[1]);
  }
  return arns;
}

}  // namespace awio::test::e2e
