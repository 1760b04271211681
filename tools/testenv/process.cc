// Implementation of child process management for the local control plane.
#include "process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace awio::testenv {
namespace {

std::vector<std::string> BuildEnvironment(const ProcessSpec& spec) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    merged[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& name : spec.unset_env) merged.erase(name);
  for (const auto& [key, value] : spec.env) merged[key] = value;
  std::vector<std::string> out;
  out.reserve(merged.size());
  for (const auto& [key, value] : merged) out.push_back(key + "=" + value);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

Process::Process(ProcessSpec spec) : spec_(std::move(spec)) {
  if (spec_.argv.empty()) throw std::runtime_error(spec_.name + ": empty command line");
  std::filesystem::create_directories(spec_.log_file.parent_path());
  int log_fd = ::open(spec_.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    throw std::runtime_error(spec_.name + ": cannot open log " + spec_.log_file.string() + ": " +
                             std::strerror(errno));
  }
  // A pipe that closes on exec tells the parent whether exec succeeded.
  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) {
    ::close(log_fd);
    throw std::runtime_error(spec_.name + ": pipe: " + std::strerror(errno));
  }
  auto env_strings = BuildEnvironment(spec_);
  auto envp = CStrings(env_strings);
  auto argv_strings = spec_.argv;
  auto argv = CStrings(argv_strings);
  pid_t parent = ::getpid();

  pid_ = ::fork();
  if (pid_ < 0) {
    int err = errno;
    ::close(log_fd);
    ::close(status_pipe[0]);
    ::close(status_pipe[1]);
    throw std::runtime_error(spec_.name + ": fork: " + std::strerror(err));
  }
  if (pid_ == 0) {
    // Child: only async-signal-safe calls from here on.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execve(argv[0], argv.data(), envp.data());
    int err = errno;
    (void)!::write(status_pipe[1], &err, sizeof err);
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also from the parent, so a signal sent right away reaches the group
  ::close(log_fd);
  ::close(status_pipe[1]);
  int exec_errno = 0;
  ssize_t n = ::read(status_pipe[0], &exec_errno, sizeof exec_errno);
  ::close(status_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    ::waitpid(pid_, &wait_status_, 0);
    exited_ = true;
    throw std::runtime_error(spec_.name + ": cannot run " + spec_.argv[0] + ": " +
                             std::strerror(exec_errno));
  }
}

Process::~Process() { Stop(); }

bool Process::Running() {
  if (exited_) return false;
  pid_t r = ::waitpid(pid_, &wait_status_, WNOHANG);
  if (r == pid_) exited_ = true;
  return !exited_;
}

std::string Process::ExitDescription() const {
  if (!exited_) return "still running";
  if (WIFEXITED(wait_status_))
    return "exited with status " + std::to_string(WEXITSTATUS(wait_status_));
  if (WIFSIGNALED(wait_status_))
    return "killed by signal " + std::to_string(WTERMSIG(wait_status_));
  return "stopped";
}

void Process::Signal(int signal) {
  if (pid_ > 0) ::kill(-pid_, signal);
}

void Process::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  if (Running()) {
    Signal(SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (Running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  // Kill whatever is left in the group, including grandchildren of a leader that exited.
  ::kill(-pid_, SIGKILL);
  if (!exited_) {
    ::waitpid(pid_, &wait_status_, 0);
    exited_ = true;
  }
}

std::string Process::LogTail(std::size_t max_bytes) const {
  std::ifstream in(spec_.log_file, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::size_t>(in.tellg());
  auto start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string out(size - start, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd);
    throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(err));
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace awio::testenv
