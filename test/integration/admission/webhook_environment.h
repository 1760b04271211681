// Shared setup and helpers of the webhook integration tests. The setup runs once per test
// binary, after the shared environment's hub API server is up: it installs the project's CRDs,
// stores the objects that only exist when something bypassed admission (TV-119, TV-184), starts
// the webhook server in this process with a throw-away CA and a serving certificate for
// 127.0.0.1, registers it with a URL-based ValidatingWebhookConfiguration carrying the settings
// of spec/api.md §8.1, and waits until the API server calls it. The helpers create, terminate
// and release objects through our Kubernetes client and check how a request was answered.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "admission/server.h"
#include "base/error.h"
#include "kube/client.h"
#include "pki.h"
#include "unit/admission/cert_dir.h"

namespace awio::admission::integration {

using Json = nlohmann::json;

// Upper bound for anything the tests wait for (the API server picking up a registration or a
// CRD change, the server picking up new certificate files).
inline constexpr std::chrono::seconds kWait{60};
// Namespaces whose objects the setup stores before the webhook is registered.
inline constexpr char kTv119Namespace[] = "wlc-tv119";
inline constexpr char kTv184Namespace[] = "wlc-tv184";
// The ReplicaSet in kTv184Namespace stored with a reserved template label.
inline constexpr char kLegacyReplicaSet[] = "legacy";

// What the setup built; valid while tests run.
struct SuiteState {
  std::filesystem::path root;  // temporary directory of this binary's files
  std::unique_ptr<testenv::CertificateAuthority> ca;
  std::filesystem::path ca_file;  // the CA certificate as a PEM file
  std::unique_ptr<testing::CertDir> certs;
  std::shared_ptr<kube::Client> client;  // administrator of the hub
  std::unique_ptr<Server> server;
  bool ready = false;
};
SuiteState& Suite();
kube::Client& Kube();

// Registers the setup with gtest; call from main after RegisterSharedEnvironment, so that it
// starts after the API server and stops before it.
void RegisterWebhookEnvironment();

// Fails each test at once when the setup failed.
class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override;
};

// Creates namespace `name` unless it exists; throws on any other failure.
void EnsureNamespace(const std::string& name);
// A namespace with BASE-CFG, optionally held by the Config finalizer; returns `ns`.
std::string NamespaceWithConfig(const std::string& ns, bool held = false);
// `object` with metadata.finalizers = [finalizer].
Json WithFinalizer(Json object, std::string_view finalizer);
// Creates `object`, failing the test (and returning null) when the API server refuses it.
Json MustCreate(const kube::ResourceRef& resource, const std::string& ns, const Json& object);
// Deletes an object that carries a finalizer and checks that it is left terminating.
void MustTerminate(const kube::ResourceRef& resource, const std::string& ns,
                   const std::string& name);
// Removes every finalizer (an UPDATE; allowed for terminating Roles and never sent for Configs).
void ReleaseFinalizers(const kube::ResourceRef& resource, const std::string& ns,
                       const std::string& name);
// Deletes the namespace's Config through force-delete (the DELETE webhook lets it through).
void ForceDeleteConfig(const std::string& ns);
// A dry-run CREATE: admission runs, nothing is stored.
Result<Json> DryRunCreate(const kube::ResourceRef& resource, const std::string& ns,
                          const Json& object);

bool IsNotFound(const Result<Json>& result);
// The request was refused by our webhook `webhook` (not by the schema or CEL) with 403 and a
// message containing every token.
void ExpectDeniedBy(const Result<Json>& result, std::string_view webhook,
                    const std::vector<std::string>& tokens);
void ExpectAdmitted(const Result<Json>& result);

}  // namespace awio::admission::integration
