// The fixed names, durations and limits of the remote pod identity webhook runtime that the
// operator keeps on a SelfHostedIRSA target cluster (spec config-controller.md §1, §9): object
// names, the default namespace and image, certificate lifetimes and the renewal schedule.
// Header-only; no behaviour lives here.
#pragma once

#include <chrono>
#include <string_view>

namespace awio::webhookruntime {

// Namespace of the runtime when the operator config does not name one.
inline constexpr std::string_view kDefaultNamespace = "aws-pod-identity-webhook";
// Image of the webhook container when the manager flag does not name one.
inline constexpr std::string_view kDefaultImage =
    "public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.15";
// Name of every runtime object except the CA Secret, and value of app.kubernetes.io/name.
inline constexpr std::string_view kComponentName = "pod-identity-webhook";
// Label naming the component: part of the runtime labels and the Deployment's pod selector.
inline constexpr std::string_view kAppNameLabel = "app.kubernetes.io/name";
// The CA Secret; also the CA certificate's common name and only DNS name.
inline constexpr std::string_view kCASecretName = "pod-identity-webhook-ca";
// The single webhook entry inside the MutatingWebhookConfiguration.
inline constexpr std::string_view kWebhookEntryName = "pod-identity-webhook.amazonaws.com";
// Pods carrying this label (any value) are not mutated; the webhook's own pods carry it.
inline constexpr std::string_view kSkipPodLabel = "eks.amazonaws.com/skip-pod-identity-webhook";
// Name of the container the operator owns inside the Deployment; other containers are kept.
inline constexpr std::string_view kWebhookContainerName = "webhook";
// Name of the pod volume holding the serving Secret; other volumes are kept.
inline constexpr std::string_view kCertVolumeName = "cert";
// Audience the webhook writes into projected tokens; what STS expects.
inline constexpr std::string_view kTokenAudience = "sts.amazonaws.com";

// Data keys of the two Secrets.
inline constexpr std::string_view kCACertKey = "ca.crt";
inline constexpr std::string_view kCAKeyKey = "ca.key";
inline constexpr std::string_view kTLSCertKey = "tls.crt";
inline constexpr std::string_view kTLSKeyKey = "tls.key";
// Secret types.
inline constexpr std::string_view kOpaqueSecretType = "Opaque";
inline constexpr std::string_view kTLSSecretType = "kubernetes.io/tls";

// Lifetime of the self-signed CA (client-go's self-signed CA helper uses ten years).
inline constexpr std::chrono::hours kCAValidity{24 * 365 * 10};
// Lifetime of the serving certificate.
inline constexpr std::chrono::hours kServingValidity{24 * 365};
// A certificate is replaced once it has less than this left, well before pods see it expire.
inline constexpr std::chrono::hours kRenewalThreshold{24 * 30};
// NotBefore is backdated by this much so that nodes with a slow clock accept a new certificate.
inline constexpr std::chrono::minutes kClockSkewBackdate{5};
// Bounds of the renewal wake-up: never busier than once a minute, never idler than once a day.
inline constexpr std::chrono::minutes kMinRenewalDelay{1};
inline constexpr std::chrono::hours kMaxRenewalDelay{24};
// Retry interval while the runtime is not ready (bootstrap pending, Deployment rolling out).
inline constexpr std::chrono::milliseconds kReadinessRetry{30'000};

}  // namespace awio::webhookruntime
