// The naming rules of every object this operator creates in AWS or on the hub on behalf of a
// binding or a config: DNS-safe parts, the 10-hex-digit hash tail, length bounding, the names of
// IAM roles and policies, PodIdentityAssociations, S3 buckets, OIDC provider objects and the
// signing Secret, and the labels and AWS tags stamped on them (role-controller spec §3,
// config-controller spec §3). Names are deterministic: the same inputs give the same bytes on
// every reconcile and in every replica. Pure functions over plain strings; label keys and delivery
// types come from the api layer's constants, the API types are mapped onto OwnerIdentity and
// ServiceAccountRef by the callers.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/v1alpha1/constants.h"

namespace awio::aws {

// Length of the hash tail appended to every bounded name: 10 hex digits (40 bits) keep the
// chance of two owners colliding negligible while leaving room for a readable base.
inline constexpr std::size_t kHashTailLength = 10;
// IAM CreateRole: RoleName is at most 64 characters.
inline constexpr std::size_t kIamRoleNameMaxLength = 64;
// IAM CreatePolicy: PolicyName is at most 128 characters.
inline constexpr std::size_t kIamPolicyNameMaxLength = 128;
// S3 bucket naming rules: a bucket name is 3 to 63 characters.
inline constexpr std::size_t kS3BucketNameMaxLength = 63;
// Kubernetes label values are at most 63 characters.
inline constexpr std::size_t kLabelValueMaxLength = 63;

// Prefix of every generated name, so that operator-made objects are recognisable in AWS.
inline constexpr std::string_view kNamePrefix = "awi";

// The object that owns generated children: an AWSServiceAccountRole or an
// AWSWorkloadIdentityConfig. `uid` may be empty (objects built in tests have none).
struct OwnerIdentity {
  std::string ns;
  std::string name;
  std::string uid;
};

// The ServiceAccount a role binds on the target cluster.
struct ServiceAccountRef {
  std::string ns;
  std::string name;
};

// One AWS resource tag.
struct Tag {
  std::string key;
  std::string value;
  friend bool operator==(const Tag&, const Tag&) = default;
};

// Labels by key; std::map keeps them in byte order, which is the order tags are written in.
using Labels = std::map<std::string, std::string, std::less<>>;

// `text` lower-cased, every maximal run of characters outside [a-z0-9-] replaced by one `-`
// (existing `-` are kept, never collapsed), leading and trailing `-` removed; "x" when nothing
// is left. Lower-casing follows Unicode as Go's strings.ToLower does; the only non-ASCII
// characters whose lower case is in [a-z0-9-] are U+0130 (to `i`) and U+212A KELVIN SIGN (to
// `k`), so those two are mapped and every other non-ASCII character is unsafe.
std::string SafePart(std::string_view text);

// The first kHashTailLength lower-case hex digits of SHA-256 over the raw (not sanitized)
// parts joined with `/`.
std::string HashTail(std::initializer_list<std::string_view> parts);

// `base + "-" + HashTail(hash_parts)` when that fits in `limit` bytes; otherwise the first
// `limit - kHashTailLength - 1` bytes of it with trailing `-` removed, then `-` and the tail
// (so the result can be shorter than `limit`). The tail is always appended. `limit` must exceed
// kHashTailLength + 1.
std::string Bounded(std::string_view base, std::size_t limit,
                    std::initializer_list<std::string_view> hash_parts);

// "awi", then `kind` when non-empty, then SafePart of every part, joined with `-`. Unbounded.
std::string Joined(std::string_view kind, std::initializer_list<std::string_view> parts);

// IAM role name and ACK Role object name of a binding: bounded to 64, hash over uid, ns, name.
std::string IamRoleName(const OwnerIdentity& role);
// IAM policy name and ACK Policy object name: bounded to 128, hash over uid, "policy", ns, name.
std::string IamPolicyName(const OwnerIdentity& role);
// ACK PodIdentityAssociation object name: "awi-pia-<SafePart(role name)>", no hash and no
// bound (as in the original; see role-controller spec §18 note 4).
std::string PodIdentityAssociationName(std::string_view role_name);

// S3 bucket name (and ACK Bucket object name) of a config: bounded to 63, hash over ns, region.
std::string BucketName(std::string_view config_namespace, std::string_view region);
// ACK OpenIDConnectProvider object name: "awi-oidc-<SafePart(ns)>".
std::string OidcProviderObjectName(std::string_view config_namespace);
// Name of the Secret holding a config's service-account signing key: "awi-signing-key-<name>"
// (the config name is always "default", so always "awi-signing-key-default").
std::string SigningSecretName(std::string_view config_name);

// Owner label value: SafePart(ns) + "-" + SafePart(name) bounded to 63 with the hash over the
// raw ns and name. Always a valid label value.
std::string OwnerLabelValue(std::string_view ns, std::string_view name);

// The five labels of a binding's ACK children (role-controller spec §3.6).
Labels RoleLabels(const OwnerIdentity& role, const ServiceAccountRef& service_account,
                  std::string_view delivery);
// The four labels of a config's hub children (config-controller spec §3.3).
Labels ConfigLabels(const OwnerIdentity& config, std::string_view delivery);

// AWS tags from labels: one {key, value} per label, sorted by key in byte order.
std::vector<Tag> TagsFromLabels(const Labels& labels);

}  // namespace awio::aws
