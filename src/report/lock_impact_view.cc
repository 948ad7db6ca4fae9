#include "lock_impact_view.h"

#include <cstdio>

#include "pgshadow/judge/lock_impact.h"

namespace pgshadow::report::view {
namespace {

using nlohmann::json;

std::string wait(const json& milliseconds) {
  return judge::describe_wait_ms(milliseconds.is_number() ? milliseconds.get<double>() : 0.0);
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "3 (longest 2.9 s, 4.1 s in all)" from a wait tally; `none` when it counts nothing.
std::string tally(const json& waits, const char* none) {
  const auto count = waits.value("count", std::uint64_t{0});
  if (count == 0) return none;
  std::string text = std::to_string(count) + " (longest " + wait(waits.value("max_ms", json(0.0)));
  if (count > 1) text += ", " + wait(waits.value("total_ms", json(0.0))) + " in all";
  return text + ")";
}

// " behind SELECT ... (and UPDATE ...)": what the migration queued behind, each shape cut to a
// readable length (the full text is in the JSON report).
std::string behind(const json& blocked_by) {
  constexpr std::size_t kShown = 80;
  std::string text;
  for (const auto& shape : blocked_by) {
    if (!shape.is_string()) continue;
    std::string cut = shape.get<std::string>();
    if (cut.size() > kShown) cut = cut.substr(0, kShown) + "...";
    text += (text.empty() ? " behind " : " and ") + cut;
  }
  return text;
}

}  // namespace

std::string lock_impact_verdict(const json& report) {
  const json section = report.value("lock_impact", json());
  return section.is_object() ? section.value("verdict", "") : "";
}

std::string lock_impact_summary(const json& lock_impact) {
  std::string text = "applied on the shadow ";
  if (lock_impact.value("after_traffic", false)) {
    text += "after the traffic (the capture ended before the point asked for)";
  } else {
    char at[64];
    std::snprintf(at, sizeof at, "%.1f s into the capture", lock_impact.value("at_capture_s", 0.0));
    text += std::string(at);
    const std::string chosen = lock_impact.value("at_chosen", "");
    if (!chosen.empty()) text += " (" + chosen + ")";
    text += ", while the traffic replayed";
  }
  const json sizes = lock_impact.value("relation_sizes", json::array());
  if (!sizes.empty()) {
    text += " (measured on ";
    bool first = true;
    for (const auto& size : sizes) {
      text += std::string(first ? "" : ", ") + size.value("relation", "") + ": " +
              judge::describe_table_size(size.value("rows", std::uint64_t{0}), size.value("bytes", std::uint64_t{0}));
      first = false;
    }
    text += ")";
  }
  const json waits = lock_impact.value("shadow_behind_migration", json::object());
  const auto waited = waits.value("count", std::uint64_t{0});
  text += "; " + (waited == 0 ? std::string("no statement") : plural(waited, "statement", "statements")) +
          " waited behind it on the shadow";
  if (waited > 0) text += ", the longest " + wait(waits.value("max_ms", json(0.0)));
  text += " (--max-blocked " + wait(lock_impact.value("max_blocked_ms", json(0.0))) + "); ";
  const auto failed = lock_impact.value("failed_by_migration", std::uint64_t{0});
  text += failed == 0 ? std::string("none failed because of it") : plural(failed, "statement", "statements") + " failed because of it";
  if (const json error = lock_impact.value("error", json()); error.is_string()) {
    text += "; the migration could not be applied: " + error.get<std::string>();
  }
  return text;
}

std::vector<MigrationLockLine> migration_lock_lines(const json& lock_impact) {
  std::vector<MigrationLockLine> lines;
  for (const auto& statement : lock_impact.value("statements", json::array())) {
    MigrationLockLine line;
    line.location = statement.value("location", "");
    line.statement = statement.value("statement", "");
    line.took = wait(statement.value("duration_ms", json(0.0)));
    if (!statement.value("succeeded", true)) {
      const json sqlstate = statement.value("sqlstate", json());
      line.took = "failed " + (sqlstate.is_string() ? sqlstate.get<std::string>() : std::string("?")) + " after " + line.took;
    }
    const json locks = statement.value("locks", json::array());
    if (locks.empty()) {
      lines.push_back(line);
      continue;
    }
    for (const auto& lock : locks) {
      MigrationLockLine lock_line = line;
      lock_line.lock = lock.value("mode", "") + " on " + lock.value("relation", "");
      lock_line.waited = wait(lock.value("waited_ms", json(0.0))) + behind(lock.value("blocked_by", json::array())) +
                         (lock.value("granted", false) ? "" : " (never granted)");
      lock_line.held = wait(lock.value("held_ms", json(0.0)));
      lines.push_back(std::move(lock_line));
      line.location.clear();  // the statement's columns on its first lock only
      line.statement.clear();
      line.took.clear();
    }
  }
  return lines;
}

std::vector<ShapeWaitLine> shape_wait_lines(const json& lock_impact) {
  std::vector<ShapeWaitLine> lines;
  for (const auto& shape : lock_impact.value("shapes", json::array())) {
    ShapeWaitLine line;
    line.normalized = shape.value("normalized", "");
    line.shadow_behind = tally(shape.value("shadow_behind_migration", json::object()), "–");
    line.baseline = tally(shape.value("baseline_waits", json::object()), "none");
    const json failed = shape.value("failed_by_migration", json::object());  // items() refers into it
    for (const auto& [sqlstate, count] : failed.items()) {
      line.failed += (line.failed.empty() ? "" : ", ") + sqlstate + " " + std::to_string(count.get<std::uint64_t>());
    }
    if (line.failed.empty()) line.failed = "–";
    const json latency = shape.value("latency_during", json::object());
    const json baseline = latency.value("baseline", json::object());
    const json shadow = latency.value("shadow", json::object());
    const auto count = shadow.value("count", std::uint64_t{0});
    line.latency = count == 0 ? "–"
                              : wait(baseline.value("p95_ms", json(0.0))) + " → " + wait(shadow.value("p95_ms", json(0.0))) +
                                    " (" + plural(count, "statement", "statements") + ")";
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace pgshadow::report::view
