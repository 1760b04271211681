// Implementation of the plugin process runner (exec_process.h). posix_spawn is used rather than
// fork so that a large parent never pays for copying its page tables, and so that exec failures
// (no such file, permission denied) come back as return codes.
#include "kube/config/exec_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>
#include <thread>

// unistd.h declares it only under _GNU_SOURCE; POSIX requires the object itself.
extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace awio::kube::config_internal {
namespace {

// How often the runner looks for the exit of a plugin that already closed its stdout.
constexpr std::chrono::milliseconds kExitPollInterval{5};

std::string ErrnoText(int error_number) { return std::generic_category().message(error_number); }

// Closes a descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { Close(); }
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Waits for `pid` to end, retrying on signals. Returns the wait status, or nullopt on failure.
std::optional<int> Reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return std::nullopt;
  }
  return status;
}

// Kills the plugin and anything it started (it leads its own process group), then reaps it.
void KillAndReap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  (void)Reap(pid);
}

// Interprets the wait status of a process that has already been reaped.
Result<ProcessOutcome> Finish(int status, std::string output) {
  ProcessOutcome outcome;
  outcome.stdout_data = std::move(output);
  if (WIFEXITED(status)) {
    outcome.ending = ProcessOutcome::Ending::kExited;
    outcome.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.ending = ProcessOutcome::Ending::kSignaled;
    outcome.signal = WTERMSIG(status);
  } else {
    return MakeError(ErrorCode::kInternal, "unexpected wait status " + std::to_string(status));
  }
  return outcome;
}

// Spawns the process with stdout on `stdout_write`. Returns the pid or the posix_spawn error.
Result<pid_t> Spawn(const ProcessRequest& request, int stdout_write) {
  std::vector<std::string> env_strings;
  env_strings.reserve(request.env.size());
  for (const auto& [name, value] : request.env) env_strings.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = request.argv;
  std::vector<char*> argv;
  for (auto& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  if (posix_spawn_file_actions_init(&actions) != 0) {
    return MakeError(ErrorCode::kInternal, "posix_spawn_file_actions_init failed");
  }
  if (posix_spawnattr_init(&attributes) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    return MakeError(ErrorCode::kInternal, "posix_spawnattr_init failed");
  }

  // The plugin runs in its own process group so a timeout can kill its helpers as well; it
  // starts with no blocked signals and default dispositions even if this process ignores some.
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  for (int sig = 1; sig < 32; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaddset(&default_signals, sig);
  }
  int rc = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, stdout_write, STDOUT_FILENO);
  if (rc == 0) {
    const short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    rc = posix_spawnattr_setflags(&attributes, flags);
  }
  if (rc == 0) rc = posix_spawnattr_setpgroup(&attributes, 0);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&attributes, &no_signals);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&attributes, &default_signals);

  pid_t pid = -1;
  bool spawn_failed = false;
  if (rc == 0) {
    rc = posix_spawn(&pid, request.executable.c_str(), &actions, &attributes, argv.data(),
                     envp.data());
    spawn_failed = rc != 0;
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);

  if (rc == 0) return pid;
  if (!spawn_failed) {
    return MakeError(ErrorCode::kInternal, "preparing posix_spawn: " + ErrnoText(rc));
  }
  if (rc == ENOENT) return MakeError(ErrorCode::kNotFound, ErrnoText(rc));
  if (rc == EACCES || rc == ENOEXEC || rc == EPERM || rc == ENOTDIR || rc == EISDIR ||
      rc == ELOOP || rc == ENAMETOOLONG) {
    return MakeError(ErrorCode::kConfiguration, ErrnoText(rc));
  }
  return MakeError(ErrorCode::kInternal, "posix_spawn: " + ErrnoText(rc));
}

}  // namespace

std::optional<std::string> FindExecutable(const std::string& command,
                                          const std::string& path_variable) {
  if (command.empty()) return std::nullopt;
  if (command.find('/') != std::string::npos) return command;

  size_t start = 0;
  while (start <= path_variable.size()) {
    size_t end = path_variable.find(':', start);
    if (end == std::string::npos) end = path_variable.size();
    const std::string_view dir(path_variable.data() + start, end - start);
    start = end + 1;
    // Relative entries (including the empty one, meaning ".") are skipped: a credential plugin
    // must not be picked up from whatever directory the operator happens to run in.
    if (dir.empty() || dir.front() != '/') continue;
    std::string candidate(dir);
    if (candidate.back() != '/') candidate.push_back('/');
    candidate += command;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> ProcessEnvironment() {
  std::vector<std::pair<std::string, std::string>> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const size_t equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    SetEnv(env, std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return env;
}

void SetEnv(std::vector<std::pair<std::string, std::string>>& env, const std::string& name,
            const std::string& value) {
  const auto it =
      std::find_if(env.begin(), env.end(), [&](const auto& entry) { return entry.first == name; });
  if (it != env.end()) {
    it->second = value;
  } else {
    env.emplace_back(name, value);
  }
}

Result<ProcessOutcome> RunProcess(const ProcessRequest& request) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return MakeError(ErrorCode::kInternal, "pipe: " + ErrnoText(errno));
  }
  FileDescriptor read_end(pipe_fds[0]);
  FileDescriptor write_end(pipe_fds[1]);

  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  auto spawned = Spawn(request, write_end.get());
  write_end.Close();
  if (!spawned.ok()) return spawned.error();
  const pid_t pid = *spawned;

  // Read stdout until end of file, the deadline, or the size bound.
  std::string output;
  char buffer[16384];
  while (true) {
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) {
      KillAndReap(pid);
      return ProcessOutcome{.ending = ProcessOutcome::Ending::kTimedOut};
    }
    pollfd poll_fd{.fd = read_end.get(), .events = POLLIN, .revents = 0};
    const int ready = ::poll(
        &poll_fd, 1,
        static_cast<int>(std::min<int64_t>(remaining.count(), std::numeric_limits<int>::max())));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      const int saved = errno;
      KillAndReap(pid);
      return MakeError(ErrorCode::kInternal, "poll: " + ErrnoText(saved));
    }
    if (ready == 0) continue;

    const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) {
      const int saved = errno;
      KillAndReap(pid);
      return MakeError(ErrorCode::kInternal, "read: " + ErrnoText(saved));
    }
    if (n == 0) break;
    output.append(buffer, static_cast<size_t>(n));
    if (output.size() > request.max_stdout_bytes) {
      KillAndReap(pid);
      return ProcessOutcome{.ending = ProcessOutcome::Ending::kOutputTooLarge};
    }
  }

  // Stdout is closed; the process normally exits right away, but it still gets only the time
  // left before the deadline.
  while (true) {
    int status = 0;
    const pid_t waited = ::waitpid(pid, &status, WNOHANG);
    if (waited == pid) return Finish(status, std::move(output));
    if (waited < 0 && errno != EINTR) {
      // ECHILD means the child was reaped elsewhere (SIGCHLD ignored): its pid may already
      // belong to someone else, so nothing is signalled.
      const int saved = errno;
      if (saved != ECHILD) KillAndReap(pid);
      return MakeError(ErrorCode::kInternal, "waitpid: " + ErrnoText(saved));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      KillAndReap(pid);
      return ProcessOutcome{.ending = ProcessOutcome::Ending::kTimedOut};
    }
    std::this_thread::sleep_for(kExitPollInterval);
  }
}

}  // namespace awio::kube::config_internal
