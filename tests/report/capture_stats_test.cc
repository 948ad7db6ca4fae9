#include <catch2/catch.hpp>

#include "pgshadow/report/capture_stats.h"

namespace pgshadow::report {

TEST_CASE("the kind of a statement is its first keyword, past comments and parentheses", "[stats]") {
  CHECK(statement_kind("select 1") == "SELECT");
  CHECK(statement_kind("  -- note\n/* x */ (SELECT 1) UNION (SELECT 2)") == "SELECT");
  CHECK(statement_kind("WITH x AS (SELECT 1) DELETE FROM t") == "WITH");
  CHECK(statement_kind("begin;") == "BEGIN");
  CHECK(statement_kind("-- only a comment").empty());
  CHECK(statement_kind("").empty());
}

}  // namespace pgshadow::report
