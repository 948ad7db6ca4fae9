#pragma once
// Physical lines of a text log, read in large blocks and split with memchr: the first stage of
// the stderr reader, and most of its time on a large log, so it does no per-line allocation.
//
// Memory: one block plus the longest line; a line longer than max_line_bytes is not kept (it
// is returned as kTooLong and skipped up to its newline), so a file without newlines cannot
// make memory grow without bound. Not thread-safe; borrows the stream.
#include <cstddef>
#include <cstdint>
#include <istream>
#include <string_view>
#include <vector>

namespace pgshadow::capture {

class StderrLineReader {
 public:
  static constexpr std::size_t kBlockBytes = std::size_t{1} << 20;
  // Longer than any statement worth replaying.
  static constexpr std::size_t kDefaultMaxLineBytes = std::size_t{256} << 20;

  enum class Status {
    kLine,           // `line` is a whole line, without its '\n'
    kUnterminated,   // `line` is the last line of the input and has no '\n': maybe cut
    kTooLong,        // line number `line_number()` exceeded max_line_bytes and was skipped
    kEnd,
  };

  explicit StderrLineReader(std::istream& in, std::size_t max_line_bytes = kDefaultMaxLineBytes);

  // `line` stays valid until the next call. I/O errors propagate as the stream's exceptions.
  Status next(std::string_view& line);
  // The 1-based number of the line last returned.
  std::uint64_t line_number() const { return line_number_; }

 private:
  bool fill();  // reads one more block after the unread data; false at the end of input
  void skip_rest_of_line();

  std::istream& in_;
  std::size_t max_line_bytes_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first unread byte
  std::size_t end_ = 0;    // one past the last byte read
  bool eof_ = false;
  std::uint64_t line_number_ = 0;
};

}  // namespace pgshadow::capture
