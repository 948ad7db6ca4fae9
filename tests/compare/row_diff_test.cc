#include "pgshadow/compare/row_diff.h"

#include <catch2/catch.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "compare_test_support.h"

using pgshadow::compare::diff_rows;
using pgshadow::compare::ResultSignature;
using pgshadow::compare::RowChange;
using pgshadow::compare::RowDiff;
using pgshadow::compare::SampleRow;
using pgshadow::compare::Value;

namespace {

// A successful result whose sample holds `rows`; row_count says how many rows it really had
// (more than the sample: the sample is incomplete).
ResultSignature sampled_result(std::initializer_list<std::pair<const char*, std::uint32_t>> columns,
                               std::vector<SampleRow> rows, std::optional<std::uint64_t> row_count = std::nullopt) {
  ResultSignature signature;
  signature.command_verb = "SELECT";
  for (const auto& [name, oid] : columns) signature.columns.push_back({name, oid});
  signature.row_count = row_count.value_or(rows.size());
  signature.sample_complete = signature.row_count == rows.size();
  signature.sample_rows = std::move(rows);
  return signature;
}

const Value kNull = std::nullopt;

}  // namespace

TEST_CASE("a type that renders values differently (numeric(10,2) -> numeric(10,0)) names the column and both values") {
  const auto baseline = sampled_result({{"id", kInt4}, {"price", kNumeric}}, {{"1", "12.35"}, {"2", "7.50"}, {"3", "4.00"}});
  const auto shadow = sampled_result({{"id", kInt4}, {"price", kNumeric}}, {{"1", "12"}, {"2", "8"}, {"3", "4"}});
  const RowDiff diff = diff_rows(baseline, shadow, true, 5);
  REQUIRE(diff.rows.size() == 3);
  CHECK(diff.rows[0].change == RowChange::kChanged);
  CHECK(diff.rows[0].baseline_row == 1u);
  CHECK(diff.rows[0].shadow_row == 1u);
  REQUIRE(diff.rows[0].cells.size() == 1);  // id is the same: only price differs
  CHECK(diff.rows[0].cells[0].column == "price");
  CHECK(diff.rows[0].cells[0].baseline == Value{"12.35"});
  CHECK(diff.rows[0].cells[0].shadow == Value{"12"});
  CHECK(diff.rows[2].cells[0].baseline == Value{"4.00"});
  CHECK_FALSE(diff.beyond_sample);
}

TEST_CASE("a column added with a default shows on every row, absent on the baseline, rows paired by id") {
  const auto baseline = sampled_result({{"id", kInt4}, {"name", kText}}, {{"2", "bob"}, {"1", "ann"}});
  const auto shadow = sampled_result({{"id", kInt4}, {"name", kText}, {"status", kText}},
                                     {{"1", "ann", "active"}, {"2", "bob", "active"}});
  const RowDiff diff = diff_rows(baseline, shadow, false, 5);
  REQUIRE(diff.rows.size() == 2);
  CHECK(diff.rows[0].change == RowChange::kChanged);
  CHECK(diff.rows[0].baseline_row == 1u);  // bob
  CHECK(diff.rows[0].shadow_row == 2u);
  REQUIRE(diff.rows[0].cells.size() == 1);
  CHECK(diff.rows[0].cells[0].column == "status");
  CHECK_FALSE(diff.rows[0].cells[0].baseline.has_value());  // no such column on the baseline
  CHECK(diff.rows[0].cells[0].shadow == Value{"active"});
}

TEST_CASE("a row missing on the shadow is baseline_only with all its cells, matching rows are not shown") {
  const auto baseline = sampled_result({{"id", kInt4}, {"name", kText}}, {{"1", "ann"}, {"2", "bob"}, {"3", "cy"}});
  const auto shadow = sampled_result({{"id", kInt4}, {"name", kText}}, {{"3", "cy"}, {"1", "ann"}});
  const RowDiff diff = diff_rows(baseline, shadow, false, 5);
  REQUIRE(diff.rows.size() == 1);
  CHECK(diff.rows[0].change == RowChange::kBaselineOnly);
  CHECK(diff.rows[0].baseline_row == 2u);
  CHECK_FALSE(diff.rows[0].shadow_row.has_value());
  REQUIRE(diff.rows[0].cells.size() == 2);
  CHECK(diff.rows[0].cells[0].column == "id");
  CHECK(diff.rows[0].cells[0].baseline == Value{"2"});
  CHECK_FALSE(diff.rows[0].cells[0].shadow.has_value());
  CHECK(diff.rows[0].cells[1].baseline == Value{"bob"});
}

TEST_CASE("ordered: a row past the end of the other side is one-sided") {
  const auto baseline = sampled_result({{"id", kInt4}}, {{"1"}, {"2"}});
  const auto shadow = sampled_result({{"id", kInt4}}, {{"1"}, {"2"}, {"3"}});
  const RowDiff diff = diff_rows(baseline, shadow, true, 5);
  REQUIRE(diff.rows.size() == 1);
  CHECK(diff.rows[0].change == RowChange::kShadowOnly);
  CHECK(diff.rows[0].shadow_row == 3u);
  CHECK(diff.rows[0].cells[0].shadow == Value{"3"});
}

TEST_CASE("unordered: rows in another order are no difference and a changed row pairs with its id's row") {
  const auto baseline = sampled_result({{"id", kInt4}, {"name", kText}}, {{"1", "ann"}, {"2", "bob"}, {"3", "cy"}});
  const auto shadow = sampled_result({{"id", kInt4}, {"name", kText}}, {{"2", "BOB"}, {"3", "cy"}, {"1", "ann"}});
  const RowDiff diff = diff_rows(baseline, shadow, false, 5);
  REQUIRE(diff.rows.size() == 1);
  CHECK(diff.rows[0].change == RowChange::kChanged);
  CHECK(diff.rows[0].baseline_row == 2u);
  CHECK(diff.rows[0].shadow_row == 1u);
  REQUIRE(diff.rows[0].cells.size() == 1);
  CHECK(diff.rows[0].cells[0].column == "name");
  CHECK(diff.rows[0].cells[0].shadow == Value{"BOB"});
}

TEST_CASE("unordered: when the first column does not pair the leftovers one to one, they pair in order") {
  // The key itself changed: 12.35 has no partner by value, so position decides.
  const auto baseline = sampled_result({{"price", kNumeric}}, {{"12.35"}, {"7.50"}, {"7.50"}});
  const auto shadow = sampled_result({{"price", kNumeric}}, {{"12"}, {"8"}, {"8"}});
  const RowDiff diff = diff_rows(baseline, shadow, false, 5);
  REQUIRE(diff.rows.size() == 3);
  CHECK(diff.rows[0].cells[0].baseline == Value{"12.35"});
  CHECK(diff.rows[0].cells[0].shadow == Value{"12"});
  CHECK(diff.rows[2].baseline_row == 3u);
  CHECK(diff.rows[2].shadow_row == 3u);
}

TEST_CASE("unordered: a duplicated row counts twice") {
  const auto baseline = sampled_result({{"id", kInt4}}, {{"1"}, {"1"}});
  const auto shadow = sampled_result({{"id", kInt4}}, {{"1"}});
  const RowDiff diff = diff_rows(baseline, shadow, false, 5);
  REQUIRE(diff.rows.size() == 1);
  CHECK(diff.rows[0].change == RowChange::kBaselineOnly);
  CHECK(diff.rows[0].baseline_row == 2u);
}

TEST_CASE("NULL, the empty string and the text 'NULL' are three different values") {
  const auto baseline = sampled_result({{"id", kInt4}, {"note", kText}}, {{"1", kNull}, {"2", ""}, {"3", "NULL"}});
  const auto shadow = sampled_result({{"id", kInt4}, {"note", kText}}, {{"1", ""}, {"2", "NULL"}, {"3", kNull}});
  const RowDiff diff = diff_rows(baseline, shadow, true, 5);
  REQUIRE(diff.rows.size() == 3);
  CHECK(diff.rows[0].cells[0].baseline == std::optional<Value>(kNull));  // present, and NULL
  CHECK(diff.rows[0].cells[0].shadow == Value{""});
  CHECK(diff.rows[1].cells[0].baseline == Value{""});
  CHECK(diff.rows[1].cells[0].shadow == Value{"NULL"});
  CHECK(diff.rows[2].cells[0].shadow == std::optional<Value>(kNull));
}

TEST_CASE("columns with repeated names are aligned by position and named from both sides when they differ") {
  const auto baseline = sampled_result({{"x", kInt4}, {"x", kInt4}}, {{"1", "2"}});
  const auto shadow = sampled_result({{"x", kInt4}, {"y", kInt4}}, {{"1", "3"}});
  const RowDiff diff = diff_rows(baseline, shadow, true, 5);
  REQUIRE(diff.rows.size() == 1);
  REQUIRE(diff.rows[0].cells.size() == 1);
  CHECK(diff.rows[0].cells[0].column == "x/y");
  CHECK(diff.rows[0].cells[0].baseline == Value{"2"});
}

TEST_CASE("ordered: the same rows in another order differ position by position") {
  const auto baseline = sampled_result({{"id", kInt4}}, {{"1"}, {"2"}, {"3"}});
  const auto shadow = sampled_result({{"id", kInt4}}, {{"1"}, {"3"}, {"2"}});
  const RowDiff diff = diff_rows(baseline, shadow, true, 5);
  REQUIRE(diff.rows.size() == 2);
  CHECK(diff.rows[0].baseline_row == 2u);
  CHECK(diff.rows[0].cells[0].baseline == Value{"2"});
  CHECK(diff.rows[0].cells[0].shadow == Value{"3"});
}

TEST_CASE("at most max_rows differences are kept, the first by position") {
  std::vector<SampleRow> left;
  std::vector<SampleRow> right;
  for (int i = 0; i < 20; ++i) {
    left.push_back({std::to_string(i), "a"});
    right.push_back({std::to_string(i), "b"});
  }
  const RowDiff diff = diff_rows(sampled_result({{"id", kInt4}, {"v", kText}}, left),
                                 sampled_result({{"id", kInt4}, {"v", kText}}, right), false, 5);
  REQUIRE(diff.rows.size() == 5);
  CHECK(diff.rows[0].baseline_row == 1u);
  CHECK(diff.rows[4].baseline_row == 5u);
  CHECK_FALSE(diff.beyond_sample);
}

TEST_CASE("equal samples of incomplete results say the difference lies beyond the sample") {
  const auto baseline = sampled_result({{"id", kInt4}}, {{"1"}, {"2"}}, 1000);
  const auto shadow = sampled_result({{"id", kInt4}}, {{"1"}, {"2"}}, 1000);
  const RowDiff diff = diff_rows(baseline, shadow, true, 5);
  CHECK(diff.rows.empty());
  CHECK(diff.beyond_sample);
  CHECK(diff_rows(baseline, shadow, false, 5).beyond_sample);
}

TEST_CASE("row counts that differ past the samples are beyond the sample, even with differences in it") {
  const auto baseline = sampled_result({{"id", kInt4}, {"v", kText}}, {{"1", "a"}, {"2", "b"}}, 150);
  const auto shadow = sampled_result({{"id", kInt4}, {"v", kText}}, {{"1", "a"}, {"2", "c"}}, 149);
  const RowDiff diff = diff_rows(baseline, shadow, true, 5);
  REQUIRE(diff.rows.size() == 1);
  CHECK(diff.rows[0].baseline_row == 2u);
  CHECK(diff.beyond_sample);
}

TEST_CASE("complete samples that differ show everything: nothing beyond the sample") {
  const auto baseline = sampled_result({{"id", kInt4}}, {{"1"}, {"2"}});
  const auto shadow = sampled_result({{"id", kInt4}}, {{"1"}});
  CHECK_FALSE(diff_rows(baseline, shadow, true, 5).beyond_sample);
  CHECK_FALSE(diff_rows(baseline, shadow, false, 5).beyond_sample);
}

TEST_CASE("ordered: a sampled row whose partner was not sampled is left out, not called one-sided") {
  const auto baseline = sampled_result({{"id", kInt4}}, {{"1"}, {"2"}, {"3"}});
  const auto shadow = sampled_result({{"id", kInt4}}, {{"1"}, {"2"}}, 5);
  const RowDiff diff = diff_rows(baseline, shadow, true, 5);
  CHECK(diff.rows.empty());
  CHECK(diff.beyond_sample);
}

TEST_CASE("unordered with an incomplete sample: rows without a key are not guessed at") {
  // The shadow's rows may come in another order: 7.50 may well be its 500th row.
  const auto baseline = sampled_result({{"price", kNumeric}}, {{"12.35"}, {"7.50"}}, 1000);
  const auto shadow = sampled_result({{"price", kNumeric}}, {{"12.35"}, {"9.99"}}, 1000);
  const RowDiff diff = diff_rows(baseline, shadow, false, 5);
  CHECK(diff.rows.empty());
  CHECK(diff.beyond_sample);
}

TEST_CASE("unordered with an incomplete sample: rows paired by their key still show the change") {
  const auto baseline = sampled_result({{"id", kInt4}, {"price", kNumeric}}, {{"1", "12.35"}, {"2", "7.50"}}, 1000);
  const auto shadow = sampled_result({{"id", kInt4}, {"price", kNumeric}}, {{"2", "8"}, {"1", "12"}}, 1000);
  const RowDiff diff = diff_rows(baseline, shadow, false, 5);
  REQUIRE(diff.rows.size() == 2);
  CHECK(diff.rows[0].baseline_row == 1u);
  CHECK(diff.rows[0].shadow_row == 2u);
  CHECK(diff.rows[0].cells[0].shadow == Value{"12"});
  CHECK_FALSE(diff.beyond_sample);  // same row counts, differences found
}

TEST_CASE("row changes have the names the reports use") {
  CHECK(to_string(RowChange::kChanged) == "changed");
  CHECK(to_string(RowChange::kBaselineOnly) == "baseline_only");
  CHECK(to_string(RowChange::kShadowOnly) == "shadow_only");
}
