// Small helpers shared by the configuration loaders of this folder only: whole-file reads with
// errno-based messages, quoting of names for error messages, RFC 3339 timestamps and environment
// lookup. Not a public API: other layers must not include this header. Nothing here logs or throws.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace awio::kube::config_internal {

// Looks up one environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// `lookup` when set, otherwise the process environment (getenv).
std::optional<std::string> LookupEnv(const EnvLookup& lookup, const std::string& name);

// Reads a whole file. The error (kConfiguration) holds only the reason ("No such file or
// directory"); callers name the file and its role. `not_found` is set when it does not exist.
Result<std::string> ReadWholeFile(const std::string& path, bool* not_found = nullptr);

// `"text"` with quotes, backslashes and control bytes escaped, for names in messages.
std::string Quote(std::string_view text);

// Leading and trailing ASCII whitespace removed.
std::string TrimSpace(std::string_view text);

}  // namespace awio::kube::config_internal
