// The Markdown report: verdict first, then breaking shapes, review items, allowed findings and
// the accounting. Short when all is well: a safe run is the verdict and one accounting line.
// Sized for where it goes (a pull-request comment, a job summary): MarkdownSettings::budget_bytes,
// with a note saying what was left out, placed right after the verdict where a reader sees it.
#include <cstdio>
#include <sstream>
#include <vector>

#include "pgshadow/util/ascii_case.h"
#include "pgshadow/report/renderers.h"
#include "lock_impact_view.h"
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

std::string upper_first(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

// A latency in a reviewer's units: 3 significant digits at most ("0.42 ms", "12.1 ms",
// "148 ms", "2.3 s").
std::string human_ms(double ms) {
  char text[32];
  if (ms >= 1000) {
    std::snprintf(text, sizeof text, "%.1f s", ms / 1000);
  } else if (ms >= 100) {
    std::snprintf(text, sizeof text, "%.0f ms", ms);
  } else if (ms >= 10) {
    std::snprintf(text, sizeof text, "%.1f ms", ms);
  } else {
    std::snprintf(text, sizeof text, "%.2g ms", ms);
  }
  return text;
}

// "p95 12.1 ms -> 48.4 ms" when both sides have a p95; "" otherwise.
std::string p95_change(const json& shape) {
  const json latency = shape.value("latency", json::object());
  const json baseline = latency.value("baseline", json::object());
  const json shadow = latency.value("shadow", json::object());
  if (!baseline.contains("p95_ms") || !shadow.contains("p95_ms")) return "";
  if (!baseline["p95_ms"].is_number() || !shadow["p95_ms"].is_number()) return "";
  return "p95 " + human_ms(baseline["p95_ms"].get<double>()) + " -> " + human_ms(shadow["p95_ms"].get<double>());
}

constexpr const char* kShapeTableHeader = "| class | SQLSTATE | count | query shape | why |\n|---|---|---:|---|---|\n";

std::string shape_row(const json& shape) {
  std::string classes;
  for (const auto& name : view::weighing_classes(shape)) classes += (classes.empty() ? "" : ", ") + name;
  std::string why = view::explanation(shape);
  if (classes.empty()) {
    classes = "latency";
    if (const std::string p95 = p95_change(shape); !p95.empty()) why = p95 + "; " + why;
  }
  const std::string sqlstates = view::sqlstates(shape);
  std::ostringstream out;
  out << "| " << cell(classes) << " | " << (sqlstates.empty() ? "–" : cell(sqlstates)) << " | "
      << view::differing(shape) << " of " << shape.value("statements", std::uint64_t{0}) << " | "
      << code(shape.value("normalized", "")) << " | " << cell(why) << " |\n";
  return out.str();
}

// The differing cells of a shape's first divergence, or "" when it has none.
std::string row_differences_block(const json& shape) {
  if (!shape.contains("first_divergence") || !shape["first_divergence"].is_object()) return "";
  const json& first = shape["first_divergence"];
  if (!first.contains("row_differences") || !first["row_differences"].is_object()) return "";
  const json& differences = first["row_differences"];
  std::ostringstream out;
  const std::string note = view::row_differences_note(differences);
  out << "**" << code(shape.value("normalized", "")) << "**" << (note.empty() ? "" : " (" + cell(note) + ")")
      << "\n\n";
  const auto lines = view::row_difference_lines(differences);
  if (lines.empty()) return out.str();
  out << "| row | column | baseline | shadow |\n|---|---|---|---|\n";
  for (const auto& line : lines) {
    out << "| " << cell(line.row) << " | " << cell(line.column) << " | " << cell(line.baseline) << " | "
        << cell(line.shadow) << " |\n";
  }
  out << "\n";
  return out.str();
}

// One part of the report that may be cut: a heading and items, shown while the budget lasts.
struct Section {
  std::string heading;       // written before the first item shown (may be empty)
  std::vector<std::string> items;
  std::string trailer;       // after the last item shown
  std::string what;          // "breaking query shapes", for the note on what was left out
  std::size_t shown = 0;
};

// Fills `sections` in order while `budget` lasts; the first item that does not fit ends the
// filling (a later, less important section never shows while an earlier one is cut).
std::string fill(std::vector<Section>& sections, std::size_t budget) {
  std::string out;
  bool full = false;
  for (Section& section : sections) {
    if (full || section.items.empty()) continue;
    for (const std::string& item : section.items) {
      const std::size_t needed = (section.shown == 0 ? section.heading.size() : 0) + item.size() + section.trailer.size();
      if (out.size() + needed > budget) {
        full = true;
        break;
      }
      if (section.shown == 0) out += section.heading;
      out += item;
      ++section.shown;
    }
    if (section.shown > 0) out += section.trailer;
  }
  return out;
}

std::string left_out_note(const std::vector<Section>& sections, std::size_t budget) {
  std::string parts;
  for (const Section& section : sections) {
    const std::size_t missing = section.items.size() - section.shown;
    if (missing == 0) continue;
    parts += (parts.empty() ? "" : ", ") + std::to_string(missing) + " " + section.what;
  }
  if (parts.empty()) return "";
  return "> **Left out to keep this under " + std::to_string(budget / 1000) + " kB:** " + parts +
         ". The full report (`report.html`, `report.json` among the job's artifacts) has every one.\n\n";
}

// The lock impact (--migrate-during): the migration's locks, then the shapes that waited or
// failed behind them; no items without --migrate-during.
Section lock_impact_section(const json& report) {
  Section section;
  const std::string verdict = view::lock_impact_verdict(report);
  if (verdict.empty()) return section;
  const json& lock_impact = report["lock_impact"];
  section.heading = "### Lock impact: " + verdict + "\n\nThe migration was " + cell(view::lock_impact_summary(lock_impact)) + ".\n\n";
  if (const std::string scaled = view::scaled_tables_line(report); !scaled.empty()) {
    section.heading += "Tables: " + cell(scaled) + ".\n\n";
  }
  section.what = "lock impact tables";
  std::ostringstream locks;
  locks << "| where | migration statement | took | lock | waited | held |\n|---|---|---|---|---:|---:|\n";
  for (const auto& line : view::migration_lock_lines(lock_impact)) {
    locks << "| " << cell(line.location) << " | " << (line.statement.empty() ? "" : code(line.statement)) << " | "
          << cell(line.took) << " | " << cell(line.lock.empty() ? "(none seen)" : line.lock) << " | " << cell(line.waited)
          << " | " << cell(line.held) << " |\n";
  }
  section.items.push_back(locks.str() + "\n");
  const auto shapes = view::shape_wait_lines(lock_impact);
  if (!shapes.empty()) {
    std::ostringstream waits;
    waits << "| query shape | waited behind the migration (shadow) | waits on the baseline (control) | failed because of it "
             "| p95 while it ran (baseline → shadow) |\n"
          << "|---|---|---|---|---|\n";
    for (const auto& line : shapes) {
      waits << "| " << code(line.normalized) << " | " << cell(line.shadow_behind) << " | " << cell(line.baseline) << " | "
            << cell(line.failed) << " | " << cell(line.latency) << " |\n";
    }
    section.items.push_back(waits.str() + "\n");
  }
  return section;
}

}  // namespace

std::string render_markdown(const json& report, const MarkdownSettings& settings) {
  std::ostringstream head;
  const std::string verdict = view::headline(report);
  const char* mark = verdict == "breaking" ? "❌" : verdict == "review" || verdict == "incomplete" ? "⚠️" : "✅";
  const json inputs = report.value("inputs", json::object());
  head << "## " << mark << " pgshadow: " << ascii_upper(verdict);
  if (inputs.contains("scenario") && inputs["scenario"].is_string()) {
    head << " — " << cell(inputs["scenario"].get<std::string>());
  }
  head << "\n\n";
  if (const std::string stop = view::interruption(report); !stop.empty()) head << "- " << cell(stop) << "\n";
  for (const auto& reason : report.value("verdict_reasons", json::array())) head << "- " << cell(reason.get<std::string>()) << "\n";
  if (report.contains("gate")) {
    for (const auto& reason : report["gate"].value("reasons", json::array())) {
      head << "- gate: " << cell(reason.get<std::string>()) << "\n";
    }
  }
  head << "\n";

  const json migration = report.value("migration", json::object());
  if (migration.contains("failure") && migration["failure"].is_object()) {
    const json& failure = migration["failure"];
    head << "### Breaking: the migration fails\n\n"
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

  std::vector<Section> sections(4);
  Section& breaking_section = sections[0];
  breaking_section.heading = "### Breaking (" + std::to_string(breaking.size()) + " query shape" +
                             (breaking.size() == 1 ? "" : "s") + ")\n\n" + kShapeTableHeader;
  breaking_section.trailer = "\n";
  breaking_section.what = "breaking query shapes";
  for (const json* shape : breaking) breaking_section.items.push_back(shape_row(*shape));
  Section& review_section = sections[1];
  review_section.heading = "### To review (" + std::to_string(review.size()) + ")\n\n" + kShapeTableHeader;
  review_section.trailer = "\n";
  review_section.what = "query shapes to review";
  for (const json* shape : review) review_section.items.push_back(shape_row(*shape));
  Section& rows_section = sections[2];
  rows_section.heading = "### Differing rows\n\n";
  rows_section.what = "tables of differing rows";
  for (const auto* group : {&breaking, &review}) {
    for (const json* shape : *group) {
      if (std::string block = row_differences_block(*shape); !block.empty()) rows_section.items.push_back(std::move(block));
    }
  }
  Section& allowed_section = sections[3];
  allowed_section.heading = "### Allowed by the allowlist (" + std::to_string(allowed.size()) + ")\n\n" +
                            "| query shape | allowed | \n|---|---|\n";
  allowed_section.trailer = "\n";
  allowed_section.what = "allowed findings";
  for (const json* shape : allowed) {
    allowed_section.items.push_back("| " + code(shape->value("normalized", "")) + " | " +
                                    cell(view::allowed_reasons(*shape)) + " |\n");
  }

  // What psql would have printed while the migration ran ("drop cascades to view ..."): right
  // after the breaking shapes, since a reviewer must not miss it.
  Section messages_section;
  const json notes = migration.value("messages", json::array());
  const std::uint64_t counted_only = migration.value("messages_dropped", std::uint64_t{0});
  messages_section.heading = "### The migration's messages (" + std::to_string(notes.size() + counted_only) + ")\n\n" +
                             "| where | level | message |\n|---|---|---|\n";
  messages_section.trailer = counted_only > 0 ? "\n" + std::to_string(counted_only) + " more, counted only.\n\n" : "\n";
  messages_section.what = "migration messages";
  for (const auto& note : notes) {
    const std::string text = note.value("text", json()).is_string()
                                 ? note["text"].get<std::string>()
                                 : "(text withheld: raised by the migration's own code; --include-literals shows it)";
    messages_section.items.push_back("| " + cell(note.value("location", "")) + " | " + cell(note.value("severity", "")) +
                                     " | " + cell(text) + " |\n");
  }
  sections.insert(sections.begin() + 1, std::move(messages_section));
  // --migrate-during: what the migration's locks did to the traffic, after the migration's own
  // messages (its finding may be the run's only one).
  sections.insert(sections.begin() + 2, lock_impact_section(report));

  std::ostringstream tail;
  const json budgets = report.contains("gate") ? report["gate"].value("budgets", json::array()) : json::array();
  if (!budgets.empty()) {
    tail << "| budget | statements | share | |\n|---|---:|---:|---|\n";
    for (const auto& budget : budgets) {
      char share[32];
      std::snprintf(share, sizeof share, "%.3g%%", budget.value("share", 0.0) * 100);
      tail << "| " << cell(budget.value("class", "") + " ≤ " + budget.value("limit", "")) << " | "
           << budget.value("statements", std::uint64_t{0}) << " | " << share << " | "
           << (budget.value("exceeded", false) ? "**exceeded**" : "within") << " |\n";
    }
    tail << "\n";
  }
  const bool all_well = breaking.empty() && review.empty() && allowed.empty();
  tail << (all_well ? "" : "### Accounting\n\n") << view::accounting_line(report);
  if (quiet > 0 && !all_well) tail << "; " << quiet << " other query shape" << (quiet == 1 ? "" : "s") << " all fine";
  if (all_well) tail << "; " << quiet << " query shape" << (quiet == 1 ? "" : "s") << ", all fine";
  tail << ".";
  // Which run (and shard) this is, on the accounting's line: a safe run's report stays short.
  if (const std::string run = view::run_line(report); !run.empty()) tail << " " << cell(upper_first(run)) << ".";
  tail << "\n";
  if (!all_well) {
    tail << "Classes: " << cell(view::class_list(report.value("classes", json::object()), false)) << ".\n";
    const json fidelity = report.value("accounting", json::object()).value("fidelity", json::object());
    if (fidelity.value("not_reproduced", std::uint64_t{0}) > 0) {
      tail << "Fidelity: " << fidelity.value("not_reproduced", std::uint64_t{0})
           << " compared statements did not do on the baseline what they did in production (weak evidence).\n";
    }
  }
  std::uint64_t as_production_error = 0;
  const json by_sqlstate =
      report.value("replay", json::object()).value("replayed_as_production_error", json::object());
  for (const auto& [sqlstate, count] : by_sqlstate.items()) as_production_error += count.get<std::uint64_t>();
  if (as_production_error > 0) {
    tail << "Replayed as their production error: " << as_production_error
         << " statements that failed in production by timing (deadlock, serialization, lock, timeout, cancel) ran on"
            " both sides as that error, not raced again.\n";
  }

  // The head and the tail always show; the note on what was left out is at most a few hundred
  // bytes, reserved up front.
  constexpr std::size_t kNoteReserve = 400;
  const std::string head_text = head.str();
  const std::string tail_text = tail.str();
  const std::size_t fixed = head_text.size() + tail_text.size() + kNoteReserve;
  const std::size_t room = settings.budget_bytes > fixed ? settings.budget_bytes - fixed : 0;
  const std::string body = fill(sections, room);
  return head_text + left_out_note(sections, settings.budget_bytes) + body + tail_text;
}

}  // namespace pgshadow::report
