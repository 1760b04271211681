// Implementation of the loaders' shared helpers (config_support.h): OpenSSL-backed base64,
// POSIX file reads and a strict RFC 3339 parser. Holds no state.
#include "kube/config/config_support.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <system_error>

namespace awio::kube::config_internal {
namespace {

// Configuration files are small; this bound only stops a path like /dev/zero from filling memory.
constexpr size_t kMaxFileBytes = 64u << 20;

}  // namespace

std::optional<std::string> LookupEnv(const EnvLookup& lookup, const std::string& name) {
  if (lookup) return lookup(name);
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<std::string> ReadWholeFile(const std::string& path, bool* not_found) {
  if (not_found != nullptr) *not_found = false;
  const auto fail = [&](int error_number) {
    if (not_found != nullptr) *not_found = error_number == ENOENT;
    return MakeError(ErrorCode::kConfiguration, std::generic_category().message(error_number));
  };

  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(errno);

  std::string content;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      return fail(saved);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > kMaxFileBytes) {
      ::close(fd);
      return MakeError(ErrorCode::kConfiguration,
                       "file is larger than " + std::to_string(kMaxFileBytes) + " bytes");
    }
  }
  ::close(fd);
  return content;
}

std::string Quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string TrimSpace(std::string_view text) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}

}  // namespace awio::kube::config_internal
