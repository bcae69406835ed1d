// CPU kernels of random sampling: uniform, normal, randint, bernoulli (Philox4x32-10 counters).
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/rng.h"
#include "kernels/cpu/convert.h"
#include "kernels/cpu/loops.h"
#include "kernels/cpu/register.h"
#include "kernels/params_random.h"

namespace tfl::cpu {
namespace {

// Note [Random element order]
// Element i of the output is the i-th element in row-major order of the output shape, whatever its
// strides. It reads Philox block offset + i / kPer, lane i % kPer. Each pool chunk starts at a linear
// index and recomputes the block it starts in, so the values do not depend on where chunks split.
template <int N, int kPer, class BlockFn, class Store>
void random_loop(const KernelArgs& args, BlockFn block_fn, Store store, int64_t cost) {
  const TensorArg* ops[N];
  ops[0] = &args.out;
  for (int k = 1; k < N; ++k) ops[k] = &args.in[k - 1];
  auto L = make_loop<N>(args.out.ndim, args.out.shape, ops);
  if (L.numel == 0) return;
  parallel_for(L.numel, kParallelGrain / cost, [&](int64_t b, int64_t e) {
    int64_t idx = b;  // linear index of the next element this chunk writes
    auto inner = [&](char* const* p, const int64_t* s, int64_t n) {
      int64_t k = 0;
      while (k < n) {
        const int64_t i = idx + k;
        const auto v = block_fn(static_cast<uint64_t>(i / kPer));
        for (int lane = static_cast<int>(i % kPer); lane < kPer && k < n; ++lane, ++k) store(p, s, k, v[lane]);
      }
      idx += n;
    };
    loop_range(L, b, e, inner);
  });
}

// Uniform in [0, 1) with `bits` random bits: every value is exactly representable in a float of
// that many mantissa bits, so rand() never rounds up to 1 in f16/bf16.
template <int kBits>
inline float unit_float(uint32_t x) {
  return static_cast<float>(x >> (32 - kBits)) * (1.0f / static_cast<float>(1u << kBits));
}
inline double unit_double(uint32_t hi, uint32_t lo) {
  uint64_t x = (static_cast<uint64_t>(hi) << 32 | lo) >> 11;
  return static_cast<double>(x) * 0x1p-53;
}

template <class T> constexpr int kUniformBits = 24;  // f32
template <> constexpr int kUniformBits<Half> = 11;
template <> constexpr int kUniformBits<BFloat16> = 8;

// The neighbouring representable values of a stored float type.
template <class T>
T step_toward(T v, bool up) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::nextafter(v, up ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity());
  } else {  // Half / BFloat16: sign-magnitude bit patterns step by one
    uint16_t b = v.bits;
    bool neg = (b & 0x8000u) != 0;
    if ((b & 0x7fffu) == 0) b = up ? 0x0001u : 0x8001u;
    else if (neg == up) --b;
    else ++b;
    return T::from_bits(b);
  }
}

template <class T>
double as_double(T v) {
  return static_cast<double>(static_cast<compute_t<T>>(v));
}

// The range [lo, hi] of values of T inside [low, high); InvalidArgumentError if there are none.
template <class T>
void representable_range(double low, double high, T* lo, T* hi) {
  using C = compute_t<T>;
  *hi = T(static_cast<C>(high));
  while (as_double(*hi) >= high) *hi = step_toward(*hi, false);
  *lo = T(static_cast<C>(low));
  while (as_double(*lo) < low) *lo = step_toward(*lo, true);
  if (as_double(*lo) > as_double(*hi))
    TFL_THROW(InvalidArgumentError, "uniform", "no ", dtype_name(DTypeOf<T>::value), " value lies in [", low, ", ",
              high, ")");
}

template <class T>
void uniform_kernel(const KernelArgs& args) {
  const auto& P = *static_cast<const RandomParams*>(args.params);
  const double low = P.a, high = P.b, width = P.b - P.a;
  T lo, hi;
  representable_range<T>(low, high, &lo, &hi);
  // Rounding low + width * u to T can land outside [low, high); clamp to the representable ends.
  auto store = [lo, hi, low, high](char* const* p, const int64_t* s, int64_t k, double v) {
    T t = T(static_cast<compute_t<T>>(v));
    double d = as_double(t);
    if (d >= high) t = hi;
    else if (d < low) t = lo;
    at<T>(p[0], k * s[0]) = t;
  };
  if constexpr (std::is_same_v<T, double>) {
    random_loop<1, 2>(args, [&](uint64_t blk) {
      PhiloxBlock x = philox_block(P.seed, P.offset + blk);
      return std::array<double, 2>{low + width * unit_double(x.v[0], x.v[1]),
                                   low + width * unit_double(x.v[2], x.v[3])};
    }, store, 4);
  } else {
    random_loop<1, 4>(args, [&](uint64_t blk) {
      PhiloxBlock x = philox_block(P.seed, P.offset + blk);
      std::array<double, 4> r;
      for (int l = 0; l < 4; ++l) r[l] = low + width * static_cast<double>(unit_float<kUniformBits<T>>(x.v[l]));
      return r;
    }, store, 4);
  }
}

// Box–Muller: u1 in (0, 1] (so log is finite), u2 in [0, 1); yields two independent normals.
template <class C>
inline void box_muller(C u1, C u2, C* z0, C* z1) {
  const C r = std::sqrt(C(-2) * std::log(u1));
  const C theta = C(6.283185307179586476925286766559) * u2;
  *z0 = r * std::cos(theta);
  *z1 = r * std::sin(theta);
}

template <class T>
void normal_kernel(const KernelArgs& args) {
  const auto& P = *static_cast<const RandomParams*>(args.params);
  const double mean = P.a, stddev = P.b;
  auto store = [](char* const* p, const int64_t* s, int64_t k, double v) {
    at<T>(p[0], k * s[0]) = T(static_cast<compute_t<T>>(v));
  };
  if constexpr (std::is_same_v<T, double>) {
    random_loop<1, 2>(args, [&](uint64_t blk) {
      PhiloxBlock x = philox_block(P.seed, P.offset + blk);
      double u1 = 1.0 - unit_double(x.v[0], x.v[1]);  // (0, 1]
      double z0, z1;
      box_muller(u1, unit_double(x.v[2], x.v[3]), &z0, &z1);
      return std::array<double, 2>{mean + stddev * z0, mean + stddev * z1};
    }, store, 16);
  } else {
    random_loop<1, 4>(args, [&](uint64_t blk) {
      PhiloxBlock x = philox_block(P.seed, P.offset + blk);
      std::array<double, 4> r;
      for (int l = 0; l < 4; l += 2) {
        // 24-bit uniforms: u1 = (m + 1) / 2^24 in (0, 1]; tails reach 5.7 standard deviations.
        float u1 = static_cast<float>((x.v[l] >> 8) + 1u) * 0x1p-24f;
        float z0, z1;
        box_muller(u1, unit_float<24>(x.v[l + 1]), &z0, &z1);
        r[l] = mean + stddev * static_cast<double>(z0);
        r[l + 1] = mean + stddev * static_cast<double>(z1);
      }
      return r;
    }, store, 16);
  }
}

// Uniform words of one element's private counter block, then of streams 1, 2, ... of the same block.
class WordSource {
 public:
  WordSource(uint64_t seed, uint64_t block) : seed_(seed), block_(block) { x_ = philox_block(seed, block, 0); }
  uint32_t next32() {
    if (lane_ == 4) {
      x_ = philox_block(seed_, block_, ++stream_);
      lane_ = 0;
    }
    return x_.v[lane_++];
  }
  uint64_t next64() {
    uint64_t hi = next32();
    return hi << 32 | next32();
  }

 private:
  uint64_t seed_, block_;
  uint32_t stream_ = 0;
  int lane_ = 0;
  PhiloxBlock x_;
};

// An unbiased integer in [0, range) (Lemire, "Fast random integer generation in an interval", 2019):
// multiply-shift, redrawing the rare words whose low product half falls below 2^w mod range.
inline uint64_t bounded(WordSource& src, uint64_t range) {
  if (range <= 0xffffffffull) {
    const uint32_t r = static_cast<uint32_t>(range);
    uint64_t m = static_cast<uint64_t>(src.next32()) * r;
    if (static_cast<uint32_t>(m) < r) {
      const uint32_t t = (0u - r) % r;
      while (static_cast<uint32_t>(m) < t) m = static_cast<uint64_t>(src.next32()) * r;
    }
    return m >> 32;
  }
  if (range == 0x100000000ull) return src.next32();
  using u128 = unsigned __int128;
  u128 m = static_cast<u128>(src.next64()) * range;
  if (static_cast<uint64_t>(m) < range) {
    const uint64_t t = (0ull - range) % range;
    while (static_cast<uint64_t>(m) < t) m = static_cast<u128>(src.next64()) * range;
  }
  return static_cast<uint64_t>(m >> 64);
}

template <class T>
void randint_kernel(const KernelArgs& args) {
  const auto& P = *static_cast<const RandintParams*>(args.params);
  random_loop<1, 1>(args, [&](uint64_t blk) {
    WordSource src(P.seed, P.offset + blk);
    // Unsigned addition: low + r is in range for T (checked by the op) but may not be for int64 steps.
    return std::array<int64_t, 1>{static_cast<int64_t>(static_cast<uint64_t>(P.low) + bounded(src, P.range))};
  }, [](char* const* p, const int64_t* s, int64_t k, int64_t v) { at<T>(p[0], k * s[0]) = static_cast<T>(v); }, 4);
}

// u = word / 2^32 in [0, 1); u < p is exact for p = 0 (never) and p = 1 (always).
inline std::array<double, 4> bernoulli_uniforms(const RandomParams& P, uint64_t blk) {
  PhiloxBlock x = philox_block(P.seed, P.offset + blk);
  return {x.v[0] * 0x1p-32, x.v[1] * 0x1p-32, x.v[2] * 0x1p-32, x.v[3] * 0x1p-32};
}

template <class T>
void bernoulli_kernel(const KernelArgs& args) {
  const auto& P = *static_cast<const RandomParams*>(args.params);
  const double prob = P.a;
  random_loop<1, 4>(args, [&](uint64_t blk) { return bernoulli_uniforms(P, blk); },
                    [prob](char* const* p, const int64_t* s, int64_t k, double u) {
                      at<T>(p[0], k * s[0]) = convert<T>(static_cast<compute_t<T>>(u < prob ? 1 : 0));
                    }, 4);
}

// Probabilities from in[0] (any float dtype, broadcast to the output); each is checked here, where
// the data is read, so the op file needs no loop over it.
template <class T>
void bernoulli_tensor_kernel(const KernelArgs& args) {
  const auto& P = *static_cast<const RandomParams*>(args.params);
  dispatch_all_types(args.in[0].dtype, "bernoulli", [&](auto tag) {
    using TP = typename decltype(tag)::type;
    if constexpr (!std::is_floating_point_v<compute_t<TP>>) {
      TFL_THROW(DTypeError, "bernoulli", "probabilities must have a float dtype, got ", dtype_name(args.in[0].dtype));
    } else {
      random_loop<2, 4>(args, [&](uint64_t blk) { return bernoulli_uniforms(P, blk); },
                        [](char* const* p, const int64_t* s, int64_t k, double u) {
                          const double prob = as_double(at<TP>(p[1], k * s[1]));
                          if (!(prob >= 0.0 && prob <= 1.0))
                            TFL_THROW(InvalidArgumentError, "bernoulli", "probability ", prob, " is outside [0, 1]");
                          at<T>(p[0], k * s[0]) = convert<T>(static_cast<compute_t<T>>(u < prob ? 1 : 0));
                        }, 4);
    }
  });
}

}  // namespace

TFL_REGISTER_CPU_FLOAT(uniform, uniform_kernel);
TFL_REGISTER_CPU_FLOAT(normal, normal_kernel);

TFL_REGISTER_CPU_INTEGER(randint, randint_kernel);

TFL_REGISTER_CPU_FLOAT(bernoulli, bernoulli_kernel);
TFL_REGISTER_KERNEL(bernoulli, cpu, bool, bernoulli_kernel<bool>);
TFL_REGISTER_CPU_FLOAT(bernoulli_tensor, bernoulli_tensor_kernel);
TFL_REGISTER_KERNEL(bernoulli_tensor, cpu, bool, bernoulli_tensor_kernel<bool>);

}  // namespace tfl::cpu
