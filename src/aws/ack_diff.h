// "Create or update" without update storms (role-controller spec §4.1-§4.2, config-controller
// spec §4.1): given the object we want and the object the API server holds, decide whether a
// write is needed and produce it. Only what we own is compared: our labels (the whole label map
// for ACK objects, only our keys for the signing Secret), the annotations we set, our
// controller owner reference and the owned top-level fields (spec, or type and data). Fields the
// server or ACK fill in (status, resourceVersion, managedFields, finalizers, late-initialized
// spec fields we declare) are ignored, as are key order, null versus absent versus empty, number
// spelling, and JSON-in-a-string fields (policy documents) that parse to the same value. Pure
// functions over JSON; the caller does the GET and the write.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace awio::aws {

using Json = nlohmann::json;

// How a map in metadata is applied.
enum class MapApply {
  kReplace,  // the desired map replaces the observed one; foreign keys are dropped (ACK objects)
  kMerge,  // desired keys are set; other keys stay (annotations everywhere, signing Secret labels)
};

// What a kind's apply owns. Field paths are JSON pointers ("/spec/thumbprints").
struct ApplyRules {
  MapApply labels = MapApply::kReplace;
  // Top-level fields replaced wholesale when the desired object has them (a field a human set
  // is cleared); a field the desired object lacks is left as observed.
  std::vector<std::string> owned_fields = {"spec"};
  // Fields inside owned ones that keep their observed value when the desired object has none,
  // because ACK late-initializes them (OpenIDConnectProvider spec.thumbprints).
  std::vector<std::string> preserved_fields;
  // String fields holding JSON documents, equal when both sides parse to the same JSON.
  std::vector<std::string> json_text_fields;
};

// Rules of each kind this operator writes, by apiVersion and kind: IAM Role
// (assumeRolePolicyDocument is JSON text), IAM Policy (policyDocument), PodIdentityAssociation,
// S3 Bucket (policy), IAM OpenIDConnectProvider (thumbprints preserved) and v1 Secret (labels
// merged; type and data owned). Unknown kinds get the default rules.
const ApplyRules& RulesFor(std::string_view api_version, std::string_view kind);

// Whether `a` and `b` hold the same values under Kubernetes-style semantic equality: object key
// order ignored; null, absent, [] and {} members equal; numbers compared by value; and the
// `json_text_fields` of `rules` compared as parsed JSON when both sides parse.
bool SemanticallyEqual(const Json& a, const Json& b, const ApplyRules& rules);

// `observed` after the apply mutations: labels replaced or merged, desired annotations set,
// the desired controller owner reference upserted (an existing reference to the same API
// group, kind and name is replaced in place, whatever its UID; others are kept), owned fields
// replaced and preserved fields carried over. Fails (kInvalid, "... already has a controller
// reference to ...") when `observed` is controlled by a different owner.
Result<Json> ApplyDesired(const Json& observed, const Json& desired, const ApplyRules& rules);

// What to send for one apply.
struct ApplyPlan {
  enum class Action { kCreate, kUpdate, kNone };
  Action action = Action::kNone;
  // kCreate: the desired object. kUpdate: the full object for a PUT (carries the observed
  // resourceVersion, so a concurrent change fails with 409 Conflict). kNone: the observed
  // object.
  Json object;
  // kUpdate only: an RFC 7386 merge patch from observed to `object`, with
  // metadata.resourceVersion for the same optimistic lock; for callers that PATCH instead.
  Json merge_patch;
};

// The apply of `desired` onto `observed` (null when the GET found nothing): kCreate, kNone when
// ApplyDesired leaves the object semantically equal, otherwise kUpdate.
Result<ApplyPlan> PlanApply(const Json& observed, const Json& desired, const ApplyRules& rules);

// The same with the rules of the desired object's kind.
Result<ApplyPlan> PlanApply(const Json& observed, const Json& desired);

// RFC 7386 merge patch that turns `from` into `to`: changed members with their new value,
// removed members as null, arrays replaced whole. Equal inputs give {}.
Json CreateMergePatch(const Json& from, const Json& to);

}  // namespace awio::aws
