#pragma once
// One input opened for reading, however it is stored: a plain file, a gzip, bzip2 or xz file
// (told by its first bytes, whatever its name; decompressed as it is read by Boost.Iostreams'
// filters, so memory does not depend on its size), or standard input (the path "-", likewise).
//
// A read error (I/O, corrupt or truncated gzip data) throws out of the stream (badbit is in its
// exceptions mask: a reader going through the streambuf directly would otherwise miss it); a
// reader catches it and turns it into an Error with read_error(). Not thread-safe.
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::capture {

enum class Compression { kNone, kGzip, kBzip2, kXz };

// By the magic bytes a compressed stream starts with (gzip 1f 8b, bzip2 "BZh", xz fd "7zXZ" 00).
Compression compression_of(std::string_view first_bytes);

class InputStream {
 public:
  static constexpr const char* kStandardInput = "-";

  // Errors: the file cannot be opened (names it and the system's reason).
  static Result<std::unique_ptr<InputStream>> open(const std::string& path);

  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  std::istream& stream() { return *stream_; }

  // The first line (without its newline, at most max_bytes) without consuming it: stream() still
  // starts at the beginning. For telling the format of standard input. Call before reading.
  std::string peek_first_line(std::size_t max_bytes = 1 << 20);

  // Bytes taken from the file so far (compressed bytes for gzip); 0 for standard input.
  std::uint64_t file_bytes_read();
  Compression compression() const { return compression_; }

 private:
  struct Parts;
  InputStream();

  std::unique_ptr<Parts> parts_;
  std::istream* stream_ = nullptr;
  Compression compression_ = Compression::kNone;
};

// The Error for the exception being handled (call only inside a catch block) while reading
// `name`: "cannot read NAME: corrupt or truncated gzip data" or the system's reason.
Error read_error(const std::string& name);

}  // namespace pgshadow::capture
