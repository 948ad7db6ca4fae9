// The renderings sized for where they go: the Markdown budget, people's numbers, GitHub
// annotations and GitLab Code Quality.
#include <catch2/catch.hpp>

#include "pgshadow/report/renderers.h"
#include "pgshadow/report/run_report.h"
#include "report_test_support.h"

namespace pgshadow::report {
namespace {

using testing::occurrences;

// A run with `n` breaking shapes (each a different table) and one matching shape.
nlohmann::json many_breaking(std::size_t n) {
  judge::FindingsBook findings;
  compare::ResultSignature ok;
  ok.command_verb = "SELECT";
  compare::ResultSignature error;
  error.succeeded = false;
  error.sqlstate = "42703";
  Event event;
  event.source = {"traffic/production.jsonl", 12};
  for (std::size_t i = 0; i < n; ++i) {
    char fingerprint[17];
    std::snprintf(fingerprint, sizeof fingerprint, "%016zx", i + 1);
    const sql::QueryShape shape{fingerprint, "SELECT id, name FROM table_" + std::to_string(i) + " WHERE id = $1"};
    findings.on_compared({event, shape, DivergenceClass::kErrorShadowOnly, ok, error, std::nullopt, ""});
  }
  findings.on_compared({event, {"ffffffffffffffff", "SELECT 1"}, DivergenceClass::kMatch, ok, ok, std::nullopt, ""});
  findings.on_captured(n + 1);
  RunDescription run;
  run.started_at = "2026-11-23T10:00:00Z";
  run.migrations.push_back({"migrations/20261123_rename.sql", "00"});
  const judge::GateDecision gate = judge::decide(findings, {});
  return to_json(run, findings, &gate);
}

}  // namespace

TEST_CASE("a Markdown report of 2,005 breaking shapes stays under the default budget and says what it left out",
          "[renderers]") {
  const std::string md = render_markdown(many_breaking(2005));
  CHECK(md.size() <= kDefaultMarkdownBudget);
  CHECK(md.rfind("## ❌ pgshadow: BREAKING\n", 0) == 0);
  const std::size_t rows = occurrences(md, "| error_shadow_only | 42703 undefined_column | 1 of 1 |");
  CHECK(rows > 100);
  CHECK(rows < 2005);
  CHECK(md.find("> **Left out to keep this under 60 kB:** " + std::to_string(2005 - rows) +
                " breaking query shapes. The full report (`report.html`, `report.json` among the job's artifacts) "
                "has every one.") != std::string::npos);
  // The note stands right after the verdict, the accounting still closes the report.
  CHECK(md.find("Left out") < md.find("### Breaking (2005 query shapes)"));
  CHECK(md.find("2006 events = 2006 compared") != std::string::npos);
}

TEST_CASE("a smaller --markdown-budget cuts more, never the verdict or the accounting", "[renderers]") {
  const nlohmann::json json = many_breaking(50);
  const std::string whole = render_markdown(json);
  CHECK(whole.find("Left out") == std::string::npos);
  CHECK(occurrences(whole, "| error_shadow_only |") == 50);
  const std::string small = render_markdown(json, MarkdownSettings{3000});
  CHECK(small.size() <= 3000);
  CHECK(occurrences(small, "| error_shadow_only |") < 50);
  CHECK(small.find("51 events = 51 compared") != std::string::npos);
  const std::string tiny = render_markdown(json, MarkdownSettings{100});
  CHECK(tiny.find("## ❌ pgshadow: BREAKING") == 0);
  CHECK(tiny.find("> **Left out to keep this under 0 kB:** 50 breaking query shapes.") != std::string::npos);
}

TEST_CASE("GitHub annotations point breaking shapes at the migration file and escape what they carry",
          "[renderers]") {
  const std::string text = render_github_annotations(many_breaking(3), 2);
  CHECK(occurrences(text, "::error file=migrations/20261123_rename.sql,line=1,title=pgshadow%3A breaking error_shadow_only::") == 2);
  CHECK(text.find("SELECT id, name FROM table_0 WHERE id = $1%0A") != std::string::npos);
  CHECK(text.find("::notice title=pgshadow::1 more findings are in the job summary and the report artifacts\n") !=
        std::string::npos);
}

TEST_CASE("the GitLab Code Quality report has one issue per breaking shape with a stable fingerprint",
          "[renderers]") {
  const nlohmann::json issues = nlohmann::json::parse(render_codequality(many_breaking(3)));
  REQUIRE(issues.size() == 3);
  CHECK(issues[0]["severity"] == "critical");
  CHECK(issues[0]["check_name"] == "pgshadow.error_shadow_only");
  CHECK(issues[0]["location"]["path"] == "migrations/20261123_rename.sql");
  CHECK(issues[0]["location"]["lines"]["begin"] == 1);
  CHECK(issues[0]["fingerprint"] != issues[1]["fingerprint"]);
  CHECK(nlohmann::json::parse(render_codequality(many_breaking(3)))[0]["fingerprint"] == issues[0]["fingerprint"]);
}

TEST_CASE("JUnit groups test cases by statement kind and table", "[renderers]") {
  const std::string xml = render_junit(many_breaking(2));
  CHECK(xml.find("classname=\"pgshadow.SELECT.table_0\"") != std::string::npos);
  CHECK(xml.find("classname=\"pgshadow.SELECT\"") != std::string::npos);  // SELECT 1 names no table
}

}  // namespace pgshadow::report
