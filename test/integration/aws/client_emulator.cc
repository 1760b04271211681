// Implementation of the AWS client integration helpers (client_emulator.h).
#include "client_emulator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "aws/http.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::aws::test {
namespace {

constexpr const char* kIamVersion = "2010-05-08";

// Trust policy of the test roles: any web identity may assume them (moto does not evaluate it;
// it is here so that the role looks like an IRSA role).
constexpr const char* kWebIdentityTrust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
    R"("Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/issuer.example.com"},)"
    R"("Action":"sts:AssumeRoleWithWebIdentity"}]})";
constexpr const char* kAllowS3 =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";

void SetEmulatorAuth(const std::string& initial_no_auth_count) {
  testenv::HttpRequest request;
  request.method = "POST";
  request.url = EmulatorEndpoint() + "/moto-api/reset-auth";
  request.body = initial_no_auth_count;
  // moto reads the raw body; as a form (libcurl's default type) it would arrive empty.
  request.headers = {"Content-Type: text/plain"};
  const testenv::HttpResponse response = testenv::Send(request);
  EXPECT_EQ(response.status, 200) << "moto-api/reset-auth " << initial_no_auth_count << ": "
                                  << response.body << response.error;
}

}  // namespace

std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

std::string EmulatorEndpoint() { return awio::test::SharedEnvironment().aws().endpoint; }
std::string EmulatorRegion() { return awio::test::SharedEnvironment().aws().region; }

testenv::HttpResponse EmulatorCall(const std::string& service, const std::string& method,
                                   const std::string& path_and_query, const std::string& form) {
  testenv::HttpRequest request =
      awio::test::SharedEnvironment().aws().Request(service, method, path_and_query, form);
  if (!form.empty()) request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
  testenv::HttpResponse response = testenv::Send(request);
  EXPECT_TRUE(response.error.empty()) << method << " " << path_and_query << ": " << response.error;
  return response;
}

void CreateBucket(const std::string& bucket) {
  const testenv::HttpResponse response = EmulatorCall("s3", "PUT", "/" + bucket);
  ASSERT_EQ(response.status, 200) << "create bucket " << bucket << ": " << response.body;
}

std::string CreateRoleWithS3Access(const std::string& role_name) {
  const testenv::HttpResponse created = EmulatorCall(
      "iam", "POST", "/",
      "Action=CreateRole&Version=" + std::string(kIamVersion) + "&RoleName=" + role_name +
          "&AssumeRolePolicyDocument=" + PercentEncode(kWebIdentityTrust, false));
  EXPECT_EQ(created.status, 200) << created.body;
  const testenv::HttpResponse policy = EmulatorCall(
      "iam", "POST", "/",
      "Action=PutRolePolicy&Version=" + std::string(kIamVersion) + "&RoleName=" + role_name +
          "&PolicyName=s3-all&PolicyDocument=" + PercentEncode(kAllowS3, false));
  EXPECT_EQ(policy.status, 200) << policy.body;
  return XmlText(created.body, "Arn");
}

AccessKey CreateUserWithAccessKey(const std::string& user_name, bool s3_access) {
  const std::string version = "&Version=" + std::string(kIamVersion);
  const testenv::HttpResponse user =
      EmulatorCall("iam", "POST", "/", "Action=CreateUser" + version + "&UserName=" + user_name);
  EXPECT_EQ(user.status, 200) << user.body;
  if (s3_access) {
    const testenv::HttpResponse policy =
        EmulatorCall("iam", "POST", "/",
                     "Action=PutUserPolicy" + version + "&UserName=" + user_name +
                         "&PolicyName=s3-all&PolicyDocument=" + PercentEncode(kAllowS3, false));
    EXPECT_EQ(policy.status, 200) << policy.body;
  }
  const testenv::HttpResponse key = EmulatorCall(
      "iam", "POST", "/", "Action=CreateAccessKey" + version + "&UserName=" + user_name);
  EXPECT_EQ(key.status, 200) << key.body;
  return {XmlText(key.body, "AccessKeyId"), XmlText(key.body, "SecretAccessKey")};
}

EmulatorSignatureChecks::EmulatorSignatureChecks() { SetEmulatorAuth("0"); }
EmulatorSignatureChecks::~EmulatorSignatureChecks() { SetEmulatorAuth("inf"); }

std::string ServiceAccountToken(const std::string& service_account) {
  const auto& hub = awio::test::SharedEnvironment().hub();
  const auto created =
      awio::test::KubeRequest(hub, "POST", "/api/v1/namespaces/default/serviceaccounts",
                              {{"apiVersion", "v1"},
                               {"kind", "ServiceAccount"},
                               {"metadata", {{"name", service_account}}}});
  EXPECT_TRUE(created.status == 201 || created.status == 409) << created.raw;
  const auto token = awio::test::KubeRequest(
      hub, "POST", "/api/v1/namespaces/default/serviceaccounts/" + service_account + "/token",
      {{"apiVersion", "authentication.k8s.io/v1"},
       {"kind", "TokenRequest"},
       {"spec", {{"audiences", {"sts.amazonaws.com"}}, {"expirationSeconds", 3600}}}});
  EXPECT_EQ(token.status, 201) << token.raw;
  if (!token.body.is_object()) return {};
  return token.body["status"].value("token", "");
}

std::string XmlText(const std::string& xml, const std::string& tag) {
  const std::string open = "<" + tag + ">";
  const auto start = xml.find(open);
  if (start == std::string::npos) return {};
  const auto end = xml.find("</" + tag + ">", start);
  if (end == std::string::npos) return {};
  return xml.substr(start + open.size(), end - start - open.size());
}

}  // namespace awio::aws::test
