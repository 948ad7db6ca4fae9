#include "html_chart.h"

#include <algorithm>
#include <array>
#include <optional>
#include <sstream>

#include "pgshadow/core/divergence_class.h"
#include "report_view.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;

// Four groups a reviewer tells apart at a glance; the table has the exact classes.
struct Group {
  const char* name;
  const char* color;
};
constexpr std::array<Group, 4> kGroups = {{{"match", "#4caf50"},
                                           {"not counted (nondeterministic, consequence)", "#9e9e9e"},
                                           {"review", "#ff9800"},
                                           {"breaking", "#e53935"}}};

std::size_t group_of(const std::string& class_name) {
  if (class_name == "match") return 0;
  const auto divergence = divergence_class_from_string(class_name);
  if (!divergence) return 1;
  switch (severity_of(*divergence)) {
    case Severity::kBreaking: return 3;
    case Severity::kReview: return 2;
    case Severity::kNone: return 1;
  }
  return 1;
}

using Bar = std::array<std::uint64_t, kGroups.size()>;

Bar bar_of(const json& classes) {
  Bar bar{};
  for (const auto& [name, count] : classes.items()) bar[group_of(name)] += count.get<std::uint64_t>();
  return bar;
}

// --migrate-during: a band behind the bars the migration ran through (its statements were sent
// while it ran), or a dashed line where it ran when no statement was sent meanwhile.
std::string migration_window_svg(const json& timeline, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& spans,
                                 double left, double slot, double axis_y) {
  const json migration = timeline.value("migration", json());
  if (!migration.is_object() || !migration["first_sequence"].is_number() || spans.empty()) return "";
  const auto first = migration["first_sequence"].get<std::uint64_t>();
  const auto last = migration["last_sequence"].get<std::uint64_t>();
  const auto during = migration.value("statements_during", std::uint64_t{0});
  std::optional<std::size_t> from, to;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (spans[i].second < first || spans[i].first > last) continue;
    if (!from) from = i;
    to = i;
  }
  if (!from) return "";
  const double x = left + slot * static_cast<double>(*from);
  std::ostringstream svg;
  const std::string title = during > 0 ? "migration running: " + std::to_string(during) + " statements sent meanwhile (events " +
                                             std::to_string(first) + "–" + std::to_string(last) + ")"
                                       : "migration ran here (no statement was sent while it ran)";
  if (during > 0) {
    svg << "<rect id=\"migration-window\" x=\"" << x << "\" y=\"14\" width=\"" << slot * static_cast<double>(*to - *from + 1)
        << "\" height=\"" << axis_y - 14 << "\" fill=\"#7e57c2\" fill-opacity=\"0.15\" stroke=\"#7e57c2\"><title>" << title
        << "</title></rect>\n";
  } else {
    svg << "<line id=\"migration-window\" x1=\"" << x << "\" y1=\"14\" x2=\"" << x << "\" y2=\"" << axis_y
        << "\" stroke=\"#7e57c2\" stroke-dasharray=\"4 3\"><title>" << title << "</title></line>\n";
  }
  svg << "<text x=\"" << x + 2 << "\" y=\"11\" font-size=\"11\" fill=\"#5e35b1\">migration</text>\n";
  return svg.str();
}

}  // namespace

std::string classes_chart_svg(const json& report) {
  std::vector<Bar> bars;
  std::vector<std::string> labels;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;  // each bar's sequences
  const bool has_timeline = report.contains("timeline") && report["timeline"].is_object();
  if (has_timeline) {
    for (const auto& bucket : report["timeline"].value("buckets", json::array())) {
      bars.push_back(bar_of(bucket.value("classes", json::object())));
      spans.emplace_back(bucket.value("first_sequence", std::uint64_t{0}), bucket.value("last_sequence", std::uint64_t{0}));
      labels.push_back("events " + std::to_string(spans.back().first) + "–" + std::to_string(spans.back().second));
    }
  }
  if (bars.empty()) {
    bars.push_back(bar_of(report.value("classes", json::object())));
    labels.push_back("whole run");
  }
  std::uint64_t highest = 1;
  for (const Bar& bar : bars) {
    std::uint64_t total = 0;
    for (auto n : bar) total += n;
    highest = std::max(highest, total);
  }
  constexpr int kWidth = 800, kHeight = 200, kLeft = 40, kBottom = 20;
  const double slot = static_cast<double>(kWidth - kLeft) / static_cast<double>(bars.size());
  std::ostringstream svg;
  svg << "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << kWidth << " "
      << kHeight + 30 << "\" role=\"img\" aria-label=\"statements by class over the replay\">\n"
      << "<text x=\"0\" y=\"12\" font-size=\"11\">" << highest << "</text>"
      << "<text x=\"0\" y=\"" << kHeight - kBottom << "\" font-size=\"11\">0</text>\n"
      << "<line x1=\"" << kLeft << "\" y1=\"" << kHeight - kBottom << "\" x2=\"" << kWidth << "\" y2=\""
      << kHeight - kBottom << "\" stroke=\"#888\"/>\n";
  if (has_timeline) svg << migration_window_svg(report["timeline"], spans, kLeft, slot, kHeight - kBottom);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    double y = kHeight - kBottom;
    for (std::size_t g = 0; g < kGroups.size(); ++g) {
      if (bars[i][g] == 0) continue;
      const double h = static_cast<double>(bars[i][g]) / static_cast<double>(highest) * (kHeight - kBottom - 10);
      y -= h;
      svg << "<rect class=\"bar\" x=\"" << kLeft + slot * static_cast<double>(i) + 1 << "\" y=\"" << y
          << "\" width=\"" << std::max(1.0, slot - 2) << "\" height=\"" << h << "\" fill=\"" << kGroups[g].color
          << "\"><title>" << view::escape_xml(labels[i]) << ": " << bars[i][g] << " " << kGroups[g].name
          << "</title></rect>\n";
    }
  }
  svg << "<text x=\"" << kLeft << "\" y=\"" << kHeight - 4 << "\" font-size=\"11\">"
      << (has_timeline ? "replay timeline (capture order) →" : "class totals (this report has no timeline)")
      << "</text>\n";
  double x = kLeft;
  for (const auto& group : kGroups) {
    svg << "<rect x=\"" << x << "\" y=\"" << kHeight + 14 << "\" width=\"10\" height=\"10\" fill=\"" << group.color
        << "\"/><text x=\"" << x + 14 << "\" y=\"" << kHeight + 23 << "\" font-size=\"11\">" << group.name
        << "</text>\n";
    x += 40 + 6.5 * static_cast<double>(std::string_view(group.name).size());
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace pgshadow::report
