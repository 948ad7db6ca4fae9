#include "pgshadow/report/renderers.h"

namespace pgshadow::report {

Result<std::string> render(const nlohmann::json& report, std::string_view format) {
  if (format == "json") return report.dump(2) + "\n";
  if (format == "md" || format == "markdown") return render_markdown(report);
  if (format == "junit" || format == "xml") return render_junit(report);
  if (format == "html") return render_html(report);
  if (format == "github") return render_github_annotations(report);
  if (format == "codequality") return render_codequality(report);
  return Error::bad_input("--format must be md, html, junit, json, github or codequality, not '" + std::string(format) +
                          "'");
}

Status check_report_json(const nlohmann::json& report, const std::string& name) {
  if (!report.is_object() || !report.contains("pgshadow_report")) {
    return Error::bad_input(name + ": not a pgshadow JSON report (no 'pgshadow_report' field)");
  }
  if (!report["pgshadow_report"].is_number_integer() || report["pgshadow_report"].get<int>() != 1) {
    return Error::bad_input(name + ": report format " + report["pgshadow_report"].dump() +
                            " is not one this pgshadow renders (1)");
  }
  for (const char* field : {"verdict", "shapes", "accounting", "classes"}) {
    if (!report.contains(field)) return Error::bad_input(name + ": the report has no '" + field + "' field");
  }
  if (!report["shapes"].is_array()) return Error::bad_input(name + ": 'shapes' must be an array");
  return Status::success();
}

}  // namespace pgshadow::report
