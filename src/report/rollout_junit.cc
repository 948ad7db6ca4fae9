#include "pgshadow/report/rollout_junit.h"

#include <sstream>
#include <vector>

#include "report_view.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;
using view::escape_xml;

struct MatrixTestCase {
  std::string classname;
  std::string name;
  std::string failure;  // empty: passed
  std::string failure_type;
  std::string detail;
  std::string skipped;  // non-empty: skipped, with this message
};

std::string findings_text(const json& cell) {
  std::string text;
  for (const auto& finding : cell["findings"]) {
    text += finding["kind"].get<std::string>() + " " + finding["sqlstate"].get<std::string>() + " " +
            finding["shape"].get<std::string>() + " (" + std::to_string(finding["statements"].get<std::uint64_t>()) +
            " statements)\n";
  }
  return text;
}

std::vector<MatrixTestCase> cases_of(const json& row) {
  std::vector<MatrixTestCase> cases;
  const std::string classname = "rollout." + row["step"].get<std::string>();
  if (row["migration_failure"].is_object()) {
    const auto& failure = row["migration_failure"];
    cases.push_back({classname, "migration", failure["explanation"].get<std::string>(), "migration_failed",
                     failure["statement_shape"].get<std::string>(), ""});
  }
  for (const auto& [version, cell] : row["cells"].items()) {
    MatrixTestCase test{classname, version + " application", "", "", findings_text(cell), ""};
    const std::string verdict = cell["verdict"].get<std::string>();
    if (cell["deployed"] != true) {
      test.skipped = "not deployed during the step: " + verdict;
    } else if (verdict == "breaking") {
      test.failure = "the " + version + " application breaks while deployed";
      test.failure_type = "breaking";
    } else if (verdict == "not_run") {
      test.skipped = "not run: " + cell.value("not_run_reason", std::string());
    }
    cases.push_back(test);
  }
  for (const auto& check : row["checks"]) {
    MatrixTestCase test{classname + ".checks", check["name"].get<std::string>(), "", "", check["detail"].get<std::string>(), ""};
    const std::string state = check["state"].get<std::string>();
    if (state != "passed") {
      test.failure = "check " + state + ": " + check["value"].get<std::string>();
      test.failure_type = state == "failed" ? "check_failed" : "check_error";
    }
    cases.push_back(test);
  }
  return cases;
}

}  // namespace

std::string render_rollout_junit(const json& rollout_report) {
  std::vector<MatrixTestCase> cases;
  for (const auto& row : rollout_report["rows"]) {
    auto more = cases_of(row);
    cases.insert(cases.end(), more.begin(), more.end());
  }
  std::size_t failures = 0;
  std::size_t skipped = 0;
  for (const auto& test : cases) {
    failures += test.failure.empty() ? 0 : 1;
    skipped += test.skipped.empty() ? 0 : 1;
  }
  const std::string suite = "pgshadow rollout " + rollout_report.value("scenario", std::string());
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"pgshadow rollout\" tests=\"" << cases.size() << "\" failures=\"" << failures << "\">\n"
      << "  <testsuite name=\"" << escape_xml(suite) << "\" tests=\"" << cases.size() << "\" failures=\"" << failures
      << "\" skipped=\"" << skipped << "\">\n"
      << "    <properties>\n      <property name=\"verdict\" value=\""
      << escape_xml(rollout_report["verdict"].get<std::string>()) << "\"/>\n    </properties>\n";
  for (const auto& test : cases) {
    out << "    <testcase name=\"" << escape_xml(test.name) << "\" classname=\"" << escape_xml(test.classname) << "\"";
    if (test.failure.empty() && test.skipped.empty()) {
      out << "/>\n";
      continue;
    }
    out << ">\n";
    if (!test.failure.empty()) {
      out << "      <failure message=\"" << escape_xml(test.failure) << "\" type=\"" << escape_xml(test.failure_type)
          << "\">" << escape_xml(test.detail) << "</failure>\n";
    } else {
      out << "      <skipped message=\"" << escape_xml(test.skipped) << "\"/>\n";
    }
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace pgshadow::report
