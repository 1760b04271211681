// The fixture of the role reconciler integration tests: a Reconciler wired to the shared hub and
// to the target cluster (its only remote cluster, whatever key is asked for), an event
// recorder, and the parts the tests play themselves: ACK (status of the ACK objects), the
// namespace config's status (as the config controller would write it), the ClusterProfile of
// the workload namespace, and the DaemonSet controller on the target. Tests call
// Reconciler::Reconcile directly, one pass at a time; each uses its own hub namespace.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "controllers/role/reconciler.h"
#include "kube/client.h"
#include "runtime/events.h"

namespace awio::controllers::role::test {

using Json = nlohmann::json;

// Name of the target API server in the shared environment.
inline constexpr char kTargetCluster[] = "target";
inline constexpr char kRoleFinalizer[] = "aws.identity.appthrust.io/service-account-role-finalizer";
inline constexpr char kAccountId[] = "123456789012";
// Inputs of the web identity vectors of spec §17.2.
inline constexpr char kSelfHostedHostPath[] = "example.s3.ap-northeast-1.amazonaws.com";
inline constexpr char kSelfHostedProviderArn[] = "arn:aws:iam::123456789012:oidc-provider/example";
inline constexpr char kEksHostPath[] = "oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE";
inline constexpr char kEksProviderArn[] =
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-1.amazonaws.com/id/EXAMPLE";
inline constexpr char kBoundaryArn[] = "arn:aws:iam::123456789012:policy/boundary";

// An events.k8s.io/v1 Event as the tests compare it.
struct SeenEvent {
  std::string type, reason, action, note, regarding;
  bool operator==(const SeenEvent&) const = default;
};
void PrintTo(const SeenEvent& event, std::ostream* out);

class RoleReconcilerTest : public ::testing::Test {
 public:
  struct Setup {
    std::string delivery = "SelfHostedIRSA";
    bool config = true;        // AWSWorkloadIdentityConfig/default exists ...
    bool config_ready = true;  // ... with Ready=True in its status
    bool auto_mode = false;    // ClusterProfile property eks-auto-mode=true
    std::string eks_cluster_name = "wlc-a";
    bool operator_config = true;  // AWSWorkloadIdentityOperatorConfig/default exists
    bool cluster_profile = true;  // the namespace's ClusterProfile exists
    bool config_status = true;    // the config's issuerHostPath and oidcProviderARN are set
  };

 protected:
  void SetUp() override;
  void TearDown() override;

  // Creates hub namespace `ns`, the operator config (with kBoundaryArn), the ClusterProfile with
  // an access provider and the EKS properties, and the config as `setup` says.
  void Prepare(const std::string& ns, const Setup& setup);
  void CreateConfig(const std::string& ns, const std::string& delivery, bool ready,
                    bool issuer_status = true);

  // A role binding target ServiceAccount sa_ns/sa_name; `policy` is either
  // {"policyARNs": [...]} or {"policyDocument": {...}}.
  Json CreateRole(const std::string& ns, const std::string& name, const std::string& sa_ns,
                  const std::string& sa_name, const Json& policy);
  Json GetRole(const std::string& ns, const std::string& name);
  void DeleteRole(const std::string& ns, const std::string& name);

  Result<runtime::ReconcileResult> Reconcile(const std::string& ns, const std::string& name);
  runtime::ReconcileResult ReconcileOk(const std::string& ns, const std::string& name);

  // Plays ACK: ACK.ResourceSynced and ackResourceMetadata (with `arn` when not empty).
  void SetAckStatus(const kube::ResourceRef& resource, const std::string& ns,
                    const std::string& name, bool synced, const std::string& arn = "");
  void MergePatch(kube::Client& client, const kube::ResourceRef& resource, const std::string& ns,
                  const std::string& name, const Json& patch, const std::string& subresource = "");
  // The object, or null when it does not exist (any other failure fails the test).
  Json Fetch(kube::Client& client, const kube::ResourceRef& resource, const std::string& ns,
             const std::string& name);

  // Target ServiceAccounts (removed in TearDown).
  void CreateServiceAccount(const std::string& ns, const std::string& name,
                            const Json& annotations = Json::object());
  Json ServiceAccountAnnotations(const std::string& ns, const std::string& name);
  // The EKS Pod Identity Agent DaemonSet on the target with `available` pods (removed in
  // TearDown).
  void SetAgentDaemonSet(int available);

  std::vector<SeenEvent> Events(const std::string& ns);

  // Runs the finalizer pass, the first ACK pass, plays ACK for the IAM Role with
  // RoleArn(name), and runs the step-10 pass and the delivery pass of an annotation-based role
  // (§10.4); returns the role afterwards.
  Json DriveToDelivered(const std::string& ns, const std::string& name);
  static std::string RoleArn(const std::string& name) {
    return std::string("arn:aws:iam::123456789012:role/") + name;
  }

  std::shared_ptr<kube::Client> hub_;
  std::shared_ptr<kube::Client> target_;
  std::unique_ptr<runtime::EventRecorder> recorder_;
  std::vector<std::string> remote_keys_;
  ReconcilerOptions options_;

 private:
  std::set<std::pair<std::string, std::string>> roles_;
  std::set<std::pair<std::string, std::string>> service_accounts_;
  bool agent_ = false;
};

// "<status>/<reason>: <message>" of condition `type`, or "" when absent.
std::string Condition(const Json& object, std::string_view type);
std::string Uid(const Json& object);
std::string ResourceVersion(const Json& object);
// Expected names computed here from the §3 rules with the test's own hashing.
std::string HashTail(const std::string& joined);
std::string ExpectedRoleName(const std::string& ns, const std::string& name,
                             const std::string& uid);
std::string ExpectedPolicyName(const std::string& ns, const std::string& name,
                               const std::string& uid);
std::string OwnerLabel(const std::string& ns, const std::string& name);
// The five role labels of §3.6 and the sorted tag list of §3.7.
Json RoleLabels(const std::string& uid, const std::string& ns, const std::string& name,
                const std::string& sa_ns, const std::string& sa_name, const std::string& delivery);
Json RoleTags(const Json& labels);
Json OwnerReferences(const std::string& name, const std::string& uid);

}  // namespace awio::controllers::role::test
