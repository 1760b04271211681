// The trust policy (AssumeRolePolicyDocument) of a binding's IAM role, one shape per delivery
// type (role-controller spec §5): web identity federation through the config's OIDC provider
// for SelfHostedIRSA and EKSIRSA, the EKS Pod Identity service principal for EKSPodIdentity.
// The text is byte-exact with the original operator (key order, compact form, Go escaping), so
// an unchanged binding never makes ACK rewrite the role. The inputs a delivery type needs are
// checked here (§5.3) and a missing one is an error with the original's message. Pure
// functions; the caller reads config status and inventory facts and passes plain strings.
#pragma once

#include <string>
#include <string_view>

#include "aws/names.h"
#include "base/error.h"

namespace awio::aws {

// IAM policy language version written in every document.
inline constexpr std::string_view kPolicyVersion = "2012-10-17";
// The audience of projected service-account tokens exchanged with STS.
inline constexpr std::string_view kStsAudience = "sts.amazonaws.com";
// The service principal that EKS Pod Identity assumes roles as.
inline constexpr std::string_view kPodIdentityServicePrincipal = "pods.eks.amazonaws.com";
// Statement id of the EKS Pod Identity trust statement.
inline constexpr std::string_view kPodIdentityStatementSid =
    "AllowEksAuthToAssumeRoleForPodIdentity";

// Inputs of the web identity trust policy (SelfHostedIRSA and EKSIRSA).
struct WebIdentityTrust {
  std::string issuer_host_path;   // config status.issuerHostPath: host[/path], no scheme
  std::string oidc_provider_arn;  // config status.oidcProviderARN
  ServiceAccountRef service_account;
};

// Inputs of the EKS Pod Identity trust policy.
struct PodIdentityTrust {
  std::string eks_cluster_arn;  // ClusterProfile property eks-cluster-arn
  std::string organization_id;  // ClusterProfile property aws-organization-id; may be empty
  ServiceAccountRef service_account;
};

// {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":P},
// "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"H:aud":
// "sts.amazonaws.com","H:sub":"system:serviceaccount:<ns>:<name>"}}}]}
std::string WebIdentityTrustPolicy(const WebIdentityTrust& input);

// {"Version":"2012-10-17","Statement":[{"Sid":"AllowEksAuthToAssumeRoleForPodIdentity",
// "Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole",
// "sts:TagSession"],"Condition":{"StringEquals":{...}}}]} with the cluster ARN, namespace and
// service account request tags, plus aws:SourceOrgId when the organization id is non-empty.
std::string PodIdentityTrustPolicy(const PodIdentityTrust& input);

// What the inventory resolver reported for the binding's target cluster.
struct InventoryFacts {
  bool ready = false;
  std::string reason;   // resolver reason when not ready, e.g. "ClusterProfileNotFound"
  std::string message;  // resolver message when not ready
  std::string eks_cluster_name;
  std::string eks_cluster_arn;
  std::string account_id;
  std::string organization_id;
};

// Everything RenderTrustPolicy may need; which fields matter depends on `delivery`.
struct TrustPolicyInput {
  std::string
      delivery;  // api::v1alpha1::delivery::kSelfHostedIRSA, api::v1alpha1::delivery::kEKSIRSA, ...
  std::string issuer_host_path;   // config status.issuerHostPath (annotation-based delivery)
  std::string oidc_provider_arn;  // config status.oidcProviderARN (annotation-based delivery)
  InventoryFacts inventory;       // EKSPodIdentity
  ServiceAccountRef service_account;
};

// The trust policy for `input.delivery`, or an error (code kInvalid) whose message is the
// original's text for the first missing input (§5.3), e.g.
// "AWSWorkloadIdentityConfig.status.oidcProviderARN is empty" or
// `unsupported delivery type "<type>"`. The caller reports it as
// TrustPolicyReady=False/TrustPolicyInputMissing. The config's Ready condition is deliberately
// not required: only the two status fields are.
Result<std::string> RenderTrustPolicy(const TrustPolicyInput& input);

}  // namespace awio::aws
