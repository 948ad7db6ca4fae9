#pragma once
// --migrate-during: the migration applied to the shadow on its own thread and connection while
// the replay goes on, and the lock watch that samples pg_locks for the migration's backend
// meanwhile (on a thread and connection of its own, so that a replay waiting on the servers
// does not thin out the samples).
//
// The replay thread starts it, asks backend_pid() (for the lock arbiter: a replayed statement
// that waits on this pid waits behind the migration, which will go on by itself), running()
// and ended(), and collects the MigrationRun with finish(). finish() and the destructor wait
// for both threads; the destructor first cancels the migration (PQcancel via the stop flag).
// Thread-safe as stated per member.
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "migration_lock_log.h"
#include "pgshadow/replay/replay.h"
#include "session_run.h"

namespace pgshadow::replay {

// How often the lock watch samples pg_locks while the migration runs.
inline constexpr auto kLockWatchInterval = std::chrono::milliseconds(5);
// How long the traffic waits, at the migration's point, for the migration to take its first lock
// (a migration whose first statements take none gives the traffic back after this).
inline constexpr auto kMigrationHeadStart = std::chrono::seconds(1);

// Normalized shapes of the texts pg_stat_activity shows for the sessions the migration queues
// behind: sampled every kLockWatchInterval while it waits, the same few texts again and again,
// each parsed once. Bounded; the lock watch's thread only.
class ShapeCache {
 public:
  const std::string& normalized(std::string_view query);

 private:
  static constexpr std::size_t kMaxTexts = 256;
  std::map<std::string, std::string, std::less<>> shapes_;
};

class ConcurrentMigration final : private pg::MigrationProgress {
 public:
  // `watch_conninfo`: the shadow, as a user that sees every backend's locks (the monitor's).
  ConcurrentMigration(const MigrationDuringReplay& migration, std::string watch_conninfo,
                      const std::atomic<bool>* interrupted, Clock::time_point replay_started);
  ~ConcurrentMigration() override;
  ConcurrentMigration(const ConcurrentMigration&) = delete;
  ConcurrentMigration& operator=(const ConcurrentMigration&) = delete;

  // Replay thread: starts both threads; at_capture_s and after_traffic go into the report. The
  // migration connects at once and runs its first statement at `go_at` (the capture point's
  // production time in timed order), so that connecting costs it no time against the traffic.
  void start(double at_capture_s, bool after_traffic, Clock::time_point go_at);
  bool started() const { return started_; }
  // Any thread: whether the lock watch has seen the migration hold or wait for a lock.
  bool took_lock() const { return took_lock_.load(); }
  // Any thread: the migration's backend, 0 before it connected or once it ended.
  int backend_pid() const { return ended_.load() ? 0 : pid_.load(); }
  bool ended() const { return ended_.load(); }
  // Replay thread: waits for the migration and the watch to end.
  MigrationRun finish();

 private:
  void on_session(int backend_pid) override;
  void on_statement_start(std::size_t index, const std::string& file, std::uint64_t line,
                          const std::string& shape) override;
  void on_statement_end(std::size_t index, bool succeeded, const std::string& sqlstate) override;
  void apply();
  std::vector<std::string> locked_relations() const;
  std::vector<RelationSize> sizes_of_locked_tables(pg::SessionConnection& connection,
                                                   const std::vector<std::string>& relations);
  std::map<std::string, std::string> names_of_created_relations(pg::SessionConnection& connection,
                                                                const std::vector<std::string>& relations);
  void watch();
  double seconds_now() const;

  const MigrationDuringReplay& migration_;
  const std::string watch_conninfo_;
  const std::atomic<bool>* interrupted_;
  const Clock::time_point replay_started_;
  std::atomic<bool> stop_{false};  // set by the destructor, or from interrupted_ by the watch
  std::atomic<int> pid_{0};
  std::atomic<bool> ended_{false};
  std::atomic<bool> took_lock_{false};
  Clock::time_point go_at_{};
  // The statement running, and a counter that changes at each start and end, so that the watch
  // can tell a sample taken across a boundary.
  std::atomic<std::size_t> statement_{0};
  std::atomic<std::uint64_t> boundaries_{0};
  bool started_ = false;
  std::thread applier_;
  std::thread watcher_;
  mutable std::mutex mutex_;  // guards everything below
  MigrationLockLog log_;
  ShapeCache blocking_shapes_;  // the lock watch's
  MigrationRun run_;
  // Relations the migration created, which the watch saw as OIDs: their names once it ended.
  std::map<std::string, std::string> created_relation_names_;
};

}  // namespace pgshadow::replay
