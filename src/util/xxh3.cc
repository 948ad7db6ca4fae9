#include "pgshadow/util/xxh3.h"

#include <xxhash.h>

#include <cstdio>
#include <new>

namespace pgshadow {

struct Xxh3Hasher::State {
  XXH3_state_t* xxh;
};

Digest128& Digest128::operator+=(const Digest128& other) {
  const std::uint64_t old_low = low;
  low += other.low;
  high += other.high + (low < old_low ? 1 : 0);
  return *this;
}

std::string Digest128::to_hex() const {
  char buffer[33];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx", static_cast<unsigned long long>(high),
                static_cast<unsigned long long>(low));
  return buffer;
}

Xxh3Hasher::Xxh3Hasher() : state_(new State{XXH3_createState()}) {
  if (state_->xxh == nullptr) throw std::bad_alloc();
  reset();
}

Xxh3Hasher::~Xxh3Hasher() {
  XXH3_freeState(state_->xxh);
  delete state_;
}

void Xxh3Hasher::reset() { XXH3_128bits_reset(state_->xxh); }

void Xxh3Hasher::update(const void* data, std::size_t size) {
  XXH3_128bits_update(state_->xxh, data, size);
}

void Xxh3Hasher::update_u64(std::uint64_t value) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(value >> (8 * i));
  update(bytes, sizeof bytes);
}

Digest128 Xxh3Hasher::digest() const {
  const XXH128_hash_t hash = XXH3_128bits_digest(state_->xxh);
  return {hash.low64, hash.high64};
}

}  // namespace pgshadow
