#pragma once
// Whether the replayed transactions may run SERIALIZABLE, for the dispatch rule's overlap of
// statements that keep to themselves (dispatch::Policy::private_work_overlaps): a serializable
// transaction's failure depends on how the statements of concurrent transactions interleave,
// and the two servers could interleave them differently.
//
// Invariant: once either server's settings (its own, the database's or a role's) or any replayed
// statement's text names SERIALIZABLE, the answer is yes for the rest of the replay; a server
// that cannot be asked counts as yes. The same holds for REPEATABLE READ and
// snapshot_kept_possible. Owned by the replay thread.
#include <array>
#include <string_view>

#include "pgshadow/pg/session_connection.h"
#include "replay_trace.h"

namespace pgshadow::replay {

// Whether the text names serializable anywhere (BEGIN ISOLATION LEVEL, SET TRANSACTION, SET
// default_transaction_isolation, or only a literal: rarely wrong, and only ever too careful).
bool mentions_serializable(std::string_view sql);
// The same for "repeatable" (REPEATABLE READ).
bool mentions_repeatable_read(std::string_view sql);

class SerializableWatch {
 public:
  // Asks each monitor's server once. `watch_repeatable_read`: whether snapshot_kept_possible is
  // asked at all (commit overlap); without it, it is yes from the start, and neither the servers
  // nor the statements are read for REPEATABLE READ.
  SerializableWatch(std::array<pg::SessionConnection*, 2> monitors, const pg::WaitLimits& limits, const Tracer& trace,
                    bool watch_repeatable_read);

  // Called with every statement before it is dispatched.
  void saw(std::string_view sql);
  bool possible() const { return possible_; }
  // Whether a transaction may keep one snapshot for all its statements (REPEATABLE READ or
  // SERIALIZABLE): a commit's place relative to its first statement then shows in all of them.
  bool snapshot_kept_possible() const { return possible_ || repeatable_; }

 private:
  const Tracer& trace_;
  bool possible_ = false;
  bool repeatable_ = false;
};

}  // namespace pgshadow::replay
