#include "text_position.h"

#include <algorithm>

namespace pgshadow::sql::detail {

LineIndex::LineIndex(std::string_view text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

std::uint64_t LineIndex::line_of(std::size_t byte_offset) const {
  // The line is the number of line starts at or before the offset.
  const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), byte_offset);
  return static_cast<std::uint64_t>(after - line_starts_.begin());
}

namespace {
// Same rule as PostgreSQL's pg_utf_mblen.
std::size_t utf8_sequence_length(unsigned char lead) {
  if ((lead & 0x80) == 0) return 1;
  if ((lead & 0xe0) == 0xc0) return 2;
  if ((lead & 0xf0) == 0xe0) return 3;
  if ((lead & 0xf8) == 0xf0) return 4;
  return 1;
}
}  // namespace

std::size_t byte_offset_of_character(std::string_view text, std::size_t character_index) {
  std::size_t offset = 0;
  for (std::size_t i = 0; i < character_index && offset < text.size(); ++i) {
    offset += utf8_sequence_length(static_cast<unsigned char>(text[offset]));
  }
  return std::min(offset, text.size());
}

}  // namespace pgshadow::sql::detail
