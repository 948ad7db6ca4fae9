#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "pgshadow/compare/query_plan.h"

namespace pgshadow::compare {
namespace {

std::string plan_file(const std::string& name) {
  std::ifstream in(std::string(PGSHADOW_TEST_DATA_DIR) + "/compare/plans/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("a plan is read from PostgreSQL's EXPLAIN (FORMAT JSON): root cost and every scan", "[plan]") {
  auto index_plan = parse_explain_json(plan_file("activity_index_scan.json"));
  REQUIRE(index_plan.ok());
  CHECK(index_plan->total_cost == Approx(75.74));
  REQUIRE(index_plan->scans.size() == 1);
  CHECK(index_plan->scans[0].node_type == "Index Scan");
  CHECK(index_plan->scans[0].relation == "order_events");
  CHECK(index_plan->scans[0].index == "order_events_user_id_idx");
  CHECK(index_plan->describe() == "Index Scan using order_events_user_id_idx on order_events (cost 75.7)");

  auto seq_plan = parse_explain_json(plan_file("activity_seq_scan.json"));
  REQUIRE(seq_plan.ok());
  CHECK(seq_plan->total_cost == Approx(3996.08));
  CHECK(seq_plan->describe() == "Parallel Seq Scan on order_events (cost 3996.1)");
}

TEST_CASE("a plan's description names tables and indexes, never the statement's values", "[plan]") {
  auto update = parse_explain_json(plan_file("update_seq_scan.json"));
  REQUIRE(update.ok());
  CHECK(update->describe() == "Update on users; Seq Scan on users (cost 3.2)");
  auto activity = parse_explain_json(plan_file("activity_index_scan.json"));
  REQUIRE(activity.ok());
  // The JSON holds "Index Cond": "(user_id = 5)"; the description must not.
  CHECK(activity->describe().find("(user_id") == std::string::npos);
  CHECK(activity->describe().find("= 5") == std::string::npos);
}

TEST_CASE("text that is not an EXPLAIN plan is an error saying what is missing", "[plan]") {
  CHECK(parse_explain_json("not json").error().message == "EXPLAIN output is not JSON");
  CHECK(parse_explain_json("[{}]").error().message == "EXPLAIN output has no \"Plan\"");
  CHECK(parse_explain_json(R"([{"Plan": {"Node Type": "Result"}}])").error().message ==
        "EXPLAIN plan has no \"Total Cost\"");
}

}  // namespace pgshadow::compare
