// Tests of the elementwise op family against naive reference math written here (in double).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"

using namespace tfl;

namespace {

const DType kFloats[] = {DType::F32, DType::F64, DType::F16, DType::BF16};
const DType kInts[] = {DType::I32, DType::I64, DType::U8, DType::I8, DType::I16, DType::U16, DType::U32, DType::U64};
const DType kAll[] = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::U8,
                      DType::Bool, DType::I8, DType::I16, DType::U16, DType::U32, DType::U64};
bool is_unsigned(DType dt) {
  return dt == DType::U8 || dt == DType::U16 || dt == DType::U32 || dt == DType::U64;
}
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

Tensor make(const std::vector<double>& v, const Shape& s, DType dt) {
  Tensor d = from_buffer(v.data(), v.size() * sizeof(double), s, DType::F64);
  return to_dtype(d, dt);
}
Tensor make(const std::vector<double>& v, DType dt) {
  return make(v, Shape{static_cast<int64_t>(v.size())}, dt);
}

// Values of any tensor (any layout) in row-major order, as doubles.
std::vector<double> vals(const Tensor& t) {
  Tensor d = to_dtype(t, DType::F64);
  const double* p = d.data<double>();
  return std::vector<double>(p, p + d.numel());
}

// Tolerances of a result dtype: exact for integers, a few units in the last place for floats.
void tol(DType dt, double* rtol, double* atol) {
  switch (dt) {
    case DType::F64: *rtol = 1e-12; *atol = 1e-300; break;
    case DType::F32: *rtol = 4e-6; *atol = 1e-37; break;
    case DType::F16: *rtol = 2e-3; *atol = 1e-4; break;
    case DType::BF16: *rtol = 1.6e-2; *atol = 1e-3; break;
    default: *rtol = 0; *atol = 0; break;
  }
}

bool close(double got, double want, DType dt) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  double rtol, atol;
  tol(dt, &rtol, &atol);
  return std::fabs(got - want) <= atol + rtol * std::fabs(want);
}

// Wraps an exact integer result into the range of integer dtype dt, as two's complement does.
double wrap_to(double v, DType dt) {
  if (!is_integral(dt)) return v;
  const uint64_t u = static_cast<uint64_t>(static_cast<int64_t>(v));
  const int bits = static_cast<int>(8 * dtype_size(dt));
  if (bits == 64) return is_unsigned(dt) ? static_cast<double>(u) : v;
  const uint64_t m = u & ((uint64_t{1} << bits) - 1);
  if (!is_unsigned(dt) && (m >> (bits - 1)))
    return static_cast<double>(static_cast<int64_t>(m) - (int64_t{1} << bits));
  return static_cast<double>(m);
}

// extra_atol widens the absolute tolerance for formulas that cancel (gelu's tanh form).
void check_values(const Tensor& got, const std::vector<double>& want, DType dt, const std::string& what,
                  double extra_atol = 0) {
  REQUIRE(got.dtype() == dt);
  auto g = vals(got);
  REQUIRE(g.size() == want.size());
  for (size_t i = 0; i < g.size(); ++i) {
    INFO(what << " [" << dtype_name(dt) << "] element " << i << ": got " << g[i] << ", want " << want[i]);
    CHECK((close(g[i], want[i], dt) || std::fabs(g[i] - want[i]) <= extra_atol));
  }
}

double ref_round_half_even(double x) {
  double r = std::floor(x), d = x - r;
  if (d > 0.5 || (d == 0.5 && std::fmod(r, 2.0) != 0.0)) r += 1.0;
  return r;
}
double ref_sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
// erfc form: 1 + erf(x / sqrt 2) would cancel in double for x < -6.
double ref_gelu(double x) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); }
double ref_gelu_tanh(double x) {
  return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}
double ref_softplus(double x, double beta, double thr) {
  return beta * x > thr ? x : std::log(1.0 + std::exp(beta * x)) / beta;
}

struct UnaryCase {
  const char* name;
  std::function<Tensor(const Tensor&)> op;
  std::function<double(double)> ref;
  bool positive_domain;
  double extra_atol = 0;
};

std::vector<UnaryCase> float_unary_cases() {
  return {
      {"exp", [](const Tensor& t) { return tfl::exp(t); }, [](double x) { return std::exp(x); }, false},
      {"expm1", [](const Tensor& t) { return tfl::expm1(t); }, [](double x) { return std::expm1(x); }, false},
      {"log", [](const Tensor& t) { return tfl::log(t); }, [](double x) { return std::log(x); }, true},
      {"log1p", [](const Tensor& t) { return tfl::log1p(t); }, [](double x) { return std::log1p(x); }, true},
      {"sqrt", [](const Tensor& t) { return tfl::sqrt(t); }, [](double x) { return std::sqrt(x); }, true},
      {"rsqrt", [](const Tensor& t) { return tfl::rsqrt(t); }, [](double x) { return 1.0 / std::sqrt(x); }, true},
      {"sin", [](const Tensor& t) { return tfl::sin(t); }, [](double x) { return std::sin(x); }, false},
      {"cos", [](const Tensor& t) { return tfl::cos(t); }, [](double x) { return std::cos(x); }, false},
      {"tan", [](const Tensor& t) { return tfl::tan(t); }, [](double x) { return std::tan(x); }, false},
      {"tanh", [](const Tensor& t) { return tfl::tanh(t); }, [](double x) { return std::tanh(x); }, false},
      {"sigmoid", [](const Tensor& t) { return sigmoid(t); }, ref_sigmoid, false},
      {"silu", [](const Tensor& t) { return silu(t); }, [](double x) { return x * ref_sigmoid(x); }, false},
      {"gelu", [](const Tensor& t) { return gelu(t); }, ref_gelu, false},
      // In float, 1 + tanh(u) cancels for negative x: absolute error ~ |x| * 2^-24, as in PyTorch.
      {"gelu_tanh", [](const Tensor& t) { return gelu(t, true); }, ref_gelu_tanh, false, 1e-6},
      {"leaky_relu", [](const Tensor& t) { return leaky_relu(t, 0.1); },
       [](double x) { return x > 0 ? x : 0.1 * x; }, false},
      {"elu", [](const Tensor& t) { return elu(t, 1.5); },
       [](double x) { return x > 0 ? x : 1.5 * std::expm1(x); }, false},
      {"softplus", [](const Tensor& t) { return softplus(t); },
       [](double x) { return ref_softplus(x, 1.0, 20.0); }, false},
      {"softplus_beta", [](const Tensor& t) { return softplus(t, 2.0, 3.0); },
       [](double x) { return ref_softplus(x, 2.0, 3.0); }, false},
  };
}

}  // namespace

TEST_CASE("float-valued unary ops match double math for every float dtype", "[elementwise][unary]") {
  const std::vector<double> general = {-3.7, -2.5, -1.0, -0.5, -0.1, 0.0, 0.2, 0.5, 1.25, 2.5, 3.3, 1.0 / 3};
  const std::vector<double> positive = {0.1, 0.5, 1.0, 2.0, 7.5, 100.0, 1e-3};
  for (const auto& c : float_unary_cases()) {
    for (DType dt : kFloats) {
      Tensor in = make(c.positive_domain ? positive : general, dt);
      std::vector<double> want;
      for (double x : vals(in)) want.push_back(c.ref(x));
      check_values(c.op(in), want, dt, c.name, c.extra_atol);
    }
  }
}

TEST_CASE("float-valued unary ops on integer and bool inputs compute in f32", "[elementwise][unary]") {
  for (const auto& c : float_unary_cases()) {
    for (DType dt : kAll) {
      if (is_floating(dt)) continue;
      std::vector<double> in_v = dt == DType::Bool ? std::vector<double>{0, 1, 1}
                                 : (c.positive_domain || is_unsigned(dt)) ? std::vector<double>{1, 2, 3, 10}
                                                                          : std::vector<double>{-3, -1, 0, 1, 2, 5};
      if (c.positive_domain && dt == DType::Bool) in_v = {1, 1};
      std::vector<double> want;
      for (double x : in_v) want.push_back(c.ref(x));
      check_values(c.op(make(in_v, dt)), want, DType::F32, c.name, c.extra_atol);
    }
  }
}

TEST_CASE("vectorised f32 exp/tanh/sigmoid/silu/gelu agree with double math over wide ranges",
          "[elementwise][unary][simd]") {
  // 4001 points from -110 to 110: covers overflow to inf, underflow to 0 and every polynomial branch.
  std::vector<double> xs;
  for (int i = 0; i <= 4000; ++i) xs.push_back(-110.0 + 0.055 * i);
  for (double x : {0.625, -0.625, 1e-6, -1e-30, 88.7, 88.75, -87.5, -103.9}) xs.push_back(x);
  Tensor in = make(xs, DType::F32);
  auto x32 = vals(in);
  struct C {
    const char* name;
    Tensor (*op)(const Tensor&);
    double (*ref)(double);
    double atol;
    double rtol;
  };
  const C cases[] = {
      {"exp", [](const Tensor& t) { return tfl::exp(t); }, [](double x) { return std::exp(x); }, 1.5e-45, 1e-6},
      {"tanh", [](const Tensor& t) { return tfl::tanh(t); }, [](double x) { return std::tanh(x); }, 0, 1e-6},
      {"sigmoid", [](const Tensor& t) { return sigmoid(t); }, ref_sigmoid, 1.5e-45, 1e-6},
      {"silu", [](const Tensor& t) { return silu(t); }, [](double x) { return x * ref_sigmoid(x); }, 1e-42, 1e-6},
      // The tanh form cancels to 0 for x < -10 in float as in PyTorch; the absolute error stays tiny.
      {"gelu_tanh", [](const Tensor& t) { return gelu(t, true); }, ref_gelu_tanh, 1e-6, 1e-6},
      // erfc(-x / sqrt 2) amplifies the rounding of its float argument by ~x^2 in the far tail.
      {"gelu", [](const Tensor& t) { return gelu(t); }, ref_gelu, 1e-40, 4e-5},
  };
  // Strided reads go through the scalar loop, contiguous ones through the ISA-dispatched loop.
  Tensor strided_in = zeros(Shape{static_cast<int64_t>(xs.size() * 2)}, DType::F32)
                          .as_strided(Shape{static_cast<int64_t>(xs.size())}, Strides{2}, 1);
  copy_(strided_in, in);
  for (const auto& c : cases) {
    for (const Tensor& t : {in, strided_in}) {
      auto got = vals(c.op(t));
      for (size_t i = 0; i < xs.size(); ++i) {
        double want = static_cast<float>(c.ref(x32[i]));  // rounded to f32: exp(99) is inf there
        INFO(c.name << "(" << x32[i] << "): got " << got[i] << ", want " << want);
        if (std::isinf(want)) CHECK(got[i] == want);
        else CHECK(std::fabs(got[i] - want) <= c.atol + c.rtol * std::fabs(want));
      }
    }
  }
}

TEST_CASE("transcendental f32 ops propagate NaN and handle infinities", "[elementwise][unary][simd]") {
  Tensor in = make({kNaN, kInf, -kInf}, DType::F32);
  auto e = vals(tfl::exp(in));
  CHECK(std::isnan(e[0]));
  CHECK(e[1] == kInf);
  CHECK(e[2] == 0.0);
  auto th = vals(tfl::tanh(in));
  CHECK(std::isnan(th[0]));
  CHECK(th[1] == 1.0);
  CHECK(th[2] == -1.0);
  auto s = vals(sigmoid(in));
  CHECK(std::isnan(s[0]));
  CHECK(s[1] == 1.0);
  CHECK(s[2] == 0.0);
  CHECK(std::isnan(vals(gelu(in))[0]));
  CHECK(std::isnan(vals(gelu(in, true))[0]));
  CHECK(std::isnan(vals(silu(in))[0]));
  CHECK(std::isnan(vals(relu(in))[0]));
  // softplus is stable where exp(beta x) overflows but beta x is below the threshold.
  auto sp = vals(softplus(make({100.0, -100.0}, DType::F64), 1.0, 1000.0));
  CHECK(sp[0] == Approx(100.0));
  CHECK(sp[1] == Approx(std::exp(-100.0)).epsilon(1e-12));
  CHECK(vals(softplus(make({25.0}, DType::F32)))[0] == 25.0);  // above the threshold: x itself
}

TEST_CASE("integer-keeping unary ops match naive loops for every numeric dtype", "[elementwise][unary]") {
  struct C {
    const char* name;
    std::function<Tensor(const Tensor&)> op;
    std::function<double(double)> ref;
  };
  const std::vector<C> cases = {
      {"neg", [](const Tensor& t) { return neg(t); }, [](double x) { return -x; }},
      {"abs", [](const Tensor& t) { return tfl::abs(t); }, [](double x) { return std::fabs(x); }},
      {"sign", [](const Tensor& t) { return sign(t); }, [](double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; }},
      {"square", [](const Tensor& t) { return square(t); }, [](double x) { return x * x; }},
      {"relu", [](const Tensor& t) { return relu(t); }, [](double x) { return x > 0 ? x : 0.0; }},
      {"floor", [](const Tensor& t) { return tfl::floor(t); }, [](double x) { return std::floor(x); }},
      {"ceil", [](const Tensor& t) { return tfl::ceil(t); }, [](double x) { return std::ceil(x); }},
      {"round", [](const Tensor& t) { return tfl::round(t); }, ref_round_half_even},
      {"clip", [](const Tensor& t) { return clip(t, -2.0, 3.0); },
       [](double x) { return x < -2 ? -2 : x > 3 ? 3 : x; }},
      {"clip_lo", [](const Tensor& t) { return clip(t, 1.0, std::nullopt); }, [](double x) { return x < 1 ? 1 : x; }},
      {"clip_hi", [](const Tensor& t) { return clip(t, std::nullopt, 2.0); }, [](double x) { return x > 2 ? 2 : x; }},
      {"clip_inverted", [](const Tensor& t) { return clip(t, 3.0, 1.0); }, [](double) { return 1.0; }},
  };
  const std::vector<double> fv = {-3.5, -2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5, 2.4, 2.6, -2.6, 7.0};
  for (const auto& c : cases) {
    for (DType dt : kFloats) {
      Tensor in = make(fv, dt);
      std::vector<double> want;
      for (double x : vals(in)) want.push_back(c.ref(x));
      check_values(c.op(in), want, dt, c.name);
    }
    for (DType dt : kInts) {
      std::vector<double> in_v = {-7, -3, -1, 0, 1, 2, 5, 100};
      if (dt == DType::I8) in_v = {-128, -7, -3, -1, 0, 1, 2, 5, 100, 127};
      if (is_unsigned(dt)) in_v = {0, 1, 2, 5, 100, 200, 255};
      std::vector<double> want;
      for (double x : in_v) {
        double r = c.ref(x);
        // clip's negative bound saturates to 0 for uint8; other results wrap modulo 2^8.
        if (is_unsigned(dt) && std::string(c.name) == "clip") r = x > 3 ? 3 : x;
        want.push_back(wrap_to(r, dt));
      }
      check_values(c.op(make(in_v, dt)), want, dt, c.name);
    }
  }
}

TEST_CASE("integer unary edge cases wrap instead of overflowing", "[elementwise][unary]") {
  const double imin = std::numeric_limits<int32_t>::min();
  Tensor t = make({imin, 65536.0}, DType::I32);
  CHECK(vals(neg(t)) == std::vector<double>{imin, -65536.0});
  CHECK(vals(tfl::abs(t)) == std::vector<double>{imin, 65536.0});  // like NumPy: abs(INT_MIN) == INT_MIN
  CHECK(vals(square(t)) == std::vector<double>{0.0, 0.0});         // 2^62 and 2^32 are 0 mod 2^32
  CHECK(vals(neg(make({1, 255}, DType::U8))) == std::vector<double>{255, 1});
  // NaN passes through sign, clip and rounding.
  Tensor n = make({kNaN}, DType::F32);
  for (const Tensor& r : {sign(n), clip(n, 0.0, 1.0), tfl::round(n), tfl::floor(n)}) CHECK(std::isnan(vals(r)[0]));
  // numpy.round([0.5, 1.5, 2.5, -0.5, -2.5]) == [0, 2, 2, -0, -2]
  CHECK(vals(tfl::round(make({0.5, 1.5, 2.5, -0.5, -2.5}, DType::F64))) == std::vector<double>{0, 2, 2, 0, -2});
  // Integer clip bounds saturate into the dtype's range.
  CHECK(vals(clip(make({0, 100, 255}, DType::U8), -5.0, 300.0)) == std::vector<double>{0, 100, 255});
}

namespace {

struct BinaryCase {
  const char* name;
  std::function<Tensor(const Tensor&, const Tensor&)> op;
  std::function<double(double, double)> ref;
  bool float_result;  // integer inputs give f32
  bool nonzero_b;     // b drawn away from zero (division-like)
};

double ref_floordiv(double a, double b) { return std::floor(a / b); }
double ref_mod(double a, double b) { return a - std::floor(a / b) * b; }

std::vector<BinaryCase> binary_cases() {
  return {
      {"add", [](const Tensor& a, const Tensor& b) { return add(a, b); }, [](double a, double b) { return a + b; },
       false, false},
      {"sub", [](const Tensor& a, const Tensor& b) { return sub(a, b); }, [](double a, double b) { return a - b; },
       false, false},
      {"mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); }, [](double a, double b) { return a * b; },
       false, false},
      {"div", [](const Tensor& a, const Tensor& b) { return div(a, b); }, [](double a, double b) { return a / b; },
       true, true},
      {"floor_divide", [](const Tensor& a, const Tensor& b) { return floor_divide(a, b); }, ref_floordiv, false,
       true},
      {"remainder", [](const Tensor& a, const Tensor& b) { return remainder(a, b); }, ref_mod, false, true},
      {"maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); },
       [](double a, double b) { return a > b ? a : b; }, false, false},
      {"minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); },
       [](double a, double b) { return a < b ? a : b; }, false, false},
      {"atan2", [](const Tensor& a, const Tensor& b) { return tfl::atan2(a, b); },
       [](double a, double b) { return std::atan2(a, b); }, true, false},
  };
}

}  // namespace

TEST_CASE("binary ops broadcast and match double math for every dtype", "[elementwise][binary]") {
  // a is 2x3, b is 3 (broadcast along rows).
  const std::vector<double> fa = {-7.5, -3.0, 0.0, 2.5, 7.0, 11.25}, fb = {2.0, -3.0, 0.5};
  const std::vector<double> ia = {-7, -3, 0, 2, 7, 11}, ib = {2, -3, 5};
  const std::vector<double> ua = {7, 3, 0, 2, 200, 11}, ub = {2, 3, 5};
  for (const auto& c : binary_cases()) {
    for (DType dt : kAll) {
      if (dt == DType::Bool) continue;
      const bool fl = is_floating(dt);
      Tensor a = make(fl ? fa : is_unsigned(dt) ? ua : ia, Shape{2, 3}, dt);
      Tensor b = make(fl ? fb : is_unsigned(dt) ? ub : ib, Shape{3}, dt);
      auto av = vals(a), bv = vals(b);
      DType rdt = (c.float_result && !fl) ? DType::F32 : dt;
      std::vector<double> want;
      for (int i = 0; i < 6; ++i) {
        double r = c.ref(av[static_cast<size_t>(i)], bv[static_cast<size_t>(i % 3)]);
        want.push_back(is_integral(rdt) ? wrap_to(r, rdt) : r);
      }
      Tensor got = c.op(a, b);
      REQUIRE(got.shape() == Shape{2, 3});
      check_values(got, want, rdt, c.name);
    }
  }
}

TEST_CASE("pow for every dtype, with integer negative exponents and wrap-around", "[elementwise][binary]") {
  for (DType dt : kFloats) {
    Tensor a = make({2.0, 0.5, 3.0, 9.0}, dt), b = make({3.0, -2.0, 0.5, 0.0}, dt);
    auto av = vals(a), bv = vals(b);
    std::vector<double> want;
    for (int i = 0; i < 4; ++i) want.push_back(std::pow(av[static_cast<size_t>(i)], bv[static_cast<size_t>(i)]));
    check_values(tfl::pow(a, b), want, dt, "pow");
  }
  for (DType dt : {DType::I32, DType::I64}) {
    Tensor a = make({2, -3, 1, -1, -1, 5, 0}, dt), b = make({10, 3, -5, -3, -4, -1, 0}, dt);
    check_values(tfl::pow(a, b), {1024, -27, 1, -1, 1, 0, 1}, dt, "pow");
  }
  check_values(tfl::pow(make({2, 3}, DType::U8), make({8, 5}, DType::U8)), {0, 243}, DType::U8, "pow");
  check_values(tfl::pow(make({2}, DType::I32), make({31}, DType::I32)), {-2147483648.0}, DType::I32, "pow");
  check_values(tfl::pow(make({3}, DType::I64), make({40}, DType::I64)), {12157665459056928801.0 - 18446744073709551616.0},
               DType::I64, "pow");  // 3^40 mod 2^64 as a signed value (computed with Python)
}

TEST_CASE("floor_divide and remainder follow Python signs; integer division by zero is 0",
          "[elementwise][binary]") {
  // numpy.floor_divide([-7, 7, -7, 7], [3, -3, -3, 3]) == [-3, -3, 2, 2]; remainder == [2, -2, -1, 1]
  for (DType dt : {DType::I32, DType::I64, DType::F32, DType::F64}) {
    Tensor a = make({-7, 7, -7, 7}, dt), b = make({3, -3, -3, 3}, dt);
    check_values(floor_divide(a, b), {-3, -3, 2, 2}, dt, "floor_divide");
    check_values(remainder(a, b), {2, -2, -1, 1}, dt, "remainder");
  }
  // numpy: np.remainder(-7.5, 2) == 0.5, np.floor_divide(-7.5, 2) == -4, np.remainder(7.5, -2) == -0.5
  check_values(remainder(make({-7.5, 7.5}, DType::F32), make({2.0, -2.0}, DType::F32)), {0.5, -0.5}, DType::F32,
               "remainder");
  check_values(floor_divide(make({-7.5, 7.5}, DType::F32), make({2.0, -2.0}, DType::F32)), {-4, -4}, DType::F32,
               "floor_divide");
  for (DType dt : kInts) {
    Tensor a = make({5, 0, 7}, dt), z = make({0, 0, 0}, dt);
    check_values(floor_divide(a, z), {0, 0, 0}, dt, "floor_divide by zero");
    check_values(remainder(a, z), {0, 0, 0}, dt, "remainder by zero");
  }
  const double imin = std::numeric_limits<int32_t>::min();
  check_values(floor_divide(make({imin}, DType::I32), make({-1}, DType::I32)), {imin}, DType::I32, "INT_MIN // -1");
  check_values(remainder(make({imin}, DType::I32), make({-1}, DType::I32)), {0}, DType::I32, "INT_MIN % -1");
  // Floats: x // 0 is +-inf (nan for 0 // 0), x % 0 is nan, as in NumPy.
  auto fd = vals(floor_divide(make({5.0, -5.0, 0.0}, DType::F32), make({0.0, 0.0, 0.0}, DType::F32)));
  CHECK(fd[0] == kInf);
  CHECK(fd[1] == -kInf);
  CHECK(std::isnan(fd[2]));
  CHECK(std::isnan(vals(remainder(make({5.0}, DType::F64), make({0.0}, DType::F64)))[0]));
  // Integer add/mul wrap.
  check_values(add(make({2147483647}, DType::I32), make({1}, DType::I32)), {imin}, DType::I32, "add wrap");
  check_values(mul(make({65536}, DType::I32), make({65536}, DType::I32)), {0}, DType::I32, "mul wrap");
  check_values(sub(make({3}, DType::U8), make({5}, DType::U8)), {254}, DType::U8, "sub wrap");
}

TEST_CASE("maximum and minimum propagate NaN like NumPy", "[elementwise][binary]") {
  for (DType dt : kFloats) {
    Tensor a = make({1.0, kNaN, kNaN, 3.0}, dt), b = make({kNaN, 2.0, kNaN, -1.0}, dt);
    check_values(maximum(a, b), {kNaN, kNaN, kNaN, 3.0}, dt, "maximum");
    check_values(minimum(a, b), {kNaN, kNaN, kNaN, -1.0}, dt, "minimum");
  }
}

TEST_CASE("tensor-scalar forms of arithmetic, pow, maximum and minimum", "[elementwise][binary][scalar]") {
  for (DType dt : {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64}) {
    Tensor a = make({-4, -1, 0, 3, 8}, dt);
    auto av = vals(a);
    auto each = [&](std::function<double(double)> f) {
      std::vector<double> w;
      for (double x : av) w.push_back(f(x));
      return w;
    };
    check_values(add(a, 2.0), each([](double x) { return x + 2; }), dt, "add");
    check_values(add(2.0, a), each([](double x) { return x + 2; }), dt, "radd");
    check_values(sub(a, 2.0), each([](double x) { return x - 2; }), dt, "sub");
    check_values(sub(2.0, a), each([](double x) { return 2 - x; }), dt, "rsub");
    check_values(mul(a, 3.0), each([](double x) { return x * 3; }), dt, "mul");
    check_values(mul(3.0, a), each([](double x) { return x * 3; }), dt, "rmul");
    check_values(floor_divide(a, 3.0), each([](double x) { return std::floor(x / 3); }), dt, "floor_divide");
    check_values(remainder(a, 3.0), each([](double x) { return ref_mod(x, 3); }), dt, "remainder");
    check_values(remainder(7.0, make({3, -3}, dt)), {1, -2}, dt, "rremainder");
    check_values(floor_divide(7.0, make({3, -3}, dt)), {2, -3}, dt, "rfloor_divide");
    check_values(tfl::pow(a, 2.0), each([](double x) { return x * x; }), dt, "pow");
    check_values(tfl::pow(2.0, make({0, 1, 5}, dt)), {1, 2, 32}, dt, "rpow");
    check_values(maximum(a, 0.0), each([](double x) { return x > 0 ? x : 0; }), dt, "maximum");
    check_values(minimum(a, 0.0), each([](double x) { return x < 0 ? x : 0; }), dt, "minimum");
    DType fdt = is_floating(dt) ? dt : DType::F32;
    check_values(div(a, 0.5), each([](double x) { return x / 0.5; }), fdt, "div");
    check_values(div(2.0, make({4, -8}, dt)), {0.5, -0.25}, fdt, "rdiv");
    check_values(tfl::atan2(a, 2.0), each([](double x) { return std::atan2(x, 2.0); }), fdt, "atan2");
  }
  CHECK(vals(add(make({250}, DType::U8), 10.0)) == std::vector<double>{4});  // wraps modulo 256
}

TEST_CASE("_out forms write into an existing tensor, including in place", "[elementwise][binary][out]") {
  Tensor a = make({1, 2, 3, 4}, Shape{2, 2}, DType::F32), b = make({10, 20}, Shape{2}, DType::F32);
  Tensor out = zeros(Shape{2, 2}, DType::F32);
  uint64_t v0 = out.version();
  CHECK(vals(add_out(out, a, b)) == std::vector<double>{11, 22, 13, 24});
  CHECK(out.version() > v0);
  CHECK(vals(sub_out(out, a, b)) == std::vector<double>{-9, -18, -7, -16});
  CHECK(vals(mul_out(out, a, b)) == std::vector<double>{10, 40, 30, 80});
  check_values(div_out(out, a, b), {1.0 / 10, 2.0 / 20, 3.0 / 10, 4.0 / 20}, DType::F32, "div_out");
  CHECK(vals(floor_divide_out(out, b, a)) == std::vector<double>{10, 10, 3, 5});
  CHECK(vals(remainder_out(out, b, a)) == std::vector<double>{0, 0, 1, 0});
  CHECK(vals(pow_out(out, a, make({2}, DType::F32))) == std::vector<double>{1, 4, 9, 16});
  CHECK(vals(maximum_out(out, a, make({2.5}, DType::F32))) == std::vector<double>{2.5, 2.5, 3, 4});
  CHECK(vals(minimum_out(out, a, make({2.5}, DType::F32))) == std::vector<double>{1, 2, 2.5, 2.5});
  check_values(atan2_out(out, a, a), std::vector<double>(4, std::atan2(1.0, 1.0)), DType::F32, "atan2_out");
  // In place: out aliases a.
  Tensor x = make({1, 2, 3}, DType::I64);
  add_out(x, x, make({5}, DType::I64));
  CHECK(vals(x) == std::vector<double>{6, 7, 8});
  // A transposed (non-contiguous) out.
  Tensor base = zeros(Shape{2, 2}, DType::F32);
  Tensor t = base.as_strided(Shape{2, 2}, Strides{1, 2}, 0);
  add_out(t, a, b);
  CHECK(vals(base) == std::vector<double>{11, 13, 22, 24});
}

TEST_CASE("comparisons give bool for every dtype, with scalars and NaN", "[elementwise][compare]") {
  struct C {
    const char* name;
    Tensor (*op)(const Tensor&, const Tensor&);
    Tensor (*sop)(const Tensor&, double);
    bool (*ref)(double, double);
  };
  const C cases[] = {
      {"eq", [](const Tensor& a, const Tensor& b) { return eq(a, b); }, [](const Tensor& a, double b) { return eq(a, b); },
       [](double a, double b) { return a == b; }},
      {"ne", [](const Tensor& a, const Tensor& b) { return ne(a, b); }, [](const Tensor& a, double b) { return ne(a, b); },
       [](double a, double b) { return a != b; }},
      {"lt", [](const Tensor& a, const Tensor& b) { return lt(a, b); }, [](const Tensor& a, double b) { return lt(a, b); },
       [](double a, double b) { return a < b; }},
      {"le", [](const Tensor& a, const Tensor& b) { return le(a, b); }, [](const Tensor& a, double b) { return le(a, b); },
       [](double a, double b) { return a <= b; }},
      {"gt", [](const Tensor& a, const Tensor& b) { return gt(a, b); }, [](const Tensor& a, double b) { return gt(a, b); },
       [](double a, double b) { return a > b; }},
      {"ge", [](const Tensor& a, const Tensor& b) { return ge(a, b); }, [](const Tensor& a, double b) { return ge(a, b); },
       [](double a, double b) { return a >= b; }},
  };
  for (const auto& c : cases) {
    for (DType dt : kAll) {
      std::vector<double> av = {0, 1, 2, 1, 5, 0}, bv = {1, 1, 0};
      if (dt == DType::Bool) av = {0, 1, 1, 1, 0, 0};
      if (is_floating(dt)) av[5] = kNaN;
      Tensor a = make(av, Shape{2, 3}, dt), b = make(bv, Shape{3}, dt);
      std::vector<double> want;
      for (int i = 0; i < 6; ++i) want.push_back(c.ref(av[static_cast<size_t>(i)], bv[static_cast<size_t>(i % 3)]));
      check_values(c.op(a, b), want, DType::Bool, c.name);
      if (dt == DType::Bool) continue;  // a numeric scalar with a bool tensor is a DTypeError
      want.clear();
      for (double x : av) want.push_back(c.ref(x, 1.0));
      check_values(c.sop(a, 1.0), want, DType::Bool, c.name);
    }
  }
  // Mixed dtypes promote first: i32 vs i64.
  check_values(lt(make({1, 5}, DType::I32), make({3}, DType::I64)), {1, 0}, DType::Bool, "lt promoted");
}

TEST_CASE("logical ops accept any dtypes and treat nonzero and NaN as true", "[elementwise][logical]") {
  Tensor a = make({0, 1, 0, 1}, DType::Bool);
  Tensor b = make({0, 0, 2.5, kNaN}, DType::F32);
  check_values(logical_and(a, b), {0, 0, 0, 1}, DType::Bool, "and");
  check_values(logical_or(a, b), {0, 1, 1, 1}, DType::Bool, "or");
  check_values(logical_xor(a, b), {0, 1, 1, 0}, DType::Bool, "xor");
  for (DType dt : kAll) {
    Tensor x = make({0, 1, 0, 1}, dt);
    check_values(logical_not(x), {1, 0, 1, 0}, DType::Bool, "not");
    check_values(logical_and(x, make({1, 1, 0, 0}, DType::I64)), {0, 1, 0, 0}, DType::Bool, "and mixed");
  }
  check_values(logical_not(make({kNaN, -0.0}, DType::F64)), {0, 1}, DType::Bool, "not NaN");
  check_values(logical_or(make({0, 0}, Shape{2, 1}, DType::U8), make({0, 3}, DType::I32)), {0, 1, 0, 1},
               DType::Bool, "or broadcast");
}

TEST_CASE("where selects, promotes and broadcasts all three operands", "[elementwise][where]") {
  Tensor cond = make({1, 0, 1}, Shape{3}, DType::Bool);
  for (DType dt : kAll) {
    Tensor a = make({1, 1}, Shape{2, 1}, dt);
    Tensor b = make({0}, Shape{}, dt);
    check_values(where(cond, a, b), {1, 0, 1, 1, 0, 1}, dt, "where");
  }
  Tensor w = where(make({1, 0}, DType::Bool), make({7, 8}, DType::I32), make({-1, -2}, DType::I64));
  check_values(w, {7, -2}, DType::I64, "where promoted");
  check_values(where(make({0, 1}, DType::Bool), make({1.5, 2.5}, DType::F16), make({3.0}, DType::F32)), {3.0, 2.5},
               DType::F32, "where f16/f32");
  REQUIRE_THROWS_AS(where(make({1}, DType::I32), cond, cond), DTypeError);
  REQUIRE_THROWS_WITH(where(make({1}, DType::F32), cond, cond), Catch::Contains("cond must be bool"));
  REQUIRE_THROWS_AS(where(cond, make({1, 2}, DType::F32), cond), DTypeError);  // f32 with bool
  REQUIRE_THROWS_AS(where(cond, make({1, 2}, DType::F32), make({1}, DType::F32)), ShapeError);
}

TEST_CASE("isnan, isinf and isfinite for every dtype", "[elementwise][tests]") {
  for (DType dt : kFloats) {
    Tensor x = make({0.0, kNaN, kInf, -kInf, -2.5}, dt);
    check_values(isnan(x), {0, 1, 0, 0, 0}, DType::Bool, "isnan");
    check_values(isinf(x), {0, 0, 1, 1, 0}, DType::Bool, "isinf");
    check_values(isfinite(x), {1, 0, 0, 0, 1}, DType::Bool, "isfinite");
  }
  for (DType dt : kAll) {
    if (is_floating(dt)) continue;
    Tensor x = make({0, 1}, dt);
    check_values(isnan(x), {0, 0}, DType::Bool, "isnan");
    check_values(isinf(x), {0, 0}, DType::Bool, "isinf");
    check_values(isfinite(x), {1, 1}, DType::Bool, "isfinite");
  }
}

TEST_CASE("0-d and 0-size tensors", "[elementwise][shape]") {
  Tensor s = make({2.0}, Shape{}, DType::F32);
  Tensor r = add(s, s);
  CHECK(r.shape() == Shape{});
  CHECK(r.item() == 4.0);
  CHECK(tfl::exp(s).shape() == Shape{});
  CHECK(add(s, make({1, 2}, DType::F32)).shape() == Shape{2});
  Tensor e = zeros(Shape{0, 3}, DType::F32);
  CHECK(add(e, make({1, 2, 3}, DType::F32)).shape() == Shape{0, 3});
  CHECK(tfl::tanh(e).shape() == Shape{0, 3});
  CHECK(where(zeros(Shape{0, 1}, DType::Bool), e, e).shape() == Shape{0, 3});
  CHECK(eq(e, 1.0).numel() == 0);
  CHECK(clip(zeros(Shape{0}, DType::I32), 0.0, 1.0).numel() == 0);
}

TEST_CASE("non-contiguous inputs: transposes, steps, negative strides", "[elementwise][layout]") {
  // base = [0, 1, ..., 11] as 3x4; views read it in other orders.
  std::vector<double> bv(12);
  for (int i = 0; i < 12; ++i) bv[static_cast<size_t>(i)] = i - 5.5;
  for (DType dt : {DType::F32, DType::F64, DType::I32, DType::F16}) {
    Tensor base = make(bv, Shape{3, 4}, dt);
    auto b = vals(base);
    Tensor tr = base.as_strided(Shape{4, 3}, Strides{1, 4}, 0);     // transpose
    Tensor step = base.as_strided(Shape{3, 2}, Strides{4, 2}, 1);   // every other column from 1
    Tensor rev = base.as_strided(Shape{3, 4}, Strides{-4, -1}, 11);  // both axes reversed
    std::vector<double> want_tr, want_step, want_rev;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 3; ++j) want_tr.push_back(b[static_cast<size_t>(j * 4 + i)]);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 2; ++j) want_step.push_back(b[static_cast<size_t>(i * 4 + 1 + 2 * j)]);
    for (int i = 0; i < 12; ++i) want_rev.push_back(b[static_cast<size_t>(11 - i)]);
    REQUIRE(vals(tr) == want_tr);
    auto twice = [](std::vector<double> v) {
      for (double& x : v) x *= 2;
      return v;
    };
    check_values(add(tr, tr), twice(want_tr), dt, "add transposed");
    check_values(mul(step, 2.0), twice(want_step), dt, "mul stepped");
    check_values(add(rev, base), std::vector<double>(12, b[0] + b[11]), dt, "add reversed");
    std::vector<double> neg_rev;
    for (double x : want_rev) neg_rev.push_back(-x);
    check_values(neg(rev), neg_rev, dt, "neg reversed");
    std::vector<double> gt_tr;
    for (double x : want_tr) gt_tr.push_back(x > 0);
    check_values(gt(tr, 0.0), gt_tr, DType::Bool, "gt transposed");
    DType fdt = is_floating(dt) ? dt : DType::F32;
    std::vector<double> sig;
    for (double x : want_rev) sig.push_back(ref_sigmoid(x));
    check_values(sigmoid(rev), sig, fdt, "sigmoid reversed");
  }
  // A 0-stride (expanded) input.
  Tensor one = make({3.0}, DType::F32);
  Tensor expanded = one.as_strided(Shape{2, 3}, Strides{0, 0}, 0);
  check_values(add(expanded, make({1, 2, 3}, DType::F32)), {4, 5, 6, 4, 5, 6}, DType::F32, "add expanded");
}

TEST_CASE("dtype promotion of binary ops", "[elementwise][promotion]") {
  CHECK(add(make({1}, DType::I32), make({2}, DType::I64)).dtype() == DType::I64);
  CHECK(add(make({1}, DType::U8), make({2}, DType::I32)).dtype() == DType::I32);
  CHECK(add(make({1}, DType::F16), make({2}, DType::F32)).dtype() == DType::F32);
  CHECK(mul(make({1}, DType::BF16), make({2}, DType::F64)).dtype() == DType::F64);
  CHECK(add(make({1}, DType::F16), make({2}, DType::F16)).dtype() == DType::F16);
  CHECK(div(make({1}, DType::I64), make({2}, DType::I32)).dtype() == DType::F32);
  check_values(add(make({1.5}, DType::F16), make({0.25}, DType::F32)), {1.75}, DType::F32, "f16+f32");
  REQUIRE_THROWS_AS(add(make({1}, DType::I32), make({1}, DType::F32)), DTypeError);
  REQUIRE_THROWS_WITH(add(make({1}, DType::I32), make({1}, DType::F32)), Catch::Contains("no promotion rule"));
  REQUIRE_THROWS_AS(add(make({1}, DType::Bool), make({1}, DType::I32)), DTypeError);
  REQUIRE_THROWS_AS(maximum(make({1}, DType::F16), make({1}, DType::BF16)), DTypeError);
  REQUIRE_THROWS_AS(eq(make({1}, DType::Bool), make({1}, DType::F32)), DTypeError);
}

TEST_CASE("elementwise error paths", "[elementwise][errors]") {
  Tensor f = make({1, 2, 3}, DType::F32), i = make({1, 2, 3}, DType::I32), bl = make({1, 0}, DType::Bool);
  REQUIRE_THROWS_AS(add(f, make({1, 2}, DType::F32)), ShapeError);
  REQUIRE_THROWS_WITH(add(f, make({1, 2}, DType::F32)), Catch::Contains("[add]"));
  REQUIRE_THROWS_AS(neg(bl), DTypeError);
  REQUIRE_THROWS_WITH(neg(bl), Catch::Contains("not defined for bool"));
  REQUIRE_THROWS_AS(sub(bl, bl), DTypeError);
  REQUIRE_THROWS_AS(tfl::abs(bl), DTypeError);
  REQUIRE_THROWS_AS(clip(bl, 0.0, 1.0), DTypeError);
  REQUIRE_THROWS_AS(add(i, 0.5), DTypeError);
  REQUIRE_THROWS_WITH(add(i, 0.5), Catch::Contains("not an integer"));
  REQUIRE_THROWS_AS(tfl::pow(i, 0.5), DTypeError);
  REQUIRE_THROWS_AS(add(bl, 1.0), DTypeError);
  REQUIRE_THROWS_AS(clip(i, 0.5, 2.0), DTypeError);
  REQUIRE_THROWS_WITH(clip(f, kNaN, 2.0), Catch::Contains("[clip] a bound is NaN"));
  REQUIRE_THROWS_AS(clip(f, kNaN, 2.0), InvalidArgumentError);
  REQUIRE_THROWS_AS(softplus(f, 0.0), InvalidArgumentError);
  REQUIRE_THROWS_WITH(softplus(f, 0.0), Catch::Contains("beta"));
  REQUIRE_THROWS_AS(leaky_relu(f, kInf), InvalidArgumentError);
  REQUIRE_THROWS_AS(elu(f, kNaN), InvalidArgumentError);
  REQUIRE_THROWS_AS(add(Tensor(), f), InvalidArgumentError);
  REQUIRE_THROWS_WITH(tfl::exp(Tensor()), Catch::Contains("undefined"));
  REQUIRE_THROWS_AS(logical_and(f, Tensor()), InvalidArgumentError);
  REQUIRE_THROWS_AS(where(Tensor(), f, f), InvalidArgumentError);
  Tensor out = zeros(Shape{2}, DType::F32);
  REQUIRE_THROWS_AS(add_out(out, f, f), ShapeError);
  REQUIRE_THROWS_WITH(add_out(out, f, f), Catch::Contains("out has shape 2"));
  Tensor out_i = zeros(Shape{3}, DType::I32);
  REQUIRE_THROWS_AS(add_out(out_i, f, f), DTypeError);
  REQUIRE_THROWS_AS(div_out(out_i, i, i), DTypeError);  // integer division gives float32
  Tensor undefined;
  REQUIRE_THROWS_AS(mul_out(undefined, f, f), InvalidArgumentError);
}
