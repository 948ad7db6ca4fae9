#include <catch2/catch.hpp>

#include "pgshadow/pg/table_scaling.h"

using pgshadow::pg::parse_table_scale;

TEST_CASE("scale-table: reads TABLE=ROWS with k, M and G suffixes") {
  auto plain = parse_table_scale("users=50000");
  REQUIRE(plain.ok());
  CHECK(plain->table == "users");
  CHECK(plain->rows == 50000);
  CHECK(parse_table_scale("app.users=50M")->rows == 50'000'000);
  CHECK(parse_table_scale("app.users=50M")->table == "app.users");
  CHECK(parse_table_scale("t=2k")->rows == 2000);
  CHECK(parse_table_scale("t=1.5M")->rows == 1'500'000);
  CHECK(parse_table_scale("t=3G")->rows == 3'000'000'000ULL);
  // The last '=' splits: a quoted name may hold one.
  CHECK(parse_table_scale("\"a=b\"=10")->table == "\"a=b\"");
}

TEST_CASE("scale-table: refuses a value it cannot read, naming it") {
  const auto message = [](const char* value) {
    auto parsed = parse_table_scale(value);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == pgshadow::ErrorKind::kBadInput);
    return parsed.error().message;
  };
  CHECK(message("users") == "--scale-table users: expected TABLE=ROWS, e.g. users=50M");
  CHECK(message("=5") == "--scale-table =5: expected TABLE=ROWS, e.g. users=50M");
  CHECK(message("users=many") ==
        "--scale-table users=many: ROWS must be a number of rows, optionally with a k, M or G suffix (50000, 2.5M)");
  CHECK(message("users=1.5") ==
        "--scale-table users=1.5: ROWS must be a number of rows, optionally with a k, M or G suffix (50000, 2.5M)");
  CHECK(message("users=") ==
        "--scale-table users=: ROWS must be a number of rows, optionally with a k, M or G suffix (50000, 2.5M)");
  CHECK(message("users=0") == "--scale-table users=0: ROWS must be at least 1");
  CHECK(message("users=1.0000001k") == "--scale-table users=1.0000001k: ROWS is not a whole number of rows");
  CHECK(message("users=2000G") == "--scale-table users=2000G: ROWS is more than 10^12 rows");
}
