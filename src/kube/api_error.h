// Turns an API server's non-success answer (a metav1.Status body, or whatever a proxy sent)
// into an awio::Error with the category a caller decides on, the field causes of an Invalid,
// and Retry-After. Messages name the operation ("create roles.iam.services.k8s.aws ns/x").
//
// Part of our own Kubernetes client: no Debian package provides one for C++.
#pragma once

#include <string_view>

#include "base/error.h"
#include "kube/transport.h"

namespace awio::kube {

// `what` names the operation and object, e.g. "get configmaps default/settings".
Error ErrorFromResponse(const HttpResponse& response, std::string_view what);

// The category for an HTTP status and Status.reason, when the body says nothing more.
ErrorCode CodeForStatus(long http_status, std::string_view reason);

}  // namespace awio::kube
