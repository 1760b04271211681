// Wall-clock instants as Kubernetes and AWS write them: RFC 3339 in UTC, with whole seconds
// (metav1.Time, AWS expirations) or microseconds (metav1.MicroTime), and a parser for every
// RFC 3339 form these peers send (`Z` or a numeric offset, optional fraction up to
// nanoseconds, `T`/`Z` in either case). Pure functions; nothing here reads the clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace awio::base {

using WallTime = std::chrono::system_clock::time_point;

// "2026-12-03T19:00:00Z": UTC, whole seconds (the fraction is dropped).
std::string FormatRfc3339(WallTime time);
// "2026-12-03T19:00:00.123456Z": UTC, microseconds.
std::string FormatRfc3339Micros(WallTime time);
// Parses RFC 3339; nullopt when `text` is not a valid date-time (bad field, impossible date,
// offset out of range, trailing text).
std::optional<WallTime> ParseRfc3339(std::string_view text);

}  // namespace awio::base
