#pragma once
// Which writes can contend for a lock, for the dispatch rule's write rule: two writes run side
// by side only when no lock can be wanted by both (else the two servers may grant it to
// different sessions). A write's footprint is the tables whose row locks it may take, from its
// parse tree (sql::StatementFacts::lock_footprint), closed over what the catalog adds: the tables
// its foreign keys reach either way (a child's insert locks the parent's row, a parent's delete
// cascades), transitively, and the sequences its columns' defaults draw from (two writes that
// draw ids from one sequence would get them in the order they run). Its own table is narrowed to
// rows (footprint.h) by the values its statement pins (sql::StatementFacts::row_pins), each made
// canonical for its column's equality: integers (int2, int4, int8) as decimal numbers, text and
// varchar of a deterministic collation as their bytes; a value of any other type, a NULL, a
// cast to another type or a truncated parameter pins nothing. The unique keys are those of
// either side (the shadow may add one); a partial or expression unique index, one of a
// nondeterministic collation or an exclusion constraint leaves them unknown. A table with user triggers
// or rules, a view, a partitioned or inherited table, or one the catalog does not know
// (temporary, not yet created) may lock anything: the write then contends with every write, as
// does a write whose text cannot tell.
//
// Both sides are asked and their answers joined: the shadow's migration may have added a
// foreign key or a trigger. Invariants: while a session that ran a write whose footprint is
// unknown (DDL, a function: the catalog may change) has not ended its transaction, no footprint
// is in force (every write contends with every other); when it ends, what the catalog said is
// forgotten and a footprint from before counts no more (its generation is past). Once a lock
// wait was seen between writes told apart, every write contends with every other for the rest
// of the replay: the catalog's answers are then not to be trusted. Owned by the replay thread;
// not thread-safe.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "dispatch_rule.h"
#include "pgshadow/core/event.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/sql/query_shape.h"
#include "replay_trace.h"
#include "stage_clock.h"

namespace pgshadow::replay {

using dispatch::Footprint;

class WriteContention {
 public:
  WriteContention(std::array<pg::SessionConnection*, 2> catalogs, const pg::WaitLimits& limits, StageClock& stages,
                  const Tracer& trace)
      : catalogs_(catalogs), limits_(limits), stages_(stages), trace_(trace) {}

  // The tables whose locks the write may want, foreign keys closed over; nullopt: it may want
  // any lock (or the rule is off). Only for writes (sql::StatementFacts::may_write).
  // `event` has the values the statement's row pins name (its parameters, its text's numbers).
  std::optional<Footprint> footprint_of(const sql::StatementFacts& facts, const Event& event);
  // The rows the statement's result depends on (dispatch::may_see), nullopt when it may depend on
  // any: reading nothing (BEGIN, COMMIT, an INSERT ... VALUES of a table, whose unique and
  // foreign-key checks are its write footprint's), or only the rows its WHERE pins in one plain
  // table, with no function whose reach its text cannot tell.
  std::optional<Footprint> reads_of(const sql::StatementFacts& facts, const Event& event);
  // From here on every write contends with every other; `why` goes to the trace once.
  void give_up(const std::string& why);
  bool given_up() const { return given_up_; }

  // The session ran a write whose footprint is unknown: the catalog may change with it.
  void catalog_may_change(const std::string& session);
  // The session's transaction ended (or the session did): what it changed is in the catalog now.
  void transaction_ended(const std::string& session);
  // The catalog changed otherwise (the --migrate-during migration ended).
  void catalog_changed();
  // The generation of footprint_of's answers now; an answer holds while in_force(its generation).
  std::uint64_t generation() const { return generation_; }
  bool in_force(std::uint64_t generation) const {
    return !given_up_ && changing_.empty() && generation == generation_;
  }

 private:
  struct TableFacts {
    bool plain = false;              // an ordinary table, no user trigger, rule, partition, inheritance
    std::set<std::string> linked;    // the tables its foreign keys reference or are referenced by
    std::set<std::string> sequences;  // its columns' defaults and identities draw from these
    std::map<std::string, char> columns;  // 'i' integer, 't' text of a deterministic collation, 'o' other
    std::shared_ptr<const dispatch::UniqueKeys> unique_keys;  // null: some key is not told by column values
    bool references_itself = false;  // a foreign key within the table: a write reaches its other rows
  };
  // The canonical value of a pinned value in a column of that kind, nullopt when it pins nothing.
  // `numbers`: the event's number constants, once asked (sql::number_constants).
  static std::optional<std::string> canonical(const sql::PinnedValue& pinned, char kind, const Event& event,
                                              std::optional<std::vector<std::string>>& numbers);
  // The table's locks narrowed by the statement's pins (any_row when they do not narrow them).
  static dispatch::TableLocks narrowed(const sql::RowPins& pins, const TableFacts& table, const Event& event,
                                       std::optional<std::vector<std::string>>& numbers);
  const TableFacts& table(const std::string& name);
  TableFacts ask(int side, const std::string& name) const;

  std::array<pg::SessionConnection*, 2> catalogs_;
  const pg::WaitLimits limits_;
  StageClock& stages_;
  const Tracer& trace_;
  std::map<std::string, TableFacts> known_;
  bool given_up_ = false;
  std::set<std::string> changing_;  // sessions whose open transaction may have changed the catalog
  std::uint64_t generation_ = 0;
};

}  // namespace pgshadow::replay
