// Support for the end-to-end tests: the manager binary run as a child process against the
// shared local environment (hub, targets, emulator, ACK), the ClusterProfiles and provider file
// that let it reach the targets, and readers for what ended up in the AWS emulator.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
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

// Creates or replaces the ClusterProfile `name` in kInventoryNamespace for workload namespace
// `workload_namespace`, reaching `target` (ControlPlaneHealthy True, one access provider).
void PutClusterProfile(const std::string& name, const std::string& workload_namespace,
                       const testenv::Cluster& target);
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

}  // namespace awio::test::e2e
