#include "pgshadow/pg/table_scaling.h"

#include <catch2/catch.hpp>

#include "pg_test_support.h"
#include "pgshadow/pg/database_setup.h"
#include "pgshadow/pg/embedded_server.h"

using pgshadow::ErrorKind;
using pgshadow::pg::clone_database;
using pgshadow::pg::EmbeddedServer;
using pgshadow::pg::load_baseline;
using pgshadow::pg::scale_tables;
using pgshadow::pg::ScaledTable;
using pgshadow::pg::TableScale;
using pgshadow::pg::testing::rows_of;
using pgshadow::pg::testing::ScratchDir;

namespace {

// Every kind of key the copies must move, foreign keys they must keep, and a trigger that must
// not fire.
constexpr const char* kScalingBaselineSql = R"(
CREATE TABLE audit (what text);
CREATE FUNCTION audited() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO audit VALUES (TG_TABLE_NAME); RETURN NEW; END $$;
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  handle varchar(40),
  uid uuid UNIQUE,
  joined date,
  seen timestamptz,
  total numeric(10, 2),
  email_upper text GENERATED ALWAYS AS (upper(email)) STORED
);
CREATE UNIQUE INDEX users_handle_lower ON users (lower(handle));
CREATE UNIQUE INDEX users_joined_seen ON users (joined, seen);
INSERT INTO users (email, handle, uid, joined, seen, total)
SELECT 'u' || g || '@example.com', 'Handle' || g, md5(g::text)::uuid, date '2026-03-01' + g,
       timestamptz '2026-03-29 00:30:00+00' + g * interval '1 hour', g * 1.5
FROM generate_series(1, 5) AS g;
CREATE TABLE orders (
  id int PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  line int NOT NULL,
  note text,
  UNIQUE (user_id, line)
);
CREATE TRIGGER orders_audited AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION audited();
INSERT INTO orders SELECT g, 1 + g % 5, g, 'n' || g FROM generate_series(1, 4) AS g;
TRUNCATE audit;
CREATE TABLE groups (id int PRIMARY KEY);
INSERT INTO groups VALUES (1), (2);
CREATE TABLE memberships (user_id bigint REFERENCES users, group_id int REFERENCES groups,
                          PRIMARY KEY (user_id, group_id));
INSERT INTO memberships VALUES (1, 1), (2, 2);
CREATE TABLE notes (body text);
INSERT INTO notes VALUES ('a'), ('b'), (NULL);
CREATE TABLE bookings (during tstzrange, EXCLUDE USING gist (during WITH &&));
INSERT INTO bookings VALUES (tstzrange('2026-01-01', '2026-01-02'));
CREATE TABLE small_keys (id smallint PRIMARY KEY);
INSERT INTO small_keys SELECT generate_series(1, 10000);
CREATE TABLE flags (id int PRIMARY KEY, bits bit(8) UNIQUE);
INSERT INTO flags VALUES (1, B'00000001');
CREATE TABLE empty (id int PRIMARY KEY);
CREATE VIEW user_emails AS SELECT email FROM users;
)";

EmbeddedServer& scaling_server() {
  static std::unique_ptr<EmbeddedServer> instance = [] {
    auto started = EmbeddedServer::start({});
    if (!started) FAIL("cannot start the test server: " << started.error().message);
    return std::move(started).value();
  }();
  return *instance;
}

// A fresh copy of the baseline for each test.
std::string fresh(const std::string& name) {
  static bool loaded = [] {
    static ScratchDir files;
    REQUIRE(clone_database(scaling_server().conninfo("postgres"), "scaling_fixture", "template0").ok());
    auto status = load_baseline(scaling_server().bin_dir(), scaling_server().conninfo("scaling_fixture"),
                                files.file("baseline.sql", kScalingBaselineSql));
    if (!status.ok()) FAIL(status.error().message);
    return true;
  }();
  (void)loaded;
  REQUIRE(clone_database(scaling_server().conninfo("postgres"), name, "scaling_fixture").ok());
  return scaling_server().conninfo(name);
}

std::string scale_error(const std::string& database, const TableScale& target) {
  auto scaled = scale_tables(fresh(database), {target});
  REQUIRE_FALSE(scaled.ok());
  CHECK(scaled.error().kind == ErrorKind::kBadInput);
  return scaled.error().message;
}

}  // namespace

TEST_CASE("scale-table: grows tables to the exact row count, every unique key moved out of the originals") {
  const std::string db = fresh("scaled");
  std::vector<std::pair<std::string, std::uint64_t>> progress;
  auto scaled = scale_tables(db, {{"users", 23}, {"public.orders", 11}, {"notes", 10}},
                             [&](const std::string& table, std::uint64_t rows, std::uint64_t) {
                               progress.emplace_back(table, rows);
                             });
  REQUIRE(scaled.ok());
  REQUIRE(scaled->size() == 3);
  const ScaledTable& users = (*scaled)[0];
  CHECK(users.table == "users");
  CHECK(users.rows_before == 5);
  CHECK(users.rows_after == 23);
  // The primary key first, then one column of each other unique key (the expression key's column,
  // the first column of the date and timestamp key).
  CHECK(users.moved_columns == std::vector<std::string>{"id", "email", "handle", "joined", "uid"});
  CHECK((*scaled)[1].table == "orders");
  CHECK((*scaled)[1].rows_after == 11);
  // user_id is a foreign key: the copies keep it and move line instead.
  CHECK((*scaled)[1].moved_columns == std::vector<std::string>{"id", "line"});
  CHECK((*scaled)[2].rows_after == 10);
  CHECK((*scaled)[2].moved_columns.empty());
  CHECK(progress.back() == std::pair<std::string, std::uint64_t>{"notes", 10});

  CHECK(rows_of(db, "SELECT count(*), count(DISTINCT email), count(DISTINCT uid), count(DISTINCT lower(handle)), "
                    "count(DISTINCT (joined, seen)) FROM users") == "23|23|23|23|23\n");
  // The originals keep their keys; the copies sit below them, where the identity never reaches.
  CHECK(rows_of(db, "SELECT count(*) FILTER (WHERE id > 0), max(id) FILTER (WHERE id <= 0) FROM users") == "5|0\n");
  // Copy k of a row: its text key suffixed with #k. The last, partial copy (4) took the first
  // three rows in key order.
  CHECK(rows_of(db, "SELECT email, id FROM users WHERE email LIKE '%#4' ORDER BY email") ==
        "u1@example.com#4|-19\nu2@example.com#4|-18\nu3@example.com#4|-17\n");
  // Generated columns are computed again; the other columns are the original's.
  CHECK(rows_of(db, "SELECT count(*) FROM users WHERE email_upper <> upper(email)") == "0\n");
  CHECK(rows_of(db, "SELECT total, count(*) FROM users GROUP BY total ORDER BY total") ==
        "1.50|5\n3.00|5\n4.50|5\n6.00|4\n7.50|4\n");
  // Foreign keys still hold, and the trigger did not fire for the copies.
  CHECK(rows_of(db, "SELECT count(*) FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE u.id IS NULL") == "0\n");
  CHECK(rows_of(db, "SELECT count(*) FROM audit") == "0\n");
  CHECK(rows_of(db, "SELECT count(*), count(DISTINCT (user_id, line)) FROM orders") == "11|11\n");
  // The copies were analyzed: the planner knows the new size.
  CHECK(rows_of(db, "SELECT reltuples FROM pg_class WHERE relname = 'users'") == "23\n");
}

TEST_CASE("scale-table: gives the same rows on every run") {
  const char* contents = "SELECT * FROM users ORDER BY id";
  const std::string first = fresh("scaled_once");
  const std::string second = fresh("scaled_again");
  REQUIRE(scale_tables(first, {{"users", 40}}).ok());
  REQUIRE(scale_tables(second, {{"users", 40}}).ok());
  CHECK(rows_of(first, contents) == rows_of(second, contents));
  CHECK(rows_of(first, "SELECT count(*) FROM users") == "40\n");
}

TEST_CASE("scale-table: leaves a table that already holds the rows asked for") {
  auto scaled = scale_tables(fresh("scaled_enough"), {{"users", 3}});
  REQUIRE(scaled.ok());
  CHECK((*scaled)[0].rows_before == 5);
  CHECK((*scaled)[0].rows_after == 5);
}

TEST_CASE("scale-table: names the table and the key it cannot copy") {
  CHECK(scale_error("no_table", {"nosuch", 10}) == "--scale-table nosuch=10: the baseline has no table nosuch");
  CHECK(scale_error("a_view", {"user_emails", 10}) ==
        "--scale-table user_emails=10: user_emails is not a table (pg_class.relkind 'v')");
  CHECK(scale_error("empty_table", {"empty", 10}) ==
        "--scale-table empty=10: empty is empty after the baseline: there is no row to copy");
  CHECK(scale_error("foreign_key", {"memberships", 10}) ==
        "--scale-table memberships=10: every column of the unique key memberships_pkey is a foreign key's: its "
        "copies would need new rows in the tables it references");
  CHECK(scale_error("exclusion", {"bookings", 10}) ==
        "--scale-table bookings=10: bookings has the exclusion constraint bookings_during_excl, which copies of "
        "its rows would violate");
  CHECK(scale_error("bit_key", {"flags", 10}) ==
        "--scale-table flags=10: the unique key flags_bits_key has the column bits of type bit(8), which copies "
        "cannot be given new values in (integers, numerics, text, uuid, dates and timestamps can)");
  CHECK(scale_error("overflow", {"small_keys", 100000}) ==
        "--scale-table small_keys=100000: copies of small_keys would need values of id below smallint's range "
        "(9 copies of a range 10000 wide)");
}

TEST_CASE("scale-table: needs a superuser, and says so") {
  const std::string db = fresh("scaled_by_user");
  {
    pqxx::connection admin(db);
    pqxx::nontransaction work(admin);
    work.exec("CREATE ROLE scaler LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA public TO scaler");
  }
  auto scaled = scale_tables(db + " user=scaler", {{"notes", 10}});
  REQUIRE_FALSE(scaled.ok());
  CHECK(scaled.error().kind == ErrorKind::kBadInput);
  CHECK(scaled.error().message.rfind("--scale-table needs a superuser connection (its copies are inserted with "
                                     "session_replication_role = replica, so that no trigger fires): ",
                                     0) == 0);
  CHECK(rows_of(db, "SELECT count(*) FROM notes") == "3\n");
}
