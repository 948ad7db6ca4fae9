// Row-lock contention: real pgbench traffic in which four clients queue on four branch rows
// (tests/data/replay/hot_rows). Production's log cannot say which of two overlapping updates
// got a row lock first; a replay that lets the baseline and the shadow choose differently
// deadlocks the sides against each other until lock_timeout, and reports that as a breaking
// error. An unchanged shadow must give nothing but match, run after run.
#include "pgshadow/capture/event_source.h"
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

const std::string kHotRows = std::string(PGSHADOW_TEST_DATA_DIR) + "/replay/hot_rows";

struct Unexpected final : public ReplayObserver {
  void on_compared(const ComparedStatement& statement) override {
    if (statement.divergence != DivergenceClass::kMatch) {
      found.push_back(std::string(to_string(statement.divergence)) + " at " + statement.event.source.to_string() +
                      " (baseline " + statement.baseline.sqlstate + ", shadow " + statement.shadow.sqlstate + ")");
    }
  }
  void on_skipped(const Event& event, const std::string& reason) override {
    found.push_back("skipped " + event.source.to_string() + ": " + reason);
  }
  void on_failed(const Event& event, const std::string& reason) override {
    found.push_back("failed " + event.source.to_string() + ": " + reason);
  }
  std::vector<std::string> found;
};

}  // namespace

TEST_CASE("contended row locks are granted in the same order on both sides: pgbench traffic gives only match",
          "[replay][determinism]") {
  Cluster& shared = cluster();
  const std::string admin = shared.server->conninfo("postgres");
  REQUIRE(pg::clone_database(admin, "tpcb", "template0").ok());
  REQUIRE(pg::load_baseline(shared.server->bin_dir(), shared.server->conninfo("tpcb"), kHotRows + "/baseline.sql").ok());

  for (int run_number = 1; run_number <= 3; ++run_number) {
    const std::string suffix = std::to_string(run_number);
    REQUIRE(pg::clone_database(admin, "tpcb_b" + suffix, "tpcb").ok());
    REQUIRE(pg::clone_database(admin, "tpcb_s" + suffix, "tpcb").ok());
    {
      pqxx::connection shadow(shared.server->conninfo("tpcb_s" + suffix));
      pqxx::nontransaction(shadow).exec("COMMENT ON TABLE pgbench_branches IS 'no-op migration'");
    }
    auto source = capture::open_capture({kHotRows + "/traffic"});
    REQUIRE(source.ok());
    Unexpected unexpected;
    auto summary = replay(**source, {shared.server->conninfo("tpcb_b" + suffix), shared.server->conninfo("tpcb_s" + suffix), "", ""},
                          test_settings(), unexpected);
    REQUIRE(summary.ok());
    INFO("run " << run_number << ": " << unexpected.found.size() << " unexpected, first: "
                << (unexpected.found.empty() ? "" : unexpected.found.front()));
    CHECK(summary->events == 3000);
    CHECK(summary->compared == 3000);
    CHECK(unexpected.found.empty());
    // The contention is real: the replay had to let lock holders go ahead of their turn.
    CHECK(summary->reordered_for_locks > 0);
  }
}

}  // namespace pgshadow::replay
