// Row-lock contention: real pgbench traffic in which four clients queue on four branch rows
// (tests/data/replay/hot_rows). Production's log cannot say which of two overlapping updates
// got a row lock first; a replay that lets the baseline and the shadow choose differently
// deadlocks the sides against each other until lock_timeout, and reports that as a breaking
// error. An unchanged shadow must give nothing but match, run after run.
#include "recorded_traffic.h"

namespace pgshadow::replay {

TEST_CASE("contended row locks are granted in the same order on both sides: pgbench traffic gives only match",
          "[replay][determinism]") {
  replay_recorded_runs(std::string(PGSHADOW_TEST_DATA_DIR) + "/replay/hot_rows", "tpcb",
                       "COMMENT ON TABLE pgbench_branches IS 'no-op migration'", 3, {DivergenceClass::kMatch},
                       [](int run_number, const ReplaySummary& summary, const ClassCounter& counter) {
                         INFO("run " << run_number << ": " << counter.unexpected.size() << " unexpected, first: "
                                     << (counter.unexpected.empty() ? "" : counter.unexpected.front()));
                         CHECK(summary.events == 3000);
                         CHECK(summary.compared == 3000);
                         CHECK(counter.unexpected.empty());
                         // The contention is real: lock holders had to go ahead of their turn.
                         CHECK(summary.reordered_for_locks > 0);
                       });
}

}  // namespace pgshadow::replay
