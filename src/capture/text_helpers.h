#pragma once
// Small text helpers that several of the module's readers share.
#include <string>
#include <string_view>

namespace pgshadow::capture {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
// A lower-case hex digit (the server writes session ids and such in lower case).
inline bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

// A line of nothing but blanks (spaces, tabs, a CR).
inline bool is_blank_line(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

// At most max_bytes of text for a problem's detail ("..." when cut); never a whole statement.
inline std::string excerpt(std::string_view text, std::size_t max_bytes) {
  return text.size() <= max_bytes ? std::string(text) : std::string(text.substr(0, max_bytes)) + "...";
}

}  // namespace pgshadow::capture
