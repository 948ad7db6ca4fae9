// The proof that pgshadow does not cry wolf: traffic a real server logged while nine sessions
// in three protocols met on the same rows (transfers over 200 accounts, teller updates, deposits
// outside transactions, transfers rolled back, reads of what other sessions wrote,
// a few nondeterministic reads), replayed with an unchanged shadow, gives nothing but match and
// nondeterministic, run after run. tests/data/replay/concurrent/workload/run made the traffic.
#include "recorded_traffic.h"

namespace pgshadow::replay {

TEST_CASE("a no-op migration on concurrent traffic gives only match and nondeterministic, ten runs in a row",
          "[replay][determinism]") {
  replay_recorded_runs(std::string(PGSHADOW_TEST_DATA_DIR) + "/replay/concurrent", "bank",
                       "COMMENT ON TABLE accounts IS 'no-op migration'", 10,
                       {DivergenceClass::kMatch, DivergenceClass::kNondeterministic},
                       [](int run_number, const ReplaySummary& summary, const ClassCounter& counter) {
                         INFO("run " << run_number << ": " << counter.unexpected.size() << " unexpected, first: "
                                     << (counter.unexpected.empty() ? "" : counter.unexpected.front()));
                         CHECK(summary.events == 724);
                         CHECK(summary.compared == 724);
                         CHECK(counter.unexpected.empty());
                         CHECK(counter.classes.at(DivergenceClass::kMatch) > 650);
                         // The LIMIT and now() reads.
                         CHECK(counter.classes.contains(DivergenceClass::kNondeterministic));
                       });
}

}  // namespace pgshadow::replay
