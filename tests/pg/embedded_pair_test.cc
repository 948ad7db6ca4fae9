// The embedded default: each side its own cluster, started byte-identical from one load of the
// baseline, with the database under the capture's name, the baseline's owners and privileges,
// no superuser but the bootstrap one, and both clusters removed on every exit path.
#include "pgshadow/pg/embedded_pair.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "pg_test_support.h"

using pgshadow::ErrorKind;
using pgshadow::pg::EmbeddedPair;
using pgshadow::pg::EmbeddedPairOptions;
using pgshadow::pg::kEmbeddedBaseline;
using pgshadow::pg::kEmbeddedShadow;
using pgshadow::pg::testing::eventually;
using pgshadow::pg::testing::processes_mentioning;
using pgshadow::pg::testing::rows_of;
using pgshadow::pg::testing::ScratchDir;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr const char* kPlainBaseline = R"(CREATE TABLE accounts (id int PRIMARY KEY, owner text);
INSERT INTO accounts VALUES (1, 'ann'), (2, 'bob');
)";

EmbeddedPairOptions options_for(const ScratchDir& parent, const std::string& baseline) {
  EmbeddedPairOptions options;
  options.server.parent_dir = parent.path();
  options.baseline_file = baseline;
  options.database = "shop";
  options.captured_users = {"app"};
  return options;
}

std::unique_ptr<EmbeddedPair> prepared(const EmbeddedPairOptions& options) {
  auto pair = EmbeddedPair::prepare(options);
  if (!pair) FAIL(pair.error().message);
  return std::move(pair).value();
}

std::string login(EmbeddedPair& pair, int side, const std::string& user) {
  auto found = pair.logins().login_for(side, user);
  if (!found) FAIL(found.error().message);
  return found->conninfo;
}

}  // namespace

TEST_CASE("the two sides are two clusters, byte-identical at the start, the database under the capture's name") {
  ScratchDir parent;
  auto pair = prepared(options_for(parent, parent.file("baseline.sql", kPlainBaseline)));
  const std::string baseline = pair->conninfo(kEmbeddedBaseline);
  const std::string shadow = pair->conninfo(kEmbeddedShadow);
  CHECK(pair->server(kEmbeddedBaseline).directory() != pair->server(kEmbeddedShadow).directory());
  const std::string identical =
      "SELECT current_database(), (SELECT oid FROM pg_database WHERE datname = current_database()), "
      "(SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname !~ '^pg_'), "
      "'accounts'::regclass::oid, (SELECT system_identifier FROM pg_control_system()), "
      "(SELECT string_agg(owner, ',' ORDER BY id) FROM accounts)";
  CHECK(rows_of(baseline, identical) == rows_of(shadow, identical));
  CHECK_THAT(rows_of(baseline, identical), Catch::StartsWith("shop|"));
  // Roles are per cluster: one created on the baseline does not exist on the shadow.
  rows_of(baseline, "CREATE ROLE only_on_baseline");
  CHECK(rows_of(shadow, "SELECT count(*) FROM pg_roles WHERE rolname = 'only_on_baseline'") == "0\n");
  // Nobody but the bootstrap superuser is a superuser.
  CHECK(rows_of(shadow, "SELECT string_agg(rolname, ',') FROM pg_roles WHERE rolsuper") == "pgshadow_admin\n");
}

TEST_CASE("after the migration the OID counters are level: objects the traffic creates get the same OIDs") {
  ScratchDir parent;
  auto pair = prepared(options_for(parent, parent.file("baseline.sql", kPlainBaseline)));
  auto migrated = pair->apply_migrations(
      {{"001.sql", "CREATE TABLE audit (id int);\nCREATE INDEX ON audit (id);\nCREATE TYPE mood AS ENUM ('ok');\n"}});
  REQUIRE(migrated.ok());
  REQUIRE_FALSE(migrated->failure.has_value());
  REQUIRE(pair->finish_setup().ok());
  REQUIRE(pair->next_oid().has_value());
  const std::string create = "CREATE TABLE t1 (id int, note text); SELECT 't1'::regclass::oid, 't1'::regtype::oid";
  const std::string on_baseline = rows_of(login(*pair, kEmbeddedBaseline, "app"), create);
  CHECK(on_baseline == rows_of(login(*pair, kEmbeddedShadow, "app"), create));
  CHECK(std::stoul(on_baseline) >= *pair->next_oid());
  // The migration ran as the database owner, and its objects are usable by the captured role.
  CHECK(rows_of(pair->conninfo(kEmbeddedShadow), "SELECT tableowner FROM pg_tables WHERE tablename = 'audit'") ==
        "pgshadow_owner\n");
  CHECK(rows_of(login(*pair, kEmbeddedShadow, "app"), "SELECT count(*) FROM audit") == "0\n");
  // The pristine clones live in each side's cluster: the shadow's has the migration.
  CHECK(rows_of(pair->pristine_conninfo(kEmbeddedShadow), "SELECT to_regclass('audit') IS NOT NULL") == "t\n");
  CHECK(rows_of(pair->pristine_conninfo(kEmbeddedBaseline), "SELECT to_regclass('audit') IS NOT NULL") == "f\n");
}

TEST_CASE("a plain baseline that names no role: its objects belong to pgshadow_owner, captured roles are members") {
  ScratchDir parent;
  auto options = options_for(parent, parent.file("baseline.sql", kPlainBaseline));
  auto pair = prepared(options);
  CHECK(pair->roles().captured_roles_are_owners);
  CHECK(rows_of(pair->conninfo(kEmbeddedBaseline), "SELECT tableowner FROM pg_tables WHERE tablename = 'accounts'") ==
        "pgshadow_owner\n");
  const std::string as_app = login(*pair, kEmbeddedBaseline, "app");
  CHECK(rows_of(as_app, "SELECT session_user, current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = "
                        "current_user), count(*) FROM accounts GROUP BY 1, 2, 3") == "app|app|f|2\n");
  // A user first seen during the replay is created then, on the side asked, as a non-superuser.
  CHECK(rows_of(login(*pair, kEmbeddedShadow, "late_user"), "SELECT current_user, count(*) FROM accounts GROUP BY 1") ==
        "late_user|2\n");
  // The embedded superuser's own name, and an unknown user, run as the stand-in.
  auto admin = pair->logins().login_for(kEmbeddedBaseline, "pgshadow_admin");
  REQUIRE(admin.ok());
  CHECK_FALSE(admin->as_captured);
  CHECK(rows_of(admin->conninfo, "SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)") ==
        "pgshadow_unknown_user|f\n");
  REQUIRE(pair->roles().ran_as_unknown.size() == 1);
  CHECK(pair->roles().ran_as_unknown[0].second == "the embedded server's own superuser has this name");
}

TEST_CASE("roles from --globals keep their attributes and grants but lose SUPERUSER and server-program rights") {
  ScratchDir parent;
  // An archive with owners and grants, as pg_dump writes it, from a server that has the roles.
  auto source = prepared(options_for(parent, parent.file("empty.sql", "SELECT 1;\n")));
  const std::string admin = source->conninfo(kEmbeddedBaseline);
  rows_of(admin, "CREATE ROLE app_admin LOGIN; CREATE ROLE app_ro LOGIN; "
                 "CREATE TABLE orders (id int); ALTER TABLE orders OWNER TO app_admin; "
                 "GRANT SELECT ON orders TO app_ro; SELECT 1");
  const std::string archive = parent.path() + "/shop.dump";
  REQUIRE(std::system((source->server(kEmbeddedBaseline).bin_dir() + "/pg_dump -Fc -f " + archive + " '" + admin + "'").c_str()) == 0);
  if (geteuid() == 0) REQUIRE(chmod(archive.c_str(), 0600) == 0);  // only root can read it: pg_restore gets it on stdin
  const std::string globals = parent.file("globals.sql",
      "CREATE ROLE app_admin;\nALTER ROLE app_admin WITH SUPERUSER LOGIN;\n"
      "CREATE ROLE app_ro;\nALTER ROLE app_ro WITH NOSUPERUSER LOGIN;\n"
      "GRANT pg_execute_server_program TO app_ro;\n"
      "CREATE TABLESPACE fast OWNER app_admin LOCATION '/srv/fast';\n");
  auto options = options_for(parent, archive);
  options.globals_file = globals;
  options.captured_users = {"app_ro"};
  auto pair = prepared(options);
  const auto& roles = pair->roles();
  CHECK(roles.source == "globals");
  CHECK_FALSE(roles.captured_roles_are_owners);
  REQUIRE(roles.skipped.size() == 1);
  CHECK(roles.skipped[0] == globals + ":6: a tablespace (its LOCATION is a path on the production host)");
  REQUIRE(roles.demoted.size() == 2);
  CHECK(roles.demoted[0].name == "app_admin");
  CHECK(roles.demoted[0].removed == std::vector<std::string>{"SUPERUSER"});
  CHECK(roles.demoted[1].name == "app_ro");
  CHECK(roles.demoted[1].removed == std::vector<std::string>{"member of pg_execute_server_program"});
  const std::string shadow = pair->conninfo(kEmbeddedShadow);
  CHECK(rows_of(shadow, "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'") == "app_admin\n");
  CHECK(rows_of(shadow, "SELECT has_table_privilege('app_ro', 'orders', 'SELECT'), "
                        "has_table_privilege('app_ro', 'orders', 'INSERT')") == "t|f\n");
  // Loaded into the capture's database name, not the archive's.
  CHECK(rows_of(shadow, "SELECT current_database()") == "shop\n");
}

TEST_CASE("a baseline naming the embedded superuser is refused before it is loaded") {
  ScratchDir parent;
  auto pair = EmbeddedPair::prepare(
      options_for(parent, parent.file("baseline.sql", "CREATE TABLE t (id int);\nALTER TABLE t OWNER TO pgshadow_admin;\n")));
  REQUIRE_FALSE(pair.ok());
  CHECK(pair.error().kind == ErrorKind::kBadInput);
  CHECK(pair.error().message == parent.path() + "/baseline.sql: names role pgshadow_admin, the embedded server's own superuser");
  CHECK(parent.empty() == false);  // the baseline file itself
  CHECK(processes_mentioning(parent.path() + "/pgshadow-") == 0);
}

TEST_CASE("both clusters are removed when the process that made them is killed") {
  ScratchDir parent;
  const std::string baseline = parent.file("baseline.sql", kPlainBaseline);
  const std::string servers = parent.path() + "/servers";
  fs::create_directory(servers);
  fs::permissions(servers, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  int report[2];
  REQUIRE(pipe(report) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(report[0]);
    auto options = options_for(parent, baseline);
    options.server.parent_dir = servers;
    auto pair = EmbeddedPair::prepare(options);
    std::string message = pair.ok() ? (*pair)->server(0).directory() + "\n" + (*pair)->server(1).directory()
                                    : "error: " + pair.error().message;
    ssize_t ignored = write(report[1], message.data(), message.size());
    (void)ignored;
    close(report[1]);
    for (;;) pause();
  }
  close(report[1]);
  std::string directories;
  char buffer[4096];
  for (ssize_t n; (n = read(report[0], buffer, sizeof buffer)) > 0;) directories.append(buffer, static_cast<std::size_t>(n));
  close(report[0]);
  REQUIRE_THAT(directories, Catch::StartsWith(servers + "/pgshadow-"));
  const std::string first = directories.substr(0, directories.find('\n'));
  const std::string second = directories.substr(directories.find('\n') + 1);
  CHECK(processes_mentioning(first) >= 1);
  CHECK(processes_mentioning(second) >= 1);
  REQUIRE(kill(pid, SIGKILL) == 0);
  REQUIRE(waitpid(pid, nullptr, 0) == pid);
  CHECK(eventually([&] { return fs::is_empty(servers) && processes_mentioning(servers) == 0; }, 20s));
}

TEST_CASE("destroying the pair removes both clusters") {
  ScratchDir parent;
  std::string first;
  std::string second;
  {
    auto pair = prepared(options_for(parent, parent.file("baseline.sql", kPlainBaseline)));
    first = pair->server(0).directory();
    second = pair->server(1).directory();
    CHECK(fs::exists(first));
    CHECK(fs::exists(second));
  }
  CHECK_FALSE(fs::exists(first));
  CHECK_FALSE(fs::exists(second));
  CHECK(processes_mentioning(first) == 0);
  CHECK(processes_mentioning(second) == 0);
}
