#pragma once
// The human and CI renderings of a run: Markdown (pull-request comment, job summary), JUnit XML
// (one test case per query shape) and a self-contained HTML page. Each reads the JSON report
// (docs/report-format.md) and nothing else, so `pgshadow verify` (from its own to_json) and
// `pgshadow report FILE.json` (from a saved report) render alike. They show only what the JSON
// holds (literals only when it was written with --include-literals) and escape everything.
// Pure functions, thread-safe.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pgshadow/util/result.h"

namespace pgshadow::report {

std::string render_markdown(const nlohmann::json& report);
std::string render_junit(const nlohmann::json& report);
std::string render_html(const nlohmann::json& report);

// "json", "md" (or "markdown"), "junit" (or "xml"), "html"; an unknown name is an Error.
Result<std::string> render(const nlohmann::json& report, std::string_view format);

// Checks the fields every renderer relies on, so a file that is not a pgshadow report fails
// with a message instead of rendering nonsense. `name` is the file name used in the error.
Status check_report_json(const nlohmann::json& report, const std::string& name);

}  // namespace pgshadow::report
