#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "../../src/replay/result_nondeterminism.h"
#include "../../src/replay/signature_sink.h"

namespace pgshadow::replay {
namespace {

sql::SortOrder order_of(const std::string& sql) {
  const auto facts = sql::facts_of(sql);
  REQUIRE(facts.sort_order.has_value());
  return *facts.sort_order;
}

Event bound(std::vector<std::optional<std::string>> parameters) {
  Event event;
  event.parameters = std::move(parameters);
  return event;
}

}  // namespace

TEST_CASE("sort keys resolve to the result's columns, a name to exactly one column", "[replay][ties]") {
  const auto by_name = order_of("SELECT *, lower(name) AS lname FROM users ORDER BY lname, id");
  const auto resolved = resolve_sort_keys(by_name, {"id", "name", "lname"});
  CHECK(resolved.columns == std::vector<std::size_t>{2, 0});
  CHECK(resolved.complete);

  // Two columns named id (a join under *): ambiguous, so the keys known end before it.
  const auto ambiguous = resolve_sort_keys(by_name, {"id", "lname", "id"});
  CHECK(ambiguous.columns == std::vector<std::size_t>{1});
  CHECK_FALSE(ambiguous.complete);

  // A position past the result's columns is no column of it.
  const auto past = resolve_sort_keys(order_of("SELECT * FROM t ORDER BY 3"), {"a", "b"});
  CHECK(past.columns.empty());
  CHECK_FALSE(past.complete);

  const auto hidden = resolve_sort_keys(order_of("SELECT id, name FROM users ORDER BY name, created_at"), {"id", "name"});
  CHECK(hidden.columns == std::vector<std::size_t>{1});
  CHECK_FALSE(hidden.complete);
}

TEST_CASE("a LIMIT cuts the last tie only when a side reached it, an OFFSET of 0 cuts nothing", "[replay][ties]") {
  const auto page = order_of("SELECT id, score FROM posts ORDER BY score DESC LIMIT $2 OFFSET $1");
  const auto first_page = tie_cuts(page, bound({"0", "5"}), 5, 5);
  CHECK_FALSE(first_page.first_run);
  CHECK(first_page.last_run);
  const auto short_page = tie_cuts(page, bound({"10", "5"}), 3, 3);
  CHECK(short_page.first_run);
  CHECK_FALSE(short_page.last_run);
  // Unreadable values may cut.
  const auto unreadable = tie_cuts(page, bound({"ten", std::nullopt}), 1, 1);
  CHECK(unreadable.first_run);
  CHECK(unreadable.last_run);
  const auto unlimited = tie_cuts(order_of("SELECT id FROM t ORDER BY id"), bound({}), 100, 100);
  CHECK_FALSE(unlimited.first_run);
  CHECK_FALSE(unlimited.last_run);
  CHECK(tie_cuts(order_of("SELECT id FROM t ORDER BY id LIMIT 2"), bound({}), 2, 2).last_run);
}

TEST_CASE("ties name the clause that cut them", "[replay][ties]") {
  using compare::TieExplanation;
  CHECK(tie_reason(TieExplanation::kNone, {true, true}).empty());
  CHECK(tie_reason(TieExplanation::kMembersOfCutTie, {false, true}) ==
        "LIMIT cuts through rows tied on the ORDER BY keys: which of the tied rows come back is unspecified");
  CHECK(tie_reason(TieExplanation::kMembersOfCutTie, {true, false}) ==
        "OFFSET cuts through rows tied on the ORDER BY keys: which of the tied rows come back is unspecified");
  CHECK(tie_reason(TieExplanation::kOrderUnderKeysNotShown, {}) ==
        "ORDER BY keys not all in the result: rows that tie on the keys it shows came back in another order, "
        "which the keys not shown may decide either way");
}

}  // namespace pgshadow::replay
