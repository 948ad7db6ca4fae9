#pragma once
// The guardian: a small process that removes an embedded cluster when pgshadow dies without
// doing it itself (a crash, SIGKILL, a Ctrl-C that killed the process group).
//
// Protocol: pgshadow holds the only end of a socket pair (close-on-exec, and closed by every
// other child); the guardian blocks reading the other end. One "stand down" byte means there is
// nothing to do (the server was stopped and removed, or is kept on purpose). A "wait" byte and a
// pid name a tool that must end before the cluster is touched (initdb: removing its directory
// under it makes its backend PANIC and leak shared memory); pid 0 clears it. End of file
// without the stand-down byte means pgshadow is gone: the guardian waits for that tool, wakes a
// stopped server (SIGCONT), stops it with `pg_ctl stop -m immediate` (as the server user),
// removes the System V shared memory segment a killed postmaster leaves (named in its
// postmaster.pid), and removes the directory, then exits. It runs in its own session and
// ignores SIGINT/SIGTERM/SIGHUP, so it outlives the signals that kill pgshadow. pgshadow writes
// with MSG_NOSIGNAL: a dead guardian is no SIGPIPE.
#include <sys/types.h>

#include <optional>
#include <string>

#include "pgshadow/util/result.h"
#include "server_user.h"

namespace pgshadow::pg {

struct GuardianPlan {
  std::string pg_ctl;     // absolute path
  std::string data_dir;   // the cluster to stop (it may not exist yet)
  std::string directory;  // the private directory to remove
  std::optional<ServerUser> server_user;  // pg_ctl runs as this user when set
};

struct GuardianHandle {
  int pipe_fd = -1;  // write end, owned by the caller
  pid_t pid = -1;
};

// Forks the guardian. Error kInfrastructure when pipe or fork fails.
Result<GuardianHandle> launch_guardian(const GuardianPlan& plan);

// Tells the guardian there is nothing left to do, and reaps it. Idempotent: resets the handle.
void dismiss_guardian(int& pipe_fd, int& pid);

// Names the tool process (initdb) the guardian must wait for before cleaning up; 0 when it ended.
void announce_tool(int pipe_fd, pid_t tool);

// What is left of a cluster whose postmaster is stuck or dead, as the guardian handles it (only
// async-signal-safe calls). wake_cluster: SIGCONT to the postmaster named in
// DATA_DIR/postmaster.pid, so that a stopped server can be stopped (it SIGKILLs stopped backends). remove_shared_memory_of: the
// System V segment named there, which a killed postmaster leaves behind (call once the server
// is stopped).
void wake_cluster(const char* data_dir) noexcept;
void remove_shared_memory_of(const char* data_dir) noexcept;

// Closes the pipe without the stand-down byte, as pgshadow's death would, and waits until the
// guardian has stopped the server and removed the directory. Idempotent: resets the handle.
void trigger_guardian(int& pipe_fd, int& pid);

}  // namespace pgshadow::pg
