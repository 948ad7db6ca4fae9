#pragma once
// --migrate-during, timed order: the stretches of the replay in which a statement in flight waited
// behind the migration's locks. A statement dispatched later than its production time was held
// back by the one waiting (it came after it in production, so the dispatch rule keeps it behind):
// the part of its lateness that falls in these stretches is its wait behind the migration that
// no server sees (LockWaits::queued_behind_migration_ms), as production's statement would have
// queued on the server instead. Pure bookkeeping over the replay clock; not thread-safe.
#include <chrono>
#include <vector>

namespace pgshadow::replay {

using Clock = std::chrono::steady_clock;

class MigrationBlockLog {
 public:
  // Whether some statement in flight waits behind the migration, as seen at `now` (called after
  // every lock check round; times never go back).
  void observe(bool blocked, Clock::time_point now);
  // How much of [from, to] fell in a stretch where something waited behind the migration (the
  // stretch still open counts up to `to`).
  Clock::duration overlap(Clock::time_point from, Clock::time_point to) const;

 private:
  struct Stretch {
    Clock::time_point from;
    Clock::time_point to;
  };
  std::vector<Stretch> closed_;
  bool open_ = false;
  Clock::time_point opened_at_{};
};

}  // namespace pgshadow::replay
