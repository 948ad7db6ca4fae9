#include "terminal.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace pgshadow::cli {

bool use_color(bool asked, int fd) {
  if (!asked || isatty(fd) == 0) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string_view(term) != "dumb";
}

}  // namespace pgshadow::cli
