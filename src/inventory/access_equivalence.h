// Whether two access descriptions of a ClusterProfile are the same connection, so that a running
// remote cluster can be kept instead of rebuilt (spec inventory-and-remote-irsa.md §6.4). Works on
// kube::ClusterProfileAccess, the plain data the access-provider code derives before it creates
// a credential source (src/kube/config/access_provider.h). Decides nothing about engaging or
// disengaging; the multicluster provider does that.
#pragma once

#include "kube/config/access_provider.h"
#include "kube/rest_config.h"

namespace awio::inventory {

// §6.4 restricted to what a ClusterProfile build can set: server, CA bytes, proxy URL (compared
// as written: the same string always yields the same proxy decision and error), and the exec
// plugin: apiVersion, command, args (ordered), env as a name-to-value map (order-insensitive,
// last duplicate wins), install hint, provideClusterInfo and the exec cluster config (semantic
// JSON equality; raw text when either side is not valid JSON). The selected provider's name is
// not compared: like the original, only the connection it produces counts.
bool EquivalentAccess(const kube::ClusterProfileAccess& a, const kube::ClusterProfileAccess& b);

// The exec-plugin part of EquivalentAccess.
bool EquivalentExec(const kube::ExecConfig& a, const kube::ExecConfig& b);

}  // namespace awio::inventory
