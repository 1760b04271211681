// A serving-certificate directory written the way the kubelet updates a mounted Secret: each
// version goes into its own hidden directory, a `..data` symlink is swapped atomically to the
// new one, and tls.crt / tls.key are symlinks through `..data`. Used by the server unit tests
// and the webhook integration tests to rotate certificates as cert-manager and the kubelet do.
#pragma once

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace awio::admission::testing {

class CertDir {
 public:
  explicit CertDir(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
  }

  const std::filesystem::path& path() const { return dir_; }

  // Publishes a new version of tls.crt and tls.key in one atomic step.
  void Publish(const std::string& cert_pem, const std::string& key_pem) {
    namespace fs = std::filesystem;
    const std::string version = "..version-" + std::to_string(++generation_);
    fs::create_directory(dir_ / version);
    Write(dir_ / version / "tls.crt", cert_pem);
    Write(dir_ / version / "tls.key", key_pem);

    const fs::path staged = dir_ / "..data_tmp";
    fs::remove(staged);
    fs::create_directory_symlink(version, staged);
    fs::rename(staged, dir_ / "..data");  // atomic replacement of the symlink
    for (const char* file : {"tls.crt", "tls.key"}) {
      if (!fs::is_symlink(dir_ / file)) fs::create_symlink(fs::path("..data") / file, dir_ / file);
    }
  }

  // Overwrites one file of the current version in place (what no kubelet does, but a careless
  // operator might): for tests of broken or half-written files.
  void OverwriteCurrent(const std::string& file, const std::string& content) {
    Write(std::filesystem::canonical(dir_ / file), content);
  }

 private:
  static void Write(const std::filesystem::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path.string());
  }

  std::filesystem::path dir_;
  int generation_ = 0;
};

}  // namespace awio::admission::testing
