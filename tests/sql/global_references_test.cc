// The roles and tablespaces a dump names, read from PostgreSQL's parse tree.
#include <catch2/catch.hpp>

#include "pgshadow/sql/global_references.h"

using pgshadow::sql::collect_global_references;
using pgshadow::sql::GlobalReferences;

namespace {

GlobalReferences of(std::initializer_list<std::string_view> statements) {
  GlobalReferences references;
  for (auto statement : statements) collect_global_references(statement, references);
  return references;
}

}  // namespace

TEST_CASE("owners, grantees, granted roles and policy roles are named, pseudo-roles are not") {
  const auto references = of({
      "ALTER TABLE public.t OWNER TO app_admin",
      "GRANT SELECT ON TABLE public.t TO app_ro, PUBLIC",
      "REVOKE ALL ON SCHEMA s FROM \"Mixed Case\"",
      "GRANT reporting TO analyst",
      "CREATE SCHEMA s AUTHORIZATION schema_owner",
      "ALTER DEFAULT PRIVILEGES FOR ROLE app_admin GRANT SELECT ON TABLES TO app_ro",
      "CREATE POLICY p ON t TO tenant USING (true)",
      "SET SESSION AUTHORIZATION loader",
      "SET ROLE migrator",
      "GRANT SELECT ON t TO CURRENT_USER",
  });
  CHECK(references.roles == std::set<std::string>{"Mixed Case", "analyst", "app_admin", "app_ro", "loader",
                                                  "migrator", "reporting", "schema_owner", "tenant"});
  CHECK(references.created_roles.empty());
  CHECK_FALSE(references.tablespace);
}

TEST_CASE("roles the statements create are told apart") {
  const auto references = of({"CREATE ROLE app LOGIN", "CREATE USER bob", "ALTER ROLE app SET work_mem = '8MB'"});
  CHECK(references.created_roles == std::set<std::string>{"app", "bob"});
  CHECK(references.roles == std::set<std::string>{"app", "bob"});
}

TEST_CASE("tablespaces are noticed, the default one is not") {
  CHECK(of({"CREATE TABLESPACE ts OWNER app LOCATION '/srv/ts'"}).tablespace);
  CHECK(of({"GRANT CREATE ON TABLESPACE ts TO app"}).tablespace);
  CHECK(of({"CREATE TABLE t (id int) TABLESPACE ts"}).tablespace);
  CHECK(of({"SET default_tablespace = ts"}).tablespace);
  CHECK_FALSE(of({"SET default_tablespace = ''"}).tablespace);
  CHECK_FALSE(of({"CREATE TABLE t (id int)"}).tablespace);
}

TEST_CASE("SQL the parser rejects names nothing") { CHECK(of({"GRANT SELECT ON TO x"}).roles.empty()); }
