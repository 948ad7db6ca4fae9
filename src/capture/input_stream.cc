#include "input_stream.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <istream>
#include <optional>

#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include "replaying_streambuf.h"

namespace pgshadow::capture {
namespace {

namespace io = boost::iostreams;

bool ends_with_gz(const std::string& path) {
  return path.size() > 3 && (path.ends_with(".gz") || path.ends_with(".GZ"));
}

// Takes bytes from `in` up to and including the first '\n', at most max_bytes.
std::string take_line(std::streambuf& in, std::size_t max_bytes) {
  std::string taken;
  while (taken.size() < max_bytes) {
    const int c = in.sbumpc();
    if (c == std::char_traits<char>::eof()) break;
    taken.push_back(static_cast<char>(c));
    if (c == '\n') break;
  }
  return taken;
}

}  // namespace

// The layers an input may need, innermost first; stream_ points at the outermost one in use.
struct InputStream::Parts {
  std::ifstream file;
  std::optional<ReplayingStreambuf> magic;  // standard input, after looking for the gzip magic
  std::optional<std::istream> magic_stream;
  io::filtering_istream gzip;
  std::optional<ReplayingStreambuf> first_line;  // after peek_first_line()
  std::optional<std::istream> first_line_stream;
};

InputStream::InputStream() : parts_(std::make_unique<Parts>()) {}
InputStream::~InputStream() = default;

Result<std::unique_ptr<InputStream>> InputStream::open(const std::string& path) {
  std::unique_ptr<InputStream> input(new InputStream());
  Parts& p = *input->parts_;
  std::istream* raw = nullptr;
  bool gzip = false;
  if (path == kStandardInput) {
    // Standard input has no name to tell gzip by: look at its first two bytes.
    std::string magic(2, '\0');
    magic.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, std::cin.rdbuf()->sgetn(magic.data(), 2))));
    gzip = magic == "\x1f\x8b";
    p.magic.emplace(std::move(magic), *std::cin.rdbuf());
    raw = &p.magic_stream.emplace(&*p.magic);
  } else {
    p.file.open(path, std::ios::binary);
    if (!p.file) return Error::bad_input("cannot open " + path + ": " + std::strerror(errno));
    gzip = ends_with_gz(path);
    raw = &p.file;
  }
  if (gzip) {
    p.gzip.push(io::gzip_decompressor());
    p.gzip.push(*raw);
    input->stream_ = &p.gzip;
  } else {
    input->stream_ = raw;
  }
  input->stream_->exceptions(std::ios::badbit);
  return input;
}

std::string InputStream::peek_first_line(std::size_t max_bytes) {
  std::string taken = take_line(*stream_->rdbuf(), max_bytes);
  std::string line = taken.ends_with('\n') ? taken.substr(0, taken.size() - 1) : taken;
  Parts& p = *parts_;
  p.first_line.emplace(std::move(taken), *stream_->rdbuf());
  stream_ = &p.first_line_stream.emplace(&*p.first_line);
  stream_->exceptions(std::ios::badbit);
  return line;
}

std::uint64_t InputStream::file_bytes_read() {
  if (!parts_->file.is_open()) return 0;
  // The file buffer's own position: tellg() would give -1 once the stream reached its end.
  const auto position = parts_->file.rdbuf()->pubseekoff(0, std::ios::cur, std::ios::in);
  return position < 0 ? 0 : static_cast<std::uint64_t>(position);
}

Error read_error(const std::string& name) {
  try {
    throw;
  } catch (const io::gzip_error&) {
    return Error::bad_input("cannot read " + name + ": corrupt or truncated gzip data");
  } catch (const io::zlib_error&) {
    return Error::bad_input("cannot read " + name + ": corrupt or truncated gzip data");
  } catch (const std::exception& e) {
    return Error::bad_input("cannot read " + name + ": " + e.what());
  }
}

}  // namespace pgshadow::capture
