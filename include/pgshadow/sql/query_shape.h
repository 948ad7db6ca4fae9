#pragma once
// What PostgreSQL's own parser (libpg_query) tells us about a statement. Thread-safe:
// libpg_query keeps its parser state per thread.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pgshadow::sql {

// Statements that differ only in constants share a shape.
struct QueryShape {
  std::string fingerprint;  // libpg_query fingerprint, 16 hex digits; "text-" + hash when unparsable
  // Constants replaced by $n; never contains a literal of the input. pg_query_normalize does
  // the work where it can; a scanner pass then replaces the constants it leaves (in utility
  // statements such as CALL or COMMENT, and type modifiers: varchar(10) -> varchar($2)) and
  // drops comments, which can carry request data.
  std::string normalized;

  bool operator==(const QueryShape&) const = default;
};

// Never fails: SQL the parser rejects still gets a stable shape (from the scanner-based
// normalization when it succeeds, else a hash of the text, with the text itself withheld:
// normalized is then "<unparsable statement>"). A statement nested deeper than PostgreSQL's own
// server parses with its default stack (about 10,000 levels, e.g. chained "+ 1") is not given to
// the parser's recursive walks: normalized is "<too deep to parse>", the fingerprint a hash of
// its text with the constants taken out. Deeply nested statements are walked on a thread with a
// large stack, so no statement overflows the caller's stack.
QueryShape shape_of(std::string_view sql);

// A statement that acts outside the database it runs in: on the server's host (files,
// programs, libraries, untrusted code), on the server as a whole (its configuration, other
// backends, replication), on other databases or tablespaces, or on other servers. Replaying it
// would act on the replay's host or servers, so the replay skips it unless its kind is allowed.
struct OutsideReach {
  std::string kind;         // stable name, for --allow-outside: copy_program, copy_file, server_files,
                            // server_control, other_backends, replication, databases, tablespaces,
                            // foreign_connections, untrusted_language
  std::string description;  // "COPY ... TO PROGRAM: runs a program on the server's host"

  bool operator==(const OutsideReach&) const = default;
};

inline constexpr std::string_view kOutsideReachKinds[] = {
    "copy_program", "copy_file", "server_files", "server_control", "other_backends",
    "replication", "databases", "tablespaces", "foreign_connections", "untrusted_language"};

// The outermost SELECT's LIMIT when it has no ORDER BY. Which rows such a LIMIT keeps is
// unspecified only when it cut something: when neither side returned as many rows as the
// limit, every row that matched came back, and the rows must agree. Nor when the WHERE clause
// pins the rows by a unique key of the table (`WHERE id = $1 LIMIT 1`: knex's .first(),
// ActiveRecord's find_by): at most one row can match.
struct RowLimit {
  std::optional<std::int64_t> count;  // LIMIT 10
  int count_parameter = 0;            // LIMIT $2: the parameter's number (1-based), 0 when a constant
  // The FROM clause is one table and the WHERE clause an AND of `column = constant or $n`: the
  // table (schema-qualified when written so) and those columns, for the unique-key check.
  std::string schema;
  std::string table;
  std::vector<std::string> equality_columns;

  bool operator==(const RowLimit&) const = default;
};

// A LIMIT, OFFSET or FETCH FIRST count: a constant or a bound parameter.
struct RowCount {
  std::optional<std::int64_t> constant;  // LIMIT 10
  int parameter = 0;                     // LIMIT $2: the parameter's number (1-based), 0 when a constant

  bool operator==(const RowCount&) const = default;
};

// Where one ORDER BY key is in the result: a column by position (ORDER BY 2, or an expression
// that is the n-th entry of a select list with no * before it), else the result's only column
// of that name (ORDER BY name, which PostgreSQL resolves to an output column first; an aliased
// entry after a *; a column of the one table under SELECT *).
struct SortKeyColumn {
  std::optional<std::size_t> position;  // 0-based
  std::string name;                     // when position is nullopt

  bool operator==(const SortKeyColumn&) const = default;
};

// The outermost SELECT's ORDER BY, as far as the result shows it. Rows whose sort keys are equal
// (a tie) come back in an order SQL leaves unspecified, and a LIMIT (or OFFSET) that cuts through
// a run of tied rows keeps unspecified members of it: telling that from a real change needs the
// keys' values, hence their columns.
struct SortOrder {
  // The leading keys that are columns of the result, up to the first that is not (ORDER BY
  // created_at when created_at is not selected; an expression matching no entry).
  std::vector<SortKeyColumn> keys;
  bool all_keys_in_result = false;
  std::optional<RowCount> limit;   // LIMIT n / FETCH FIRST n ROWS ONLY; not WITH TIES (it keeps every tie)
  std::optional<RowCount> offset;  // OFFSET n

  bool operator==(const SortOrder&) const = default;
};

// A SAVEPOINT, RELEASE SAVEPOINT or ROLLBACK TO SAVEPOINT, with the savepoint's name.
struct SavepointStep {
  enum class Kind { kNone, kSavepoint, kRelease, kRollbackTo };
  Kind kind = Kind::kNone;
  std::string name;

  bool operator==(const SavepointStep&) const = default;
};

// A value a write pins a column to (`column = value` in its WHERE clause, a value of its VALUES
// row): where the replay finds it for each execution of the statement.
struct PinnedValue {
  enum class Source { kParameter, kNumber, kString };
  Source source = Source::kString;
  // kParameter: n of $n. kNumber: how many number constants come before it in the text
  // (number_constants), so that one statement's facts hold for every text of its facts_key.
  int index = 0;
  bool negated = false;  // kNumber: written after a minus sign
  std::string text;      // kString: the literal's value
  std::string cast;      // the type it is cast to (`$1::int8` -> "int8"), "" without a cast

  bool operator==(const PinnedValue&) const = default;
};

// The rows whose locks one write may take in one table, narrowed by column values (see
// StatementFacts::row_pins).
struct RowPins {
  // kExisting: the rows an UPDATE, DELETE or SELECT finds, all with the pinned values;
  // kInserted: the rows an INSERT's VALUES list adds.
  enum class Kind { kExisting, kInserted };
  Kind kind = Kind::kExisting;
  // kExisting: one entry, the columns the WHERE clause pins (an AND of `column = value`), maybe
  // none; kInserted: one entry per VALUES row, the columns it gives a constant or parameter.
  std::vector<std::map<std::string, PinnedValue>> rows;
  // The columns the statement assigns: an UPDATE's SET, an INSERT's ON CONFLICT DO UPDATE SET.
  std::set<std::string> assigned;
  bool on_conflict = false;  // kInserted: ON CONFLICT (DO NOTHING or DO UPDATE)
  // An UPDATE or DELETE that reads nothing but the columns of the rows it changes: the columns
  // its WHERE clause names. nullopt when it reads more (a subquery anywhere in it, a whole-row
  // reference, a column list it cannot name: `t.*`), and for every other statement.
  std::optional<std::set<std::string>> where_columns;

  bool operator==(const RowPins&) const = default;
};

struct StatementFacts {
  bool parsed = false;                 // the parser accepted the text
  bool has_top_level_order_by = false; // the outermost SELECT of the (last) statement sorts
  // Some statement of the text is BEGIN/START/COMMIT/ROLLBACK/SAVEPOINT/RELEASE/PREPARE
  // TRANSACTION (a multi-statement text counts if any of its statements is one).
  bool is_transaction_control = false;
  // Every statement of the text is BEGIN, START TRANSACTION, SAVEPOINT or RELEASE SAVEPOINT:
  // transaction control that neither makes changes visible nor releases a lock (a snapshot is
  // taken by the first statement after BEGIN, not by BEGIN).
  bool only_opens = false;
  int statement_count = 0;             // a simple-protocol query may hold several
  // Why the statement cannot give repeatable results, when it cannot: "calls now()", "casts
  // 'now' to timestamptz", "reads pg_stat_activity", "reads setting port", "OFFSET without ORDER
  // BY", "TABLESAMPLE", "SKIP LOCKED", "DISTINCT ON without ORDER BY". The outermost SELECT's
  // LIMIT without ORDER BY is in unordered_limit instead.
  std::string nondeterminism;
  // COPY ... FROM STDIN: the rows come from the client and are not in the server's log.
  bool copies_from_client = false;
  // Some statement of the text may change data, sequences or other sessions' view (INSERT,
  // UPDATE, DELETE, MERGE, DDL, SELECT ... FOR UPDATE / INTO, a data-modifying WITH, nextval(),
  // NOTIFY, CALL, DO, SQL-level EXECUTE, ...). Text that does not parse counts as a write. What
  // --read-only leaves out; read-only transactions still guard against writes hidden in
  // functions.
  bool may_write = true;
  // Every statement of the text is a SELECT (or SHOW, VALUES, TABLE) that neither writes nor
  // moves session state (no cursor, no prepared statement): running it again on the same
  // connection must give the same result unless it is nondeterministic.
  bool is_plain_read = false;
  // See OutsideReach: nullopt when the statement stays inside its database.
  std::optional<OutsideReach> outside_reach;
  // See RowLimit: nullopt when the outermost SELECT has no LIMIT, or has an ORDER BY.
  std::optional<RowLimit> unordered_limit;
  // See SortOrder: the outermost SELECT's ORDER BY (of the last statement), nullopt without one
  // (and for EXPLAIN or DECLARE CURSOR, whose ORDER BY is inside).
  std::optional<SortOrder> sort_order;
  // Tables the statement names (read or written) and those it writes, by name as written
  // ("orders", "app.orders"); what the replay's divergence tracking follows data through.
  std::set<std::string> tables_touched;
  std::set<std::string> tables_written;
  // Tables it creates with rows of its own (CREATE TABLE AS, SELECT INTO): they exist only where
  // the traffic ran, never in the pristine clones.
  std::set<std::string> tables_created;
  // Every relation it creates (tables, views, indexes, sequences), by name as written.
  std::set<std::string> relations_created;
  // The tables whose row locks the statement may take (UPDATE, DELETE, INSERT and MERGE targets,
  // the relations of a SELECT ... FOR UPDATE/SHARE), by unqualified name ("orders" for
  // app.orders: two schemas' tables of one name count as one, which only ever says "may
  // contend" too often). Empty for a statement that takes no row lock. nullopt when the text
  // cannot tell: unparsed, DDL, LOCK, COPY, CALL, DO, EXECUTE, a call of a function that is not
  // a known lock-free built-in (it may write anywhere, or take an advisory lock). What the
  // table's catalog adds (foreign keys, triggers, rules, partitions) is the replay's to ask.
  std::optional<std::set<std::string>> lock_footprint;
  // For a text of one INSERT ... VALUES, UPDATE, DELETE or SELECT (locking or not) of one table
  // (no WITH, FROM, USING or other row-locking part): the rows it inserts, or finds (reads,
  // changes or locks), narrowed by column values. Which of them tell rows apart (their types,
  // the table's unique keys) is the catalog's to say. A footprint table without an entry may have
  // any of its rows locked.
  std::map<std::string, RowPins> row_pins;
  SavepointStep savepoint;  // of the last statement of the text
  bool rolls_back = false;  // the last statement is ROLLBACK (or ABORT) of the whole transaction
  bool commits = false;     // the last statement is COMMIT (END) or PREPARE TRANSACTION
  // One statement the planner plans (SELECT, INSERT, UPDATE, DELETE, MERGE; not SELECT INTO):
  // EXPLAIN of it tells how the server would run it.
  bool is_explainable = false;

  bool operator==(const StatementFacts&) const = default;
};

// A statement too deep to parse (see shape_of) gets the facts of unparsable text.
StatementFacts facts_of(std::string_view sql);

// A key for remembering facts_of and shape_of: two texts with the same key get the same facts and
// the same shape, so that a cache keyed by it can answer for statements with literals inline (a
// simple-protocol client's `WHERE aid = 48213` is a new text every time). It is the text with
// each number replaced by a mark of its kind (integer, or decimal: the parser makes them
// different nodes); strings, identifiers and everything else stay as they are. Only for one
// query (SELECT, INSERT, UPDATE, DELETE, VALUES, WITH), whose numbers are all constants that the
// shape's fingerprint and normalized text do not depend on. nullopt (the text is its own key)
// for any other statement or more than one; when the text holds no number; when the facts read
// a number's value (a LIMIT, OFFSET or FETCH count, an ORDER BY position: any of those keywords
// anywhere); when it does not scan; and when it holds a control byte (the mark is one).
// Invariant, for whoever changes statement_facts.cc: the facts read no number's value but after
// those keywords (row pins count numbers, they do not read them).
std::optional<std::string> facts_key(std::string_view sql);

// The text's number constants (integers and decimals, without a sign) in the order they are
// written: what PinnedValue::kNumber counts. Empty when the text does not scan.
std::vector<std::string> number_constants(std::string_view sql);

}  // namespace pgshadow::sql
