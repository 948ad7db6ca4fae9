#include "pgshadow/metrics/run_metrics.h"

#include <regex>
#include <map>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "pgshadow/sql/query_shape.h"

namespace pgshadow::metrics {
namespace {

// Drives a FindingsBook and the RunMetrics the way the replay's fan-out does: judge first.
class Run {
 public:
  explicit Run(MetricsSettings settings = {}) : metrics(identity(), findings, settings) {}

  static RunIdentity identity() {
    RunIdentity id;
    id.scenario = "rename-column";
    id.run = "2026-11-23T10:00:00Z";
    id.migration_digest = "00112233445566778899aabbccddeeff";
    id.start_time_seconds = 1795000000;
    return id;
  }

  void compare(const std::string& sql, bool shadow_fails, const std::string& sqlstate = "42703",
               const std::string& message = "column \"email\" does not exist") {
    Event event;
    event.sequence = sequence_++;
    event.session_id = "s1";
    event.sql = sql;
    const sql::QueryShape shape = sql::shape_of(sql);
    compare::ResultSignature baseline;
    baseline.command_verb = "SELECT";
    baseline.row_count = 1;
    compare::ResultSignature shadow = baseline;
    if (shadow_fails) {
      shadow = compare::ResultSignature{};
      shadow.succeeded = false;
      shadow.sqlstate = sqlstate;
      shadow.error_message = message;
    }
    const replay::ComparedStatement statement{event, shape,
                                              shadow_fails ? DivergenceClass::kErrorShadowOnly : DivergenceClass::kMatch,
                                              baseline, shadow, std::nullopt, {}, 1.5, 2.5};
    findings.on_compared(statement);
    metrics.on_compared(statement);
  }

  void compare_results(const std::string& sql, const compare::ResultSignature& baseline,
                       const compare::ResultSignature& shadow, DivergenceClass divergence) {
    Event event;
    event.sequence = sequence_++;
    event.session_id = "s1";
    event.sql = sql;
    const replay::ComparedStatement statement{event, sql::shape_of(sql), divergence, baseline, shadow,
                                              std::nullopt, {}, 1.5, 2.5};
    findings.on_compared(statement);
    metrics.on_compared(statement);
  }

  void progress() {
    replay::ReplayProgress p;
    p.events = sequence_;
    p.first_capture_us = 1'000'000;
    p.current_capture_us = 4'500'000;
    p.wall_seconds = 2;
    p.input_fraction = 0.5;
    p.sessions_open = 3;
    metrics.on_progress(p);
  }

  judge::FindingsBook findings;
  RunMetrics metrics;

 private:
  std::uint64_t sequence_ = 0;
};

// A sample's name and labels, in a canonical order (the exposition puts constant labels first).
std::string canonical_series(const std::string& series) {
  const auto brace = series.find('{');
  if (brace == std::string::npos) return series;
  std::map<std::string, std::string> labels;
  std::size_t i = brace + 1;
  while (i < series.size() && series[i] != '}') {
    const auto equals = series.find('=', i);
    std::string name = series.substr(i, equals - i);
    std::string value;
    for (i = equals + 2; series[i] != '"'; ++i) {
      if (series[i] == '\\') value += series[i++];
      value += series[i];
    }
    labels[name] = value;
    i += (series[i + 1] == ',') ? 2 : 1;
  }
  std::string canonical = series.substr(0, brace) + "{";
  for (const auto& [name, value] : labels) canonical += name + "=\"" + value + "\",";
  return canonical + "}";
}

// The value of the one sample named `series` (labels in any order).
double sample(const std::string& text, const std::string& series) {
  const std::string wanted = canonical_series(series);
  const std::string name = series.substr(0, series.find('{'));
  std::string seen;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name, 0) != 0) continue;
    const auto space = line.rfind(' ');
    if (canonical_series(line.substr(0, space)) == wanted) return std::stod(line.substr(space + 1));
    seen += line + "\n";
  }
  FAIL("no sample " << series << "; the samples of " << name << " are:\n" << seen);
  return 0;
}

std::set<std::string> label_values(const std::string& text, const std::string& metric, const std::string& label) {
  std::set<std::string> values;
  const std::regex line("\n" + metric + "\\{[^\n]*" + label + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator(); ++it) {
    values.insert((*it)[1]);
  }
  return values;
}

TEST_CASE("a fresh run exposes every family, at zero, with the run's identity") {
  Run run;
  const std::string text = run.metrics.text();
  CHECK(sample(text, "pgshadow_run_info{migration_digest=\"00112233445566778899aabbccddeeff\",run=\"2026-11-23T10:00:00Z\","
                     "scenario=\"rename-column\",shard=\"0\",shards=\"1\",version=\"" PGSHADOW_VERSION "\"}") == 1);
  const std::string id = "run=\"2026-11-23T10:00:00Z\",scenario=\"rename-column\",shard=\"0\"";
  CHECK(sample(text, "pgshadow_verdict{" + id + ",verdict=\"safe\"}") == 1);
  CHECK(sample(text, "pgshadow_verdict{" + id + ",verdict=\"breaking\"}") == 0);
  CHECK(sample(text, "pgshadow_verdict_level{" + id + "}") == 0);
  CHECK(sample(text, "pgshadow_exit_status{" + id + "}") == -1);
  CHECK(sample(text, "pgshadow_run_finished{" + id + "}") == 0);
  CHECK(sample(text, "pgshadow_statements_total{class=\"rows_changed\"," + id + ",severity=\"breaking\"}") == 0);
  CHECK(sample(text, "pgshadow_events_total{outcome=\"filtered\"," + id + "}") == 0);
  CHECK(sample(text, "pgshadow_replay_input_ratio{" + id + "}") == -1);
}

TEST_CASE("a shadow-only error is counted by class, shape and SQLSTATE, and the verdict follows") {
  Run run;
  run.compare("SELECT name FROM users WHERE id = 1", false);
  run.compare("SELECT email FROM users WHERE id = 7", true);
  run.compare("SELECT email FROM users WHERE id = 8", true);
  run.progress();
  const std::string text = run.metrics.text();
  const std::string id = "run=\"2026-11-23T10:00:00Z\",scenario=\"rename-column\",shard=\"0\"";
  const std::string fingerprint = sql::shape_of("SELECT email FROM users WHERE id = 7").fingerprint;
  CHECK(sample(text, "pgshadow_divergent_statements_total{class=\"error_shadow_only\"," + id +
                         ",severity=\"breaking\",shape=\"" + fingerprint + "\"}") == 2);
  CHECK(sample(text, "pgshadow_query_shape_info{normalized=\"SELECT email FROM users WHERE id = $1\"," + id +
                         ",shape=\"" + fingerprint + "\"}") == 1);
  CHECK(sample(text, "pgshadow_statement_errors_total{" + id + ",side=\"shadow\",sqlstate=\"42703\"}") == 2);
  CHECK(sample(text, "pgshadow_statements_total{class=\"error_shadow_only\"," + id + ",severity=\"breaking\"}") == 2);
  CHECK(sample(text, "pgshadow_statements_total{class=\"match\"," + id + ",severity=\"none\"}") == 1);
  CHECK(sample(text, "pgshadow_verdict{" + id + ",verdict=\"breaking\"}") == 1);
  CHECK(sample(text, "pgshadow_verdict{" + id + ",verdict=\"safe\"}") == 0);
  CHECK(sample(text, "pgshadow_verdict_level{" + id + "}") == 2);
  CHECK(sample(text, "pgshadow_events_read_total{" + id + "}") == 3);
  CHECK(sample(text, "pgshadow_replay_capture_seconds{" + id + "}") == 3.5);
  CHECK(sample(text, "pgshadow_replay_input_ratio{" + id + "}") == 0.5);
  CHECK(sample(text, "pgshadow_query_shapes{" + id + ",severity=\"breaking\"}") == 1);
  CHECK(sample(text, "pgshadow_statement_duration_seconds_count{" + id + ",shape=\"" + fingerprint +
                         "\",side=\"shadow\"}") == 2);
}

TEST_CASE("shapes beyond the limit share the label \"other\" and nothing is lost") {
  MetricsSettings settings;
  settings.max_shapes = 3;
  Run run(settings);
  const char* tables[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  for (const char* table : tables) run.compare(std::string("SELECT x FROM ") + table, true);
  const std::string text = run.metrics.text();
  const auto shapes = label_values(text, "pgshadow_divergent_statements_total", "shape");
  CHECK(shapes.size() == 4);
  CHECK(shapes.count("other") == 1);
  CHECK(label_values(text, "pgshadow_query_shape_info", "shape").size() == 3);
  CHECK(label_values(text, "pgshadow_statement_duration_seconds_count", "shape").size() == 4);
  const std::string id = "run=\"2026-11-23T10:00:00Z\",scenario=\"rename-column\",shard=\"0\"";
  CHECK(sample(text, "pgshadow_divergent_statements_total{class=\"error_shadow_only\"," + id +
                         ",severity=\"breaking\",shape=\"other\"}") == 7);
}

TEST_CASE("no literal of the traffic, no message and no password reaches the metrics") {
  Run run;
  run.compare("SELECT * FROM users WHERE email = 'alice@example.com' AND pin = 4242", true, "XX!!9",
              "invalid input syntax for type integer: \"alice@example.com\"");
  Event event;
  event.sql = "INSERT INTO secrets VALUES ('hunter2')";
  run.findings.on_failed(event, "shadow: connection to server failed: password=hunter2");
  run.metrics.on_failed(event, "shadow: connection to server failed: password=hunter2");
  run.progress();
  run.metrics.record_final(nullptr, 1);
  const std::string text = run.metrics.text();
  CHECK(text.find("alice") == std::string::npos);
  CHECK(text.find("4242") == std::string::npos);
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(text.find("invalid input") == std::string::npos);
  CHECK(text.find("sqlstate=\"other\"") != std::string::npos);  // a SQLSTATE that is not one
  CHECK(text.find("email = $1 AND pin = $2") != std::string::npos);
  const std::string id = "run=\"2026-11-23T10:00:00Z\",scenario=\"rename-column\",shard=\"0\"";
  CHECK(sample(text, "pgshadow_events_failed_total{" + id + ",side=\"shadow\"}") == 1);
}

TEST_CASE("the final record brings in filtered events, capture problems and the exit status") {
  Run run;
  run.compare("SELECT 1", false);
  run.findings.on_filtered({{"--database", 5}, {"--user", 2}});
  InputProblems problems;
  problems.report({"pg.csv", 3}, "unterminated quoted field", "detail with 'secret'");
  problems.report({"pg.csv", 9}, "unterminated quoted field");
  run.metrics.record_final(&problems, 0);
  const std::string text = run.metrics.text();
  const std::string id = "run=\"2026-11-23T10:00:00Z\",scenario=\"rename-column\",shard=\"0\"";
  CHECK(sample(text, "pgshadow_events_filtered_total{reason=\"--database\"," + id + "}") == 5);
  CHECK(sample(text, "pgshadow_events_total{outcome=\"filtered\"," + id + "}") == 7);
  CHECK(sample(text, "pgshadow_capture_problems_total{reason=\"unterminated quoted field\"," + id + "}") == 2);
  CHECK(sample(text, "pgshadow_exit_status{" + id + "}") == 0);
  CHECK(sample(text, "pgshadow_run_finished{" + id + "}") == 1);
  CHECK(text.find("secret") == std::string::npos);
}


TEST_CASE("server messages are counted per side and level, zero from the start") {
  Run run;
  const std::string id = "run=\"2026-11-23T10:00:00Z\",scenario=\"rename-column\",shard=\"0\"";
  CHECK(sample(run.metrics.text(), "pgshadow_server_messages_total{" + id + ",level=\"warning\",side=\"shadow\"}") == 0);
  compare::ResultSignature baseline;
  baseline.command_verb = "INSERT";
  baseline.affected_rows = 1;
  baseline.notices = 1;
  compare::ResultSignature shadow = baseline;
  shadow.warnings = 2;
  run.compare_results("INSERT INTO users (name) VALUES ('x')", baseline, shadow, DivergenceClass::kMessagesChanged);
  run.progress();
  const std::string text = run.metrics.text();
  CHECK(sample(text, "pgshadow_server_messages_total{" + id + ",level=\"warning\",side=\"shadow\"}") == 2);
  CHECK(sample(text, "pgshadow_server_messages_total{" + id + ",level=\"warning\",side=\"baseline\"}") == 0);
  CHECK(sample(text, "pgshadow_server_messages_total{" + id + ",level=\"notice\",side=\"baseline\"}") == 1);
  CHECK(sample(text, "pgshadow_server_messages_total{" + id + ",level=\"notice\",side=\"shadow\"}") == 1);
  CHECK(sample(text, "pgshadow_statements_total{class=\"messages_changed\"," + id + ",severity=\"review\"}") == 1);
}

}  // namespace
}  // namespace pgshadow::metrics
