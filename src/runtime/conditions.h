// Condition semantics on `status.conditions` arrays, as apimachinery's meta.SetStatusCondition
// defines them: one entry per type, kept in order, lastTransitionTime moving only when the
// status flips. Also owns the sanitizing of messages that go into conditions (and event notes),
// so that retries of a failing AWS call do not churn status with rotating request ids, and the
// Kubernetes wire formats for time stamps (metav1.Time and metav1.MicroTime). It edits JSON in
// memory only; writing status is status.h's business. Time comes from the caller (no clock is
// read here), so every function is deterministic.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"

namespace awio::runtime {

using Json = nlohmann::json;
using WallTime = std::chrono::system_clock::time_point;

// Condition status values (metav1.ConditionStatus).
inline constexpr std::string_view kConditionTrue = "True";
inline constexpr std::string_view kConditionFalse = "False";
inline constexpr std::string_view kConditionUnknown = "Unknown";

// Longest message SanitizeMessage keeps by default. The API allows 32 KiB per condition
// message, but a message longer than this is a log, not a status line: users read conditions
// in `kubectl get -o wide` and every byte is stored and watched by every client.
inline constexpr std::size_t kMaxConditionMessageBytes = 1024;
// Appended to a message that SanitizeMessage cut; counted within the byte limit.
inline constexpr std::string_view kTruncationMarker = " ...[truncated]";

// One entry of status.conditions (metav1.Condition).
struct Condition {
  std::string type;                      // CamelCase, e.g. "Ready"
  std::string status;                    // kConditionTrue, kConditionFalse or kConditionUnknown
  std::int64_t observed_generation = 0;  // 0: not written (omitempty, as in metav1)
  std::string reason;                    // CamelCase, machine readable
  std::string message;                   // human readable; pass it through SanitizeMessage
  // In SetCondition: when left at the epoch, `now` is stamped where a transition happens;
  // when set, it is used instead (as apimachinery honours a caller-set LastTransitionTime).
  // In FindCondition: the stored time, or the epoch when absent or unparseable.
  WallTime last_transition_time{};
};

// Sets `condition` in `conditions` (the status.conditions array; null is treated as empty and
// becomes an array, any other non-array value is replaced by one). A new type is appended with
// lastTransitionTime = now. For an existing type, lastTransitionTime changes only when status
// changes; reason, message and observedGeneration are updated in place; the order of entries
// and any fields this struct does not know are kept. An existing entry without a
// lastTransitionTime (the schema requires one) gets `now`. Returns whether anything changed.
bool SetCondition(Json& conditions, const Condition& condition, WallTime now);

// The condition of `type` in `conditions`, or nullopt when absent (or `conditions` is not an
// array). Fields of the wrong JSON type read as empty.
std::optional<Condition> FindCondition(const Json& conditions, std::string_view type);

// Whether the condition of `type` exists and has status "True".
bool IsConditionTrue(const Json& conditions, std::string_view type);

// Removes every entry of `type`; returns whether one was removed.
bool RemoveCondition(Json& conditions, std::string_view type);

// Makes `text` fit for a condition message or event note, so that the same failure always
// yields the same bytes:
//   - invalid UTF-8 is replaced by U+FFFD (the JSON encoder would refuse it);
//   - rotating identifiers are removed: AWS request ids ("RequestId: <uuid>", "request id: ..",
//     "RequestID=..", "x-amz-request-id: ..", "Extended Request ID: ..") and S3 host ids
//     ("HostId: <base64>"), with the separator that joined them to the rest of the text;
//   - leading and trailing white space is trimmed;
//   - text longer than `max_bytes` is cut on a UTF-8 character boundary and ends with
//     kTruncationMarker, the whole staying within `max_bytes`.
// It does not find secrets: callers must not pass credentials or tokens in the first place.
std::string SanitizeMessage(std::string_view text,
                            std::size_t max_bytes = kMaxConditionMessageBytes);

// metav1.Time and metav1.MicroTime are written and read by the base layer's RFC 3339 helpers.
using base::FormatRfc3339;
using base::FormatRfc3339Micros;
using base::ParseRfc3339;

}  // namespace awio::runtime
