// Runs one credential plugin process for exec_credential.cc: PATH lookup, posix_spawn without a
// shell, stdin from /dev/null, stderr inherited, stdout captured, a deadline after which the
// plugin's whole process group is killed. Internal to this folder; it knows nothing about the
// ExecCredential protocol and never interprets the output.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"

namespace awio::kube::config_internal {

// Where `command` would be executed from: itself (lexically normalised) when it contains a
// slash, otherwise the first executable regular file named `command` in the absolute
// directories of `path_variable` (":"-separated). nullopt when nothing is found.
std::optional<std::string> FindExecutable(const std::string& command,
                                          const std::string& path_variable);

// The calling process's environment as NAME=value entries, in order.
std::vector<std::pair<std::string, std::string>> ProcessEnvironment();

// Sets NAME to value in `env`, replacing an earlier entry of the same name in place.
void SetEnv(std::vector<std::pair<std::string, std::string>>& env, const std::string& name,
            const std::string& value);

struct ProcessRequest {
  std::string executable;         // absolute or relative path; no PATH lookup here
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::pair<std::string, std::string>> env;
  std::chrono::milliseconds timeout{60'000};
  size_t max_stdout_bytes = 4u << 20;
};

struct ProcessOutcome {
  enum class Ending { kExited, kSignaled, kTimedOut, kOutputTooLarge };
  Ending ending = Ending::kExited;
  int exit_code = 0;  // kExited only
  int signal = 0;     // kSignaled only
  std::string stdout_data;
};

// Runs the process to completion. The error is only for failures to start or supervise it:
// kNotFound when the executable does not exist, kConfiguration when it cannot be executed
// (permissions, format), kInternal for pipe/spawn/wait failures. The message holds the reason
// only; the caller names the plugin.
Result<ProcessOutcome> RunProcess(const ProcessRequest& request);

}  // namespace awio::kube::config_internal
