#pragma once
// Which writes can contend for a lock, for the dispatch rule's write rule: two writes run side
// by side only when no lock can be wanted by both (else the two servers may grant it to
// different sessions). A write's footprint is the tables whose row locks it may take, from its
// parse tree (sql::StatementFacts::lock_footprint), closed over what the catalog adds: the tables
// its foreign keys reach either way (a child's insert locks the parent's row, a parent's delete
// cascades), transitively, and the sequences its columns' defaults draw from (two writes that
// draw ids from one sequence would get them in the order they run). A table with user triggers
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
  };
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
