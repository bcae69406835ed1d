// Gradient cases of elementwise ops and casts (checked by gradcheck_coverage_test against finite
// differences). Inputs stay away from kinks and discontinuities (|x| > 0.2 for abs/relu/sign, positive
// for log/sqrt, ...), since central differences are meaningless there.
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"

namespace {
using namespace tfl;
using testing::GradCase;
using testing::random_input;
using Inputs = std::vector<Tensor>;
using X = const std::vector<Tensor>&;

// Values in [0.2, 1) with alternating signs: away from the kink at 0.
Tensor away_from_zero(const Shape& shape, uint64_t seed) {
  Tensor t = random_input(shape, seed, 0.2, 1.0);
  double* p = t.data<double>();
  for (int64_t i = 0; i < t.numel(); i += 2) p[i] = -p[i];
  return t;
}
Tensor constant(const Shape& shape, uint64_t seed, double lo = -1.0, double hi = 1.0) {
  return random_input(shape, seed, lo, hi, /*requires_grad=*/false);
}
// A stride-0 (non-contiguous) view of x, which requires grad through broadcast_to.
Tensor spread(const Tensor& x, const Shape& shape) { return broadcast_to(x, shape); }

// --- binary, tensor-tensor ------------------------------------------------------------------------
TFL_GRAD_CASE(GradCase{"add", "add broadcast 2x3 + 3", [] { return Inputs{random_input({2, 3}, 1), random_input({3}, 2)}; },
                       [](X x) { return add(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"add", "add f64 + constant (one operand needs grad)",
                       [] { return Inputs{random_input({4}, 3), constant({4}, 4)}; }, [](X x) { return add(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"sub", "sub broadcast 4x1 - 1x5", [] { return Inputs{random_input({4, 1}, 3), random_input({1, 5}, 4)}; },
                       [](X x) { return sub(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"mul", "mul broadcast 2x3x4 * 3x1", [] { return Inputs{random_input({2, 3, 4}, 5), random_input({3, 1}, 6)}; },
                       [](X x) { return mul(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"mul", "mul of a non-contiguous (broadcast) view", [] { return Inputs{random_input({3}, 7), random_input({2, 3}, 8)}; },
                       [](X x) { return mul(spread(x[0], {2, 3}), x[1]); }});
TFL_GRAD_CASE(GradCase{"div", "div 3x3 / (0.5..2)", [] { return Inputs{random_input({3, 3}, 7), random_input({3, 3}, 8, 0.5, 2.0)}; },
                       [](X x) { return div(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"div", "div broadcast 2x3 / 3", [] { return Inputs{random_input({2, 3}, 9), random_input({3}, 10, 0.5, 2.0)}; },
                       [](X x) { return div(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"floor_divide", "floor_divide broadcast (zero gradient)",
                       [] { return Inputs{random_input({2, 3}, 11, -3.0, 3.0), random_input({3}, 12, 0.6, 1.7)}; },
                       [](X x) { return floor_divide(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"remainder", "remainder broadcast 2x3 % 3",
                       [] { return Inputs{random_input({2, 3}, 13, -3.0, 3.0), random_input({3}, 14, 0.6, 1.7)}; },
                       [](X x) { return remainder(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"remainder", "remainder with a negative divisor",
                       [] { return Inputs{random_input({5}, 15, -3.0, 3.0), random_input({5}, 16, -1.7, -0.6)}; },
                       [](X x) { return remainder(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"pow", "pow broadcast (0.5..2) ^ 3", [] { return Inputs{random_input({2, 3}, 17, 0.5, 2.0), random_input({3}, 18, -1.5, 1.5)}; },
                       [](X x) { return pow(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"pow", "pow exponent gradient at a == 0 (defined 0, b > 0)",
                       [] {
                         double v[3] = {0.0, 0.5, 2.0};
                         return Inputs{from_buffer(v, sizeof v, {3}, DType::F64), random_input({3}, 19, 0.5, 1.5)};
                       },
                       [](X x) { return pow(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"pow", "pow of a negative base to constant exponents 0..3",
                       [] { return Inputs{random_input({4}, 20, -2.0, -0.5), arange(0, 4, 1, DType::F64)}; },
                       [](X x) { return pow(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"maximum", "maximum broadcast 2x3 vs 3", [] { return Inputs{random_input({2, 3}, 21), random_input({3}, 22)}; },
                       [](X x) { return maximum(x[0], x[1]); }});
// On a tie the gradient is split equally, which is exactly what central differences give.
TFL_GRAD_CASE(GradCase{"maximum", "maximum of equal operands (ties split 1/2)", [] { return Inputs{random_input({4}, 23), random_input({4}, 23)}; },
                       [](X x) { return maximum(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"minimum", "minimum broadcast 3x1 vs 4", [] { return Inputs{random_input({3, 1}, 24), random_input({4}, 25)}; },
                       [](X x) { return minimum(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"minimum", "minimum of equal operands (ties split 1/2)", [] { return Inputs{random_input({4}, 26), random_input({4}, 26)}; },
                       [](X x) { return minimum(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"atan2", "atan2 broadcast 2x3 vs 3 (a away from 0)",
                       [] { return Inputs{random_input({2, 3}, 27, 0.3, 1.5), random_input({3}, 28)}; },
                       [](X x) { return atan2(x[0], x[1]); }});
TFL_GRAD_CASE(GradCase{"where", "where broadcast cond 2x3, a 3, b 2x1",
                       [] { return Inputs{random_input({3}, 29), random_input({2, 1}, 30), constant({2, 3}, 31)}; },
                       [](X x) { return where(gt(x[2], 0.0), x[0], x[1]); }});

// --- binary, tensor-scalar ------------------------------------------------------------------------
TFL_GRAD_CASE(GradCase{"add_scalar", "x + 2.5", [] { return Inputs{random_input({2, 3}, 40)}; }, [](X x) { return add(x[0], 2.5); }});
TFL_GRAD_CASE(GradCase{"add_scalar", "2.5 + x", [] { return Inputs{random_input({3}, 41)}; }, [](X x) { return add(2.5, x[0]); }});
TFL_GRAD_CASE(GradCase{"sub_scalar", "x - 1.5", [] { return Inputs{random_input({3}, 42)}; }, [](X x) { return sub(x[0], 1.5); }});
TFL_GRAD_CASE(GradCase{"sub_scalar", "1.5 - x", [] { return Inputs{random_input({3}, 43)}; }, [](X x) { return sub(1.5, x[0]); }});
TFL_GRAD_CASE(GradCase{"mul_scalar", "x * 3", [] { return Inputs{random_input({3}, 44)}; }, [](X x) { return mul(x[0], 3.0); }});
TFL_GRAD_CASE(GradCase{"mul_scalar", "-2 * x", [] { return Inputs{random_input({3}, 45)}; }, [](X x) { return mul(-2.0, x[0]); }});
TFL_GRAD_CASE(GradCase{"div_scalar", "x / 4", [] { return Inputs{random_input({3}, 46)}; }, [](X x) { return div(x[0], 4.0); }});
TFL_GRAD_CASE(GradCase{"div_scalar", "3 / x", [] { return Inputs{random_input({3}, 47, 0.5, 2.0)}; }, [](X x) { return div(3.0, x[0]); }});
TFL_GRAD_CASE(GradCase{"floor_divide_scalar", "x // 0.7", [] { return Inputs{random_input({4}, 48, -3.0, 3.0)}; },
                       [](X x) { return floor_divide(x[0], 0.7); }});
TFL_GRAD_CASE(GradCase{"floor_divide_scalar", "2.3 // x", [] { return Inputs{random_input({4}, 49, 0.6, 1.7)}; },
                       [](X x) { return floor_divide(2.3, x[0]); }});
TFL_GRAD_CASE(GradCase{"remainder_scalar", "x % 0.7", [] { return Inputs{random_input({4}, 50, -3.0, 3.0)}; },
                       [](X x) { return remainder(x[0], 0.7); }});
TFL_GRAD_CASE(GradCase{"remainder_scalar", "2.3 % x", [] { return Inputs{random_input({4}, 51, 0.6, 1.7)}; },
                       [](X x) { return remainder(2.3, x[0]); }});
TFL_GRAD_CASE(GradCase{"pow_scalar", "x ^ 2.5", [] { return Inputs{random_input({4}, 52, 0.5, 2.0)}; }, [](X x) { return pow(x[0], 2.5); }});
TFL_GRAD_CASE(GradCase{"pow_scalar", "x ^ 3 (negative x)", [] { return Inputs{random_input({4}, 53, -2.0, 2.0)}; },
                       [](X x) { return pow(x[0], 3.0); }});
TFL_GRAD_CASE(GradCase{"pow_scalar", "x ^ 0 (zero gradient)", [] { return Inputs{random_input({4}, 54)}; }, [](X x) { return pow(x[0], 0.0); }});
TFL_GRAD_CASE(GradCase{"pow_scalar", "2 ^ x", [] { return Inputs{random_input({4}, 55)}; }, [](X x) { return pow(2.0, x[0]); }});
TFL_GRAD_CASE(GradCase{"pow_scalar", "0 ^ x for x > 0 (defined 0)", [] { return Inputs{random_input({4}, 56, 0.5, 1.5)}; },
                       [](X x) { return pow(0.0, x[0]); }});
TFL_GRAD_CASE(GradCase{"maximum_scalar", "maximum(x, 0.1)", [] { return Inputs{random_input({6}, 57)}; }, [](X x) { return maximum(x[0], 0.1); }});
TFL_GRAD_CASE(GradCase{"minimum_scalar", "minimum(x, 0.1)", [] { return Inputs{random_input({6}, 58)}; }, [](X x) { return minimum(x[0], 0.1); }});
TFL_GRAD_CASE(GradCase{"atan2_scalar", "atan2(x, -0.7)", [] { return Inputs{random_input({4}, 59, 0.3, 1.5)}; },
                       [](X x) { return atan2(x[0], -0.7); }});

// --- unary ----------------------------------------------------------------------------------------
TFL_GRAD_CASE(GradCase{"neg", "neg 5", [] { return Inputs{random_input({5}, 60)}; }, [](X x) { return neg(x[0]); }});
TFL_GRAD_CASE(GradCase{"abs", "abs away from 0", [] { return Inputs{away_from_zero({2, 3}, 61)}; }, [](X x) { return abs(x[0]); }});
TFL_GRAD_CASE(GradCase{"sign", "sign away from 0 (zero gradient)", [] { return Inputs{away_from_zero({4}, 62)}; },
                       [](X x) { return sign(x[0]); }});
TFL_GRAD_CASE(GradCase{"square", "square", [] { return Inputs{random_input({2, 3}, 63, -2.0, 2.0)}; }, [](X x) { return square(x[0]); }});
TFL_GRAD_CASE(GradCase{"relu", "relu away from 0", [] { return Inputs{away_from_zero({6}, 64)}; }, [](X x) { return relu(x[0]); }});
TFL_GRAD_CASE(GradCase{"floor", "floor (zero gradient)", [] { return Inputs{random_input({5}, 65, -3.0, 3.0)}; }, [](X x) { return floor(x[0]); }});
TFL_GRAD_CASE(GradCase{"ceil", "ceil (zero gradient)", [] { return Inputs{random_input({5}, 66, -3.0, 3.0)}; }, [](X x) { return ceil(x[0]); }});
TFL_GRAD_CASE(GradCase{"round", "round (zero gradient)", [] { return Inputs{random_input({5}, 67, -3.0, 3.0)}; }, [](X x) { return round(x[0]); }});
TFL_GRAD_CASE(GradCase{"clip", "clip to [-0.5, 0.5]", [] { return Inputs{random_input({8}, 68)}; }, [](X x) { return clip(x[0], -0.5, 0.5); }});
TFL_GRAD_CASE(GradCase{"clip", "clip below only", [] { return Inputs{random_input({8}, 69)}; }, [](X x) { return clip(x[0], -0.2, std::nullopt); }});
TFL_GRAD_CASE(GradCase{"clip", "clip above only", [] { return Inputs{random_input({8}, 70)}; }, [](X x) { return clip(x[0], std::nullopt, 0.3); }});
TFL_GRAD_CASE(GradCase{"exp", "exp 3x4", [] { return Inputs{random_input({3, 4}, 71)}; }, [](X x) { return exp(x[0]); }});
TFL_GRAD_CASE(GradCase{"exp", "exp of a non-contiguous (broadcast) view", [] { return Inputs{random_input({1, 4}, 72)}; },
                       [](X x) { return exp(spread(x[0], {3, 4})); }});
TFL_GRAD_CASE(GradCase{"expm1", "expm1", [] { return Inputs{random_input({5}, 73)}; }, [](X x) { return expm1(x[0]); }});
TFL_GRAD_CASE(GradCase{"log", "log of (0.2..3)", [] { return Inputs{random_input({5}, 74, 0.2, 3.0)}; }, [](X x) { return log(x[0]); }});
TFL_GRAD_CASE(GradCase{"log1p", "log1p of (-0.5..2)", [] { return Inputs{random_input({5}, 75, -0.5, 2.0)}; }, [](X x) { return log1p(x[0]); }});
TFL_GRAD_CASE(GradCase{"sqrt", "sqrt of (0.2..3)", [] { return Inputs{random_input({5}, 76, 0.2, 3.0)}; }, [](X x) { return sqrt(x[0]); }});
TFL_GRAD_CASE(GradCase{"rsqrt", "rsqrt of (0.2..3)", [] { return Inputs{random_input({5}, 77, 0.2, 3.0)}; }, [](X x) { return rsqrt(x[0]); }});
TFL_GRAD_CASE(GradCase{"sin", "sin", [] { return Inputs{random_input({5}, 78, -3.0, 3.0)}; }, [](X x) { return sin(x[0]); }});
TFL_GRAD_CASE(GradCase{"cos", "cos", [] { return Inputs{random_input({5}, 79, -3.0, 3.0)}; }, [](X x) { return cos(x[0]); }});
TFL_GRAD_CASE(GradCase{"tan", "tan of (-1..1)", [] { return Inputs{random_input({5}, 80)}; }, [](X x) { return tan(x[0]); }});
TFL_GRAD_CASE(GradCase{"tanh", "tanh", [] { return Inputs{random_input({5}, 81, -3.0, 3.0)}; }, [](X x) { return tanh(x[0]); }});
TFL_GRAD_CASE(GradCase{"tanh", "tanh of a non-contiguous (broadcast) view", [] { return Inputs{random_input({3, 1}, 82)}; },
                       [](X x) { return tanh(spread(x[0], {3, 2})); }});
TFL_GRAD_CASE(GradCase{"sigmoid", "sigmoid", [] { return Inputs{random_input({5}, 83, -4.0, 4.0)}; }, [](X x) { return sigmoid(x[0]); }});
TFL_GRAD_CASE(GradCase{"silu", "silu", [] { return Inputs{random_input({5}, 84, -4.0, 4.0)}; }, [](X x) { return silu(x[0]); }});
TFL_GRAD_CASE(GradCase{"leaky_relu", "leaky_relu slope 0.1 away from 0", [] { return Inputs{away_from_zero({6}, 85)}; },
                       [](X x) { return leaky_relu(x[0], 0.1); }});
TFL_GRAD_CASE(GradCase{"elu", "elu alpha 0.7 away from 0", [] { return Inputs{away_from_zero({6}, 86)}; }, [](X x) { return elu(x[0], 0.7); }});
TFL_GRAD_CASE(GradCase{"gelu", "gelu exact", [] { return Inputs{random_input({7}, 87, -4.0, 4.0)}; }, [](X x) { return gelu(x[0]); }});
TFL_GRAD_CASE(GradCase{"gelu", "gelu exact near 0", [] { return Inputs{random_input({5}, 88, -1e-3, 1e-3)}; }, [](X x) { return gelu(x[0]); }});
TFL_GRAD_CASE(GradCase{"gelu", "gelu tanh form", [] { return Inputs{random_input({7}, 89, -4.0, 4.0)}; }, [](X x) { return gelu(x[0], true); }});
TFL_GRAD_CASE(GradCase{"softplus", "softplus beta 1", [] { return Inputs{random_input({6}, 90, -5.0, 5.0)}; }, [](X x) { return softplus(x[0]); }});
TFL_GRAD_CASE(GradCase{"softplus", "softplus beta 2, threshold 1 (linear region included)",
                       [] { return Inputs{random_input({8}, 91, -2.0, 2.0)}; }, [](X x) { return softplus(x[0], 2.0, 1.0); }});
TFL_GRAD_CASE(GradCase{"softplus", "softplus beta -1.5", [] { return Inputs{random_input({6}, 92, -3.0, 3.0)}; },
                       [](X x) { return softplus(x[0], -1.5); }});

// --- casts ----------------------------------------------------------------------------------------
// f64 round trips only: finite differences through f32 would measure f32 rounding, not the gradient
// (autograd_elementwise_test checks the f32 and f16 gradients exactly).
TFL_GRAD_CASE(GradCase{"to_dtype", "clone", [] { return Inputs{random_input({2, 3}, 93)}; }, [](X x) { return mul(clone(x[0]), x[0]); }});
TFL_GRAD_CASE(GradCase{"to_dtype", "contiguous of a broadcast view", [] { return Inputs{random_input({3}, 94)}; },
                       [](X x) { return contiguous(spread(x[0], {2, 3})); }});
TFL_GRAD_CASE(GradCase{"to_dtype", "to_dtype f64 -> f64", [] { return Inputs{random_input({4}, 95)}; },
                       [](X x) { return to_dtype(x[0], DType::F64); }});
}  // namespace
