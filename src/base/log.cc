// Implementation of the logging facade: records are formatted here and written to stderr
// under a mutex, one line each, so concurrent records never interleave.
#include "base/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "base/strings.h"

namespace awio::log {
namespace {

std::atomic<Format> g_format{Format::kJson};
std::atomic<Level> g_level{Level::kInfo};
std::mutex g_mu;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
    case Level::kOff:
      return "error";
  }
  return "info";
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) %
                std::chrono::seconds(1);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(millis.count()));
  return out;
}

}  // namespace

void Configure(Format format, Level level) {
  g_format = format;
  g_level = level;
}

bool ParseLevel(std::string_view text, Level* level) {
  if (text == "debug") {
    *level = Level::kDebug;
  } else if (text == "info") {
    *level = Level::kInfo;
  } else if (text == "warn" || text == "warning") {
    *level = Level::kWarn;
  } else if (text == "error") {
    *level = Level::kError;
  } else {
    return false;
  }
  return true;
}

bool Enabled(Level level) { return static_cast<int>(level) >= static_cast<int>(g_level.load()); }

void Write(Level level, std::string_view logger, std::string_view message,
           std::initializer_list<Field> fields) {
  std::string line;
  if (g_format.load() == Format::kJson) {
    line = "{\"ts\":\"" + Timestamp() + "\",\"level\":\"" + LevelName(level) + "\",\"logger\":";
    base::AppendGoJsonString(line, logger);
    line += ",\"msg\":";
    base::AppendGoJsonString(line, message);
    for (const auto& f : fields) {
      line.push_back(',');
      base::AppendGoJsonString(line, f.key);
      line.push_back(':');
      base::AppendGoJsonString(line, f.value);
    }
    line += "}\n";
  } else {
    line = Timestamp() + " " + LevelName(level) + " " + std::string(logger) + ": " +
           std::string(message);
    for (const auto& f : fields) {
      line += " " + std::string(f.key) + "=";
      bool quote = f.value.find_first_of(" \t\"=") != std::string::npos || f.value.empty();
      if (quote) {
        base::AppendGoJsonString(line, f.value);
      } else {
        line += f.value;
      }
    }
    line += "\n";
  }
  std::lock_guard lock(g_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace awio::log
