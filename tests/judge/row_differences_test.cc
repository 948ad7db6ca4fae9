// The differing rows a divergence example carries: which classes get them, and that values
// stay masked (NULL or not, length) unless show_values or include_literals asks for them.
#include <catch2/catch.hpp>

#include "pgshadow/judge/findings.h"

namespace pgshadow::judge {
namespace {

compare::ResultSignature prices(std::vector<compare::SampleRow> rows) {
  compare::ResultSignature s;
  s.command_verb = "SELECT";
  s.columns = {{"id", 23}, {"price", 1700}};
  s.row_count = rows.size();
  for (const auto& row : rows) {
    // Different rows must have different digests for the judge to see them differ.
    Xxh3Hasher hasher;
    for (const auto& value : row) hasher.update(value.value_or("<null>"));
    s.multiset_digest += hasher.digest();
    s.ordered_digest = hasher.digest();
  }
  s.sample_rows = std::move(rows);
  return s;
}

compare::ResultSignature failure() {
  compare::ResultSignature s;
  s.succeeded = false;
  s.sqlstate = "42703";
  return s;
}

const DivergenceExample& example_of(FindingsBook& book, DivergenceClass divergence,
                                    const compare::ResultSignature& baseline, const compare::ResultSignature& shadow,
                                    const std::string& sql = "SELECT id, price FROM t ORDER BY id") {
  Event event;
  event.sql = sql;
  const sql::QueryShape shape{"0123456789abcdef", "SELECT id, price FROM t ORDER BY id"};
  book.on_compared({event, shape, divergence, baseline, shadow, std::nullopt, "", 0, 0,
                    sql::facts_of(sql).has_top_level_order_by});
  return *book.shapes_by_importance().front()->first_divergence;
}

const auto kBaseline = prices({{"1", "12.35"}, {"2", std::nullopt}});
const auto kShadow = prices({{"1", "12"}, {"2", ""}});

}  // namespace

TEST_CASE("by default a differing row keeps only NULL-ness and byte lengths, and the column name", "[judge]") {
  FindingsBook book;
  const DivergenceExample& example = example_of(book, DivergenceClass::kRowsChanged, kBaseline, kShadow);
  REQUIRE(example.row_differences);
  const RowDifferences& rows = *example.row_differences;
  CHECK_FALSE(rows.values_shown);
  CHECK_FALSE(rows.beyond_sample);
  REQUIRE(rows.rows.size() == 2);
  CHECK(rows.rows[0].change == compare::RowChange::kChanged);
  CHECK(rows.rows[0].baseline_row == 1u);
  REQUIRE(rows.rows[0].cells.size() == 1);
  const ShownCell& price = rows.rows[0].cells[0];
  CHECK(price.column == "price");
  CHECK(price.baseline->bytes == 5);
  CHECK_FALSE(price.baseline->is_null);
  CHECK_FALSE(price.baseline->text.has_value());
  CHECK(price.shadow->bytes == 2);
  CHECK_FALSE(price.shadow->text.has_value());
  const ShownCell& second = rows.rows[1].cells[0];
  CHECK(second.baseline->is_null);
  CHECK_FALSE(second.shadow->is_null);  // '' is not NULL
  CHECK(second.shadow->bytes == 0);
  CHECK(example.explanation == "same number of rows (2), different values in column price");
}

TEST_CASE("show_values keeps the text of the differing cells", "[judge]") {
  JudgeSettings settings;
  settings.show_values = true;
  FindingsBook book(settings);
  const DivergenceExample& example = example_of(book, DivergenceClass::kRowsChanged, kBaseline, kShadow);
  REQUIRE(example.row_differences);
  CHECK(example.row_differences->values_shown);
  const ShownCell& price = example.row_differences->rows[0].cells[0];
  CHECK(price.baseline->text == "12.35");
  CHECK(price.shadow->text == "12");
  CHECK_FALSE(example.row_differences->rows[1].cells[0].baseline->text.has_value());  // NULL has no text
  CHECK(example.row_differences->rows[1].cells[0].shadow->text == "");
  CHECK(example.explanation.find("12.35") == std::string::npos);  // the explanation never quotes data
}

TEST_CASE("include_literals implies show_values", "[judge]") {
  JudgeSettings settings;
  settings.include_literals = true;
  FindingsBook book(settings);
  const DivergenceExample& example = example_of(book, DivergenceClass::kRowsChanged, kBaseline, kShadow);
  REQUIRE(example.row_differences);
  CHECK(example.row_differences->values_shown);
  CHECK(example.row_differences->rows[0].cells[0].baseline->text == "12.35");
}

TEST_CASE("the ORDER BY of the statement decides whether rows compare by position", "[judge]") {
  const auto baseline = prices({{"1", "5"}, {"2", "6"}});
  const auto shadow = prices({{"2", "6"}, {"1", "5"}});
  FindingsBook ordered;
  const DivergenceExample& example = example_of(ordered, DivergenceClass::kOrderChanged, baseline, shadow);
  REQUIRE(example.row_differences);
  CHECK(example.row_differences->rows.size() == 2);
  // Unordered, the same rows are no difference: nothing to show.
  FindingsBook unordered;
  CHECK_FALSE(example_of(unordered, DivergenceClass::kRowsChanged, baseline, shadow, "SELECT id, price FROM t")
                  .row_differences);
}

TEST_CASE("errors and changed columns carry no row differences", "[judge]") {
  FindingsBook errors;
  CHECK_FALSE(example_of(errors, DivergenceClass::kErrorShadowOnly, kBaseline, failure()).row_differences);
  FindingsBook columns;
  auto renamed = kShadow;
  renamed.columns[1].name = "cost";
  CHECK_FALSE(example_of(columns, DivergenceClass::kColumnsChanged, kBaseline, renamed).row_differences);
}

TEST_CASE("a consequence carries row differences only when its rows differ", "[judge]") {
  FindingsBook rows;
  CHECK(example_of(rows, DivergenceClass::kConsequence, kBaseline, kShadow).row_differences);
  FindingsBook aborted;
  CHECK_FALSE(example_of(aborted, DivergenceClass::kConsequence, kBaseline, failure()).row_differences);
  FindingsBook same;
  CHECK_FALSE(example_of(same, DivergenceClass::kNondeterministic, kBaseline, kBaseline).row_differences);
}

TEST_CASE("a row missing on the shadow is named in the explanation's count, with its cells masked", "[judge]") {
  FindingsBook book;
  const auto shadow = prices({{"1", "12.35"}});
  const DivergenceExample& example = example_of(book, DivergenceClass::kRowsChanged, kBaseline, shadow);
  REQUIRE(example.row_differences);
  REQUIRE(example.row_differences->rows.size() == 1);
  const ShownRow& row = example.row_differences->rows[0];
  CHECK(row.change == compare::RowChange::kBaselineOnly);
  CHECK(row.baseline_row == 2u);
  REQUIRE(row.cells.size() == 2);
  CHECK(row.cells[0].column == "id");
  CHECK(row.cells[0].baseline->bytes == 1);
  CHECK_FALSE(row.cells[0].shadow.has_value());
  CHECK(example.explanation == "baseline returned 2 rows, shadow 1");
}

}  // namespace pgshadow::judge
