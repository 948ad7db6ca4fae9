#include <catch2/catch.hpp>
#include <sstream>

#include "pgshadow/report/renderers.h"
#include "pgshadow/report/run_report.h"
#include "report_test_support.h"

namespace pgshadow::report {
namespace {

using testing::occurrences;

// A run with one breaking shape whose normalized text carries markup, one review shape, one
// matching shape; the statements' literal email must never appear in a rendering.
judge::FindingsBook book() {
  judge::FindingsBook findings;
  compare::ResultSignature ok;
  ok.command_verb = "SELECT";
  ok.row_count = 1;
  compare::ResultSignature error;
  error.succeeded = false;
  error.sqlstate = "42703";
  error.error_message = "column \"name\" does not exist";
  Event event;
  event.sql = "SELECT id, name FROM users WHERE email = 'ann@example.com'";
  event.source = {"traffic/postgresql.csv", 42};
  event.sequence = 7;
  const sql::QueryShape breaking{"0123456789abcdef", "SELECT name FROM users WHERE note <> $1 AND x = '<b>' || '|'"};
  const sql::QueryShape review{"1111111111111111", "SELECT total FROM orders WHERE id = $1"};
  const sql::QueryShape fine{"2222222222222222", "SELECT id FROM users"};
  findings.on_compared({event, breaking, DivergenceClass::kErrorShadowOnly, ok, error, std::nullopt, ""});
  findings.on_compared({event, review, DivergenceClass::kTypesChanged, ok, ok, std::nullopt, ""});
  findings.on_compared({event, fine, DivergenceClass::kMatch, ok, ok, std::nullopt, ""});
  return findings;
}

nlohmann::json report_json(const judge::FindingsBook& findings, const judge::GatePolicy& policy = {}) {
  RunDescription run;
  run.scenario = "demo";
  run.started_at = "2026-11-23T10:00:00Z";
  run.wall_seconds = 1.5;
  const judge::GateDecision gate = judge::decide(findings, policy);
  return to_json(run, findings, &gate);
}

}  // namespace

TEST_CASE("the Markdown report puts the verdict first, then breaking and review tables", "[renderers]") {
  const std::string md = render_markdown(report_json(book()));
  CHECK(md.rfind("## ❌ pgshadow: BREAKING — demo\n", 0) == 0);
  const auto breaking = md.find("### Breaking (1 query shape)");
  const auto review = md.find("### To review (1)");
  const auto accounting = md.find("### Accounting");
  REQUIRE(breaking != std::string::npos);
  CHECK(breaking < review);
  CHECK(review < accounting);
  CHECK(md.find("| error_shadow_only | 42703 undefined_column | 1 of 1 | "
                "`SELECT name FROM users WHERE note <> $1 AND x = '<b>' \\|\\| '\\|'` | ") != std::string::npos);
  CHECK(md.find("ann@example.com") == std::string::npos);
}

TEST_CASE("a safe run's Markdown report is short", "[renderers]") {
  judge::FindingsBook findings;
  compare::ResultSignature ok;
  ok.command_verb = "SELECT";
  Event event;
  const sql::QueryShape fine{"2222222222222222", "SELECT id FROM users"};
  findings.on_compared({event, fine, DivergenceClass::kMatch, ok, ok, std::nullopt, ""});
  findings.on_captured(1);
  const std::string md = render_markdown(report_json(findings));
  CHECK(md.rfind("## ✅ pgshadow: SAFE", 0) == 0);
  CHECK(md.find("###") == std::string::npos);
  CHECK(md.find("1 events = 1 compared + 0 skipped + 0 failed; 1 query shape, all fine.") != std::string::npos);
  CHECK(occurrences(md, "\n") <= 6);
}

TEST_CASE("an interrupted run is INCOMPLETE unless it found something breaking, in every rendering", "[renderers]") {
  judge::FindingsBook findings;
  compare::ResultSignature ok;
  ok.command_verb = "SELECT";
  const sql::QueryShape fine{"2222222222222222", "SELECT id FROM users"};
  findings.on_compared({Event{}, fine, DivergenceClass::kMatch, ok, ok, std::nullopt, ""});
  RunDescription run;
  run.started_at = "2026-11-23T10:00:00Z";
  run.interrupted = RunDescription::Interruption{"SIGTERM", "replay"};
  const judge::GateDecision gate = judge::decide(findings, {});
  const nlohmann::json json = to_json(run, findings, &gate);
  CHECK(json["interrupted"] == nlohmann::json{{"signal", "SIGTERM"}, {"during", "replay"}});
  CHECK(json["verdict"] == "safe");  // what was judged stays in the contract
  const std::string md = render_markdown(json);
  CHECK(md.rfind("## ⚠️ pgshadow: INCOMPLETE\n\n- interrupted by SIGTERM during the replay: 1 statements compared, "
                 "the rest of the capture not replayed\n", 0) == 0);
  const std::string html = render_html(json);
  CHECK(html.find("class=\"verdict v-incomplete\">INCOMPLETE</span>") != std::string::npos);
  CHECK(html.find("<li id=\"interrupted\">interrupted by SIGTERM during the replay") != std::string::npos);
  CHECK(verdict_word(Verdict::kSafe, findings.accounting(), true) == "INCOMPLETE");
  CHECK(verdict_word(Verdict::kReview, findings.accounting(), true) == "INCOMPLETE");
  CHECK(verdict_word(Verdict::kBreaking, findings.accounting(), true) == "BREAKING");
  // A breaking finding is proven however the run ended.
  const nlohmann::json breaking = to_json(run, book());
  CHECK(render_markdown(breaking).rfind("## ❌ pgshadow: BREAKING\n\n- interrupted by SIGTERM", 0) == 0);
}

TEST_CASE("the Markdown and JUnit reports and the summary name the run and the shard", "[renderers]") {
  RunDescription run;
  run.started_at = "2026-11-23T10:00:00Z";
  run.run_id = "pgshadow-verify-pr7";
  run.shard_index = 2;
  run.shard_count = 4;
  const judge::FindingsBook findings = book();
  const nlohmann::json json = to_json(run, findings);
  CHECK(render_markdown(json).find(" Run pgshadow-verify-pr7, shard 2/4 (its sessions only).\n") != std::string::npos);
  const std::string junit = render_junit(json);
  CHECK(junit.find("<property name=\"run\" value=\"pgshadow-verify-pr7\"/>") != std::string::npos);
  CHECK(junit.find("<property name=\"shard\" value=\"2/4\"/>") != std::string::npos);
  std::ostringstream summary;
  print_summary(summary, run, findings, false);
  CHECK(summary.str().find("\n  run        pgshadow-verify-pr7, shard 2/4 (its sessions only)\n") != std::string::npos);
}

TEST_CASE("allowed findings stay in every report, marked allowed with their reason", "[renderers]") {
  judge::GatePolicy policy;
  judge::AllowlistEntry entry;
  entry.fingerprint = "0123456789abcdef";
  entry.divergence = DivergenceClass::kErrorShadowOnly;
  entry.reason = "retired job <JIRA-7>";
  entry.expires = "2099-01-01";
  entry.where = "allow.yaml:2";
  policy.allowlist.push_back(entry);
  const nlohmann::json json = report_json(book(), policy);
  CHECK(json["gate"]["verdict"] == "review");
  CHECK(json["verdict"] == "breaking");
  CHECK(json["gate"]["allowed"][0]["reason"] == "retired job <JIRA-7>");
  CHECK(json["shapes"][0]["allowed"][0]["class"] == "error_shadow_only");

  const std::string md = render_markdown(json);
  CHECK(md.rfind("## ⚠️ pgshadow: REVIEW", 0) == 0);
  CHECK(md.find("### Breaking") == std::string::npos);
  CHECK(md.find("error_shadow_only: retired job &lt;JIRA-7&gt; (allow.yaml:2)") != std::string::npos);
  const std::string xml = render_junit(json);
  CHECK(xml.find("<skipped message=\"allowed: error_shadow_only: retired job &lt;JIRA-7&gt; (allow.yaml:2)\"/>") !=
        std::string::npos);
  CHECK(occurrences(xml, "<failure") == 0);
  const std::string html = render_html(json);
  CHECK(html.find("data-status=\"allowed\"") != std::string::npos);
  CHECK(html.find("retired job &lt;JIRA-7&gt;") != std::string::npos);
}

TEST_CASE("JUnit has one test case per shape: failure for breaking, skipped for review", "[renderers]") {
  const std::string xml = render_junit(report_json(book()));
  CHECK(xml.find("<testsuite name=\"pgshadow verify demo\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" "
                 "time=\"1.500000\" timestamp=\"2026-11-23T10:00:00\">") != std::string::npos);
  CHECK(occurrences(xml, "<testcase ") == 3);
  CHECK(xml.find("<testcase name=\"SELECT name FROM users WHERE note &lt;&gt; $1 AND x = &#39;&lt;b&gt;&#39; || "
                 "&#39;|&#39;\" classname=\"pgshadow.SELECT.users\"") != std::string::npos);
  CHECK(xml.find("type=\"error_shadow_only\"") != std::string::npos);
  CHECK(xml.find("<skipped message=\"review: ") != std::string::npos);
  CHECK(xml.find("<property name=\"verdict\" value=\"breaking\"/>") != std::string::npos);
  CHECK(xml.find("ann@example.com") == std::string::npos);
}

TEST_CASE("the HTML report shows no table of zero latencies for a shape that never succeeded on both sides", "[renderers]") {
  const std::string html = render_html(report_json(book()));
  CHECK(html.find("no latency: no statement of this shape succeeded on both sides") != std::string::npos);
  CHECK(html.find("<td>baseline</td><td>0</td>") == std::string::npos);
  CHECK(html.find(", 1 row<br>") != std::string::npos);  // not "1 rows"
}

TEST_CASE("the HTML report escapes every text and carries its own script and chart", "[renderers]") {
  const std::string html = render_html(report_json(book()));
  CHECK(html.find("<span id=\"verdict\" class=\"verdict v-breaking\">BREAKING</span>") != std::string::npos);
  CHECK(html.find("'<b>'") == std::string::npos);
  CHECK(html.find("&#39;&lt;b&gt;&#39;") != std::string::npos);
  CHECK(html.find("<svg id=\"timeline\"") != std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no other URL: nothing to fetch
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("ann@example.com") == std::string::npos);
  CHECK(occurrences(html, "<tr class=\"s-") == 3);
}

TEST_CASE("render picks the format by name and refuses an unknown one", "[renderers]") {
  const nlohmann::json json = report_json(book());
  CHECK(render(json, "md")->rfind("## ", 0) == 0);
  CHECK(render(json, "junit")->rfind("<?xml", 0) == 0);
  CHECK(render(json, "html")->rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(render(json, "pdf").error().message == "--format must be md, html, junit, json, github or codequality, not 'pdf'");
  CHECK(check_report_json(json, "r.json").ok());
  CHECK(check_report_json(nlohmann::json{{"a", 1}}, "r.json").error().message ==
        "r.json: not a pgshadow JSON report (no 'pgshadow_report' field)");
}
}  // namespace pgshadow::report
