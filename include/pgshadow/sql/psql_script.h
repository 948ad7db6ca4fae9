#pragma once
// A plain-SQL baseline as `psql -f` reads it. pgshadow loads such a file with psql, and psql runs
// more than SQL: a meta-command (`\! cmd` runs a shell command, `\copy` reads and writes files,
// `\i` includes files). So a plain-SQL baseline may hold only SQL statements and the data of its
// `COPY ... FROM stdin` statements (pg_dump's plain format), plus pg_dump's `\restrict KEY` /
// `\unrestrict KEY` lines, which only make psql refuse every other meta-command.
//
// How psql splits the file is told by PostgreSQL's own scanner and parser (libpg_query), as for
// migrations (script.h), on the text with the COPY data lines blanked: a data block is the lines
// after a `COPY ... FROM stdin;` statement up to a line `\.`, exactly where psql reads data. The
// reading of psql's lexer depends on two settings that a file could change half-way:
// standard_conforming_strings (whether a backslash escapes a quote in '...') and client_encoding
// (in SJIS, BIG5, GBK, UHC, GB18030 and JOHAB a backslash byte can end a character); a statement
// that could turn either of them into something the scanner does not read alike is refused.
#include <string_view>
#include <vector>

#include "pgshadow/sql/script.h"
#include "pgshadow/util/result.h"

namespace pgshadow::sql {

// The SQL statements of the file (the COPY data excluded), each with its line. Error kBadInput
// naming file:line: a psql meta-command ("baseline.sql:3: psql meta-command \! is not allowed in a
// plain-SQL baseline (psql would run it)"), a syntax error, a COPY FROM stdin whose data is not
// on the following lines, a change of standard_conforming_strings or to a client-only encoding.
Result<std::vector<ScriptStatement>> read_psql_script(std::string_view text, std::string_view file_name);

}  // namespace pgshadow::sql
