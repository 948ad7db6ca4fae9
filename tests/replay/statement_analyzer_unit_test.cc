// The statement analyzer's memory answers as libpg_query does, on recorded traffic of clients we
// did not write; no server.
#include <catch2/catch.hpp>

#include <string>

#include "../../src/replay/statement_analyzer.h"
#include "pgshadow/capture/event_source.h"

namespace pgshadow::replay {
namespace {

// Every statement of the capture, analyzed through one analyzer, gets what facts_of and shape_of
// say of its own text.
void answers_as_the_parser(StatementAnalyzer& analyzer, const std::string& capture) {
  auto source = capture::open_capture({capture});
  REQUIRE(source.ok());
  std::size_t statements = 0;
  for (;;) {
    auto next = (*source)->next();
    REQUIRE(next.ok());
    if (!next->has_value()) break;
    const std::string& sql = (**next).sql;
    const StatementAnalysis analysis = analyzer.analyze(sql);
    INFO(capture << ": " << sql);
    REQUIRE(analysis.facts == sql::facts_of(sql));
    REQUIRE(analysis.shape == sql::shape_of(sql));
    ++statements;
  }
  CHECK(statements > 0);
}

}  // namespace

TEST_CASE("statements with numbers inline are analyzed once per shape") {
  StatementAnalyzer analyzer;
  const auto first = analyzer.analyze("UPDATE pgbench_accounts SET abalance = abalance + 5 WHERE aid = 17");
  const auto second = analyzer.analyze("UPDATE pgbench_accounts SET abalance = abalance + 9 WHERE aid = 4");
  CHECK(analyzer.misses() == 1);
  CHECK(analyzer.hits_by_numbers() == 1);
  CHECK(first.facts == second.facts);
  // A LIMIT's count is a fact: each text is analyzed on its own.
  const auto five = analyzer.analyze("SELECT * FROM pgbench_accounts LIMIT 5");
  const auto ten = analyzer.analyze("SELECT * FROM pgbench_accounts LIMIT 10");
  CHECK(analyzer.misses() == 3);
  REQUIRE(five.facts.unordered_limit);
  REQUIRE(ten.facts.unordered_limit);
  CHECK(five.facts.unordered_limit->count == 5);
  CHECK(ten.facts.unordered_limit->count == 10);
}

TEST_CASE("the analyzer's memory answers as the parser on recorded client traffic") {
  StatementAnalyzer analyzer(500);  // small: it fills up and is dropped along the way too
  for (const char* corpus : {"psql-regress", "sysbench-oltp", "node-postgres-suite", "knex-accounts", "sequelize-blog"}) {
    answers_as_the_parser(analyzer, std::string(PGSHADOW_SOURCE_DIR) + "/tests/corpus/" + corpus + "/traffic");
  }
  CHECK(analyzer.hits_by_numbers() > 0);
}

}  // namespace pgshadow::replay
