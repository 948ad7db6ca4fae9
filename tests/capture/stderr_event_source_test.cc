// The stderr reader on small logs written by the test: logical messages, sessions without %c,
// bad input (no prefix, a cut last line, invalid UTF-8, huge statements), the prefix guess and
// its error. Every physical line is accounted for in each case.
#include <catch2/catch.hpp>

#include "../../src/capture/stderr_event_source.h"
#include "../../src/capture/timestamp.h"
#include "capture_test_support.h"

using namespace pgshadow;
using namespace pgshadow::capture;
using namespace pgshadow::capture::testing;

namespace {

constexpr const char* kDefault = "%m [%p] ";

ReadAll read_stderr_log(const std::string& file, std::optional<std::string> prefix = kDefault) {
  auto source = open_stderr_log({file}, StderrOptions{.log_line_prefix = std::move(prefix), .settings_file = {}});
  if (!source.ok()) FAIL(source.error().message);
  ReadAll all = read_all(**source);
  check_accounting_invariant(all);
  return all;
}

std::string at(const std::string& time, int pid, const std::string& rest) {
  return "2026-11-23 10:00:" + time + " UTC [" + std::to_string(pid) + "] " + rest + "\n";
}

std::string connect(int pid, const std::string& user, const std::string& db) {
  return at("00.000", pid, "LOG:  connection received: host=[local]") +
         at("00.001", pid, "LOG:  connection authorized: user=" + user + " database=" + db +
                               " application_name=app one");
}

}  // namespace

TEST_CASE("a STATEMENT line completes the error of its statement and is not a second statement",
          "[stderr]") {
  TempDir dir;
  const std::string file = dir.write(
      "a.log", connect(7, "alice", "shop") +
                   at("01.000", 7, "LOG:  statement: SELECT 1/0;") +
                   at("01.001", 7, "ERROR:  division by zero") +
                   at("01.001", 7, "STATEMENT:  SELECT 1/0;") +
                   at("02.000", 7, "LOG:  execute <unnamed>: SELECT $1::text") +
                   at("02.000", 7, "DETAIL:  parameters: $1 = 'it''s\n\ttwo lines'"));
  const ReadAll all = read_stderr_log(file);
  REQUIRE(all.events.size() == 2);
  CHECK(all.events[0].sql == "SELECT 1/0;");
  CHECK_FALSE(all.events[0].outcome.succeeded);
  CHECK(all.events[0].outcome.sqlstate.empty());  // the default verbosity does not print it
  CHECK(all.events[0].user == "alice");
  CHECK(all.events[0].database == "shop");
  CHECK(all.events[0].application == "app one");
  CHECK(all.events[1].parameters == std::vector<ParameterValue>{"it's\ntwo lines"});
  CHECK(all.accounting.lines_read == 8);
  CHECK(all.accounting.lines_in_events == 6);
  CHECK(all.accounting.lines_not_statements == 2);
}

TEST_CASE("without %c a reused pid is a new session at its connection lines", "[stderr]") {
  TempDir dir;
  const std::string file = dir.write(
      "a.log", connect(7, "alice", "shop") +
                   at("01.000", 8, "LOG:  statement: SELECT 'no connection line'") +
                   at("01.000", 7, "LOG:  statement: SELECT 'alice'") +
                   at("01.100", 7, "LOG:  disconnection: session time: 0:00:00.100 user=alice database=shop host=[local]") +
                   connect(7, "bob", "crm") + at("02.000", 7, "LOG:  statement: SELECT 'bob'") +
                   at("03.000", 7, "LOG:  connection authorized: user=carol database=crm") +
                   at("03.000", 7, "LOG:  statement: SELECT 'carol'"));
  const ReadAll all = read_stderr_log(file);
  REQUIRE(all.events.size() == 4);
  CHECK(all.events[0].session_id == "pid-8-2");
  CHECK(all.events[1].session_id == "pid-7-1");
  CHECK(all.events[2].session_id == "pid-7-3");
  CHECK(all.events[3].session_id == "pid-7-4");  // "connection authorized" alone also starts one
  CHECK(all.events[2].user == "bob");
  CHECK(all.events[2].database == "crm");
  CHECK(all.events[3].user == "carol");
  CHECK(all.events[3].application.empty());
  CHECK(all.events[0].user.empty());  // its connection was not in the log
}

TEST_CASE("interleaved sessions keep their own order and their lines", "[stderr]") {
  TempDir dir;
  std::string log;
  for (int i = 0; i < 50; ++i) {
    log += at("01.000", 10 + i % 3, "LOG:  statement: SELECT " + std::to_string(i) + ",\n\t" + std::to_string(i));
  }
  const ReadAll all = read_stderr_log(dir.write("a.log", log));
  REQUIRE(all.events.size() == 50);
  for (int i = 0; i < 50; ++i) {
    CHECK(all.events[i].sql == "SELECT " + std::to_string(i) + ",\n" + std::to_string(i));
    CHECK(all.events[i].session_id == "pid-" + std::to_string(10 + i % 3) + "-" + std::to_string(1 + i % 3));
  }
  CHECK(all.accounting.lines_in_events == 100);
}

TEST_CASE("a cut last line makes its message a problem: what came before is kept", "[stderr]") {
  TempDir dir;
  const std::string content = at("01.000", 7, "LOG:  statement: SELECT 1") +
                              at("02.000", 7, "LOG:  statement: SELECT id,") + "\t  FROM capture_t WH";
  const std::string file = dir.write("cut.log", content);
  const ReadAll all = read_stderr_log(file);
  REQUIRE(all.events.size() == 1);
  CHECK(all.events[0].sql == "SELECT 1");
  REQUIRE(all.problem_total == 2);
  CHECK(all.problems[0].where.to_string() == file + ":2");
  CHECK(all.problems[0].reason == "truncated last line");
  CHECK(all.problems[0].detail ==
        "the message of lines 2-3 cannot be used: the file ends without a newline inside it, so it may be cut");
  CHECK(all.problems[1].where.to_string() == file + ":3");
  CHECK(all.problems[1].reason == "line of an unusable message");
  CHECK(all.accounting.lines_read == 3);
}

TEST_CASE("lines without the prefix and stray continuation lines are reported with file:line",
          "[stderr]") {
  TempDir dir;
  const std::string file = dir.write(
      "a.log", "\tstray continuation\n" + at("01.000", 7, "LOG:  statement: SELECT 1") +
                   "could not open shared library: not a server line\n" +
                   at("01.000", 7, "LOG:  statement: SELECT 2"));
  const ReadAll all = read_stderr_log(file);
  CHECK(all.events.size() == 2);
  REQUIRE(all.problem_total == 2);
  CHECK(all.problems[0].where.to_string() == file + ":1");
  CHECK(all.problems[0].reason == "continuation line without a message");
  CHECK(all.problems[1].where.to_string() == file + ":3");
  CHECK(all.problems[1].reason == "line without log_line_prefix");
  CHECK(all.problems[1].detail ==
        "does not start with log_line_prefix '%m [%p] ' and a severity: 'could not open shared library: not a "
        "server line'");
}

TEST_CASE("invalid UTF-8 is carried through as bytes", "[stderr]") {
  TempDir dir;
  const std::string sql = "SELECT '\xff\xfe\xc3'";
  const ReadAll all = read_stderr_log(dir.write("a.log", at("01.000", 7, "LOG:  statement: " + sql)));
  REQUIRE(all.events.size() == 1);
  CHECK(all.events[0].sql == sql);
}

TEST_CASE("a statement of megabytes, on one line or many, is one event", "[stderr]") {
  TempDir dir;
  const std::string one_line = "SELECT '" + std::string(3 << 20, 'x') + "'";
  std::string many_lines_logged = "SELECT 1";
  std::string many_lines = "SELECT 1";
  for (int i = 0; i < 100'000; ++i) {
    many_lines_logged += "\n\t, " + std::to_string(i);
    many_lines += "\n, " + std::to_string(i);
  }
  const ReadAll all = read_stderr_log(dir.write("a.log", at("01.000", 7, "LOG:  statement: " + one_line) +
                                                      at("02.000", 7, "LOG:  statement: " + many_lines_logged)));
  REQUIRE(all.events.size() == 2);
  CHECK(all.events[0].sql == one_line);
  CHECK(all.events[1].sql == many_lines);
  CHECK(all.accounting.lines_in_events == 100'002);
}

TEST_CASE("%c is the session, %e the SQLSTATE, %n the time", "[stderr]") {
  TempDir dir;
  const std::string file = dir.write(
      "a.log", "1795435196.250 6b04.1e 42703 LOG:  statement: SELECT nosuch\n"
               "1795435196.251 6b04.1e 42703 ERROR:  column \"nosuch\" does not exist\n");
  const ReadAll all = read_stderr_log(file, "%n %c %e ");
  REQUIRE(all.events.size() == 1);
  CHECK(all.events[0].session_id == "6b04.1e");
  CHECK(all.events[0].outcome.sqlstate == "42703");
  CHECK(all.events[0].start_us == 1795435196'250'000);
}

TEST_CASE("log_error_verbosity=verbose: the SQLSTATE comes from the message", "[stderr]") {
  TempDir dir;
  const std::string file = dir.write(
      "a.log", at("01.000", 7, "LOG:  00000: statement: SELECT 1/0") +
                   at("01.000", 7, "LOCATION:  exec_simple_query, postgres.c:1019") +
                   at("01.001", 7, "ERROR:  22012: division by zero") +
                   at("01.001", 7, "LOCATION:  int4div, int.c:869") +
                   at("01.001", 7, "STATEMENT:  SELECT 1/0"));
  const ReadAll all = read_stderr_log(file);
  REQUIRE(all.events.size() == 1);
  CHECK(all.events[0].sql == "SELECT 1/0");
  CHECK(all.events[0].outcome.sqlstate == "22012");
  CHECK(all.accounting.lines_in_events == 5);
}

TEST_CASE("the prefix is guessed from the first lines and named in the description", "[stderr]") {
  TempDir dir;
  const std::string file = dir.write(
      "a.log", "2026-11-23 10:00:00 UTC [7]: [1-1] user=app,db=shop,app=psql,client=[local] LOG:  statement: SELECT 1\n");
  auto source = open_stderr_log({file}, StderrOptions{});
  REQUIRE(source.ok());
  CHECK((*source)->description() ==
        "stderr: " + file + " (guessed log_line_prefix '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ')");
  const ReadAll all = read_all(**source);
  REQUIRE(all.events.size() == 1);
  CHECK(all.events[0].user == "app");
  CHECK(all.events[0].start_us == *parse_log_time("2026-11-23 10:00:00 UTC"));
}

TEST_CASE("no known prefix: an error that says so and shows the first line's form, not its text", "[stderr]") {
  TempDir dir;
  const std::string file = dir.write("a.log", "<134>Nov 23 10:00:00 db postgres[7]: LOG:  statement: SELECT 1\n");
  auto source = open_stderr_log({file}, StderrOptions{});
  REQUIRE_FALSE(source.ok());
  CHECK(source.error().kind == ErrorKind::kBadInput);
  CHECK(source.error().message ==
        file + ":1: no known log_line_prefix matches this log; give --log-line-prefix. First line "
               "(letters as a, digits as 9) <999>aaa 99 99:99:99 aa aaaaaaaa[9]: aaa:  aaaaaaaaa: aaaaaa 9");
}

TEST_CASE("a settings file gives the prefix", "[stderr]") {
  TempDir dir;
  const std::string conf = dir.write("postgresql.conf", "log_line_prefix = '%m <%p> '\n");
  const std::string file = dir.write("a.log", at("01.000", 7, "LOG:  statement: SELECT 1").replace(28, 3, "<7>"));
  auto source = open_stderr_log({file}, StderrOptions{.log_line_prefix = std::nullopt, .settings_file = conf});
  REQUIRE(source.ok());
  CHECK((*source)->description() == "stderr: " + file + " (log_line_prefix '%m <%p> ' from " + conf + ")");
  CHECK(read_all(**source).events.size() == 1);
}

TEST_CASE("a sample of background processes only cannot settle the part after %q: exit 2 listing the prefixes",
          "[stderr]") {
  TempDir dir;
  std::string log;
  for (int i = 0; i < 50; ++i) {
    log += "2026-11-23 10:00:0" + std::to_string(i % 10) + ".000 UTC [42] LOG:  checkpoint starting: time\n";
  }
  const std::string file = dir.write("checkpoints.log", log);
  auto source = open_stderr_log({file}, StderrOptions{});
  REQUIRE_FALSE(source.ok());
  CHECK_THAT(source.error().message,
             Catch::StartsWith(file + ": cannot tell the log_line_prefix from the first 50 lines: "));
  CHECK_THAT(source.error().message, Catch::Contains("'%m [%p] %q%u@%d '"));
  CHECK_THAT(source.error().message,
             Catch::EndsWith("; give the server's with --log-line-prefix, or --log-settings postgresql.conf"));
}

TEST_CASE("the prefix is derived from the lines when no common one fits", "[stderr]") {
  TempDir dir;
  const std::string file = dir.write(
      "odd.log",
      "2026-11-23 10:00:00.000 UTC <7> LOG:  database system is ready to accept connections\n"
      "2026-11-23 10:00:01.000 UTC <8> {alice/shop} LOG:  connection authorized: user=alice database=shop\n"
      "2026-11-23 10:00:02.000 UTC <8> {alice/shop} LOG:  statement: SELECT 1\n");
  auto source = open_stderr_log({file}, StderrOptions{});
  REQUIRE(source.ok());
  CHECK((*source)->description() == "stderr: " + file + " (guessed log_line_prefix '%m <%p> %q{%u/%d} ')");
}
