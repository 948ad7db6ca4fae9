#pragma once
// Private to the HTML renderer: the inline SVG chart of classes over the replay timeline.
#include <string>

#include <nlohmann/json.hpp>

namespace pgshadow::report {

// A stacked bar per timeline bucket (statements by class group), from the report's `timeline`;
// without one, a single stacked bar of the run's class totals, labelled as such.
std::string classes_chart_svg(const nlohmann::json& report);

}  // namespace pgshadow::report
