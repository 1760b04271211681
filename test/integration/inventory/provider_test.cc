// Integration tests of the ClusterProfile cluster provider (src/inventory/provider.h) with real
// API servers: ClusterProfiles on the hub with status written through the status subresource,
// an access provider file whose exec plugin (test/support/exec-credential-plugin.sh) hands out
// target-a's administrator certificate, and clients of target-a built from them. Covers the
// event table of spec inventory-and-remote-irsa.md §6.5, the error texts of §6.3, and the
// deliberate differences documented in provider.h (probe instead of sync wait, first profile
// wins a shared cluster name). Each test uses its own namespaces, prefixed "prov-", and its own
// provider watching only them.
#include "inventory/provider.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/encoding.h"
#include "base/time.h"
#include "inventory/resolver.h"
#include "kube/client.h"
#include "kube/config/exec_credential.h"
#include "runtime/cluster_set.h"
#include "support/kube_client_util.h"
#include "support/kube_test_util.h"
#include "support/shared_environment.h"

namespace awio::inventory {
namespace {

using kube::Json;
using namespace std::chrono_literals;

// Time for an informer event, a reconcile, an exec plugin run and a probe to happen.
constexpr auto kEventTimeout = 30s;
constexpr char kClusterNameLabel[] = "open-cluster-management.io/cluster-name";
// Access providers of the file every test loads: the same target credentials with different
// plugin arguments (the plugin ignores --variant), and one whose plugin always fails.
constexpr char kProvider[] = "test-provider";
constexpr char kProviderVariant[] = "test-provider-variant";
constexpr char kFailingProvider[] = "failing-provider";
constexpr char kPluginFailure[] = "plugin refused on purpose";

std::string PluginPath() { return AWIO_EXEC_CREDENTIAL_PLUGIN; }

// The exec plugin arguments a client was built with.
std::vector<std::string> PluginArgs(const std::shared_ptr<kube::Client>& client) {
  auto source = std::dynamic_pointer_cast<kube::ExecCredentialSource>(
      client->transport()->config().credentials);
  return source ? source->config().args : std::vector<std::string>{};
}

class ClusterProfileProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& env = test::SharedEnvironment();
    hub_ = test::AdminClient(env.hub());
    target_ = &env.cluster("target-a");
  }

  void TearDown() override {
    if (provider_) {
      EXPECT_TRUE(provider_->Stop(5s));
    }
    provider_.reset();
    if (!provider_file_.empty()) std::filesystem::remove(provider_file_);
  }

  std::vector<std::string> CertArgs() const {
    return {"--cert", target_->client_cert_file.string(), "--key",
            target_->client_key_file.string()};
  }

  // Writes the provider file and loads it as the manager does.
  std::vector<kube::AccessProvider> LoadProviders(const std::string& test_name) {
    Json variant_args = CertArgs();
    variant_args.push_back("--variant");
    variant_args.push_back("b");
    const auto exec = [](const Json& args) {
      return Json{{"apiVersion", "client.authentication.k8s.io/v1"},
                  {"command", PluginPath()},
                  {"args", args},
                  {"provideClusterInfo", true}};
    };
    const Json file = {{"providers",
                        {{{"name", kProvider},
                          {"execConfig", exec(CertArgs())},
                          {"profileSourcedEnvVarsPolicy", "AppendIfNotExists"}},
                         {{"name", kProviderVariant}, {"execConfig", exec(variant_args)}},
                         {{"name", kFailingProvider},
                          {"execConfig", exec(Json::array({"--fail", kPluginFailure}))}}}}};
    provider_file_ =
        std::filesystem::temp_directory_path() / ("awio-provider-" + test_name + ".json");
    std::ofstream(provider_file_) << file.dump(2);
    auto providers = kube::LoadAccessProviderFile(provider_file_.string());
    EXPECT_TRUE(providers.ok()) << providers.error().ToString();
    return providers.ok() ? *providers : std::vector<kube::AccessProvider>{};
  }

  // Starts a provider watching `namespaces` and records its listener calls.
  void StartProvider(const std::string& test_name, std::vector<std::string> namespaces,
                     std::chrono::milliseconds recheck = kDefaultRecheck) {
    for (const auto& ns : namespaces) EnsureNamespace(ns);
    ProviderOptions options;
    options.recheck = recheck;
    options.providers = LoadProviders(test_name);
    options.namespaces = std::move(namespaces);
    provider_ = std::make_shared<ClusterProfileProvider>(hub_, clusters_, std::move(options));
    provider_->AddListener([this](const std::string& key, bool engaged) {
      std::lock_guard lock(mu_);
      events_.emplace_back(key, engaged);
    });
    provider_->Start();
    ASSERT_TRUE(test::WaitUntil(kEventTimeout, [&] { return provider_->HasSynced(); }))
        << "the ClusterProfile informers did not sync";
  }

  std::vector<std::pair<std::string, bool>> Events() {
    std::lock_guard lock(mu_);
    return events_;
  }

  // Listeners run after the state they report is visible to Get, so wait for them.
  void ExpectEvents(const std::vector<std::pair<std::string, bool>>& expected) {
    test::WaitUntil(kEventTimeout, [&] { return Events() == expected; });
    EXPECT_EQ(Events(), expected);
  }

  void EnsureNamespace(const std::string& name) {
    auto made = hub_->Create(kube::resources::kNamespaces, "", {{"metadata", {{"name", name}}}});
    ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists)
        << made.error().ToString();
  }

  Json ControlPlaneHealthy(bool healthy) const {
    return Json::array(
        {{{"type", kConditionControlPlaneHealthy},
          {"status", healthy ? "True" : "False"},
          {"reason", healthy ? "Healthy" : "Unhealthy"},
          {"message", "set by the test"},
          {"lastTransitionTime", base::FormatRfc3339(std::chrono::system_clock::now())}}});
  }

  // An access provider entry pointing at target-a.
  Json AccessEntry(const std::string& provider, const Json& extensions = nullptr) const {
    Json cluster = {
        {"server", target_->server},
        {"certificate-authority-data", base::Base64Encode(test::ReadFileOrDie(target_->ca_file))}};
    if (!extensions.is_null()) cluster["extensions"] = extensions;
    return {{"name", provider}, {"cluster", cluster}};
  }

  Json Status(bool healthy, const std::string& provider, const Json& extensions = nullptr) const {
    return {{"conditions", ControlPlaneHealthy(healthy)},
            {"accessProviders", Json::array({AccessEntry(provider, extensions)})}};
  }

  // Creates a ClusterProfile and writes its status through the status subresource, as a
  // cluster manager does. Returns the resourceVersion after the status write.
  std::string CreateProfile(const std::string& ns, const std::string& name, const Json& labels,
                            const Json& status) {
    Json object = {{"apiVersion", "multicluster.x-k8s.io/v1alpha1"},
                   {"kind", "ClusterProfile"},
                   {"metadata", {{"name", name}, {"labels", labels}}},
                   {"spec", {{"clusterManager", {{"name", "test-manager"}}}}}};
    auto made = hub_->Create(kClusterProfileResource, ns, object);
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    return PatchStatus(ns, name, status);
  }

  // Replaces status members by a JSON merge patch; returns the new resourceVersion.
  std::string PatchStatus(const std::string& ns, const std::string& name, const Json& status) {
    kube::PatchOptions options;
    options.subresource = "status";
    auto patched = hub_->Patch(kClusterProfileResource, ns, name, kube::PatchType::kMerge,
                               Json{{"status", status}}.dump(), options);
    EXPECT_TRUE(patched.ok()) << patched.error().ToString();
    return patched.ok() ? (*patched)["metadata"].value("resourceVersion", "") : "";
  }

  std::string PatchLabels(const std::string& ns, const std::string& name, const Json& labels) {
    auto patched = hub_->Patch(kClusterProfileResource, ns, name, kube::PatchType::kMerge,
                               Json{{"metadata", {{"labels", labels}}}}.dump());
    EXPECT_TRUE(patched.ok()) << patched.error().ToString();
    return patched.ok() ? (*patched)["metadata"].value("resourceVersion", "") : "";
  }

  void DeleteProfile(const std::string& ns, const std::string& name) {
    auto deleted = hub_->Delete(kClusterProfileResource, ns, name);
    ASSERT_TRUE(deleted.ok()) << deleted.error().ToString();
  }

  // Waits until the provider finished a reconcile of `ns/name` that read `resource_version`
  // ("" after a deletion).
  bool WaitReconciled(const std::string& ns, const std::string& name,
                      const std::string& resource_version) {
    return test::WaitUntil(kEventTimeout, [&] {
      return provider_->ReconciledResourceVersion(ns + "/" + name) == resource_version;
    });
  }

  std::shared_ptr<kube::Client> WaitEngaged(const std::string& key) {
    std::shared_ptr<kube::Client> client;
    EXPECT_TRUE(test::WaitUntil(kEventTimeout,
                                [&] {
                                  auto got = provider_->Get(key);
                                  if (got.ok()) client = *got;
                                  return got.ok();
                                }))
        << key << " was not engaged: "
        << (provider_->Get(key).ok() ? "" : provider_->Get(key).error().message);
    return client;
  }

  // Waits until Get(key) fails and returns its message.
  std::string WaitNotFound(const std::string& key) {
    EXPECT_TRUE(test::WaitUntil(kEventTimeout, [&] { return !provider_->Get(key).ok(); }))
        << key << " stayed engaged";
    auto got = provider_->Get(key);
    if (got.ok()) return "";
    EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
    return got.error().message;
  }

  std::shared_ptr<kube::Client> hub_;
  const testenv::Cluster* target_ = nullptr;
  runtime::ClusterSet clusters_;
  std::shared_ptr<ClusterProfileProvider> provider_;
  std::filesystem::path provider_file_;
  std::mutex mu_;
  std::vector<std::pair<std::string, bool>> events_;
};

// Validates that a ControlPlaneHealthy profile is engaged under L/L (§3, §6.5 "becomes healthy
// and config builds"), that the client reaches target-a with the plugin's credentials, that
// the probe records no error, and that the listener hears of it.
TEST_F(ClusterProfileProviderTest, HealthyProfile_IsEngaged_ClientReachesTarget) {
  const std::string ns = "prov-healthy";
  const std::string marker = "prov-marker-only-on-target-a";
  auto made = test::AdminClient(*target_)->Create(kube::resources::kNamespaces, "",
                                                  {{"metadata", {{"name", marker}}}});
  ASSERT_TRUE(made.ok() || made.error().code == ErrorCode::kAlreadyExists);
  StartProvider("healthy", {ns});

  const std::string rv =
      CreateProfile(ns, "wlc-a", {{kClusterNameLabel, "prov-healthy-a"}}, Status(true, kProvider));
  auto client = WaitEngaged("prov-healthy-a/prov-healthy-a");
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(WaitReconciled(ns, "wlc-a", rv));

  auto namespaces = client->List(kube::resources::kNamespaces, "");
  ASSERT_TRUE(namespaces.ok()) << namespaces.error().ToString();
  bool found = false;
  for (const auto& item : (*namespaces)["items"]) {
    found = found || item["metadata"]["name"] == marker;
  }
  EXPECT_TRUE(found) << "the engaged client does not talk to target-a";
  EXPECT_EQ(provider_->LastError("prov-healthy-a/prov-healthy-a"), std::nullopt);
  EXPECT_EQ(clusters_.Client("prov-healthy-a/prov-healthy-a"), client);
  ExpectEvents({{"prov-healthy-a/prov-healthy-a", true}});
}

// Validates that a profile without the cluster-name label is engaged under name/name (§3).
TEST_F(ClusterProfileProviderTest, ProfileWithoutClusterNameLabel_IsEngagedUnderItsName) {
  const std::string ns = "prov-nolabel";
  StartProvider("nolabel", {ns});
  CreateProfile(ns, "prov-plain", Json::object(), Status(true, kProvider));
  EXPECT_NE(WaitEngaged("prov-plain/prov-plain"), nullptr);
}

// Validates §6.5 "not ControlPlaneHealthy": an engaged cluster is disengaged, the listener is
// told, and Get says why; a profile unhealthy from the start is never engaged.
TEST_F(ClusterProfileProviderTest, ProfileNotHealthy_IsDisengaged) {
  const std::string ns = "prov-unhealthy";
  const std::string key = "prov-unhealthy-a/prov-unhealthy-a";
  StartProvider("unhealthy", {ns});
  CreateProfile(ns, "wlc-a", {{kClusterNameLabel, "prov-unhealthy-a"}}, Status(true, kProvider));
  ASSERT_NE(WaitEngaged(key), nullptr);

  PatchStatus(ns, "wlc-a", {{"conditions", ControlPlaneHealthy(false)}});
  EXPECT_EQ(WaitNotFound(key),
            "cluster not found: ClusterProfile prov-unhealthy/wlc-a is not ControlPlaneHealthy");
  EXPECT_EQ(clusters_.Client(key), nullptr);
  ExpectEvents({{key, true}, {key, false}});

  const std::string rv = CreateProfile(ns, "wlc-b", {{kClusterNameLabel, "prov-unhealthy-b"}},
                                       Status(false, kProvider));
  ASSERT_TRUE(WaitReconciled(ns, "wlc-b", rv));
  auto got = provider_->Get("prov-unhealthy-b/prov-unhealthy-b");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message,
            "cluster not found: ClusterProfile prov-unhealthy/wlc-b is not ControlPlaneHealthy");
  EXPECT_EQ(Events().size(), 2u) << "an unhealthy profile notified a listener";
}

// Validates §6.4/§6.5 "connection-relevant change": a change of the exec plugin's arguments
// (another access provider entry selected) or of a profile-sourced extension re-engages the
// cluster with a new client that works.
TEST_F(ClusterProfileProviderTest, AccessChanged_ReEngagesWithNewClient) {
  struct Case {
    std::string name;
    Json status_before;
    Json status_after;
  };
  const Json env_v1 = Json::array(
      {{{"name", kube::kAdditionalEnvsExtension}, {"extension", {{"PROV_REVISION", "1"}}}}});
  const Json env_v2 = Json::array(
      {{{"name", kube::kAdditionalEnvsExtension}, {"extension", {{"PROV_REVISION", "2"}}}}});
  const std::vector<Case> cases = {
      {"args", Status(true, kProvider), Status(true, kProviderVariant)},
      {"envs", Status(true, kProvider, env_v1), Status(true, kProvider, env_v2)},
  };
  const std::string ns = "prov-changed";
  StartProvider("changed", {ns});
  std::vector<std::pair<std::string, bool>> expected_events;  // engaged, then re-engaged

  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string label = "prov-changed-" + c.name;
    const std::string key = label + "/" + label;
    CreateProfile(ns, c.name, {{kClusterNameLabel, label}}, c.status_before);
    auto before = WaitEngaged(key);
    ASSERT_NE(before, nullptr);

    PatchStatus(ns, c.name, {{"accessProviders", c.status_after["accessProviders"]}});
    ASSERT_TRUE(test::WaitUntil(kEventTimeout, [&] {
      auto now = provider_->Get(key);
      return now.ok() && *now != before;
    })) << "no new client after an access change";
    auto after = *provider_->Get(key);
    auto namespaces = after->List(kube::resources::kNamespaces, "");
    EXPECT_TRUE(namespaces.ok()) << namespaces.error().ToString();
    if (c.name == "args") {
      EXPECT_EQ(PluginArgs(after).back(), "b");
    }

    expected_events.insert(expected_events.end(), {{key, true}, {key, true}});
    ExpectEvents(expected_events);
  }
}

// Validates §6.4/§6.5 "irrelevant change": another label, a property, the condition's message
// and the version leave the engaged client as it is.
TEST_F(ClusterProfileProviderTest, IrrelevantChange_KeepsClient) {
  const std::string ns = "prov-irrelevant";
  const std::string key = "prov-irrelevant-a/prov-irrelevant-a";
  StartProvider("irrelevant", {ns});
  CreateProfile(ns, "wlc-a", {{kClusterNameLabel, "prov-irrelevant-a"}}, Status(true, kProvider));
  auto client = WaitEngaged(key);
  ASSERT_NE(client, nullptr);

  struct Change {
    std::string name;
    std::function<std::string()> apply;  // returns the resulting resourceVersion
  };
  const std::vector<Change> changes = {
      {"label",
       [&] {
         return PatchLabels(ns, "wlc-a", {{kClusterNameLabel, "prov-irrelevant-a"}, {"team", "x"}});
       }},
      {"property",
       [&] {
         return PatchStatus(
             ns, "wlc-a",
             {{"properties", Json::array({{{"name", "aws.identity.appthrust.io.aws-region"},
                                           {"value", "us-west-2"}}})}});
       }},
      {"condition",
       [&] {
         return PatchStatus(ns, "wlc-a", {{"conditions", ControlPlaneHealthy(true)}});
       }},
      {"version",
       [&] {
         return PatchStatus(ns, "wlc-a", {{"version", {{"kubernetes", "v1.35.4"}}}});
       }},
  };
  for (const auto& change : changes) {
    SCOPED_TRACE(change.name);
    const std::string rv = change.apply();
    ASSERT_TRUE(WaitReconciled(ns, "wlc-a", rv));
    auto now = provider_->Get(key);
    ASSERT_TRUE(now.ok()) << now.error().message;
    EXPECT_EQ(*now, client);
  }
  ExpectEvents({{key, true}});
}

// Validates §6.5 "cluster-name label changed": the old logical cluster is disengaged (no other
// profile refers to it) and the new one is engaged.
TEST_F(ClusterProfileProviderTest, ClusterNameLabelChanged_MovesEngagement) {
  const std::string ns = "prov-relabel";
  const std::string old_key = "prov-relabel-old/prov-relabel-old";
  const std::string new_key = "prov-relabel-new/prov-relabel-new";
  StartProvider("relabel", {ns});
  CreateProfile(ns, "wlc", {{kClusterNameLabel, "prov-relabel-old"}}, Status(true, kProvider));
  ASSERT_NE(WaitEngaged(old_key), nullptr);

  PatchLabels(ns, "wlc", {{kClusterNameLabel, "prov-relabel-new"}});
  EXPECT_NE(WaitEngaged(new_key), nullptr);
  EXPECT_EQ(WaitNotFound(old_key), "cluster not found");
  ExpectEvents({{old_key, true}, {old_key, false}, {new_key, true}});
}

// Validates §6.3 disengage-profile with a shared logical name (§13.7): deleting one of two
// profiles carrying the same cluster-name label keeps the cluster and its client; deleting the
// second disengages it, and Get then says only "cluster not found".
TEST_F(ClusterProfileProviderTest, ProfilesSharingClusterName_DeletingOneKeepsCluster) {
  const std::string ns_a = "prov-shared-a";
  const std::string ns_b = "prov-shared-b";
  const std::string key = "prov-shared/prov-shared";
  StartProvider("shared", {ns_a, ns_b});
  const std::string rv_a =
      CreateProfile(ns_a, "target", {{kClusterNameLabel, "prov-shared"}}, Status(true, kProvider));
  const std::string rv_b =
      CreateProfile(ns_b, "target", {{kClusterNameLabel, "prov-shared"}}, Status(true, kProvider));
  auto client = WaitEngaged(key);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(WaitReconciled(ns_a, "target", rv_a));
  ASSERT_TRUE(WaitReconciled(ns_b, "target", rv_b));

  DeleteProfile(ns_a, "target");
  ASSERT_TRUE(WaitReconciled(ns_a, "target", ""));
  auto kept = provider_->Get(key);
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(*kept, client) << "the same access must keep the client when ownership moves";

  DeleteProfile(ns_b, "target");
  EXPECT_EQ(WaitNotFound(key), "cluster not found");
  ExpectEvents({{key, true}, {key, false}});
}

// Validates §6.5 "deleted": the cluster is disengaged, the listener is told, and no reason is
// left behind.
TEST_F(ClusterProfileProviderTest, ProfileDeleted_IsDisengaged) {
  const std::string ns = "prov-deleted";
  const std::string key = "prov-deleted-a/prov-deleted-a";
  StartProvider("deleted", {ns});
  CreateProfile(ns, "wlc-a", {{kClusterNameLabel, "prov-deleted-a"}}, Status(true, kProvider));
  ASSERT_NE(WaitEngaged(key), nullptr);

  DeleteProfile(ns, "wlc-a");
  EXPECT_EQ(WaitNotFound(key), "cluster not found");
  EXPECT_EQ(clusters_.Client(key), nullptr);
  ExpectEvents({{key, true}, {key, false}});
}

// Validates §6.3 step 5: a profile whose access providers name none of the file's providers is
// not engaged and Get carries the §6.3 build error; naming a known provider then engages it.
TEST_F(ClusterProfileProviderTest, ProviderNotInFile_GetExplainsBuildFailure) {
  const std::string ns = "prov-unknown";
  const std::string key = "prov-unknown-a/prov-unknown-a";
  StartProvider("unknown", {ns});
  CreateProfile(ns, "wlc-a", {{kClusterNameLabel, "prov-unknown-a"}},
                Status(true, "not-in-the-file"));

  const std::string expected =
      "cluster not found: build kubeconfig for ClusterProfile prov-unknown/wlc-a: build "
      "kubeconfig from ClusterProfile: no matching cluster accessor found for cluster profile "
      "\"wlc-a\"";
  ASSERT_TRUE(test::WaitUntil(kEventTimeout,
                              [&] {
                                auto got = provider_->Get(key);
                                return !got.ok() && got.error().message == expected;
                              }))
      << "Get said: "
      << (provider_->Get(key).ok() ? "engaged" : provider_->Get(key).error().message);
  EXPECT_TRUE(Events().empty());

  PatchStatus(ns, "wlc-a", {{"accessProviders", Json::array({AccessEntry(kProvider)})}});
  EXPECT_NE(WaitEngaged(key), nullptr);
}

// Validates the probe that replaces the §6.3 cache-sync wait: a cluster whose exec plugin fails
// is engaged, LastError names the plugin failure and the listener hears of it; once the profile
// selects a working plugin the new client probes clean and LastError is cleared.
TEST_F(ClusterProfileProviderTest, FailingPlugin_EngagedWithLastError) {
  const std::string ns = "prov-failing";
  const std::string key = "prov-failing-a/prov-failing-a";
  StartProvider("failing", {ns});
  const std::string rv = CreateProfile(ns, "wlc-a", {{kClusterNameLabel, "prov-failing-a"}},
                                       Status(true, kFailingProvider));
  ASSERT_NE(WaitEngaged(key), nullptr);
  ASSERT_TRUE(WaitReconciled(ns, "wlc-a", rv));

  const auto error = provider_->LastError(key);
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("exec: executable " + PluginPath() + " failed with exit code 1"),
            std::string::npos)
      << *error;
  EXPECT_EQ(error->find(kPluginFailure), std::string::npos)
      << "plugin stderr must not be copied into errors";
  ExpectEvents({{key, true}, {key, true}});

  PatchStatus(ns, "wlc-a", {{"accessProviders", Json::array({AccessEntry(kProvider)})}});
  ASSERT_TRUE(test::WaitUntil(kEventTimeout,
                              [&] {
                                return provider_->Get(key).ok() &&
                                       !PluginArgs(*provider_->Get(key)).empty() &&
                                       PluginArgs(*provider_->Get(key)).front() == "--cert" &&
                                       !provider_->LastError(key);
                              }))
      << "LastError stayed: " << provider_->LastError(key).value_or("");
}

// Validates the periodic re-check with the probe: when target-a goes down an engaged cluster
// stays engaged, LastError says the target cannot be reached and the listener is told; when it
// comes back the next re-check clears LastError and tells the listener again.
TEST_F(ClusterProfileProviderTest, TargetDown_ProbeReportsAndRecovers) {
  // Short, so that the re-checks come within the test's deadlines.
  constexpr auto kShortRecheck = 300ms;
  const std::string ns = "prov-down";
  const std::string key = "prov-down-a/prov-down-a";
  StartProvider("down", {ns}, kShortRecheck);
  const std::string rv =
      CreateProfile(ns, "wlc-a", {{kClusterNameLabel, "prov-down-a"}}, Status(true, kProvider));
  auto client = WaitEngaged(key);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(WaitReconciled(ns, "wlc-a", rv));
  ASSERT_EQ(provider_->LastError(key), std::nullopt);

  auto& env = test::SharedEnvironment();
  env.StopApiServer("target-a");
  const bool reported =
      test::WaitUntil(kEventTimeout, [&] { return provider_->LastError(key).has_value(); });
  const auto error = provider_->LastError(key);
  env.StartStoppedApiServer("target-a");
  ASSERT_TRUE(reported) << "no probe error while target-a was down";
  EXPECT_NE(error->find("get /version: "), std::string::npos) << *error;
  auto still = provider_->Get(key);
  ASSERT_TRUE(still.ok()) << "an unreachable target must stay engaged";
  EXPECT_EQ(*still, client);

  EXPECT_TRUE(test::WaitUntil(kEventTimeout, [&] { return !provider_->LastError(key); }))
      << "LastError stayed: " << provider_->LastError(key).value_or("");
  ExpectEvents({{key, true}, {key, true}, {key, true}});
}

// Validates the deliberate fix of §14 item 3: two healthy profiles with the same cluster-name
// label and different access do not flip-flop; the first in (namespace, name) order wins, a
// reconcile of the other keeps the client, and the other takes over when the first goes.
TEST_F(ClusterProfileProviderTest, SharedClusterNameDifferentAccess_FirstProfileWins) {
  const std::string ns_a = "prov-flip-a";
  const std::string ns_b = "prov-flip-b";
  const std::string key = "prov-flip/prov-flip";
  StartProvider("flip", {ns_a, ns_b});
  const std::string rv_b = CreateProfile(ns_b, "target", {{kClusterNameLabel, "prov-flip"}},
                                         Status(true, kProviderVariant));
  ASSERT_TRUE(WaitReconciled(ns_b, "target", rv_b));
  const std::string rv_a =
      CreateProfile(ns_a, "target", {{kClusterNameLabel, "prov-flip"}}, Status(true, kProvider));
  ASSERT_TRUE(WaitReconciled(ns_a, "target", rv_a));

  auto client = WaitEngaged(key);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(PluginArgs(client), CertArgs()) << "the first profile's access must be used";

  const std::string touched =
      PatchLabels(ns_b, "target", {{kClusterNameLabel, "prov-flip"}, {"touch", "1"}});
  ASSERT_TRUE(WaitReconciled(ns_b, "target", touched));
  auto still = provider_->Get(key);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(*still, client) << "the second profile rebuilt the shared cluster";

  DeleteProfile(ns_a, "target");
  ASSERT_TRUE(test::WaitUntil(kEventTimeout, [&] {
    auto now = provider_->Get(key);
    return now.ok() && *now != client;
  })) << "the remaining profile did not take over";
  EXPECT_EQ(PluginArgs(*provider_->Get(key)).back(), "b");
}

}  // namespace
}  // namespace awio::inventory

// The shared environment of this binary: the hub with the third-party CRDs (ClusterProfile
// among them) and one target cluster, neither with a kube-controller-manager, and no AWS
// emulator (the provider only reads ClusterProfiles and talks to the target).
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  awio::testenv::EnvironmentSpec spec;
  spec.clusters.push_back({.name = "hub", .controller_manager = false, .third_party_crds = true});
  spec.clusters.push_back({.name = "target-a", .controller_manager = false});
  spec.aws_emulator = false;
  awio::test::RegisterSharedEnvironment(spec);
  return RUN_ALL_TESTS();
}
