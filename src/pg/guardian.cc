#include "guardian.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "child_process.h"

namespace pgshadow::pg {
namespace {

constexpr char kStandDown = 'k';
constexpr int kRemoveAttempts = 5;

// In the guardian: run a prepared command to completion; its stdio is the guardian's
// (/dev/null). Returns true when it exited with status 0.
bool run_prepared(const PreparedExec& exec) noexcept {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) _exit(exec.exec_in_child(-1) == 0 ? 0 : 127);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The guardian's whole life. Only async-signal-safe calls: pgshadow may be multi-threaded.
[[noreturn]] void guard(int read_fd, const PreparedExec& stop_server,
                        const PreparedExec& remove_directory) noexcept {
  setsid();  // out of pgshadow's process group: a Ctrl-C does not reach us
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) signal(sig, SIG_IGN);
  prctl(PR_SET_NAME, "pgshadow-guard", 0, 0, 0);
  int null_fd = open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    for (int fd = 0; fd < 3; ++fd) dup2(null_fd, fd);
  }
  if (read_fd != 3) {
    dup2(read_fd, 3);
    read_fd = 3;
  }
  close_range(4, ~0U, 0);  // every other pipe, socket and guardian write end of pgshadow
  if (chdir("/") != 0) {
    // Staying in the current directory only matters if it is the one we remove; go on.
  }

  char byte = 0;
  ssize_t got;
  do {
    got = read(read_fd, &byte, 1);
  } while (got < 0 && errno == EINTR);
  if (got == 1 && byte == kStandDown) _exit(0);

  run_prepared(stop_server);
  for (int attempt = 0; attempt < kRemoveAttempts; ++attempt) {
    // A tool still writing into the directory (initdb killed mid-way) can make rm fail once.
    if (run_prepared(remove_directory)) break;
    sleep(1);
  }
  _exit(0);
}

}  // namespace

Result<GuardianHandle> launch_guardian(const GuardianPlan& plan) {
  PreparedExec stop_server({plan.pg_ctl,
                            {"stop", "-D", plan.data_dir, "-m", "immediate", "-w", "-t", "30"},
                            {},
                            plan.server_user,
                            "/",
                            false});
  PreparedExec remove_directory({"/bin/rm", {"-rf", "--", plan.directory}, {}, std::nullopt,
                                 "/", false});
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return Error::infrastructure(std::string("cannot start the cleanup guardian: pipe: ") +
                                 strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) {
    int error = errno;
    close(fds[0]);
    close(fds[1]);
    return Error::infrastructure(std::string("cannot start the cleanup guardian: fork: ") +
                                 strerror(error));
  }
  if (pid == 0) {
    close(fds[1]);
    guard(fds[0], stop_server, remove_directory);
  }
  close(fds[0]);
  return GuardianHandle{fds[1], pid};
}

namespace {

void release(int& pipe_fd, int& pid, bool stand_down) {
  if (pipe_fd >= 0) {
    if (stand_down) {
      ssize_t written;
      do {
        written = write(pipe_fd, &kStandDown, 1);
      } while (written < 0 && errno == EINTR);
    }
    close(pipe_fd);
    pipe_fd = -1;
  }
  if (pid > 0) {
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid = -1;
  }
}

}  // namespace

void dismiss_guardian(int& pipe_fd, int& pid) { release(pipe_fd, pid, true); }

void trigger_guardian(int& pipe_fd, int& pid) { release(pipe_fd, pid, false); }

}  // namespace pgshadow::pg
