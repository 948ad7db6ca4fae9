#pragma once
// ASCII letters in upper case ("breaking" -> "BREAKING"): how every report shouts a verdict.
// Locale-independent on purpose: a verdict word reads the same on every machine.
#include <cctype>
#include <string>
#include <string_view>

namespace pgshadow {

inline std::string ascii_upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

}  // namespace pgshadow
