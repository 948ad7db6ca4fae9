#include "stderr_line_reader.h"

#include <cstring>

namespace pgshadow::capture {

StderrLineReader::StderrLineReader(std::istream& in, std::size_t max_line_bytes)
    : in_(in), max_line_bytes_(max_line_bytes), buffer_(kBlockBytes) {}

bool StderrLineReader::fill() {
  if (eof_) return false;
  // Keep the unread bytes (the start of the current line) at the front; grow only for a line
  // longer than the buffer.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ < kBlockBytes / 2) buffer_.resize(buffer_.size() * 2);
  in_.read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
  const auto got = static_cast<std::size_t>(in_.gcount());
  end_ += got;
  if (got == 0) eof_ = true;
  return got > 0;
}

StderrLineReader::Status StderrLineReader::next(std::string_view& line) {
  std::size_t scanned = begin_;  // bytes before this hold no '\n'
  for (;;) {
    const void* newline = std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
    if (newline != nullptr) {
      const auto at = static_cast<std::size_t>(static_cast<const char*>(newline) - buffer_.data());
      line = std::string_view(buffer_.data() + begin_, at - begin_);
      begin_ = at + 1;
      ++line_number_;
      return Status::kLine;
    }
    if (end_ - begin_ > max_line_bytes_) {
      ++line_number_;
      skip_rest_of_line();
      return Status::kTooLong;
    }
    const std::size_t unread_scanned = end_ - begin_;
    if (!fill()) break;
    scanned = unread_scanned;  // fill() moved the unread bytes to the front
  }
  if (begin_ == end_) return Status::kEnd;
  line = std::string_view(buffer_.data() + begin_, end_ - begin_);
  begin_ = end_;
  ++line_number_;
  return Status::kUnterminated;
}

void StderrLineReader::skip_rest_of_line() {
  for (;;) {
    const void* newline = std::memchr(buffer_.data() + begin_, '\n', end_ - begin_);
    if (newline != nullptr) {
      begin_ = static_cast<std::size_t>(static_cast<const char*>(newline) - buffer_.data()) + 1;
      return;
    }
    begin_ = end_ = 0;
    if (!fill()) return;
  }
}

}  // namespace pgshadow::capture
