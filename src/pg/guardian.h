#pragma once
// The guardian: a small process that removes an embedded cluster when pgshadow dies without
// doing it itself (a crash, SIGKILL, a Ctrl-C that killed the process group).
//
// Protocol: pgshadow holds the only write end of a pipe (close-on-exec, and closed by every
// other child); the guardian blocks reading the other end. One "stand down" byte means
// there is nothing to do (the server was stopped and removed, or is kept on purpose). End of
// file without that byte means pgshadow is gone: the guardian stops the server with
// `pg_ctl stop -m immediate` (as the server user) and removes the directory, then exits.
// It runs in its own session and ignores SIGINT/SIGTERM/SIGHUP, so it outlives the signals
// that kill pgshadow.
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

// Closes the pipe without the stand-down byte, as pgshadow's death would, and waits until the
// guardian has stopped the server and removed the directory. Idempotent: resets the handle.
void trigger_guardian(int& pipe_fd, int& pid);

}  // namespace pgshadow::pg
