// What the operator's controllers share: the name they write under and how they reach a remote
// cluster. Header only; each controller keeps its own requeue delays, which its spec fixes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "kube/client.h"

namespace awio::controllers {

// Field manager of every hub and remote write, and reporting controller of events.
inline constexpr std::string_view kFieldManager = "aws-workload-identity-operator";

// The client of an engaged remote cluster by logical key ("L/L"), or an error saying why there
// is none (kNotFound: not engaged; its message starts with "cluster not found").
using RemoteClusterGetter =
    std::function<Result<std::shared_ptr<kube::Client>>(const std::string& cluster_key)>;

}  // namespace awio::controllers
