// Writing an object's status through the status subresource only when it differs from what
// was observed: a reconcile that changes nothing writes nothing. The write is a PUT guarded by
// the observed resourceVersion, so a write based on a stale read fails with kConflict rather
// than overwriting a newer status. This file compares and writes; building the desired status
// (conditions, observedGeneration) is the reconciler's job, with conditions.h.
#pragma once

#include <string_view>

#include "base/error.h"
#include "kube/client.h"
#include "kube/resource.h"

namespace awio::runtime {

// Writes `desired_status` as the status of `observed` (the object as last read; it must carry
// metadata.name and metadata.resourceVersion) when it differs from observed["status"] by JSON
// equality (key order does not matter, 1 and 1.0 are equal; an absent status equals null).
// Returns true when it wrote, false when the status was already as desired. Errors: kConflict
// when the object changed since `observed` was read, kNotFound when it is gone, kNotFound too
// when the resource has no status subresource. Fields the server prunes or defaults make every
// comparison differ: desired statuses must hold only fields the schema keeps.
// `field_manager`, when not empty, names the writer in managedFields.
Result<bool> UpdateStatusIfChanged(kube::Client& client, const kube::ResourceRef& resource,
                                   const kube::Json& observed, const kube::Json& desired_status,
                                   std::string_view field_manager = {});

}  // namespace awio::runtime
