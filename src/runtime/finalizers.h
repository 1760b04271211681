// Finalizers on any object: reading metadata.finalizers and adding or removing one name with
// optimistic locking. Writes are JSON merge patches that carry metadata.resourceVersion and the
// whole new finalizers list, so that a concurrent change to the object makes the write fail with
// kConflict (re-read and retry one level up) instead of silently dropping another controller's
// finalizer. Nothing is written when the list would not change. This file does not decide when
// a finalizer is due (the reconciler does) and does not retry conflicts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "kube/client.h"
#include "kube/resource.h"

namespace awio::runtime {

// The names in object.metadata.finalizers, in order; entries that are not strings are skipped.
std::vector<std::string> Finalizers(const kube::Json& object);

// Whether object.metadata.finalizers contains `name`.
bool HasFinalizer(const kube::Json& object, std::string_view name);

// Adds `name` to the finalizers of `object` (as last read; it must carry metadata.name and
// metadata.resourceVersion) unless it is there already. Returns the object as the server
// stored it after the write, or `object` unchanged when no write was needed. kConflict when the
// object changed since it was read. The API server refuses new finalizers on an object that is
// being deleted (kForbidden/kInvalid); check metadata.deletionTimestamp first.
// `field_manager`, when not empty, names the writer in managedFields.
Result<kube::Json> EnsureFinalizer(kube::Client& client, const kube::ResourceRef& resource,
                                   const kube::Json& object, std::string_view name,
                                   std::string_view field_manager = {});

// Removes every occurrence of `name` from the finalizers of `object`, with the same locking
// and return value as EnsureFinalizer. Removing the last finalizer of an object being deleted
// lets the server delete it: the returned object is then the server's last view of it.
Result<kube::Json> RemoveFinalizer(kube::Client& client, const kube::ResourceRef& resource,
                                   const kube::Json& object, std::string_view name,
                                   std::string_view field_manager = {});

}  // namespace awio::runtime
