// Support for the end-to-end tests: the manager binary run as a child process against the
// shared local environment (hub, targets, emulator, ACK), the ClusterProfiles and provider file
// that let it reach the targets, readers for what ended up in the AWS emulator (S3, IAM, EKS Pod
// Identity), and the service-account token checks of the self-hosted issuer. Test tooling only:
// nothing here prints a token or a secret.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "environment.h"
#include "kube/client.h"
#include "oidc/keys.h"
#include "process.h"

namespace awio::test::e2e {

using Json = nlohmann::json;

// The AWS region of every config here (the emulator's).
inline constexpr char kRegion[] = "us-east-1";
// Namespace holding the ClusterProfiles (--cluster-profile-namespaces).
inline constexpr char kInventoryNamespace[] = "inventory";
// Access provider name in the provider file and on the profiles.
inline constexpr char kProviderName[] = "e2e-exec";
// The SelfHostedIRSA workload namespace, served by target cluster kSelfHostedTarget.
inline constexpr char kSelfHostedNamespace[] = "selfhosted-a";
inline constexpr char kSelfHostedTarget[] = "target-a";
// The webhook namespace on the target, bootstrapped as the chart's ManifestWork would.
inline constexpr char kWebhookNamespace[] = "aws-pod-identity-webhook";

// Our kinds, as the tests address them.
inline const kube::ResourceRef kConfigs{"aws.identity.appthrust.io", "v1alpha1",
                                        "awsworkloadidentityconfigs", true,
                                        "AWSWorkloadIdentityConfig"};
inline const kube::ResourceRef kOperatorConfigs{"aws.identity.appthrust.io", "v1alpha1",
                                                "awsworkloadidentityoperatorconfigs", false,
                                                "AWSWorkloadIdentityOperatorConfig"};
inline const kube::ResourceRef kRoles{"aws.identity.appthrust.io", "v1alpha1",
                                      "awsserviceaccountroles", true, "AWSServiceAccountRole"};

// Creates namespace `name` (with `labels` when not null); an existing one is fine.
void CreateNamespace(kube::Client& client, const std::string& name, const Json& labels = {});
// Creates AWSWorkloadIdentityConfig/default in `ns` with `spec`.
void CreateConfig(const std::string& ns, const Json& spec);
bool Exists(kube::Client& client, const kube::ResourceRef& r, const std::string& ns,
            const std::string& name);
// What a platform team sets up before the first config: the empty operator config, the signing
// Secret of kSelfHostedNamespace holding SelfHostedKey() (as the kubeadm/kind guide says), and
// the webhook namespace on kSelfHostedTarget (as the chart's ManifestWork bootstraps it).
void CreatePlatformBasics();

// The signing key target-a was started with (and that the test pre-creates on the hub).
const oidc::GeneratedSigningKey& SelfHostedKey();
// https://<bucket>.s3.us-east-1.amazonaws.com for kSelfHostedNamespace.
const std::string& SelfHostedIssuerUrl();
std::string SelfHostedBucket();

// Options of one manager run.
struct ManagerRun {
  std::vector<std::string> extra_args;
  std::string aws_endpoint;             // empty: the emulator's
  std::filesystem::path provider_file;  // empty: the one WriteProviderFile wrote
};

// The manager binary as a child process.
class Manager {
 public:
  explicit Manager(ManagerRun run = {});
  ~Manager();
  // Waits until /readyz answers 200; false (with the log tail printed) on timeout or exit.
  bool WaitReady(std::chrono::milliseconds timeout);
  bool Running() { return process_->Running(); }
  std::string ExitDescription() const { return process_->ExitDescription(); }
  std::string Log() const;                          // the tail, for failure messages
  bool LogContains(const std::string& text) const;  // searches the whole log
  int health_port() const { return health_port_; }
  int metrics_port() const { return metrics_port_; }
  // SIGTERM, then waits (up to 40 s: the manager's 30 s shutdown budget plus slack); returns
  // the exit description, "exited with status 0" for a graceful stop.
  std::string Stop() {
    process_->Stop(std::chrono::seconds(40));
    return process_->ExitDescription();
  }

 private:
  int health_port_ = 0;
  int metrics_port_ = 0;
  std::unique_ptr<testenv::Process> process_;
};

// A bearer token that the manager's /metrics accepts: ServiceAccount
// kInventoryNamespace/e2e-metrics-scraper, bound on the hub to a ClusterRole allowing GET
// /metrics (made on first use).
std::string MetricsToken();
// The value of the first series on `manager`'s /metrics whose line starts with `prefix` (the
// metric name and its labels in exposition order); -1 when absent or when the scrape fails.
double MetricValue(const Manager& manager, const std::string& prefix);

// Runs the manager binary with `args` to completion (for start-up failures); returns its exit
// description and output.
std::pair<std::string, std::string> RunManagerToExit(const std::vector<std::string>& args,
                                                     std::chrono::milliseconds timeout);

std::filesystem::path ManagerBinary();
// The provider file: one exec provider kProviderName running the test plugin with target-a's
// admin client certificate. Written once.
const std::filesystem::path& ProviderFile();
// A provider file whose plugin always fails with `message`.
std::filesystem::path FailingProviderFile(const std::string& message);

// One Cluster Inventory property of a ClusterProfile (status.properties).
struct ProfileProperty {
  std::string name;
  std::string value;
};

// Creates or replaces the ClusterProfile `name` in kInventoryNamespace for workload namespace
// `workload_namespace`, reaching `target` (ControlPlaneHealthy True, one access provider), with
// `properties` in its status when any are given.
void PutClusterProfile(const std::string& name, const std::string& workload_namespace,
                       const testenv::Cluster& target,
                       const std::vector<ProfileProperty>& properties = {});
void DeleteClusterProfile(const std::string& name);

std::shared_ptr<kube::Client> Hub();
std::shared_ptr<kube::Client> Target(const std::string& name);

// A config as the API server has it, or null.
Json GetConfig(const std::string& ns);
// The condition `type` of `object` ({} when absent).
Json FindCondition(const Json& object, const std::string& type);
std::string ConditionReason(const Json& object, const std::string& type);

// Emulator readers.
struct S3Object {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};
S3Object GetS3Object(const std::string& bucket, const std::string& key);
bool BucketExists(const std::string& bucket);
// IAM OIDC provider ARNs in the emulator.
std::vector<std::string> ListOidcProviderArns();

// An IAM role as the emulator's IAM Query API reports it.
struct IamRole {
  bool found = false;  // false when IAM answers NoSuchEntity
  std::string arn;
  std::string path;
  long max_session_duration = 0;
  std::string permissions_boundary_arn;
  Json trust_policy;                                      // AssumeRolePolicyDocument, parsed
  std::vector<std::pair<std::string, std::string>> tags;  // ListRoleTags, in IAM's order
  std::vector<std::string> attached_policy_arns;          // ListAttachedRolePolicies
  std::vector<std::string> inline_policy_names;           // ListRolePolicies
};
// GetRole, ListRoleTags, ListAttachedRolePolicies and ListRolePolicies of role `name`; any answer
// other than success or NoSuchEntity fails the calling test.
IamRole GetIamRole(const std::string& name);

// A customer managed IAM policy as the emulator reports it.
struct IamPolicy {
  bool found = false;  // false when IAM answers NoSuchEntity
  std::string name;
  std::string description;
  Json document;  // the default version's document, parsed
  std::vector<std::pair<std::string, std::string>> tags;
};
IamPolicy GetIamPolicy(const std::string& arn);
// Creates the customer managed policy `name` with `document` unless it exists; returns its ARN.
std::string EnsureIamPolicy(const std::string& name, const Json& document);

// Creates the EKS cluster `name` in the emulator (the Pod Identity API needs one).
void CreateEksCluster(const std::string& name);
// The Pod Identity associations of EKS cluster `cluster`, each as DescribePodIdentityAssociation
// returns it (roleArn included).
std::vector<Json> DescribePodIdentityAssociations(const std::string& cluster);

// A TokenRequest for ServiceAccount `ns/name` on `cluster` with `audience` (one hour); "" and a
// test failure when refused. The token is returned, never printed.
std::string RequestServiceAccountToken(kube::Client& cluster, const std::string& ns,
                                       const std::string& name, const std::string& audience);

// A compact JWS checked against a JWKS document.
struct VerifiedJwt {
  Json header;
  Json claims;
  bool signature_valid = false;  // RS256 over header.payload with the JWK named by header.kid
  std::string problem;           // why not, when not (never quotes the token)
};
// Decodes `token` and verifies its RS256 signature with OpenSSL against the RSA key of `jwks`
// whose kid is the token header's kid (built from that JWK's n and e only).
VerifiedJwt VerifyJwtWithJwks(const std::string& token, const Json& jwks);

}  // namespace awio::test::e2e
