#pragma once
// A streaming XXH3-128 hasher: a thin RAII wrapper over xxHash's state (ccache's idea).
// Not thread-safe; cheap to create.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pgshadow {

// A 128-bit digest. Arithmetic is mod 2^128, which makes a sum of row digests an
// order-independent multiset digest.
struct Digest128 {
  std::uint64_t low = 0;
  std::uint64_t high = 0;

  Digest128& operator+=(const Digest128& other);
  friend bool operator==(const Digest128&, const Digest128&) = default;
  std::string to_hex() const;  // 32 lowercase hex digits, high word first
};

class Xxh3Hasher {
 public:
  Xxh3Hasher();
  ~Xxh3Hasher();
  Xxh3Hasher(const Xxh3Hasher&) = delete;
  Xxh3Hasher& operator=(const Xxh3Hasher&) = delete;

  void reset();
  void update(const void* data, std::size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  void update_u64(std::uint64_t value);  // little-endian, fixed width
  Digest128 digest() const;

 private:
  struct State;
  State* state_;
};

}  // namespace pgshadow
