#pragma once
// One statement that production executed, as captured from its logs. The unit that every
// later stage consumes: capture produces Events, replay runs them, judge accounts for them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pgshadow/util/input_problems.h"

namespace pgshadow {

enum class Protocol {
  kSimple,    // "statement: ..." (one Query message, possibly several statements)
  kExtended,  // "execute <name>: ..." (Parse/Bind/Execute), parameters bound separately
};

// What production saw when it ran the statement.
struct ProductionOutcome {
  bool succeeded = true;
  std::string sqlstate;  // five characters when !succeeded and known, else empty
};

// A bound parameter value exactly as the server logged it (text), or NULL.
using ParameterValue = std::optional<std::string>;

struct Event {
  // Position of this event in the whole capture, 0-based, gapless in the order events are
  // produced; identifies the event in every accounting and report.
  std::uint64_t sequence = 0;
  std::string session_id;  // stable per client connection: csvlog's session_id, or pid-based
  std::string user;
  std::string database;
  std::string application;
  std::int64_t start_us = 0;             // statement start, microseconds since the Unix epoch (UTC)
  std::optional<double> duration_ms;     // when the server logged one
  std::string sql;
  Protocol protocol = Protocol::kSimple;
  std::string statement_name;  // extended protocol: the prepared statement's name; empty = unnamed
  std::vector<ParameterValue> parameters;  // $1..$n
  // A value in `parameters` is not what production bound: the server cut it at
  // log_parameter_max_length (or ..._on_error) and logged "..." after it. Replaying the cut
  // text as if it were real would compare a statement production never ran.
  bool parameters_truncated = false;
  ProductionOutcome outcome;
  SourceLocation source;  // first log line of the statement
};

const char* to_string(Protocol protocol);

}  // namespace pgshadow
