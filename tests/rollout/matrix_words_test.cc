#include <catch2/catch.hpp>

#include "pgshadow/rollout/matrix_words.h"

using pgshadow::rollout::cell_word;
using pgshadow::rollout::step_title;

TEST_CASE("a step's title names a rollback's starting phase and a split's share of new traffic", "[rollout]") {
  CHECK(step_title("expand", "", std::nullopt) == "expand");
  CHECK(step_title("switch-reads", "", 0.3) == "switch-reads (30% new)");
  CHECK(step_title("switch-reads", "", 0.125) == "switch-reads (13% new)");
  CHECK(step_title("rollback", "contract", std::nullopt) == "rollback (after contract)");
}

TEST_CASE("a cell's word shouts what fails the plan and brackets what is not deployed", "[rollout]") {
  CHECK(cell_word("safe", true) == "safe");
  CHECK(cell_word("review", true) == "REVIEW");
  CHECK(cell_word("breaking", true) == "BREAKING");
  CHECK(cell_word("breaking", false) == "(breaking)");
  CHECK(cell_word("expected", false) == "(expected)");
  CHECK(cell_word("not_run", true) == "not run");
}
