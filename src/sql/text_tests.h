#pragma once
// Small tests on names and characters that several of the module's files make.
#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string_view>

namespace pgshadow::sql::detail {

// Whether name is one of names (exact, case-sensitive: the parse tree's names are lower case).
inline bool is_one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// std::isspace for a char of any value.
inline bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

}  // namespace pgshadow::sql::detail
