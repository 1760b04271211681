// The environment of the Kubernetes client tests: a hub that also accepts static bearer
// tokens, and a cluster without the watch cache, where etcd compaction reaches watchers.
#pragma once

#include <string>

namespace awio::test {

// Tokens the hub accepts (--token-auth-file), both for users in system:masters.
inline constexpr const char* kStaticAdminToken = "awio-test-static-admin-token";
inline constexpr const char* kExecPluginToken = "awio-test-exec-plugin-token";
// The cluster started with --watch-cache=false.
inline constexpr const char* kNoCacheCluster = "nocache";

}  // namespace awio::test
