#pragma once
// libpq's options setting (PGOPTIONS, or options= in a conninfo): command-line switches for the
// server, such as "-c role=NAME".
#include <string>
#include <string_view>

namespace pgshadow::pg {

// A word of the options setting: a backslash before blanks and backslashes.
inline std::string options_word(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

}  // namespace pgshadow::pg
