#pragma once
// What a baseline file is and what it needs before it can be loaded with its owners and
// privileges: the roles it names, the tablespaces it uses, and (for a pg_dump -Fc archive) the
// database's name and owner in production.
#include <string>
#include <vector>

#include "pgshadow/sql/global_references.h"
#include "pgshadow/sql/script.h"
#include "pgshadow/util/result.h"

namespace pgshadow::pg {

enum class BaselineFormat { kPlainSql, kCustomArchive };

// pg_dump -Fc archives start with the magic "PGDMP"; anything else is SQL for psql.
// Error kBadInput when the file cannot be read.
Result<BaselineFormat> baseline_format(const std::string& file);

// The SQL statements of a plain-SQL baseline, checked to hold nothing psql would run besides SQL
// and COPY data (sql/psql_script.h). Error kBadInput naming file:line.
Result<std::vector<sql::ScriptStatement>> read_plain_baseline(const std::string& file);

struct BaselineNeeds {
  BaselineFormat format = BaselineFormat::kPlainSql;
  sql::GlobalReferences references;
  std::string database_name;   // an archive's database, else empty
  std::string database_owner;  // an archive's database owner, else empty
};

// Reads the baseline for what it needs. An archive is listed and its schema written out with
// pg_restore (run as the server user, the archive on its standard input) into scratch_dir, a
// directory the server user may write.
Result<BaselineNeeds> what_the_baseline_needs(const std::string& bin_dir, const std::string& file,
                                              const std::string& scratch_dir);

}  // namespace pgshadow::pg
