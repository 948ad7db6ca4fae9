#include "guardian.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "child_process.h"

namespace pgshadow::pg {
namespace {

constexpr char kStandDown = 'k';
constexpr char kWaitForTool = 'w';
constexpr int kRemoveAttempts = 5;
// initdb takes seconds; a tool still running after this long is not waited for any more.
constexpr int kToolWaitTenths = 1200;

// Reads exactly `size` bytes; false on end of file or error.
bool read_exactly(int fd, void* into, std::size_t size) noexcept {
  auto* bytes = static_cast<char*>(into);
  while (size > 0) {
    const ssize_t got = read(fd, bytes, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    bytes += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

// A decimal number at *text, advancing past it and any blanks before it.
unsigned long parse_number(const char*& text) noexcept {
  while (*text == ' ' || *text == '\t') ++text;
  unsigned long value = 0;
  while (*text >= '0' && *text <= '9') value = value * 10 + static_cast<unsigned long>(*text++ - '0');
  return value;
}

void wait_until_gone(pid_t tool) noexcept {
  for (int tenth = 0; tool > 0 && tenth < kToolWaitTenths && kill(tool, 0) == 0; ++tenth) {
    const timespec pause{0, 100'000'000};
    nanosleep(&pause, nullptr);
  }
}

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
[[noreturn]] void guard(int read_fd, const PreparedExec& stop_server, const PreparedExec& remove_directory,
                        const char* data_dir) noexcept {
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

  pid_t tool = 0;
  for (char byte = 0; read_exactly(read_fd, &byte, 1);) {
    if (byte == kStandDown) _exit(0);
    if (byte == kWaitForTool && !read_exactly(read_fd, &tool, sizeof tool)) break;
  }

  wait_until_gone(tool);
  wake_cluster(data_dir);  // a stopped server (SIGSTOP) cannot be stopped
  run_prepared(stop_server);
  remove_shared_memory_of(data_dir);  // a killed postmaster's segment outlives it
  for (int attempt = 0; attempt < kRemoveAttempts; ++attempt) {
    // A tool still writing into the directory (initdb killed mid-way) can make rm fail once.
    if (run_prepared(remove_directory)) break;
    sleep(1);
  }
  _exit(0);
}

}  // namespace

Result<GuardianHandle> launch_guardian(const GuardianPlan& plan) {
  ChildCommand stop(plan.pg_ctl, {"stop", "-D", plan.data_dir, "-m", "immediate", "-w", "-t", "30"});
  stop.run_as = plan.server_user;
  stop.capture_stdout = false;
  ChildCommand remove("/bin/rm", {"-rf", "--", plan.directory});
  remove.capture_stdout = false;
  PreparedExec stop_server(stop);
  PreparedExec remove_directory(remove);
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return Error::infrastructure(std::string("cannot start the cleanup guardian: socketpair: ") +
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
    guard(fds[0], stop_server, remove_directory, plan.data_dir.c_str());
  }
  close(fds[0]);
  return GuardianHandle{fds[1], pid};
}

namespace {

// Writes to the guardian; a guardian that died (EPIPE) is not an error of the run.
void tell(int fd, const void* bytes, std::size_t size) {
  ssize_t written;
  do {
    written = send(fd, bytes, size, MSG_NOSIGNAL);
  } while (written < 0 && errno == EINTR);
}

void release(int& pipe_fd, int& pid, bool stand_down) {
  if (pipe_fd >= 0) {
    if (stand_down) tell(pipe_fd, &kStandDown, 1);
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

void announce_tool(int pipe_fd, pid_t tool) {
  if (pipe_fd < 0) return;
  char message[1 + sizeof(pid_t)];
  message[0] = kWaitForTool;
  std::memcpy(message + 1, &tool, sizeof tool);
  tell(pipe_fd, message, sizeof message);
}

namespace {

// postmaster.pid: line 1 the postmaster's pid, line 7 "KEY SHMID" of its System V segment.
struct PidFile {
  pid_t postmaster = 0;
  key_t key = 0;
  int shmid = -1;
};

bool read_pid_file(const char* data_dir, PidFile& pid_file) noexcept {
  char path[4096];
  const std::size_t length = std::strlen(data_dir);
  constexpr char kPidFile[] = "/postmaster.pid";
  if (length + sizeof kPidFile > sizeof path) return false;
  std::memcpy(path, data_dir, length);
  std::memcpy(path + length, kPidFile, sizeof kPidFile);
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char text[1024];
  ssize_t got;
  do {
    got = read(fd, text, sizeof text - 1);
  } while (got < 0 && errno == EINTR);
  close(fd);
  if (got <= 0) return false;
  text[got] = '\0';
  const char* line = text;
  pid_file.postmaster = static_cast<pid_t>(parse_number(line));
  for (int skipped = 1; skipped < 7 && *line != '\0'; ++line) {
    if (*line == '\n') ++skipped;
  }
  pid_file.key = static_cast<key_t>(parse_number(line));
  pid_file.shmid = static_cast<int>(parse_number(line));
  return true;
}

}  // namespace

void wake_cluster(const char* data_dir) noexcept {
  PidFile pid_file;
  // The postmaster only: each backend leads a process group of its own. A stopped backend does
  // not need waking: an immediate shutdown SIGKILLs children that do not exit within 5 s.
  if (read_pid_file(data_dir, pid_file) && pid_file.postmaster > 1) kill(pid_file.postmaster, SIGCONT);
}

void remove_shared_memory_of(const char* data_dir) noexcept {
  PidFile pid_file;
  if (!read_pid_file(data_dir, pid_file) || pid_file.key == 0) return;
  shmid_ds segment{};
  if (shmctl(pid_file.shmid, IPC_STAT, &segment) != 0 || segment.shm_perm.__key != pid_file.key) return;
  // Removed once the last process still attached (an orphaned backend) detaches.
  shmctl(pid_file.shmid, IPC_RMID, nullptr);
}

void trigger_guardian(int& pipe_fd, int& pid) { release(pipe_fd, pid, false); }

}  // namespace pgshadow::pg
