// An in-memory Lookup for the validator unit tests: a stand-in for the API server that holds
// Configs and Roles as the server would return them (JSON decoded with the API codec), can be
// told to fail a call with a given error, and records the calls it received so that tests can
// check how the validators list (by namespace, with which limit). The real API server is used
// by test/integration/admission.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "admission/lookup.h"
#include "api/v1alpha1/codec.h"

namespace awio::admission::testing {

class FakeLookup : public Lookup {
 public:
  struct ListCall {
    std::string ns;
    long limit = 0;
  };

  // Stores `config` as AWSWorkloadIdentityConfig/default of its namespace.
  void AddConfig(const nlohmann::json& config) {
    auto decoded = api::v1alpha1::DecodeConfig(config);
    configs_[decoded->metadata.ns] = std::move(decoded).value();
  }
  void AddRole(const nlohmann::json& role) {
    auto decoded = api::v1alpha1::DecodeRole(role);
    roles_[decoded->metadata.ns].push_back(std::move(decoded).value());
  }
  void FailGetConfig(Error error) { get_error_ = std::move(error); }
  void FailListRoles(Error error) { list_error_ = std::move(error); }

  Result<api::v1alpha1::Config> GetConfig(const std::string& ns) override {
    get_calls_.push_back(ns);
    if (get_error_) return *get_error_;
    auto it = configs_.find(ns);
    if (it == configs_.end()) {
      Error error = MakeError(ErrorCode::kNotFound, "get awsworkloadidentityconfigs " + ns +
                                                        "/default: HTTP 404: not found");
      error.http_status = 404;
      error.reason = "NotFound";
      return error;
    }
    return it->second;
  }

  Result<std::vector<api::v1alpha1::Role>> ListRoles(const std::string& ns, long limit) override {
    list_calls_.push_back({ns, limit});
    if (list_error_) return *list_error_;
    auto it = roles_.find(ns);
    std::vector<api::v1alpha1::Role> out =
        it == roles_.end() ? std::vector<api::v1alpha1::Role>{} : it->second;
    if (limit > 0 && out.size() > static_cast<std::size_t>(limit)) out.resize(limit);
    return out;
  }

  const std::vector<std::string>& get_calls() const { return get_calls_; }
  const std::vector<ListCall>& list_calls() const { return list_calls_; }

 private:
  std::map<std::string, api::v1alpha1::Config> configs_;
  std::map<std::string, std::vector<api::v1alpha1::Role>> roles_;
  std::optional<Error> get_error_;
  std::optional<Error> list_error_;
  std::vector<std::string> get_calls_;
  std::vector<ListCall> list_calls_;
};

}  // namespace awio::admission::testing
