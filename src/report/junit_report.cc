// JUnit XML: one test case per query shape, so CI systems list findings natively, grouped by
// statement kind and table (classname). A breaking
// shape is a <failure>; a review shape or an allowed finding is <skipped> with the message; a
// shape without findings passes; with --migrate-during, one more case for the lock impact. Valid against tests/outputs/junit-10.xsd (the Jenkins shape).
#include <sstream>

#include "pgshadow/report/renderers.h"
#include "pgshadow/sql/statement_target.h"
#include "lock_impact_view.h"
#include "report_view.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;
using view::escape_xml;

struct ShapeTestCase {
  std::string name;
  std::string classname;
  std::string status;  // breaking, review, allowed, none
  std::string message;
  std::string type;
  std::string detail;
  double seconds = 0;
};

// Shadow time spent on the shape, estimated from its median: JUnit wants a time per case.
double shape_seconds(const json& shape) {
  const json shadow = shape.value("latency", json::object()).value("shadow", json::object());
  return static_cast<double>(shadow.value("count", std::uint64_t{0})) * shadow.value("p50_ms", 0.0) / 1000.0;
}

std::string detail_of(const json& shape) {
  std::string text = "query shape: " + shape.value("normalized", "") + "\nfingerprint: " +
                     shape.value("fingerprint", "") + "\nclasses: " +
                     view::class_list(shape.value("classes", json::object()), false) + "\n";
  const std::string sqlstates = view::sqlstates(shape);
  if (!sqlstates.empty()) text += "SQLSTATE: " + sqlstates + "\n";
  if (shape.contains("first_divergence") && shape["first_divergence"].is_object()) {
    text += "first at: " + shape["first_divergence"].value("source", "") + "\n";
  }
  const std::string allowed = view::allowed_reasons(shape);
  if (!allowed.empty()) text += "allowed: " + allowed + "\n";
  return text;
}

// CI systems group test cases by classname: by what the statement does and to which table
// ("pgshadow.UPDATE.users"), so a reviewer sees every broken read of `users` together.
std::string classname_of(const std::string& normalized) {
  const sql::StatementTarget target = sql::target_of(normalized);
  return "pgshadow." + target.kind + (target.table.empty() ? "" : "." + target.table);
}

std::string timestamp(const json& report) {
  // The Jenkins schema wants a local date-time without a zone: 2026-11-23T10:00:00.
  std::string text = report.value("started_at", "");
  if (!text.empty() && text.back() == 'Z') text.pop_back();
  return text.size() == 19 ? text : "1970-01-01T00:00:00";
}

// --migrate-during: one case for what the migration's locks did to the traffic (breaking: a
// <failure>, review: <skipped>, as the shapes are).
ShapeTestCase lock_impact_case(const json& lock_impact, const std::string& verdict) {
  ShapeTestCase test;
  test.name = "lock impact of the migration";
  test.classname = "pgshadow.migration.locks";
  test.status = verdict == "safe" ? "none" : verdict;
  test.message = (verdict == "review" ? "review: " : "") + view::lock_impact_summary(lock_impact);
  test.type = "lock_impact";
  for (const auto& line : view::migration_lock_lines(lock_impact)) {
    if (!line.statement.empty()) test.detail += line.location + " " + line.statement + " (" + line.took + ")\n";
    if (!line.lock.empty()) test.detail += "  " + line.lock + ": waited " + line.waited + ", held " + line.held + "\n";
  }
  for (const auto& line : view::shape_wait_lines(lock_impact)) {
    test.detail += "query shape: " + line.normalized + "\n  waited behind the migration: " + line.shadow_behind +
                   "; baseline waits: " + line.baseline + "; failed because of it: " + line.failed +
                   "; p95 while it ran (baseline → shadow): " + line.latency + "\n";
  }
  return test;
}

}  // namespace

std::string render_junit(const json& report) {
  const json inputs = report.value("inputs", json::object());
  const std::string suite = "pgshadow verify" + (inputs.contains("scenario") && inputs["scenario"].is_string()
                                                     ? " " + inputs["scenario"].get<std::string>()
                                                     : std::string());
  std::vector<ShapeTestCase> cases;
  const json migration = report.value("migration", json::object());
  if (migration.contains("failure") && migration["failure"].is_object()) {
    const json& failure = migration["failure"];
    cases.push_back({"migration " + failure.value("file", ""), "pgshadow.migration", "breaking",
                     failure.value("explanation", ""), "migration_failed",
                     "statement: " + failure.value("statement", "") + "\nSQLSTATE: " + failure.value("sqlstate", "") +
                         " " + failure.value("condition", "") + "\n",
                     0});
  }
  if (const std::string verdict = view::lock_impact_verdict(report); !verdict.empty()) {
    cases.push_back(lock_impact_case(report["lock_impact"], verdict));
  }
  for (const auto& shape : report.value("shapes", json::array())) {
    ShapeTestCase test;
    test.name = shape.value("normalized", "");
    test.classname = classname_of(shape.value("normalized", ""));
    test.status = view::shape_status(shape);
    test.message = view::explanation(shape);
    std::string classes;
    for (const auto& name : view::weighing_classes(shape)) classes += (classes.empty() ? "" : ",") + name;
    test.type = classes.empty() ? "latency_regression" : classes;
    test.detail = detail_of(shape);
    test.seconds = shape_seconds(shape);
    if (test.status == "allowed") test.message = "allowed: " + view::allowed_reasons(shape);
    if (test.status == "review") test.message = "review: " + test.message;
    cases.push_back(std::move(test));
  }

  std::size_t failures = 0;
  std::size_t skipped = 0;
  for (const auto& test : cases) {
    failures += test.status == "breaking" ? 1 : 0;
    skipped += test.status == "review" || test.status == "allowed" ? 1 : 0;
  }
  std::ostringstream out;
  const std::string time = std::to_string(report.value("wall_seconds", 0.0));
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"pgshadow\" tests=\"" << cases.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" time=\"" << time << "\">\n"
      << "  <testsuite name=\"" << escape_xml(suite) << "\" tests=\"" << cases.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << time << "\" timestamp=\"" << timestamp(report)
      << "\">\n    <properties>\n";
  const auto property = [&](const std::string& name, const std::string& value) {
    out << "      <property name=\"" << escape_xml(name) << "\" value=\"" << escape_xml(value) << "\"/>\n";
  };
  property("verdict", view::verdict(report));
  property("judged_verdict", report.value("verdict", ""));
  if (report.contains("gate")) property("fail_on", report["gate"].value("fail_on", ""));
  property("accounting", view::accounting_line(report));
  if (report.contains("run") && report["run"].is_object()) {
    property("run", report["run"].value("id", ""));
    const json shard = report["run"].value("shard", json::object());
    property("shard", std::to_string(shard.value("index", 0)) + "/" + std::to_string(shard.value("count", 1)));
  }
  property("pgshadow_version", report.value("pgshadow_version", ""));
  out << "    </properties>\n";
  for (const auto& test : cases) {
    out << "    <testcase name=\"" << escape_xml(test.name) << "\" classname=\"" << escape_xml(test.classname)
        << "\" time=\"" << std::to_string(test.seconds) << "\"";
    if (test.status == "none") {
      out << "/>\n";
      continue;
    }
    out << ">\n";
    if (test.status == "breaking") {
      out << "      <failure message=\"" << escape_xml(test.message) << "\" type=\"" << escape_xml(test.type) << "\">"
          << escape_xml(test.detail) << "</failure>\n";
    } else {
      out << "      <skipped message=\"" << escape_xml(test.message) << "\"/>\n"
          << "      <system-out>" << escape_xml(test.detail) << "</system-out>\n";
    }
    out << "    </testcase>\n";
  }
  out << "    <system-out>" << escape_xml(view::accounting_line(report)) << "</system-out>\n"
      << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace pgshadow::report
