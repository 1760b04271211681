// Semantic comparison and apply planning for the objects this operator writes.
#include "aws/ack_diff.h"

#include "aws/ack_objects.h"

namespace awio::aws {
namespace {

using Pointer = Json::json_pointer;

// Null, [] and {} members are the same as absent ones (Kubernetes semantic equality treats nil
// and empty slices and maps alike, and `omitempty` drops them on the wire).
bool IsEmptyValue(const Json& value) {
  return value.is_null() || ((value.is_array() || value.is_object()) && value.empty());
}

Json Normalized(const Json& value) {
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, member] : value.items()) {
      Json normalized = Normalized(member);
      if (!IsEmptyValue(normalized)) out[key] = std::move(normalized);
    }
    return out;
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& element : value) out.push_back(Normalized(element));
    return out;
  }
  return value;
}

// Replaces a string holding JSON at `pointer` by its parsed value, so that two spellings of one
// document compare equal. Text that does not parse stays a string (and so differs from any
// document).
void ParseJsonText(Json& object, const std::string& pointer) {
  const Pointer path(pointer);
  if (!object.contains(path)) return;
  Json& field = object[path];
  if (!field.is_string()) return;
  Json parsed = Json::parse(field.get_ref<const std::string&>(), nullptr,
                            /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) field = std::move(parsed);
}

std::string StringAt(const Json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The API group of an apiVersion: "" for the core group ("v1").
std::string_view GroupOf(std::string_view api_version) {
  const auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

// controller-runtime's notion of "the same owner": API group, kind and name; the UID is not
// compared, so a stale UID is overwritten.
bool SameOwner(const Json& a, const Json& b) {
  return GroupOf(StringAt(a, "apiVersion")) == GroupOf(StringAt(b, "apiVersion")) &&
         StringAt(a, "kind") == StringAt(b, "kind") && StringAt(a, "name") == StringAt(b, "name");
}

bool IsController(const Json& reference) {
  auto it = reference.find("controller");
  return it != reference.end() && it->is_boolean() && it->get<bool>();
}

Status UpsertOwnerReference(Json& metadata, const Json& reference) {
  Json& references = metadata["ownerReferences"];
  if (!references.is_array()) references = Json::array();
  if (IsController(reference)) {
    for (const Json& existing : references) {
      if (existing.is_object() && IsController(existing) && !SameOwner(existing, reference)) {
        return MakeError(ErrorCode::kInvalid,
                         StringAt(metadata, "namespace") + "/" + StringAt(metadata, "name") +
                             " already has a controller reference to " +
                             StringAt(existing, "kind") + " " + StringAt(existing, "name") +
                             ", so it cannot be controlled by " + StringAt(reference, "kind") +
                             " " + StringAt(reference, "name"));
      }
    }
  }
  for (Json& existing : references) {
    if (existing.is_object() && SameOwner(existing, reference)) {
      existing = reference;
      return OkStatus();
    }
  }
  references.push_back(reference);
  return OkStatus();
}

void ApplyMap(Json& metadata, const Json& desired_metadata, std::string_view key, MapApply mode) {
  auto desired = desired_metadata.find(key);
  const bool has_desired = desired != desired_metadata.end() && desired->is_object();
  if (mode == MapApply::kReplace) {
    if (has_desired && !desired->empty()) {
      metadata[std::string(key)] = *desired;
    } else {
      metadata.erase(std::string(key));
    }
    return;
  }
  if (!has_desired || desired->empty()) return;
  Json& target = metadata[std::string(key)];
  if (!target.is_object()) target = Json::object();
  for (const auto& [name, value] : desired->items()) target[name] = value;
}

ApplyRules AckRules(std::vector<std::string> json_text_fields) {
  ApplyRules rules;
  rules.json_text_fields = std::move(json_text_fields);
  return rules;
}

}  // namespace

const ApplyRules& RulesFor(std::string_view api_version, std::string_view kind) {
  static const ApplyRules kDefault;
  static const ApplyRules kRole = AckRules({"/spec/assumeRolePolicyDocument"});
  // ACK's IAM controller late-initialises spec.path ("/") on a Policy; keeping what it wrote
  // when we do not set the field avoids rewriting the object on every pass.
  static const ApplyRules kPolicy = [] {
    ApplyRules rules = AckRules({"/spec/policyDocument"});
    rules.preserved_fields = {"/spec/path"};
    return rules;
  }();
  static const ApplyRules kBucket = AckRules({"/spec/policy"});
  static const ApplyRules kOidcProvider = [] {
    ApplyRules rules;
    rules.preserved_fields = {"/spec/thumbprints"};
    return rules;
  }();
  static const ApplyRules kSecret = [] {
    ApplyRules rules;
    rules.labels = MapApply::kMerge;
    rules.owned_fields = {"type", "data"};
    return rules;
  }();

  if (api_version == kIamApiVersion && kind == kIamRoleKind) return kRole;
  if (api_version == kIamApiVersion && kind == kIamPolicyKind) return kPolicy;
  if (api_version == kIamApiVersion && kind == kOidcProviderKind) return kOidcProvider;
  if (api_version == kS3ApiVersion && kind == kBucketKind) return kBucket;
  if (api_version == kSecretApiVersion && kind == kSecretKind) return kSecret;
  return kDefault;
}

bool SemanticallyEqual(const Json& a, const Json& b, const ApplyRules& rules) {
  Json left = a;
  Json right = b;
  for (const std::string& pointer : rules.json_text_fields) {
    ParseJsonText(left, pointer);
    ParseJsonText(right, pointer);
  }
  return Normalized(left) == Normalized(right);
}

Result<Json> ApplyDesired(const Json& observed, const Json& desired, const ApplyRules& rules) {
  Json merged = observed.is_object() ? observed : Json::object();
  Json& metadata = merged["metadata"];
  if (!metadata.is_object()) metadata = Json::object();
  const Json desired_metadata = desired.value("metadata", Json::object());

  ApplyMap(metadata, desired_metadata, "labels", rules.labels);
  ApplyMap(metadata, desired_metadata, "annotations", MapApply::kMerge);
  auto references = desired_metadata.find("ownerReferences");
  if (references != desired_metadata.end() && references->is_array()) {
    for (const Json& reference : *references) {
      if (auto status = UpsertOwnerReference(metadata, reference); !status.ok()) {
        return status.error();
      }
    }
  }

  for (const std::string& field : rules.owned_fields) {
    auto it = desired.find(field);
    if (it != desired.end()) merged[field] = *it;
  }
  for (const std::string& pointer : rules.preserved_fields) {
    const Pointer path(pointer);
    if (desired.contains(path) || !observed.contains(path) || observed[path].is_null()) continue;
    merged[path] = observed[path];
  }
  return merged;
}

Result<ApplyPlan> PlanApply(const Json& observed, const Json& desired, const ApplyRules& rules) {
  if (observed.is_null()) return ApplyPlan{.action = ApplyPlan::Action::kCreate, .object = desired};
  auto merged = ApplyDesired(observed, desired, rules);
  if (!merged.ok()) return merged.error();
  if (SemanticallyEqual(observed, *merged, rules)) {
    return ApplyPlan{.action = ApplyPlan::Action::kNone, .object = observed};
  }
  Json patch = CreateMergePatch(observed, *merged);
  const std::string resource_version =
      StringAt(observed.value("metadata", Json::object()), "resourceVersion");
  if (!resource_version.empty()) patch["metadata"]["resourceVersion"] = resource_version;
  return ApplyPlan{.action = ApplyPlan::Action::kUpdate,
                   .object = std::move(merged).value(),
                   .merge_patch = std::move(patch)};
}

Result<ApplyPlan> PlanApply(const Json& observed, const Json& desired) {
  return PlanApply(observed, desired,
                   RulesFor(StringAt(desired, "apiVersion"), StringAt(desired, "kind")));
}

Json CreateMergePatch(const Json& from, const Json& to) {
  if (!from.is_object() || !to.is_object()) return to;
  Json patch = Json::object();
  for (const auto& [key, value] : from.items()) {
    if (!to.contains(key)) patch[key] = nullptr;
  }
  for (const auto& [key, value] : to.items()) {
    auto old = from.find(key);
    if (old == from.end()) {
      patch[key] = value;
    } else if (old->is_object() && value.is_object()) {
      Json nested = CreateMergePatch(*old, value);
      if (!nested.empty()) patch[key] = std::move(nested);
    } else if (*old != value) {
      patch[key] = value;
    }
  }
  return patch;
}

}  // namespace awio::aws
