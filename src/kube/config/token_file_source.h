// A bearer token read from a file that may be rewritten while the process runs (a kubeconfig
// user's `tokenFile`, the projected ServiceAccount token of in-cluster configuration). Owns only
// the re-read policy; the HTTP side (attaching the header, reacting to 401) belongs to the
// transport. Never logs or returns the token in a message.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <mutex>
#include <optional>
#include <string>

#include "kube/rest_config.h"

namespace awio::kube {

// Re-reads the file whenever its identity, size or modification time changes, so a kubelet
// rotation (an atomic symlink swap) or an in-place rewrite is picked up on the next request.
// The file content is trimmed of surrounding whitespace. Thread-safe.
class TokenFileSource final : public CredentialSource {
 public:
  explicit TokenFileSource(std::string path);

  // The current token. When the file cannot be read or is empty but a token was read before,
  // the previous token is returned (a rotation in progress must not fail requests); without a
  // previous token the result is a kConfiguration error naming the file.
  Result<Credential> Current() override;

  // Forces a re-read on the next Current() when `used` carries the cached token.
  void Invalidate(const Credential& used) override;

  // `token file "<path>"`.
  std::string Describe() const override;

  const std::string& path() const { return path_; }

 private:
  // What identifies one version of the file without reading it.
  struct FileStamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    time_t mtime_seconds = 0;
    long mtime_nanoseconds = 0;
    bool operator==(const FileStamp&) const = default;
  };

  const std::string path_;
  std::mutex mutex_;
  std::optional<FileStamp> stamp_;    // the version `cached_` was read from; nullopt: re-read
  std::optional<Credential> cached_;  // last token successfully read
};

}  // namespace awio::kube
