// Trust policy documents, written field by field so that key order and escaping are exact.
#include "aws/trust_policy.h"

#include <map>

#include "aws/go_json.h"
#include "base/strings.h"

namespace awio::aws {
namespace {

// Condition keys sorted in byte order, as Go writes a map.
using StringEquals = std::map<std::string, std::string>;

void AppendStringEquals(std::string& out, const StringEquals& entries) {
  out += R"("Condition":{"StringEquals":{)";
  bool first = true;
  for (const auto& [key, value] : entries) {
    if (!first) out += ',';
    first = false;
    AppendGoJsonString(out, key);
    out += ':';
    AppendGoJsonString(out, value);
  }
  out += "}}";
}

std::string DocumentStart() {
  std::string out = R"({"Version":)";
  AppendGoJsonString(out, kPolicyVersion);
  out += R"(,"Statement":[{)";
  return out;
}

constexpr std::string_view kDocumentEnd = "}]}";

// Go's %q (strconv.Quote) for ASCII input: printable characters as they are, `"` and `\`
// escaped, \a \b \f \n \r \t \v in short form, any other byte as \xNN. Delivery types
// are ASCII enum values; a non-ASCII byte (which no CRD admits) is escaped rather than
// printed, where Go would print a printable non-ASCII character.
Error MissingInput(std::string message) {
  return MakeError(ErrorCode::kInvalid, std::move(message));
}

}  // namespace

std::string WebIdentityTrustPolicy(const WebIdentityTrust& input) {
  std::string out = DocumentStart();
  out += R"("Effect":"Allow","Principal":{"Federated":)";
  AppendGoJsonString(out, input.oidc_provider_arn);
  out += R"(},"Action":"sts:AssumeRoleWithWebIdentity",)";
  AppendStringEquals(
      out, {{input.issuer_host_path + ":aud", std::string(kStsAudience)},
            {input.issuer_host_path + ":sub", "system:serviceaccount:" + input.service_account.ns +
                                                  ":" + input.service_account.name}});
  out += kDocumentEnd;
  return out;
}

std::string PodIdentityTrustPolicy(const PodIdentityTrust& input) {
  StringEquals conditions = {
      {"aws:RequestTag/eks-cluster-arn", input.eks_cluster_arn},
      {"aws:RequestTag/kubernetes-namespace", input.service_account.ns},
      {"aws:RequestTag/kubernetes-service-account", input.service_account.name},
  };
  if (!input.organization_id.empty()) conditions["aws:SourceOrgId"] = input.organization_id;

  std::string out = DocumentStart();
  out += R"("Sid":)";
  AppendGoJsonString(out, kPodIdentityStatementSid);
  out += R"(,"Effect":"Allow","Principal":{"Service":)";
  AppendGoJsonString(out, kPodIdentityServicePrincipal);
  out += R"(},"Action":["sts:AssumeRole","sts:TagSession"],)";
  AppendStringEquals(out, conditions);
  out += kDocumentEnd;
  return out;
}

Result<std::string> RenderTrustPolicy(const TrustPolicyInput& input) {
  if (input.delivery == api::v1alpha1::delivery::kSelfHostedIRSA ||
      input.delivery == api::v1alpha1::delivery::kEKSIRSA) {
    if (input.oidc_provider_arn.empty()) {
      return MissingInput("AWSWorkloadIdentityConfig.status.oidcProviderARN is empty");
    }
    if (input.issuer_host_path.empty()) {
      return MissingInput("AWSWorkloadIdentityConfig.status.issuerHostPath is empty");
    }
    return WebIdentityTrustPolicy({.issuer_host_path = input.issuer_host_path,
                                   .oidc_provider_arn = input.oidc_provider_arn,
                                   .service_account = input.service_account});
  }
  if (input.delivery == api::v1alpha1::delivery::kEKSPodIdentity) {
    constexpr std::string_view kPrefix = "require EKS inventory properties: ";
    const InventoryFacts& inventory = input.inventory;
    if (!inventory.ready) {
      return MissingInput(std::string(kPrefix) + inventory.reason + ": " + inventory.message);
    }
    if (inventory.eks_cluster_name.empty()) {
      return MissingInput(std::string(kPrefix) + "missing EKS cluster name property");
    }
    if (inventory.eks_cluster_arn.empty()) {
      return MissingInput(std::string(kPrefix) + "missing EKS cluster ARN property");
    }
    if (inventory.account_id.empty()) {
      return MissingInput(std::string(kPrefix) + "missing AWS account ID property");
    }
    return PodIdentityTrustPolicy({.eks_cluster_arn = inventory.eks_cluster_arn,
                                   .organization_id = inventory.organization_id,
                                   .service_account = input.service_account});
  }
  return MissingInput("unsupported delivery type " + base::GoQuote(input.delivery));
}

}  // namespace awio::aws
