#pragma once
// Preparing the two sides: load the baseline, clone it, migrate the shadow.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pgshadow/util/result.h"

namespace pgshadow::pg {

// Loads a baseline into an existing empty database with the server's own client tools from
// bin_dir: a plain SQL file through `psql -X -q -v ON_ERROR_STOP=1 -f`, a custom-format archive
// (pg_dump -Fc, recognised by its PGDMP magic) through `pg_restore --no-owner
// --no-privileges --exit-on-error`. A password in conninfo reaches the tool via PGPASSWORD,
// never its command line. Error kBadInput with the tool's message (its last lines) when the
// file is unreadable or fails to load; kInfrastructure when the server cannot be reached.
Status load_baseline(const std::string& bin_dir, const std::string& conninfo,
                     const std::string& baseline_file);

// CREATE DATABASE name TEMPLATE template (the two sides start byte-identical).
Status clone_database(const std::string& admin_conninfo, const std::string& name,
                      const std::string& template_name);

// Why a migration could not be applied to the shadow: itself a finding (migration_failed).
struct MigrationFailure {
  std::string file;
  std::uint64_t line = 0;    // line where the failing statement starts
  std::string sqlstate;
  std::string message;       // the server's primary message
  std::string statement_shape;  // normalized text of the failing statement (no literals)
};

// A migration file already read (a FIFO or standard input can be read only once).
struct MigrationScript {
  std::string file;  // as named, for messages
  std::string text;
};

// Applies migration files in order to the database, statement by statement in autocommit,
// like `psql -v ON_ERROR_STOP=1 -f` (explicit BEGIN/COMMIT honoured, CREATE INDEX
// CONCURRENTLY works). Returns the failure, or nullopt when all applied.
// Every file is read and split before anything runs. Error kBadInput: a file cannot be read or
// parsed (file:line named; all bad files at once), or a file ends inside a BEGIN without
// COMMIT. kInfrastructure: cannot connect, or the connection is lost.
Result<std::optional<MigrationFailure>> apply_migrations(const std::string& conninfo,
                                                         const std::vector<std::string>& files);
// The same for scripts already read: only parse errors are kBadInput then.
Result<std::optional<MigrationFailure>> apply_migrations(const std::string& conninfo,
                                                         const std::vector<MigrationScript>& scripts);

}  // namespace pgshadow::pg
