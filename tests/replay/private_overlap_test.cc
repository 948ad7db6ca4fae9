// The happens-before waiver for statements that keep to themselves (dispatch_rule.h), on a real
// server: a read that production ran after another session's read starts beside it while that
// one waits on a lock, in causal order; it does not in timed order, nor once a statement names
// SERIALIZABLE. Which one finishes first is the outcome observed: the waiting read cannot end
// before the lock holder's COMMIT, which runs ahead only once nothing else progresses.
#include <catch2/catch.hpp>

#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

Event logged(const std::string& session, std::int64_t start_ms, double took_ms, const std::string& sql) {
  Event event = statement(session, start_ms, sql);
  event.duration_ms = took_ms;
  return event;
}

// c locks users and stays idle in its transaction; a's read of users waits on it; b's read,
// which production ran after a's had ended, asks nothing of users; c commits last.
std::vector<Event> read_behind_a_lock(const std::string& first_statement) {
  return {
      logged("d", 1, 0.1, first_statement),
      logged("c", 2, 0.1, "BEGIN"),
      logged("c", 3, 0.1, "LOCK TABLE users IN ACCESS EXCLUSIVE MODE"),
      logged("a", 5, 0.5, "SELECT count(*) FROM users"),
      logged("b", 10, 0.1, "SELECT 42"),
      logged("c", 20, 0.1, "COMMIT"),
  };
}

// The sessions in the order their statements were compared, from a's and b's.
std::vector<std::string> order_of_reads(const RecordingObserver& observed) {
  std::vector<std::string> order;
  for (const Recorded& r : observed.compared) {
    if (r.session == "a" || r.session == "b") order.push_back(r.session);
  }
  return order;
}

void check_all_match(const RecordingObserver& observed) {
  CHECK(observed.failed.empty());
  REQUIRE(observed.compared.size() == 6);
  for (const Recorded& r : observed.compared) {
    INFO(r.session << ": " << r.sql);
    CHECK(r.divergence == DivergenceClass::kMatch);
  }
}

}  // namespace

TEST_CASE("in causal order a read that keeps to itself starts beside an earlier one that waits on a lock",
          "[replay][dispatch]") {
  const auto observed = run(cluster().fresh_pair(""), read_behind_a_lock("SELECT 1"));
  check_all_match(observed);
  CHECK(order_of_reads(observed) == std::vector<std::string>{"b", "a"});
}

TEST_CASE("timed order and a statement that names SERIALIZABLE keep production's order of two reads",
          "[replay][dispatch]") {
  SECTION("timed order") {
    ReplaySettings settings = test_settings();
    settings.order = ReplayOrder::kTimed;
    const auto observed = run(cluster().fresh_pair(""), read_behind_a_lock("SELECT 1"), settings);
    check_all_match(observed);
    CHECK(order_of_reads(observed) == std::vector<std::string>{"a", "b"});
  }
  SECTION("serializable named") {
    const auto observed =
        run(cluster().fresh_pair(""), read_behind_a_lock("SET default_transaction_isolation = 'serializable'"));
    check_all_match(observed);
    CHECK(order_of_reads(observed) == std::vector<std::string>{"a", "b"});
  }
  SECTION("the database defaults to serializable") {
    const ReplayTargets targets = cluster().fresh_pair("");
    for (const std::string& conninfo : {targets.baseline_conninfo, targets.shadow_conninfo}) {
      pqxx::connection connection(conninfo);
      pqxx::nontransaction(connection)
          .exec("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_isolation = "
                "''serializable''', current_database()); END $$");
    }
    const auto observed = run(targets, read_behind_a_lock("SELECT 1"));
    check_all_match(observed);
    CHECK(order_of_reads(observed) == std::vector<std::string>{"a", "b"});
  }
}

}  // namespace pgshadow::replay
