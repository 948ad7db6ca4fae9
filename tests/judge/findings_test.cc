#include <catch2/catch.hpp>

#include "pgshadow/judge/findings.h"

namespace pgshadow::judge {
namespace {

compare::ResultSignature success(std::string verb, std::uint64_t rows) {
  compare::ResultSignature s;
  s.command_verb = std::move(verb);
  s.affected_rows = rows;
  s.row_count = rows;
  s.columns = {{"id", 23}, {"name", 25}};
  return s;
}

compare::ResultSignature failure(std::string sqlstate, std::string message) {
  compare::ResultSignature s;
  s.succeeded = false;
  s.sqlstate = std::move(sqlstate);
  s.error_message = std::move(message);
  return s;
}

struct Book {
  FindingsBook book;
  explicit Book(JudgeSettings settings = {}) : book(settings) {}
  void compare(const std::string& fingerprint, DivergenceClass divergence,
               const compare::ResultSignature& baseline, const compare::ResultSignature& shadow,
               std::uint64_t sequence = 0, double baseline_ms = 0, double shadow_ms = 0) {
    Event event;
    event.sequence = sequence;
    event.sql = "SELECT secret_literal";
    event.source = {"traffic/log.csv", 10 + sequence};
    const sql::QueryShape shape{fingerprint, "SELECT $1"};
    book.on_compared({event, shape, divergence, baseline, shadow, std::nullopt, "", baseline_ms, shadow_ms,
                      false, /*explainable=*/true});
  }
};

}  // namespace

TEST_CASE("the verdict is the heaviest class seen", "[judge]") {
  Book safe;
  safe.compare("a", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  safe.compare("b", DivergenceClass::kNondeterministic, success("SELECT", 1), success("SELECT", 2));
  CHECK(safe.book.verdict() == Verdict::kSafe);

  Book review;
  review.compare("a", DivergenceClass::kTypesChanged, success("SELECT", 1), success("SELECT", 1));
  CHECK(review.book.verdict() == Verdict::kReview);

  Book breaking;
  breaking.compare("a", DivergenceClass::kTypesChanged, success("SELECT", 1), success("SELECT", 1));
  breaking.compare("b", DivergenceClass::kRowsChanged, success("SELECT", 1), success("SELECT", 2));
  CHECK(breaking.book.verdict() == Verdict::kBreaking);
  CHECK(breaking.book.verdict_reasons().front() ==
        "1 query shape the application runs today breaks on the shadow schema");
}

namespace {

compare::QueryPlan plan(double cost, std::string node_type) {
  compare::QueryPlan p;
  p.total_cost = cost;
  p.scans = {{std::move(node_type), "order_events", ""}};
  return p;
}

}  // namespace

TEST_CASE("a shape is slower when its plans say so, whatever its timings did", "[judge][latency]") {
  // Timings alone never flag a shape: one stall on a busy machine moves a p95.
  Book stalled;
  for (std::uint64_t i = 0; i < 40; ++i) {
    stalled.compare("a", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1), i, 0.2, i < 30 ? 40.0 : 0.2);
  }
  CHECK(stalled.book.verdict() == Verdict::kSafe);
  const auto requests = stalled.book.plan_requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].fingerprint == "a");
  CHECK(requests[0].example.sequence == 0);  // the first execution that succeeded on both sides
  // Equal plans: still safe, however slow the timings looked.
  stalled.book.on_plans({"a", plan(75.7, "Index Scan"), plan(75.7, "Index Scan")});
  CHECK(stalled.book.verdict() == Verdict::kSafe);

  // A plan much costlier on the shadow: review, even with identical timings.
  Book lost_index;
  for (std::uint64_t i = 0; i < 3; ++i) {
    lost_index.compare("a", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1), i, 1.0, 1.0);
  }
  lost_index.book.on_plans({"a", plan(75.7, "Index Scan"), plan(3996.1, "Parallel Seq Scan")});
  CHECK(lost_index.book.verdict() == Verdict::kReview);
  const ShapeFindings& shape = *lost_index.book.shapes_by_importance().front();
  CHECK(shape.latency_regression);
  CHECK(shape.latency_explanation() ==
        "planned as Parallel Seq Scan on order_events (cost 3996.1) on the shadow, Index Scan on order_events "
        "(cost 75.7) on the baseline; median 0.98 ms -> 0.98 ms over 3 statements");
  CHECK(lost_index.book.verdict_reasons().back() ==
        "1 query shape planned much costlier on the shadow (at least 2x the baseline's estimated cost)");
  // A side that could not plan it says nothing either way.
  Book unplannable;
  unplannable.compare("a", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  unplannable.book.on_plans({"a", std::nullopt, plan(3996.1, "Seq Scan")});
  CHECK(unplannable.book.verdict() == Verdict::kSafe);
}

TEST_CASE("the shapes to plan are the most executed first, ties in fingerprint order, bounded",
          "[judge][latency]") {
  Book b;
  b.compare("c", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  b.compare("b", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  b.compare("a", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  b.compare("c", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  b.compare("d", DivergenceClass::kErrorShadowOnly, success("SELECT", 1), failure("42703", "no column"));
  const auto all = b.book.plan_requests();
  REQUIRE(all.size() == 3);  // d failed on the shadow: nothing to plan there
  CHECK(all[0].fingerprint == "c");
  CHECK(all[1].fingerprint == "a");
  CHECK(all[2].fingerprint == "b");
  CHECK(b.book.plan_requests(2).size() == 2);
}

TEST_CASE("a failed migration makes the run breaking with its location", "[judge]") {
  FindingsBook book;
  book.on_migration_failed({"migrations/002.sql", 7, "23502", "column \"email\" of relation \"users\" contains null values",
                            "ALTER TABLE users ALTER COLUMN email SET NOT NULL"});
  CHECK(book.verdict() == Verdict::kBreaking);
  CHECK(book.verdict_reasons().front() ==
        "the migration fails on the baseline's data at migrations/002.sql:7 with SQLSTATE 23502 "
        "(not_null_violation): production would fail the same way");
}

TEST_CASE("every event is accounted for once", "[judge]") {
  Book b;
  b.compare("a", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  b.book.on_skipped(Event{}, "empty statement");
  b.book.on_failed(Event{}, "shadow: connection lost");
  b.book.on_not_replayed(2);
  b.book.on_not_replayed(Event{});
  b.book.on_filtered({{"user", 3}});
  b.book.on_captured(9);
  const Accounting& a = b.book.accounting();
  CHECK(a.captured == 9);
  CHECK(a.judged() == 9);
  CHECK(a.compared == 1);
  CHECK(a.not_replayed == 3);
  CHECK(a.filtered == 3);
  CHECK(a.skipped_by_reason.at("empty statement") == 1);
  CHECK(a.failed_by_reason.at("shadow: connection lost") == 1);
  CHECK(a.balanced());
}

TEST_CASE("the accounting is unbalanced when the capture read more events than were judged", "[judge]") {
  Book b;
  b.compare("a", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  b.book.on_skipped(Event{}, "empty statement");
  b.book.on_captured(3);  // one event read from the capture never got a fate
  CHECK(b.book.accounting().judged() == 2);
  CHECK_FALSE(b.book.accounting().balanced());
}

TEST_CASE("the accounting is unbalanced when an event is judged twice", "[judge]") {
  Book b;
  b.compare("a", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  b.compare("a", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  b.book.on_captured(1);
  CHECK_FALSE(b.book.accounting().balanced());
}

TEST_CASE("the accounting is unbalanced before the capture's count is told", "[judge]") {
  Book b;
  b.compare("a", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  CHECK_FALSE(b.book.accounting().balanced());
}

TEST_CASE("shapes are grouped by fingerprint and ordered breaking first", "[judge]") {
  Book b;
  b.compare("quiet", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  b.compare("quiet", DivergenceClass::kMatch, success("SELECT", 1), success("SELECT", 1));
  b.compare("review", DivergenceClass::kOrderChanged, success("SELECT", 2), success("SELECT", 2));
  b.compare("broken", DivergenceClass::kErrorShadowOnly, success("SELECT", 1),
            failure("42703", "column \"name\" does not exist"), 5);
  const auto shapes = b.book.shapes_by_importance();
  REQUIRE(shapes.size() == 3);
  CHECK(shapes[0]->fingerprint == "broken");
  CHECK(shapes[1]->fingerprint == "review");
  CHECK(shapes[2]->fingerprint == "quiet");
  CHECK(shapes[2]->statements == 2);
  CHECK(shapes[0]->shadow_errors.at("42703") == 1);
  REQUIRE(shapes[0]->first_divergence);
  CHECK(shapes[0]->first_divergence->source == "traffic/log.csv:15");
  CHECK(shapes[0]->first_divergence->explanation ==
        "fails on the shadow with SQLSTATE 42703 undefined_column: column \"name\" does not exist; "
        "succeeds on the baseline: the application's statement no longer works");
}

TEST_CASE("messages that may quote data are withheld unless literals are asked for", "[judge]") {
  Book private_book;
  private_book.compare("a", DivergenceClass::kErrorShadowOnly, success("INSERT", 1),
                       failure("22P02", "invalid input syntax for type integer: \"555-1234\""));
  const auto& example = *private_book.book.shapes_by_importance()[0]->first_divergence;
  CHECK(example.shadow.message.empty());
  CHECK(example.explanation.find("555-1234") == std::string::npos);
  CHECK_FALSE(private_book.book.shapes_by_importance()[0]->sql_example.has_value());

  JudgeSettings literal_settings;
  literal_settings.include_literals = true;
  Book local_book(literal_settings);
  local_book.compare("a", DivergenceClass::kErrorShadowOnly, success("INSERT", 1),
                     failure("22P02", "invalid input syntax for type integer: \"555-1234\""));
  const auto* shape = local_book.book.shapes_by_importance()[0];
  CHECK(shape->first_divergence->shadow.message == "invalid input syntax for type integer: \"555-1234\"");
  CHECK(shape->sql_example == "SELECT secret_literal");
}

TEST_CASE("explanations name what changed without data", "[judge]") {
  OutcomeSummary baseline;
  baseline.columns = {"id integer", "name text"};
  baseline.row_count = 3;
  OutcomeSummary shadow;
  shadow.columns = {"id integer", "full_name text"};
  shadow.row_count = 2;
  CHECK(explain(DivergenceClass::kColumnsChanged, baseline, shadow) ==
        "result columns differ: baseline (id, name), shadow (id, full_name)");
  CHECK(explain(DivergenceClass::kRowsChanged, baseline, shadow) == "baseline returned 3 rows, shadow 2");
  baseline.command_tag_verb = shadow.command_tag_verb = "UPDATE";
  baseline.affected_rows = 3;
  shadow.affected_rows = 0;
  CHECK(explain(DivergenceClass::kCommandChanged, baseline, shadow) ==
        "command result differs: baseline UPDATE 3, shadow UPDATE 0");
  CHECK(type_name(20) == "bigint");
  CHECK(type_name(99999) == "oid 99999");
}

TEST_CASE("server messages are counted per shape and side, and a difference in them is review", "[judge]") {
  Book run;
  compare::ResultSignature quiet = success("INSERT", 1);
  compare::ResultSignature warned = quiet;
  warned.warnings = 2;
  warned.notices = 1;
  run.compare("a", DivergenceClass::kMessagesChanged, quiet, warned, 1);
  compare::ResultSignature noticed = quiet;
  noticed.notices = 1;
  run.compare("a", DivergenceClass::kMatch, noticed, noticed, 2);
  const auto shapes = run.book.shapes_by_importance();
  REQUIRE(shapes.size() == 1);
  const ShapeFindings& shape = *shapes.front();
  CHECK(shape.baseline_messages.notices == 1);
  CHECK(shape.baseline_messages.warnings == 0);
  CHECK(shape.shadow_messages.notices == 2);
  CHECK(shape.shadow_messages.warnings == 2);
  CHECK(run.book.verdict() == Verdict::kReview);
  REQUIRE(shape.first_divergence);
  CHECK(shape.first_divergence->explanation ==
        "same result; the server raised no messages on the baseline, 2 WARNING and 1 NOTICE messages on the "
        "shadow (texts withheld: they can quote data)");
  CHECK(shape.first_divergence->shadow.warnings == 2);
}

}  // namespace pgshadow::judge
