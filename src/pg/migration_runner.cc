// apply_migrations: the migration files, statement by statement, as `psql -v ON_ERROR_STOP=1
// -f` would run them.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "pgshadow/pg/database_setup.h"
#include "pgshadow/pg/session_connection.h"
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

// Whether the session is inside a transaction block (a BEGIN without COMMIT): libpq tracks it
// from the server's ReadyForQuery.
bool inside_transaction_block(const SessionConnection& session) {
  const TransactionState state = session.transaction_state();
  return state == TransactionState::kInTransaction || state == TransactionState::kFailed;
}

// Every message is counted: those past what a statement keeps (kMaxKeptMessages) or the outcome
// keeps (kMaxMigrationMessages) as dropped.
void keep_messages(const std::string& file, std::uint64_t line, const StatementCompletion& done,
                   MigrationOutcome& outcome) {
  std::uint64_t kept = 0;
  for (const ServerMessage& message : done.messages) {
    if (outcome.messages.size() >= kMaxMigrationMessages) break;
    outcome.messages.push_back({file, line, message.severity, message.sqlstate, message.text, message.raised_by_user});
    ++kept;
  }
  const std::uint64_t sent = std::uint64_t{done.notices} + done.warnings;
  outcome.messages_dropped += sent > kept ? sent - kept : 0;
}

}  // namespace

Result<MigrationOutcome> apply_migrations(const std::string& conninfo, const std::vector<std::string>& files) {
  std::vector<Result<MigrationScript>> read;
  for (const auto& file : files) read.push_back(read_migration(file));
  if (auto migrations = split_migrations(read); !migrations) return migrations.error();
  std::vector<MigrationScript> scripts;
  for (const auto& script : read) scripts.push_back(*script);
  return apply_migrations(conninfo, scripts);
}

Result<MigrationOutcome> apply_migrations(const std::string& conninfo, const std::vector<MigrationScript>& scripts,
                                          const MigrationOptions& options) {
  std::vector<Result<MigrationScript>> given(scripts.begin(), scripts.end());
  auto migrations = split_migrations(given);
  if (!migrations) return migrations.error();
  // One autocommit session for all files: each statement commits on its own unless the file
  // itself says BEGIN, and CREATE INDEX CONCURRENTLY (which refuses a transaction) works. The
  // server's messages (NOTICE: drop cascades to ...) are kept for the report, never printed raw.
  auto session = SessionConnection::open(conninfo, {}, options.interrupted, "apply the migration");
  if (!session) return session.error();
  (*session)->keep_message_texts();
  if (options.progress != nullptr) options.progress->on_session((*session)->backend_pid());
  MigrationOutcome outcome;
  std::unique_ptr<SessionConnection> guard;
  if (!options.guarded_conninfo.empty()) {
    auto opened = SessionConnection::open(options.guarded_conninfo, {}, options.interrupted,
                                          "watch the baseline during the migration");
    if (!opened) return opened.error();
    guard = std::move(opened).value();
  }
  // A migration statement may run for hours (an index build): no deadline, but an interrupt
  // cancels it.
  const WaitLimits limits{std::chrono::milliseconds(0), options.interrupted};
  DiscardingSink discard;
  std::size_t index = 0;
  for (const auto& migration : *migrations) {
    for (const auto& statement : migration.statements) {
      const auto failure = [&](MigrationFailure::Kind kind, std::string sqlstate, std::string message, bool by_user) {
        outcome.failure = MigrationFailure{migration.name, statement.line, std::move(sqlstate), std::move(message),
                                           sql::shape_of(statement.sql).normalized, by_user, kind};
        return outcome;
      };
      const std::size_t this_statement = index++;
      if (options.progress != nullptr) {
        options.progress->on_statement_start(this_statement, migration.name, statement.line,
                                             sql::shape_of(statement.sql).normalized);
      }
      auto done = (*session)->run({statement.sql, false, "", nullptr}, discard, limits);
      if (options.progress != nullptr) {
        options.progress->on_statement_end(this_statement, done && done->succeeded, done ? done->sqlstate : "");
      }
      if (!done) {
        if (done.error().kind == ErrorKind::kInterrupted) return done.error();
        return Error::infrastructure(migration.name + ":" + std::to_string(statement.line) +
                                     ": lost the connection while applying the migration: " + done.error().message);
      }
      keep_messages(migration.name, statement.line, *done, outcome);
      if (!done->succeeded) {
        return failure(MigrationFailure::Kind::kFailed, done->sqlstate, done->message, done->raised_by_user);
      }
      if (guard) {
        auto alive = guard->query_scalar("SELECT 1");
        if (!alive) {
          if (alive.error().kind == ErrorKind::kInterrupted) return alive.error();
          return failure(MigrationFailure::Kind::kReachedBaseline, "", "", false);
        }
      }
    }
    // psql would roll such a file back silently at exit, and the shadow would then wrongly
    // look like the baseline: refuse it instead.
    if (inside_transaction_block(**session)) {
      return Error::bad_input(migration.name +
                              ": the file ends inside a transaction block (BEGIN without "
                              "COMMIT), so its changes would be rolled back");
    }
  }
  return outcome;
}

}  // namespace pgshadow::pg
