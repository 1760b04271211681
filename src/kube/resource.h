// Names a kind of object the API serves (group, version, plural resource, scope) and builds
// its URL paths. ResourceRef values come from discovery.h or are written by callers for
// built-in kinds.
//
// Part of our own Kubernetes client: no Debian package provides one for C++.
#pragma once

#include <string>

namespace awio::kube {

struct ResourceRef {
  std::string group;  // "" for the core group
  std::string version;
  std::string resource;  // plural, lower case: "configmaps"
  bool namespaced = true;
  std::string kind;  // "ConfigMap"; informative

  std::string GroupVersion() const { return group.empty() ? version : group + "/" + version; }
  // "configmaps" or "roles.iam.services.k8s.aws", as kubectl prints it.
  std::string QualifiedName() const { return group.empty() ? resource : resource + "." + group; }

  // "/api/v1/namespaces/ns/configmaps[/name[/subresource]]"; `ns` is ignored for
  // cluster-scoped resources and may be empty for all namespaces.
  std::string Path(const std::string& ns, const std::string& name = {},
                   const std::string& subresource = {}) const {
    std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
    if (namespaced && !ns.empty()) p += "/namespaces/" + ns;
    p += "/" + resource;
    if (!name.empty()) p += "/" + name;
    if (!subresource.empty()) p += "/" + subresource;
    return p;
  }

  bool operator==(const ResourceRef& o) const {
    return group == o.group && version == o.version && resource == o.resource;
  }
};

// Built-in kinds used throughout the project.
namespace resources {
inline const ResourceRef kNamespaces{"", "v1", "namespaces", false, "Namespace"};
inline const ResourceRef kConfigMaps{"", "v1", "configmaps", true, "ConfigMap"};
inline const ResourceRef kSecrets{"", "v1", "secrets", true, "Secret"};
inline const ResourceRef kServiceAccounts{"", "v1", "serviceaccounts", true, "ServiceAccount"};
inline const ResourceRef kServices{"", "v1", "services", true, "Service"};
inline const ResourceRef kEvents{"events.k8s.io", "v1", "events", true, "Event"};
inline const ResourceRef kLeases{"coordination.k8s.io", "v1", "leases", true, "Lease"};
inline const ResourceRef kDeployments{"apps", "v1", "deployments", true, "Deployment"};
inline const ResourceRef kCustomResourceDefinitions{
    "apiextensions.k8s.io", "v1", "customresourcedefinitions", false, "CustomResourceDefinition"};
}  // namespace resources

}  // namespace awio::kube
