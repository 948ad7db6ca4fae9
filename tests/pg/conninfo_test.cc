#include "pgshadow/pg/conninfo.h"

#include <cstdlib>

#include <catch2/catch.hpp>

using pgshadow::pg::database_of;
using pgshadow::pg::quote_conninfo_value;
using pgshadow::pg::redact;
using pgshadow::pg::with_database;

TEST_CASE("redact hides the password of a key=value string") {
  CHECK(redact("host=db.internal port=5432 user=app password=s3cret dbname=prod") ==
        "user=app password=******** dbname=prod host=db.internal port=5432");
}

TEST_CASE("redact hides the password of a URI with user:password@host") {
  CHECK(redact("postgresql://app:s3cret@db.internal:5433/prod?sslmode=require") ==
        "user=app password=******** dbname=prod host=db.internal port=5433 sslmode=require");
}

TEST_CASE("redact hides a password given as a URI parameter and a quoted one") {
  CHECK(redact("postgres://db/prod?password=s3cret") ==
        "password=******** dbname=prod host=db");
  CHECK(redact("host=db password='it\\'s secret'") == "password=******** host=db");
}

TEST_CASE("redact keeps a string without password and quotes values that need it") {
  CHECK(redact("host=/tmp/my dir dbname=x") == "<unparsable connection string>");
  CHECK(redact("host='/tmp/my dir' dbname=x") == "dbname=x host='/tmp/my dir'");
  CHECK(redact("") == "");
}

TEST_CASE("redact shows an unparsable string as a placeholder, never its text") {
  CHECK(redact("host=db password") == "<unparsable connection string>");
  CHECK(redact("postgresql://app:s3cret@[db/prod") == "<unparsable connection string>");
  CHECK(redact("nokey s3cret") == "<unparsable connection string>");
}

TEST_CASE("with_database replaces the database of a key=value string, keeping the rest") {
  auto changed = with_database("host=db user=app password=pw dbname=prod", "shadow");
  REQUIRE(changed.ok());
  CHECK(*changed == "user=app password=pw dbname=shadow host=db");
}

TEST_CASE("with_database replaces the database of a URI and adds one when missing") {
  auto from_uri = with_database("postgresql://app:pw@db:5433/prod?application_name=x", "shadow");
  REQUIRE(from_uri.ok());
  CHECK(*from_uri == "user=app password=pw dbname=shadow host=db port=5433 application_name=x");
  auto added = with_database("host=/tmp/sock", "my db");
  REQUIRE(added.ok());
  CHECK(*added == "host=/tmp/sock dbname='my db'");
}

TEST_CASE("with_database rejects an unparsable string without quoting it") {
  auto changed = with_database("host=db password", "shadow");
  REQUIRE_FALSE(changed.ok());
  CHECK(changed.error().kind == pgshadow::ErrorKind::kBadInput);
  CHECK(changed.error().message ==
        "cannot parse the connection string (neither a valid URI nor key=value pairs)");
}

TEST_CASE("database_of follows libpq: dbname, then PGDATABASE, then the user name") {
  CHECK(database_of("host=db dbname=prod user=app") == "prod");
  CHECK(database_of("postgresql://app@db/orders") == "orders");
  unsetenv("PGDATABASE");
  CHECK(database_of("host=db user=app") == "app");
  setenv("PGDATABASE", "fromenv", 1);
  CHECK(database_of("host=db user=app") == "fromenv");
  unsetenv("PGDATABASE");
  CHECK(database_of("host=db password") == "<unparsable connection string>");
}

TEST_CASE("quote_conninfo_value quotes only what needs quoting") {
  CHECK(quote_conninfo_value("/tmp/x") == "/tmp/x");
  CHECK(quote_conninfo_value("a b") == "'a b'");
  CHECK(quote_conninfo_value("it's") == "'it\\'s'");
  CHECK(quote_conninfo_value("back\\slash") == "'back\\\\slash'");
  CHECK(quote_conninfo_value("") == "''");
}

TEST_CASE("with_setting replaces or adds one setting and setting_of reads it back", "[conninfo]") {
  using pgshadow::pg::setting_of;
  using pgshadow::pg::with_setting;
  auto changed = with_setting("postgresql://app:pw@db/shop?options=-c%20a%3D1", "user", "app_ro");
  REQUIRE(changed.ok());
  CHECK(setting_of(*changed, "user") == "app_ro");
  CHECK(setting_of(*changed, "password") == "pw");
  CHECK(setting_of(*changed, "options") == "-c a=1");
  CHECK(setting_of("host=db", "user").empty());
  CHECK_FALSE(with_setting("not a conninfo ===", "user", "x").ok());
  CHECK_FALSE(pgshadow::pg::parses("not a conninfo ==="));
  CHECK(pgshadow::pg::parses("postgresql://h1:5432,h2:5433/shop?target_session_attrs=read-write"));
}
