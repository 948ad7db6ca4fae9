#pragma once
// What PostgreSQL's own parser (libpg_query) tells us about a statement. Thread-safe:
// libpg_query keeps its parser state per thread.
#include <string>
#include <string_view>

namespace pgshadow::sql {

// Statements that differ only in constants share a shape.
struct QueryShape {
  std::string fingerprint;  // libpg_query fingerprint, 16 hex digits; "text-" + hash when unparsable
  // Constants replaced by $n; never contains a literal of the input. pg_query_normalize does
  // the work where it can; a scanner pass then replaces the constants it leaves (in utility
  // statements such as CALL or COMMENT, and type modifiers: varchar(10) -> varchar($2)) and
  // drops comments, which can carry request data.
  std::string normalized;
};

// Never fails: SQL the parser rejects still gets a stable shape (from the scanner-based
// normalization when it succeeds, else a hash of the text, with the text itself withheld:
// normalized is then "<unparsable statement>"). A statement nested deeper than PostgreSQL's own
// server parses with its default stack (about 10,000 levels, e.g. chained "+ 1") is not given to
// the parser's recursive walks: normalized is "<too deep to parse>", the fingerprint a hash of
// its text with the constants taken out. Deeply nested statements are walked on a thread with a
// large stack, so no statement overflows the caller's stack.
QueryShape shape_of(std::string_view sql);

struct StatementFacts {
  bool parsed = false;                 // the parser accepted the text
  bool has_top_level_order_by = false; // the outermost SELECT of the (last) statement sorts
  // Some statement of the text is BEGIN/START/COMMIT/ROLLBACK/SAVEPOINT/RELEASE/PREPARE
  // TRANSACTION (a multi-statement text counts if any of its statements is one).
  bool is_transaction_control = false;
  int statement_count = 0;             // a simple-protocol query may hold several
  // Why the statement cannot give repeatable results, when it cannot: "calls now()",
  // "LIMIT without ORDER BY", "TABLESAMPLE", "SKIP LOCKED", "DISTINCT ON without ORDER BY".
  // ORDER BY is taken as total (pgshadow does not know the table's keys).
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
};

// A statement too deep to parse (see shape_of) gets the facts of unparsable text.
StatementFacts facts_of(std::string_view sql);

}  // namespace pgshadow::sql
