#pragma once
// A write's footprint: the row locks it may take, by table, for the write rule (dispatch_rule.h)
// and for the lock holders a write may wait on. Two writes may contend for a lock when their
// footprints share a table, unless what each locks in it is told apart by column values:
//  - rows found by UPDATE, DELETE or a locking SELECT whose WHERE pins one column to different
//    values (`id = 5`, `id = 6`): a row has one value in that column, and a statement locks only
//    rows its snapshot sees with the values it asks for (assigning a unique key's column is
//    never told apart: its new index entry waits on other writers of that key);
//  - rows inserted with different values in some column of every unique key (no unique key: an
//    insert waits on no row lock and no one waits on its row);
//  - found rows and inserted rows only in a table without a unique key (with one, the insert's
//    unique check waits on a found row's writer when that row has the inserted key, whatever
//    columns the writer pinned).
// A footprint whose table says any_row may lock any row of it. Sequences are tables that every
// write drawing from them may lock whole (two writes draw ids in the order they run).
// Invariant: may_contend never says two writes are apart when some lock can be wanted by both,
// given that the values are canonical for their column's equality (write_contention.h's job).
#include <cstddef>
#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace pgshadow::replay::dispatch {

// Column name -> canonical value: equal exactly when the column's equality says equal.
using PinnedRow = std::map<std::string, std::string>;
// The column lists of a table's unique keys.
using UniqueKeys = std::vector<std::vector<std::string>>;

// What a write may lock in one table.
struct TableLocks {
  bool any_row = true;
  std::vector<PinnedRow> found;     // rows it updates, deletes or locks, by the columns it pins
  std::vector<PinnedRow> inserted;  // rows it inserts, by their unique keys' columns
  // The table's unique keys, from the catalog; inserted rows are only ever recorded with them.
  std::shared_ptr<const UniqueKeys> unique_keys;
  // A sequence the write draws from: it orders the draws, it makes no one wait.
  bool sequence = false;
  // The columns its found rows get new values in (an UPDATE's SET): a reader pinning one of them
  // may see a row move into its pins.
  std::set<std::string> assigned;

  bool operator==(const TableLocks& other) const {
    return any_row == other.any_row && found == other.found && inserted == other.inserted;
  }
};

// Past this many rows in one table, a footprint locks any row of it (a transaction's footprint
// gathers all its writes, and comparing two is a product of their rows).
inline constexpr std::size_t kMaxPinnedRowsPerTable = 64;

struct Footprint {
  std::map<std::string, TableLocks> tables;

  // A footprint that may lock any row of these tables.
  static Footprint of_tables(std::initializer_list<std::string> names);
  std::set<std::string> table_names() const;
  // A transaction's footprint gathers every write of it.
  void add(const Footprint& other);

  bool operator==(const Footprint&) const = default;
};

// Whether two writes may want one lock: either footprint unknown (null), or some shared table
// whose locks are not told apart (above).
bool may_contend(const Footprint* a, const Footprint* b);

// Whether a statement that reads `reads` (the rows its result depends on, by their pins) may
// see what a commit makes visible (`published`: the committing transaction's footprint): some
// row it reads may be one the transaction changed, deleted or inserted. Null: unknown, it may.
// Unlike may_contend, an insert is seen (by a reader of its table) even without a unique key.
bool may_see(const Footprint* reads, const Footprint* published);

// Whether a write will wait on the row locks an open transaction took (`held`, its footprint) as
// far as the values tell: it finds a row pinned by the same values in every column both pin (one
// at least) as a row the transaction found, or inserts a row with the same values in some
// unique key as one the transaction found or inserted. Short of that (a row it may lock any of,
// other columns) it may or may not wait: no prediction.
bool will_wait(const Footprint& wanted, const Footprint& held);

// Whether a write waiting for a row lock gets the same result whether a transaction's commit
// (`committed`: its footprint) comes before the write takes its snapshot or after, while the write
// waits: `waiter`, the write's footprint, is one table's rows (sequences aside), which an UPDATE
// or DELETE reads nothing of but `where_columns` (sql::RowPins::where_columns). A write that
// waited re-reads the newest version of the row it waited for and checks its WHERE on it again
// (PostgreSQL's EvalPlanQual), which is what a snapshot taken after the commit sees of that row.
// What such a snapshot may see besides is a row the commit added (an insert; a row deleted and
// inserted again, where the waiter finds only the deletion) or one it moved into the WHERE (a
// column the WHERE reads assigned): the commit must have locked rows of that table only by their
// pins (no any_row), inserted none and assigned none of those columns. Its other tables the
// write does not read.
bool same_either_side_of_commit(const Footprint& waiter, const std::set<std::string>& where_columns,
                                const Footprint& committed);

}  // namespace pgshadow::replay::dispatch
