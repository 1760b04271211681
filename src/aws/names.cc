// Naming rules: DNS-safe parts, hash tails, bounded names, labels and tags.
#include "aws/names.h"

#include "base/encoding.h"

namespace awio::aws {
namespace {

// UTF-8 of the two non-ASCII characters whose Unicode lower case is an ASCII letter.
constexpr std::string_view kCapitalIWithDot = "\xC4\xB0";  // U+0130 -> 'i'
constexpr std::string_view kKelvinSign = "\xE2\x84\xAA";   // U+212A -> 'k'

bool IsSafe(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

}  // namespace

std::string SafePart(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_unsafe_run = false;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    std::size_t width = 1;
    if (text.substr(i, kCapitalIWithDot.size()) == kCapitalIWithDot) {
      c = 'i';
      width = kCapitalIWithDot.size();
    } else if (text.substr(i, kKelvinSign.size()) == kKelvinSign) {
      c = 'k';
      width = kKelvinSign.size();
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    i += width;
    // Every other byte of a multi-byte character is >= 0x80 and so unsafe: a run of unsafe
    // bytes is a run of unsafe characters, whatever their encoding.
    if (IsSafe(c)) {
      out += c;
      in_unsafe_run = false;
    } else if (!in_unsafe_run) {
      out += '-';
      in_unsafe_run = true;
    }
  }
  const std::size_t first = out.find_first_not_of('-');
  if (first == std::string::npos) return "x";
  const std::size_t last = out.find_last_not_of('-');
  return out.substr(first, last - first + 1);
}

std::string HashTail(std::initializer_list<std::string_view> parts) {
  std::string joined;
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) joined += '/';
    joined += part;
    first = false;
  }
  return base::Sha256Hex(joined).substr(0, kHashTailLength);
}

std::string Bounded(std::string_view base, std::size_t limit,
                    std::initializer_list<std::string_view> hash_parts) {
  const std::string tail = HashTail(hash_parts);
  std::string full = std::string(base) + "-" + tail;
  if (full.size() <= limit) return full;
  std::string prefix = full.substr(0, limit - tail.size() - 1);
  while (!prefix.empty() && prefix.back() == '-') prefix.pop_back();
  return prefix + "-" + tail;
}

std::string Joined(std::string_view kind, std::initializer_list<std::string_view> parts) {
  std::string out(kNamePrefix);
  if (!kind.empty()) out.append("-").append(kind);
  for (std::string_view part : parts) out.append("-").append(SafePart(part));
  return out;
}

std::string IamRoleName(const OwnerIdentity& role) {
  return Bounded(Joined("", {role.ns, role.name}), kIamRoleNameMaxLength,
                 {role.uid, role.ns, role.name});
}

std::string IamPolicyName(const OwnerIdentity& role) {
  return Bounded(Joined("pol", {role.ns, role.name}), kIamPolicyNameMaxLength,
                 {role.uid, "policy", role.ns, role.name});
}

std::string PodIdentityAssociationName(std::string_view role_name) {
  return Joined("pia", {role_name});
}

std::string BucketName(std::string_view config_namespace, std::string_view region) {
  return Bounded(Joined("", {config_namespace, region}), kS3BucketNameMaxLength,
                 {config_namespace, region});
}

std::string OidcProviderObjectName(std::string_view config_namespace) {
  return Joined("oidc", {config_namespace});
}

std::string SigningSecretName(std::string_view config_name) {
  return Joined("signing-key", {config_name});
}

std::string OwnerLabelValue(std::string_view ns, std::string_view name) {
  return Bounded(SafePart(ns) + "-" + SafePart(name), kLabelValueMaxLength, {ns, name});
}

Labels RoleLabels(const OwnerIdentity& role, const ServiceAccountRef& service_account,
                  std::string_view delivery) {
  return {
      {std::string(api::v1alpha1::label::kManagedBy),
       std::string(api::v1alpha1::label::kManagedByValue)},
      {std::string(api::v1alpha1::label::kOwnerRef), OwnerLabelValue(role.ns, role.name)},
      {std::string(api::v1alpha1::label::kBindingUID), role.uid},
      {std::string(api::v1alpha1::label::kServiceAccount),
       OwnerLabelValue(service_account.ns, service_account.name)},
      {std::string(api::v1alpha1::label::kDelivery), std::string(delivery)},
  };
}

Labels ConfigLabels(const OwnerIdentity& config, std::string_view delivery) {
  return {
      {std::string(api::v1alpha1::label::kManagedBy),
       std::string(api::v1alpha1::label::kManagedByValue)},
      {std::string(api::v1alpha1::label::kOwnerRef), OwnerLabelValue(config.ns, config.name)},
      {std::string(api::v1alpha1::label::kConfigUID), config.uid},
      {std::string(api::v1alpha1::label::kDelivery), std::string(delivery)},
  };
}

std::vector<Tag> TagsFromLabels(const Labels& labels) {
  std::vector<Tag> tags;
  tags.reserve(labels.size());
  for (const auto& [key, value] : labels) tags.push_back({key, value});
  return tags;
}

}  // namespace awio::aws
