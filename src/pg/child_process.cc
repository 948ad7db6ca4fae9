#include "child_process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

extern char** environ;

namespace pgshadow::pg {
namespace {

constexpr std::size_t kOutputTailBytes = 64 * 1024;

// Our environment with the command's entries laid over it (same NAME replaces).
std::vector<std::string> child_environment(const std::vector<std::string>& overrides) {
  std::map<std::string, std::string> by_name;
  auto add = [&](std::string entry) {
    auto name = entry.substr(0, entry.find('='));
    by_name[name] = std::move(entry);
  };
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) add(*entry);
  for (const auto& entry : overrides) add(entry);
  std::vector<std::string> result;
  for (auto& [name, entry] : by_name) result.push_back(std::move(entry));
  return result;
}

void close_pipe(int fds[2]) {
  for (int i = 0; i < 2; ++i) {
    if (fds[i] >= 0) close(fds[i]);
    fds[i] = -1;
  }
}

// Reads fd to EOF, keeping the last kOutputTailBytes. When `interrupted` is set meanwhile, the
// child gets SIGINT, and SIGKILL if it has not ended kChildStopWithin later; *was_interrupted
// says so.
std::string read_tail(int fd, pid_t child, const std::atomic<bool>* interrupted, bool* was_interrupted) {
  std::string tail;
  char buffer[8192];
  std::optional<std::chrono::steady_clock::time_point> interrupted_at;
  bool killed = false;
  for (;;) {
    if (interrupted != nullptr && interrupted->load() && !interrupted_at) {
      interrupted_at = std::chrono::steady_clock::now();
      kill(child, SIGINT);
    }
    if (interrupted_at && !killed && std::chrono::steady_clock::now() - *interrupted_at >= kChildStopWithin) {
      killed = true;
      kill(child, SIGKILL);
    }
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, 100) <= 0) continue;  // a signal or 100 ms: look at the flag again
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    tail.append(buffer, static_cast<std::size_t>(n));
    if (tail.size() > 2 * kOutputTailBytes) tail.erase(0, tail.size() - kOutputTailBytes);
  }
  if (tail.size() > kOutputTailBytes) tail.erase(0, tail.size() - kOutputTailBytes);
  *was_interrupted = interrupted_at.has_value();
  return tail;
}

// In the child: write the errno of a failed step where the parent waits for it, then exit.
[[noreturn]] void report_and_exit(int report_fd, int error) noexcept {
  ssize_t ignored = write(report_fd, &error, sizeof error);
  (void)ignored;
  _exit(127);
}

}  // namespace

std::string ChildOutcome::describe() const {
  if (signal != 0) {
    return "was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
  return "exited with status " + std::to_string(exit_status);
}

PreparedExec::PreparedExec(const ChildCommand& command)
    : working_dir_(command.working_dir), run_as_(command.run_as) {
  strings_.push_back(command.program);
  strings_.insert(strings_.end(), command.args.begin(), command.args.end());
  std::size_t argc = strings_.size();
  auto env = child_environment(command.env);
  strings_.insert(strings_.end(), env.begin(), env.end());
  for (std::size_t i = 0; i < strings_.size(); ++i) {
    (i < argc ? argv_ : envp_).push_back(strings_[i].data());
  }
  argv_.push_back(nullptr);
  envp_.push_back(nullptr);
}

int PreparedExec::exec_in_child(int keep_fd) const noexcept {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD}) signal(sig, SIG_DFL);
  // Nothing of pgshadow's (sockets, pipes to guardians) leaks into the tools or the server.
  unsigned first_closed = keep_fd < 3 ? 3U : static_cast<unsigned>(keep_fd) + 1;
  if (keep_fd > 3) close_range(3, static_cast<unsigned>(keep_fd) - 1, 0);
  close_range(first_closed, ~0U, 0);
  if (run_as_) {
    if (setgroups(0, nullptr) != 0 || setgid(run_as_->gid) != 0 || setuid(run_as_->uid) != 0) {
      return errno;
    }
  }
  if (chdir(working_dir_.c_str()) != 0) return errno;
  execve(argv_[0], argv_.data(), envp_.data());
  return errno;
}

Result<ChildOutcome> run_child(const ChildCommand& command, const std::string& stdin_path) {
  PreparedExec exec(command);
  int input = -1;
  if (!stdin_path.empty()) {
    input = open(stdin_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (input < 0) {
      return Error::bad_input(stdin_path + ": cannot read: " + strerror(errno));
    }
  }
  const auto close_input = [&] {
    if (input >= 0) close(input);
    input = -1;
  };
  int output[2] = {-1, -1};
  int report[2] = {-1, -1};  // carries the errno of a failed exec; closed by a successful one
  if (pipe2(output, O_CLOEXEC) != 0 || pipe2(report, O_CLOEXEC) != 0) {
    close_pipe(output);
    close_input();
    return Error::infrastructure("cannot run " + command.program + ": pipe: " + strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) {
    int error = errno;
    close_pipe(output);
    close_pipe(report);
    close_input();
    return Error::infrastructure("cannot run " + command.program + ": fork: " + strerror(error));
  }
  if (pid == 0) {
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd < 0) report_and_exit(report[1], errno);
    dup2(input >= 0 ? input : null_fd, 0);
    dup2(command.capture_stdout ? output[1] : null_fd, 1);
    dup2(output[1], 2);
    // The report pipe moves to fd 3 (still close-on-exec); everything above is closed.
    if (report[1] != 3 && dup3(report[1], 3, O_CLOEXEC) < 0) report_and_exit(report[1], errno);
    report_and_exit(3, exec.exec_in_child(3));
  }
  close(output[1]);
  close(report[1]);
  close_input();
  if (command.on_started) command.on_started(pid);
  int exec_error = 0;
  ssize_t got;
  do {
    got = read(report[0], &exec_error, sizeof exec_error);
  } while (got < 0 && errno == EINTR);
  close(report[0]);
  ChildOutcome outcome;
  bool interrupted = false;
  outcome.output = read_tail(output[0], pid, command.interrupted, &interrupted);
  close(output[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (interrupted) return Error{ErrorKind::kInterrupted, "interrupted"};
  if (got == static_cast<ssize_t>(sizeof exec_error)) {
    std::string as = command.run_as ? " as user " + command.run_as->name : "";
    return Error::infrastructure("cannot run " + command.program + as + ": " +
                                 strerror(exec_error));
  }
  if (WIFEXITED(status)) outcome.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
  return outcome;
}

std::string last_lines(std::string_view text, std::size_t count) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++lines == count) break;
  }
  return std::string(text.substr(start));
}

}  // namespace pgshadow::pg
