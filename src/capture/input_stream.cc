#include "input_stream.h"

#include <filesystem>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <istream>
#include <optional>

#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include "replaying_streambuf.h"

namespace pgshadow::capture {
namespace {

namespace io = boost::iostreams;

constexpr std::size_t kMagicBytes = 6;  // xz's magic is the longest

}  // namespace

Compression compression_of(std::string_view first_bytes) {
  if (first_bytes.starts_with("\x1f\x8b")) return Compression::kGzip;
  if (first_bytes.starts_with("BZh")) return Compression::kBzip2;
  if (first_bytes.starts_with(std::string_view("\xfd" "7zXZ\0", 6))) return Compression::kXz;
  return Compression::kNone;
}

namespace {

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
  // The compression is told by the first bytes, never by the name (logrotate's .log.2.gz, a
  // .bz2 or .xz copy, standard input): they are taken and given back before the rest.
  std::streambuf* source = nullptr;
  if (path == kStandardInput) {
    source = std::cin.rdbuf();
  } else {
    p.file.open(path, std::ios::binary);
    if (!p.file) return Error::bad_input("cannot open " + path + ": " + std::strerror(errno));
    source = p.file.rdbuf();
  }
  std::string magic(kMagicBytes, '\0');
  magic.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, source->sgetn(magic.data(), kMagicBytes))));
  const Compression compression = compression_of(magic);
  // A stream (standard input, a FIFO) cannot start again: its first bytes are given back.
  std::error_code not_regular;
  if (path == kStandardInput || !std::filesystem::is_regular_file(path, not_regular)) {
    p.magic.emplace(std::move(magic), *source);
    raw = &p.magic_stream.emplace(&*p.magic);
  } else {
    p.file.seekg(0);  // a file can simply start again
    raw = &p.file;
  }
  input->compression_ = compression;
  switch (compression) {
    case Compression::kGzip: p.gzip.push(io::gzip_decompressor()); break;
    case Compression::kBzip2: p.gzip.push(io::bzip2_decompressor()); break;
    case Compression::kXz: p.gzip.push(io::lzma_decompressor()); break;
    case Compression::kNone: break;
  }
  if (compression != Compression::kNone) {
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
  } catch (const io::bzip2_error&) {
    return Error::bad_input("cannot read " + name + ": corrupt or truncated bzip2 data");
  } catch (const io::lzma_error&) {
    return Error::bad_input("cannot read " + name + ": corrupt or truncated xz data");
  } catch (const std::exception& e) {
    return Error::bad_input("cannot read " + name + ": " + e.what());
  }
}

}  // namespace pgshadow::capture
