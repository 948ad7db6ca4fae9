// Logs written by real PostgreSQL 15 servers configured as servers in the wild are
// (tests/data/capture/wild/record): every variant of a run — stderr with its prefix given and
// guessed, CRLF, space-indented, bzip2, xz, syslog, logrotate's layout, the csvlog under other
// names — gives exactly the statement, session and error counts of a direct count of the same
// run's jsonlog, the server's own structured log.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "capture_test_support.h"
#include "pgshadow/capture/capture_quality.h"
#include "pgshadow/capture/event_source.h"

using namespace pgshadow;
using namespace pgshadow::capture;
using namespace pgshadow::capture::testing;

namespace {

std::string wild(const std::string& name) { return data_path("wild/" + name); }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct WildCounts {
  std::size_t statements = 0;
  std::size_t sessions = 0;
  std::size_t errors = 0;
  bool operator==(const WildCounts&) const = default;
};

std::ostream& operator<<(std::ostream& out, const WildCounts& c) {
  return out << c.statements << " statements, " << c.sessions << " sessions, " << c.errors << " errors";
}

// The direct count, from the jsonlog's records alone: a statement is a LOG record of a statement
// or an execute ("duration: ... " before it or not), or an ERROR whose statement was not the one
// its session logged last (it failed before it could be logged, or was never logged); an error
// is an ERROR record with a statement.
WildCounts direct_count(const std::string& jsonlog) {
  WildCounts counts;
  std::set<std::string> sessions;
  std::map<std::string, std::pair<std::string, bool>> last_logged;  // session -> (sql, failed)
  std::istringstream lines(read_text(jsonlog));
  for (std::string line; std::getline(lines, line);) {
    const auto record = nlohmann::json::parse(line);
    const std::string severity = record.value("error_severity", "");
    const std::string session = record.value("session_id", "");
    std::string message = record.value("message", "");
    if (severity == "LOG") {
      if (message.starts_with("duration: ")) {
        const auto statement = message.find(" ms  ");
        if (statement == std::string::npos) continue;  // a bare duration
        message = message.substr(statement + 5);
      }
      const bool statement = message.starts_with("statement: ");
      const bool execute = message.starts_with("execute ") && !message.starts_with("execute fetch from ");
      if (!statement && !execute) continue;
      ++counts.statements;
      sessions.insert(session);
      last_logged[session] = {message.substr(message.find(": ") + 2), false};
    } else if (severity == "ERROR" && record.contains("statement")) {
      ++counts.errors;
      const std::string sql = record["statement"];
      auto& [logged_sql, failed] = last_logged[session];
      if (logged_sql == sql && !failed) {
        failed = true;
        continue;
      }
      ++counts.statements;
      sessions.insert(session);
      logged_sql = sql;
      failed = true;
    }
  }
  counts.sessions = sessions.size();
  return counts;
}

ReadAll read_with(const std::vector<std::string>& paths, const CaptureReadOptions& options) {
  auto source = open_capture(paths, options);
  if (!source.ok()) FAIL(source.error().message);
  return read_all(**source);
}

WildCounts counts_of(const ReadAll& all) {
  WildCounts counts;
  std::set<std::string> sessions;
  for (const Event& event : all.events) {
    ++counts.statements;
    sessions.insert(event.session_id);
    if (!event.outcome.succeeded) ++counts.errors;
  }
  counts.sessions = sessions.size();
  return counts;
}

// A variant must give the direct count, lose no line, and keep the accounting invariant.
void check_variant(const std::string& run, const std::vector<std::string>& paths, CaptureReadOptions options = {}) {
  INFO(run << ": " << paths.front() << (options.log_line_prefix ? " (prefix given)" : " (prefix guessed)"));
  const ReadAll all = read_with(paths, options);
  CHECK(counts_of(all) == direct_count(wild(run + "/postgresql.json")));
  CHECK(all.problem_total == 0);
  for (const InputProblem& problem : all.problems) INFO(problem.where.to_string() << ": " << problem.reason);
  check_accounting_invariant(all);
}

// Every stderr-like variant, read with the run's prefix given and guessed.
void check_given_and_guessed(const std::string& run, const std::vector<std::string>& paths,
                             CaptureReadOptions options = {}) {
  check_variant(run, paths, options);
  options.log_line_prefix = read_text(wild(run + "/prefix.txt"));
  check_variant(run, paths, options);
}

}  // namespace

TEST_CASE("Berlin (CET) in every form: stderr, CRLF, space-indented, bzip2, xz, csvlog as .log and without extension",
          "[wild]") {
  for (const char* name : {"postgresql.log", "crlf.log", "spaces.log", "postgresql.log.bz2", "postgresql.log.xz"}) {
    check_given_and_guessed("berlin", {wild(std::string("berlin/") + name)});
  }
  for (const char* name : {"postgresql.csv", "csv-named.log", "postgresql", "postgresql.json"}) {
    check_variant("berlin", {wild(std::string("berlin/") + name)});
  }
}

TEST_CASE("a CRLF log reads exactly as its LF original: statements, durations and parameters", "[wild]") {
  const ReadAll lf = read_with({wild("berlin/postgresql.log")}, {});
  const ReadAll crlf = read_with({wild("berlin/crlf.log")}, {});
  REQUIRE(lf.events.size() == crlf.events.size());
  for (std::size_t i = 0; i < lf.events.size(); ++i) {
    CHECK(crlf.events[i].sql == lf.events[i].sql);
    CHECK(crlf.events[i].parameters == lf.events[i].parameters);
    CHECK(crlf.events[i].duration_ms == lf.events[i].duration_ms);
    CHECK(crlf.events[i].start_us == lf.events[i].start_us);
  }
}

TEST_CASE("the 300 checkpoint lines a log starts with do not fool the prefix guess", "[wild]") {
  const ReadAll all = read_with({wild("berlin/postgresql.log")}, {});
  CHECK(all.description.ends_with("(guessed log_line_prefix '%m [%p] %q%u@%d ')"));
  CHECK(all.accounting.not_statement_by_kind.at("checkpoint") >= 300);
  for (const Event& event : all.events) CHECK(event.user == "postgres");
}

TEST_CASE("New York (EST): log_timezone from postgresql.auto.conf beside --log-settings, values from CONTEXT",
          "[wild]") {
  check_given_and_guessed("new_york", {wild("new_york/postgresql.log")});
  CaptureReadOptions options;
  options.log_settings_file = wild("new_york/settings/postgresql.conf");
  const ReadAll all = read_with({wild("new_york/postgresql.log")}, options);
  CHECK(all.accounting.time_zones.at("EST") ==
        "-05:00 (America/New_York, log_timezone in " + wild("new_york/settings/postgresql.auto.conf") + ")");
  CHECK(all.description.find("from " + wild("new_york/settings/postgresql.conf")) != std::string::npos);
  // log_min_duration_statement alone: the failed Execute is only an ERROR, its value in CONTEXT.
  const auto failed = std::find_if(all.events.begin(), all.events.end(), [](const Event& e) {
    return e.sql == "SELECT id / $1::int FROM capture_t";
  });
  REQUIRE(failed != all.events.end());
  CHECK(failed->protocol == Protocol::kExtended);
  CHECK(failed->parameters == std::vector<ParameterValue>{"0"});
}

TEST_CASE("Kolkata (IST): logrotate's postgresql-15-main.log, .log.1, .log.2.gz read oldest first", "[wild]") {
  check_given_and_guessed("kolkata", {wild("kolkata/logrotate")});
  const ReadAll all = read_with({wild("kolkata/logrotate")}, {});
  for (std::size_t i = 1; i < all.events.size(); ++i) CHECK(all.events[i - 1].start_us <= all.events[i].start_us);
  // log_duration: the bare durations of Parse and Bind are their own kind, not unusable.
  CHECK(all.accounting.not_statement_by_kind.at("duration_without_statement") > 0);
}

TEST_CASE("across the end of summer time (CEST then CET, 02:00-03:00 twice) times stay in order", "[wild]") {
  check_given_and_guessed("dst", {wild("dst/postgresql.log")});
  CaptureReadOptions berlin;
  berlin.log_timezone = "Europe/Berlin";
  check_given_and_guessed("dst", {wild("dst/postgresql.log")}, berlin);
  const ReadAll by_table = read_with({wild("dst/postgresql.log")}, {});
  const ReadAll by_zone = read_with({wild("dst/postgresql.log")}, berlin);
  REQUIRE(by_table.events.size() == by_zone.events.size());
  REQUIRE(by_zone.accounting.time_zones.contains("CEST"));
  REQUIRE(by_zone.accounting.time_zones.contains("CET"));
  for (std::size_t i = 0; i < by_zone.events.size(); ++i) {
    CHECK(by_zone.events[i].start_us == by_table.events[i].start_us);
    // Read as one offset, the CET hour would go back 60 minutes. (Concurrent sessions write their
    // lines a few milliseconds out of the order of their times: that much is the server's.)
    if (i > 0) CHECK(by_zone.events[i].start_us - by_zone.events[i - 1].start_us > -1'000'000);
  }
}

TEST_CASE("Moscow (MSK) with a bracketed queryid=%Q before the user: the bracket is never part of the user", "[wild]") {
  check_given_and_guessed("moscow", {wild("moscow/postgresql.log")});
  for (const Event& event : read_with({wild("moscow/postgresql.log")}, {}).events) CHECK(event.user == "postgres");
}

TEST_CASE("Los Angeles (PST) with the SQLSTATE before the user: never a user '00000 postgres'", "[wild]") {
  check_given_and_guessed("pacific", {wild("pacific/postgresql.log")});
  for (const Event& event : read_with({wild("pacific/postgresql.log")}, {}).events) CHECK(event.user == "postgres");
}

TEST_CASE("Amazon RDS's prefix, the hosted-service example of the README", "[wild]") {
  check_given_and_guessed("rds", {wild("rds/postgresql.log")});
}

TEST_CASE("syslog through rsyslog: sequence numbers, split records joined, processes interleaved", "[wild]") {
  check_given_and_guessed("syslog", {wild("syslog/postgresql.syslog")});
  const ReadAll syslog = read_with({wild("syslog/postgresql.syslog")}, {});
  const ReadAll csv = read_with({wild("syslog/postgresql.csv")}, {});
  REQUIRE(syslog.events.size() == csv.events.size());
  // The 60-column SELECT (longer than 900 bytes: split over records) reads whole.
  const auto long_select = [](const ReadAll& all) {
    return std::find_if(all.events.begin(), all.events.end(),
                        [](const Event& e) { return e.sql.find("column_60") != std::string::npos; });
  };
  REQUIRE(long_select(syslog) != syslog.events.end());
  CHECK(long_select(syslog)->sql == long_select(csv)->sql);
}

TEST_CASE("values cut by log_parameter_max_length are marked as cut", "[wild]") {
  check_given_and_guessed("cut", {wild("cut/postgresql.log")});
  for (const std::string& file : {wild("cut/postgresql.log"), wild("cut/postgresql.json")}) {
    const ReadAll all = read_with({file}, {});
    std::size_t cut = 0;
    for (const Event& event : all.events) {
      const bool any_cut = std::any_of(event.parameters.begin(), event.parameters.end(),
                                       [](const ParameterValue& v) { return v && v->ends_with("..."); });
      CHECK(event.parameters_truncated == any_cut);
      cut += event.parameters_truncated ? 1 : 0;
    }
    CHECK(cut > 0);
  }
}

TEST_CASE("rename-column-breaking's traffic under Europe/Berlin reads alike in stderr, csvlog and jsonlog", "[wild]") {
  check_given_and_guessed("rename_column", {wild("rename_column/postgresql.log")});
  check_variant("rename_column", {wild("rename_column/postgresql.csv")});
}

TEST_CASE("a csvlog of PostgreSQL 8.4's layout is named as such and refused", "[wild]") {
  const ReadAll all = read_with({wild("berlin/old-layout.csv")}, {});
  CHECK(all.events.empty());
  REQUIRE_FALSE(all.problems.empty());
  CHECK(all.problems[0].detail ==
        "22 columns; a PostgreSQL csvlog record has 23 to 26 (22 is the layout of PostgreSQL 8.4, before "
        "application_name: pgshadow reads the csvlog of PostgreSQL 9.0 and later)");
  // Its statement records are the lost statements: as many as the 9.0+ csvlog of the run holds.
  std::size_t statement_records = 0;
  std::istringstream lines(read_text(wild("berlin/postgresql.json")));
  for (std::string line; std::getline(lines, line);) {
    const std::string message = nlohmann::json::parse(line).value("message", "");
    if (message.starts_with("statement: ") || message.starts_with("execute ") || message.starts_with("duration: ")) {
      ++statement_records;
    }
  }
  CHECK(all.accounting.unusable_statement_count() == statement_records);
  const CaptureReadFigures figures{all.accounting, InputProblems{}, 0, nullptr, all.description};
  CHECK_FALSE(check_capture_quality(figures).ok());
}

TEST_CASE("times in a zone no table knows: no event, and the refusal names the zone and the options", "[wild]") {
  auto source = open_capture({wild("rename_column/unreadable-times.csv")});
  REQUIRE(source.ok());
  const ReadAll all = read_all(**source);
  CHECK(all.events.empty());
  const CaptureReadFigures figures{all.accounting, (*source)->problems(), 0, nullptr, all.description};
  const Status checked = check_capture_quality(figures);
  REQUIRE_FALSE(checked.ok());
  const std::string first = all.accounting.unusable_statements.at("time zone not known").first.to_string();
  CHECK(checked.error().message.starts_with(
      "no statement could be read from the capture: 293 statement records could not be used; the main "
      "reason: time zone not known (293 records, the first at " + first + ": log_time '"));
  CHECK(checked.error().message.ends_with(
      "' has time zone 'XYZ', which is not in pgshadow's table of abbreviations: give the server's "
      "log_timezone with --log-timezone NAME (an IANA name such as Europe/Berlin) or --log-settings "
      "postgresql.conf)"));
}
