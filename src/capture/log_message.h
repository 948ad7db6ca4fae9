#pragma once
// What a server LOG message says, in the server's own words (PostgreSQL 15, postgres.c and
// friends). Pure functions over the message text, thread-safe. The views returned point into
// the message passed in.
#include <optional>
#include <string_view>
#include <vector>

#include "pgshadow/core/event.h"

namespace pgshadow::capture {

enum class LogMessageKind {
  kStatement,     // "statement: SQL"                     (simple protocol)
  kExecute,       // "execute NAME[/PORTAL]: SQL"          (extended protocol)
  kExecuteFetch,  // "execute fetch from NAME[/PORTAL]: SQL" (more rows of a running portal)
  kParse,         // "parse NAME: SQL"      (only logged with a duration)
  kBind,          // "bind NAME[/PORTAL]: SQL" (only logged with a duration)
  kBareDuration,  // "duration: 0.5 ms": the duration of the statement just logged
  kNotStatement,  // connections, checkpoints, ...: see `not_statement_kind`
  kUnrecognised,
};

struct LogMessage {
  LogMessageKind kind = LogMessageKind::kUnrecognised;
  std::optional<double> duration_ms;   // "duration: X ms" prefix, when present
  std::string_view statement_name;     // extended protocol; empty for <unnamed>
  std::string_view sql;
  std::string_view not_statement_kind;  // "connection", "checkpoint", ...
};

// Classifies the message of a record whose error_severity is LOG.
LogMessage parse_log_message(std::string_view message);

// The kind under which a record of a severity that never carries a statement (WARNING, NOTICE,
// INFO, DEBUG1..5) is counted, or empty for other severities.
std::string_view not_statement_kind_for_severity(std::string_view severity);

// Parses the DETAIL of an execute/bind line: "parameters: $1 = 'it''s', $2 = NULL". Values are
// returned unquoted (doubled quotes undone); NULL is nullopt. An empty detail means no
// parameters. nullopt when the text does not follow that grammar.
std::optional<std::vector<ParameterValue>> parse_parameters_detail(std::string_view detail);

}  // namespace pgshadow::capture
