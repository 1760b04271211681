// One local control plane shared by every test in a test binary: started once before the
// first test, stopped after the last (gtest global environment). Tests must leave it as they
// found it: each uses its own namespaces, buckets and IAM names.
#pragma once

#include "environment.h"

namespace awio::test {

// Registers the shared environment with gtest; call once from main before RUN_ALL_TESTS.
void RegisterSharedEnvironment(testenv::EnvironmentSpec spec);

// The running environment; throws (failing the calling test) when it did not start.
testenv::Environment& SharedEnvironment();

}  // namespace awio::test
