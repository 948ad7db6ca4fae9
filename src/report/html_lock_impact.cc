#include "html_lock_impact.h"

#include <sstream>

#include "lock_impact_view.h"
#include "report_view.h"

namespace pgshadow::report {

std::string lock_impact_html(const nlohmann::json& report) {
  using view::escape_xml;
  const std::string verdict = view::lock_impact_verdict(report);
  if (verdict.empty()) return "";
  const nlohmann::json& lock_impact = report["lock_impact"];
  std::ostringstream out;
  out << "<h2>Lock impact <span id=\"lock-impact-verdict\" class=\"verdict v-" << escape_xml(verdict) << "\">"
      << escape_xml(verdict) << "</span></h2>\n<p id=\"lock-impact-summary\">The migration was "
      << escape_xml(view::lock_impact_summary(lock_impact)) << ". The timeline below marks when it ran.</p>\n"
      << "<table id=\"migration-locks\"><tr><th>where</th><th>migration statement</th><th>took</th><th>lock</th>"
      << "<th>waited</th><th>held</th></tr>\n";
  for (const auto& line : view::migration_lock_lines(lock_impact)) {
    out << "<tr><td>" << escape_xml(line.location) << "</td><td><code>" << escape_xml(line.statement) << "</code></td><td>"
        << escape_xml(line.took) << "</td><td>" << escape_xml(line.lock.empty() ? "(none seen)" : line.lock) << "</td><td>"
        << escape_xml(line.waited) << "</td><td>" << escape_xml(line.held) << "</td></tr>\n";
  }
  out << "</table>\n";
  const auto shapes = view::shape_wait_lines(lock_impact);
  if (shapes.empty()) return out.str() + "<p class=\"muted\">No statement was sent, waited or failed while it ran.</p>\n";
  out << "<table id=\"lock-waits\"><tr><th>query shape</th><th>waited behind the migration (shadow)</th>"
      << "<th>waits on the baseline (control)</th><th>failed because of it</th>"
      << "<th>p95 while it ran (baseline → shadow)</th></tr>\n";
  for (const auto& line : shapes) {
    out << "<tr><td><code>" << escape_xml(line.normalized) << "</code></td><td>" << escape_xml(line.shadow_behind)
        << "</td><td>" << escape_xml(line.baseline) << "</td><td>" << escape_xml(line.failed) << "</td><td>"
        << escape_xml(line.latency) << "</td></tr>\n";
  }
  out << "</table>\n";
  return out.str();
}

}  // namespace pgshadow::report
