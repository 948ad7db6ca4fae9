#include "pgshadow/core/sqlstate.h"

#include <array>
#include <utility>

namespace pgshadow {
namespace {

// The conditions a schema migration typically provokes, from PostgreSQL's errcodes.txt.
constexpr std::array<std::pair<std::string_view, std::string_view>, 40> kConditionNames{{
    {"0A000", "feature_not_supported"},
    {"21000", "cardinality_violation"},
    {"22001", "string_data_right_truncation"},
    {"22003", "numeric_value_out_of_range"},
    {"22007", "invalid_datetime_format"},
    {"22008", "datetime_field_overflow"},
    {"22012", "division_by_zero"},
    {"22P02", "invalid_text_representation"},
    {"23000", "integrity_constraint_violation"},
    {"23502", "not_null_violation"},
    {"23503", "foreign_key_violation"},
    {"23505", "unique_violation"},
    {"23514", "check_violation"},
    {"23P01", "exclusion_violation"},
    {"25001", "active_sql_transaction"},
    {"25P01", "no_active_sql_transaction"},
    {"25P02", "in_failed_sql_transaction"},
    {"26000", "invalid_sql_statement_name"},
    {"34000", "invalid_cursor_name"},
    {"3D000", "invalid_catalog_name"},
    {"3F000", "invalid_schema_name"},
    {"40001", "serialization_failure"},
    {"40P01", "deadlock_detected"},
    {"42501", "insufficient_privilege"},
    {"42601", "syntax_error"},
    {"42702", "ambiguous_column"},
    {"42703", "undefined_column"},
    {"42704", "undefined_object"},
    {"42710", "duplicate_object"},
    {"42804", "datatype_mismatch"},
    {"42809", "wrong_object_type"},
    {"42830", "invalid_foreign_key"},
    {"42883", "undefined_function"},
    {"42P01", "undefined_table"},
    {"42P07", "duplicate_table"},
    {"42P10", "invalid_column_reference"},
    {"55000", "object_not_in_prerequisite_state"},
    {"55P03", "lock_not_available"},
    {"57014", "query_canceled"},
    {"XX000", "internal_error"},
}};

}  // namespace

std::string_view sqlstate_name(std::string_view sqlstate) {
  for (const auto& [code, name] : kConditionNames) {
    if (code == sqlstate) return name;
  }
  return {};
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
