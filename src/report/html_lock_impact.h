#pragma once
// Private to the HTML renderer: the lock impact section (--migrate-during).
#include <string>

#include <nlohmann/json.hpp>

namespace pgshadow::report {

// <h2>Lock impact</h2> with the verdict it adds, the migration's locks (waited, held) and the
// shapes that waited or failed behind them; "" for a report without --migrate-during.
std::string lock_impact_html(const nlohmann::json& report);

}  // namespace pgshadow::report
