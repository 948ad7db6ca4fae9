#include <catch2/catch.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include "pgshadow/compare/classify.h"
#include "pgshadow/compare/ties.h"

#include "compare_test_support.h"

using pgshadow::DivergenceClass;
using pgshadow::compare::classify;
using pgshadow::compare::explain_by_ties;
using pgshadow::compare::ResultSignature;
using pgshadow::compare::same_but_for_tie_order;
using pgshadow::compare::SignatureBuilder;
using pgshadow::compare::TieCuts;
using pgshadow::compare::TieExplanation;

namespace {

// (id, title, score) ORDER BY score DESC: the key is column 2.
ResultSignature posts(const std::vector<Row>& rows, bool keys_complete = true) {
  SignatureBuilder builder;
  builder.set_columns({{"id", kInt4}, {"title", kText}, {"score", kInt4}});
  builder.set_sort_keys({2}, keys_complete);
  for (const Row& row : rows) builder.add_row(row);
  return builder.finish_success("SELECT " + std::to_string(rows.size()));
}

constexpr TieCuts kNoCut{};
constexpr TieCuts kLimitCut{false, true};
constexpr TieCuts kOffsetCut{true, false};

}  // namespace

TEST_CASE("tied rows in another order are a match, not order_changed", "[compare][ties]") {
  // A new index returns the posts that tie on score 7 in index order.
  const auto baseline = posts({{"1", "a", "9"}, {"2", "b", "7"}, {"3", "c", "7"}, {"4", "d", "5"}});
  const auto shadow = posts({{"1", "a", "9"}, {"3", "c", "7"}, {"2", "b", "7"}, {"4", "d", "5"}});
  CHECK(same_but_for_tie_order(baseline, shadow));
  CHECK(classify(baseline, shadow, {true}) == DivergenceClass::kMatch);
}

TEST_CASE("rows out of order across sort keys are still order_changed", "[compare][ties]") {
  // A collation change: the keys themselves sort differently.
  const auto baseline = posts({{"1", "a", "9"}, {"2", "b", "7"}, {"3", "c", "5"}});
  const auto shadow = posts({{"2", "b", "7"}, {"1", "a", "9"}, {"3", "c", "5"}});
  CHECK_FALSE(same_but_for_tie_order(baseline, shadow));
  CHECK(classify(baseline, shadow, {true}) == DivergenceClass::kOrderChanged);
  CHECK(explain_by_ties(baseline, shadow, kLimitCut) == TieExplanation::kNone);
}

TEST_CASE("a row moved into another run of the same key is order_changed", "[compare][ties]") {
  // Keys 7, 5, 7 against 7, 7, 5: the same multiset, the runs differ.
  const auto baseline = posts({{"1", "a", "7"}, {"2", "b", "5"}, {"3", "c", "7"}});
  const auto shadow = posts({{"1", "a", "7"}, {"3", "c", "7"}, {"2", "b", "5"}});
  CHECK(classify(baseline, shadow, {true}) == DivergenceClass::kOrderChanged);
}

TEST_CASE("a changed value under ORDER BY is rows_changed, ties or not", "[compare][ties]") {
  const auto baseline = posts({{"1", "a", "9"}, {"2", "b", "7"}, {"3", "c", "7"}});
  const auto shadow = posts({{"1", "a", "9"}, {"3", "C", "7"}, {"2", "b", "7"}});
  CHECK(classify(baseline, shadow, {true}) == DivergenceClass::kRowsChanged);
  // Inside the last tie, but no LIMIT cut it: every tied row came back, and one changed.
  CHECK(explain_by_ties(baseline, shadow, kNoCut) == TieExplanation::kNone);
}

TEST_CASE("a LIMIT cutting through a tie may keep other members of it", "[compare][ties]") {
  // LIMIT 3 over scores 9, 7, 7, 7, 7: which two of the 7s make the page is unspecified.
  const auto baseline = posts({{"1", "a", "9"}, {"2", "b", "7"}, {"3", "c", "7"}});
  const auto shadow = posts({{"1", "a", "9"}, {"5", "e", "7"}, {"2", "b", "7"}});
  CHECK(classify(baseline, shadow, {true}) == DivergenceClass::kRowsChanged);
  CHECK(explain_by_ties(baseline, shadow, kLimitCut) == TieExplanation::kMembersOfCutTie);
  CHECK(explain_by_ties(baseline, shadow, kNoCut) == TieExplanation::kNone);
  // The OFFSET's cut is at the first run, not here.
  CHECK(explain_by_ties(baseline, shadow, kOffsetCut) == TieExplanation::kNone);
}

TEST_CASE("a cut tie must keep its key and its row count, and the rows before it must agree", "[compare][ties]") {
  const auto baseline = posts({{"1", "a", "9"}, {"2", "b", "7"}, {"3", "c", "7"}});
  // Another key at the boundary: a value changed, not a tie.
  CHECK(explain_by_ties(baseline, posts({{"1", "a", "9"}, {"2", "b", "7"}, {"3", "c", "6"}}), kLimitCut) ==
        TieExplanation::kNone);
  // One row less of the tie at the boundary (and another key after it).
  CHECK(explain_by_ties(baseline, posts({{"1", "a", "9"}, {"2", "b", "7"}, {"4", "d", "5"}}), kLimitCut) ==
        TieExplanation::kNone);
  // A changed row before the cut tie.
  CHECK(explain_by_ties(baseline, posts({{"1", "A", "9"}, {"5", "e", "7"}, {"2", "b", "7"}}), kLimitCut) ==
        TieExplanation::kNone);
}

TEST_CASE("an OFFSET cutting through the first tie may skip other members of it", "[compare][ties]") {
  const auto baseline = posts({{"2", "b", "7"}, {"3", "c", "7"}, {"4", "d", "5"}, {"6", "f", "3"}});
  const auto shadow = posts({{"5", "e", "7"}, {"2", "b", "7"}, {"4", "d", "5"}, {"6", "f", "3"}});
  CHECK(explain_by_ties(baseline, shadow, kOffsetCut) == TieExplanation::kMembersOfCutTie);
  CHECK(explain_by_ties(baseline, shadow, kLimitCut) == TieExplanation::kNone);
  // One tie making the whole page: either cut explains other members.
  const auto one_tie = posts({{"2", "b", "7"}, {"3", "c", "7"}});
  const auto other_members = posts({{"5", "e", "7"}, {"2", "b", "7"}});
  CHECK(explain_by_ties(one_tie, other_members, kLimitCut) == TieExplanation::kMembersOfCutTie);
  CHECK(explain_by_ties(one_tie, other_members, kOffsetCut) == TieExplanation::kMembersOfCutTie);
  CHECK(explain_by_ties(one_tie, other_members, kNoCut) == TieExplanation::kNone);
}

TEST_CASE("with ORDER BY keys the result does not show, a reorder within runs is unknown, not a match",
          "[compare][ties]") {
  // ORDER BY score, created_at with created_at not selected: rows tied on score may be in
  // created_at order, which the result does not show.
  const auto baseline = posts({{"1", "a", "9"}, {"2", "b", "7"}, {"3", "c", "7"}}, false);
  const auto shadow = posts({{"1", "a", "9"}, {"3", "c", "7"}, {"2", "b", "7"}}, false);
  CHECK_FALSE(same_but_for_tie_order(baseline, shadow));
  CHECK(classify(baseline, shadow, {true}) == DivergenceClass::kOrderChanged);
  CHECK(explain_by_ties(baseline, shadow, kNoCut) == TieExplanation::kOrderUnderKeysNotShown);
  // Out of order on the keys shown: a real reordering.
  const auto reordered = posts({{"2", "b", "7"}, {"1", "a", "9"}, {"3", "c", "7"}}, false);
  CHECK(explain_by_ties(baseline, reordered, kNoCut) == TieExplanation::kNone);
  // Other members at a cut are not excused: the keys not shown decide which rows make the page.
  const auto other_members = posts({{"1", "a", "9"}, {"5", "e", "7"}, {"2", "b", "7"}}, false);
  CHECK(explain_by_ties(baseline, other_members, kLimitCut) == TieExplanation::kNone);
}

TEST_CASE("tie runs are kept only when asked for, and not for errors", "[compare][ties]") {
  SignatureBuilder builder;
  builder.set_columns({{"id", kInt4}});
  builder.add_row({"1"});
  CHECK_FALSE(builder.finish_success("SELECT 1").tie_runs.has_value());
  builder.set_columns({{"id", kInt4}});
  builder.set_sort_keys({0}, true);
  builder.add_row({"1"});
  const auto sorted = builder.finish_success("SELECT 1");
  REQUIRE(sorted.tie_runs.has_value());
  CHECK(sorted.tie_runs->count == 1);
  CHECK(sorted.tie_runs->first.rows == 1);
  // set_sort_keys applies to one statement only.
  builder.set_columns({{"id", kInt4}});
  CHECK_FALSE(builder.finish_success("SELECT 0").tie_runs.has_value());
  builder.set_sort_keys({0}, true);
  CHECK_FALSE(builder.finish_error("57014", "canceling statement due to user request").tie_runs.has_value());
}
