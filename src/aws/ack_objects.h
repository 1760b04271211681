// Builders of the hub objects that hand work to ACK and to the token signer: the IAM Role, IAM
// Policy and EKS PodIdentityAssociation of a binding (role-controller spec §4), the S3 Bucket
// with its public-read policy, the IAM OpenIDConnectProvider and the signing-key Secret of a
// config (config-controller spec §4). Each builder returns the complete desired object as JSON
// (apiVersion, kind, metadata with labels and the controller owner reference, spec) ready for a
// CREATE; ack_diff.h decides whether an existing object needs an UPDATE. Pure functions over
// plain inputs; no I/O. Every ARN written here follows the partition of the
// region it belongs to (the original always writes "arn:aws:").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/v1alpha1/constants.h"
#include "aws/names.h"
#include "base/error.h"

namespace awio::aws {

using Json = nlohmann::json;

// API versions and kinds of the objects built here; the ACK ones and our own are defined once
// in the api layer.
namespace ack_kinds = api::v1alpha1::ack;
inline constexpr std::string_view kIamApiVersion = ack_kinds::kIAMAPIVersion;
inline constexpr std::string_view kEksApiVersion = ack_kinds::kEKSAPIVersion;
inline constexpr std::string_view kS3ApiVersion = ack_kinds::kS3APIVersion;
inline constexpr std::string_view kIamRoleKind = ack_kinds::kKindRole;
inline constexpr std::string_view kIamPolicyKind = ack_kinds::kKindPolicy;
inline constexpr std::string_view kPodIdentityAssociationKind =
    ack_kinds::kKindPodIdentityAssociation;
inline constexpr std::string_view kBucketKind = ack_kinds::kKindBucket;
inline constexpr std::string_view kOidcProviderKind = ack_kinds::kKindOpenIDConnectProvider;
inline constexpr std::string_view kSecretApiVersion = "v1";
inline constexpr std::string_view kSecretKind = "Secret";

// Our own kinds, as owner references name them.
inline constexpr std::string_view kOwnerApiVersion = api::v1alpha1::kAPIVersion;
inline constexpr std::string_view kServiceAccountRoleKind = api::v1alpha1::kKindRole;
inline constexpr std::string_view kConfigKind = api::v1alpha1::kKindConfig;

// IAM's default maximum session (1 hour), written explicitly so that the desired spec never
// relies on a default that ACK or IAM fills in afterwards (which would read as a difference).
inline constexpr std::int64_t kRoleMaxSessionDurationSeconds = 3600;
// IAM path of generated roles, written explicitly for the same reason.
inline constexpr std::string_view kRolePath = "/";

// The two S3 objects of a self-hosted issuer; the bucket policy makes exactly these public.
inline constexpr std::string_view kDiscoveryObjectKey = ".well-known/openid-configuration";
inline constexpr std::string_view kJwksObjectKey = "keys.json";
// Statement id of the bucket policy.
inline constexpr std::string_view kBucketPolicySid = "PublicReadOIDCDiscoveryOnly";
// ACLs disabled: the bucket owner owns every object, so only the bucket policy grants access.
inline constexpr std::string_view kBucketObjectOwnership = "BucketOwnerEnforced";

// The signing-key Secret: its key-id annotation and data keys (kube-apiserver's file names).
inline constexpr std::string_view kSigningKeyIdAnnotation =
    api::v1alpha1::annotation::kSigningKeyID;
inline constexpr std::string_view kSigningPrivateKeyDataKey = "sa.key";
inline constexpr std::string_view kSigningPublicKeyDataKey = "sa.pub";
inline constexpr std::string_view kSecretTypeOpaque = "Opaque";

// A controller owner reference (controller and blockOwnerDeletion true) to `owner`.
Json ControllerReference(std::string_view api_version, std::string_view kind,
                         const OwnerIdentity& owner);

// Inputs of a binding's IAM Role.
struct IamRoleInput {
  OwnerIdentity role;                    // the AWSServiceAccountRole
  ServiceAccountRef service_account;     // its spec.serviceAccount
  std::string delivery;                  // delivery type of the config
  std::string trust_policy;              // RenderTrustPolicy's output
  std::vector<std::string> policy_arns;  // spec.policyARNs, in order
  std::string generated_policy_arn;      // status.generatedPolicyARN; may be empty
  std::string permissions_boundary_arn;  // operator config; may be empty
};

// iam.services.k8s.aws/v1alpha1 Role named IamRoleName(role) in the role's namespace: spec name,
// assumeRolePolicyDocument, maxSessionDuration 3600, path "/", policies (policy ARNs then the
// generated policy ARN; omitted when none), permissionsBoundary (only when set) and tags.
Json BuildIamRole(const IamRoleInput& input);

// Inputs of a binding's generated IAM Policy.
struct IamPolicyInput {
  OwnerIdentity role;
  ServiceAccountRef service_account;
  std::string delivery;
  std::string policy_document;  // CanonicalizePolicyDocument's output
};

// iam.services.k8s.aws/v1alpha1 Policy named IamPolicyName(role): spec name, description
// "Generated by aws-workload-identity-operator for <ns>/<name>", policyDocument and tags.
Json BuildIamPolicy(const IamPolicyInput& input);

// Inputs of a binding's PodIdentityAssociation (EKSPodIdentity only).
struct PodIdentityAssociationInput {
  OwnerIdentity role;
  ServiceAccountRef service_account;
  std::string eks_cluster_name;  // ClusterProfile property eks-cluster-name
  std::string role_arn;          // status.roleARN
};

// eks.services.k8s.aws/v1alpha1 PodIdentityAssociation named PodIdentityAssociationName: spec
// clientRequestToken (the role UID), clusterName, namespace, serviceAccount, roleARN and tags
// as a map equal to the labels. The cluster ARN and organization id only appear in the trust
// policy, never here.
Json BuildPodIdentityAssociation(const PodIdentityAssociationInput& input);

// The public-read policy of an issuer bucket, compact and in this key order:
// {"Version":"2012-10-17","Statement":[{"Sid":"PublicReadOIDCDiscoveryOnly","Effect":"Allow",
// "Principal":"*","Action":"s3:GetObject","Resource":["arn:<partition>:s3:::<bucket>/
// .well-known/openid-configuration","arn:<partition>:s3:::<bucket>/keys.json"]}]}
// with the partition of `region`. An empty bucket name is an error (kInvalid).
Result<std::string> BucketPolicy(std::string_view bucket, std::string_view region);

// Inputs of a config's issuer bucket.
struct BucketInput {
  OwnerIdentity config;     // the AWSWorkloadIdentityConfig
  std::string delivery;     // its spec.type
  std::string region;       // its spec.region
  std::string bucket_name;  // BucketName(ns, region), or the name recorded in status
};

// s3.services.k8s.aws/v1alpha1 Bucket: spec name, objectOwnership BucketOwnerEnforced, policy
// (BucketPolicy), publicAccessBlock (block and ignore public ACLs, allow the public policy) and
// tagging.tagSet from the config labels. Fails only when BucketPolicy does.
Result<Json> BuildBucket(const BucketInput& input);

// Inputs of a config's IAM OIDC provider.
struct OidcProviderInput {
  OwnerIdentity config;
  std::string delivery;
  std::string issuer_host_path;  // status.issuerHostPath; the provider URL is https://<it>
};

// iam.services.k8s.aws/v1alpha1 OpenIDConnectProvider named OidcProviderObjectName(ns): spec url,
// clientIDs ["sts.amazonaws.com"] and tags. Thumbprints are never set: ack_diff's rules keep
// whatever ACK filled in.
Json BuildOidcProvider(const OidcProviderInput& input);

// Freshly generated key material for the signing Secret.
struct SigningKeyMaterial {
  std::string private_key_pem;  // PKCS#1 "RSA PRIVATE KEY"
  std::string public_key_pem;   // SubjectPublicKeyInfo "PUBLIC KEY"
};

// Inputs of a config's signing-key Secret.
struct SigningSecretInput {
  OwnerIdentity config;
  std::string delivery;
  std::string key_id;  // the kid of the public key
  // Set when a new key was generated: type Opaque and data exactly {sa.key, sa.pub}. Unset when
  // the Secret's existing material is kept (then type and data are left as they are).
  std::optional<SigningKeyMaterial> generated;
};

// v1 Secret named SigningSecretName(config name): the config labels, the key-id annotation, the
// controller reference and, for generated material, type and base64 data.
Json BuildSigningSecret(const SigningSecretInput& input);

}  // namespace awio::aws
