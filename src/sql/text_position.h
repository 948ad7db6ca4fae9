#pragma once
// Positions in a text: byte offsets to 1-based line numbers, and PostgreSQL's character
// positions to byte offsets. Line ends are '\n' (so CRLF files count lines correctly too).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace pgshadow::sql::detail {

// Immutable after construction; does not keep the text.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  std::uint64_t line_of(std::size_t byte_offset) const;  // 1-based

 private:
  std::vector<std::size_t> line_starts_;  // byte offset of each line's first byte, ascending
};

// PostgreSQL reports error positions in characters of the server encoding (UTF-8 here),
// counted the way its pg_utf_mblen does (by the lead byte, so invalid UTF-8 still advances).
// Returns the byte offset of the 0-based character `character_index`, clamped to the text.
std::size_t byte_offset_of_character(std::string_view text, std::size_t character_index);

}  // namespace pgshadow::sql::detail
