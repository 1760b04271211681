// Readings of this process for tests and benchmarks: its thread count.
#pragma once

#include <dirent.h>

namespace awio::test {

// The number of threads of this process (entries of /proc/self/task).
inline int ThreadCount() {
  int n = 0;
  DIR* dir = ::opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  while (dirent* e = ::readdir(dir)) n += e->d_name[0] != '.';
  ::closedir(dir);
  return n;
}

}  // namespace awio::test
