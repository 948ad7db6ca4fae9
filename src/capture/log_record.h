#pragma once
// One message of a PostgreSQL server log, whatever format carried it (csvlog, jsonlog, stderr):
// the fields the event assembler needs, named. Fields borrow from the reader's current buffers
// and are valid until the reader moves on. Plain value.
#include <string_view>

namespace pgshadow::capture {

struct LogRecord {
  std::string_view log_time;        // as written by the server: "2026-11-23 10:00:00.123 UTC"
  std::string_view user_name;
  std::string_view database_name;
  std::string_view session_id;      // csvlog/jsonlog session_id; stderr: %c, or derived from the pid
  std::string_view command_tag;     // "PARSE", "BIND", "SELECT"... when the format carries it
  std::string_view error_severity;  // "LOG", "ERROR", "FATAL", ...
  std::string_view sql_state_code;  // empty when the format did not carry it
  std::string_view message;
  std::string_view detail;
  std::string_view query;           // the failing statement (STATEMENT: line / query field)
  std::string_view context;         // CONTEXT: (csvlog/jsonlog "context")
  std::string_view application_name;
};

}  // namespace pgshadow::capture
