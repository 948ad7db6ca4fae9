#pragma once
// Preparing the two sides: load the baseline, clone it, migrate the shadow.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pgshadow/core/migration_outcome.h"
#include "pgshadow/util/result.h"

namespace pgshadow::pg {

// Loads a baseline into an existing empty database with the server's own client tools from
// bin_dir, run as the unprivileged server user (never as root), the file on their standard
// input: a plain SQL file through `psql -X -q -v ON_ERROR_STOP=1`, once it is known to hold
// nothing but SQL and COPY data (a psql meta-command such as `\! cmd` is refused, file:line); a
// custom-format archive (pg_dump -Fc, recognised by its PGDMP magic) through `pg_restore
// --exit-on-error --no-tablespaces`, with its owners and privileges. With as_role, the tool's
// session runs as that role (SET ROLE at connection start): objects the file creates without
// naming an owner belong to it. A password in conninfo reaches the tool via PGPASSWORD, never its
// command line. Error kBadInput with the tool's message (its last lines, file:line) when the
// file is unreadable, holds a meta-command or fails to load; kInfrastructure when the server
// cannot be reached or runs out of disk space; kInterrupted when `interrupted` is set meanwhile
// (the tool is stopped, and with it the statement it was running: psql and pg_restore cancel it
// on SIGINT).
Status load_baseline(const std::string& bin_dir, const std::string& conninfo,
                     const std::string& baseline_file, const std::string& as_role = {},
                     const std::atomic<bool>* interrupted = nullptr);

// CREATE DATABASE name TEMPLATE template (the two sides start byte-identical). kBadInput for a
// name that exists or a template that does not; kInfrastructure for the rest (the disk full:
// SQLSTATE 53100 named); kInterrupted (the statement cancelled on the server).
Status clone_database(const std::string& admin_conninfo, const std::string& name,
                      const std::string& template_name, const std::atomic<bool>* interrupted = nullptr);


// A migration file already read (a FIFO or standard input can be read only once).
struct MigrationScript {
  std::string file;  // as named, for messages
  std::string text;
};

// Told, from the thread that applies the migration, where it is: its session's backend (once
// connected) and each statement as it starts and ends. For --migrate-during, whose lock watch
// follows the migration's backend in pg_locks. Implementations must be thread-safe.
class MigrationProgress {
 public:
  virtual ~MigrationProgress() = default;
  virtual void on_session(int backend_pid) = 0;
  // `index` counts the statements of all files from 0; `shape` is the normalized text.
  virtual void on_statement_start(std::size_t index, const std::string& file, std::uint64_t line,
                                  const std::string& shape) = 0;
  virtual void on_statement_end(std::size_t index, bool succeeded, const std::string& sqlstate) = 0;
};

// What applying a migration may wait for, and what it must leave alone.
struct MigrationOptions {
  // SIGINT/SIGTERM: the running statement is cancelled on the server (PQcancel) and the call
  // returns kInterrupted promptly, leaving nothing running.
  const std::atomic<bool>* interrupted = nullptr;
  // The other side (the baseline): a connection to it is held while the migration runs, so that
  // DROP DATABASE of it fails as "being accessed by other users", and a statement that drops it
  // anyway (WITH (FORCE)) or ends its sessions is found at once: a kReachedBaseline failure.
  std::string guarded_conninfo;
  MigrationProgress* progress = nullptr;  // not owned; null: nobody is told
};

// Applies migration files in order to the database, statement by statement in autocommit,
// like `psql -v ON_ERROR_STOP=1 -f` (explicit BEGIN/COMMIT honoured, CREATE INDEX
// CONCURRENTLY works). Returns the failure (none when all applied) and the server's messages.
// Every file is read and split before anything runs. Error kBadInput: a file cannot be read or
// parsed (file:line named; all bad files at once), or a file ends inside a BEGIN without
// COMMIT. kInfrastructure: cannot connect, or the connection is lost. kInterrupted.
Result<MigrationOutcome> apply_migrations(const std::string& conninfo, const std::vector<std::string>& files);
// The same for scripts already read: only parse errors are kBadInput then.
Result<MigrationOutcome> apply_migrations(const std::string& conninfo, const std::vector<MigrationScript>& scripts,
                                          const MigrationOptions& options = {});

}  // namespace pgshadow::pg
