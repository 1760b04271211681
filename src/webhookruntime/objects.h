// The objects of the remote webhook runtime as JSON (spec config-controller.md §9.1-§9.3a,
// §9.7-§9.9, §11.2): the runtime labels and the "managed" test that guards adoption, the
// unmanaged-object error, the desired content of every object and the functions that merge it
// into a live object (the Deployment field by field), the Deployment readiness table, the
// MutatingWebhookConfiguration check, and the drift predicate of the remote watch. Pure: no
// I/O, no clock. Talking to the target cluster is apply.cc's business.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/v1alpha1/constants.h"
#include "base/error.h"
#include "kube/resource.h"

namespace awio::webhookruntime {

using Json = nlohmann::json;

// Built-in kinds the runtime writes that src/kube/resource.h does not name.
namespace resources {
inline const kube::ResourceRef kClusterRoles{"rbac.authorization.k8s.io", "v1", "clusterroles",
                                             false, "ClusterRole"};
inline const kube::ResourceRef kClusterRoleBindings{
    "rbac.authorization.k8s.io", "v1", "clusterrolebindings", false, "ClusterRoleBinding"};
inline const kube::ResourceRef kMutatingWebhookConfigurations{
    "admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", false,
    "MutatingWebhookConfiguration"};
}  // namespace resources

// ---- Ownership (§9.1, §9.2) ----

// The four labels merged onto every runtime object (name, managed-by, delivery, runtime).
std::map<std::string, std::string> RuntimeLabels();

// managed-by = aws-workload-identity-operator and runtime = self-hosted-webhook; other labels
// do not matter.
bool IsManaged(const Json& object);

// The label selector of the remote informers, so that they see exactly the managed objects:
// "<managed-by>=aws-workload-identity-operator,<runtime>=self-hosted-webhook" with the full keys.
std::string ManagedSelector();

// Whether `labels` (a JSON object of strings, or null) satisfies ManagedSelector().
bool MatchesManagedSelector(const Json& labels);

// Error::reason of the unmanaged-object error. Wrapping keeps Error::reason, so the test
// survives any prefix the callers add.
inline constexpr std::string_view kUnmanagedReason = api::v1alpha1::reason::kRemoteRuntimeUnmanaged;

// The error for an existing object without the managed labels that an apply would overwrite:
// "remote webhook runtime object is not managed by this operator: refusing to apply ..." with
// what the user can do (remove the object, label it, or use the force-delete annotation).
Error UnmanagedApplyError(std::string_view kind, std::string_view ns, std::string_view name);
// The same for a cluster-scoped object a remote deletion would have to remove.
Error UnmanagedDeleteError(std::string_view kind, std::string_view name);
// Whether `error` is (or wraps) one of the two errors above.
bool IsUnmanagedError(const Error& error);

// ---- Generic object helpers ----

// {apiVersion, kind, metadata: {name[, namespace]}}: what a create starts from before the
// merge functions below fill it in.
Json Skeleton(const kube::ResourceRef& resource, std::string_view ns, std::string_view name);

// Adds `labels` to metadata.labels (creating it), replacing same-named values, keeping others.
void MergeLabels(Json& object, const std::map<std::string, std::string>& labels);
void MergeRuntimeLabels(Json& object);

// The decoded value of data[`key`] of a Secret; empty when absent or not valid base64.
std::string SecretValue(const Json& secret, std::string_view key);
// Replaces the Secret's type and its whole data map with `values` (plain bytes, encoded here).
void ReplaceSecretData(Json& secret, std::string_view type,
                       const std::map<std::string, std::string>& values);

// ---- Supporting objects (§9.7) ----

// The single rule: core serviceaccounts, get/list/watch.
Json DesiredClusterRoleRules();
// Runtime labels; rules replaced.
void MergeClusterRole(Json& role);
// Runtime labels; subjects (the webhook ServiceAccount in `ns`) and roleRef replaced.
void MergeClusterRoleBinding(Json& binding, std::string_view ns);
// Runtime labels; spec.selector and spec.ports replaced, the rest of spec kept.
void MergeService(Json& service);

// ---- Deployment (§9.8) ----

struct DeploymentInputs {
  std::string ns;
  std::string image;
  std::string fingerprint;  // of the serving certificate, stamped on the pod template
};

// The `webhook` container exactly as the operator owns it.
Json DesiredWebhookContainer(std::string_view ns, std::string_view image);
// The `cert` volume (the serving Secret), with the mode the API server would default (0644),
// so that an unchanged Deployment compares equal to what the server stored.
Json DesiredCertVolume();
// {matchLabels: {app.kubernetes.io/name: pod-identity-webhook}}.
Json DesiredSelector();

// Merges the owned fields of §9.8 into `deployment` and keeps everything else. kInvalid when
// an existing selector differs from DesiredSelector() (the selector is immutable).
Status MergeDeployment(Json& deployment, const DeploymentInputs& inputs);

// A label selector as kubectl prints it ("a=b,c in (d,e),!f"; "<none>" when empty).
std::string FormatLabelSelector(const Json& selector);

struct Readiness {
  bool ready = false;
  std::string reason;   // a WebhookDeployment* or WaitingForWebhookDeployment reason
  std::string message;  // the literal text of the §9.8 table
};

// The readiness table of §9.8 on a Deployment with its status.
Readiness AssessDeployment(const Json& deployment);

// ---- MutatingWebhookConfiguration (§9.9) ----

// The one webhook entry, including the values the API server defaults (namespaceSelector {},
// matchPolicy Equivalent, reinvocationPolicy Never, timeoutSeconds 10, rule scope "*", service
// port 443) so that an unchanged configuration compares equal to what the server stored.
// `ca_bundle` is the PEM bytes of ca.crt (base64-encoded here).
Json DesiredWebhooks(std::string_view ns, std::string_view ca_bundle);
// Runtime labels; webhooks replaced.
void MergeWebhookConfiguration(Json& configuration, std::string_view ns,
                               std::string_view ca_bundle);
// Exactly one webhook whose service is pod-identity-webhook in `ns` and whose caBundle is
// byte-equal to `ca_bundle`.
bool WebhookConfigurationSynced(const Json& configuration, std::string_view ns,
                                std::string_view ca_bundle);

// ---- Remote drift predicate (§11.2) ----

// For an update of a runtime object of `kind`: the old or the new object is managed and, for a
// Deployment, something that matters to the readiness assessment or to ownership changed
// (generation, observedGeneration, updated/available replicas, the Available condition's
// status, finalizers, labels, owner references). Other kinds: any update of a managed object.
bool DriftUpdateRelevant(std::string_view kind, const Json& old_object, const Json& new_object);

}  // namespace awio::webhookruntime
