// Installs this project's own CRDs (config/crd/*.yaml, the files the chart ships) on a test
// cluster and waits until the API server serves them. The third-party CRDs come from the
// launcher (ClusterSpec::third_party_crds); ours come from the checkout under test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "environment.h"

namespace awio::test {

// config/crd of the checkout this test was built from.
std::filesystem::path ProjectCrdDir();

// Applies every CRD in ProjectCrdDir() to `cluster` (server-side apply, so re-running is a
// no-op) and waits until each reports Established; throws naming the CRD when it does not.
void InstallProjectCrds(const testenv::Environment& env, const testenv::Cluster& cluster);

// A gtest environment that installs our CRDs on the shared environment's hub. Register it after
// RegisterSharedEnvironment (gtest sets environments up in order); a failure fails the run.
class ProjectCrdInstaller : public ::testing::Environment {
 public:
  void SetUp() override;
};

}  // namespace awio::test
