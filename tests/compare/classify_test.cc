#include <catch2/catch.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include "pgshadow/compare/classify.h"

using pgshadow::DivergenceClass;
using pgshadow::compare::classify;
using pgshadow::compare::ColumnHeader;
using pgshadow::compare::ComparisonContext;
using pgshadow::compare::ResultSignature;
using pgshadow::compare::SignatureBuilder;
using Row = std::vector<std::optional<std::string_view>>;

namespace {

constexpr std::uint32_t kInt4 = 23;
constexpr std::uint32_t kInt8 = 20;
constexpr std::uint32_t kText = 25;

// A signature as the pg layer would build it from a real result.
ResultSignature result(std::vector<ColumnHeader> columns, const std::vector<Row>& rows,
                       std::string_view tag) {
  SignatureBuilder builder;
  builder.set_columns(std::move(columns));
  for (const Row& row : rows) builder.add_row(row);
  return builder.finish_success(tag);
}

ResultSignature failure(std::string sqlstate, std::string message) {
  return SignatureBuilder().finish_error(std::move(sqlstate), std::move(message));
}

const std::vector<ColumnHeader> kUsers{{"id", kInt4}, {"email", kText}};
const std::vector<Row> kUserRows{{"1", "a@example.com"}, {"2", "b@example.com"}};

constexpr ComparisonContext kUnordered{false};
constexpr ComparisonContext kOrdered{true};

}  // namespace

TEST_CASE("the same result on both sides is a match") {
  const auto side = result(kUsers, kUserRows, "SELECT 2");
  CHECK(classify(side, side, kUnordered) == DivergenceClass::kMatch);
  CHECK(classify(side, side, kOrdered) == DivergenceClass::kMatch);
}

TEST_CASE("the same error on both sides is a match") {
  // SELECT 1/0 fails alike before and after the migration.
  CHECK(classify(failure("22012", "division by zero"), failure("22012", "division by zero"),
                 kUnordered) == DivergenceClass::kMatch);
}

TEST_CASE("a statement that timed out on both sides is timed_out, not a match") {
  const auto statement_timeout = failure("57014", "canceling statement due to statement timeout");
  const auto lock_timeout = failure("55P03", "canceling statement due to lock timeout");
  CHECK(classify(statement_timeout, statement_timeout, kUnordered) == DivergenceClass::kTimedOut);
  CHECK(classify(lock_timeout, lock_timeout, kOrdered) == DivergenceClass::kTimedOut);
  // One side timing out alone stays what it was.
  CHECK(classify(result(kUsers, kUserRows, "SELECT 2"), statement_timeout, kUnordered) ==
        DivergenceClass::kErrorShadowOnly);
  CHECK(classify(statement_timeout, lock_timeout, kUnordered) == DivergenceClass::kErrorChanged);
}

TEST_CASE("a dropped column the query still reads is error_shadow_only") {
  const auto baseline = result(kUsers, kUserRows, "SELECT 2");
  const auto shadow = failure("42703", "column \"email\" does not exist");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kErrorShadowOnly);
}

TEST_CASE("a statement the migration made succeed is error_baseline_only") {
  const auto baseline = failure("42P01", "relation \"audit_log\" does not exist");
  const auto shadow = result({}, {}, "INSERT 0 1");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kErrorBaselineOnly);
}

TEST_CASE("both sides failing with different SQLSTATEs is error_changed") {
  const auto baseline = failure("23505", "duplicate key value violates unique constraint");
  const auto shadow = failure("23502", "null value in column \"email\" violates not-null constraint");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kErrorChanged);
}

TEST_CASE("a different command verb is command_changed, before any row comparison") {
  // A rule or view rewrite turned the INSERT into something else.
  const auto baseline = result({}, {}, "INSERT 0 1");
  const auto shadow = result({{"id", kInt4}}, {{"1"}}, "SELECT 1");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kCommandChanged);
}

TEST_CASE("a column gone from SELECT * is columns_changed") {
  const auto baseline = result(kUsers, kUserRows, "SELECT 2");
  const auto shadow = result({{"id", kInt4}}, {{"1"}, {"2"}}, "SELECT 2");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kColumnsChanged);
}

TEST_CASE("a renamed column is columns_changed even when the values agree") {
  const auto baseline = result(kUsers, kUserRows, "SELECT 2");
  const auto shadow = result({{"id", kInt4}, {"mail", kText}}, kUserRows, "SELECT 2");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kColumnsChanged);
}

TEST_CASE("a changed value is rows_changed") {
  const auto baseline = result(kUsers, kUserRows, "SELECT 2");
  const auto shadow = result(kUsers, {{"1", "a@example.com"}, {"2", std::nullopt}}, "SELECT 2");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kRowsChanged);
  CHECK(classify(baseline, shadow, kOrdered) == DivergenceClass::kRowsChanged);
}

TEST_CASE("a missing row is rows_changed") {
  const auto baseline = result(kUsers, kUserRows, "SELECT 2");
  const auto shadow = result(kUsers, {{"1", "a@example.com"}}, "SELECT 1");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kRowsChanged);
}

TEST_CASE("a duplicated row is rows_changed") {
  const auto baseline = result(kUsers, {{"1", "a@example.com"}}, "SELECT 1");
  const auto shadow = result(kUsers, {{"1", "a@example.com"}, {"1", "a@example.com"}}, "SELECT 2");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kRowsChanged);
}

TEST_CASE("another row order under a top-level ORDER BY is order_changed") {
  const auto baseline = result(kUsers, kUserRows, "SELECT 2");
  const auto shadow = result(kUsers, {kUserRows[1], kUserRows[0]}, "SELECT 2");
  CHECK(classify(baseline, shadow, kOrdered) == DivergenceClass::kOrderChanged);
}

TEST_CASE("another row order without ORDER BY is a match") {
  const auto baseline = result(kUsers, kUserRows, "SELECT 2");
  const auto shadow = result(kUsers, {kUserRows[1], kUserRows[0]}, "SELECT 2");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kMatch);
}

TEST_CASE("int4 to int8 with the same values as text is types_changed") {
  const auto baseline = result(kUsers, kUserRows, "SELECT 2");
  const auto shadow = result({{"id", kInt8}, {"email", kText}}, kUserRows, "SELECT 2");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kTypesChanged);
  CHECK(classify(baseline, shadow, kOrdered) == DivergenceClass::kTypesChanged);
}

TEST_CASE("changed types and changed values are rows_changed") {
  // numeric(10,2) -> int: '1.50' becomes '2'.
  const auto baseline = result({{"price", 1700}}, {{"1.50"}}, "SELECT 1");
  const auto shadow = result({{"price", kInt4}}, {{"2"}}, "SELECT 1");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kRowsChanged);
}

TEST_CASE("an UPDATE touching another number of rows is command_changed") {
  // Soft delete: the shadow's UPDATE also matches rows the baseline had deleted.
  const auto baseline = result({}, {}, "UPDATE 1");
  const auto shadow = result({}, {}, "UPDATE 3");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kCommandChanged);
}

TEST_CASE("an INSERT inserting the same number of rows is a match") {
  CHECK(classify(result({}, {}, "INSERT 0 3"), result({}, {}, "INSERT 0 3"), kUnordered) ==
        DivergenceClass::kMatch);
}
