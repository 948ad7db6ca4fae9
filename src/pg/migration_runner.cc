// apply_migrations: the migration files, statement by statement, as `psql -v ON_ERROR_STOP=1
// -f` would run them.
#include <pqxx/nontransaction>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "admin_connection.h"
#include "pgshadow/pg/database_setup.h"
#include "pgshadow/sql/query_shape.h"
#include "pgshadow/sql/script.h"

namespace pgshadow::pg {
namespace {

struct MigrationFile {
  std::string name;
  std::vector<sql::ScriptStatement> statements;
};

Result<MigrationScript> read_migration(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::bad_input(file + ": cannot read the migration file: " + strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error::bad_input(file + ": cannot read the migration file");
  return MigrationScript{file, text.str()};
}

// Every script split before anything runs: a bad file fails the run before the shadow is
// touched, and all bad files are named at once.
Result<std::vector<MigrationFile>> split_migrations(const std::vector<Result<MigrationScript>>& scripts) {
  std::vector<MigrationFile> migrations;
  std::string problems;
  for (const auto& script : scripts) {
    Result<std::vector<sql::ScriptStatement>> statements =
        script ? sql::split_script(script->text, script->file) : Result<std::vector<sql::ScriptStatement>>(script.error());
    if (statements) {
      migrations.push_back({script->file, std::move(statements).value()});
    } else {
      problems += (problems.empty() ? "" : "\n") + statements.error().message;
    }
  }
  if (!problems.empty()) return Error::bad_input(problems);
  return migrations;
}

// Whether the session is inside a transaction block (a BEGIN without COMMIT). In autocommit
// each statement is its own transaction and now() equals statement_timestamp() exactly; in a
// block now() is the time of BEGIN, at least one round trip earlier.
bool inside_transaction_block(pqxx::nontransaction& session) {
  return session.exec1("SELECT now() <> statement_timestamp()")[0].as<bool>();
}

}  // namespace

Result<std::optional<MigrationFailure>> apply_migrations(const std::string& conninfo,
                                                         const std::vector<std::string>& files) {
  std::vector<MigrationScript> scripts;
  std::vector<Result<MigrationScript>> read;
  for (const auto& file : files) read.push_back(read_migration(file));
  auto migrations = split_migrations(read);
  if (!migrations) return migrations.error();
  for (const auto& script : read) scripts.push_back(*script);
  return apply_migrations(conninfo, scripts);
}

Result<std::optional<MigrationFailure>> apply_migrations(const std::string& conninfo,
                                                         const std::vector<MigrationScript>& scripts) {
  std::vector<Result<MigrationScript>> given(scripts.begin(), scripts.end());
  auto migrations = split_migrations(given);
  if (!migrations) return migrations.error();
  auto connection = connect_admin(conninfo, "apply the migration");
  if (!connection) return connection.error();

  // One autocommit session for all files: each statement commits on its own unless the file
  // itself says BEGIN, and CREATE INDEX CONCURRENTLY (which refuses a transaction) works.
  pqxx::nontransaction session((*connection)->get());
  for (const auto& migration : *migrations) {
    for (const auto& statement : migration.statements) {
      try {
        session.exec(statement.sql);
      } catch (const pqxx::sql_error& error) {
        return std::optional<MigrationFailure>(
            MigrationFailure{migration.name, statement.line, error.sqlstate(),
                             primary_message(error), sql::shape_of(statement.sql).normalized});
      } catch (const std::exception& error) {
        return Error::infrastructure(migration.name + ":" + std::to_string(statement.line) +
                                     ": lost the connection while applying the migration: " +
                                     primary_message(error));
      }
    }
    // psql would roll such a file back silently at exit, and the shadow would then wrongly
    // look like the baseline: refuse it instead.
    try {
      if (inside_transaction_block(session)) {
        return Error::bad_input(migration.name +
                                ": the file ends inside a transaction block (BEGIN without "
                                "COMMIT), so its changes would be rolled back");
      }
    } catch (const std::exception& error) {
      return Error::infrastructure(migration.name + ": lost the connection after applying it: " +
                                   primary_message(error));
    }
  }
  return std::optional<MigrationFailure>{};
}

}  // namespace pgshadow::pg
