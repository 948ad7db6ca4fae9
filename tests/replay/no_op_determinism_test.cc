// The proof that pgshadow does not cry wolf: traffic a real server logged while nine sessions
// in three protocols met on the same rows (transfers over 200 accounts, teller updates, deposits
// outside transactions, transfers rolled back, reads of what other sessions wrote,
// a few nondeterministic reads), replayed with an unchanged shadow, gives nothing but match and
// nondeterministic, run after run. tests/data/replay/concurrent/workload/run made the traffic.
#include "pgshadow/capture/event_source.h"
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

const std::string kBank = std::string(PGSHADOW_TEST_DATA_DIR) + "/replay/concurrent";

struct ClassCounter final : public ReplayObserver {
  void on_compared(const ComparedStatement& statement) override {
    ++classes[statement.divergence];
    if (statement.divergence != DivergenceClass::kMatch && statement.divergence != DivergenceClass::kNondeterministic) {
      unexpected.push_back(std::string(to_string(statement.divergence)) + " at " + statement.event.source.to_string() + ": " +
                           statement.shape.normalized);
    }
  }
  void on_skipped(const Event& event, const std::string& reason) override {
    unexpected.push_back("skipped " + event.source.to_string() + ": " + reason);
  }
  void on_failed(const Event& event, const std::string& reason) override {
    unexpected.push_back("failed " + event.source.to_string() + ": " + reason);
  }
  std::map<DivergenceClass, std::uint64_t> classes;
  std::vector<std::string> unexpected;
};

}  // namespace

TEST_CASE("a no-op migration on concurrent traffic gives only match and nondeterministic, ten runs in a row",
          "[replay][determinism]") {
  Cluster& shared = cluster();
  const std::string admin = shared.server->conninfo("postgres");
  REQUIRE(pg::clone_database(admin, "bank", "template0").ok());
  REQUIRE(pg::load_baseline(shared.server->bin_dir(), shared.server->conninfo("bank"), kBank + "/baseline.sql").ok());

  for (int run_number = 1; run_number <= 10; ++run_number) {
    const std::string suffix = std::to_string(run_number);
    REQUIRE(pg::clone_database(admin, "bank_b" + suffix, "bank").ok());
    REQUIRE(pg::clone_database(admin, "bank_s" + suffix, "bank").ok());
    {
      pqxx::connection shadow(shared.server->conninfo("bank_s" + suffix));
      pqxx::nontransaction(shadow).exec("COMMENT ON TABLE accounts IS 'no-op migration'");
    }
    auto source = capture::open_capture({kBank + "/traffic"});
    REQUIRE(source.ok());
    ClassCounter counter;
    auto summary = replay(**source, {shared.server->conninfo("bank_b" + suffix), shared.server->conninfo("bank_s" + suffix), "", ""},
                          test_settings(), counter);
    REQUIRE(summary.ok());
    INFO("run " << run_number << ": " << counter.unexpected.size() << " unexpected, first: "
                << (counter.unexpected.empty() ? "" : counter.unexpected.front()));
    CHECK(summary->events == 724);
    CHECK(summary->compared == 724);
    CHECK(counter.unexpected.empty());
    CHECK(counter.classes[DivergenceClass::kMatch] > 650);
    CHECK(counter.classes[DivergenceClass::kNondeterministic] > 0);  // the LIMIT and now() reads
  }
}

}  // namespace pgshadow::replay
