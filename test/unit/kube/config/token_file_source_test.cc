// Tests of TokenFileSource (src/kube/config/token_file_source.h): re-reading on change, keeping
// the last token through a rotation gap, Invalidate forcing a re-read, errors naming the file.
#include "kube/config/token_file_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>

#include "config_test_support.h"

namespace awio::kube {
namespace {

using testing::TempDir;
using testing::WriteFile;

// Validates that the token is read and trimmed of surrounding whitespace.
TEST(TokenFileSource, ReadsAndTrimsToken) {
  TempDir dir;
  WriteFile(dir / "token", "  first-token\n");
  TokenFileSource source(dir / "token");
  auto credential = source.Current();
  ASSERT_TRUE(credential.ok()) << credential.error().message;
  EXPECT_EQ(credential->token, "first-token");
  EXPECT_EQ(source.Describe(), "token file \"" + (dir / "token") + "\"");
}

// Validates that rewriting the file yields the new token on the next call.
TEST(TokenFileSource, Rewrite_ReturnsNewToken) {
  TempDir dir;
  WriteFile(dir / "token", "token-one");
  TokenFileSource source(dir / "token");
  ASSERT_EQ(source.Current()->token, "token-one");

  WriteFile(dir / "token", "token-number-two");
  EXPECT_EQ(source.Current()->token, "token-number-two");
}

// Validates that an atomic rename (how the kubelet rotates projected tokens) is picked up even
// when the size does not change.
TEST(TokenFileSource, AtomicRename_ReturnsNewToken) {
  TempDir dir;
  WriteFile(dir / "token", "token-aaaa");
  TokenFileSource source(dir / "token");
  ASSERT_EQ(source.Current()->token, "token-aaaa");

  WriteFile(dir / "token.new", "token-bbbb");
  ASSERT_EQ(std::rename((dir / "token.new").c_str(), (dir / "token").c_str()), 0);
  EXPECT_EQ(source.Current()->token, "token-bbbb");
}

// Validates that a file that disappears or empties after a successful read keeps the last token.
TEST(TokenFileSource, FileGoneAfterRead_KeepsLastToken) {
  TempDir dir;
  WriteFile(dir / "token", "kept-token");
  TokenFileSource source(dir / "token");
  ASSERT_EQ(source.Current()->token, "kept-token");

  WriteFile(dir / "token", "");
  EXPECT_EQ(source.Current()->token, "kept-token");
  ASSERT_EQ(std::remove((dir / "token").c_str()), 0);
  EXPECT_EQ(source.Current()->token, "kept-token");
}

// Validates that a missing file without a previous token is a configuration error naming it.
TEST(TokenFileSource, MissingFile_ErrorNamesFile) {
  TempDir dir;
  TokenFileSource source(dir / "absent");
  auto credential = source.Current();
  ASSERT_FALSE(credential.ok());
  EXPECT_EQ(credential.error().code, ErrorCode::kConfiguration);
  EXPECT_NE(credential.error().message.find(dir / "absent"), std::string::npos);
}

// Validates that Invalidate(used) forces a re-read even when the file looks unchanged, and that
// invalidating some other token does not.
TEST(TokenFileSource, Invalidate_ForcesReread) {
  TempDir dir;
  const std::string path = dir / "token";
  WriteFile(path, "token-1111");
  TokenFileSource source(path);
  const auto first = source.Current();
  ASSERT_EQ(first->token, "token-1111");

  // Same size, same inode, and the old modification time put back: invisible to stat.
  struct stat before {};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  WriteFile(path, "token-2222");
  const timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  EXPECT_EQ(source.Current()->token, "token-1111");

  source.Invalidate(Credential{.token = "some-other-token"});
  EXPECT_EQ(source.Current()->token, "token-1111");
  source.Invalidate(*first);
  EXPECT_EQ(source.Current()->token, "token-2222");
}

}  // namespace
}  // namespace awio::kube
