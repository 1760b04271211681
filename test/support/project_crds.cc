// Installation of the project's CRDs on test clusters; see project_crds.h.
#include "support/project_crds.h"

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/shared_environment.h"

namespace awio::test {

std::filesystem::path ProjectCrdDir() { return AWIO_PROJECT_CRD_DIR; }

void InstallProjectCrds(const testenv::Environment& env, const testenv::Cluster& cluster) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(ProjectCrdDir())) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  if (files.empty()) {
    throw std::runtime_error("no CRDs found in " + ProjectCrdDir().string());
  }
  for (const auto& file : files) {
    env.Kubectl(cluster,
                {"apply", "--server-side", "--field-manager=awio-tests", "-f", file.string()});
  }
  for (const auto& file : files) {
    env.Kubectl(cluster,
                {"wait", "--for=condition=Established", "--timeout=60s", "-f", file.string()});
  }
}

void ProjectCrdInstaller::SetUp() {
  try {
    auto& env = SharedEnvironment();
    InstallProjectCrds(env, env.hub());
  } catch (const std::exception& e) {
    FAIL() << "cannot install the project's CRDs: " << e.what();
  }
}

}  // namespace awio::test
