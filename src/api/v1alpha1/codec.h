// JSON wire format of the four kinds: Decode turns an object as the API server stores it into
// the structs of types.h, Encode turns them back. A decode followed by an encode gives the
// same JSON value (key order aside): absent stays absent, `[]` and `{}` stay empty, integers
// stay integers and an int-or-string keeps its JSON type.
//
// What decoding checks is the JSON shape only: the types of fields and the presence of the
// fields the schema requires, plus `apiVersion` and `kind` when present. Patterns, bounds and
// CEL are the API server's job and are not repeated here. A failure is an awio::Error with code
// kInvalid whose message starts with the path of the offending field, for example
// `spec.placementRefs[1].rolloutStrategy.progressive.maxFailures: expected integer or string,
// got object`.
//
// Like the API server's pruning and like Go's decoder, unknown fields are dropped, except in
// metadata (kept in ObjectMeta::unmodeled) and in spec.policyDocument (kept as given, §6.3).
// A JSON null counts as an absent field (the API server prunes nulls too). Encode always writes
// `apiVersion`, `kind` and `metadata`, so an input lacking them gains them on the way back.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "api/v1alpha1/types.h"
#include "base/error.h"

namespace awio::api::v1alpha1 {

Result<OperatorConfig> DecodeOperatorConfig(const Json& object);
Result<Config> DecodeConfig(const Json& object);
Result<Role> DecodeRole(const Json& object);
Result<ReplicaSet> DecodeReplicaSet(const Json& object);

Json Encode(const OperatorConfig& object);
Json Encode(const Config& object);
Json Encode(const Role& object);
Json Encode(const ReplicaSet& object);

// The metadata on its own, e.g. for list items read as metadata only. `path` prefixes error
// messages.
Result<ObjectMeta> DecodeObjectMeta(const Json& metadata, std::string_view path = "metadata");
Json EncodeObjectMeta(const ObjectMeta& metadata);

// A RoleSpec on its own (a ReplicaSet template's spec is copied into child Roles).
Result<RoleSpec> DecodeRoleSpec(const Json& spec, std::string_view path = "spec");
Json EncodeRoleSpec(const RoleSpec& spec);

template <typename T>
inline constexpr bool kIsKind = std::is_same_v<T, OperatorConfig> || std::is_same_v<T, Config> ||
                                std::is_same_v<T, Role> || std::is_same_v<T, ReplicaSet>;

// Decode<Role>(json) and friends, for generic code (informer projections, admission).
template <typename T>
Result<T> Decode(const Json& object) {
  static_assert(kIsKind<T>, "Decode<T> is defined for the four kinds of types.h");
  if constexpr (std::is_same_v<T, OperatorConfig>) return DecodeOperatorConfig(object);
  if constexpr (std::is_same_v<T, Config>) return DecodeConfig(object);
  if constexpr (std::is_same_v<T, Role>) return DecodeRole(object);
  if constexpr (std::is_same_v<T, ReplicaSet>) return DecodeReplicaSet(object);
}

// Parses `text` as JSON and decodes it. Malformed JSON is kInvalid with the parser's position.
Result<Json> ParseJson(std::string_view text);
template <typename T>
Result<T> DecodeFromString(std::string_view text) {
  Result<Json> parsed = ParseJson(text);
  if (!parsed.ok()) return parsed.error();
  return Decode<T>(*parsed);
}

// Compact JSON text of `object`. Invalid UTF-8 in a string (which a decoded object cannot
// hold) is replaced by U+FFFD rather than failing.
std::string DumpJson(const Json& value);
template <typename T>
std::string EncodeToString(const T& object) {
  static_assert(kIsKind<T>, "EncodeToString<T> is defined for the four kinds of types.h");
  return DumpJson(Encode(object));
}

}  // namespace awio::api::v1alpha1
