#pragma once
// What applying a migration did, as every stage after it reads it: the pg module applies it,
// the replay carries it, the judge weighs its failure (migration_failed) and shows its messages.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgshadow {

// Why a migration could not be applied to the shadow: itself a finding (migration_failed).
struct MigrationFailure {
  enum class Kind {
    kFailed,            // a statement failed (on the baseline's data, or its own error)
    kReachedBaseline,   // a statement dropped the baseline's database or ended its sessions
  };
  std::string file;
  std::uint64_t line = 0;    // line where the failing statement starts
  std::string sqlstate;
  std::string message;       // the server's primary message
  std::string statement_shape;  // normalized text of the failing statement (no literals)
  // The message was written by the migration's own code (PL/pgSQL RAISE or ASSERT): free text,
  // withheld from default reports whatever the SQLSTATE.
  bool raised_by_user = false;
  Kind kind = Kind::kFailed;
};

// A message the server sent while a migration statement ran (psql prints these): "drop
// cascades to view active_users", a deprecation WARNING. The migration is the user's own code,
// so its texts are shown, except those its own code raised (PL/pgSQL RAISE), which may carry
// the baseline's values.
struct MigrationMessage {
  std::string file;
  std::uint64_t line = 0;  // where the statement starts
  std::string severity;    // "WARNING", "NOTICE", "INFO"
  std::string sqlstate;
  std::string text;
  bool raised_by_user = false;
};

// What applying the migration did: its failure, if any, and the messages of the statements
// that ran, in order (at most kMaxMigrationMessages; messages_dropped counts the rest).
struct MigrationOutcome {
  std::optional<MigrationFailure> failure;
  std::vector<MigrationMessage> messages;
  std::uint64_t messages_dropped = 0;
};
inline constexpr std::size_t kMaxMigrationMessages = 200;

}  // namespace pgshadow
