#include "concurrent_migration.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "pgshadow/sql/query_shape.h"

namespace pgshadow::replay {
namespace {

// The migration's locks on user relations (OIDs from FirstNormalObjectId: not the catalogs it
// updates on the way), and every lock it waits for, whatever it is on (a virtualxid: CREATE INDEX
// CONCURRENTLY waiting for older transactions). A relation created by the uncommitted statement
// itself is not visible to the watch's snapshot: it shows as its OID.
// For a lock it waits for, also what the backends it queues behind ran last (chr(1) between
// them; a text the watch's role may not see reads "<insufficient privilege>" and is dropped).
std::string lock_query(int pid) {
  return "SELECT coalesce(l.relation::regclass::text, l.locktype), l.mode, l.granted, "
         "extract(epoch FROM clock_timestamp() - l.waitstart), "
         "CASE WHEN NOT l.granted THEN (SELECT string_agg(a.query, chr(1) ORDER BY a.pid) FROM pg_stat_activity a "
         "WHERE a.pid = ANY (pg_blocking_pids(l.pid)) AND a.query <> '<insufficient privilege>') END "
         "FROM pg_locks l WHERE l.pid = " +
         std::to_string(pid) + " AND ((l.locktype = 'relation' AND l.relation >= 16384) OR NOT l.granted)";
}

class LockRows final : public pg::RowSink {
 public:
  LockRows(std::vector<LockSampleRow>& rows, ShapeCache& shapes) : rows_(rows), shapes_(shapes) {}
  void on_columns(const std::vector<pg::ColumnDescription>&) override {}
  void on_row(const std::vector<std::optional<std::string_view>>& values) override {
    if (values.size() < 5 || !values[0] || !values[1] || !values[2]) return;
    LockSampleRow row{std::string(*values[0]), std::string(*values[1]), *values[2] == "t", std::nullopt, {}};
    if (values[3]) {
      double seconds = 0;
      if (std::from_chars(values[3]->data(), values[3]->data() + values[3]->size(), seconds).ec == std::errc()) {
        row.waiting_s = seconds;
      }
    }
    if (values[4]) {
      std::string_view queries = *values[4];
      while (!queries.empty()) {
        const std::size_t end = std::min(queries.find('\x01'), queries.size());
        if (end > 0) row.blocking_shapes.push_back(shapes_.normalized(queries.substr(0, end)));
        queries.remove_prefix(std::min(end + 1, queries.size()));
      }
    }
    rows_.push_back(std::move(row));
  }

 private:
  std::vector<LockSampleRow>& rows_;
  ShapeCache& shapes_;
};

}  // namespace

const std::string& ShapeCache::normalized(std::string_view query) {
  if (const auto found = shapes_.find(query); found != shapes_.end()) return found->second;
  if (shapes_.size() >= kMaxTexts) shapes_.clear();
  return shapes_.emplace(std::string(query), sql::shape_of(query).normalized).first->second;
}

ConcurrentMigration::ConcurrentMigration(const MigrationDuringReplay& migration, std::string watch_conninfo,
                                         const std::atomic<bool>* interrupted, Clock::time_point replay_started)
    : migration_(migration), watch_conninfo_(std::move(watch_conninfo)), interrupted_(interrupted),
      replay_started_(replay_started) {}

ConcurrentMigration::~ConcurrentMigration() {
  stop_ = true;
  if (applier_.joinable()) applier_.join();
  if (watcher_.joinable()) watcher_.join();
}

double ConcurrentMigration::seconds_now() const {
  return std::chrono::duration<double>(Clock::now() - replay_started_).count();
}

void ConcurrentMigration::start(double at_capture_s, bool after_traffic, Clock::time_point go_at) {
  started_ = true;
  go_at_ = go_at;
  {
    const std::lock_guard lock(mutex_);
    run_.at_capture_s = at_capture_s;
    run_.at_chosen = migration_.at_chosen;
    run_.after_traffic = after_traffic;
    run_.started_s = std::chrono::duration<double>(std::max(go_at, Clock::now()) - replay_started_).count();
    run_.sample_interval_ms = std::chrono::duration<double, std::milli>(kLockWatchInterval).count();
  }
  applier_ = std::thread([this] { apply(); });
  watcher_ = std::thread([this] { watch(); });
}

// Connected: its first statement waits for the go.
void ConcurrentMigration::on_session(int backend_pid) {
  while (Clock::now() < go_at_ && !stop_.load()) {
    std::this_thread::sleep_for(std::min<Clock::duration>(go_at_ - Clock::now(), std::chrono::milliseconds(1)));
  }
  pid_ = backend_pid;
}

void ConcurrentMigration::on_statement_start(std::size_t index, const std::string& file, std::uint64_t line,
                                             const std::string& shape) {
  const std::lock_guard lock(mutex_);
  statement_ = index;
  ++boundaries_;
  log_.statement_started(index, file, line, shape, seconds_now());
}

void ConcurrentMigration::on_statement_end(std::size_t index, bool succeeded, const std::string& sqlstate) {
  const std::lock_guard lock(mutex_);
  ++boundaries_;
  log_.statement_ended(index, succeeded, sqlstate, seconds_now());
}

void ConcurrentMigration::apply() {
  pg::MigrationOptions options{&stop_, migration_.guarded_conninfo, this};
  auto applied = pg::apply_migrations(migration_.conninfo, migration_.scripts, options);
  const std::lock_guard lock(mutex_);
  if (applied) {
    run_.outcome = std::move(applied).value();
  } else {
    run_.error = applied.error().message;
  }
  run_.ended_s = seconds_now();
  ended_ = true;
}

// Samples until the migration ended; a watch that cannot connect or query leaves the locks
// unknown (the report says how many samples there were), never the migration stopped.
void ConcurrentMigration::watch() {
  auto connection = pg::SessionConnection::open(watch_conninfo_, {}, &stop_, "watch the migration's locks");
  std::uint64_t samples = 0;
  std::vector<LockSampleRow> rows;
  while (!ended_.load()) {
    if (interrupted_ != nullptr && interrupted_->load()) stop_ = true;
    const int pid = pid_.load();
    if (connection && pid != 0) {
      const std::uint64_t before = boundaries_.load();
      const std::size_t index = statement_.load();
      const double at_s = seconds_now();
      rows.clear();
      LockRows sink(rows, blocking_shapes_);
      const std::string sql = lock_query(pid);
      auto done = (*connection)->run({sql, false, "", nullptr}, sink, {std::chrono::milliseconds(5000), &stop_});
      // A sample is kept only when no statement boundary passed while it was taken, and only
      // while a statement runs (odd count of boundaries: started, not yet ended).
      if (done && done->succeeded && boundaries_.load() == before && before % 2 == 1) {
        const std::lock_guard lock(mutex_);
        log_.sample(index, at_s, rows);
        ++samples;
        if (!rows.empty()) took_lock_ = true;
      }
    }
    std::this_thread::sleep_for(kLockWatchInterval);
  }
  std::vector<RelationSize> sizes;
  std::map<std::string, std::string> created;
  if (connection && !stop_.load()) {
    const std::vector<std::string> relations = locked_relations();
    sizes = sizes_of_locked_tables(**connection, relations);
    created = names_of_created_relations(**connection, relations);
  }
  const std::lock_guard lock(mutex_);
  run_.samples = samples;
  run_.relation_sizes = std::move(sizes);
  created_relation_names_ = std::move(created);
}

std::vector<std::string> ConcurrentMigration::locked_relations() const {
  std::vector<std::string> relations;
  const std::lock_guard lock(mutex_);
  for (const MigrationStatementRun& statement : log_.statements()) {
    for (const MigrationLock& lock_taken : statement.locks) {
      if (std::find(relations.begin(), relations.end(), lock_taken.relation) == relations.end()) {
        relations.push_back(lock_taken.relation);
      }
    }
  }
  return relations;
}

// A relation the running migration created was invisible to the watch's snapshot, so pg_locks
// named it by OID. Once the migration committed, the catalog names it: "t_note (created by the
// migration)". One still missing was dropped by the migration itself, as the copy a table
// rewrite builds and swaps in is.
std::map<std::string, std::string> ConcurrentMigration::names_of_created_relations(
    pg::SessionConnection& connection, const std::vector<std::string>& relations) {
  std::map<std::string, std::string> names;
  const pg::WaitLimits limits{std::chrono::milliseconds(10'000), &stop_};
  for (const std::string& relation : relations) {
    if (relation.empty() || !std::all_of(relation.begin(), relation.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    auto name = connection.query_scalar("SELECT c.oid::regclass::text FROM pg_class c WHERE c.oid = " + relation, limits);
    if (!name) continue;
    names[relation] = name->empty() ? "relation " + relation + " (created and dropped by the migration: a table rewrite's copy)"
                                    : *name + " (created by the migration)";
  }
  return names;
}

// Counted, not estimated: the embedded clusters run without autovacuum, so reltuples may be
// unknown, and a reviewer compares these figures with production's. A table that cannot be
// counted within the deadline is left out.
std::vector<RelationSize> ConcurrentMigration::sizes_of_locked_tables(pg::SessionConnection& connection,
                                                                      const std::vector<std::string>& relations) {
  std::vector<RelationSize> sizes;
  const pg::WaitLimits limits{std::chrono::milliseconds(10'000), &stop_};
  for (const std::string& relation : relations) {
    // The name as pg_locks showed it (regclass output, quoted where needed); lock types such as
    // virtualxid, and relations gone since, are no table.
    auto quoted = connection.query_scalar(
        "SELECT c.oid::regclass::text || ' ' || pg_total_relation_size(c.oid) FROM pg_class c "
        "WHERE c.oid = to_regclass(" + connection.quote_literal(relation) + ") AND c.relkind IN ('r', 'p', 'm')",
        limits);
    if (!quoted || quoted->empty()) continue;
    const std::size_t space = quoted->rfind(' ');
    const std::string name = quoted->substr(0, space);
    auto rows = connection.query_scalar("SELECT count(*) FROM " + name, limits);
    if (!rows) continue;
    sizes.push_back({relation, std::strtoull(rows->c_str(), nullptr, 10),
                     std::strtoull(quoted->c_str() + space + 1, nullptr, 10)});
  }
  return sizes;
}

MigrationRun ConcurrentMigration::finish() {
  if (applier_.joinable()) applier_.join();
  if (watcher_.joinable()) watcher_.join();
  const std::lock_guard lock(mutex_);
  run_.statements = log_.statements();
  for (MigrationStatementRun& statement : run_.statements) {
    for (MigrationLock& lock_taken : statement.locks) {
      if (auto named = created_relation_names_.find(lock_taken.relation); named != created_relation_names_.end()) {
        lock_taken.relation = named->second;
      }
    }
  }
  return run_;
}

}  // namespace pgshadow::replay
