// Implementation of the shared gtest environment.
#include "support/shared_environment.h"

#include <gtest/gtest.h>

#include <iostream>

namespace awio::test {
namespace {

testenv::Environment* g_environment = nullptr;
std::string g_start_error;

class SharedControlPlane : public ::testing::Environment {
 public:
  explicit SharedControlPlane(testenv::EnvironmentSpec spec) : spec_(std::move(spec)) {}

  void SetUp() override {
    try {
      env_ = testenv::Environment::Start(spec_);
      g_environment = env_.get();
    } catch (const std::exception& e) {
      g_start_error = e.what();
      std::cerr << "shared test environment did not start: " << e.what() << std::endl;
    }
  }

  void TearDown() override {
    g_environment = nullptr;
    env_.reset();
  }

 private:
  testenv::EnvironmentSpec spec_;
  std::unique_ptr<testenv::Environment> env_;
};

}  // namespace

void RegisterSharedEnvironment(testenv::EnvironmentSpec spec) {
  ::testing::AddGlobalTestEnvironment(new SharedControlPlane(std::move(spec)));
}

testenv::Environment& SharedEnvironment() {
  if (g_environment == nullptr) {
    throw std::runtime_error("the shared test environment is not running: " + g_start_error);
  }
  return *g_environment;
}

}  // namespace awio::test
