// The remote ServiceAccount annotation contract (spec role-controller.md §2.3, §9): the four
// keys the pod identity webhook reads, written and removed with JSON merge patches that carry
// the read object's resourceVersion, so a concurrent change fails with 409 instead of being
// overwritten. The operator never creates, updates (PUT) or server-side applies a
// ServiceAccount, and never touches other annotations, labels or fields. Shared by the role
// reconciler and, later, the remote repair controller.
#pragma once

#include <map>
#include <string>

#include "base/error.h"
#include "kube/client.h"

namespace awio::controllers::role {

// The four annotations of §2.3 for `role_arn`.
std::map<std::string, std::string> DesiredAnnotations(const std::string& role_arn);

// §9.2 on `service_account` as read (live) from `client`: nothing when `role_arn` is empty or
// every key already has its value ("unchanged"); otherwise a merge patch of the changed keys
// ("updated"). Errors: `patch remote ServiceAccount <ns>/<name>: <cause>`.
Result<std::string> ApplyAnnotations(kube::Client& client, const kube::Json& service_account,
                                     const std::string& role_arn, std::string_view field_manager);

// §9.2 with the live GET first: `get remote ServiceAccount <ns>/<name>: <cause>` on any GET
// failure, NotFound included.
Result<std::string> GetAndApplyAnnotations(kube::Client& client, const std::string& ns,
                                           const std::string& name, const std::string& role_arn,
                                           std::string_view field_manager);

// §9.4: removes the four keys when eks.amazonaws.com/role-arn is exactly `role_arn`; a missing
// ServiceAccount or a foreign ARN is left alone ("unchanged"). 409 is returned as an error.
Result<std::string> RemoveAnnotations(kube::Client& client, const std::string& ns,
                                      const std::string& name, const std::string& role_arn,
                                      std::string_view field_manager);

}  // namespace awio::controllers::role
