// Child processes for the local control plane: each runs in its own process group with a
// parent-death signal, so that etcd, API servers, controllers and the emulator never outlive
// the test or launcher that started them, even when it crashes. This file owns spawning,
// stopping and waiting; it knows nothing about what the children are.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace awio::testenv {

struct ProcessSpec {
  std::string name;                        // used in messages, e.g. "kube-apiserver[hub]"
  std::vector<std::string> argv;           // argv[0] is the executable path
  std::map<std::string, std::string> env;  // added to (or replacing in) the parent's environment
  std::vector<std::string> unset_env;      // removed from the inherited environment
  std::filesystem::path log_file;          // stdout and stderr go here
};

// A running child. Destruction stops it (SIGTERM to its group, SIGKILL after a grace period).
// The child gets SIGKILL if the thread that started it dies, so start children from a thread
// that lives as long as they should (the main thread in tests and in the launcher).
class Process {
 public:
  // Starts the child; throws std::runtime_error naming the process when exec fails.
  explicit Process(ProcessSpec spec);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  const std::string& name() const { return spec_.name; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& log_file() const { return spec_.log_file; }

  // True while the child has not exited. Reaps it when it has.
  bool Running();
  // Exit description ("exited with status 1", "killed by signal 9") once it has stopped.
  std::string ExitDescription() const;

  // Sends SIGTERM to the process group, waits up to `grace`, then SIGKILLs the group.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // Sends `signal` to the whole group without waiting.
  void Signal(int signal);

  // The last `max_bytes` of the log, for error messages.
  std::string LogTail(std::size_t max_bytes = 4000) const;

 private:
  ProcessSpec spec_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int wait_status_ = 0;
};

// Asks the kernel for a free TCP port on 127.0.0.1. The port is released before returning, so
// a later bind can race with another process; callers retry a start that fails to bind.
int FreeLoopbackPort();

}  // namespace awio::testenv
