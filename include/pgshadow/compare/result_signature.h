#pragma once
// The result signature of the design: what a statement returned on one side, reduced to
// digests in one pass over the rows. Never includes libpq: the pg layer feeds values in.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pgshadow/util/xxh3.h"

namespace pgshadow::compare {

// OIDs below this are the server's own (builtin types): the same on every cluster of a major
// version. A type the baseline or the traffic created has a per-cluster OID.
inline constexpr std::uint32_t kFirstNormalObjectId = 16384;

struct ColumnHeader {
  ColumnHeader() = default;
  ColumnHeader(std::string column_name, std::uint32_t oid, std::string qualified_type_name = {})
      : name(std::move(column_name)), type_oid(oid), type_name(std::move(qualified_type_name)) {}

  std::string name;
  std::uint32_t type_oid = 0;
  // For a type of OID >= kFirstNormalObjectId: its schema-qualified name ("public.mood"), as the
  // replay resolved it on that side; empty when builtin or not resolvable.
  std::string type_name;

  // The same column: same name, and the same type: by name when both sides resolved it (a
  // composite type, domain or enum has a different OID on each cluster), else by OID.
  friend bool operator==(const ColumnHeader& a, const ColumnHeader& b) {
    if (a.name != b.name) return false;
    if (!a.type_name.empty() && !b.type_name.empty()) return a.type_name == b.type_name;
    return a.type_oid == b.type_oid;
  }
};

using SampleRow = std::vector<std::optional<std::string>>;

// An ordered result seen as runs of consecutive rows with equal sort keys (ties). Two results
// with the same runs (the same keys in the same order, the same rows within each run) differ at
// most by the order among tied rows, which SQL leaves unspecified. The first and the last run
// are kept apart: an OFFSET or a LIMIT that cuts through a run keeps unspecified members of it.
struct TieRun {
  Digest128 key;          // the digest of the sort-key values its rows share
  std::uint64_t rows = 0;
  Digest128 members;      // the multiset digest of its rows
  friend bool operator==(const TieRun&, const TieRun&) = default;
};

struct TieRuns {
  // The key columns are all of the ORDER BY's keys; else a leading part of them, and rows of
  // one run may still be in an order the keys not shown decide.
  bool keys_complete = false;
  std::uint64_t count = 0;  // runs; 0 for an empty result
  TieRun first;             // the first run (also the last when count == 1)
  TieRun last;
  Digest128 middle;         // chained over the runs between the first and the last
};

struct ResultSignature {
  bool succeeded = true;
  std::string sqlstate;       // when !succeeded
  std::string error_message;  // server's primary message, when !succeeded (may quote literals)
  // First word of a command tag that ends in a count ("SELECT", "INSERT", "FETCH"), else the
  // whole tag ("BEGIN", "CREATE TABLE"), so two different DDL commands never look alike.
  std::string command_verb;
  std::optional<std::uint64_t> affected_rows;  // from the command tag, when it has a count
  std::vector<ColumnHeader> columns;           // empty for commands without a result set
  std::uint64_t row_count = 0;
  Digest128 ordered_digest;   // chained over rows in arrival order
  Digest128 multiset_digest;  // sum of row digests mod 2^128: independent of row order
  // With SignatureBuilder::track_column_prefixes: the digests over the first k columns of every
  // row, for k = 1 .. columns - 1 (entry k - 1), equal to the digests a result of just those k
  // columns would have. An added column appended to a baseline's result (ALTER TABLE ... ADD
  // COLUMN under SELECT *) leaves the baseline's rows as a prefix of the shadow's.
  struct Prefix {
    Digest128 ordered_digest;
    Digest128 multiset_digest;
  };
  std::vector<Prefix> column_prefixes;
  // With SignatureBuilder::set_sort_keys: the result's tie runs on those key columns.
  std::optional<TieRuns> tie_runs;
  // The first rows, within SignatureBuilder's row and byte limits: what row_diff compares.
  std::vector<SampleRow> sample_rows;
  bool sample_complete = true;  // sample_rows holds every row of the result
  // The error came from the database's own code for its author's reasons (PL/pgSQL RAISE or
  // ASSERT): error_message is free text, withheld from default reports whatever the SQLSTATE.
  bool error_raised_by_user = false;
  // The server's NOTICE (and INFO) and WARNING messages during the statement: counted, never kept
  // (their text can quote data).
  std::uint32_t notices = 0;
  std::uint32_t warnings = 0;
};

// Builds a ResultSignature as rows arrive; memory is bounded by the sample, whatever the size of
// the result. Value encoding per cell: a null flag byte, the length (8 bytes), the bytes; so
// ('ab','c') and ('a','bc') differ and NULL, '' and 'NULL' all differ. The encoding delimits
// itself, so a row's digest is the digest of its cells in order and the digest of its first k
// cells is the digest a k-column row would have. finish_success/finish_error hand over the
// signature and leave the builder empty, ready for the next statement. Not thread-safe.
//
// The sample is the first rows, as long as both limits hold: max_sample_rows rows and
// max_sample_bytes bytes of values (NULLs count 0; the row limit bounds the per-cell overhead).
// It stops at the first row that would break a limit, so it is always a prefix of the result.
// The defaults keep enough rows to show what a migration changed in a typical result (a page
// of rows) for at most 64 KiB per statement and side, however many statements are in flight.
class SignatureBuilder {
 public:
  static constexpr std::size_t kDefaultSampleRows = 100;
  static constexpr std::size_t kDefaultSampleBytes = 64 * 1024;

  explicit SignatureBuilder(std::size_t max_sample_rows = kDefaultSampleRows,
                            std::size_t max_sample_bytes = kDefaultSampleBytes);

  void set_columns(std::vector<ColumnHeader> columns);
  // The columns (0-based, in ORDER BY order) that hold the statement's sort keys, for
  // ResultSignature::tie_runs; `complete` when they are all of its keys (see TieRuns). Call
  // after set_columns, before the rows; applies to this statement only. Costs one digest over
  // the key cells per row.
  void set_sort_keys(std::vector<std::size_t> key_columns, bool complete);
  // Also keep ResultSignature::column_prefixes (for the shadow side: it is the side a migration
  // adds columns to). Costs one digest per cell.
  void track_column_prefixes() { track_prefixes_ = true; }
  // One row: values in column order; nullopt is SQL NULL.
  void add_row(const std::vector<std::optional<std::string_view>>& values);
  // Finishes with the command tag as the server sent it ("INSERT 0 3", "SELECT 2", "BEGIN").
  ResultSignature finish_success(std::string_view command_tag);
  ResultSignature finish_error(std::string sqlstate, std::string message);

 private:
  void chain(Digest128& ordered, Digest128& multiset, const Digest128& row);
  void add_to_tie_runs(const std::vector<std::optional<std::string_view>>& values, const Digest128& row);
  void close_tie_run();

  std::size_t max_sample_rows_;
  std::size_t max_sample_bytes_;
  std::size_t sample_bytes_ = 0;  // of the values in signature_.sample_rows
  bool track_prefixes_ = false;
  ResultSignature signature_;
  Xxh3Hasher row_hasher_;
  Xxh3Hasher chain_hasher_;
  std::vector<std::size_t> key_columns_;  // with signature_.tie_runs
  TieRun open_run_;                       // the run the latest row belongs to
  Xxh3Hasher key_hasher_;
};

}  // namespace pgshadow::compare
