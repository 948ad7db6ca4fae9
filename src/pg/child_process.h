#pragma once
// Running the server's own tools (initdb, pg_ctl, psql, pg_restore, rm) as child processes:
// fork, optionally drop to the server user, exec. No shell is involved, so paths and
// connection strings need no quoting.
//
// Everything a child needs (argv, envp, ids) is prepared before fork, and the forked child
// makes only async-signal-safe calls, so this is safe in a multi-threaded pgshadow.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "pgshadow/util/result.h"
#include "server_user.h"

namespace pgshadow::pg {

struct ChildCommand {
  ChildCommand() = default;
  ChildCommand(std::string program_path, std::vector<std::string> arguments)
      : program(std::move(program_path)), args(std::move(arguments)) {}

  std::string program;                // absolute path of the executable
  std::vector<std::string> args;      // argv[1..]
  std::vector<std::string> env;       // "NAME=value" entries added to (or replacing) ours
  std::optional<ServerUser> run_as;   // when set, setgid/setgroups/setuid before exec
  std::string working_dir = "/";      // never a directory the server user cannot enter
  bool capture_stdout = true;         // false: stdout goes to /dev/null, only stderr is kept
  // When set, the child is interrupted with the run: SIGINT first (psql and pg_restore then
  // cancel their statement on the server and exit), SIGKILL kChildStopWithin later.
  const std::atomic<bool>* interrupted = nullptr;
  // Called in pgshadow with the child's pid once it runs (e.g. to tell the guardian about it).
  std::function<void(pid_t)> on_started;
};

inline constexpr std::chrono::seconds kChildStopWithin{5};

struct ChildOutcome {
  int exit_status = -1;  // 0..255 when the child exited, else -1
  int signal = 0;        // the signal that ended it, else 0
  std::string output;    // the tail (at most 64 KiB) of what it wrote to stderr (and stdout)
  bool succeeded() const { return signal == 0 && exit_status == 0; }
  std::string describe() const;  // "exited with status 1", "was killed by signal 9 (Killed)"
};

// An exec prepared before fork. Owns its argv/envp strings; not thread-safe.
class PreparedExec {
 public:
  explicit PreparedExec(const ChildCommand& command);
  PreparedExec(const PreparedExec&) = delete;
  PreparedExec& operator=(const PreparedExec&) = delete;

  // Call only in a freshly forked child whose stdio is already arranged: resets the signal
  // mask and dispositions, closes every descriptor above keep_fd (above 2 when keep_fd < 0),
  // changes user and directory, and execs. Returns the errno of the step that failed.
  int exec_in_child(int keep_fd) const noexcept;

 private:
  std::vector<std::string> strings_;  // argv strings then env strings
  std::vector<char*> argv_;
  std::vector<char*> envp_;
  std::string working_dir_;
  std::optional<ServerUser> run_as_;
};

// Runs the command to completion, collecting its output. With stdin_path, the child's standard
// input is that file, opened by pgshadow before fork (so a tool running as the unprivileged
// server user reads a file it could not open itself); else /dev/null.
// Error kInfrastructure when it cannot be started (fork failed, program missing or not
// executable, user change refused), naming the program; kBadInput when stdin_path cannot be read;
// kInterrupted when the command's interrupt flag was set while it ran (the child has then ended).
Result<ChildOutcome> run_child(const ChildCommand& command, const std::string& stdin_path = {});

// How many of a client tool's last output lines an error message about the tool quotes.
inline constexpr std::size_t kToolLinesInErrors = 20;

// The last `count` lines of text (without a trailing newline), for error messages.
std::string last_lines(std::string_view text, std::size_t count);

}  // namespace pgshadow::pg
