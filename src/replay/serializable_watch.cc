#include "serializable_watch.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "session_run.h"

namespace pgshadow::replay {

namespace {

bool mentions(std::string_view sql, std::string_view word) {
  const auto found = std::search(sql.begin(), sql.end(), word.begin(), word.end(), [](char text, char letter) {
    return std::tolower(static_cast<unsigned char>(text)) == letter;
  });
  return found != sql.end();
}

}  // namespace

bool mentions_serializable(std::string_view sql) { return mentions(sql, "serializable"); }
bool mentions_repeatable_read(std::string_view sql) { return mentions(sql, "repeatable"); }

SerializableWatch::SerializableWatch(std::array<pg::SessionConnection*, 2> monitors, const pg::WaitLimits& limits,
                                     const Tracer& trace, bool watch_repeatable_read)
    : trace_(trace), repeatable_(!watch_repeatable_read) {
  // The server's and the monitor's database's setting, and any database's or role's default.
  static constexpr const char* kQuery =
      "SELECT current_setting('default_transaction_isolation') = 'serializable' OR EXISTS ("
      "SELECT 1 FROM pg_db_role_setting s, unnest(s.setconfig) AS c "
      "WHERE c ILIKE 'default_transaction_isolation=%serializable%')";
  static constexpr const char* kRepeatableQuery =
      "SELECT current_setting('default_transaction_isolation') = 'repeatable read' OR EXISTS ("
      "SELECT 1 FROM pg_db_role_setting s, unnest(s.setconfig) AS c "
      "WHERE c ILIKE 'default_transaction_isolation=%repeatable%')";
  for (int side = 0; side < 2 && !possible_; ++side) {
    const auto answer = monitors[static_cast<std::size_t>(side)]->query_scalar(kQuery, limits);
    if (!answer || *answer != "f") {
      possible_ = true;
      trace_("%s: transactions may run serializable: statements keep production's order", kSideNames[side]);
    }
  }
  for (int side = 0; side < 2 && !possible_ && !repeatable_; ++side) {
    const auto answer = monitors[static_cast<std::size_t>(side)]->query_scalar(kRepeatableQuery, limits);
    if (!answer || *answer != "f") {
      repeatable_ = true;
      trace_("%s: transactions may run repeatable read: commits keep production's order", kSideNames[side]);
    }
  }
}

void SerializableWatch::saw(std::string_view sql) {
  if (!repeatable_ && mentions_repeatable_read(sql)) {
    repeatable_ = true;
    trace_("a statement names repeatable read: commits keep production's order from here");
  }
  if (possible_ || !mentions_serializable(sql)) return;
  possible_ = true;
  trace_("a statement names serializable: statements keep production's order from here");
}

}  // namespace pgshadow::replay
