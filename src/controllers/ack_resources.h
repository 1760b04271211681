// The ACK kinds this operator writes on the hub, as Kubernetes resources. Their CRDs belong to
// ACK and may be missing: writers treat a 404 on create as "CRD not installed".
#pragma once

#include "kube/resource.h"

namespace awio::controllers {

inline const kube::ResourceRef kAckBucketResource{"s3.services.k8s.aws", "v1alpha1", "buckets",
                                                  true, "Bucket"};
inline const kube::ResourceRef kAckOidcProviderResource{
    "iam.services.k8s.aws", "v1alpha1", "openidconnectproviders", true, "OpenIDConnectProvider"};
inline const kube::ResourceRef kAckRoleResource{"iam.services.k8s.aws", "v1alpha1", "roles", true,
                                                "Role"};
inline const kube::ResourceRef kAckPolicyResource{"iam.services.k8s.aws", "v1alpha1", "policies",
                                                  true, "Policy"};
inline const kube::ResourceRef kAckPodIdentityAssociationResource{
    "eks.services.k8s.aws", "v1alpha1", "podidentityassociations", true, "PodIdentityAssociation"};

// CRD names, for the watches that notice an ACK CRD installed after start.
inline constexpr std::string_view kAckBucketCrdName = "buckets.s3.services.k8s.aws";

}  // namespace awio::controllers
