// The Markdown report: verdict first, then breaking shapes, review items, allowed findings and
// the accounting. Short when all is well: a safe run is the verdict and one accounting line.
#include <sstream>

#include "pgshadow/report/renderers.h"
#include "report_view.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;

// Text in a table cell: no line breaks, no column separators, no raw HTML.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

// A code span in a table cell: code spans render HTML literally, so only the pipe (GFM splits
// cells first) and backticks need care; long shapes are cut with an ellipsis.
std::string code(std::string text) {
  constexpr std::size_t kMax = 200;
  if (text.size() > kMax) text = text.substr(0, kMax) + "…";
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '`') {
      out += '\'';
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return "`" + out + "`";
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

void shape_table(std::ostream& out, const std::vector<const json*>& shapes) {
  out << "| class | SQLSTATE | count | query shape | why |\n|---|---|---:|---|---|\n";
  for (const json* shape : shapes) {
    std::string classes;
    for (const auto& name : view::weighing_classes(*shape)) classes += (classes.empty() ? "" : ", ") + name;
    if (classes.empty()) classes = "latency";
    const std::string sqlstates = view::sqlstates(*shape);
    out << "| " << cell(classes) << " | " << (sqlstates.empty() ? "–" : cell(sqlstates)) << " | "
        << view::differing(*shape) << " of " << shape->value("statements", std::uint64_t{0}) << " | "
        << code(shape->value("normalized", "")) << " | " << cell(view::explanation(*shape)) << " |\n";
  }
}

// Per shape whose first divergence carries row differences: a table of the differing cells.
void row_differences(std::ostream& out, const std::vector<const json*>& shapes) {
  bool any = false;
  for (const json* shape : shapes) {
    if (!shape->contains("first_divergence") || !(*shape)["first_divergence"].is_object()) continue;
    const json& first = (*shape)["first_divergence"];
    if (!first.contains("row_differences") || !first["row_differences"].is_object()) continue;
    const json& differences = first["row_differences"];
    if (!any) out << "### Differing rows\n\n";
    any = true;
    const std::string note = view::row_differences_note(differences);
    out << "**" << code(shape->value("normalized", "")) << "**" << (note.empty() ? "" : " (" + cell(note) + ")")
        << "\n\n";
    const auto lines = view::row_difference_lines(differences);
    if (lines.empty()) continue;
    out << "| row | column | baseline | shadow |\n|---|---|---|---|\n";
    for (const auto& line : lines) {
      out << "| " << cell(line.row) << " | " << cell(line.column) << " | " << cell(line.baseline) << " | "
          << cell(line.shadow) << " |\n";
    }
    out << "\n";
  }
}

}  // namespace

std::string render_markdown(const json& report) {
  std::ostringstream out;
  const std::string verdict = view::verdict(report);
  const char* mark = verdict == "breaking" ? "❌" : verdict == "review" ? "⚠️" : "✅";
  const json inputs = report.value("inputs", json::object());
  out << "## " << mark << " pgshadow: " << upper(verdict);
  if (inputs.contains("scenario") && inputs["scenario"].is_string()) {
    out << " — " << cell(inputs["scenario"].get<std::string>());
  }
  out << "\n\n";
  for (const auto& reason : report.value("verdict_reasons", json::array())) out << "- " << cell(reason.get<std::string>()) << "\n";
  if (report.contains("gate")) {
    for (const auto& reason : report["gate"].value("reasons", json::array())) {
      out << "- gate: " << cell(reason.get<std::string>()) << "\n";
    }
  }
  out << "\n";

  const json migration = report.value("migration", json::object());
  if (migration.contains("failure") && migration["failure"].is_object()) {
    const json& failure = migration["failure"];
    out << "### Breaking: the migration fails\n\n"
        << "| class | SQLSTATE | where | statement | why |\n|---|---|---|---|---|\n"
        << "| migration_failed | " << cell(failure.value("sqlstate", "") + " " + failure.value("condition", ""))
        << " | " << cell(failure.value("file", "") + ":" + std::to_string(failure.value("line", 0))) << " | "
        << code(failure.value("statement", "")) << " | " << cell(failure.value("explanation", "")) << " |\n\n";
  }

  std::vector<const json*> breaking;
  std::vector<const json*> review;
  std::vector<const json*> allowed;
  std::size_t quiet = 0;
  const json shapes = report.value("shapes", json::array());  // the pointers below point into it
  for (const auto& shape : shapes) {
    const std::string status = view::shape_status(shape);
    if (status == "breaking") breaking.push_back(&shape);
    else if (status == "review") review.push_back(&shape);
    else if (status == "allowed") allowed.push_back(&shape);
    else ++quiet;
    if (status != "allowed" && status != "none" && !view::allowed_reasons(shape).empty()) allowed.push_back(&shape);
  }
  if (!breaking.empty()) {
    out << "### Breaking (" << breaking.size() << " query shape" << (breaking.size() == 1 ? "" : "s") << ")\n\n";
    shape_table(out, breaking);
    out << "\n";
  }
  if (!review.empty()) {
    out << "### To review (" << review.size() << ")\n\n";
    shape_table(out, review);
    out << "\n";
  }
  std::vector<const json*> with_rows = breaking;
  with_rows.insert(with_rows.end(), review.begin(), review.end());
  row_differences(out, with_rows);
  if (!allowed.empty()) {
    out << "### Allowed by the allowlist (" << allowed.size() << ")\n\n"
        << "| query shape | allowed | \n|---|---|\n";
    for (const json* shape : allowed) {
      out << "| " << code(shape->value("normalized", "")) << " | " << cell(view::allowed_reasons(*shape)) << " |\n";
    }
    out << "\n";
  }
  const json budgets = report.contains("gate") ? report["gate"].value("budgets", json::array()) : json::array();
  if (!budgets.empty()) {
    out << "| budget | statements | share | |\n|---|---:|---:|---|\n";
    for (const auto& budget : budgets) {
      char share[32];
      std::snprintf(share, sizeof share, "%.3g%%", budget.value("share", 0.0) * 100);
      out << "| " << cell(budget.value("class", "") + " ≤ " + budget.value("limit", "")) << " | "
          << budget.value("statements", std::uint64_t{0}) << " | " << share << " | "
          << (budget.value("exceeded", false) ? "**exceeded**" : "within") << " |\n";
    }
    out << "\n";
  }

  const bool all_well = breaking.empty() && review.empty() && allowed.empty();
  out << (all_well ? "" : "### Accounting\n\n") << view::accounting_line(report);
  if (quiet > 0 && !all_well) out << "; " << quiet << " other query shape" << (quiet == 1 ? "" : "s") << " all fine";
  if (all_well) out << "; " << quiet << " query shape" << (quiet == 1 ? "" : "s") << ", all fine";
  out << ".\n";
  if (!all_well) {
    out << "Classes: " << cell(view::class_list(report.value("classes", json::object()), false)) << ".\n";
    const json fidelity = report.value("accounting", json::object()).value("fidelity", json::object());
    if (fidelity.value("not_reproduced", std::uint64_t{0}) > 0) {
      out << "Fidelity: " << fidelity.value("not_reproduced", std::uint64_t{0})
          << " compared statements did not do on the baseline what they did in production (weak evidence).\n";
    }
  }
  return out.str();
}

}  // namespace pgshadow::report
