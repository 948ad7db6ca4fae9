#pragma once
// Which writes can contend for a lock, for the dispatch rule's write rule: two writes run side
// by side only when no lock can be wanted by both (else the two servers may grant it to
// different sessions). A write's footprint is the tables whose row locks it may take, from its
// parse tree (sql::StatementFacts::lock_footprint), closed over what the catalog adds: the tables
// its foreign keys reach either way (a child's insert locks the parent's row, a parent's delete
// cascades), transitively. A table with user triggers or rules, a view, a partitioned or
// inherited table, or one the catalog does not know (temporary, not yet created) may lock
// anything: the write then contends with every write, as does a write whose text cannot tell.
//
// Both sides are asked and their answers joined: the shadow's migration may have added a
// foreign key or a trigger. Invariant: once the traffic ran a write whose footprint is unknown
// (DDL may change the catalog) or a lock wait was seen between writes told apart, every write
// contends with every other for the rest of the replay: the catalog's answers are then not to
// be trusted. Owned by the replay thread; not thread-safe.
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "dispatch_rule.h"
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
  std::optional<Footprint> footprint_of(const sql::StatementFacts& facts);
  // From here on every write contends with every other; `why` goes to the trace once.
  void give_up(const std::string& why);
  bool given_up() const { return given_up_; }

 private:
  struct TableFacts {
    bool plain = false;              // an ordinary table, no user trigger, rule, partition, inheritance
    std::set<std::string> linked;    // the tables its foreign keys reference or are referenced by
  };
  const TableFacts& table(const std::string& name);
  TableFacts ask(int side, const std::string& name) const;

  std::array<pg::SessionConnection*, 2> catalogs_;
  const pg::WaitLimits limits_;
  StageClock& stages_;
  const Tracer& trace_;
  std::map<std::string, TableFacts> known_;
  bool given_up_ = false;
};

}  // namespace pgshadow::replay
