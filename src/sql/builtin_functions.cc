#include "builtin_functions.h"

#include <string_view>

namespace pgshadow::sql::detail {

bool is_pure_builtin(const json& func_call) {
  const auto names = func_call.find("funcname");
  if (names == func_call.end() || !names->is_array() || names->empty() || names->size() > 2) return false;
  if (names->size() == 2 && (*names)[0].contains("String") &&
      (*names)[0]["String"].value("sval", "") != "pg_catalog") {
    return false;
  }
  static constexpr std::string_view kKnown[] = {
      "now", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday", "currval",
      "lower", "upper", "length", "char_length", "octet_length", "substring", "substr", "trim", "btrim", "ltrim",
      "rtrim", "replace", "concat", "concat_ws", "left", "right", "position", "strpos", "split_part", "format",
      "abs", "round", "floor", "ceil", "ceiling", "trunc", "mod", "power", "sqrt", "random", "md5", "sha256",
      "gen_random_uuid", "encode", "decode", "to_char", "to_date", "to_timestamp", "to_number", "date_trunc",
      "date_part", "extract", "age", "make_interval", "count", "sum", "min", "max", "avg", "array_agg",
      "string_agg", "json_build_object", "jsonb_build_object", "json_agg", "jsonb_agg", "jsonb_set",
      "to_json", "to_jsonb", "array_append", "array_length", "cardinality", "unnest", "generate_series",
      "regexp_replace", "regexp_match", "coalesce", "greatest", "least", "nullif"};
  const std::string name = function_name(func_call);
  for (std::string_view known : kKnown) {
    if (known == name) return true;
  }
  return false;
}

bool draws_from_sequence(const json& func_call) {
  const std::string name = function_name(func_call);
  return name == "nextval" || name == "setval";
}

}  // namespace pgshadow::sql::detail
