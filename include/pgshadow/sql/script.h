#pragma once
// Splits an SQL script (a migration file) into statements the way psql -f runs them: one at a
// time, each with the line where it starts.
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/util/result.h"

namespace pgshadow::sql {

struct ScriptStatement {
  std::string sql;       // the statement's text, without the terminating semicolon
  std::uint64_t line = 0;  // 1-based line of its first non-blank, non-comment character
};

// Errors (ErrorKind::kBadInput) name the file and line: a syntax error
// ("migrations/001.sql:7: syntax error at or near \"TABLEX\""), or a psql meta-command
// (backslash command), which pgshadow cannot run.
Result<std::vector<ScriptStatement>> split_script(std::string_view text,
                                                  std::string_view file_name);

// The same, for a script of another kind: a meta-command is reported as
// "FILE:LINE: psql meta-command \x " + why_meta_refused.
Result<std::vector<ScriptStatement>> split_script(std::string_view text, std::string_view file_name,
                                                  std::string_view why_meta_refused);

}  // namespace pgshadow::sql
