// Helpers for the AWS client integration tests: unique names, S3 buckets and IAM principals
// created in the emulator through the launcher's own (libcurl-signed) requests, a scope that turns
// on the emulator's signature and policy checks, and a real service-account token from the test
// API server. Everything here goes to the shared environment of client_main.cc.
#pragma once

#include <string>

#include "environment.h"

namespace awio::aws::test {

// "<prefix>-<pid>-<n>": unique within the run and across parallel test binaries.
std::string UniqueName(const std::string& prefix);

// The emulator's URL (http://127.0.0.1:<port>) and region.
std::string EmulatorEndpoint();
std::string EmulatorRegion();

// A request to the emulator signed by libcurl with the launcher's keys; `form` is an
// application/x-www-form-urlencoded body for the query APIs (IAM). Fails the test on transport
// errors and returns the response.
testenv::HttpResponse EmulatorCall(const std::string& service, const std::string& method,
                                   const std::string& path_and_query, const std::string& form = {});

// Creates an S3 bucket; fails the test when the emulator refuses.
void CreateBucket(const std::string& bucket);

// Creates an IAM role trusting web identities, with an inline policy allowing every S3 action;
// returns its ARN.
std::string CreateRoleWithS3Access(const std::string& role_name);

struct AccessKey {
  std::string id;
  std::string secret;
};
// Creates an IAM user with an access key; `s3_access` attaches an inline policy allowing every S3
// action, otherwise the user has no permissions at all.
AccessKey CreateUserWithAccessKey(const std::string& user_name, bool s3_access);

// While alive, the emulator verifies every request's SigV4 signature and evaluates IAM policies
// (moto's INITIAL_NO_AUTH_ACTION_COUNT = 0); destruction turns the checks off again, since every
// other test (and the launcher's own keys "testing"/"testing") relies on them being off.
class EmulatorSignatureChecks {
 public:
  EmulatorSignatureChecks();
  ~EmulatorSignatureChecks();
  EmulatorSignatureChecks(const EmulatorSignatureChecks&) = delete;
  EmulatorSignatureChecks& operator=(const EmulatorSignatureChecks&) = delete;
};

// A service-account token for audience sts.amazonaws.com, minted by the hub API server for a new
// service account in namespace "default" (what the kubelet projects for IRSA).
std::string ServiceAccountToken(const std::string& service_account);

// The text of the first <tag> element in `xml`, or "".
std::string XmlText(const std::string& xml, const std::string& tag);

}  // namespace awio::aws::test
