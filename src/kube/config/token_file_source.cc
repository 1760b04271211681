// Implementation of TokenFileSource (token_file_source.h): stat on every call, read only when
// the file changed. The stamp is taken from the opened descriptor so it always describes the
// bytes that were read.
#include "kube/config/token_file_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include "kube/config/config_support.h"

namespace awio::kube {
namespace {

// A token file is a few kilobytes at most; the bound stops a wrong path from filling memory.
constexpr size_t kMaxTokenFileBytes = 1u << 20;

}  // namespace

TokenFileSource::TokenFileSource(std::string path) : path_(std::move(path)) {}

Result<Credential> TokenFileSource::Current() {
  std::lock_guard lock(mutex_);

  const auto stamp_of = [](const struct stat& st) {
    return FileStamp{.device = st.st_dev,
                     .inode = st.st_ino,
                     .size = st.st_size,
                     .mtime_seconds = st.st_mtim.tv_sec,
                     .mtime_nanoseconds = st.st_mtim.tv_nsec};
  };
  const auto fail = [&](const std::string& problem) -> Result<Credential> {
    if (cached_) return *cached_;
    return MakeError(ErrorCode::kConfiguration, Describe() + ": " + problem);
  };

  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    return fail("cannot read: " + std::generic_category().message(errno));
  }
  if (cached_ && stamp_ && *stamp_ == stamp_of(st)) return *cached_;

  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("cannot read: " + std::generic_category().message(errno));
  struct stat opened {};
  if (::fstat(fd, &opened) != 0) {
    const int saved = errno;
    ::close(fd);
    return fail("cannot read: " + std::generic_category().message(saved));
  }
  std::string content;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      return fail("cannot read: " + std::generic_category().message(saved));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > kMaxTokenFileBytes) {
      ::close(fd);
      return fail("file is larger than " + std::to_string(kMaxTokenFileBytes) + " bytes");
    }
  }
  ::close(fd);

  // An empty read is usually a writer between truncate and write: keep the stamp unset so the
  // next call reads again.
  std::string token = config_internal::TrimSpace(content);
  if (token.empty()) return fail("file is empty");

  cached_ = Credential{.token = std::move(token)};
  stamp_ = stamp_of(opened);
  return *cached_;
}

void TokenFileSource::Invalidate(const Credential& used) {
  std::lock_guard lock(mutex_);
  if (cached_ && cached_->token == used.token) stamp_.reset();
}

std::string TokenFileSource::Describe() const {
  return "token file " + config_internal::Quote(path_);
}

}  // namespace awio::kube
