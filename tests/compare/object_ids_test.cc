#include <catch2/catch.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include "pgshadow/compare/object_ids.h"

#include "compare_test_support.h"

using pgshadow::compare::differs_only_in_object_ids;
using pgshadow::compare::ResultSignature;
using pgshadow::compare::SignatureBuilder;

namespace {

// psql's \d lookup: (oid, nspname, relname).
ResultSignature lookup(const std::vector<Row>& rows) {
  SignatureBuilder builder;
  builder.set_columns({{"oid", kOid}, {"nspname", kName}, {"relname", kName}});
  for (const Row& row : rows) builder.add_row(row);
  return builder.finish_success("SELECT " + std::to_string(rows.size()));
}

}  // namespace

TEST_CASE("a result that differs only in an oid column is told apart from one whose names differ", "[compare]") {
  const auto baseline = lookup({{"16400", "public", "tenk1"}});
  CHECK(differs_only_in_object_ids(baseline, lookup({{"16398", "public", "tenk1"}})));
  CHECK_FALSE(differs_only_in_object_ids(baseline, lookup({{"16398", "public", "tenk2"}})));
  CHECK_FALSE(differs_only_in_object_ids(baseline, lookup({{"16400", "public", "tenk1"}})));  // nothing differs
  CHECK_FALSE(differs_only_in_object_ids(baseline, lookup({{"16400", "public", "tenk1"}, {"1", "public", "x"}})));
}
