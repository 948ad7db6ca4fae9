#pragma once
// Whether the migration left the relations a statement uses as they were, asked of both sides'
// catalogs. What the pair classifier needs to tell the replay's timing from the migration's
// doing when a statement is cancelled at its session's own statement_timeout on the shadow only
// (pair_classifier.h): a statement that only uses what the migration did not change cannot
// have been slowed by it.
//
// A relation counts as unchanged when it is
//  - a plain table (not a view, a partitioned table or an inheritance parent, whose reads go
//    through relations this does not compare) defined alike on both sides: its columns with
//    their types, defaults, collations and NOT NULL, its indexes and whether they are valid, its
//    constraints and whether they are validated, its triggers with their functions' code, its
//    rules, its row-level security and policies, its persistence and storage options; and no
//    larger on the shadow than the size slack below allows (a backfill that bloated it does slow reads);
//  - or one the replayed traffic itself created, alike on both sides (a session's temporary
//    table: no other connection's catalog can see it).
// Anything else, or a catalog that cannot be read, counts as changed. Not thread-safe; nothing is
// remembered between questions, since a migration run during the replay changes the answers and
// the question is rare (a one-sided timeout).
#include <array>
#include <set>
#include <string>

#include "pgshadow/pg/session_connection.h"

namespace pgshadow::replay {

struct RelationsStanding {
  bool unchanged = false;
  // unchanged: how each relation is ("foobar: created by the replayed traffic", "orders: defined
  // alike on both sides"); else the first that is not, and why ("orders: defined differently on
  // the shadow").
  std::string detail;
};

class RelationDefinitions {
 public:
  // `catalogs`: a monitoring connection per side (baseline, shadow), owned by the caller.
  explicit RelationDefinitions(std::array<pg::SessionConnection*, 2> catalogs) : catalogs_(catalogs) {}

  // Statement `relations` (names as written) that succeeded on both sides created them.
  void created_by_traffic(const std::set<std::string>& relations);
  RelationsStanding standing(const std::set<std::string>& relations);

  // The shadow's copy may be this much larger (total bytes, indexes and TOAST included) than the
  // baseline's before it counts as changed: writes the two sides replay alike still leave
  // their pages in different states (a HOT update, a page split, autovacuum's timing).
  static constexpr double kSizeRatioSlack = 1.25;
  static constexpr long long kSizeBytesSlack = 64 * 1024;

 private:
  RelationsStanding standing_of(const std::string& relation);

  std::array<pg::SessionConnection*, 2> catalogs_;
  std::set<std::string> traffic_made_;
};

}  // namespace pgshadow::replay
