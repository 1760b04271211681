// Implementation of the sample mirror controller.
#include "integration/runtime/mirror_controller.h"

#include <openssl/evp.h>

namespace awio::test {
namespace {

using kube::Json;

std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

MirrorController::MirrorController(std::shared_ptr<kube::Client> client, std::string ns)
    : client_(std::move(client)), ns_(std::move(ns)) {
  configmaps_ = runtime::MakeJsonInformer(client_, {.resource = kube::resources::kConfigMaps,
                                                    .ns = ns_,
                                                    .label_selector = "awio.test/mirror=true"});
  secrets_ = runtime::MakeJsonInformer(
      client_,
      {.resource = kube::resources::kSecrets, .ns = ns_, .label_selector = "awio.test/mirror-of"});
  controller_ = std::make_unique<runtime::Controller>(
      "mirror", [this](const runtime::Request& r) { return Reconcile(r); },
      runtime::ControllerOptions{.workers = 2});
  controller_->For(*configmaps_);
  controller_->Owns(*secrets_, "", "ConfigMap");
}

MirrorController::~MirrorController() { Stop(std::chrono::seconds(5)); }

void MirrorController::Start() {
  configmaps_->Start();
  secrets_->Start();
  controller_->Start();
}

bool MirrorController::Stop(std::chrono::milliseconds deadline) {
  bool drained = controller_->Stop(deadline);
  configmaps_->Stop();
  secrets_->Stop();
  return drained;
}

bool MirrorController::WaitForSync(std::chrono::milliseconds timeout) {
  return configmaps_->WaitForSync(timeout) && secrets_->WaitForSync(timeout);
}

Result<runtime::ReconcileResult> MirrorController::Reconcile(const runtime::Request& request) {
  ++reconciles_;
  if (on_reconcile_) on_reconcile_(request);
  auto source = configmaps_->Get({request.ns, request.name});
  if (!source) return runtime::ReconcileResult::Done();  // gone: the GC removes the mirror

  Json data = Json::object();
  const Json& source_data = (*source).contains("data") ? (*source)["data"] : data;
  for (auto it = source_data.begin(); it != source_data.end(); ++it) {
    data[it.key()] = Base64(it.value().get<std::string>());
  }
  const auto& meta = (*source)["metadata"];
  Json owner = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", request.name},
                {"uid", meta["uid"]}, {"controller", true},  {"blockOwnerDeletion", true}};
  auto existing = secrets_->Get({request.ns, request.name});
  if (existing && (*existing).value("data", Json::object()) == data &&
      (*existing)["metadata"].value("ownerReferences", Json::array()) == Json::array({owner})) {
    return runtime::ReconcileResult::Done();  // nothing to write
  }
  Json desired = {{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata",
                   {{"name", request.name},
                    {"namespace", request.ns},
                    {"labels", {{"awio.test/mirror-of", request.name}}},
                    {"ownerReferences", {owner}}}},
                  {"data", data}};
  auto applied = client_->Apply(kube::resources::kSecrets, request.ns, desired,
                                {.field_manager = "awio-mirror", .force = true});
  if (!applied.ok()) return applied.error();
  ++writes_;
  return runtime::ReconcileResult::Done();
}

}  // namespace awio::test
