// kube::ResourceRef values for the four kinds of aws.identity.appthrust.io/v1alpha1, built from
// constants.h, for code that talks to the API server. Kept apart from constants.h so that the
// api layer's model depends on the kube layer only through this one header-only include.
#pragma once

#include <string>

#include "api/v1alpha1/constants.h"
#include "kube/resource.h"

namespace awio::api::v1alpha1 {

// Cluster-scoped.
inline const kube::ResourceRef kOperatorConfigResource{std::string(kGroup), std::string(kVersion),
                                                       std::string(kResourceOperatorConfigs), false,
                                                       std::string(kKindOperatorConfig)};
inline const kube::ResourceRef kConfigResource{std::string(kGroup), std::string(kVersion),
                                               std::string(kResourceConfigs), true,
                                               std::string(kKindConfig)};
inline const kube::ResourceRef kRoleResource{std::string(kGroup), std::string(kVersion),
                                             std::string(kResourceRoles), true,
                                             std::string(kKindRole)};
inline const kube::ResourceRef kReplicaSetResource{std::string(kGroup), std::string(kVersion),
                                                   std::string(kResourceReplicaSets), true,
                                                   std::string(kKindReplicaSet)};

}  // namespace awio::api::v1alpha1
