// Random sampling op entry points: validate, reserve generator counters, call the kernels.
#include "core/ops/random.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/allocator.h"
#include "core/dispatch.h"
#include "kernels/params_random.h"

namespace tfl {

namespace {

Generator& gen_or_default(Generator* gen) { return gen ? *gen : default_generator(); }

void check_float_dtype(DType dt, const char* op) {
  if (!is_floating(dt))
    TFL_THROW(DTypeError, op, "needs a floating dtype (float32, float64, float16, bfloat16), got ", dtype_name(dt));
}

// Largest finite value of a float dtype, so bounds that would round to inf are rejected up front.
double max_finite(DType dt) {
  switch (dt) {
    case DType::F16: return 65504.0;
    case DType::BF16: return 3.3895313892515355e38;  // (2 - 2^-7) * 2^127
    case DType::F32: return static_cast<double>(std::numeric_limits<float>::max());
    default: return std::numeric_limits<double>::max();
  }
}

// The write target of an in-place fill must not map two elements to one address (a 0 stride over a
// dimension longer than 1), or the result would depend on which thread wrote last.
void check_no_broadcast_overlap(const Tensor& t, const char* op) {
  for (int d = 0; d < t.ndim(); ++d)
    if (t.shape()[d] > 1 && t.strides()[d] == 0)
      TFL_THROW(InvalidArgumentError, op, "cannot fill a tensor whose elements overlap (shape ", shape_str(t.shape()),
                ", stride 0 in dimension ", d, ")");
}

uint64_t blocks_for(int64_t numel, int64_t per_block) {
  return static_cast<uint64_t>((numel + per_block - 1) / per_block);
}

// Runs kernel `op` writing into `out`, with p's counter range reserved from `gen`. `in` (optional)
// is read broadcast to out's shape.
template <class Params>
void run_random(const char* op_str, int op, const Tensor& out, Params p, int64_t per_block, Generator* gen,
                const Tensor& in = Tensor()) {
  Kernel kernel = find_kernel(op, out.device().type, out.dtype());
  p.offset = gen_or_default(gen).reserve(blocks_for(out.numel(), per_block), &p.seed);
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), out.dtype(), out.shape(), out.strides());
  Strides in_strides;
  if (in.defined()) {
    if (in.device() != out.device())
      TFL_THROW(DeviceError, op_str, "input is on ", in.device().str(), ", output on ", out.device().str());
    in_strides = broadcast_strides(in.shape(), in.strides(), out.shape());
    args.in[0] = make_arg(in.data_ptr(), in.dtype(), out.shape(), in_strides);
    args.nin = 1;
  }
  args.params = &p;
  kernel(args);
}

void check_uniform_args(double low, double high, DType dtype, const char* op) {
  check_float_dtype(dtype, op);
  if (!std::isfinite(low) || !std::isfinite(high))
    TFL_THROW(InvalidArgumentError, op, "low and high must be finite, got ", low, " and ", high);
  if (!(low < high)) TFL_THROW(InvalidArgumentError, op, "low must be < high, got low=", low, ", high=", high);
  if (!std::isfinite(high - low))
    TFL_THROW(InvalidArgumentError, op, "the width high - low overflows (low=", low, ", high=", high, ")");
  const double m = max_finite(dtype);
  if (low < -m || high > m)
    TFL_THROW(InvalidArgumentError, op, "bounds [", low, ", ", high, ") exceed the finite range of ",
              dtype_name(dtype));
}

void check_normal_args(double mean, double std, DType dtype, const char* op) {
  check_float_dtype(dtype, op);
  if (!std::isfinite(mean)) TFL_THROW(InvalidArgumentError, op, "mean must be finite, got ", mean);
  if (!std::isfinite(std) || std < 0)
    TFL_THROW(InvalidArgumentError, op, "std must be finite and >= 0, got ", std);
}

void check_bernoulli_dtype(DType dt) {
  if (!is_floating(dt) && dt != DType::Bool)
    TFL_THROW(DTypeError, "bernoulli", "result dtype must be a float type or bool, got ", dtype_name(dt));
}

}  // namespace

Tensor uniform(const Shape& shape, double low, double high, DType dtype, Generator* gen) {
  MemoryOpTag memory_scope("uniform");  // tags this op's allocations for the memory profiler
  static const int kOp = op_index("uniform");
  check_uniform_args(low, high, dtype, "uniform");
  Tensor out = Tensor::empty(shape, dtype);
  run_random("uniform", kOp, out, RandomParams{0, 0, low, high}, random_values_per_block(dtype), gen);
  return out;
}

Tensor rand(const Shape& shape, DType dtype, Generator* gen) {
  check_float_dtype(dtype, "rand");
  return uniform(shape, 0.0, 1.0, dtype, gen);
}

Tensor normal(const Shape& shape, double mean, double std, DType dtype, Generator* gen) {
  MemoryOpTag memory_scope("normal");  // tags this op's allocations for the memory profiler
  static const int kOp = op_index("normal");
  check_normal_args(mean, std, dtype, "normal");
  Tensor out = Tensor::empty(shape, dtype);
  run_random("normal", kOp, out, RandomParams{0, 0, mean, std}, random_values_per_block(dtype), gen);
  return out;
}

Tensor randn(const Shape& shape, DType dtype, Generator* gen) {
  check_float_dtype(dtype, "randn");
  return normal(shape, 0.0, 1.0, dtype, gen);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, DType dtype, Generator* gen) {
  MemoryOpTag memory_scope("randint");  // tags this op's allocations for the memory profiler
  static const int kOp = op_index("randint");
  int64_t lo_lim, hi_lim;
  switch (dtype) {
    case DType::I32: lo_lim = INT32_MIN; hi_lim = INT32_MAX; break;
    case DType::I64: lo_lim = INT64_MIN; hi_lim = INT64_MAX; break;
    case DType::U8: lo_lim = 0; hi_lim = UINT8_MAX; break;
    case DType::I8: lo_lim = INT8_MIN; hi_lim = INT8_MAX; break;
    case DType::I16: lo_lim = INT16_MIN; hi_lim = INT16_MAX; break;
    case DType::U16: lo_lim = 0; hi_lim = UINT16_MAX; break;
    case DType::U32: lo_lim = 0; hi_lim = UINT32_MAX; break;
    case DType::U64: lo_lim = 0; hi_lim = INT64_MAX; break;  // bounds are int64: the upper half is out of reach
    default: TFL_THROW(DTypeError, "randint", "dtype must be an integer dtype, got ", dtype_name(dtype));
  }
  if (low >= high) TFL_THROW(InvalidArgumentError, "randint", "low must be < high, got low=", low, ", high=", high);
  if (low < lo_lim || high - 1 > hi_lim)
    TFL_THROW(InvalidArgumentError, "randint", "range [", low, ", ", high, ") does not fit in ", dtype_name(dtype));
  Tensor out = Tensor::empty(shape, dtype);
  // Unsigned subtraction: high - low can exceed INT64_MAX (e.g. the full int64 range).
  RandintParams p{0, 0, low, static_cast<uint64_t>(high) - static_cast<uint64_t>(low)};
  run_random("randint", kOp, out, p, kRandintPerBlock, gen);
  return out;
}

Tensor bernoulli(const Shape& shape, double p, DType dtype, Generator* gen) {
  MemoryOpTag memory_scope("bernoulli");  // tags this op's allocations for the memory profiler
  static const int kOp = op_index("bernoulli");
  check_bernoulli_dtype(dtype);
  if (!(p >= 0.0 && p <= 1.0))
    TFL_THROW(InvalidArgumentError, "bernoulli", "probability ", p, " is outside [0, 1]");
  Tensor out = Tensor::empty(shape, dtype);
  run_random("bernoulli", kOp, out, RandomParams{0, 0, p, 0.0}, kBernoulliPerBlock, gen);
  return out;
}

Tensor bernoulli(const Tensor& p, DType dtype, Generator* gen) {
  MemoryOpTag memory_scope("bernoulli");  // tags this op's allocations for the memory profiler
  static const int kOp = op_index("bernoulli_tensor");
  check_defined(p, "bernoulli", "p");
  if (!is_floating(p.dtype()))
    TFL_THROW(DTypeError, "bernoulli", "probabilities must have a float dtype, got ", dtype_name(p.dtype()));
  check_bernoulli_dtype(dtype);
  Tensor out = Tensor::empty(p.shape(), dtype, p.device());
  // Probabilities outside [0, 1] are reported by the kernel, which is where their values are read.
  run_random("bernoulli", kOp, out, RandomParams{0, 0, 0.0, 0.0}, kBernoulliPerBlock, gen, p);
  return out;
}

Tensor bernoulli(const Tensor& p, Generator* gen) {
  MemoryOpTag memory_scope("bernoulli");  // tags this op's allocations for the memory profiler
  check_defined(p, "bernoulli", "p");
  return bernoulli(p, p.dtype(), gen);
}

Tensor rand_like(const Tensor& t, Generator* gen) {
  check_defined(t, "rand_like", "t");
  return rand(t.shape(), t.dtype(), gen);
}

Tensor randn_like(const Tensor& t, Generator* gen) {
  check_defined(t, "randn_like", "t");
  return randn(t.shape(), t.dtype(), gen);
}

void uniform_(const Tensor& t, double low, double high, Generator* gen) {
  static const int kOp = op_index("uniform");
  check_defined(t, "uniform_", "t");
  check_uniform_args(low, high, t.dtype(), "uniform_");
  check_no_broadcast_overlap(t, "uniform_");
  run_random("uniform_", kOp, t, RandomParams{0, 0, low, high}, random_values_per_block(t.dtype()), gen);
  t.bump_version();
}

void normal_(const Tensor& t, double mean, double std, Generator* gen) {
  static const int kOp = op_index("normal");
  check_defined(t, "normal_", "t");
  check_normal_args(mean, std, t.dtype(), "normal_");
  check_no_broadcast_overlap(t, "normal_");
  run_random("normal_", kOp, t, RandomParams{0, 0, mean, std}, random_values_per_block(t.dtype()), gen);
  t.bump_version();
}

}  // namespace tfl
