// Desired content and merge rules of the runtime objects. Every function tolerates a live
// object whose fields are missing or null (a user may have edited it); fields of an unexpected
// JSON type are replaced rather than trusted.
#include "webhookruntime/objects.h"

#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

#include "api/v1alpha1/constants.h"
#include "base/encoding.h"
#include "webhookruntime/constants.h"

namespace awio::webhookruntime {
namespace {

namespace label = api::v1alpha1::label;
namespace reason = api::v1alpha1::reason;

// The webhook listens on 443 in the pod and behind the Service.
constexpr int kHttpsPort = 443;
// Pod and container settings of the §9.8 table.
constexpr int kTerminationGracePeriodSeconds = 30;
constexpr int kWebhookUserAndGroup = 65532;  // the distroless "nonroot" user of the image
// Mode the API server gives a Secret volume when none is set (0644).
constexpr int kDefaultSecretVolumeMode = 420;
// Seconds the API server lets a webhook call take when none is set.
constexpr int kDefaultWebhookTimeoutSeconds = 10;

// object[key] as a JSON object, replacing a missing, null or non-object value with {}.
Json& ObjectField(Json& object, std::string_view key) {
  Json& field = object[std::string(key)];
  if (!field.is_object()) field = Json::object();
  return field;
}

// object[key] when it is present and of the wanted kind, else nullptr.
const Json* Field(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const Json* Path(const Json& object, std::initializer_list<std::string_view> keys) {
  const Json* current = &object;
  for (std::string_view key : keys) {
    current = Field(*current, key);
    if (current == nullptr) return nullptr;
  }
  return current;
}

std::string StringAt(const Json& object, std::initializer_list<std::string_view> keys) {
  const Json* value = Path(object, keys);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

long long IntAt(const Json& object, std::initializer_list<std::string_view> keys,
                long long fallback) {
  const Json* value = Path(object, keys);
  if (value == nullptr || !value->is_number()) return fallback;
  if (value->is_number_float()) return static_cast<long long>(value->get<double>());
  return value->get<long long>();
}

// A map or list field with "absent" and "empty" folded together, as Go compares them.
Json OrEmpty(const Json* value, const Json& empty) { return value != nullptr ? *value : empty; }

std::string LabelValue(const Json& labels, std::string_view key) {
  const Json* value = Field(labels, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

// Replaces the list entry whose "name" is `name` with `desired` at its position, or appends it.
void UpsertByName(Json& list, std::string_view name, const Json& desired) {
  if (!list.is_array()) list = Json::array();
  for (Json& entry : list) {
    if (entry.is_object() && StringAt(entry, {"name"}) == name) {
      entry = desired;
      return;
    }
  }
  list.push_back(desired);
}

Json HealthProbe(int initial_delay_seconds, int period_seconds) {
  return {{"httpGet", {{"path", "/healthz"}, {"port", "https"}, {"scheme", "HTTPS"}}},
          {"initialDelaySeconds", initial_delay_seconds},
          {"periodSeconds", period_seconds},
          {"timeoutSeconds", 5},
          {"failureThreshold", 3},
          {"successThreshold", 1}};
}

std::optional<std::string> AvailableStatus(const Json& deployment) {
  const Json* conditions = Path(deployment, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return std::nullopt;
  for (const Json& condition : *conditions) {
    if (StringAt(condition, {"type"}) == "Available") return StringAt(condition, {"status"});
  }
  return std::nullopt;
}

}  // namespace

// ---- Ownership ----

std::map<std::string, std::string> RuntimeLabels() {
  return {
      {std::string(kAppNameLabel), std::string(kComponentName)},
      {std::string(label::kManagedBy), std::string(label::kManagedByValue)},
      {std::string(label::kDelivery), std::string(api::v1alpha1::delivery::kSelfHostedIRSA)},
      {std::string(label::kRuntime), std::string(label::kRuntimeSelfHostedWebhook)},
  };
}

bool MatchesManagedSelector(const Json& labels) {
  return LabelValue(labels, label::kManagedBy) == label::kManagedByValue &&
         LabelValue(labels, label::kRuntime) == label::kRuntimeSelfHostedWebhook;
}

bool IsManaged(const Json& object) {
  const Json* labels = Path(object, {"metadata", "labels"});
  return labels != nullptr && MatchesManagedSelector(*labels);
}

std::string ManagedSelector() {
  return std::string(label::kManagedBy) + "=" + std::string(label::kManagedByValue) + "," +
         std::string(label::kRuntime) + "=" + std::string(label::kRuntimeSelfHostedWebhook);
}

namespace {

// The ownership labels as a sentence fragment for the two errors below.
std::string RequiredLabelsText() {
  return std::string(label::kManagedBy) + "=" + std::string(label::kManagedByValue) + " and " +
         std::string(label::kRuntime) + "=" + std::string(label::kRuntimeSelfHostedWebhook);
}

// kAlreadyExists: an object of that name exists and belongs to someone else. Not retryable;
// the user has to act. The reason is what callers test.
Error Unmanaged(std::string message) {
  Error error = MakeError(ErrorCode::kAlreadyExists, std::move(message));
  error.reason = std::string(kUnmanagedReason);
  return error;
}

}  // namespace

Error UnmanagedApplyError(std::string_view kind, std::string_view ns, std::string_view name) {
  const std::string object =
      ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name);
  return Unmanaged(
      "remote webhook runtime object is not managed by this operator: refusing to apply " +
      std::string(kind) + " " + object + ", which exists without the labels " +
      RequiredLabelsText() +
      " that the managed-by check requires; remove the object or add those labels so that the "
      "operator adopts it, or set the " +
      std::string(api::v1alpha1::annotation::kForceDelete) +
      "=true annotation on the config to delete the config without touching the object");
}

Error UnmanagedDeleteError(std::string_view kind, std::string_view name) {
  return Unmanaged(
      "remote webhook runtime object is not managed by this operator: refusing to delete "
      "cluster-scoped " +
      std::string(kind) + " " + std::string(name) + ", which exists without the labels " +
      RequiredLabelsText() + "; remove or label it yourself, or set the " +
      std::string(api::v1alpha1::annotation::kForceDelete) +
      "=true annotation on the config to finish deletion without remote cleanup");
}

bool IsUnmanagedError(const Error& error) { return error.reason == kUnmanagedReason; }

// ---- Generic helpers ----

Json Skeleton(const kube::ResourceRef& resource, std::string_view ns, std::string_view name) {
  Json object = {{"apiVersion", resource.GroupVersion()},
                 {"kind", resource.kind},
                 {"metadata", {{"name", std::string(name)}}}};
  if (resource.namespaced) object["metadata"]["namespace"] = std::string(ns);
  return object;
}

void MergeLabels(Json& object, const std::map<std::string, std::string>& labels) {
  Json& target = ObjectField(ObjectField(object, "metadata"), "labels");
  for (const auto& [key, value] : labels) target[key] = value;
}

void MergeRuntimeLabels(Json& object) { MergeLabels(object, RuntimeLabels()); }

std::string SecretValue(const Json& secret, std::string_view key) {
  const Json* data = Field(secret, "data");
  if (data == nullptr) return {};
  const Json* value = Field(*data, key);
  if (value == nullptr || !value->is_string()) return {};
  return base::Base64Decode(value->get<std::string>()).value_or(std::string());
}

void ReplaceSecretData(Json& secret, std::string_view type,
                       const std::map<std::string, std::string>& values) {
  secret["type"] = std::string(type);
  Json data = Json::object();
  for (const auto& [key, value] : values) data[key] = base::Base64Encode(value);
  secret["data"] = std::move(data);
}

// ---- Supporting objects ----

Json DesiredClusterRoleRules() {
  return Json::array({{{"apiGroups", {""}},
                       {"resources", {"serviceaccounts"}},
                       {"verbs", {"get", "list", "watch"}}}});
}

void MergeClusterRole(Json& role) {
  MergeRuntimeLabels(role);
  role["rules"] = DesiredClusterRoleRules();
}

void MergeClusterRoleBinding(Json& binding, std::string_view ns) {
  MergeRuntimeLabels(binding);
  binding["subjects"] = Json::array({{{"kind", "ServiceAccount"},
                                      {"name", std::string(kComponentName)},
                                      {"namespace", std::string(ns)}}});
  binding["roleRef"] = {{"apiGroup", "rbac.authorization.k8s.io"},
                        {"kind", "ClusterRole"},
                        {"name", std::string(kComponentName)}};
}

void MergeService(Json& service) {
  MergeRuntimeLabels(service);
  Json& spec = ObjectField(service, "spec");
  spec["selector"] = {{std::string(kAppNameLabel), std::string(kComponentName)}};
  spec["ports"] = Json::array(
      {{{"name", "https"}, {"protocol", "TCP"}, {"port", kHttpsPort}, {"targetPort", kHttpsPort}}});
}

// ---- Deployment ----

Json DesiredWebhookContainer(std::string_view ns, std::string_view image) {
  return {
      {"name", std::string(kWebhookContainerName)},
      {"image", std::string(image)},
      {"command", {"/webhook"}},
      {"args",
       {"--in-cluster=false", "--namespace=" + std::string(ns),
        "--service-name=" + std::string(kComponentName), "--annotation-prefix=eks.amazonaws.com",
        "--token-audience=" + std::string(kTokenAudience)}},
      {"ports",
       Json::array({{{"name", "https"}, {"protocol", "TCP"}, {"containerPort", kHttpsPort}}})},
      {"volumeMounts", Json::array({{{"name", std::string(kCertVolumeName)},
                                     {"mountPath", "/etc/webhook/certs"},
                                     {"readOnly", true}}})},
      {"resources",
       {{"requests", {{"cpu", "50m"}, {"memory", "64Mi"}}}, {"limits", {{"memory", "128Mi"}}}}},
      {"livenessProbe", HealthProbe(10, 20)},
      {"readinessProbe", HealthProbe(5, 10)},
      {"imagePullPolicy", "IfNotPresent"},
      {"securityContext",
       {{"allowPrivilegeEscalation", false},
        {"capabilities", {{"drop", {"ALL"}}, {"add", {"NET_BIND_SERVICE"}}}},
        {"runAsGroup", kWebhookUserAndGroup},
        {"runAsNonRoot", true},
        {"runAsUser", kWebhookUserAndGroup},
        {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"terminationMessagePath", "/dev/termination-log"},
      {"terminationMessagePolicy", "File"},
  };
}

Json DesiredCertVolume() {
  return {
      {"name", std::string(kCertVolumeName)},
      {"secret",
       {{"secretName", std::string(kComponentName)}, {"defaultMode", kDefaultSecretVolumeMode}}}};
}

Json DesiredSelector() {
  return {{"matchLabels", {{std::string(kAppNameLabel), std::string(kComponentName)}}}};
}

std::string FormatLabelSelector(const Json& selector) {
  std::vector<std::string> parts;
  if (const Json* labels = Field(selector, "matchLabels");
      labels != nullptr && labels->is_object()) {
    for (const auto& [key, value] : labels->items()) {
      parts.push_back(key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()));
    }
  }
  if (const Json* expressions = Field(selector, "matchExpressions");
      expressions != nullptr && expressions->is_array()) {
    for (const Json& expression : *expressions) {
      const std::string key = StringAt(expression, {"key"});
      const std::string op = StringAt(expression, {"operator"});
      std::string values;
      if (const Json* list = Field(expression, "values"); list != nullptr && list->is_array()) {
        for (const Json& value : *list) {
          if (!values.empty()) values += ",";
          values += value.is_string() ? value.get<std::string>() : value.dump();
        }
      }
      if (op == "In") {
        parts.push_back(key + " in (" + values + ")");
      } else if (op == "NotIn") {
        parts.push_back(key + " notin (" + values + ")");
      } else if (op == "Exists") {
        parts.push_back(key);
      } else if (op == "DoesNotExist") {
        parts.push_back("!" + key);
      } else {
        parts.push_back(key + " " + op + " (" + values + ")");
      }
    }
  }
  if (parts.empty()) return "<none>";
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : ",") + part;
  return out;
}

Status MergeDeployment(Json& deployment, const DeploymentInputs& inputs) {
  Json& spec = ObjectField(deployment, "spec");
  const Json desired_selector = DesiredSelector();
  const Json* selector = Field(spec, "selector");
  if (selector == nullptr) {
    spec["selector"] = desired_selector;
  } else {
    // Semantic equality: absent and empty matchLabels / matchExpressions are the same selector.
    const bool same = OrEmpty(Field(*selector, "matchLabels"), Json::object()) ==
                          desired_selector["matchLabels"] &&
                      OrEmpty(Field(*selector, "matchExpressions"), Json::array()) == Json::array();
    if (!same) {
      return MakeError(ErrorCode::kInvalid,
                       "existing Deployment selector is " + FormatLabelSelector(*selector) +
                           ", expected " + FormatLabelSelector(desired_selector) +
                           "; selector is immutable and the Deployment must be recreated");
    }
  }

  MergeRuntimeLabels(deployment);
  spec["replicas"] = 1;

  Json& pod_template = ObjectField(spec, "template");
  auto template_labels = RuntimeLabels();
  template_labels[std::string(kSkipPodLabel)] = "true";
  MergeLabels(pod_template, template_labels);
  ObjectField(ObjectField(pod_template, "metadata"),
              "annotations")[std::string(api::v1alpha1::annotation::kServingCertSHA256)] =
      inputs.fingerprint;

  Json& pod = ObjectField(pod_template, "spec");
  pod["serviceAccountName"] = std::string(kComponentName);
  pod["restartPolicy"] = "Always";
  pod["dnsPolicy"] = "ClusterFirst";
  pod["schedulerName"] = "default-scheduler";
  pod["terminationGracePeriodSeconds"] = kTerminationGracePeriodSeconds;
  ObjectField(pod, "securityContext")["seccompProfile"] = {{"type", "RuntimeDefault"}};
  UpsertByName(pod["containers"], kWebhookContainerName,
               DesiredWebhookContainer(inputs.ns, inputs.image));
  UpsertByName(pod["volumes"], kCertVolumeName, DesiredCertVolume());
  return OkStatus();
}

Readiness AssessDeployment(const Json& deployment) {
  const long long desired = IntAt(deployment, {"spec", "replicas"}, 1);
  const long long generation = IntAt(deployment, {"metadata", "generation"}, 0);
  const long long observed = IntAt(deployment, {"status", "observedGeneration"}, 0);
  const long long updated = IntAt(deployment, {"status", "updatedReplicas"}, 0);
  const long long available = IntAt(deployment, {"status", "availableReplicas"}, 0);

  if (observed < generation) {
    return {false, std::string(reason::kWebhookDeploymentObservedGenerationLag),
            "remote webhook Deployment status is stale: observedGeneration=" +
                std::to_string(observed) + ", generation=" + std::to_string(generation)};
  }
  if (updated < desired) {
    return {false, std::string(reason::kWebhookDeploymentRolloutInProgress),
            "remote webhook Deployment rollout in progress: updatedReplicas=" +
                std::to_string(updated) + ", desired=" + std::to_string(desired)};
  }
  if (available < desired) {
    return {false, std::string(reason::kWebhookDeploymentReplicasUnavailable),
            "remote webhook Deployment has insufficient available replicas: availableReplicas=" +
                std::to_string(available) + ", desired=" + std::to_string(desired)};
  }
  if (AvailableStatus(deployment) != "True") {
    return {false, std::string(reason::kWaitingForWebhookDeployment),
            "remote webhook Deployment Available condition is not True"};
  }
  return {true, "", ""};
}

// ---- MutatingWebhookConfiguration ----

Json DesiredWebhooks(std::string_view ns, std::string_view ca_bundle) {
  return Json::array({{
      {"name", std::string(kWebhookEntryName)},
      {"admissionReviewVersions", {"v1beta1"}},
      {"failurePolicy", "Fail"},
      {"sideEffects", "None"},
      {"clientConfig",
       {{"caBundle", base::Base64Encode(ca_bundle)},
        {"service",
         {{"name", std::string(kComponentName)},
          {"namespace", std::string(ns)},
          {"path", "/mutate"},
          {"port", kHttpsPort}}}}},
      {"objectSelector",
       {{"matchExpressions",
         Json::array({{{"key", std::string(kSkipPodLabel)}, {"operator", "DoesNotExist"}}})}}},
      {"rules", Json::array({{{"operations", {"CREATE"}},
                              {"apiGroups", {""}},
                              {"apiVersions", {"v1"}},
                              {"resources", {"pods"}},
                              {"scope", "*"}}})},
      {"namespaceSelector", Json::object()},
      {"matchPolicy", "Equivalent"},
      {"reinvocationPolicy", "Never"},
      {"timeoutSeconds", kDefaultWebhookTimeoutSeconds},
  }});
}

void MergeWebhookConfiguration(Json& configuration, std::string_view ns,
                               std::string_view ca_bundle) {
  MergeRuntimeLabels(configuration);
  configuration["webhooks"] = DesiredWebhooks(ns, ca_bundle);
}

bool WebhookConfigurationSynced(const Json& configuration, std::string_view ns,
                                std::string_view ca_bundle) {
  const Json* webhooks = Field(configuration, "webhooks");
  if (webhooks == nullptr || !webhooks->is_array() || webhooks->size() != 1) return false;
  const Json& webhook = webhooks->front();
  const Json* service = Path(webhook, {"clientConfig", "service"});
  if (service == nullptr) return false;
  if (StringAt(*service, {"name"}) != kComponentName || StringAt(*service, {"namespace"}) != ns) {
    return false;
  }
  auto bundle = base::Base64Decode(StringAt(webhook, {"clientConfig", "caBundle"}));
  return bundle && *bundle == ca_bundle;
}

// ---- Drift predicate ----

bool DriftUpdateRelevant(std::string_view kind, const Json& old_object, const Json& new_object) {
  if (!IsManaged(old_object) && !IsManaged(new_object)) return false;
  if (kind != "Deployment") return true;

  const auto changed = [&](std::initializer_list<std::string_view> keys, const Json& empty) {
    return OrEmpty(Path(old_object, keys), empty) != OrEmpty(Path(new_object, keys), empty);
  };
  // Integers compare as Go's int64 fields do: absent is zero.
  const auto number_changed = [&](std::initializer_list<std::string_view> keys) {
    return IntAt(old_object, keys, 0) != IntAt(new_object, keys, 0);
  };
  return number_changed({"metadata", "generation"}) ||
         number_changed({"status", "observedGeneration"}) ||
         number_changed({"status", "updatedReplicas"}) ||
         number_changed({"status", "availableReplicas"}) ||
         AvailableStatus(old_object) != AvailableStatus(new_object) ||
         changed({"metadata", "finalizers"}, Json::array()) ||
         changed({"metadata", "labels"}, Json::object()) ||
         changed({"metadata", "ownerReferences"}, Json::array());
}

}  // namespace awio::webhookruntime
