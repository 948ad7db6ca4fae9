#pragma once
// A streambuf that first gives back bytes already taken from another streambuf, then the rest
// of that streambuf: how a reader looks at the start of a stream that cannot seek (standard
// input, a decompressor) and then reads it from the beginning. Reads the rest in chunks through
// its own buffer. Borrows `rest`, which must outlive it. Not thread-safe.
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

namespace pgshadow::capture {

class ReplayingStreambuf final : public std::streambuf {
 public:
  ReplayingStreambuf(std::string taken, std::streambuf& rest) : taken_(std::move(taken)), rest_(rest) {
    setg(taken_.data(), taken_.data(), taken_.data() + taken_.size());
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    buffer_.resize(kChunk);
    const std::streamsize n = rest_.sgetn(buffer_.data(), kChunk);
    if (n <= 0) return traits_type::eof();
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  static constexpr std::streamsize kChunk = 1 << 16;
  std::string taken_;
  std::streambuf& rest_;
  std::vector<char> buffer_;
};

}  // namespace pgshadow::capture
