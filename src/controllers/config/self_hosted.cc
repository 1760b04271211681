// The SelfHostedIRSA components of the config reconciler (config-controller.md §5, §8.5): the
// issuer flow (signing Secret, ACK Bucket, S3 publication, ACK OpenIDConnectProvider), the
// remote webhook runtime flow, and this implementation's check that the target cluster issues
// tokens our published JWKS verifies. The spec runs the issuer and runtime flows concurrently
// on copies of the config and merges them; they touch disjoint status fields, so running them
// one after the other on the same status gives the same result without extra threads.
#include <optional>

#include "api/v1alpha1/constants.h"
#include "aws/ack_objects.h"
#include "aws/ack_status.h"
#include "aws/names.h"
#include "base/encoding.h"
#include "base/log.h"
#include "base/strings.h"
#include "base/time.h"
#include "controllers/ack_resources.h"
#include "controllers/config/pass.h"
#include "controllers/config/reconciler.h"
#include "oidc/documents.h"
#include "oidc/keys.h"
#include "oidc/publisher.h"
#include "runtime/conditions.h"
#include "webhookruntime/runtime.h"

namespace awio::controllers::config {
namespace {

namespace v1 = api::v1alpha1;
namespace cond = api::v1alpha1::condition;
namespace rsn = api::v1alpha1::reason;

constexpr std::string_view kLogger = "config-controller";

// The target API server's own issuer discovery and key set (KEP-1393 endpoints).
constexpr std::string_view kTargetDiscoveryPath = "/.well-known/openid-configuration";
constexpr std::string_view kTargetJwksPath = "/openid/v1/jwks";

// Base64-decoded Secret data value, or "" when absent or not base64.
std::string SecretData(const kube::Json& secret, std::string_view key) {
  if (!secret.contains("data") || !secret["data"].is_object()) return {};
  auto it = secret["data"].find(std::string(key));
  if (it == secret["data"].end() || !it->is_string()) return {};
  auto decoded = Base64Decode(it->get<std::string>());
  return decoded ? *decoded : std::string();
}

// Whether a remote failure means "cannot talk to the cluster" (network, timeouts, credentials
// that the exec plugin or the server refused) rather than a refusal of what we sent.
bool IsRemoteUnreachable(const Error& error) {
  switch (error.code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kTimeout:
    case ErrorCode::kUnauthorized:
    case ErrorCode::kConfiguration:
      return true;
    default:
      return false;
  }
}

}  // namespace

Status Reconciler::ReconcileSelfHostedIssuer(Pass& pass) {
  const std::string bucket = aws::BucketName(pass.ns(), pass.config.spec.region);
  kube::Json& issuer_status = pass.status["selfHostedIssuer"];
  if (!issuer_status.is_object()) issuer_status = kube::Json::object();
  issuer_status["bucketName"] = bucket;
  const std::string host_path = oidc::IssuerHostPath(bucket, pass.config.spec.region);
  pass.status["issuerHostPath"] = host_path;
  const aws::OwnerIdentity owner{pass.ns(), pass.name(), pass.uid()};

  // Failure handling of §8.5.1 step 12: conditions already written for this generation stay;
  // the others become IssuerReconcileFailed with the sanitised message.
  auto fail = [&](const Error& error, std::string full) -> Status {
    const std::string message = oidc::SanitizedPublisherMessage(full, error);
    for (std::string_view type : {cond::kBucketReady, cond::kOIDCObjectsPublished,
                                  cond::kIAMProviderReady, cond::kIssuerReady}) {
      auto existing = runtime::FindCondition(pass.status["conditions"], type);
      if (existing && existing->observed_generation == pass.generation) continue;
      SetCondition(pass, type, false, rsn::kIssuerReconcileFailed, message);
    }
    Error e = error;
    e.message = std::move(full);
    return e;
  };

  // Signing Secret (§5.1).
  const std::string secret_name = aws::SigningSecretName(pass.name());
  auto secret = options_.hub->Get(kube::resources::kSecrets, pass.ns(), secret_name);
  kube::Json observed_secret;
  if (secret.ok()) {
    observed_secret = std::move(secret.value());
  } else if (secret.error().code != ErrorCode::kNotFound) {
    return fail(secret.error(), "reconcile signing Secret: " + secret.error().ToString());
  }
  std::string public_pem = SecretData(observed_secret, aws::kSigningPublicKeyDataKey);
  const std::string private_pem = SecretData(observed_secret, aws::kSigningPrivateKeyDataKey);
  aws::SigningSecretInput secret_input{.config = owner, .delivery = pass.type()};
  const std::string key_source = "Secret " + pass.ns() + "/" + secret_name + " key " +
                                 std::string(aws::kSigningPublicKeyDataKey);
  if (!public_pem.empty() && !private_pem.empty()) {
    auto kid = oidc::KeyIdFromPublicKeyPem(public_pem, key_source);
    if (!kid.ok()) return fail(kid.error(), "reconcile signing Secret: " + kid.error().message);
    secret_input.key_id = *kid;
  } else {
    auto generated = oidc::GenerateSigningKey();
    if (!generated.ok()) {
      return fail(generated.error(), "reconcile signing Secret: " + generated.error().message);
    }
    secret_input.key_id = generated->key_id;
    secret_input.generated =
        aws::SigningKeyMaterial{generated->private_key_pem, generated->public_key_pem};
    public_pem = generated->public_key_pem;
  }
  auto applied_secret = ApplyHubChild(pass, "Secret", kube::resources::kSecrets,
                                      aws::BuildSigningSecret(secret_input));
  if (!applied_secret.ok()) {
    return fail(applied_secret.error(),
                "reconcile signing Secret: " + applied_secret.error().ToString());
  }
  public_pem = SecretData(*applied_secret, aws::kSigningPublicKeyDataKey);
  const std::string kid = (*applied_secret)["metadata"]
                              .value("annotations", kube::Json::object())
                              .value(std::string(aws::kSigningKeyIdAnnotation), "");
  if (public_pem.empty() || kid.empty()) {
    Error e = MakeError(ErrorCode::kInternal, "signing Secret has no public key or key id");
    return fail(e, "reconcile signing Secret: " + e.message);
  }
  pass.signing_public_key_pem = public_pem;

  // Publication (§6).
  auto publication =
      oidc::RenderPublication(oidc::IssuerUrl(host_path), public_pem, kid, key_source);
  if (!publication.ok()) {
    const std::string full =
        "render self-hosted OIDC issuer publication: " + publication.error().message;
    const std::string message = oidc::SanitizedPublisherMessage(full, publication.error());
    SetCondition(pass, cond::kOIDCObjectsPublished, false, rsn::kOIDCObjectsPublishFailed, message);
    SetCondition(pass, cond::kIssuerReady, false, rsn::kOIDCObjectsPublishFailed, message);
    // Step 12 applies here too: issuer conditions of older generations fail as well.
    return fail(publication.error(), full);
  }
  pass.publication = *publication;

  // ACK Bucket (§4.3).
  auto desired_bucket = aws::BuildBucket({.config = owner,
                                          .delivery = pass.type(),
                                          .region = pass.config.spec.region,
                                          .bucket_name = bucket});
  if (!desired_bucket.ok()) {
    return fail(desired_bucket.error(),
                "build self-hosted issuer bucket: " + desired_bucket.error().message);
  }
  auto applied_bucket = ApplyHubChild(pass, "Bucket", kAckBucketResource, *desired_bucket);
  if (!applied_bucket.ok()) return fail(applied_bucket.error(), applied_bucket.error().ToString());
  const bool bucket_synced = aws::IsAckSynced(*applied_bucket);
  if (bucket_synced) {
    SetCondition(pass, cond::kBucketReady, true, rsn::kACKResourceSynced,
                 "S3 Bucket is synced by ACK");
  } else {
    SetCondition(pass, cond::kBucketReady, false, rsn::kACKResourceNotSynced,
                 "waiting for ACK S3 Bucket sync");
  }
  pass.status["ackResources"] = kube::Json::array({aws::AckResourceEntry(*applied_bucket)});
  if (!bucket_synced) {
    issuer_status.erase("publication");
    SetCondition(pass, cond::kOIDCObjectsPublished, false, rsn::kWaitingForACK,
                 "waiting for ACK S3 Bucket sync before publishing OIDC objects");
    SetCondition(pass, cond::kIAMProviderReady, false, rsn::kWaitingForACK,
                 "waiting for OIDC discovery objects before reconciling IAM OpenIDConnectProvider");
    SetCondition(pass, cond::kIssuerReady, false, rsn::kWaitingForACK, "waiting for ACK resources");
    return OkStatus();
  }

  // S3 objects (§7.2).
  if (!options_.publishers) {
    std::string text(oidc::kPublisherNotConfiguredMessage);
    if (!options_.publishers_unavailable.empty()) text += ": " + options_.publishers_unavailable;
    Error e = MakeError(ErrorCode::kConfiguration, text);
    return fail(e, e.message);
  }
  auto publisher = options_.publishers->ForRegion(pass.config.spec.region);
  if (!publisher.ok()) return fail(publisher.error(), publisher.error().message);
  auto ensured = (*publisher)->Ensure(bucket, *publication);
  if (!ensured.ok()) {
    const std::string full = "publish self-hosted OIDC issuer objects: " + ensured.error().message;
    const std::string message = oidc::SanitizedPublisherMessage(full, ensured.error());
    SetCondition(pass, cond::kOIDCObjectsPublished, false, rsn::kOIDCObjectsPublishFailed, message);
    SetCondition(pass, cond::kIssuerReady, false, rsn::kOIDCObjectsPublishFailed, message);
    // Step 12 applies here too: issuer conditions of older generations fail as well.
    return fail(ensured.error(), full);
  }
  if (ensured->changed) {
    log::Info(kLogger, "published OIDC issuer objects",
              {{"config", pass.ns() + "/" + pass.name()}, {"bucket", bucket}});
  }
  issuer_status["publication"] = {{"bucketName", bucket},
                                  {"issuerURL", publication->issuer_url},
                                  {"signingKeyID", publication->signing_key_id},
                                  {"objectSetDigest", publication->object_set_digest}};
  SetCondition(pass, cond::kOIDCObjectsPublished, true, rsn::kOIDCObjectsPublished,
               "self-hosted OIDC discovery and JWKS objects are published");

  // ACK OpenIDConnectProvider (§4.4, §8.5.1 steps 10-11).
  kube::Json desired_provider = aws::BuildOidcProvider(
      {.config = owner, .delivery = pass.type(), .issuer_host_path = host_path});
  auto applied_provider =
      ApplyHubChild(pass, "OpenIDConnectProvider", kAckOidcProviderResource, desired_provider);
  if (!applied_provider.ok()) {
    return fail(applied_provider.error(), applied_provider.error().ToString());
  }
  const bool provider_synced = SetIamProviderReady(pass, *applied_provider);
  const std::string arn = aws::AckArn(*applied_provider);
  pass.status["ackResources"].push_back(aws::AckResourceEntry(*applied_provider));
  if (provider_synced && !arn.empty()) {
    SetCondition(pass, cond::kIssuerReady, true, rsn::kReady,
                 "self-hosted issuer resources are synced");
  } else {
    SetCondition(pass, cond::kIssuerReady, false, rsn::kWaitingForACK, "waiting for ACK resources");
  }
  return OkStatus();
}

Result<runtime::ReconcileResult> Reconciler::ReconcileSelfHostedRuntime(Pass& pass) {
  if (!pass.resolution.ready) {
    SetCondition(pass, cond::kWebhookRuntimeReady, false, pass.resolution.reason,
                 pass.resolution.message);
    return runtime::ReconcileResult::RequeueAfter(kTransientRequeue);
  }
  const std::string& cluster_key = pass.resolution.cluster_name;
  Result<std::shared_ptr<kube::Client>> remote =
      options_.remote ? options_.remote(cluster_key)
                      : Result<std::shared_ptr<kube::Client>>(
                            MakeError(ErrorCode::kConfiguration, "no multicluster provider"));
  if (!remote.ok()) {
    const std::string text = "get remote cluster " + cluster_key + ": " + remote.error().message;
    SetCondition(pass, cond::kWebhookRuntimeReady, false, rsn::kRemoteClusterUnavailable, text);
    if (remote.error().code == ErrorCode::kNotFound) {
      return runtime::ReconcileResult::RequeueAfter(kTransientRequeue);
    }
    return MakeError(remote.error().code,
                     "resolve remote cluster for self-hosted webhook runtime: " + text);
  }

  webhookruntime::ApplyOptions apply_options;
  apply_options.ns = pass.webhook_namespace;
  apply_options.image = options_.webhook_image;
  apply_options.now = [this] { return Now(); };
  apply_options.on_object = [this](std::string_view resource, std::string_view result,
                                   std::string_view reason) {
    if (options_.metrics != nullptr) {
      options_.metrics->RemoteDelivery(v1::delivery::kSelfHostedIRSA, resource, result, reason);
    }
  };
  webhookruntime::ApplyResult applied = webhookruntime::Apply(**remote, apply_options);
  SetOrErase(pass.status, "webhookRuntimeNamespace", applied.outcome.ns);
  SetOrErase(pass.status, "webhookRuntimeCertNotAfter",
             applied.outcome.cert_not_after ? FormatRfc3339(*applied.outcome.cert_not_after) : "");

  if (applied.error) {
    const bool unmanaged = webhookruntime::IsUnmanagedError(*applied.error);
    const std::string text = applied.error->ToString();
    if (!unmanaged && IsRemoteUnreachable(*applied.error)) {
      // The target is down or its credentials fail: park the config and look again soon, rather
      // than backing off exponentially (the cluster's return is what matters).
      SetCondition(pass, cond::kWebhookRuntimeReady, false, rsn::kRemoteClusterUnavailable,
                   "remote cluster " + cluster_key + " is unavailable: " + text);
      return runtime::ReconcileResult::RequeueAfter(kTransientRequeue);
    }
    SetCondition(pass, cond::kWebhookRuntimeReady, false,
                 unmanaged ? rsn::kRemoteRuntimeUnmanaged : rsn::kWebhookRuntimeApplyFailed, text);
    Error e = *applied.error;
    e.message = "apply self-hosted webhook runtime: " + text;
    return e;
  }
  if (pass.publication) VerifyTargetIssuer(pass, **remote);
  std::chrono::milliseconds renewal{0};
  if (applied.outcome.cert_not_after) {
    renewal = webhookruntime::RenewalDelay(*applied.outcome.cert_not_after, Now());
  }
  if (!applied.outcome.ready) {
    SetCondition(pass, cond::kWebhookRuntimeReady, false, applied.outcome.reason,
                 applied.outcome.message);
    auto delay = applied.outcome.readiness_retry;
    if (renewal.count() > 0 && renewal < delay) delay = renewal;
    return runtime::ReconcileResult::RequeueAfter(delay);
  }
  SetCondition(pass, cond::kWebhookRuntimeReady, true, rsn::kWebhookRuntimeSynced,
               "remote self-hosted webhook runtime is synced and serving-ready");
  return runtime::ReconcileResult::RequeueAfter(
      renewal.count() > 0 ? renewal : applied.outcome.readiness_retry);
}

void Reconciler::VerifyTargetIssuer(Pass& pass, kube::Client& remote) {
  const std::string expected_issuer = pass.publication->issuer_url;
  auto unavailable = [&](const std::string& why) {
    SetCondition(pass, kConditionTargetIssuerVerified, false, kReasonIssuerDiscoveryUnavailable,
                 "cannot read the target cluster's service-account issuer discovery: " + why);
  };
  auto fetch = [&](std::string_view path, std::string_view accept) -> Result<kube::Json> {
    auto response =
        remote.Do({.method = "GET", .path = std::string(path), .accept = std::string(accept)},
                  "get " + std::string(path) + " of the target cluster", true);
    if (!response.ok()) return response.error();
    if (response->status != 200) {
      return MakeError(ErrorCode::kInternal,
                       "get " + std::string(path) + ": HTTP " + std::to_string(response->status));
    }
    auto parsed = kube::Json::parse(response->body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      return MakeError(ErrorCode::kInvalid, "get " + std::string(path) + ": not a JSON object");
    }
    return parsed;
  };

  auto discovery = fetch(kTargetDiscoveryPath, "application/json");
  if (!discovery.ok()) return unavailable(discovery.error().ToString());
  const std::string target_issuer = discovery->value("issuer", "");
  if (target_issuer != expected_issuer) {
    SetCondition(
        pass, kConditionTargetIssuerVerified, false, kReasonIssuerMismatch,
        "the target cluster issues service-account tokens for issuer " + GoQuote(target_issuer) +
            " but the published issuer is " + GoQuote(expected_issuer) +
            "; start the target's kube-apiserver with --service-account-issuer=" + expected_issuer);
    return;
  }
  auto jwks = fetch(kTargetJwksPath, "application/jwk-set+json");
  if (!jwks.ok()) return unavailable(jwks.error().ToString());
  auto ours = oidc::ParsePublicKeyPem(pass.signing_public_key_pem, "the signing Secret");
  if (!ours.ok()) return unavailable(ours.error().message);
  const std::string n = Base64UrlEncode(ours->modulus);
  const std::string e = Base64UrlEncode(ours->exponent);
  bool found = false;
  if (jwks->contains("keys") && (*jwks)["keys"].is_array()) {
    for (const auto& key : (*jwks)["keys"]) {
      if (key.is_object() && key.value("n", "") == n && key.value("e", "") == e) found = true;
    }
  }
  if (!found) {
    SetCondition(pass, kConditionTargetIssuerVerified, false, kReasonSigningKeyMismatch,
                 "the target cluster does not sign service-account tokens with the published key " +
                     pass.publication->signing_key_id +
                     "; give its kube-apiserver the key pair of Secret " + pass.ns() + "/" +
                     aws::SigningSecretName(pass.name()) +
                     " (--service-account-signing-key-file and --service-account-key-file), or "
                     "pre-create that Secret with the cluster's own key pair");
    return;
  }
  SetCondition(pass, kConditionTargetIssuerVerified, true, kReasonIssuerVerified,
               "the target cluster's issuer and signing key match the published issuer");
}

}  // namespace awio::controllers::config
