// The create-or-update loop. Retries only conflicts: every other error is the caller's to
// classify (kube::Client has already retried transport failures).
#include "webhookruntime/create_or_update.h"

#include <optional>
#include <thread>
#include <utility>

namespace awio::webhookruntime {
namespace {

std::string Describe(const ObjectName& name) {
  return name.kind + " " + (name.ns.empty() ? name.name : name.ns + "/" + name.name);
}

Error Prefixed(Error error, const std::string& prefix) {
  error.message = prefix + ": " + error.message;
  return error;
}

bool LostRace(const Error& error) {
  return error.code == ErrorCode::kConflict || error.code == ErrorCode::kAlreadyExists;
}

}  // namespace

std::string_view OperationName(Operation operation) {
  switch (operation) {
    case Operation::kCreated:
      return "created";
    case Operation::kUpdated:
      return "updated";
    case Operation::kUnchanged:
      return "unchanged";
  }
  return "unchanged";
}

LiveCalls CallsFor(kube::Client& client, const kube::ResourceRef& resource, std::string ns,
                   std::string name) {
  const std::string scope = resource.namespaced ? ns : std::string();
  return LiveCalls{
      .get = [&client, resource, scope, name] { return client.Get(resource, scope, name); },
      .create = [&client, resource,
                 scope](const Json& object) { return client.Create(resource, scope, object); },
      .update = [&client, resource,
                 scope](const Json& object) { return client.Update(resource, scope, object); },
  };
}

Result<Applied> CreateOrUpdate(const ObjectName& name, const LiveCalls& calls, const Json& skeleton,
                               const Merge& merge, bool guard_adoption) {
  std::optional<Error> conflict;
  for (int attempt = 0; attempt < kConflictAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(kConflictPause);

    auto live = calls.get();
    if (!live.ok() && live.error().code == ErrorCode::kNotFound && calls.create) {
      Json object = skeleton;
      if (Status merged = merge(object); !merged.ok()) return merged.error();
      auto created = calls.create(object);
      if (created.ok()) return Applied{Operation::kCreated, std::move(*created)};
      if (!LostRace(created.error())) return created.error();
      conflict = created.error();
      continue;
    }
    if (!live.ok()) {
      if (!guard_adoption) return live.error();
      return Prefixed(live.error(), "probe " + Describe(name) + " for adoption");
    }

    if (guard_adoption && !IsManaged(*live)) {
      return UnmanagedApplyError(name.kind, name.ns, name.name);
    }
    Json object = *live;
    if (Status merged = merge(object); !merged.ok()) return merged.error();
    if (object == *live) return Applied{Operation::kUnchanged, std::move(*live)};
    auto updated = calls.update(object);
    if (updated.ok()) return Applied{Operation::kUpdated, std::move(*updated)};
    if (updated.error().code != ErrorCode::kConflict) return updated.error();
    conflict = updated.error();
  }
  return *conflict;
}

}  // namespace awio::webhookruntime
