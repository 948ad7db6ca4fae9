#pragma once
// One line of a PostgreSQL 15 jsonlog file (log_destination = 'jsonlog'): a JSON object per
// message, keys as the server's jsonlog.c writes them (timestamp, user, dbname, session_id, ps,
// error_severity, state_code, message, detail, statement, application_name, ...). The server
// leaves out a key whose value is empty: an absent key is an empty field. Keys this reader does
// not need (pid, vxid, query_id, ...) are ignored whatever their type. Thread-safe.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "log_record.h"

namespace pgshadow::capture {

// Why a jsonlog line is not a record: a short stable reason and a human detail.
struct JsonlogLineProblem {
  std::string reason;  // "not JSON", "not a JSON object", "wrong field type"
  std::string detail;
};

// Parses `line` (with nlohmann-json) into `object` and points `record`'s fields into it, so
// `record` is valid while `object` is. A line holding bytes that are not UTF-8 (a server whose
// database encoding is SQL_ASCII writes them as they are) is read with each such byte replaced
// by U+FFFD, as the capture writer would write it anyway.
std::optional<JsonlogLineProblem> parse_jsonlog_line(std::string_view line, nlohmann::json& object,
                                                     LogRecord& record);

}  // namespace pgshadow::capture
