#include "controllers/child_apply.h"

#include <chrono>
#include <random>
#include <thread>

#include "api/v1alpha1/constants.h"
#include "aws/ack_diff.h"

namespace awio::controllers {
namespace {

// Pause between conflict retries (§4.1: ~10 ms, ±10 % jitter).
constexpr std::chrono::milliseconds kConflictRetryDelay{10};

std::chrono::microseconds Jittered(std::chrono::milliseconds base) {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.9, 1.1);
  return std::chrono::microseconds(
      static_cast<long>(std::chrono::duration<double, std::micro>(base).count() * factor(rng)));
}

Error MissingCrd(const kube::ResourceRef& resource, const Error& cause) {
  Error e = cause;
  e.message = "the " + resource.kind + " API (" + resource.QualifiedName() +
              ") is not installed on the hub; install its CRD (" + cause.message + ")";
  return e;
}

}  // namespace

Result<ChildApplyResult> ApplyChild(kube::Client& client, const kube::ResourceRef& resource,
                                    const kube::Json& desired) {
  const std::string ns = desired["metadata"].value("namespace", "");
  const std::string name = desired["metadata"].value("name", "");
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) std::this_thread::sleep_for(Jittered(kConflictRetryDelay));
    auto observed = client.Get(resource, ns, name);
    kube::Json current;
    if (observed.ok()) {
      current = std::move(observed.value());
    } else if (observed.error().code != ErrorCode::kNotFound) {
      return observed.error();
    }

    auto plan = aws::PlanApply(current, desired);
    if (!plan.ok()) return plan.error();
    switch (plan->action) {
      case aws::ApplyPlan::Action::kNone:
        return ChildApplyResult{std::move(current), "unchanged"};
      case aws::ApplyPlan::Action::kCreate: {
        auto created = client.Create(resource, ns, plan->object);
        if (created.ok()) return ChildApplyResult{std::move(created.value()), "created"};
        if (created.error().code == ErrorCode::kAlreadyExists &&
            attempt < kChildApplyConflictAttempts) {
          continue;
        }
        if (created.error().code == ErrorCode::kNotFound) {
          return MissingCrd(resource, created.error());
        }
        return created.error();
      }
      case aws::ApplyPlan::Action::kUpdate: {
        auto updated = client.Update(resource, ns, plan->object);
        if (updated.ok()) return ChildApplyResult{std::move(updated.value()), "updated"};
        if ((updated.error().code == ErrorCode::kConflict ||
             updated.error().code == ErrorCode::kNotFound) &&
            attempt < kChildApplyConflictAttempts) {
          continue;
        }
        return updated.error();
      }
    }
  }
}

bool ControlledBy(const kube::Json& object, std::string_view owner_uid) {
  if (owner_uid.empty()) return false;
  const kube::Json& metadata = object.contains("metadata") ? object["metadata"] : kube::Json();
  if (metadata.is_object() && metadata.contains("ownerReferences") &&
      metadata["ownerReferences"].is_array()) {
    for (const auto& ref : metadata["ownerReferences"]) {
      if (ref.is_object() && ref.value("controller", false) && ref.value("uid", "") == owner_uid) {
        return true;
      }
    }
  }
  if (metadata.is_object() && metadata.contains("labels") && metadata["labels"].is_object()) {
    auto it = metadata["labels"].find(std::string(api::v1alpha1::label::kConfigUID));
    if (it != metadata["labels"].end() && it->is_string() && it->get<std::string>() == owner_uid) {
      return true;
    }
  }
  return false;
}

Result<OwnedDeleteOutcome> OwnedDelete(kube::Client& client, const kube::ResourceRef& resource,
                                       const std::string& ns, const std::string& name,
                                       std::string_view owner_uid) {
  auto observed = client.Get(resource, ns, name);
  if (!observed.ok()) {
    if (observed.error().code == ErrorCode::kNotFound) return OwnedDeleteOutcome::kAbsent;
    return observed.error();
  }
  if (!ControlledBy(*observed, owner_uid)) return OwnedDeleteOutcome::kForeign;
  auto deleted = client.Delete(resource, ns, name);
  if (!deleted.ok() && deleted.error().code != ErrorCode::kNotFound) return deleted.error();
  return OwnedDeleteOutcome::kDeleted;
}

}  // namespace awio::controllers
