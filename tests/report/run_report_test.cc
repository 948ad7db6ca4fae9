#include <catch2/catch.hpp>
#include <sstream>

#include "pgshadow/report/renderers.h"
#include "pgshadow/report/run_report.h"

namespace pgshadow::report {
namespace {

judge::FindingsBook breaking_book() {
  judge::FindingsBook book;
  compare::ResultSignature ok;
  ok.command_verb = "SELECT";
  ok.row_count = 1;
  ok.affected_rows = 1;
  compare::ResultSignature error;
  error.succeeded = false;
  error.sqlstate = "42703";
  error.error_message = "column \"name\" does not exist";
  Event event;
  event.sql = "SELECT id, name FROM users WHERE email = 'ann@example.com'";
  event.source = {"traffic/postgresql.csv", 42};
  const sql::QueryShape shape{"0123456789abcdef", "SELECT id, name FROM users WHERE email = $1"};
  book.on_compared({event, shape, DivergenceClass::kErrorShadowOnly, ok, error, std::nullopt, ""});
  book.on_captured(1);
  return book;
}

RunDescription description() {
  RunDescription run;
  run.scenario = "demo";
  run.capture_description = "csvlog: 1 file";
  run.server_mode = "embedded";
  run.server_version = "15.20";
  run.started_at = "2026-11-23T10:00:00Z";
  run.captures.push_back({"traffic", ""});
  return run;
}

}  // namespace

TEST_CASE("the JSON report carries the verdict, every class and the shapes without literals", "[report]") {
  const judge::FindingsBook book = breaking_book();
  const nlohmann::json json = to_json(description(), book);
  CHECK(json["pgshadow_report"] == kReportFormatVersion);
  CHECK(json["verdict"] == "breaking");
  CHECK(json["classes"].size() == std::size(kAllDivergenceClasses));
  CHECK(json["classes"]["error_shadow_only"] == 1);
  CHECK(json["classes"]["match"] == 0);
  REQUIRE(json["shapes"].size() == 1);
  CHECK(json["shapes"][0]["normalized"] == "SELECT id, name FROM users WHERE email = $1");
  CHECK(json["shapes"][0]["first_divergence"]["source"] == "traffic/postgresql.csv:42");
  CHECK(json["shapes"][0]["first_divergence"]["shadow"]["condition"] == "undefined_column");
  CHECK(json["accounting"]["balanced"] == true);
  CHECK(json.dump().find("ann@example.com") == std::string::npos);
}

TEST_CASE("the summary puts the verdict first and explains the breaking shape", "[report]") {
  const judge::FindingsBook book = breaking_book();
  std::ostringstream out;
  print_summary(out, description(), book, false);
  const std::string text = out.str();
  CHECK(text.find("VERDICT: BREAKING") != std::string::npos);
  CHECK(text.find("VERDICT") < text.find("SELECT id, name FROM users WHERE email = $1"));
  CHECK(text.find("column \"name\" does not exist") != std::string::npos);
  CHECK(text.find("Accounting: 1 events = 1 compared + 0 skipped + 0 failed") != std::string::npos);
  CHECK(text.find("ann@example.com") == std::string::npos);
  CHECK(text.find("\033[") == std::string::npos);  // no color codes when asked for none
}

TEST_CASE("the summary counts what follows from a root under it", "[report]") {
  judge::FindingsBook book = breaking_book();
  compare::ResultSignature ok;
  ok.command_verb = "SELECT";
  ok.row_count = 1;
  compare::ResultSignature aborted;
  aborted.succeeded = false;
  aborted.sqlstate = "25P02";
  Event event;
  event.sql = "SELECT count(*) FROM orders";
  const sql::QueryShape orders{"fedcba9876543210", "SELECT count(*) FROM orders"};
  const sql::QueryShape users{"00ff00ff00ff00ff", "SELECT count(*) FROM users"};
  for (const sql::QueryShape* shape : {&orders, &orders, &users}) {
    book.on_compared({event, *shape, DivergenceClass::kConsequence, ok, aborted, std::string("0123456789abcdef"), ""});
  }
  std::ostringstream out;
  print_summary(out, description(), book, false);
  const std::string text = out.str();
  INFO(text);
  CHECK(text.find("-> and 3 statements on 2 shapes that follow from it (consequence)") != std::string::npos);
  CHECK(text.find("that follow from it") > text.find("SELECT id, name FROM users WHERE email = $1"));
  CHECK(book.consequences_of("fedcba9876543210").statements == 0);
}

TEST_CASE("statements replayed as their production error are counted in every report", "[report]") {
  const judge::FindingsBook book = breaking_book();
  RunDescription run = description();
  replay::ReplaySummary summary;
  summary.replayed_as_production_error = {{"40P01", 1}, {"57014", 2}};
  run.replay = &summary;
  const nlohmann::json json = to_json(run, book);
  CHECK(json["replay"]["replayed_as_production_error"] == nlohmann::json({{"40P01", 1}, {"57014", 2}}));
  std::ostringstream out;
  print_summary(out, run, book, false);
  CHECK(out.str().find("  as production error 3 (40P01 deadlock_detected 1, 57014 query_canceled 2): failed in "
                       "production by timing (deadlock, serialization, lock, timeout, cancel), replayed on both sides "
                       "as that error, not raced again\n") != std::string::npos);
  CHECK(render_markdown(json).find("Replayed as their production error: 3 statements that failed in production by "
                                   "timing") != std::string::npos);
  summary.replayed_as_production_error.clear();
  std::ostringstream none;
  print_summary(none, run, book, false);
  CHECK(none.str().find("as production error") == std::string::npos);
}

TEST_CASE("file digests name a file that cannot be read", "[report]") {
  auto missing = file_digest("/nonexistent/baseline.sql");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "cannot read /nonexistent/baseline.sql");
}

TEST_CASE("the report says where the write rule stopped going by footprint, and null where it never did", "[report]") {
  const judge::FindingsBook book = breaking_book();
  RunDescription run = description();
  replay::ReplaySummary summary;
  run.replay = &summary;
  CHECK(to_json(run, book)["replay"]["write_rule_given_up"].is_null());
  summary.write_rule_given_up = replay::WriteRuleGivenUp{"traffic.csv:1042", "shadow", "tuple"};
  CHECK(to_json(run, book)["replay"]["write_rule_given_up"] ==
        nlohmann::json({{"at", "traffic.csv:1042"}, {"side", "shadow"}, {"lock_type", "tuple"}}));
}

}  // namespace pgshadow::report
