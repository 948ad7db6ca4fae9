// parse_table_scale: the TABLE=ROWS of --scale-table.
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "pgshadow/pg/table_scaling.h"

namespace pgshadow::pg {
namespace {

// A row count beyond any table pgshadow could fill on one machine is a typo.
constexpr double kMostRows = 1e12;

Error bad_value(std::string_view value, const std::string& why) {
  return Error::bad_input("--scale-table " + std::string(value) + ": " + why);
}

}  // namespace

Result<TableScale> parse_table_scale(std::string_view value) {
  const auto equals = value.rfind('=');
  if (equals == std::string_view::npos || equals == 0) {
    return bad_value(value, "expected TABLE=ROWS, e.g. users=50M");
  }
  TableScale scale;
  scale.table = std::string(value.substr(0, equals));
  std::string_view rows = value.substr(equals + 1);
  double multiplier = 1;
  if (!rows.empty()) {
    switch (rows.back()) {
      case 'k': case 'K': multiplier = 1e3; break;
      case 'm': case 'M': multiplier = 1e6; break;
      case 'g': case 'G': case 'b': case 'B': multiplier = 1e9; break;
      default: break;
    }
    if (multiplier != 1) rows.remove_suffix(1);
  }
  // Digits, with one decimal point when a suffix follows ("1.5M").
  bool digits = false;
  bool point = false;
  for (char c : rows) {
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      digits = true;
    } else if (c == '.' && !point && multiplier != 1) {
      point = true;
    } else {
      digits = false;
      break;
    }
  }
  if (!digits) {
    return bad_value(value, "ROWS must be a number of rows, optionally with a k, M or G suffix (50000, 2.5M)");
  }
  double number = 0;
  std::from_chars(rows.data(), rows.data() + rows.size(), number);  // locale-free
  const double wanted = number * multiplier;
  if (wanted != std::floor(wanted)) return bad_value(value, "ROWS is not a whole number of rows");
  if (wanted < 1) return bad_value(value, "ROWS must be at least 1");
  if (wanted > kMostRows) return bad_value(value, "ROWS is more than 10^12 rows");
  scale.rows = static_cast<std::uint64_t>(wanted);
  return scale;
}

}  // namespace pgshadow::pg
