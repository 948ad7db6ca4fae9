#pragma once
// What the hostile tests share: running the pgshadow binary as an unlucky user or an attacker
// would (stdin from a pipe, as another user, with a deadline that turns a hang into a failure),
// a PostgreSQL server of the test's own for DSN mode, and looking at what a run leaves behind
// (processes, System V segments, /dev/shm files).
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../e2e/run_support.h"
#include "pgshadow/pg/embedded_server.h"

namespace pgshadow::hostile {

using e2e::read_file;
using e2e::TempDir;
using nlohmann::json;

struct Run {
  Run(std::vector<std::string> args) : arguments(std::move(args)) {}  // NOLINT: implicit on purpose
  std::vector<std::string> arguments;
  std::optional<std::string> standard_input;  // fed through a pipe (not seekable), then closed
  std::vector<std::string> environment;       // NAME=value added to the test's own
  bool unprivileged = false;                  // as user nobody (root reads every file)
  std::chrono::seconds deadline{300};         // past it the run counts as hung and is killed
  std::string working_dir;
  std::string stdout_path;                    // standard output goes here (e.g. /dev/full), not to `out`
};

struct Outcome {
  int exit_status = -1;  // 128 + signal when killed by one
  bool hung = false;     // still running at the deadline (then killed)
  std::string out;
  std::string err;
};

// A pgshadow process started in its own process group, for signals mid-run.
class RunningPgshadow {
 public:
  explicit RunningPgshadow(const Run& run);
  ~RunningPgshadow();  // kills what is left of a run that was not waited for
  RunningPgshadow(const RunningPgshadow&) = delete;
  RunningPgshadow& operator=(const RunningPgshadow&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signal_number) const;
  // Waits for the end, at most `deadline` (then SIGKILL and hung = true).
  Outcome wait(std::chrono::seconds deadline);

 private:
  pid_t pid_ = -1;
  TempDir outputs_;
  bool waited_ = false;
};

Outcome run_pgshadow(const Run& run);

// Polls `condition` every 50 ms until it holds or `within` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::seconds within);

// The capture header and one event of the canonical capture.
std::string capture_header();
std::string capture_event(int second, const std::string& sql, const std::string& session = "s1",
                          const json& parameters = json::array());

// A scenario directory: baseline.sql, migrations/001.sql, traffic/capture.jsonl.
void write_scenario(const TempDir& dir, const std::string& baseline, const std::string& migration,
                    const std::vector<std::string>& events);

// A private directory the embedded server's user can enter (TMPDIR for a run under root).
class ServerParent {
 public:
  ServerParent();
  const std::string& path() const { return dir_.path(); }
  bool empty() const;

 private:
  TempDir dir_;
};

// A real PostgreSQL of the test's own (the embedded server, started by the test), for runs with
// --baseline-dsn/--shadow-dsn: databases made from SQL, its processes, SIGSTOP/SIGCONT.
class TestServer {
 public:
  // `settings`: postgresql.conf lines (EmbeddedServerOptions::settings), e.g. log_lock_waits.
  explicit TestServer(std::vector<std::string> settings = {});
  // The server's own log (stderr, log_line_prefix '%m [%p] ').
  std::string log() const { return read_file(server_->directory() + "/server.log"); }
  std::string create_database(const std::string& name, const std::string& sql) const;  // its conninfo
  std::string conninfo(const std::string& database) const { return server_->conninfo(database); }
  // Rows of a query as "a|b" lines.
  std::string query(const std::string& database, const std::string& sql) const;
  pid_t postmaster() const;
  void stop_all_processes() const;      // SIGSTOP to the postmaster and its children
  void continue_all_processes() const;  // SIGCONT

 private:
  std::unique_ptr<pg::EmbeddedServer> server_;
};

// A tmpfs of a few bytes mounted on a fresh directory, for a disk that fills up (needs root with
// CAP_SYS_ADMIN: mounted() is false otherwise, and the test says it cannot run).
class SmallTmpfs {
 public:
  explicit SmallTmpfs(std::size_t bytes);
  ~SmallTmpfs();
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& path() const { return dir_.path(); }
  // Fills what is left with one file.
  void fill() const;

 private:
  TempDir dir_;
  bool mounted_ = false;
};

// Processes whose command line mentions `text`.
std::vector<pid_t> processes_mentioning(const std::string& text);
// The command lines (NULs as blanks) of a process's children.
std::vector<std::string> children_command_lines(pid_t parent);
// The postmaster of the embedded cluster under `parent_dir`, 0 when none runs.
pid_t postmaster_under(const std::string& parent_dir);
// Every postmaster under it (the embedded pair runs two clusters).
std::vector<pid_t> postmasters_under(const std::string& parent_dir);
// The postmaster one of whose backends' process titles holds `title_part`, else 0.
pid_t postmaster_running(const std::string& parent_dir, const std::string& title_part);

// What a crashed server can leave behind, owned by anyone: System V shared memory segments no
// process is attached to (by shmid) and /dev/shm/PostgreSQL.* files no process maps.
struct LeftBehind {
  std::set<int> orphaned_segments;
  std::set<std::string> orphaned_shm_files;
};
LeftBehind left_behind();

}  // namespace pgshadow::hostile
