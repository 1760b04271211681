#include "e2e_support.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

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

// One IAM Query API call; `params` are percent-encoded here.
testenv::HttpResponse Iam(const std::string& action,
                          const std::vector<std::pair<std::string, std::string>>& params) {
  std::string form = "Action=" + action + "&Version=2010-05-08";
  for (const auto& [key, value] : params) form += "&" + key + "=" + kube::QueryEscape(value);
  return Emulator("iam", "POST", "/", form);
}

bool IsNoSuchEntity(const testenv::HttpResponse& response) {
  return response.status == 404 && response.body.find("NoSuchEntity") != std::string::npos;
}

std::string XmlUnescape(std::string text) {
  for (const auto& [entity, character] :
       std::vector<std::pair<std::string, std::string>>{{"&quot;", "\""},
                                                        {"&#34;", "\""},
                                                        {"&apos;", "'"},
                                                        {"&#39;", "'"},
                                                        {"&lt;", "<"},
                                                        {"&gt;", ">"},
                                                        {"&amp;", "&"}}) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, entity.size(), character);
    }
  }
  return text;
}

// The text of every <tag>...</tag> element of `xml`, entities decoded, in document order.
std::vector<std::string> XmlValues(const std::string& xml, const std::string& tag) {
  std::vector<std::string> values;
  const std::regex element("<" + tag + ">([^<]*)</" + tag + ">");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), element);
       it != std::sregex_iterator(); ++it) {
    values.push_back(XmlUnescape((*it)[1]));
  }
  return values;
}

std::string XmlValue(const std::string& xml, const std::string& tag) {
  auto values = XmlValues(xml, tag);
  return values.empty() ? "" : values.front();
}

std::string PercentDecode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// IAM returns policy documents percent-encoded (RFC 3986), as AWS does; plain JSON is accepted
// too.
Json ParsePolicyDocument(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, false);
  if (parsed.is_discarded()) parsed = Json::parse(PercentDecode(text), nullptr, false);
  return parsed.is_discarded() ? Json() : parsed;
}

std::vector<std::pair<std::string, std::string>> XmlTags(const std::string& xml) {
  const auto keys = XmlValues(xml, "Key");
  const auto values = XmlValues(xml, "Value");
  std::vector<std::pair<std::string, std::string>> tags;
  for (std::size_t i = 0; i < keys.size() && i < values.size(); ++i) {
    tags.emplace_back(keys[i], values[i]);
  }
  return tags;
}

testenv::HttpResponse Eks(const std::string& method, const std::string& path,
                          const std::string& body = {}) {
  testenv::HttpRequest request = SharedEnvironment().aws().Request("eks", method, path, body);
  if (!body.empty()) request.headers.push_back("Content-Type: application/json");
  return testenv::Send(request);
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

const unsigned char* Bytes(const std::string& text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// An RSA public key from the big-endian modulus and exponent of a JWK.
PkeyPtr RsaPublicKey(const std::string& modulus, const std::string& exponent) {
  BIGNUM* n = BN_bin2bn(Bytes(modulus), static_cast<int>(modulus.size()), nullptr);
  BIGNUM* e = BN_bin2bn(Bytes(exponent), static_cast<int>(exponent.size()), nullptr);
  OSSL_PARAM_BLD* params_builder = OSSL_PARAM_BLD_new();
  EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  OSSL_PARAM* params = nullptr;
  EVP_PKEY* key = nullptr;
  if (n != nullptr && e != nullptr && params_builder != nullptr && context != nullptr &&
      OSSL_PARAM_BLD_push_BN(params_builder, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
      OSSL_PARAM_BLD_push_BN(params_builder, OSSL_PKEY_PARAM_RSA_E, e) == 1) {
    params = OSSL_PARAM_BLD_to_param(params_builder);
    if (params != nullptr && EVP_PKEY_fromdata_init(context) == 1) {
      EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params);
    }
  }
  OSSL_PARAM_free(params);
  EVP_PKEY_CTX_free(context);
  OSSL_PARAM_BLD_free(params_builder);
  BN_free(e);
  BN_free(n);
  return PkeyPtr(key);
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

std::string MetricsToken() {
  static const std::string token = [] {
    auto hub = Hub();
    const std::string name = "e2e-metrics-scraper";
    const kube::ResourceRef cluster_roles{"rbac.authorization.k8s.io", "v1", "clusterroles", false,
                                          "ClusterRole"};
    const kube::ResourceRef bindings{"rbac.authorization.k8s.io", "v1", "clusterrolebindings",
                                     false, "ClusterRoleBinding"};
    for (auto made :
         {hub->Create(kube::resources::kServiceAccounts, kInventoryNamespace,
                      {{"metadata", {{"name", name}}}}),
          hub->Create(cluster_roles, "",
                      {{"metadata", {{"name", name}}},
                       {"rules", {{{"nonResourceURLs", {"/metrics"}}, {"verbs", {"get"}}}}}}),
          hub->Create(bindings, "",
                      {{"metadata", {{"name", name}}},
                       {"roleRef",
                        {{"apiGroup", "rbac.authorization.k8s.io"},
                         {"kind", "ClusterRole"},
                         {"name", name}}},
                       {"subjects",
                        {{{"kind", "ServiceAccount"},
                          {"name", name},
                          {"namespace", kInventoryNamespace}}}}})}) {
      EXPECT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
          << made.error().ToString();
    }
    auto issued = hub->CreateSubresource(kube::resources::kServiceAccounts, kInventoryNamespace,
                                         name, "token",
                                         {{"apiVersion", "authentication.k8s.io/v1"},
                                          {"kind", "TokenRequest"},
                                          {"spec", Json::object()}});
    EXPECT_TRUE(issued.ok()) << issued.error().ToString();
    return issued.ok() ? (*issued)["status"].value("token", "") : std::string();
  }();
  return token;
}

double MetricValue(const Manager& manager, const std::string& prefix) {
  testenv::HttpRequest scrape;
  scrape.url = "http://127.0.0.1:" + std::to_string(manager.metrics_port()) + "/metrics";
  scrape.bearer_token = MetricsToken();
  scrape.timeout = 5s;
  const auto response = testenv::Send(scrape);
  if (response.status != 200) return -1;
  std::istringstream lines(response.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return -1;
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
                       const testenv::Cluster& target,
                       const std::vector<ProfileProperty>& properties) {
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
  if (!properties.empty()) {
    Json list = Json::array();
    for (const auto& property : properties) {
      list.push_back({{"name", property.name}, {"value", property.value}});
    }
    stored["status"]["properties"] = list;
  }
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

IamRole GetIamRole(const std::string& name) {
  IamRole role;
  auto got = Iam("GetRole", {{"RoleName", name}});
  if (IsNoSuchEntity(got)) return role;
  if (got.status != 200) {
    ADD_FAILURE() << "IAM GetRole " << name << ": " << got.status << " " << got.body;
    return role;
  }
  role.found = true;
  role.arn = XmlValue(got.body, "Arn");
  role.path = XmlValue(got.body, "Path");
  const std::string duration = XmlValue(got.body, "MaxSessionDuration");
  role.max_session_duration = duration.empty() ? 0 : std::stol(duration);
  role.permissions_boundary_arn = XmlValue(got.body, "PermissionsBoundaryArn");
  role.trust_policy = ParsePolicyDocument(XmlValue(got.body, "AssumeRolePolicyDocument"));

  auto tags = Iam("ListRoleTags", {{"RoleName", name}});
  EXPECT_EQ(tags.status, 200) << tags.body;
  role.tags = XmlTags(tags.body);
  auto attached = Iam("ListAttachedRolePolicies", {{"RoleName", name}});
  EXPECT_EQ(attached.status, 200) << attached.body;
  role.attached_policy_arns = XmlValues(attached.body, "PolicyArn");
  auto inline_policies = Iam("ListRolePolicies", {{"RoleName", name}});
  EXPECT_EQ(inline_policies.status, 200) << inline_policies.body;
  role.inline_policy_names = XmlValues(inline_policies.body, "member");
  return role;
}

IamPolicy GetIamPolicy(const std::string& arn) {
  IamPolicy policy;
  auto got = Iam("GetPolicy", {{"PolicyArn", arn}});
  if (IsNoSuchEntity(got)) return policy;
  if (got.status != 200) {
    ADD_FAILURE() << "IAM GetPolicy " << arn << ": " << got.status << " " << got.body;
    return policy;
  }
  policy.found = true;
  policy.name = XmlValue(got.body, "PolicyName");
  policy.description = XmlValue(got.body, "Description");
  auto version = Iam("GetPolicyVersion",
                     {{"PolicyArn", arn}, {"VersionId", XmlValue(got.body, "DefaultVersionId")}});
  EXPECT_EQ(version.status, 200) << version.body;
  policy.document = ParsePolicyDocument(XmlValue(version.body, "Document"));
  auto tags = Iam("ListPolicyTags", {{"PolicyArn", arn}});
  EXPECT_EQ(tags.status, 200) << tags.body;
  policy.tags = XmlTags(tags.body);
  return policy;
}

std::string EnsureIamPolicy(const std::string& name, const Json& document) {
  auto created = Iam("CreatePolicy", {{"PolicyName", name}, {"PolicyDocument", document.dump()}});
  if (created.status == 200) return XmlValue(created.body, "Arn");
  EXPECT_NE(created.body.find("EntityAlreadyExists"), std::string::npos)
      << "IAM CreatePolicy " << name << ": " << created.status << " " << created.body;
  return "arn:aws:iam::" + SharedEnvironment().aws().account_id + ":policy/" + name;
}

void CreateEksCluster(const std::string& name) {
  const Json body = {
      {"name", name},
      {"roleArn", "arn:aws:iam::" + SharedEnvironment().aws().account_id + ":role/e2e-eks-cluster"},
      {"resourcesVpcConfig", Json::object()}};
  auto created = Eks("POST", "/clusters", body.dump());
  EXPECT_TRUE(created.status == 200 ||
              created.body.find("ResourceInUseException") != std::string::npos)
      << "EKS CreateCluster " << name << ": " << created.status << " " << created.body;
}

std::vector<Json> DescribePodIdentityAssociations(const std::string& cluster) {
  const std::string base = "/clusters/" + cluster + "/pod-identity-associations";
  auto listed = Eks("GET", base);
  EXPECT_EQ(listed.status, 200) << listed.body;
  std::vector<Json> described;
  const Json list = Json::parse(listed.body, nullptr, false);
  if (list.is_discarded()) return described;
  for (const auto& summary : list.value("associations", Json::array())) {
    auto one = Eks("GET", base + "/" + summary.value("associationId", ""));
    EXPECT_EQ(one.status, 200) << one.body;
    const Json parsed = Json::parse(one.body, nullptr, false);
    if (!parsed.is_discarded()) described.push_back(parsed.value("association", Json::object()));
  }
  return described;
}

std::string RequestServiceAccountToken(kube::Client& cluster, const std::string& ns,
                                       const std::string& name, const std::string& audience) {
  const Json request = {{"apiVersion", "authentication.k8s.io/v1"},
                        {"kind", "TokenRequest"},
                        {"spec", {{"audiences", {audience}}, {"expirationSeconds", 3600}}}};
  auto issued =
      cluster.CreateSubresource(kube::resources::kServiceAccounts, ns, name, "token", request);
  if (!issued.ok()) {
    ADD_FAILURE() << "TokenRequest for " << ns << "/" << name << ": " << issued.error().ToString();
    return "";
  }
  return (*issued)["status"].value("token", "");
}

VerifiedJwt VerifyJwtWithJwks(const std::string& token, const Json& jwks) {
  VerifiedJwt jwt;
  const auto first = token.find('.');
  const auto second = first == std::string::npos ? first : token.find('.', first + 1);
  if (second == std::string::npos) {
    jwt.problem = "the token is not a compact JWS";
    return jwt;
  }
  jwt.header =
      Json::parse(base::Base64UrlDecode(token.substr(0, first)).value_or(""), nullptr, false);
  jwt.claims =
      Json::parse(base::Base64UrlDecode(token.substr(first + 1, second - first - 1)).value_or(""),
                  nullptr, false);
  const auto signature = base::Base64UrlDecode(token.substr(second + 1));
  if (jwt.header.is_discarded() || jwt.claims.is_discarded() || !signature) {
    jwt.problem = "the token's parts do not decode";
    return jwt;
  }
  if (jwt.header.value("alg", "") != "RS256") {
    jwt.problem = "the token header's alg is not RS256";
    return jwt;
  }

  const std::string kid = jwt.header.value("kid", "");
  const Json keys = jwks.value("keys", Json::array());
  const Json* jwk = nullptr;
  for (const auto& candidate : keys) {
    if (candidate.value("kid", "") == kid && candidate.value("kty", "") == "RSA") jwk = &candidate;
  }
  if (jwk == nullptr) {
    jwt.problem = "no RSA key with kid " + kid + " in the JWKS";
    return jwt;
  }
  const auto modulus = base::Base64UrlDecode(jwk->value("n", ""));
  const auto exponent = base::Base64UrlDecode(jwk->value("e", ""));
  PkeyPtr key = modulus && exponent ? RsaPublicKey(*modulus, *exponent) : nullptr;
  if (!key) {
    jwt.problem = "the JWK with kid " + kid + " is not a usable RSA key";
    return jwt;
  }

  const std::string signing_input = token.substr(0, second);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  jwt.signature_valid =
      context != nullptr &&
      EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
      EVP_DigestVerify(context, Bytes(*signature), signature->size(), Bytes(signing_input),
                       signing_input.size()) == 1;
  EVP_MD_CTX_free(context);
  if (!jwt.signature_valid) jwt.problem = "the RS256 signature does not verify";
  return jwt;
}

void CreateNamespace(kube::Client& client, const std::string& name, const Json& labels) {
  Json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  if (!labels.is_null()) ns["metadata"]["labels"] = labels;
  auto created = client.Create(kube::resources::kNamespaces, "", ns);
  ASSERT_TRUE(created.ok() || created.error().code == ErrorCode::kAlreadyExists)
      << created.error().ToString();
}

void CreateConfig(const std::string& ns, const Json& spec) {
  auto created = Hub()->Create(kConfigs, ns,
                               {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                                {"kind", "AWSWorkloadIdentityConfig"},
                                {"metadata", {{"name", "default"}, {"namespace", ns}}},
                                {"spec", spec}});
  ASSERT_TRUE(created.ok()) << created.error().ToString();
}

bool Exists(kube::Client& client, const kube::ResourceRef& r, const std::string& ns,
            const std::string& name) {
  return client.Get(r, ns, name).ok();
}

void CreatePlatformBasics() {
  auto hub = Hub();
  CreateNamespace(*Target(kSelfHostedTarget), kWebhookNamespace,
                  {{"app.kubernetes.io/name", "pod-identity-webhook"},
                   {"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
                   {"aws.identity.appthrust.io/runtime", "self-hosted-webhook"}});
  auto operator_config = hub->Create(kOperatorConfigs, "",
                                     {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                                      {"kind", "AWSWorkloadIdentityOperatorConfig"},
                                      {"metadata", {{"name", "default"}}},
                                      {"spec", Json::object()}});
  ASSERT_TRUE(operator_config.ok()) << operator_config.error().ToString();
  auto secret = hub->Create(
      kube::resources::kSecrets, kSelfHostedNamespace,
      {{"apiVersion", "v1"},
       {"kind", "Secret"},
       {"metadata", {{"name", "awi-signing-key-default"}, {"namespace", kSelfHostedNamespace}}},
       {"type", "Opaque"},
       {"data",
        {{"sa.key", base::Base64Encode(SelfHostedKey().private_key_pem)},
         {"sa.pub", base::Base64Encode(SelfHostedKey().public_key_pem)}}}});
  ASSERT_TRUE(secret.ok()) << secret.error().ToString();
}

}  // namespace awio::test::e2e
