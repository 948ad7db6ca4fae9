#include <cctype>
#include <cstring>
#include <string>

#include "pgshadow/capture/log_line_prefix.h"

namespace pgshadow::capture {

Status check_log_line_prefix(std::string_view prefix) {
  constexpr const char* kEscapes = "audrhbpPtmnieclsvxqQ%";
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (prefix[i] != '%') continue;
    const std::size_t start = i;
    std::size_t j = i + 1;
    if (j < prefix.size() && prefix[j] == '-') ++j;
    while (j < prefix.size() && std::isdigit(static_cast<unsigned char>(prefix[j])) != 0) ++j;
    const std::string where = " (at character " + std::to_string(start + 1) + ")";
    if (j >= prefix.size()) {
      return Error::bad_input("a '%' without an escape letter" + where + " ends the log_line_prefix");
    }
    if (std::strchr(kEscapes, prefix[j]) == nullptr) {
      return Error::bad_input(std::string(prefix.substr(start, j + 1 - start)) + where +
                              " is not a log_line_prefix escape (PostgreSQL 15 knows %a %u %d %r %h %b %p "
                              "%P %t %m %n %i %e %c %l %s %v %x %q %Q %%)");
    }
    i = j;
  }
  return Status::success();
}

}  // namespace pgshadow::capture
