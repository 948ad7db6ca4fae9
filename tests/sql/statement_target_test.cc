#include "pgshadow/sql/statement_target.h"

#include <catch2/catch.hpp>

using pgshadow::sql::target_of;

TEST_CASE("a statement's kind and main table come from the parse tree") {
  CHECK(target_of("SELECT id, name FROM users WHERE id = $1").kind == "SELECT");
  CHECK(target_of("SELECT id, name FROM users WHERE id = $1").table == "users");
  CHECK(target_of("SELECT u.name FROM shop.users u JOIN orders o ON o.user_id = u.id").table == "shop.users");
  CHECK(target_of("UPDATE users SET name = $1 WHERE id = $2").table == "users");
  CHECK(target_of("INSERT INTO orders (user_id) SELECT id FROM users").table == "orders");
  CHECK(target_of("DELETE FROM carts WHERE id = $1").kind == "DELETE");
  CHECK(target_of("WITH x AS (SELECT 1) SELECT * FROM x").table == "x");
  CHECK(target_of("BEGIN").kind == "TRANSACTION");
  CHECK(target_of("BEGIN").table.empty());
  CHECK(target_of("SELECT 1").table.empty());
}

TEST_CASE("text the parser rejects is UNPARSABLE, with no table") {
  CHECK(target_of("SELEC id FROM users").kind == "UNPARSABLE");
  CHECK(target_of("SELEC id FROM users").table.empty());
}
