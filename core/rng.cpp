// Generator state: seeding, offsets and the default generator. See Note [Counter-based random numbers].
#include "core/rng.h"

namespace tfl {

Generator::Generator(const Generator& o) {
  std::lock_guard<std::mutex> lock(o.mu_);
  seed_ = o.seed_;
  offset_ = o.offset_;
}

Generator& Generator::operator=(const Generator& o) {
  if (this == &o) return *this;
  uint64_t seed, offset;
  {
    std::lock_guard<std::mutex> lock(o.mu_);
    seed = o.seed_;
    offset = o.offset_;
  }
  std::lock_guard<std::mutex> lock(mu_);
  seed_ = seed;
  offset_ = offset;
  return *this;
}

uint64_t Generator::seed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seed_;
}

uint64_t Generator::offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  return offset_;
}

void Generator::manual_seed(uint64_t seed) {
  std::lock_guard<std::mutex> lock(mu_);
  seed_ = seed;
  offset_ = 0;
}

void Generator::set_offset(uint64_t offset) {
  std::lock_guard<std::mutex> lock(mu_);
  offset_ = offset;
}

uint64_t Generator::reserve(uint64_t nblocks, uint64_t* seed_out) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t first = offset_;
  offset_ += nblocks;  // wraps after 2^64 blocks (2^70 bytes of output): not reachable in practice
  *seed_out = seed_;
  return first;
}

Generator& default_generator() {
  // Leaked on purpose: ops may run during static destruction of other objects.
  static Generator* g = new Generator(kDefaultSeed);
  return *g;
}

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace tfl
