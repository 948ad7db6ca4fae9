#include "command_tag.h"

#include <charconv>

namespace pgshadow::compare::detail {

CommandTag parse_command_tag(std::string_view tag) {
  const std::size_t last_space = tag.rfind(' ');
  if (last_space != std::string_view::npos) {
    const std::string_view last_word = tag.substr(last_space + 1);
    std::uint64_t count = 0;
    const char* end = last_word.data() + last_word.size();
    const auto [stop, error] = std::from_chars(last_word.data(), end, count);
    if (!last_word.empty() && error == std::errc() && stop == end) {
      return {std::string(tag.substr(0, tag.find(' '))), count};
    }
  }
  return {std::string(tag), std::nullopt};
}

}  // namespace pgshadow::compare::detail
