#include <catch2/catch.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include "pgshadow/compare/classify.h"

#include "compare_test_support.h"

using pgshadow::DivergenceClass;
using pgshadow::compare::classify;
using pgshadow::compare::ColumnHeader;
using pgshadow::compare::ComparisonContext;
using pgshadow::compare::ResultSignature;
using pgshadow::compare::SignatureBuilder;

namespace {

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

TEST_CASE("the same result with another count of server messages is messages_changed") {
  auto baseline = result(kUsers, kUserRows, "SELECT 2");
  auto shadow = baseline;
  shadow.warnings = 1;  // a trigger or function the migration added now RAISEs WARNING
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kMessagesChanged);
  shadow.warnings = 0;
  shadow.notices = 1;  // CREATE TABLE IF NOT EXISTS: "already exists, skipping" on one side
  CHECK(classify(baseline, shadow, kOrdered) == DivergenceClass::kMessagesChanged);
  baseline.notices = 1;
  CHECK(classify(baseline, shadow, kOrdered) == DivergenceClass::kMatch);
  // The same error with a WARNING before it on one side.
  auto failed = failure("22012", "division by zero");
  auto warned = failed;
  warned.warnings = 1;
  CHECK(classify(failed, warned, kUnordered) == DivergenceClass::kMessagesChanged);
  // Messages never hide a heavier difference.
  auto changed = result(kUsers, {{"1", "a@example.com"}, {"2", "c@example.com"}}, "SELECT 2");
  changed.warnings = 3;
  CHECK(classify(baseline, changed, kUnordered) == DivergenceClass::kRowsChanged);
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

namespace {

// The shadow side as the replay builds it: with its column prefix digests.
ResultSignature shadow_result(std::vector<ColumnHeader> columns, const std::vector<Row>& rows,
                              std::string_view tag) {
  SignatureBuilder builder;
  builder.track_column_prefixes();
  builder.set_columns(std::move(columns));
  for (const Row& row : rows) builder.add_row(row);
  return builder.finish_success(tag);
}

const std::vector<ColumnHeader> kUsersWithNormalized{{"id", kInt4}, {"email", kText}, {"email_normalized", kText}};

}  // namespace

TEST_CASE("a column appended under SELECT * with the rows unchanged is columns_added") {
  // ALTER TABLE users ADD COLUMN email_normalized text: old rows read NULL there.
  const auto baseline = result(kUsers, kUserRows, "SELECT 2");
  const auto shadow = shadow_result(kUsersWithNormalized, {{"1", "a@example.com", std::nullopt},
                                                           {"2", "b@example.com", std::nullopt}}, "SELECT 2");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kColumnsAdded);
  CHECK(classify(baseline, shadow, kOrdered) == DivergenceClass::kColumnsAdded);
  // An empty result with one more column: the same.
  CHECK(classify(result(kUsers, {}, "SELECT 0"), shadow_result(kUsersWithNormalized, {}, "SELECT 0"), kUnordered) ==
        DivergenceClass::kColumnsAdded);
}

TEST_CASE("an appended column does not hide a changed value, a lost row or a new order in the baseline's columns") {
  const auto baseline = result(kUsers, kUserRows, "SELECT 2");
  const auto changed = shadow_result(kUsersWithNormalized, {{"1", "A@EXAMPLE.COM", "a@example.com"},
                                                            {"2", "b@example.com", "b@example.com"}}, "SELECT 2");
  CHECK(classify(baseline, changed, kUnordered) == DivergenceClass::kRowsChanged);
  const auto fewer = shadow_result(kUsersWithNormalized, {{"1", "a@example.com", std::nullopt}}, "SELECT 1");
  CHECK(classify(baseline, fewer, kUnordered) == DivergenceClass::kRowsChanged);
  const auto reordered = shadow_result(kUsersWithNormalized, {{"2", "b@example.com", std::nullopt},
                                                              {"1", "a@example.com", std::nullopt}}, "SELECT 2");
  CHECK(classify(baseline, reordered, kUnordered) == DivergenceClass::kColumnsAdded);
  CHECK(classify(baseline, reordered, kOrdered) == DivergenceClass::kOrderChanged);
}

TEST_CASE("a dropped, renamed, retyped or reordered column stays columns_changed") {
  const auto baseline = result(kUsersWithNormalized, {{"1", "a@example.com", "x"}}, "SELECT 1");
  const auto dropped = shadow_result(kUsers, {{"1", "a@example.com"}}, "SELECT 1");
  CHECK(classify(baseline, dropped, kUnordered) == DivergenceClass::kColumnsChanged);
  const auto renamed = shadow_result({{"id", kInt4}, {"mail", kText}, {"email_normalized", kText}},
                                     {{"1", "a@example.com", "x"}}, "SELECT 1");
  CHECK(classify(baseline, renamed, kUnordered) == DivergenceClass::kColumnsChanged);
  const auto narrow = result(kUsers, {{"1", "a@example.com"}}, "SELECT 1");
  const auto retyped_and_added = shadow_result({{"id", kInt8}, {"email", kText}, {"extra", kText}},
                                               {{"1", "a@example.com", "x"}}, "SELECT 1");
  CHECK(classify(narrow, retyped_and_added, kUnordered) == DivergenceClass::kColumnsChanged);
  const auto moved = shadow_result({{"email", kText}, {"id", kInt4}, {"extra", kText}},
                                   {{"a@example.com", "1", "x"}}, "SELECT 1");
  CHECK(classify(narrow, moved, kUnordered) == DivergenceClass::kColumnsChanged);
  // Without prefix digests (a side that did not keep them) nothing can be said: columns_changed.
  CHECK(classify(narrow, result({{"id", kInt4}, {"email", kText}, {"extra", kText}}, {{"1", "a@example.com", "x"}},
                                "SELECT 1"),
                 kUnordered) == DivergenceClass::kColumnsChanged);
}

TEST_CASE("columns added in the middle are found by position for a second read on the baseline's columns") {
  using pgshadow::compare::added_columns_projection;
  const auto baseline = result({{"id", kInt4}, {"email", kText}, {"order_id", kInt4}}, {}, "SELECT 0");
  const auto joined = result({{"id", kInt4}, {"email", kText}, {"email_normalized", kText}, {"order_id", kInt4}}, {},
                             "SELECT 0");
  CHECK(added_columns_projection(baseline, joined) == std::vector<std::size_t>{0, 1, 3});
  CHECK_FALSE(added_columns_projection(joined, baseline).has_value());  // a column dropped
  const auto swapped = result({{"email", kText}, {"id", kInt4}, {"order_id", kInt4}, {"x", kText}}, {}, "SELECT 0");
  CHECK_FALSE(added_columns_projection(baseline, swapped).has_value());
  CHECK_FALSE(added_columns_projection(baseline, baseline).has_value());  // nothing added
}

TEST_CASE("a type the traffic created is the same type on both sides by name, whatever its OIDs") {
  // CREATE TYPE mood AS ENUM (...): OID 16395 on one cluster, 16393 on the other.
  ColumnHeader baseline_mood{"current_mood", 16395, "public.mood"};
  ColumnHeader shadow_mood{"current_mood", 16393, "public.mood"};
  const auto baseline = result({baseline_mood}, {{"happy"}}, "SELECT 1");
  const auto shadow = result({shadow_mood}, {{"happy"}}, "SELECT 1");
  CHECK(classify(baseline, shadow, kUnordered) == DivergenceClass::kMatch);
  // Another type of the same spelling in another schema is another type.
  ColumnHeader other_schema{"current_mood", 16393, "audit.mood"};
  CHECK(classify(baseline, result({other_schema}, {{"happy"}}, "SELECT 1"), kUnordered) ==
        DivergenceClass::kTypesChanged);
  // Unresolved names: the OIDs decide, as for builtin types.
  CHECK(classify(result({{"current_mood", 16395}}, {{"happy"}}, "SELECT 1"),
                 result({{"current_mood", 16393}}, {{"happy"}}, "SELECT 1"), kUnordered) == DivergenceClass::kTypesChanged);
}
