// Create-or-update of one remote runtime object with live reads (spec config-controller.md
// §4.1 semantics as §9.2 uses them): GET; absent → CREATE what the merge makes of a skeleton;
// present → refuse when unmanaged (the adoption guard), else merge into a copy and UPDATE only
// when the copy differs from what was read. A 409 Conflict (or a create that lost a race)
// re-runs the whole step. The three calls are injected so that the retry and guard rules can
// be tested without a server; CallsFor() binds them to a kube::Client.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "kube/client.h"
#include "webhookruntime/objects.h"

namespace awio::webhookruntime {

// Attempts of one create-or-update while the API server answers 409 Conflict: another writer
// (a user, the bootstrap ManifestWork) raced us; five tries ride out a burst of edits.
inline constexpr int kConflictAttempts = 5;
// Pause between those attempts: long enough for the other writer's change to land.
inline constexpr std::chrono::milliseconds kConflictPause{10};

enum class Operation { kCreated, kUpdated, kUnchanged };
// "created", "updated", "unchanged": the metrics reason of a successful apply.
std::string_view OperationName(Operation operation);

// The live calls on one named object.
struct LiveCalls {
  std::function<Result<Json>()> get;
  // Empty: the object is never created (the Namespace); an absent object is kNotFound.
  std::function<Result<Json>(const Json&)> create;
  std::function<Result<Json>(const Json&)> update;
};

// GET, CREATE and UPDATE of `name` in `ns` through `client`, uncached.
LiveCalls CallsFor(kube::Client& client, const kube::ResourceRef& resource, std::string ns,
                   std::string name);

// Names the object in messages: "Secret", "aws-pod-identity-webhook", "pod-identity-webhook".
struct ObjectName {
  std::string kind;
  std::string ns;  // empty for cluster-scoped objects
  std::string name;
};

struct Applied {
  Operation operation = Operation::kUnchanged;
  Json object;  // as the server returned it (or as read, when unchanged)
};

// Changes the owned fields of a live object (or of the skeleton before a create).
using Merge = std::function<Status(Json& object)>;

// The step described above. With `guard_adoption`, an existing unmanaged object gives
// UnmanagedApplyError and nothing is written, and a failed GET is reported as
// "probe <kind> <ns>/<name> for adoption: ...". Errors of `merge` are returned as they are.
Result<Applied> CreateOrUpdate(const ObjectName& name, const LiveCalls& calls, const Json& skeleton,
                               const Merge& merge, bool guard_adoption);

}  // namespace awio::webhookruntime
