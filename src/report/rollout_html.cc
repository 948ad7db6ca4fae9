#include "pgshadow/report/rollout_html.h"

#include <sstream>

#include "pgshadow/util/ascii_case.h"
#include "pgshadow/rollout/matrix_words.h"
#include "report_view.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;
using view::escape_xml;

constexpr const char* kRolloutReportStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}.verdict{display:inline-block;padding:.2em .6em;border-radius:4px;color:#fff;font-weight:bold}
.v-breaking{background:#c62828}.v-review{background:#ef6c00}.v-safe{background:#2e7d32}.v-incomplete{background:#6d4c41}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}#verified th{background:#fafafa;white-space:nowrap}
td.c-breaking{background:#ffebee;color:#b71c1c;font-weight:bold}td.c-review{background:#fff3e0;color:#e65100}
td.c-safe{background:#e8f5e9;color:#1b5e20}td.c-expected,td.c-not_run{background:#f5f5f5;color:#666}
td.idle{font-style:italic}code{font-size:12px;word-break:break-all}.muted{color:#666}
details{margin:.3em 0}summary{cursor:pointer}
)";

std::string text_of(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::string verdict_class(const std::string& verdict, bool incomplete) {
  return incomplete && verdict != "breaking" ? "v-incomplete" : "v-" + verdict;
}

std::string step_title(const json& row) {
  const json share = row.value("new_share", json());
  return rollout::step_title(text_of(row, "step"), text_of(row, "kind") == "rollback" ? text_of(row, "after") : "",
                             share.is_number() ? std::optional<double>(share.get<double>()) : std::nullopt);
}

std::string cell_word(const json& cell) {
  return rollout::cell_word(text_of(cell, "verdict"), cell.value("deployed", false));
}

void findings_list(std::ostream& out, const json& cell) {
  const json findings = cell.value("findings", json::array());
  if (findings.empty()) return;
  out << "<details><summary>" << findings.size() << " finding" << (findings.size() == 1 ? "" : "s")
      << "</summary><ul>";
  for (const auto& finding : findings) {
    out << "<li><b>" << escape_xml(text_of(finding, "kind")) << "</b> " << escape_xml(text_of(finding, "sqlstate"))
        << " <code>" << escape_xml(text_of(finding, "shape")) << "</code> (" << finding.value("statements", 0)
        << " statements)";
    if (const std::string why = text_of(finding, "explanation"); !why.empty()) out << "<br>" << escape_xml(why);
    out << "</li>";
  }
  out << "</ul></details>";
}

void matrix_table(std::ostream& out, const json& report) {
  const json versions = report.value("versions", json::array({"old", "new"}));
  out << "<h2>Phase matrix</h2>\n<table id=\"matrix\"><thead><tr><th>step</th><th>migrations</th>";
  for (const auto& version : versions) out << "<th>" << escape_xml(version.get<std::string>()) << "</th>";
  out << "</tr></thead><tbody>\n";
  for (const auto& row : report.value("rows", json::array())) {
    std::string migrations;
    for (const auto& m : row.value("migrations", json::array())) {
      migrations += (migrations.empty() ? "" : "<br>") + escape_xml(m.get<std::string>());
    }
    out << "<tr><th>" << escape_xml(step_title(row)) << "</th><td>" << (migrations.empty() ? "-" : migrations);
    if (row.contains("migration_failure") && row["migration_failure"].is_object()) {
      out << "<br><b class=\"c-breaking\">migration fails:</b> "
          << escape_xml(text_of(row["migration_failure"], "explanation"));
    }
    out << "</td>";
    const json cells = row.value("cells", json::object());
    for (const auto& version : versions) {
      const std::string name = version.get<std::string>();
      if (!cells.contains(name)) {
        out << "<td>-</td>";
        continue;
      }
      const json& cell = cells[name];
      const bool deployed = cell.value("deployed", false);
      out << "<td class=\"c-" << escape_xml(text_of(cell, "verdict")) << (deployed ? "" : " idle") << "\">"
          << escape_xml(cell_word(cell));
      out << "<br><span class=\"muted\">" << cell.value("compared", 0) << " compared";
      if (cell.value("fail_before", 0) > 0) out << ", " << cell.value("fail_before", 0) << " failing only before the step";
      if (cell.value("failed", 0) > 0) out << ", " << cell.value("failed", 0) << " not replayable";
      out << "</span>";
      findings_list(out, cell);
      out << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody></table>\n<p class=\"muted\">In parentheses: the version is not deployed during the step; its "
         "cell says what it would do there and never weighs (expected: new code before its phase, old code after "
         "the contract).</p>\n";
}

void checks_table(std::ostream& out, const json& report) {
  std::ostringstream rows;
  for (const auto& row : report.value("rows", json::array())) {
    for (const auto& check : row.value("checks", json::array())) {
      const std::string state = text_of(check, "state");
      rows << "<tr><td>" << escape_xml(step_title(row)) << "</td><td>" << escape_xml(text_of(check, "name"))
           << "</td><td class=\"c-" << (state == "passed" ? "safe" : "breaking") << "\">" << escape_xml(state)
           << "</td><td>" << escape_xml(text_of(check, "value"))
           << (text_of(check, "detail").empty() ? "" : "<br>" + escape_xml(text_of(check, "detail"))) << "</td><td>"
           << escape_xml(text_of(check, "where")) << "</td></tr>\n";
    }
  }
  if (rows.str().empty()) return;
  out << "<h2>Data checks</h2>\n<table id=\"checks\"><thead><tr><th>step</th><th>check</th><th>state</th>"
         "<th>value</th><th>where</th></tr></thead><tbody>\n"
      << rows.str() << "</tbody></table>\n";
}

}  // namespace

std::string render_rollout_html(const json& report) {
  // As the terminal says it: "BREAKING (INCOMPLETE)" is proven breaking; an incomplete matrix
  // with nothing breaking proves nothing, and is coloured so.
  const std::string verdict = text_of(report, "verdict");
  const bool incomplete = report.value("incomplete", false);
  std::string word = ascii_upper(verdict);
  if (incomplete) word += " (INCOMPLETE)";
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>pgshadow rollout: " << escape_xml(word) << " " << escape_xml(text_of(report, "scenario"))
      << "</title><style>" << kRolloutReportStyle << "</style></head>\n<body>\n"
      << "<h1>pgshadow rollout <span id=\"verdict\" class=\"verdict " << verdict_class(verdict, incomplete) << "\">"
      << escape_xml(word) << "</span></h1>\n";
  out << "<table id=\"verified\"><tr><th>plan</th><td>" << escape_xml(text_of(report, "plan")) << "</td></tr>"
      << "<tr><th>scenario</th><td>" << escape_xml(text_of(report, "scenario")) << "</td></tr>"
      << "<tr><th>server</th><td>PostgreSQL " << escape_xml(text_of(report, "server_version")) << "</td></tr>"
      << "<tr><th>run</th><td>" << escape_xml(text_of(report, "started_at")) << "</td></tr></table>\n";
  out << "<ul id=\"reasons\">";
  for (const auto& reason : report.value("reasons", json::array())) out << "<li>" << escape_xml(reason.get<std::string>()) << "</li>";
  out << "</ul>\n";
  matrix_table(out, report);
  checks_table(out, report);
  out << "</body></html>\n";
  return out.str();
}

}  // namespace pgshadow::report
