#include "pgshadow/core/sqlstate.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

namespace pgshadow {
namespace {

// Every SQLSTATE PostgreSQL defines, with its condition name, sorted by code: generated at build
// time from the server's errcodes.txt (cmake/SqlstateTable.cmake).
#include "sqlstate_table.inc"

}  // namespace

std::string_view sqlstate_name(std::string_view sqlstate) {
  const auto found = std::lower_bound(kConditionNames.begin(), kConditionNames.end(), sqlstate,
                                      [](const auto& entry, std::string_view code) { return entry.first < code; });
  if (found == kConditionNames.end() || found->first != sqlstate) return {};
  return found->second;
}

bool sqlstate_message_is_data_free(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return false;
  // 42601 quotes the token "at or near" the error, which may be a literal.
  if (sqlstate == "42601") return false;
  const std::string_view error_class = sqlstate.substr(0, 2);
  return error_class == "42" || error_class == "23" || error_class == "25" ||
         error_class == "40" || error_class == "55" || error_class == "57" ||
         sqlstate == "22001" || sqlstate == "0A000";
}

}  // namespace pgshadow
