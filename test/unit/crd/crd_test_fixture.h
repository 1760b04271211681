// What the CRD unit tests share: the four CRDs of config/crd loaded once, looked up by kind,
// and the names of our kinds. The directory comes from the AWIO_CRD_DIR compile definition so
// the test reads the checkout it was built from.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "crd_schema.h"

namespace awio::test {

inline constexpr char kGroup[] = "aws.identity.appthrust.io";
inline constexpr char kOperatorConfigKind[] = "AWSWorkloadIdentityOperatorConfig";
inline constexpr char kConfigKind[] = "AWSWorkloadIdentityConfig";
inline constexpr char kRoleKind[] = "AWSServiceAccountRole";
inline constexpr char kReplicaSetKind[] = "AWSServiceAccountRoleReplicaSet";
inline const std::vector<std::string> kAllKinds = {kOperatorConfigKind, kConfigKind, kRoleKind,
                                                   kReplicaSetKind};

class CrdTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    if (loaded_) return;
    loaded_ = true;
    auto files = LoadCrdDirectory(AWIO_CRD_DIR);
    if (files.ok()) {
      files_ = std::move(*files);
    } else {
      load_error_ = files.error().ToString();
    }
  }

  static const std::vector<CrdFile>& Files() { return files_; }

  // The CRD whose spec.names.kind is `kind`, or null.
  static const nlohmann::json& Crd(std::string_view kind) {
    static const nlohmann::json kMissing;
    for (const auto& file : files_) {
      if (file.crd.value("/spec/names/kind"_json_pointer, "") == kind) return file.crd;
    }
    return kMissing;
  }

  // The openAPIV3Schema of `kind`, or null.
  static const nlohmann::json& Schema(std::string_view kind) { return RootSchema(Crd(kind)); }

  // The schema node at `path` of `kind`, or null.
  static const nlohmann::json& SchemaAt(std::string_view kind, std::string_view path) {
    static const nlohmann::json kMissing;
    const nlohmann::json* node = FindSchema(Schema(kind), path);
    return node == nullptr ? kMissing : *node;
  }

 protected:
  void SetUp() override { ASSERT_TRUE(load_error_.empty()) << load_error_; }

 private:
  static inline bool loaded_ = false;
  static inline std::string load_error_;
  static inline std::vector<CrdFile> files_;
};

}  // namespace awio::test
