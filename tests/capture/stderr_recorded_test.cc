// Reads the stderr logs a real PostgreSQL 15 wrote (tests/data/capture/stderr/record.sh), each
// beside its csvlog twin (log_destination = 'stderr,csvlog': the same messages), and checks that
// both give the same events: statements, parameters, sessions, order within each session, user,
// database, application, outcome, and the SQLSTATE wherever the stderr format carries it.
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "../../src/capture/stderr_event_source.h"
#include "capture_test_support.h"

using namespace pgshadow;
using namespace pgshadow::capture;
using namespace pgshadow::capture::testing;

namespace {

std::string stderr_path(const std::string& name) { return data_path("stderr/" + name); }

ReadAll read_stderr(const std::string& file, const StderrOptions& options = {}) {
  auto source = open_stderr_log({file}, options);
  if (!source.ok()) FAIL(source.error().message);
  return read_all(**source);
}

struct TwinRules {
  bool sqlstate_known = true;  // %e in the prefix, or log_error_verbosity=verbose
  bool exact_times = true;     // %m: the same milliseconds as csvlog
  // %i: the command tag says that an error came from Parse or Bind. Without it, a failure that
  // no statement line announced (an Execute never reached, or a simple query with a syntax
  // error) cannot be told apart, and is read as the simple protocol.
  bool command_tag_known = false;
};

// One event as the twins must agree on it; the session id itself differs by design (stderr
// without %c derives it from the pid), so sessions are compared as the sequences they hold.
std::string describe(const Event& e, const TwinRules& rules) {
  std::ostringstream out;
  const bool unannounced_failure = !e.outcome.succeeded && e.parameters.empty();
  const bool protocol_known = rules.command_tag_known || !unannounced_failure;
  out << e.user << '|' << e.database << '|' << e.application << '|'
      << (protocol_known ? to_string(e.protocol) : "?") << '|'
      << e.statement_name << '|' << e.sql << '|';
  for (const ParameterValue& p : e.parameters) out << (p ? "'" + *p + "'" : "NULL") << ',';
  out << '|' << (e.outcome.succeeded ? "ok" : "failed") << ' '
      << (rules.sqlstate_known ? e.outcome.sqlstate : "") << '|';
  if (e.duration_ms) out << *e.duration_ms;
  if (rules.exact_times) out << '|' << e.start_us;
  return out.str();
}

// Each session as the text of its events in order, sorted: equal lists mean the same
// partition into sessions, the same order inside each, and the same events.
std::vector<std::string> sessions_of(const std::vector<Event>& events, const TwinRules& rules) {
  std::map<std::string, std::string> by_session;
  for (const Event& e : events) by_session[e.session_id] += describe(e, rules) + "\n";
  std::vector<std::string> sessions;
  for (auto& [id, text] : by_session) sessions.push_back(std::move(text));
  std::sort(sessions.begin(), sessions.end());
  return sessions;
}

void check_twins(const std::string& name, const TwinRules& rules, const StderrOptions& options = {}) {
  const ReadAll from_stderr = read_stderr(stderr_path(name + ".log"), options);
  const ReadAll from_csv = read_all({stderr_path(name + ".csv")});
  CHECK(from_csv.problem_total == 0);
  CHECK(from_stderr.problem_total == 0);
  for (const InputProblem& p : from_stderr.problems) INFO(p.where.to_string() << ": " << p.reason << ": " << p.detail);
  check_accounting_invariant(from_stderr);
  REQUIRE(from_stderr.events.size() == from_csv.events.size());
  const auto stderr_sessions = sessions_of(from_stderr.events, rules);
  const auto csv_sessions = sessions_of(from_csv.events, rules);
  REQUIRE(stderr_sessions.size() == csv_sessions.size());
  for (std::size_t i = 0; i < csv_sessions.size(); ++i) {
    INFO("session " << i);
    CHECK(stderr_sessions[i] == csv_sessions[i]);
  }
  // Non-statement lines are the same kinds as csvlog's records, counted in lines.
  std::map<std::string, std::uint64_t> csv_kinds = from_csv.accounting.not_statement_by_kind;
  for (auto& [kind, count] : from_stderr.accounting.not_statement_by_kind) {
    INFO("kind " << kind);
    CHECK(csv_kinds.count(kind) == 1);
  }
}

struct LineCounts {
  std::uint64_t lines_read, lines_in_events, lines_not_statements, events;
  std::map<std::string, std::uint64_t> by_kind;
};

// Exact accounting, in physical lines (a message with its DETAIL/STATEMENT/LOCATION and
// continuation lines counts all of them where its first line went).
void check_counts(const ReadAll& all, const LineCounts& expected) {
  CHECK(all.accounting.lines_read == expected.lines_read);
  CHECK(all.accounting.lines_in_events == expected.lines_in_events);
  CHECK(all.accounting.lines_not_statements == expected.lines_not_statements);
  CHECK(all.events.size() == expected.events);
  CHECK(all.accounting.not_statement_by_kind == expected.by_kind);
  CHECK(all.problem_total == 0);
}

std::uint64_t lines_in(const std::string& file) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::uint64_t n = 0;
  for (int c; (c = std::fgetc(f)) != EOF;) n += c == '\n';
  std::fclose(f);
  return n;
}

}  // namespace

TEST_CASE("stderr with the default prefix agrees with its csvlog twin: sessions from connection lines",
          "[stderr][recorded]") {
  check_twins("default", {.sqlstate_known = false, .exact_times = true});
  const ReadAll all = read_stderr(stderr_path("default.log"));
  CHECK(all.description == "stderr: " + stderr_path("default.log") + " (guessed log_line_prefix '%m [%p] ')");
  CHECK(all.accounting.lines_read == lines_in(stderr_path("default.log")));
  check_counts(all, {217, 167, 50, 107,
                     {{"checkpoint", 2}, {"connection", 26}, {"disconnection", 13}, {"server_lifecycle", 9}}});
  // The failure is recorded, its SQLSTATE unknown: the default verbosity does not print it.
  REQUIRE(all.events.size() > 3);
  CHECK(all.events[2].sql == "SELECT nosuchcolumn FROM capture_t;");
  CHECK_FALSE(all.events[2].outcome.succeeded);
  CHECK(all.events[2].outcome.sqlstate.empty());
  // The multi-line statement: the server's tab after each newline removed, the user's tab kept.
  CHECK(all.events[1].sql == "SELECT id,\n\tv\n  FROM capture_t\n WHERE v LIKE 'it''s%';");
  CHECK(all.events[1].session_id == all.events[0].session_id);
  CHECK(all.events[0].session_id.starts_with("pid-"));
  CHECK(all.events[0].user == "postgres");
  CHECK(all.events[0].database == "shop");
  CHECK(all.events[0].application == "psql");
}

TEST_CASE("stderr with %c %u %d %a %e %i, verbose errors, log_min_error_statement=log agrees with csvlog",
          "[stderr][recorded]") {
  const StderrOptions options{.log_line_prefix = std::nullopt, .settings_file = stderr_path("session.show.txt")};
  check_twins("session", {.sqlstate_known = true, .exact_times = true, .command_tag_known = true},
              options);
  const ReadAll all = read_stderr(stderr_path("session.log"), options);
  CHECK(all.accounting.lines_read == lines_in(stderr_path("session.log")));
  check_counts(all, {854, 478, 376, 107,
                     {{"bind", 171}, {"checkpoint", 4}, {"connection", 56}, {"disconnection", 28},
                      {"error_without_statement", 3}, {"parse", 96}, {"server_lifecycle", 18}}});
  CHECK(all.events[0].session_id == "6b042abf.1e9f");  // %c, the server's own id
  CHECK(all.events[2].outcome.sqlstate == "42703");
}

TEST_CASE("stderr in pgbadger's prefix with log_min_duration_statement alone agrees with csvlog",
          "[stderr][recorded]") {
  check_twins("pgbadger", {.sqlstate_known = false, .exact_times = false});
  const ReadAll all = read_stderr(stderr_path("pgbadger.log"));
  CHECK(all.description == "stderr: " + stderr_path("pgbadger.log") +
                               " (guessed log_line_prefix '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ')");
  CHECK(all.accounting.lines_read == lines_in(stderr_path("pgbadger.log")));
  check_counts(all, {369, 162, 207, 107,
                     {{"bind", 109}, {"checkpoint", 2}, {"connection", 26}, {"disconnection", 13},
                      {"parse", 48}, {"server_lifecycle", 9}}});
}

TEST_CASE("stderr with the default prefix and verbose errors takes the SQLSTATE from the message",
          "[stderr][recorded]") {
  check_twins("default_verbose", {.sqlstate_known = true, .exact_times = true});
  const ReadAll all = read_stderr(stderr_path("default_verbose.log"));
  CHECK(all.events[2].outcome.sqlstate == "42703");
  CHECK(all.accounting.lines_read == lines_in(stderr_path("default_verbose.log")));
  // log_min_error_statement=log hides the statement of an ERROR (LOG ranks above ERROR there):
  // the Bind failure, never announced, leaves no statement to replay, in csvlog as here.
  check_counts(all, {373, 270, 103, 106,
                     {{"checkpoint", 4}, {"connection", 52}, {"disconnection", 26},
                      {"error_without_statement", 3}, {"server_lifecycle", 18}}});
}
