#pragma once
// --scale-table TABLE=ROWS: a baseline table grown to production size before the replay, so that
// the migration's lock windows (an index build, a rewrite, a validating scan) are measured on
// as many rows as production has, not on the capture's few thousand.
//
// The new rows are copies of the table's own rows under new keys, computed from them alone:
// the same baseline and targets give the same rows on every run and on both sides. Copy k of a
// row keeps every column except one column of each unique key (primary key, unique index or
// constraint), which moves out of the original range:
//   - an integer, numeric or floating key becomes key - k * span (span = max - min + 1 over the
//     original rows): copies land below the originals, where no ascending sequence reaches and
//     the keys the traffic inserts do not collide with them;
//   - a date or timestamp key moves back the same way, by whole spans of the original range;
//   - a text key gets "#k" appended; a uuid key becomes md5(key || '#' || k).
// The column moved is one that no foreign key of the table uses: the copies reference the same
// rows as their originals (foreign keys hold without new rows elsewhere). A unique key made
// only of foreign-key columns, a key column of another type, or an exclusion constraint is an
// error naming it. Rows are inserted with session_replication_role = replica: copies are data,
// not events, so the table's triggers do not fire (a superuser connection is needed). A last,
// partial copy takes the first rows in primary-key order (physical order without a key). The
// table is then vacuumed and analyzed, as a production table would be.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/util/result.h"

namespace pgshadow::pg {

// One --scale-table value.
struct TableScale {
  std::string table;       // as given: "users", "app.users", "\"Users\""
  std::uint64_t rows = 0;  // the row count wanted
};

// "users=50M" → {users, 50000000}. ROWS is a whole number, optionally with a k (thousand), M
// (million) or G (billion) suffix and a fraction before it ("1.5M"). Error kBadInput naming the
// value and what was expected.
Result<TableScale> parse_table_scale(std::string_view value);

// What scaling did to one table, for the reports.
struct ScaledTable {
  std::string table;  // qualified, as the catalog names it
  std::uint64_t rows_before = 0;
  std::uint64_t rows_after = 0;
  std::vector<std::string> moved_columns;  // the key columns the copies got new values in
};

// Called after every inserted batch: the table, its rows so far and the rows wanted.
using ScaleProgress = std::function<void(const std::string& table, std::uint64_t rows, std::uint64_t wanted)>;

// Grows each table to its row count on the database `conninfo` (a superuser's connection).
// A table that already holds as many rows is left alone (rows_after = rows_before). Errors:
// kBadInput for a table that does not exist, is not a table, is empty, or has a key the copies
// cannot be given new values for (named, with why); kInfrastructure when the server fails or
// cannot be reached; kInterrupted when `interrupted` is set (the running batch is cancelled).
Result<std::vector<ScaledTable>> scale_tables(const std::string& conninfo, const std::vector<TableScale>& targets,
                                              const ScaleProgress& progress = {},
                                              const std::atomic<bool>* interrupted = nullptr);

}  // namespace pgshadow::pg
