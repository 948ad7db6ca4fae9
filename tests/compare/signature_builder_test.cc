#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/compare/result_signature.h"

#include "compare_test_support.h"

using pgshadow::compare::ColumnHeader;
using pgshadow::compare::ResultSignature;
using pgshadow::compare::SignatureBuilder;

namespace {

ResultSignature signature_of(const std::vector<Row>& rows, std::string_view tag = "SELECT") {
  SignatureBuilder builder;
  builder.set_columns({{"a", 25}, {"b", 25}});
  for (const Row& row : rows) builder.add_row(row);
  return builder.finish_success(tag);
}

}  // namespace

TEST_CASE("cell boundaries are part of the digest: ('ab','c') differs from ('a','bc')") {
  const auto left = signature_of({{"ab", "c"}});
  const auto right = signature_of({{"a", "bc"}});
  CHECK(left.multiset_digest != right.multiset_digest);
  CHECK(left.ordered_digest != right.ordered_digest);
}

TEST_CASE("NULL, the empty string and the text 'NULL' all hash differently") {
  const auto null_cell = signature_of({{std::nullopt}});
  const auto empty_cell = signature_of({{""}});
  const auto null_text = signature_of({{"NULL"}});
  CHECK(null_cell.multiset_digest != empty_cell.multiset_digest);
  CHECK(null_cell.multiset_digest != null_text.multiset_digest);
  CHECK(empty_cell.multiset_digest != null_text.multiset_digest);
}

TEST_CASE("the column count is part of a row: (NULL) differs from (NULL, NULL) and () from ('')") {
  CHECK(signature_of({{std::nullopt}}).multiset_digest !=
        signature_of({{std::nullopt, std::nullopt}}).multiset_digest);
  CHECK(signature_of({Row{}}).multiset_digest != signature_of({{""}}).multiset_digest);
}

TEST_CASE("the same rows in another order share the multiset digest but not the ordered one") {
  const auto forward = signature_of({{"1", "x"}, {"2", "y"}, {"3", "z"}});
  const auto backward = signature_of({{"3", "z"}, {"2", "y"}, {"1", "x"}});
  CHECK(forward.multiset_digest == backward.multiset_digest);
  CHECK(forward.ordered_digest != backward.ordered_digest);
  CHECK(forward.row_count == 3);
  CHECK(backward.row_count == 3);
}

TEST_CASE("identical results give identical signatures") {
  const auto once = signature_of({{"1", "x"}, {"2", std::nullopt}});
  const auto again = signature_of({{"1", "x"}, {"2", std::nullopt}});
  CHECK(once.multiset_digest == again.multiset_digest);
  CHECK(once.ordered_digest == again.ordered_digest);
}

TEST_CASE("duplicate rows count: the multiset {r, r} differs from {r} and from {r, r, r}") {
  const Row r{"1", "x"};
  const auto one = signature_of({r});
  const auto two = signature_of({r, r});
  const auto three = signature_of({r, r, r});
  CHECK(one.multiset_digest != two.multiset_digest);
  CHECK(two.multiset_digest != three.multiset_digest);
  CHECK(two.row_count == 2);
}

TEST_CASE("an empty result has zero digests and no rows") {
  const auto empty = signature_of({});
  CHECK(empty.row_count == 0);
  CHECK(empty.multiset_digest == pgshadow::Digest128{});
  CHECK(empty.ordered_digest == pgshadow::Digest128{});
  CHECK(empty.sample_rows.empty());
  CHECK(empty.sample_complete);
}

TEST_CASE("only the first max_sample_rows rows are kept, NULLs as nullopt") {
  SignatureBuilder builder(2);
  builder.add_row({"1", std::nullopt});
  builder.add_row({"2", "b"});
  builder.add_row({"3", "c"});
  const ResultSignature signature = builder.finish_success("SELECT 3");
  CHECK(signature.row_count == 3);
  REQUIRE(signature.sample_rows.size() == 2);
  CHECK(signature.sample_rows[0] == pgshadow::compare::SampleRow{"1", std::nullopt});
  CHECK(signature.sample_rows[1] == pgshadow::compare::SampleRow{"2", "b"});
  CHECK_FALSE(signature.sample_complete);
}

TEST_CASE("a sample within both limits holds every row and says so") {
  SignatureBuilder builder(3, 10);
  builder.add_row({"1", "abcd"});
  builder.add_row({"2", std::nullopt});
  const ResultSignature signature = builder.finish_success("SELECT 2");
  CHECK(signature.sample_rows.size() == 2);
  CHECK(signature.sample_complete);
}

TEST_CASE("the sample stops at the first row that would pass the byte limit, and stays a prefix") {
  SignatureBuilder builder(100, 10);
  builder.add_row({"1", "abcd"});      // 5 bytes
  builder.add_row({"2", "abcdefgh"});  // 9 more: past 10
  builder.add_row({"3", "x"});         // would fit, but the sample is a prefix of the result
  const ResultSignature signature = builder.finish_success("SELECT 3");
  CHECK(signature.row_count == 3);
  REQUIRE(signature.sample_rows.size() == 1);
  CHECK(signature.sample_rows[0] == pgshadow::compare::SampleRow{"1", "abcd"});
  CHECK_FALSE(signature.sample_complete);
}

TEST_CASE("the default sample keeps 100 rows of a large result and its byte count starts anew per statement") {
  SignatureBuilder builder;
  const std::string value(600, 'v');  // 100 rows of 600 bytes fit in 64 KiB, 110 do not
  for (int i = 0; i < 150; ++i) builder.add_row({value});
  const ResultSignature first = builder.finish_success("SELECT 150");
  CHECK(first.sample_rows.size() == 100);
  CHECK_FALSE(first.sample_complete);
  const std::string big(40 * 1024, 'b');
  builder.add_row({big});
  const ResultSignature second = builder.finish_success("SELECT 1");
  CHECK(second.sample_rows.size() == 1);
  CHECK(second.sample_complete);
  builder.add_row({big});
  builder.add_row({big});  // 80 KiB: past the 64 KiB of values
  const ResultSignature third = builder.finish_success("SELECT 2");
  CHECK(third.sample_rows.size() == 1);
  CHECK_FALSE(third.sample_complete);
}

TEST_CASE("the command tag gives the verb and the affected-row count") {
  struct Case {
    std::string_view tag;
    std::string_view verb;
    std::optional<std::uint64_t> affected;
  };
  const Case cases[] = {
      {"INSERT 0 3", "INSERT", 3},       {"SELECT 2", "SELECT", 2},
      {"UPDATE 0", "UPDATE", 0},         {"DELETE 17", "DELETE", 17},
      {"MERGE 4", "MERGE", 4},           {"COPY 1000", "COPY", 1000},
      {"FETCH 5", "FETCH", 5},           {"MOVE 1", "MOVE", 1},
      {"BEGIN", "BEGIN", std::nullopt},  {"CREATE TABLE", "CREATE TABLE", std::nullopt},
      {"ALTER TABLE", "ALTER TABLE", std::nullopt}, {"", "", std::nullopt},
  };
  for (const Case& c : cases) {
    INFO("tag: " << c.tag);
    SignatureBuilder builder;
    const ResultSignature signature = builder.finish_success(c.tag);
    CHECK(signature.succeeded);
    CHECK(signature.command_verb == c.verb);
    CHECK(signature.affected_rows == c.affected);
  }
}

TEST_CASE("finish_error keeps the SQLSTATE and the message") {
  SignatureBuilder builder;
  const ResultSignature signature =
      builder.finish_error("42703", "column \"email\" does not exist");
  CHECK_FALSE(signature.succeeded);
  CHECK(signature.sqlstate == "42703");
  CHECK(signature.error_message == "column \"email\" does not exist");
  CHECK(signature.command_verb.empty());
}

TEST_CASE("finishing leaves the builder empty for the next statement") {
  SignatureBuilder builder;
  builder.set_columns({{"id", 23}});
  builder.add_row({"1"});
  const ResultSignature first = builder.finish_success("SELECT 1");
  const ResultSignature second = builder.finish_success("SELECT 0");
  CHECK(first.row_count == 1);
  CHECK(first.columns == std::vector<ColumnHeader>{{"id", 23}});
  CHECK(second.row_count == 0);
  CHECK(second.columns.empty());
  CHECK(second.sample_rows.empty());
  CHECK(second.multiset_digest == pgshadow::Digest128{});
}
