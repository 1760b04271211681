// End-to-end tests of the AWSServiceAccountRole controller (spec role-controller.md) with the
// manager binary as a process: for each delivery type a role becomes Ready, its IAM role exists
// in the emulator (made by the real ACK IAM controller) with the trust policy, tags and policies
// of §4-§5, and its delivery reached the target (the four annotations of §2.3, or the EKS Pod
// Identity association once the agent runs); a pass over a Ready role rewrites no ACK object; a
// token of the self-hosted issuer verifies against the published JWKS and is accepted by STS;
// annotation drift on the target is repaired (§13); a duplicate binding (§12), a late
// ServiceAccount (§9.3) and an unreachable target are reported and recovered from; deletion
// cleans the target, the hub and IAM (§11). One environment and one manager for the whole file;
// each scenario group has its own workload namespace and target ServiceAccount namespace, and
// the tests run in file order (deletions last).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "aws/names.h"
#include "aws/sts.h"
#include "base/encoding.h"
#include "e2e_support.h"
#include "support/kube_test_util.h"
#include "support/project_crds.h"
#include "support/shared_environment.h"

namespace awio::test::e2e {
namespace {

using namespace std::chrono_literals;

const kube::ResourceRef kAckRoles{"iam.services.k8s.aws", "v1alpha1", "roles", true, "Role"};
const kube::ResourceRef kAckPolicies{"iam.services.k8s.aws", "v1alpha1", "policies", true,
                                     "Policy"};
const kube::ResourceRef kAckAssociations{"eks.services.k8s.aws", "v1alpha1",
                                         "podidentityassociations", true, "PodIdentityAssociation"};
const kube::ResourceRef kDaemonSets{"apps", "v1", "daemonsets", true, "DaemonSet"};

// Workload namespaces on the hub (one config each, all served by target-a) and the namespace
// of the bound ServiceAccount on the target. kSelfHostedNamespace is the SelfHostedIRSA one.
constexpr char kEksIrsaNamespace[] = "eksirsa-b";
constexpr char kPodIdentityNamespace[] = "podidentity-c";
constexpr char kDuplicateNamespace[] = "duplicate-d";
constexpr char kLateNamespace[] = "latesa-e";
constexpr char kOutageNamespace[] = "outage-f";
constexpr char kSelfHostedApps[] = "sh-apps";
constexpr char kEksIrsaApps[] = "eks-apps";
constexpr char kPodIdentityApps[] = "pia-apps";
constexpr char kDuplicateApps[] = "dup-apps";
constexpr char kLateApps[] = "late-apps";
constexpr char kOutageApps[] = "outage-apps";
// Every bound ServiceAccount and most roles are called this.
constexpr char kApp[] = "app";
// The EKS cluster of the EKSPodIdentity namespace (in the emulator and on its ClusterProfile).
constexpr char kEksCluster[] = "e2e-pia";
constexpr char kAccount[] = "123456789012";
constexpr char kAudience[] = "sts.amazonaws.com";
// An annotation of our own on every ServiceAccount: the operator must leave it alone.
constexpr char kForeignAnnotation[] = "e2e.example.com/owner";
constexpr char kRoleFinalizer[] = "aws.identity.appthrust.io/service-account-role-finalizer";

// Long enough for ACK, the stand-ins and the 30 s transient requeue of §2.7 to act a few times;
// the usual case is well under a minute.
constexpr auto kReadyTimeout = 180s;

// The EKS issuer of an EKSIRSA workload namespace: the id is the namespace in upper case without
// the hyphens (the CRD accepts [A-Z0-9]+ there).
std::string EksIssuerHostPath(const std::string& ns) {
  std::string id;
  for (char c : ns) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return "oidc.eks.us-east-1.amazonaws.com/id/E2E" + id;
}

std::string EksClusterArn() {
  return std::string("arn:aws:eks:us-east-1:") + kAccount + ":cluster/" + kEksCluster;
}

// A ServiceAccount on the target carrying one annotation of our own.
void CreateTargetServiceAccount(const std::string& ns, const std::string& name) {
  auto created = Target(kSelfHostedTarget)
                     ->Create(kube::resources::kServiceAccounts, ns,
                              {{"apiVersion", "v1"},
                               {"kind", "ServiceAccount"},
                               {"metadata",
                                {{"name", name},
                                 {"namespace", ns},
                                 {"annotations", {{kForeignAnnotation, "e2e"}}}}}});
  ASSERT_TRUE(created.ok()) << created.error().ToString();
}

// Creates role `ns/name` binding target ServiceAccount `sa_ns/app`; `policy` is
// {"policyARNs": [...]} or {"policyDocument": {...}}. Returns the stored object.
Json CreateRole(const std::string& ns, const std::string& name, const std::string& sa_ns,
                const Json& policy) {
  Json spec = policy;
  spec["serviceAccount"] = {{"namespace", sa_ns}, {"name", kApp}};
  auto created = Hub()->Create(kRoles, ns,
                               {{"apiVersion", "aws.identity.appthrust.io/v1alpha1"},
                                {"kind", "AWSServiceAccountRole"},
                                {"metadata", {{"name", name}, {"namespace", ns}}},
                                {"spec", spec}});
  EXPECT_TRUE(created.ok()) << created.error().ToString();
  return created.ok() ? *created : Json();
}

// The role as the API server has it, or null.
Json GetRole(const std::string& ns, const std::string& name = kApp) {
  auto got = Hub()->Get(kRoles, ns, name);
  return got.ok() ? *got : Json();
}

std::string Uid(const Json& object) { return object["metadata"].value("uid", ""); }

std::string StatusField(const Json& role, const std::string& field) {
  return role.value("status", Json::object()).value(field, "");
}

// "<status>/<reason>" of condition `type`.
std::string StatusReason(const Json& object, const std::string& type) {
  const Json c = FindCondition(object, type);
  return c.value("status", "") + "/" + c.value("reason", "");
}

// Waits until the role's condition `type` has `status` (and `reason` when given, and a message
// containing `message_part` when given).
bool WaitRoleCondition(const std::string& ns, const std::string& name, const std::string& type,
                       const std::string& status, const std::string& reason = {},
                       const std::string& message_part = {},
                       std::chrono::milliseconds timeout = kReadyTimeout) {
  const bool ok = WaitUntil(timeout, [&] {
    const Json c = FindCondition(GetRole(ns, name), type);
    return c.value("status", "") == status && (reason.empty() || c.value("reason", "") == reason) &&
           c.value("message", "").find(message_part) != std::string::npos;
  });
  if (!ok) {
    ADD_FAILURE() << ns << "/" << name << " " << type << " never became " << status << "/" << reason
                  << " (" << message_part << "); role: " << GetRole(ns, name).dump(2);
  }
  return ok;
}

bool WaitRoleReady(const std::string& ns, const std::string& name = kApp,
                   std::chrono::milliseconds timeout = kReadyTimeout) {
  return WaitRoleCondition(ns, name, "Ready", "True", "Ready", "", timeout);
}

// Touches an annotation so that the manager reconciles the role now (root-changed, §16.1).
void Nudge(const std::string& ns, const std::string& name) {
  static int n = 0;
  Json patch = {{"metadata", {{"annotations", {{"e2e.example.com/nudge", std::to_string(++n)}}}}}};
  auto patched = Hub()->Patch(kRoles, ns, name, kube::PatchType::kMerge, patch.dump());
  ASSERT_TRUE(patched.ok()) << patched.error().ToString();
}

Json ServiceAccountAnnotations(const std::string& ns, const std::string& name = kApp) {
  auto got = Target(kSelfHostedTarget)->Get(kube::resources::kServiceAccounts, ns, name);
  if (!got.ok()) return Json();
  return (*got)["metadata"].value("annotations", Json::object());
}

void PatchServiceAccountAnnotations(const std::string& ns, const Json& annotations) {
  Json patch = {{"metadata", {{"annotations", annotations}}}};
  auto patched = Target(kSelfHostedTarget)
                     ->Patch(kube::resources::kServiceAccounts, ns, kApp, kube::PatchType::kMerge,
                             patch.dump());
  ASSERT_TRUE(patched.ok()) << patched.error().ToString();
}

// The annotations a delivered ServiceAccount carries: ours plus exactly the four of §2.3.
Json DeliveredAnnotations(const std::string& role_arn) {
  return {{kForeignAnnotation, "e2e"},
          {"eks.amazonaws.com/role-arn", role_arn},
          {"eks.amazonaws.com/audience", kAudience},
          {"eks.amazonaws.com/sts-regional-endpoints", "true"},
          {"eks.amazonaws.com/token-expiration", "86400"}};
}

Json UndeliveredAnnotations() { return {{kForeignAnnotation, "e2e"}}; }

// §3.5: the bounded owner label value of `ns/name`.
std::string OwnerLabel(const std::string& ns, const std::string& name) {
  return aws::Bounded(aws::SafePart(ns) + "-" + aws::SafePart(name), aws::kLabelValueMaxLength,
                      {ns, name});
}

// The five role labels of §3.6 for `role` binding `sa_ns/app`, by key.
std::map<std::string, std::string> ExpectedLabels(const Json& role, const std::string& sa_ns,
                                                  const std::string& delivery) {
  return {{"app.kubernetes.io/managed-by", "aws-workload-identity-operator"},
          {"aws.identity.appthrust.io/binding-uid", Uid(role)},
          {"aws.identity.appthrust.io/delivery", delivery},
          {"aws.identity.appthrust.io/owner-ref",
           OwnerLabel(role["metadata"].value("namespace", ""), role["metadata"].value("name", ""))},
          {"aws.identity.appthrust.io/service-account", OwnerLabel(sa_ns, kApp)}};
}

// The same labels as the tag list of §3.7 (sorted by key).
std::vector<std::pair<std::string, std::string>> ExpectedTags(const Json& role,
                                                              const std::string& sa_ns,
                                                              const std::string& delivery) {
  const auto labels = ExpectedLabels(role, sa_ns, delivery);
  return {labels.begin(), labels.end()};
}

// The tags of an IAM object without the ones the ACK runtime adds to everything it creates
// (services.k8s.aws/controller-version, services.k8s.aws/namespace), sorted.
std::vector<std::pair<std::string, std::string>> OperatorTags(
    std::vector<std::pair<std::string, std::string>> tags) {
  std::erase_if(tags, [](const auto& tag) { return tag.first.rfind("services.k8s.aws/", 0) == 0; });
  std::sort(tags.begin(), tags.end());
  return tags;
}

std::vector<std::string> Sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

// §5.1: the web identity trust policy for issuer host path `host` and provider `provider_arn`.
Json WebIdentityTrustPolicy(const std::string& host, const std::string& provider_arn,
                            const std::string& sa_ns) {
  return {{"Version", "2012-10-17"},
          {"Statement",
           {{{"Effect", "Allow"},
             {"Principal", {{"Federated", provider_arn}}},
             {"Action", "sts:AssumeRoleWithWebIdentity"},
             {"Condition",
              {{"StringEquals",
                {{host + ":aud", kAudience},
                 {host + ":sub", "system:serviceaccount:" + sa_ns + ":" + kApp}}}}}}}}};
}

std::string IamRoleNameOf(const Json& role) {
  return aws::IamRoleName({.ns = role["metadata"].value("namespace", ""),
                           .name = role["metadata"].value("name", ""),
                           .uid = Uid(role)});
}

std::string IamPolicyNameOf(const Json& role) {
  return aws::IamPolicyName({.ns = role["metadata"].value("namespace", ""),
                             .name = role["metadata"].value("name", ""),
                             .uid = Uid(role)});
}

std::set<std::string> AckResourceKinds(const Json& role) {
  std::set<std::string> kinds;
  for (const auto& entry : role["status"].value("ackResources", Json::array())) {
    kinds.insert(entry.value("kind", ""));
  }
  return kinds;
}

// The generated policy document of the SelfHostedIRSA role (§4.4, §6).
const Json& GeneratedPolicyDocument() {
  static const Json document = {{"Version", "2012-10-17"},
                                {"Statement",
                                 {{{"Effect", "Allow"},
                                   {"Action", {"s3:GetObject"}},
                                   {"Resource", "arn:aws:s3:::e2e-data/*"}}}}};
  return document;
}

class RoleE2E : public ::testing::Test {
 protected:
  // Everything the groups share is made here, once: namespaces, configs, ClusterProfiles,
  // target ServiceAccounts (except the late one), two customer managed policies, the EKS
  // cluster, the manager, and the first role of every group, so that ACK works on all of them
  // at the same time. The tests then wait for and check what they own.
  static void SetUpTestSuite() {
    const auto& env = SharedEnvironment();
    InstallProjectCrds(env, env.hub());
    auto hub = Hub();
    auto target = Target(kSelfHostedTarget);
    for (const char* ns :
         {kInventoryNamespace, kSelfHostedNamespace, kEksIrsaNamespace, kPodIdentityNamespace,
          kDuplicateNamespace, kLateNamespace, kOutageNamespace}) {
      CreateNamespace(*hub, ns);
    }
    for (const char* ns : {kSelfHostedApps, kEksIrsaApps, kPodIdentityApps, kDuplicateApps,
                           kLateApps, kOutageApps}) {
      CreateNamespace(*target, ns);
      if (std::string(ns) != kLateApps) CreateTargetServiceAccount(ns, kApp);
    }

    CreatePlatformBasics();

    const auto& target_cluster = env.cluster(kSelfHostedTarget);
    for (const char* ns : {kSelfHostedNamespace, kEksIrsaNamespace, kDuplicateNamespace,
                           kLateNamespace, kOutageNamespace}) {
      PutClusterProfile(std::string("profile-") + ns, ns, target_cluster);
    }
    PutClusterProfile(std::string("profile-") + kPodIdentityNamespace, kPodIdentityNamespace,
                      target_cluster,
                      {{"aws.identity.appthrust.io/eks-cluster-name", kEksCluster},
                       {"aws.identity.appthrust.io/eks-cluster-arn", EksClusterArn()},
                       {"aws.identity.appthrust.io/aws-account-id", kAccount}});
    CreateEksCluster(kEksCluster);
    reader_policy_arn_ = EnsureIamPolicy(
        "e2e-reader",
        {{"Version", "2012-10-17"},
         {"Statement", {{{"Effect", "Allow"}, {"Action", "s3:ListBucket"}, {"Resource", "*"}}}}});
    writer_policy_arn_ = EnsureIamPolicy(
        "e2e-writer",
        {{"Version", "2012-10-17"},
         {"Statement", {{{"Effect", "Allow"}, {"Action", "s3:PutObject"}, {"Resource", "*"}}}}});

    CreateConfig(kSelfHostedNamespace, {{"type", "SelfHostedIRSA"}, {"region", kRegion}});
    for (const char* ns :
         {kEksIrsaNamespace, kDuplicateNamespace, kLateNamespace, kOutageNamespace}) {
      CreateConfig(ns, {{"type", "EKSIRSA"},
                        {"region", kRegion},
                        {"eksIRSA",
                         {{"issuerURL", "https://" + EksIssuerHostPath(ns)},
                          {"oidcProvider", {{"management", "Managed"}}}}}});
    }
    CreateConfig(kPodIdentityNamespace, {{"type", "EKSPodIdentity"}, {"region", kRegion}});

    manager_ = std::make_unique<Manager>();
    ASSERT_TRUE(manager_->WaitReady(60s));

    const Json managed = {{"policyARNs", {reader_policy_arn_}}};
    CreateRole(kSelfHostedNamespace, kApp, kSelfHostedApps,
               {{"policyDocument", GeneratedPolicyDocument()}});
    CreateRole(kEksIrsaNamespace, kApp, kEksIrsaApps,
               {{"policyARNs", {reader_policy_arn_, writer_policy_arn_}}});
    CreateRole(kPodIdentityNamespace, kApp, kPodIdentityApps, managed);
    CreateRole(kDuplicateNamespace, "first", kDuplicateApps, managed);
    CreateRole(kLateNamespace, kApp, kLateApps, managed);
    CreateRole(kOutageNamespace, kApp, kOutageApps, managed);
  }

  static void TearDownTestSuite() { manager_.reset(); }

  void TearDown() override {
    if (HasFailure() && manager_) std::cerr << "manager log tail:\n" << manager_->Log() << "\n";
  }

  static std::unique_ptr<Manager> manager_;
  static std::string reader_policy_arn_;
  static std::string writer_policy_arn_;
};

std::unique_ptr<Manager> RoleE2E::manager_;
std::string RoleE2E::reader_policy_arn_;
std::string RoleE2E::writer_policy_arn_;

// Validates that a SelfHostedIRSA role with a policy document becomes Ready (§10.2) and that
// the real ACK IAM controller made, from our ACK objects, an IAM role with the web identity
// trust policy of §5.1 for the published issuer, the tags of §3.7, path / and one hour
// (§4.3), the generated customer managed policy of §4.4 (document, description, tags) attached
// and no inline policy; the target ServiceAccount carries exactly the four annotations of §2.3
// besides its own.
TEST_F(RoleE2E, SelfHostedIRSA_RoleReachesReady_WithIamRoleAndGeneratedPolicy) {
  ASSERT_TRUE(WaitRoleReady(kSelfHostedNamespace));
  const Json role = GetRole(kSelfHostedNamespace);
  const std::string role_name = IamRoleNameOf(role);
  const std::string policy_arn =
      std::string("arn:aws:iam::") + kAccount + ":policy/" + IamPolicyNameOf(role);
  EXPECT_EQ(StatusField(role, "roleARN"),
            std::string("arn:aws:iam::") + kAccount + ":role/" + role_name);
  EXPECT_EQ(StatusField(role, "generatedPolicyARN"), policy_arn);
  EXPECT_EQ(StatusField(role, "deliveryType"), "SelfHostedIRSA");
  EXPECT_EQ(StatusField(role, "resolvedClusterName"),
            std::string(kSelfHostedNamespace) + "/" + kSelfHostedNamespace);
  for (const char* type :
       {"OperatorConfigReady", "ConfigResolved", "InventoryResolved", "TrustPolicyReady",
        "PolicyReady", "RoleReady", "ServiceAccountAnnotationReady"}) {
    EXPECT_EQ(FindCondition(role, type).value("status", ""), "True") << type;
  }
  EXPECT_EQ(StatusReason(role, "DeliveryReady"), "True/HubResourcesReady");
  EXPECT_EQ(AckResourceKinds(role), (std::set<std::string>{"Policy", "Role"}));

  const std::string host = SelfHostedBucket() + ".s3.us-east-1.amazonaws.com";
  const std::string provider = std::string("arn:aws:iam::") + kAccount + ":oidc-provider/" + host;
  const IamRole iam = GetIamRole(role_name);
  ASSERT_TRUE(iam.found) << role_name;
  EXPECT_EQ(iam.arn, StatusField(role, "roleARN"));
  EXPECT_EQ(iam.trust_policy, WebIdentityTrustPolicy(host, provider, kSelfHostedApps))
      << iam.trust_policy.dump();
  EXPECT_EQ(OperatorTags(iam.tags), ExpectedTags(role, kSelfHostedApps, "SelfHostedIRSA"));
  EXPECT_EQ(iam.path, "/");
  EXPECT_EQ(iam.max_session_duration, 3600);
  EXPECT_TRUE(iam.permissions_boundary_arn.empty());
  EXPECT_TRUE(iam.inline_policy_names.empty());
  // The generated ARN reaches the ACK Role's spec after the Policy synced; ACK then attaches it.
  EXPECT_TRUE(WaitUntil(60s,
                        [&] {
                          return GetIamRole(role_name).attached_policy_arns ==
                                 std::vector<std::string>{policy_arn};
                        }))
      << "attached: " << testing::PrintToString(GetIamRole(role_name).attached_policy_arns);

  const IamPolicy policy = GetIamPolicy(policy_arn);
  ASSERT_TRUE(policy.found) << policy_arn;
  EXPECT_EQ(policy.name, IamPolicyNameOf(role));
  EXPECT_EQ(policy.description, std::string("Generated by aws-workload-identity-operator for ") +
                                    kSelfHostedNamespace + "/" + kApp);
  EXPECT_EQ(policy.document, GeneratedPolicyDocument()) << policy.document.dump();
  EXPECT_EQ(OperatorTags(policy.tags), ExpectedTags(role, kSelfHostedApps, "SelfHostedIRSA"));

  EXPECT_EQ(ServiceAccountAnnotations(kSelfHostedApps),
            DeliveredAnnotations(StatusField(role, "roleARN")));
}

// Validates that a pass over a Ready role writes none of its ACK objects (§4.2: an unchanged
// object is not written; STYLE: no update storms): after a nudge the Role and Policy applies
// are counted as unchanged and both ACK objects keep their generation, although the real ACK
// IAM controller has written its own view of them.
TEST_F(RoleE2E, SelfHostedIRSA_ReadyRole_NoOpPassRewritesNoAckObject) {
  ASSERT_TRUE(WaitRoleReady(kSelfHostedNamespace));
  const Json role = GetRole(kSelfHostedNamespace);
  const std::string role_name = IamRoleNameOf(role);
  const std::string policy_name = IamPolicyNameOf(role);
  auto unchanged = [](const std::string& kind) {
    return "awio_child_apply_total{controller=\"AWSServiceAccountRole\",child_kind=\"" + kind +
           "\",operation=\"unchanged\",result=\"success\"}";
  };
  auto generation = [](const kube::ResourceRef& resource, const std::string& name) {
    auto got = Hub()->Get(resource, kSelfHostedNamespace, name);
    return got.ok() ? (*got)["metadata"].value("generation", 0L) : -1L;
  };
  const double roles_before = MetricValue(*manager_, unchanged("Role"));
  const double policies_before = MetricValue(*manager_, unchanged("Policy"));
  const long role_generation = generation(kAckRoles, role_name);
  const long policy_generation = generation(kAckPolicies, policy_name);

  Nudge(kSelfHostedNamespace, kApp);
  EXPECT_TRUE(WaitUntil(30s, [&] {
    return MetricValue(*manager_, unchanged("Role")) > roles_before;
  })) << "no unchanged Role apply counted after the nudge";
  EXPECT_GT(MetricValue(*manager_, unchanged("Policy")), policies_before)
      << "the generated Policy was rewritten instead";
  EXPECT_EQ(generation(kAckRoles, role_name), role_generation);
  EXPECT_EQ(generation(kAckPolicies, policy_name), policy_generation)
      << Hub()->Get(kAckPolicies, kSelfHostedNamespace, policy_name)->dump();
}

// Validates the self-hosted chain end to end: a TokenRequest on the target for the bound
// ServiceAccount yields a token whose RS256 signature verifies (OpenSSL) against the JWKS the
// operator published in S3, with the published issuer, the ServiceAccount subject and the STS
// audience that the IAM role's trust policy names (§5.1); STS AssumeRoleWithWebIdentity for the
// role ARN then succeeds. moto does not itself verify web identity tokens (it accepts any
// string), which is why the signature, issuer, subject and audience are checked here against
// what was published; a tampered token must not verify.
TEST_F(RoleE2E, SelfHostedIRSA_ServiceAccountToken_VerifiesAgainstPublishedJwks_AndAssumesRole) {
  ASSERT_TRUE(WaitRoleReady(kSelfHostedNamespace));
  const Json role = GetRole(kSelfHostedNamespace);
  const std::string role_arn = StatusField(role, "roleARN");

  const S3Object discovery_object =
      GetS3Object(SelfHostedBucket(), ".well-known/openid-configuration");
  ASSERT_EQ(discovery_object.status, 200) << discovery_object.body;
  const Json discovery = Json::parse(discovery_object.body);
  const std::string issuer = discovery.value("issuer", "");
  EXPECT_EQ(issuer, SelfHostedIssuerUrl());
  const std::string jwks_uri = discovery.value("jwks_uri", "");
  ASSERT_EQ(jwks_uri.rfind(issuer + "/", 0), 0u) << jwks_uri;
  const S3Object jwks_object = GetS3Object(SelfHostedBucket(), jwks_uri.substr(issuer.size() + 1));
  ASSERT_EQ(jwks_object.status, 200) << jwks_object.body;
  const Json jwks = Json::parse(jwks_object.body);

  const std::string token =
      RequestServiceAccountToken(*Target(kSelfHostedTarget), kSelfHostedApps, kApp, kAudience);
  ASSERT_FALSE(token.empty());
  const VerifiedJwt jwt = VerifyJwtWithJwks(token, jwks);
  EXPECT_TRUE(jwt.signature_valid) << jwt.problem;
  EXPECT_EQ(jwt.header.value("kid", ""), SelfHostedKey().key_id);
  EXPECT_EQ(jwt.claims.value("iss", ""), issuer);
  const std::string subject = std::string("system:serviceaccount:") + kSelfHostedApps + ":" + kApp;
  EXPECT_EQ(jwt.claims.value("sub", ""), subject);
  const Json audiences = jwt.claims.value("aud", Json());
  EXPECT_TRUE(audiences == Json(kAudience) || audiences == Json::array({kAudience}))
      << audiences.dump();

  // The IAM role trusts exactly this issuer, subject and audience.
  const std::string host = issuer.substr(std::string("https://").size());
  const Json conditions =
      GetIamRole(IamRoleNameOf(role)).trust_policy["Statement"][0]["Condition"]["StringEquals"];
  EXPECT_EQ(conditions.value(host + ":sub", ""), subject) << conditions.dump();
  EXPECT_EQ(conditions.value(host + ":aud", ""), kAudience) << conditions.dump();

  // The check can fail: another subject in the payload breaks the signature.
  const auto first_dot = token.find('.');
  const auto second_dot = token.find('.', first_dot + 1);
  Json forged_claims = jwt.claims;
  forged_claims["sub"] = "system:serviceaccount:" + std::string(kSelfHostedApps) + ":intruder";
  const std::string forged = token.substr(0, first_dot + 1) +
                             base::Base64UrlEncode(forged_claims.dump()) + token.substr(second_dot);
  EXPECT_FALSE(VerifyJwtWithJwks(forged, jwks).signature_valid);

  auto sts = aws::StsClient::Create({.region = kRegion,
                                     .endpoint_override = SharedEnvironment().aws().endpoint,
                                     .allow_plain_http = true});
  ASSERT_TRUE(sts.ok()) << sts.error().ToString();
  auto assumed = sts->AssumeRoleWithWebIdentity({.role_arn = role_arn,
                                                 .role_session_name = "e2e",
                                                 .web_identity_token = aws::SecretString(token)});
  ASSERT_TRUE(assumed.ok()) << assumed.error().ToString();
  EXPECT_EQ(assumed->assumed_role_arn, std::string("arn:aws:sts::") + kAccount + ":assumed-role/" +
                                           IamRoleNameOf(role) + "/e2e");
  EXPECT_FALSE(assumed->credentials.access_key_id.empty());
  EXPECT_FALSE(assumed->credentials.secret_access_key.empty());
}

// Validates that an EKSIRSA role with managed policy ARNs becomes Ready: the IAM role trusts the
// config's EKS issuer through its IAM OIDC provider (§5.1), carries the tags of §3.7 with
// delivery EKSIRSA, has exactly the two managed policies attached and no generated policy
// (§4.3, PolicyReady ManagedPoliciesOnly), and the target ServiceAccount carries exactly the
// four annotations (§2.3).
TEST_F(RoleE2E, EKSIRSA_RoleReachesReady_WithManagedPoliciesAndAnnotations) {
  ASSERT_TRUE(WaitRoleReady(kEksIrsaNamespace));
  const Json role = GetRole(kEksIrsaNamespace);
  const std::string role_name = IamRoleNameOf(role);
  EXPECT_EQ(StatusField(role, "roleARN"),
            std::string("arn:aws:iam::") + kAccount + ":role/" + role_name);
  EXPECT_EQ(StatusField(role, "deliveryType"), "EKSIRSA");
  EXPECT_EQ(StatusField(role, "generatedPolicyARN"), "");
  EXPECT_EQ(StatusReason(role, "PolicyReady"), "True/ManagedPoliciesOnly");
  EXPECT_EQ(AckResourceKinds(role), (std::set<std::string>{"Role"}));
  EXPECT_FALSE(Exists(*Hub(), kAckPolicies, kEksIrsaNamespace, IamPolicyNameOf(role)));

  const std::string host = EksIssuerHostPath(kEksIrsaNamespace);
  const IamRole iam = GetIamRole(role_name);
  ASSERT_TRUE(iam.found) << role_name;
  EXPECT_EQ(
      iam.trust_policy,
      WebIdentityTrustPolicy(
          host, std::string("arn:aws:iam::") + kAccount + ":oidc-provider/" + host, kEksIrsaApps))
      << iam.trust_policy.dump();
  EXPECT_EQ(OperatorTags(iam.tags), ExpectedTags(role, kEksIrsaApps, "EKSIRSA"));
  EXPECT_EQ(Sorted(iam.attached_policy_arns),
            Sorted(std::vector<std::string>{reader_policy_arn_, writer_policy_arn_}));
  EXPECT_TRUE(iam.inline_policy_names.empty());

  EXPECT_EQ(ServiceAccountAnnotations(kEksIrsaApps),
            DeliveredAnnotations(StatusField(role, "roleARN")));
}

// Validates EKSPodIdentity end to end: without the EKS Pod Identity Agent DaemonSet on the target
// the role reports PodIdentityAgentReady False/RemoteDeliveryPending and is not Ready; the IAM
// role carries the Pod Identity trust policy of §5.2 for the ClusterProfile's EKS cluster; the
// ACK PodIdentityAssociation of §4.5 is synced and the association exists in the emulator's
// EKS API with the role ARN; the ServiceAccount gets no annotation. Once the DaemonSet runs, the
// role becomes Ready.
TEST_F(RoleE2E, EKSPodIdentity_WaitsForTheAgent_ThenReady_WithAssociationInEks) {
  const std::string ns = kPodIdentityNamespace;
  const std::string association = aws::PodIdentityAssociationName(kApp);
  ASSERT_TRUE(WaitRoleCondition(ns, kApp, "PodIdentityAssociationReady", "True"));
  ASSERT_TRUE(WaitRoleCondition(ns, kApp, "PodIdentityAgentReady", "False", "RemoteDeliveryPending",
                                "DaemonSet kube-system/eks-pod-identity-agent not found"));
  Json role = GetRole(ns);
  EXPECT_EQ(StatusReason(role, "Ready"), "False/RemoteDeliveryPending");
  EXPECT_EQ(StatusField(role, "deliveryType"), "EKSPodIdentity");
  EXPECT_EQ(StatusField(role, "resolvedClusterName"), "");
  EXPECT_EQ(AckResourceKinds(role), (std::set<std::string>{"Role", "PodIdentityAssociation"}));

  const std::string role_arn = StatusField(role, "roleARN");
  const IamRole iam = GetIamRole(IamRoleNameOf(role));
  ASSERT_TRUE(iam.found);
  EXPECT_EQ(iam.arn, role_arn);
  const Json trust = {{"Version", "2012-10-17"},
                      {"Statement",
                       {{{"Sid", "AllowEksAuthToAssumeRoleForPodIdentity"},
                         {"Effect", "Allow"},
                         {"Principal", {{"Service", "pods.eks.amazonaws.com"}}},
                         {"Action", {"sts:AssumeRole", "sts:TagSession"}},
                         {"Condition",
                          {{"StringEquals",
                            {{"aws:RequestTag/eks-cluster-arn", EksClusterArn()},
                             {"aws:RequestTag/kubernetes-namespace", kPodIdentityApps},
                             {"aws:RequestTag/kubernetes-service-account", kApp}}}}}}}}};
  EXPECT_EQ(iam.trust_policy, trust) << iam.trust_policy.dump();
  EXPECT_EQ(OperatorTags(iam.tags), ExpectedTags(role, kPodIdentityApps, "EKSPodIdentity"));
  EXPECT_EQ(iam.attached_policy_arns, std::vector<std::string>{reader_policy_arn_});

  auto ack = Hub()->Get(kAckAssociations, ns, association);
  ASSERT_TRUE(ack.ok()) << ack.error().ToString();
  EXPECT_EQ(ConditionStatus(*ack, "ACK.ResourceSynced"), "True") << ack->dump();
  EXPECT_EQ((*ack)["spec"],
            Json({{"clientRequestToken", Uid(role)},
                  {"clusterName", kEksCluster},
                  {"namespace", kPodIdentityApps},
                  {"serviceAccount", kApp},
                  {"roleARN", role_arn},
                  {"tags", ExpectedLabels(role, kPodIdentityApps, "EKSPodIdentity")}}))
      << ack->dump();
  const auto associations = DescribePodIdentityAssociations(kEksCluster);
  ASSERT_EQ(associations.size(), 1u);
  EXPECT_EQ(associations[0].value("namespace", ""), kPodIdentityApps);
  EXPECT_EQ(associations[0].value("serviceAccount", ""), kApp);
  EXPECT_EQ(associations[0].value("roleArn", ""), role_arn);
  EXPECT_EQ(ServiceAccountAnnotations(kPodIdentityApps), UndeliveredAnnotations());

  // The agent, as the EKS add-on installs it; the workload stand-in reports it available.
  const Json labels = {{"app.kubernetes.io/name", "eks-pod-identity-agent"}};
  auto agent =
      Target(kSelfHostedTarget)
          ->Create(kDaemonSets, "kube-system",
                   {{"apiVersion", "apps/v1"},
                    {"kind", "DaemonSet"},
                    {"metadata", {{"name", "eks-pod-identity-agent"}}},
                    {"spec",
                     {{"selector", {{"matchLabels", labels}}},
                      {"template",
                       {{"metadata", {{"labels", labels}}},
                        {"spec",
                         {{"containers",
                           {{{"name", "agent"},
                             {"image", "public.ecr.aws/eks/eks-pod-identity-agent"}}}}}}}}}}});
  ASSERT_TRUE(agent.ok()) << agent.error().ToString();
  ASSERT_TRUE(WaitRoleReady(ns));
  role = GetRole(ns);
  EXPECT_EQ(StatusReason(role, "PodIdentityAgentReady"), "True/Ready");
  EXPECT_EQ(StatusReason(role, "DeliveryReady"), "True/HubResourcesReady");
}

// Validates the remote repair controller (§13): an edited and then a removed annotation on the
// target ServiceAccount are put back without any change to the role, and the role gets the
// AnnotationRepaired event. The EKSIRSA role is used because nothing else wakes it here.
TEST_F(RoleE2E, AnnotationEditedOnTarget_IsRepaired_WithoutTouchingTheRole) {
  ASSERT_TRUE(WaitRoleReady(kEksIrsaNamespace));
  const Json before = GetRole(kEksIrsaNamespace);
  const Json delivered = DeliveredAnnotations(StatusField(before, "roleARN"));
  ASSERT_EQ(ServiceAccountAnnotations(kEksIrsaApps), delivered);

  PatchServiceAccountAnnotations(kEksIrsaApps, {{"eks.amazonaws.com/audience", "e2e.example.com"}});
  EXPECT_TRUE(WaitUntil(60s, [&] { return ServiceAccountAnnotations(kEksIrsaApps) == delivered; }))
      << "audience not repaired: " << ServiceAccountAnnotations(kEksIrsaApps).dump();

  PatchServiceAccountAnnotations(kEksIrsaApps, {{"eks.amazonaws.com/role-arn", nullptr}});
  EXPECT_TRUE(WaitUntil(60s, [&] { return ServiceAccountAnnotations(kEksIrsaApps) == delivered; }))
      << "role-arn not repaired: " << ServiceAccountAnnotations(kEksIrsaApps).dump();

  const Json after = GetRole(kEksIrsaNamespace);
  EXPECT_EQ(after["metadata"].value("generation", 0), before["metadata"].value("generation", 0));
  EXPECT_EQ(after["spec"], before["spec"]);
  EXPECT_TRUE(WaitUntil(30s, [&] {
    auto events = Hub()->List(kube::resources::kEvents, kEksIrsaNamespace);
    if (!events.ok()) return false;
    for (const auto& event : (*events)["items"]) {
      if (event.value("reason", "") == "AnnotationRepaired" &&
          event["regarding"].value("name", "") == kApp &&
          event["regarding"].value("kind", "") == "AWSServiceAccountRole") {
        return true;
      }
    }
    return false;
  })) << "no AnnotationRepaired event on the role";
}

// Validates the duplicate-binding rule (§12): a second role binding an already delivered
// ServiceAccount makes both report DeliveryReady and Ready False/InvalidSpec with the sorted
// member list; the first role's annotations stay as they were and the second gets no IAM role.
// Once the second is deleted the first is Ready again.
TEST_F(RoleE2E, TwoRolesBindOneServiceAccount_BothReportInvalidSpec_FirstDeliveryKept) {
  const std::string ns = kDuplicateNamespace;
  ASSERT_TRUE(WaitRoleReady(ns, "first"));
  const Json delivered = DeliveredAnnotations(StatusField(GetRole(ns, "first"), "roleARN"));
  ASSERT_EQ(ServiceAccountAnnotations(kDuplicateApps), delivered);

  const Json second =
      CreateRole(ns, "second", kDuplicateApps, {{"policyARNs", {reader_policy_arn_}}});
  ASSERT_FALSE(second.is_null());
  const std::string message = std::string("service account ") + kDuplicateApps + "/" + kApp +
                              " is bound by multiple AWSServiceAccountRole objects: [" + ns +
                              "/first " + ns + "/second]";
  for (const char* name : {"first", "second"}) {
    EXPECT_TRUE(WaitRoleCondition(ns, name, "Ready", "False", "InvalidSpec", message, 60s));
    const Json c = FindCondition(GetRole(ns, name), "DeliveryReady");
    EXPECT_EQ(c.value("status", "") + "/" + c.value("reason", "") + ": " + c.value("message", ""),
              "False/InvalidSpec: " + message)
        << name;
  }
  EXPECT_EQ(ServiceAccountAnnotations(kDuplicateApps), delivered);
  EXPECT_EQ(StatusField(GetRole(ns, "second"), "roleARN"), "");
  EXPECT_FALSE(Exists(*Hub(), kAckRoles, ns, IamRoleNameOf(second)));
  EXPECT_FALSE(GetIamRole(IamRoleNameOf(second)).found);

  ASSERT_TRUE(Hub()->Delete(kRoles, ns, "second").ok());
  EXPECT_TRUE(WaitUntil(60s, [&] { return GetRole(ns, "second").is_null(); }))
      << GetRole(ns, "second").dump(2);
  EXPECT_TRUE(WaitRoleReady(ns, "first", 90s));
  EXPECT_EQ(ServiceAccountAnnotations(kDuplicateApps), delivered);
}

// Validates a role created before its ServiceAccount (§9.3): it reports
// ServiceAccountAnnotationReady and Ready False/RemoteDeliveryPending naming the missing
// ServiceAccount, and becomes Ready with the annotations once the ServiceAccount is created.
TEST_F(RoleE2E, RoleBeforeServiceAccount_PendingUntilTheServiceAccountAppears) {
  const std::string ns = kLateNamespace;
  ASSERT_TRUE(
      WaitRoleCondition(ns, kApp, "ServiceAccountAnnotationReady", "False", "RemoteDeliveryPending",
                        std::string("get remote ServiceAccount ") + kLateApps + "/" + kApp));
  EXPECT_EQ(StatusReason(GetRole(ns), "Ready"), "False/RemoteDeliveryPending");
  EXPECT_EQ(StatusReason(GetRole(ns), "RoleReady"), "True/ACKResourceSynced");

  CreateTargetServiceAccount(kLateApps, kApp);
  ASSERT_TRUE(WaitRoleReady(ns, kApp, 90s));
  EXPECT_EQ(ServiceAccountAnnotations(kLateApps),
            DeliveredAnnotations(StatusField(GetRole(ns), "roleARN")));
}

// Validates that an unreachable target is reported and recovered from: with target-a's API
// server stopped, an IRSA role reports ServiceAccountAnnotationReady and Ready
// False/RemoteDeliveryPending and an EKSPodIdentity role PodIdentityAgentReady
// Unknown/RemoteClusterUnavailable (Ready False/RemoteCheckPending); once the API server is back
// both are Ready again and the annotations are in place.
TEST_F(RoleE2E, UnreachableTarget_ReportsRemoteDeliveryProblem_AndRecovers) {
  ASSERT_TRUE(WaitRoleReady(kOutageNamespace));
  ASSERT_TRUE(WaitRoleReady(kPodIdentityNamespace));
  auto& env = const_cast<testenv::Environment&>(SharedEnvironment());
  env.StopApiServer(kSelfHostedTarget);
  Nudge(kOutageNamespace, kApp);
  Nudge(kPodIdentityNamespace, kApp);
  const bool irsa_reported =
      WaitRoleCondition(kOutageNamespace, kApp, "ServiceAccountAnnotationReady", "False",
                        "RemoteDeliveryPending", "", 90s) &&
      WaitRoleCondition(kOutageNamespace, kApp, "Ready", "False", "RemoteDeliveryPending", "", 30s);
  const bool agent_reported =
      WaitRoleCondition(kPodIdentityNamespace, kApp, "PodIdentityAgentReady", "Unknown",
                        "RemoteClusterUnavailable", "", 90s) &&
      WaitRoleCondition(kPodIdentityNamespace, kApp, "Ready", "False", "RemoteCheckPending", "",
                        30s);
  env.StartStoppedApiServer(kSelfHostedTarget);
  EXPECT_TRUE(irsa_reported);
  EXPECT_TRUE(agent_reported);

  EXPECT_TRUE(WaitRoleReady(kOutageNamespace, kApp, 120s));
  EXPECT_EQ(ServiceAccountAnnotations(kOutageApps),
            DeliveredAnnotations(StatusField(GetRole(kOutageNamespace), "roleARN")));
  EXPECT_TRUE(WaitRoleReady(kPodIdentityNamespace, kApp, 120s));
}

// Validates the deletion flow of §11 for a delivered SelfHostedIRSA role: the finalizer goes
// only after the four annotations are removed from the target ServiceAccount (its own annotation
// stays), and the ACK Role and Policy objects are gone from the hub, and with them (through
// ACK) the IAM role and the generated policy from the emulator.
TEST_F(RoleE2E, SelfHostedIRSA_RoleDeletion_RemovesAnnotationsAckObjectsAndIamRole) {
  ASSERT_TRUE(WaitRoleReady(kSelfHostedNamespace));
  const Json role = GetRole(kSelfHostedNamespace);
  ASSERT_EQ(role["metadata"].value("finalizers", Json::array()), Json::array({kRoleFinalizer}));
  const std::string role_name = IamRoleNameOf(role);
  const std::string policy_arn = StatusField(role, "generatedPolicyARN");
  ASSERT_FALSE(policy_arn.empty());

  ASSERT_TRUE(Hub()->Delete(kRoles, kSelfHostedNamespace, kApp).ok());
  ASSERT_TRUE(WaitUntil(kReadyTimeout, [&] { return GetRole(kSelfHostedNamespace).is_null(); }))
      << GetRole(kSelfHostedNamespace).dump(2);

  EXPECT_EQ(ServiceAccountAnnotations(kSelfHostedApps), UndeliveredAnnotations());
  EXPECT_FALSE(Exists(*Hub(), kAckRoles, kSelfHostedNamespace, role_name));
  EXPECT_FALSE(Exists(*Hub(), kAckPolicies, kSelfHostedNamespace, IamPolicyNameOf(role)));
  // ACK deletes in AWS before it lets its own finalizer go.
  EXPECT_FALSE(GetIamRole(role_name).found) << role_name;
  EXPECT_FALSE(GetIamPolicy(policy_arn).found) << policy_arn;
}

// Validates the deletion flow of §11 for an EKSPodIdentity role: the ACK PodIdentityAssociation
// and Role objects are deleted, and with them the association in the EKS API and the IAM role.
TEST_F(RoleE2E, EKSPodIdentity_RoleDeletion_RemovesAssociationAndIamRole) {
  const std::string ns = kPodIdentityNamespace;
  const Json role = GetRole(ns);
  ASSERT_FALSE(role.is_null());
  const std::string role_name = IamRoleNameOf(role);

  ASSERT_TRUE(Hub()->Delete(kRoles, ns, kApp).ok());
  ASSERT_TRUE(WaitUntil(kReadyTimeout, [&] { return GetRole(ns).is_null(); }))
      << GetRole(ns).dump(2);
  EXPECT_FALSE(Exists(*Hub(), kAckAssociations, ns, aws::PodIdentityAssociationName(kApp)));
  EXPECT_FALSE(Exists(*Hub(), kAckRoles, ns, role_name));
  EXPECT_TRUE(DescribePodIdentityAssociations(kEksCluster).empty());
  EXPECT_FALSE(GetIamRole(role_name).found) << role_name;
}

}  // namespace
}  // namespace awio::test::e2e
