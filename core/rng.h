// Random number generation state: the Philox4x32-10 counter-based generator and Generator objects.
#pragma once

#include <cstdint>
#include <mutex>

namespace tfl {

// Note [Counter-based random numbers]
// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011) maps a
// 128-bit counter and a 64-bit key to 128 random bits with no state in between. A Generator is
// therefore just (seed, offset): the seed is the key, and each op reserves a range of counter
// blocks [offset, offset + n) and advances offset past it. Element i of an op reads the block at a
// fixed position derived from i, so its value is a pure function of (seed, offset, i): it cannot
// depend on the number of threads or on how parallel_for chunks the range.
//
// Counter layout: {lo32(block), hi32(block), stream, 0}. `stream` is 0 for the first draw; ops that
// must redraw an element (rejection sampling in randint) use streams 1, 2, ... of the same block,
// which no other element or op ever reads.

struct PhiloxBlock {
  uint32_t v[4];
};

// One Philox4x32-10 evaluation: counter (c0..c3) under key (k0, k1). Matches Random123's
// philox4x32_10 (checked against its known-answer vectors in tests/core/random_test.cpp).
inline PhiloxBlock philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0,
                                 uint32_t k1) {
  constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 += kW0;
      k1 += kW1;
    }
    uint64_t p0 = static_cast<uint64_t>(kM0) * c0;
    uint64_t p1 = static_cast<uint64_t>(kM1) * c2;
    uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
  return PhiloxBlock{{c0, c1, c2, c3}};
}

// The block `block` of stream `stream` under a 64-bit seed (see Note [Counter-based random numbers]).
inline PhiloxBlock philox_block(uint64_t seed, uint64_t block, uint32_t stream = 0) {
  return philox4x32_10(static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), stream, 0u,
                       static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// Seed of every generator that was never seeded explicitly, so unseeded programs are reproducible.
constexpr uint64_t kDefaultSeed = 67280421310721ull;

// The state of a random stream: a seed (the Philox key) and an offset (the next unused counter
// block). Copying a Generator copies its state, which lets callers replay a sequence. Thread-safe.
class Generator {
 public:
  explicit Generator(uint64_t seed = kDefaultSeed) : seed_(seed) {}
  Generator(const Generator& o);
  Generator& operator=(const Generator& o);

  uint64_t seed() const;
  uint64_t offset() const;
  // Sets the seed and rewinds the offset to 0.
  void manual_seed(uint64_t seed);
  void set_offset(uint64_t offset);
  // Reserves `nblocks` counter blocks for one op and returns the first; the offset moves past them.
  // Returns the seed in *seed_out under the same lock, so a concurrent manual_seed cannot tear them.
  uint64_t reserve(uint64_t nblocks, uint64_t* seed_out);

 private:
  mutable std::mutex mu_;
  uint64_t seed_;
  uint64_t offset_ = 0;
};

// The process-wide generator used when an op is given no generator.
Generator& default_generator();
// Seeds the default generator (and rewinds it).
void manual_seed(uint64_t seed);

}  // namespace tfl
