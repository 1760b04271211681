// The logging facade: structured records (a message plus key/value fields) written as one
// JSON object per line (the default, for log pipelines) or as readable text, at four levels.
// Stable key names live in one place (keys below). Callers must never pass a token, private
// key, AWS secret or kubeconfig credential as a field: log the object's name, not its data.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace awio::log {

// kOff is a threshold only (Configure(format, kOff) discards every record); never write at it.
enum class Level { kDebug, kInfo, kWarn, kError, kOff };
enum class Format { kJson, kText };

// Sets the output format and the minimum level; thread-safe, may be called at any time.
void Configure(Format format, Level level);
// Parses "debug", "info", "warn"/"warning", "error"; false when unknown.
bool ParseLevel(std::string_view text, Level* level);
bool Enabled(Level level);

struct Field {
  std::string_view key;
  std::string value;
};

// Writes one record to stderr: time, level, logger, message, then the fields in order.
void Write(Level level, std::string_view logger, std::string_view message,
           std::initializer_list<Field> fields = {});

inline void Debug(std::string_view logger, std::string_view message,
                  std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, logger, message, fields);
}
inline void Info(std::string_view logger, std::string_view message,
                 std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, logger, message, fields);
}
inline void Warn(std::string_view logger, std::string_view message,
                 std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kWarn)) Write(Level::kWarn, logger, message, fields);
}
inline void Error(std::string_view logger, std::string_view message,
                  std::initializer_list<Field> fields = {}) {
  if (Enabled(Level::kError)) Write(Level::kError, logger, message, fields);
}

// Field names shared across the project, so that queries can rely on them.
namespace keys {
inline constexpr std::string_view kController = "controller";
inline constexpr std::string_view kCluster = "cluster";
inline constexpr std::string_view kNamespace = "namespace";
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kKind = "kind";
inline constexpr std::string_view kError = "error";
inline constexpr std::string_view kReason = "reason";
inline constexpr std::string_view kIdentity = "identity";
}  // namespace keys

}  // namespace awio::log
