#pragma once
// The human and CI renderings of a run: Markdown (pull-request comment, job summary), JUnit XML
// (one test case per query shape) and a self-contained HTML page. Each reads the JSON report
// (docs/report-format.md) and nothing else, so `pgshadow verify` (from its own to_json) and
// `pgshadow report FILE.json` (from a saved report) render alike. They show only what the JSON
// holds (literals only when it was written with --include-literals) and escape everything.
// Pure functions, thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pgshadow/util/result.h"

namespace pgshadow::report {

// GitHub refuses a comment over 65,536 characters; a byte budget below it holds whatever the
// characters are.
inline constexpr std::size_t kDefaultMarkdownBudget = 60000;

struct MarkdownSettings {
  // The rendering stays under this many bytes: the verdict, the reasons and the accounting
  // always; then breaking shapes, shapes to review, differing rows and allowed findings, in
  // that order, as many as fit; what was left out is counted in a closing note.
  std::size_t budget_bytes = kDefaultMarkdownBudget;
};

std::string render_markdown(const nlohmann::json& report, const MarkdownSettings& settings = {});
// GitHub Actions workflow commands (::error file=F,line=L,title=T::message), one per breaking
// finding (migration_failed at its file and line; a breaking shape at the first migration
// file), ::warning for review, at most `limit` lines then one ::notice with the rest's count.
std::string render_github_annotations(const nlohmann::json& report, std::size_t limit = 50);
// GitLab Code Quality report (a JSON array of issues: description, check_name, fingerprint,
// severity, location.path/lines.begin), for the merge request widget.
std::string render_codequality(const nlohmann::json& report);
std::string render_junit(const nlohmann::json& report);
std::string render_html(const nlohmann::json& report);

// "json", "md" (or "markdown"), "junit" (or "xml"), "html", "github" (annotations),
// "codequality" (GitLab); an unknown name is an Error.
Result<std::string> render(const nlohmann::json& report, std::string_view format);

// Checks the fields every renderer relies on, so a file that is not a pgshadow report fails
// with a message instead of rendering nonsense. `name` is the file name used in the error.
Status check_report_json(const nlohmann::json& report, const std::string& name);

}  // namespace pgshadow::report
