// Builds our Kubernetes client for a test cluster from the launcher's files, without the
// configuration loaders, so that client tests do not depend on the code they do not test.
#pragma once

#include <memory>
#include <string>

#include "environment.h"
#include "kube/client.h"
#include "kube/rest_config.h"

namespace awio::test {

std::string ReadFileOrDie(const std::filesystem::path& path);

// Administrator access (system:masters client certificate) to `cluster`.
kube::RestConfig AdminRestConfig(const testenv::Cluster& cluster);
std::shared_ptr<kube::Client> AdminClient(const testenv::Cluster& cluster);

}  // namespace awio::test
