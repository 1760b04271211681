// Create-or-update of one hub child with the get → plan → write sequence of config-controller
// spec §4.1: a live GET, aws::PlanApply against the desired object (only owned fields compared,
// so an unchanged child is never rewritten), CREATE or a resourceVersion-guarded UPDATE, and
// the whole step retried on 409 Conflict. Also the "owned delete" of §8.7 step 3. Knows no
// particular kind beyond the apply rules of aws/ack_diff.h.
#pragma once

#include <string>

#include "base/error.h"
#include "kube/client.h"

namespace awio::controllers {

// Attempts of one create-or-update when the API server answers 409 Conflict (§4.1 step 5).
inline constexpr int kChildApplyConflictAttempts = 5;

struct ChildApplyResult {
  kube::Json object;      // the object as the server stored it (or as read, when unchanged)
  std::string operation;  // "created", "updated" or "unchanged"
};

// Applies `desired` (apiVersion, kind, metadata.name and namespace set). A 404 on CREATE of an
// ACK kind means its CRD is missing: the error says which CRD to install.
Result<ChildApplyResult> ApplyChild(kube::Client& client, const kube::ResourceRef& resource,
                                    const kube::Json& desired);

// Whether `object` is controlled by the owner with `owner_uid`: a controller owner reference
// with that UID, or the config-uid label equal to it (§8.7 "Owned").
bool ControlledBy(const kube::Json& object, std::string_view owner_uid);

// What OwnedDelete did.
enum class OwnedDeleteOutcome { kAbsent, kDeleted, kForeign };

// §8.7 owned-delete: GET; absent (or its CRD missing) → kAbsent; not controlled by
// `owner_uid` → kForeign and nothing deleted; otherwise DELETE (NotFound ignored).
Result<OwnedDeleteOutcome> OwnedDelete(kube::Client& client, const kube::ResourceRef& resource,
                                       const std::string& ns, const std::string& name,
                                       std::string_view owner_uid);

}  // namespace awio::controllers
