#pragma once
// Recorded traffic replayed again and again against an unchanged shadow: what the determinism
// tests share. A dataset directory holds baseline.sql and traffic/ (a real server's capture).
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pgshadow/capture/event_source.h"
#include "replay_harness.h"

namespace pgshadow::replay {

// Counts classes and lists every fate outside `allowed` (skips and failures always count).
struct ClassCounter final : public ReplayObserver {
  explicit ClassCounter(std::set<DivergenceClass> allowed_classes) : allowed(std::move(allowed_classes)) {}
  void on_compared(const ComparedStatement& statement) override {
    ++classes[statement.divergence];
    if (!allowed.contains(statement.divergence)) {
      unexpected.push_back(std::string(to_string(statement.divergence)) + " at " + statement.event.source.to_string() +
                           " (baseline " + statement.baseline.sqlstate + ", shadow " + statement.shadow.sqlstate +
                           "): " + statement.shape.normalized);
    }
  }
  void on_skipped(const Event& event, const std::string& reason) override {
    unexpected.push_back("skipped " + event.source.to_string() + ": " + reason);
  }
  void on_failed(const Event& event, const std::string& reason) override {
    unexpected.push_back("failed " + event.source.to_string() + ": " + reason);
  }
  std::set<DivergenceClass> allowed;
  std::map<DivergenceClass, std::uint64_t> classes;
  std::vector<std::string> unexpected;
};

// Loads DATASET/baseline.sql into a database named `name`, then `runs` times: clones it into a
// baseline and a shadow, applies `no_op_migration` to the shadow, replays DATASET/traffic and
// hands the summary and the counter to `check`.
inline void replay_recorded_runs(const std::string& dataset, const std::string& name, const std::string& no_op_migration,
                                 int runs, const std::set<DivergenceClass>& allowed,
                                 const std::function<void(int, const ReplaySummary&, const ClassCounter&)>& check) {
  Cluster& shared = cluster();
  const std::string admin = shared.server->conninfo("postgres");
  REQUIRE(pg::clone_database(admin, name, "template0").ok());
  REQUIRE(pg::load_baseline(shared.server->bin_dir(), shared.server->conninfo(name), dataset + "/baseline.sql").ok());
  for (int run_number = 1; run_number <= runs; ++run_number) {
    const std::string baseline = name + "_b" + std::to_string(run_number);
    const std::string shadow = name + "_s" + std::to_string(run_number);
    REQUIRE(pg::clone_database(admin, baseline, name).ok());
    REQUIRE(pg::clone_database(admin, shadow, name).ok());
    {
      pqxx::connection connection(shared.server->conninfo(shadow));
      pqxx::nontransaction(connection).exec(no_op_migration);
    }
    auto source = capture::open_capture({dataset + "/traffic"});
    REQUIRE(source.ok());
    ClassCounter counter(allowed);
    auto summary = replay(**source, {shared.server->conninfo(baseline), shared.server->conninfo(shadow), "", ""},
                          test_settings(), counter);
    REQUIRE(summary.ok());
    check(run_number, *summary, counter);
  }
}

}  // namespace pgshadow::replay
