#pragma once
// What the replay tests share: one embedded cluster per test binary, fresh baseline/shadow
// pairs cloned from a template, events from memory, and an observer that records every fate.
#include <cmath>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "pgshadow/pg/database_setup.h"
#include "pgshadow/pg/embedded_server.h"
#include "pgshadow/replay/replay.h"
#include "../support/memory_event_source.h"

namespace pgshadow::replay {

// Events handed out in order, as a capture reader would.
using VectorSource = pgshadow::testing::MemoryEventSource;

inline ReplaySettings test_settings() {
  ReplaySettings settings;
  settings.lock_timeout = "3s";
  return settings;
}

struct Recorded {
  std::int64_t start_ms;  // the event's captured start (statement()'s `start_ms`)
  std::string session;
  std::string sql;
  DivergenceClass divergence;
  std::string baseline_sqlstate;
  std::string shadow_sqlstate;
  std::uint64_t baseline_rows;
  std::optional<std::string> root;
  std::string baseline_first_value;  // first column of the first row, "" when none or NULL
  std::string nondeterminism;
  std::optional<std::uint64_t> baseline_affected;  // from the command tag (UPDATE 1), when it has a count
};

class RecordingObserver final : public ReplayObserver {
 public:
  void on_compared(const ComparedStatement& s) override {
    std::string first;
    if (!s.baseline.sample_rows.empty() && !s.baseline.sample_rows[0].empty() && s.baseline.sample_rows[0][0]) {
      first = *s.baseline.sample_rows[0][0];
    }
    compared.push_back({s.event.start_us / 1000, s.event.session_id, s.event.sql, s.divergence, s.baseline.sqlstate,
                        s.shadow.sqlstate, s.baseline.row_count, s.root_fingerprint, first, s.nondeterminism,
                        s.baseline.affected_rows});
  }
  void on_skipped(const Event& event, const std::string& reason) override {
    skipped.emplace_back(event.sql, reason);
  }
  void on_failed(const Event& event, const std::string& reason) override {
    failed.emplace_back(event.sql, reason);
  }
  const Recorded& find(const std::string& sql) const {
    for (const auto& r : compared) {
      if (r.sql == sql) return r;
    }
    FAIL("statement not compared: " << sql);
    return compared.front();
  }
  // By the event's captured start: `compared` is in the order the results came, which statements
  // that keep to themselves (or started out of order) may change.
  const Recorded& at(std::int64_t start_ms) const {
    for (const auto& r : compared) {
      if (r.start_ms == start_ms) return r;
    }
    FAIL("no statement compared with start " << start_ms);
    return compared.front();
  }
  std::vector<Recorded> compared;
  std::vector<std::pair<std::string, std::string>> skipped;
  std::vector<std::pair<std::string, std::string>> failed;
};

inline Event statement(const std::string& session, std::int64_t start_ms, const std::string& sql) {
  Event event;
  event.session_id = session;
  event.start_us = start_ms * 1000;
  event.sql = sql;
  return event;
}

inline Event extended(const std::string& session, std::int64_t start_ms, const std::string& sql,
               std::vector<ParameterValue> parameters, const std::string& name = "") {
  Event event = statement(session, start_ms, sql);
  event.protocol = Protocol::kExtended;
  event.parameters = std::move(parameters);
  event.statement_name = name;
  return event;
}

// One embedded cluster for the file: baseline and shadow cloned from one template.
struct Cluster {
  Cluster() {
    auto started = pg::EmbeddedServer::start({});
    REQUIRE(started.ok());
    server = std::move(started).value();
    pqxx::connection admin(server->conninfo("postgres"));
    pqxx::nontransaction(admin).exec(
        "CREATE DATABASE tmpl");
    pqxx::connection tmpl(server->conninfo("tmpl"));
    pqxx::nontransaction(tmpl).exec(
        "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text);"
        "INSERT INTO users SELECT g, 'user' || g, 'u' || g || '@example.com' FROM generate_series(1, 50) g;");
  }
  // `both_sides` runs on the two clones first (setup the template does not have).
  ReplayTargets fresh_pair(const std::string& shadow_migration, const std::string& both_sides = "") {
    const std::string suffix = std::to_string(++pairs);
    REQUIRE(pg::clone_database(server->conninfo("postgres"), "b" + suffix, "tmpl").ok());
    REQUIRE(pg::clone_database(server->conninfo("postgres"), "s" + suffix, "tmpl").ok());
    if (!both_sides.empty()) {
      for (const char* side : {"b", "s"}) {
        pqxx::connection connection(server->conninfo(side + suffix));
        pqxx::nontransaction(connection).exec(both_sides);
      }
    }
    if (!shadow_migration.empty()) {
      pqxx::connection shadow(server->conninfo("s" + suffix));
      pqxx::nontransaction(shadow).exec(shadow_migration);
    }
    return {server->conninfo("b" + suffix), server->conninfo("s" + suffix), "", ""};
  }
  // A pair with pristine clones for the isolation probe.
  ReplayTargets fresh_pair_with_probe(const std::string& shadow_migration) {
    ReplayTargets targets = fresh_pair(shadow_migration);
    const std::string suffix = std::to_string(pairs);
    REQUIRE(pg::clone_database(server->conninfo("postgres"), "pb" + suffix, "tmpl").ok());
    REQUIRE(pg::clone_database(server->conninfo("postgres"), "ps" + suffix, "s" + suffix).ok());
    targets.pristine_baseline_conninfo = server->conninfo("pb" + suffix);
    targets.pristine_shadow_conninfo = server->conninfo("ps" + suffix);
    return targets;
  }
  std::unique_ptr<pg::EmbeddedServer> server;
  int pairs = 0;
};

inline Cluster& cluster() {
  static Cluster instance;
  return instance;
}

inline RecordingObserver run(const ReplayTargets& targets, std::vector<Event> events,
                             ReplaySettings settings = test_settings(), ReplaySummary* summary_out = nullptr) {
  VectorSource source(std::move(events));
  RecordingObserver observer;
  auto summary = replay(source, targets, settings, observer);
  REQUIRE(summary.ok());
  CHECK(summary->events == summary->compared + summary->skipped + summary->failed);
  // Every moment of the replay is charged to exactly one stage.
  double staged = 0;
  for (const auto& [stage, seconds] : summary->stage_seconds) {
    CHECK(seconds >= 0);
    staged += seconds;
  }
  CHECK(summary->stage_seconds.size() == 9);
  CHECK(std::abs(staged - summary->wall_seconds) < 0.005);
  if (summary_out != nullptr) *summary_out = *summary;
  return observer;
}


}  // namespace pgshadow::replay
