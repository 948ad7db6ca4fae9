#include "report_view.h"

#include <cctype>
#include <utility>

#include "pgshadow/core/divergence_class.h"
#include "pgshadow/core/sqlstate.h"

namespace pgshadow::report::view {
namespace {

std::string text_of(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A shown value, SQL-quoted, cut to a table's width without splitting a UTF-8 character.
std::string quoted(std::string text) {
  constexpr std::size_t kMax = 80;
  if (text.size() > kMax) {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "…";
  }
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string side_value(const json& cell, const char* side) {
  if (!cell.contains(side)) return "–";
  const json& value = cell[side];
  if (!value.is_object()) return "NULL";
  if (value.contains("value") && value["value"].is_string()) return quoted(value["value"].get<std::string>());
  const std::uint64_t bytes = value.value("bytes", std::uint64_t{0});
  return "‹" + std::to_string(bytes) + (bytes == 1 ? " byte›" : " bytes›");
}

std::string row_label(const json& row) {
  const auto position = [&](const char* key) {
    return row.contains(key) && row[key].is_number() ? "#" + std::to_string(row[key].get<std::uint64_t>()) : "";
  };
  const std::string kind = text_of(row, "kind");
  if (kind == "baseline_only") return position("baseline_row") + " (baseline only)";
  if (kind == "shadow_only") return position("shadow_row") + " (shadow only)";
  const std::string baseline = position("baseline_row");
  const std::string shadow = position("shadow_row");
  return baseline == shadow ? baseline : baseline + " → " + shadow;
}

bool is_allowed(const json& shape, const std::string& divergence) {
  for (const auto& allowed : shape.value("allowed", json::array())) {
    if (text_of(allowed, "class") == divergence) return true;
  }
  return false;
}

}  // namespace

std::string verdict(const json& report) {
  if (report.contains("gate") && report["gate"].is_object()) return text_of(report["gate"], "verdict");
  return text_of(report, "verdict");
}

std::string run_line(const json& report) {
  if (!report.contains("run") || !report["run"].is_object()) return "";
  const json& run = report["run"];
  std::string line = "run " + text_of(run, "id");
  const json shard = run.value("shard", json::object());
  const int count = shard.is_object() ? shard.value("count", 1) : 1;
  if (count > 1) {
    line += ", shard " + std::to_string(shard.value("index", 0)) + "/" + std::to_string(count) + " (its sessions only)";
  }
  const json merged = report.value("merged_from", json::array());
  if (merged.is_array() && !merged.empty()) line += ", " + std::to_string(merged.size()) + " shards merged";
  return line;
}

std::string scaled_tables_line(const json& report) {
  const json servers = report.value("servers", json::object());
  std::string line;
  for (const auto& table : servers.value("scaled_tables", json::array())) {
    const auto before = table.value("rows_before", std::uint64_t{0});
    const auto after = table.value("rows_after", std::uint64_t{0});
    line += (line.empty() ? "" : "; ") + text_of(table, "table") +
            (after == before ? " left at " + std::to_string(before) + " rows"
                             : " grown from " + std::to_string(before) + " to " + std::to_string(after) + " rows by copies");
  }
  return line.empty() ? line : line + " (--scale-table)";
}

std::string headline(const json& report) {
  const std::string said = verdict(report);
  const json accounting = report.value("accounting", json::object());
  // As report::verdict_word: a safe verdict over failed statements is unproven, and a run a
  // signal stopped proves only a breaking finding.
  if (said == "safe" && accounting.value("failed", std::uint64_t{0}) > 0) return "incomplete";
  if (!interruption(report).empty() && said != "breaking") return "incomplete";
  return said;
}

std::string interruption(const json& report) {
  if (!report.contains("interrupted") || !report["interrupted"].is_object()) return "";
  const json& stop = report["interrupted"];
  const json accounting = report.value("accounting", json::object());
  return "interrupted by " + text_of(stop, "signal") + " during the " + text_of(stop, "during") + ": " +
         std::to_string(accounting.value("compared", std::uint64_t{0})) +
         " statements compared, the rest of the capture not replayed";
}

// What the class weighs in this run: as the judge said in the shape's class_severities, else as
// the design's table says (reports written before classes had run-dependent weights).
Severity class_severity(const json& shape, const std::string& name) {
  const json severities = shape.value("class_severities", json::object());
  const std::string said = severities.value(name, "");
  if (said == "breaking") return Severity::kBreaking;
  if (said == "review") return Severity::kReview;
  if (said == "none") return Severity::kNone;
  const auto divergence = divergence_class_from_string(name);
  return divergence ? severity_of(*divergence) : Severity::kNone;
}

std::vector<std::string> weighing_classes(const json& shape) {
  std::vector<std::string> classes;
  const json counts = shape.value("classes", json::object());  // items() must not outlive it
  for (const auto& [name, count] : counts.items()) {
    if (class_severity(shape, name) != Severity::kNone && count.get<std::uint64_t>() > 0) classes.push_back(name);
  }
  return classes;
}

std::string shape_status(const json& shape) {
  const std::string severity = text_of(shape, "severity");
  if (severity == "none" || severity.empty()) return "none";
  const auto classes = weighing_classes(shape);
  if (classes.empty()) return severity;  // a latency regression
  Severity heaviest = Severity::kNone;
  for (const auto& name : classes) {
    if (is_allowed(shape, name)) continue;
    const Severity s = class_severity(shape, name);
    if (static_cast<int>(s) > static_cast<int>(heaviest)) heaviest = s;
  }
  if (heaviest == Severity::kNone) {
    return shape.value("latency", json::object()).value("regression", false) ? "review" : "allowed";
  }
  return std::string(to_string(heaviest));
}

std::string class_list(const json& classes, bool skip_match) {
  std::string text;
  for (const auto& [name, count] : classes.items()) {
    if (count.get<std::uint64_t>() == 0 || (skip_match && name == "match")) continue;
    text += (text.empty() ? "" : ", ") + name + " " + std::to_string(count.get<std::uint64_t>());
  }
  return text;
}

std::string sqlstates(const json& shape) {
  json errors = shape.value("shadow_errors", json::object());
  if (errors.empty()) errors = shape.value("baseline_errors", json::object());
  std::string text;
  for (const auto& [sqlstate, count] : errors.items()) {
    const std::string_view name = sqlstate_name(sqlstate);
    text += (text.empty() ? "" : ", ") + sqlstate + (name.empty() ? "" : " " + std::string(name));
  }
  return text;
}

std::string explanation(const json& shape) {
  if (shape.contains("first_divergence") && shape["first_divergence"].is_object()) {
    return text_of(shape["first_divergence"], "explanation");
  }
  const json latency = shape.value("latency", json::object());
  if (latency.value("regression", false)) return "slower on the shadow: " + text_of(latency, "explanation");
  return "";
}

std::uint64_t differing(const json& shape) {
  const std::uint64_t statements = shape.value("statements", std::uint64_t{0});
  const std::uint64_t matched = shape.value("classes", json::object()).value("match", std::uint64_t{0});
  return statements >= matched ? statements - matched : 0;
}

std::string allowed_reasons(const json& shape) {
  std::string text;
  for (const auto& allowed : shape.value("allowed", json::array())) {
    text += (text.empty() ? "" : "; ") + text_of(allowed, "class") + ": " + text_of(allowed, "reason") + " (" +
            text_of(allowed, "entry") + ")";
  }
  return text;
}

std::string accounting_line(const json& report) {
  const json a = report.value("accounting", json::object());
  const auto n = [&](const char* key) { return std::to_string(a.value(key, std::uint64_t{0})); };
  std::string text = n("events") + " events = " + n("compared") + " compared + " + n("skipped") + " skipped + " +
                     n("failed") + " failed";
  if (a.value("not_replayed", std::uint64_t{0}) > 0) text += " + " + n("not_replayed") + " not replayed";
  if (a.value("filtered", std::uint64_t{0}) > 0) text += " + " + n("filtered") + " filtered";
  if (!a.value("balanced", true)) text += " (UNBALANCED)";
  return text;
}

std::vector<RowDifferenceLine> row_difference_lines(const json& differences) {
  std::vector<RowDifferenceLine> lines;
  for (const auto& row : differences.value("rows", json::array())) {
    std::string label = row_label(row);
    for (const auto& cell : row.value("cells", json::array())) {
      lines.push_back({std::exchange(label, ""), text_of(cell, "column"), side_value(cell, "baseline"),
                       side_value(cell, "shadow")});
    }
  }
  return lines;
}

std::string row_differences_note(const json& differences) {
  std::string note;
  if (text_of(differences, "values") != "shown") note = "values masked: --show-values shows them (local use only)";
  if (differences.value("beyond_sample", false)) {
    note += (note.empty() ? "" : "; ") + std::string("more may differ beyond the sampled rows");
  }
  return note;
}


std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // XML 1.0 forbids most control characters even as references: show them as '?'.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace pgshadow::report::view
