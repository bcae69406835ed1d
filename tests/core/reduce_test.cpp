// Tests of reductions and scans against naive double-precision loops written here.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/dtype_info.h"
#include "core/ops/creation.h"
#include "core/ops/reduce.h"
#include "core/thread_pool.h"

using namespace tfl;

namespace {

const DType kAllTypes[] = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32, DType::I64, DType::U8,
                           DType::Bool, DType::I8, DType::I16, DType::U16, DType::U32, DType::U64};
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// Writes v (already representable) into element i of a contiguous buffer of dtype dt.
void put(void* base, DType dt, int64_t i, double v) {
  dispatch_all_types(dt, "test", [&](auto tag) {
    using T = typename decltype(tag)::type;
    static_cast<T*>(base)[i] = static_cast<T>(static_cast<compute_t<T>>(v));
  });
}

// Element at a multi-index, read through the tensor's own strides and offset.
double get(const Tensor& t, const std::vector<int64_t>& idx) {
  int64_t off = 0;
  for (size_t d = 0; d < idx.size(); ++d) off += idx[d] * t.strides()[static_cast<int>(d)];
  return dispatch_all_types(t.dtype(), "test", [&](auto tag) -> double {
    using T = typename decltype(tag)::type;
    return static_cast<double>(static_cast<compute_t<T>>(static_cast<const T*>(t.data_ptr())[off]));
  });
}

// A contiguous tensor with element i = gen(i), exactly representable in every dtype.
Tensor make(const Shape& s, DType dt, const std::function<double(int64_t)>& gen) {
  Tensor t = Tensor::empty(s, dt);
  for (int64_t i = 0; i < t.numel(); ++i) put(t.data_ptr(), dt, i, gen(i));
  return t;
}

// Small quarter-integers with ties, mixed signs for signed types.
double gen_value(DType dt, int64_t i) {
  int64_t r = (i * 37 + 5) % 19;
  if (dt == DType::Bool) return r % 3 == 0 ? 1 : 0;
  if (is_integral(dt) && !dtype_is_signed(dt)) return static_cast<double>(r);
  if (is_integral(dt)) return static_cast<double>(r - 9);
  return static_cast<double>(r - 9) / 4.0;
}
// Values whose products stay small: {1, -1, 2, 0.5} (integers: {1, -1, 2, 1}; u8/bool: {1, 2, 1, 1}).
double gen_prod(DType dt, int64_t i) {
  int64_t r = (i * 7 + 3) % 4;
  if (dt == DType::Bool) return r == 1 ? 0 : 1;
  if (is_integral(dt) && !dtype_is_signed(dt)) return r == 1 ? 2 : 1;
  if (is_integral(dt)) return r == 0 ? 1 : r == 1 ? -1 : r == 2 ? 2 : 1;
  return r == 0 ? 1 : r == 1 ? -1 : r == 2 ? 2 : 0.5;
}

// The same 3x4x5 logical values (gen(k) at row-major position k) under several memory layouts.
std::vector<std::pair<std::string, Tensor>> layouts(DType dt, const std::function<double(int64_t)>& gen) {
  std::vector<std::pair<std::string, Tensor>> out;
  const Shape s{3, 4, 5};
  out.emplace_back("contiguous", make(s, dt, gen));
  {  // transposed: memory is 5x4x3 row-major
    Tensor base = Tensor::empty(Shape{5, 4, 3}, dt);
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 4; ++j)
        for (int64_t k = 0; k < 5; ++k) put(base.data_ptr(), dt, k * 12 + j * 3 + i, gen(i * 20 + j * 5 + k));
    out.emplace_back("transposed", base.as_strided(s, Strides{1, 3, 12}, 0));
  }
  {  // every other element of the last axis, every second row of the first: base 6x4x10
    Tensor base = make(Shape{6, 4, 10}, dt, [](int64_t) { return 0.0; });
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 4; ++j)
        for (int64_t k = 0; k < 5; ++k) put(base.data_ptr(), dt, i * 80 + j * 10 + k * 2, gen(i * 20 + j * 5 + k));
    out.emplace_back("stepped", base.as_strided(s, Strides{80, 10, 2}, 0));
  }
  {  // the last two axes reversed
    Tensor base = Tensor::empty(s, dt);
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 4; ++j)
        for (int64_t k = 0; k < 5; ++k)
          put(base.data_ptr(), dt, i * 20 + (3 - j) * 5 + (4 - k), gen(i * 20 + j * 5 + k));
    out.emplace_back("negative strides", base.as_strided(s, Strides{20, -5, -1}, 19));
  }
  {  // broadcast along the middle axis (stride 0): value depends on (i, k) only
    Tensor base = Tensor::empty(Shape{3, 5}, dt);
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t k = 0; k < 5; ++k) put(base.data_ptr(), dt, i * 5 + k, gen(i * 20 + k));
    out.emplace_back("broadcast", base.as_strided(s, Strides{5, 0, 1}, 0));
  }
  return out;
}

using Group = std::vector<double>;
using Ref = std::function<double(const Group&)>;

// Calls f(multi-index) for every element of shape, row-major.
void for_each_index(const Shape& s, const std::function<void(const std::vector<int64_t>&)>& f) {
  if (shape_numel(s) == 0) return;
  std::vector<int64_t> idx(static_cast<size_t>(s.size()), 0);
  for (;;) {
    f(idx);
    int d = s.size() - 1;
    for (; d >= 0; --d) {
      if (++idx[static_cast<size_t>(d)] < s[d]) break;
      idx[static_cast<size_t>(d)] = 0;
    }
    if (d < 0) return;
  }
}

std::vector<bool> axis_mask(int nd, const AxisList& axes) {
  std::vector<bool> m(static_cast<size_t>(nd), axes.empty());
  for (int64_t a : axes) m[static_cast<size_t>(a < 0 ? a + nd : a)] = true;
  return m;
}

// The values of x grouped by output position (reduced axes in row-major order), keyed by the
// keepdims index.
std::vector<std::pair<std::vector<int64_t>, Group>> groups(const Tensor& x, const AxisList& axes) {
  const int nd = x.ndim();
  auto m = axis_mask(nd, axes);
  Shape ks;
  for (int d = 0; d < nd; ++d) ks.push_back(m[static_cast<size_t>(d)] ? 1 : x.shape()[d]);
  std::vector<std::pair<std::vector<int64_t>, Group>> g;
  for_each_index(ks, [&](const std::vector<int64_t>& k) { g.push_back({k, {}}); });
  const Strides kst = contiguous_strides(ks);
  for_each_index(x.shape(), [&](const std::vector<int64_t>& i) {
    int64_t lin = 0;
    for (int d = 0; d < nd; ++d) lin += (m[static_cast<size_t>(d)] ? 0 : i[static_cast<size_t>(d)]) * kst[d];
    g[static_cast<size_t>(lin)].second.push_back(get(x, i));
  });
  return g;
}

double tolerance(DType out) {
  switch (out) {
    case DType::F32: return 2e-6;
    case DType::F64: return 1e-12;
    case DType::F16: return 2e-3;
    case DType::BF16: return 1e-2;
    default: return 0;
  }
}

bool close(double got, double want, double tol) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(got - want) <= tol * (1 + std::fabs(want));
}

// Compares got (from the op) with ref applied to each group of x.
void check_against(const Tensor& x, const AxisList& axes, bool keepdims, const Tensor& got, DType want_dtype,
                   const Ref& ref) {
  REQUIRE(got.dtype() == want_dtype);
  auto m = axis_mask(x.ndim(), axes);
  Shape want_shape;
  for (int d = 0; d < x.ndim(); ++d)
    if (!m[static_cast<size_t>(d)]) want_shape.push_back(x.shape()[d]);
    else if (keepdims) want_shape.push_back(1);
  REQUIRE(got.shape() == want_shape);
  for (auto& [k, vals] : groups(x, axes)) {
    std::vector<int64_t> gi;
    for (int d = 0; d < x.ndim(); ++d)
      if (!m[static_cast<size_t>(d)] || keepdims) gi.push_back(k[static_cast<size_t>(d)]);
    const double want = ref(vals), have = get(got, gi);
    INFO("group size " << vals.size() << ": got " << have << ", want " << want);
    CHECK(close(have, want, tolerance(want_dtype)));
  }
}

// --- naive references in double ------------------------------------------------------------------
double ref_sum(const Group& g) {
  double s = 0;
  for (double v : g) s += v;
  return s;
}
double ref_prod(const Group& g) {
  double p = 1;
  for (double v : g) p *= v;
  return p;
}
double ref_mean(const Group& g) { return g.empty() ? kNaN : ref_sum(g) / static_cast<double>(g.size()); }
double ref_max(const Group& g) {
  double m = -kInf;
  for (double v : g) {
    if (std::isnan(v)) return kNaN;
    if (v > m) m = v;
  }
  return m;
}
double ref_min(const Group& g) {
  double m = kInf;
  for (double v : g) {
    if (std::isnan(v)) return kNaN;
    if (v < m) m = v;
  }
  return m;
}
Ref ref_var(double correction, bool sd) {
  return [=](const Group& g) {
    double n = static_cast<double>(g.size());
    if (n - correction <= 0) return kNaN;
    double mu = ref_sum(g) / n, ss = 0;
    for (double v : g) ss += (v - mu) * (v - mu);
    double var = ss / (n - correction);
    return sd ? std::sqrt(var) : var;
  };
}
double ref_logsumexp(const Group& g) {
  double s = 0;
  for (double v : g) s += std::exp(v);  // the test values are small: no overflow
  return std::log(s);
}
double ref_all(const Group& g) {
  for (double v : g)
    if (v == 0) return 0;
  return 1;
}
double ref_any(const Group& g) {
  for (double v : g)
    if (v != 0) return 1;
  return 0;
}
double ref_argmax(const Group& g) {
  size_t best = 0;
  for (size_t i = 1; i < g.size(); ++i)
    if (g[i] > g[best]) best = i;
  return static_cast<double>(best);
}
double ref_argmin(const Group& g) {
  size_t best = 0;
  for (size_t i = 1; i < g.size(); ++i)
    if (g[i] < g[best]) best = i;
  return static_cast<double>(best);
}

// Integer sums are int64, except uint64's, which stay uint64.
DType acc_type(DType dt) { return is_floating(dt) || dt == DType::U64 ? dt : DType::I64; }
DType float_type(DType dt) { return is_floating(dt) ? dt : DType::F32; }

const std::vector<AxisList> kAxisSets = {{}, {0}, {1}, {2}, {-1}, {0, 2}, {-1, -3}, {1, 2}, {2, 0, 1}};

}  // namespace

TEST_CASE("reductions match naive loops for every dtype, axis set and layout", "[reduce]") {
  for (DType dt : kAllTypes) {
    for (auto& [name, x] : layouts(dt, [dt](int64_t i) { return gen_value(dt, i); })) {
      for (const AxisList& axes : kAxisSets) {
        for (bool kd : {false, true}) {
          INFO(dtype_name(dt) << " " << name << " axes size " << axes.size() << (axes.empty() ? 0 : axes[0])
                              << " keepdims " << kd);
          check_against(x, axes, kd, sum(x, axes, kd), acc_type(dt), ref_sum);
          check_against(x, axes, kd, mean(x, axes, kd), float_type(dt), ref_mean);
          check_against(x, axes, kd, max(x, axes, kd), dt, ref_max);
          check_against(x, axes, kd, min(x, axes, kd), dt, ref_min);
          check_against(x, axes, kd, var(x, axes, 0.0, kd), float_type(dt), ref_var(0.0, false));
          check_against(x, axes, kd, var(x, axes, 1.0, kd), float_type(dt), ref_var(1.0, false));
          check_against(x, axes, kd, std_dev(x, axes, 1.0, kd), float_type(dt), ref_var(1.0, true));
          check_against(x, axes, kd, logsumexp(x, axes, kd), float_type(dt), ref_logsumexp);
          check_against(x, axes, kd, all(x, axes, kd), DType::Bool, ref_all);
          check_against(x, axes, kd, any(x, axes, kd), DType::Bool, ref_any);
        }
      }
    }
    for (auto& [name, x] : layouts(dt, [dt](int64_t i) { return gen_prod(dt, i); })) {
      for (const AxisList& axes : kAxisSets) {
        INFO(dtype_name(dt) << " " << name);
        check_against(x, axes, false, prod(x, axes, false), acc_type(dt), ref_prod);
        check_against(x, axes, true, prod(x, axes, true), acc_type(dt), ref_prod);
      }
    }
  }
}

TEST_CASE("argmax and argmin return the first extremum along an axis or flattened", "[reduce]") {
  for (DType dt : kAllTypes) {
    for (auto& [name, x] : layouts(dt, [dt](int64_t i) { return gen_value(dt, i); })) {
      INFO(dtype_name(dt) << " " << name);
      for (int64_t axis : {0, 1, 2, -1, -2}) {
        for (bool kd : {false, true}) {
          check_against(x, {axis}, kd, argmax(x, axis, kd), DType::I64, ref_argmax);
          check_against(x, {axis}, kd, argmin(x, axis, kd), DType::I64, ref_argmin);
        }
      }
      // Flattened: the row-major index over the logical shape, whatever the layout.
      check_against(x, {}, false, argmax(x), DType::I64, ref_argmax);
      check_against(x, {}, true, argmin(x, std::nullopt, true), DType::I64, ref_argmin);
    }
  }
}

TEST_CASE("0-d inputs reduce to themselves", "[reduce]") {
  for (DType dt : kAllTypes) {
    Tensor x = make(Shape{}, dt, [dt](int64_t) { return dt == DType::Bool ? 1.0 : 2.0; });
    const double v = dt == DType::Bool ? 1.0 : 2.0;
    CHECK(sum(x).shape() == Shape{});
    CHECK(sum(x).item() == v);
    CHECK(sum(x, {}, true).shape() == Shape{});
    CHECK(prod(x).item() == v);
    CHECK(mean(x).item() == v);
    CHECK(max(x).item() == v);
    CHECK(min(x, {0}).item() == v);
    CHECK(var(x).item() == 0.0);
    CHECK(std::isnan(var(x, {}, 1.0).item()));
    CHECK(logsumexp(x).item() == Approx(v));
    CHECK(all(x).item() == 1.0);
    CHECK(any(x).item() == 1.0);
    CHECK(argmax(x).item() == 0.0);
    CHECK(argmin(x, 0).item() == 0.0);
    CHECK(cumsum(x, 0).shape() == Shape{});
    CHECK(cumsum(x, 0).item() == v);
    CHECK(cumprod(x, -1).item() == v);
  }
}

TEST_CASE("reductions over zero-size extents give the identity or a clear error", "[reduce]") {
  for (DType dt : kAllTypes) {
    INFO(dtype_name(dt));
    for (Shape s : {Shape{0, 3}, Shape{2, 0, 3}}) {
      Tensor x = Tensor::empty(s, dt);
      for (const AxisList& axes : std::vector<AxisList>{{}, {0}, {1}, {-1}}) {
        for (bool kd : {false, true}) {
          check_against(x, axes, kd, sum(x, axes, kd), acc_type(dt), ref_sum);
          check_against(x, axes, kd, prod(x, axes, kd), acc_type(dt), ref_prod);
          check_against(x, axes, kd, mean(x, axes, kd), float_type(dt), ref_mean);
          check_against(x, axes, kd, var(x, axes, 0.0, kd), float_type(dt), ref_var(0.0, false));
          check_against(x, axes, kd, all(x, axes, kd), DType::Bool, ref_all);
          check_against(x, axes, kd, any(x, axes, kd), DType::Bool, ref_any);
          Tensor l = logsumexp(x, axes, kd);
          for_each_index(l.shape(), [&](const std::vector<int64_t>& i) { CHECK(get(l, i) == -kInf); });
        }
      }
      REQUIRE_THROWS_AS(max(x), TensorOpError);
      REQUIRE_THROWS_WITH(min(x, {-2}), Catch::Contains("zero-size"));
      REQUIRE_THROWS_AS(argmax(x), TensorOpError);
      REQUIRE_THROWS_WITH(argmin(x, -2), Catch::Contains("zero-size"));
    }
    // Reducing the non-empty axis of a 0x3 tensor is fine: the result is empty.
    Tensor e = Tensor::empty(Shape{0, 3}, dt);
    CHECK(max(e, {1}).shape() == Shape{0});
    CHECK(argmax(e, 1).shape() == Shape{0});
    CHECK(cumsum(e, 0).shape() == Shape{0, 3});
    CHECK(cumprod(e, 1).shape() == Shape{0, 3});
  }
}

TEST_CASE("max, min and argmax propagate NaN", "[reduce]") {
  for (DType dt : {DType::F32, DType::F64, DType::F16, DType::BF16}) {
    INFO(dtype_name(dt));
    // Row 0 has a NaN in the middle, row 1 none; 40 columns so the lane loops are used too.
    Tensor x = make(Shape{2, 40}, dt, [](int64_t i) { return i == 17 ? kNaN : (i == 30 ? 9.0 : (i % 7) - 3.0); });
    Tensor mx = max(x, {1}), mn = min(x, {1});
    CHECK(std::isnan(get(mx, {0})));
    CHECK(std::isnan(get(mn, {0})));
    CHECK(get(mx, {1}) == 3.0);
    CHECK(get(mn, {1}) == -3.0);
    CHECK(std::isnan(max(x).item()));
    CHECK(std::isnan(get(max(x, {0}), {17})));
    CHECK(get(max(x, {0}), {16}) == -1.0);  // column 16: (16 % 7) - 3 = -1 and (56 % 7) - 3 = -3
    CHECK(get(argmax(x, 1), {0}) == 17.0);  // the first NaN wins, like NumPy
    CHECK(get(argmin(x, 1), {0}) == 17.0);
    CHECK(get(argmax(x, 1), {1}) == 1.0);  // (41 % 7) - 3 = 3: the first 3 of row 1 is at column 1
    CHECK(argmax(x).item() == 17.0);
    CHECK(std::isnan(get(logsumexp(x, {1}), {0})));
    CHECK(std::isnan(get(sum(x, {1}), {0})));
    CHECK(get(any(x, {1}), {0}) == 1.0);  // NaN is truthy
  }
}

TEST_CASE("logsumexp is stable for large and infinite values", "[reduce]") {
  for (DType dt : {DType::F32, DType::F64}) {
    Tensor x = make(Shape{3}, dt, [](int64_t i) { return 1000.0 + static_cast<double>(i); });
    // 1000 + log(1 + e + e^2), closed form.
    CHECK(logsumexp(x).item() == Approx(1000.0 + std::log(1 + std::exp(1.0) + std::exp(2.0))).epsilon(1e-6));
    Tensor y = make(Shape{3}, dt, [](int64_t i) { return -1000.0 - static_cast<double>(i); });
    CHECK(logsumexp(y).item() == Approx(-1000.0 + std::log(1 + std::exp(-1.0) + std::exp(-2.0))).epsilon(1e-6));
    CHECK(logsumexp(make(Shape{2}, dt, [](int64_t) { return -kInf; })).item() == -kInf);
    CHECK(logsumexp(make(Shape{3}, dt, [](int64_t i) { return i == 1 ? kInf : 0.0; })).item() == kInf);
    CHECK(logsumexp(make(Shape{2}, dt, [](int64_t) { return kInf; })).item() == kInf);
    // Long run (fast two-pass path) mixing -inf with finite values: -inf contributes nothing.
    Tensor z = make(Shape{100}, dt, [](int64_t i) { return i % 2 ? -kInf : 0.0; });
    CHECK(logsumexp(z).item() == Approx(std::log(50.0)));
  }
}

TEST_CASE("var and std honour the correction", "[reduce]") {
  // Values 1, 2, 3, 4: sum of squared deviations 5 (by hand).
  Tensor x = make(Shape{4}, DType::F64, [](int64_t i) { return static_cast<double>(i + 1); });
  CHECK(var(x).item() == Approx(5.0 / 4));
  CHECK(var(x, {}, 1.0).item() == Approx(5.0 / 3));
  CHECK(var(x, {}, 2.5).item() == Approx(5.0 / 1.5));
  CHECK(std::isnan(var(x, {}, 4.0).item()));
  CHECK(std_dev(x, {0}, 1.0).item() == Approx(std::sqrt(5.0 / 3)));
  CHECK(var(make(Shape{4}, DType::I32, [](int64_t i) { return static_cast<double>(i + 1); })).dtype() == DType::F32);
  REQUIRE_THROWS_AS(var(x, {}, -1.0), InvalidArgumentError);
  REQUIRE_THROWS_WITH(std_dev(x, {}, -0.5), Catch::Contains("correction"));
}

TEST_CASE("cumsum and cumprod match running loops along every axis", "[reduce]") {
  for (DType dt : kAllTypes) {
    for (bool product : {false, true}) {
      for (auto& layout : layouts(dt, [=](int64_t i) { return product ? gen_prod(dt, i) : gen_value(dt, i); })) {
        const std::string& name = layout.first;
        const Tensor& x = layout.second;
        for (int64_t axis : {0, 1, 2, -1}) {
          INFO(dtype_name(dt) << " " << name << " axis " << axis << (product ? " cumprod" : " cumsum"));
          Tensor got = product ? cumprod(x, axis) : cumsum(x, axis);
          REQUIRE(got.dtype() == acc_type(dt));
          REQUIRE(got.shape() == x.shape());
          const int ax = static_cast<int>(axis < 0 ? axis + 3 : axis);
          for_each_index(x.shape(), [&](const std::vector<int64_t>& i) {
            double acc = product ? 1 : 0;
            std::vector<int64_t> j = i;
            for (int64_t k = 0; k <= i[static_cast<size_t>(ax)]; ++k) {
              j[static_cast<size_t>(ax)] = k;
              acc = product ? acc * get(x, j) : acc + get(x, j);
            }
            CHECK(close(get(got, i), acc, tolerance(acc_type(dt))));
          });
        }
      }
    }
  }
}

TEST_CASE("large reductions take the tiled and parallel paths and stay exact", "[reduce]") {
  const int saved = num_threads();
  for (int threads : {1, 3}) {
    set_num_threads(threads);
    INFO("threads " << threads);
    for (DType dt : {DType::F32, DType::I32, DType::F16}) {
      // 300 x 700 with small integers: every sum is exact in the accumulator.
      Tensor x = make(Shape{300, 700}, dt, [](int64_t i) { return static_cast<double>((i * 13) % 11) - 5; });
      Tensor xt = x.as_strided(Shape{700, 300}, Strides{1, 700}, 0);
      for (const AxisList& axes : std::vector<AxisList>{{}, {0}, {1}}) {
        INFO(dtype_name(dt) << " axes " << axes.size());
        check_against(x, axes, false, sum(x, axes), acc_type(dt), ref_sum);
        check_against(xt, axes, false, sum(xt, axes), acc_type(dt), ref_sum);
        check_against(x, axes, false, max(x, axes), dt, ref_max);
        check_against(xt, axes, true, min(xt, axes, true), dt, ref_min);
        check_against(xt, axes, false, var(xt, axes), float_type(dt), ref_var(0.0, false));
        check_against(x, axes, false, any(x, axes), DType::Bool, ref_any);
      }
      // Flattened argmax over a long range split across threads: the first of several maxima.
      check_against(xt, {}, false, argmax(xt), DType::I64, ref_argmax);
      check_against(x, {0}, false, argmin(x, 0), DType::I64, ref_argmin);
    }
  }
  set_num_threads(saved);
}

TEST_CASE("a sum of 1e7 copies of 0.1f stays accurate", "[reduce]") {
  const int64_t n = 10000000;
  Tensor x = full(Shape{n}, 0.1, DType::F32);
  const double exact = static_cast<double>(n) * static_cast<double>(0.1f);
  CHECK(std::fabs(sum(x).item() - exact) <= 1e-3 * exact);
  CHECK(std::fabs(sum(x).item() - exact) <= 1e-6 * exact);  // pairwise + f64 accumulation does far better
  CHECK(mean(x).item() == Approx(static_cast<double>(0.1f)).epsilon(1e-6));
  // Along the outer axis of a row-major matrix (the row-accumulating path).
  Tensor m = x.as_strided(Shape{n / 4, 4}, Strides{4, 1}, 0);
  Tensor s = sum(m, {0});
  for (int64_t j = 0; j < 4; ++j) CHECK(std::fabs(get(s, {j}) - exact / 4) <= 1e-6 * exact / 4);
  // Variance of 1e4 + (i % 10): f32 inputs with a large mean; exact variance 8.25 (closed form).
  Tensor v = make(Shape{1000000}, DType::F32, [](int64_t i) { return 10000.0 + static_cast<double>(i % 10); });
  CHECK(var(v).item() == Approx(8.25).epsilon(1e-5));
}

TEST_CASE("reductions reject bad axes and undefined tensors", "[reduce]") {
  Tensor x = zeros(Shape{2, 3, 4});
  REQUIRE_THROWS_AS(sum(x, {3}), IndexError);
  REQUIRE_THROWS_WITH(sum(x, {-4}), Catch::Contains("out of range"));
  REQUIRE_THROWS_AS(mean(x, {0, -3}), InvalidArgumentError);
  REQUIRE_THROWS_WITH(max(x, {1, 2, 1}), Catch::Contains("duplicate axis"));
  REQUIRE_THROWS_WITH(max(x, {1, 2, 1}), Catch::Contains("[max]"));
  REQUIRE_THROWS_AS(argmax(x, 3), IndexError);
  REQUIRE_THROWS_AS(argmin(x, -4), IndexError);
  REQUIRE_THROWS_AS(cumsum(x, 3), IndexError);
  REQUIRE_THROWS_WITH(cumprod(x, -5), Catch::Contains("[cumprod]"));
  REQUIRE_THROWS_AS(sum(Tensor()), InvalidArgumentError);
  REQUIRE_THROWS_AS(all(Tensor()), InvalidArgumentError);
  REQUIRE_THROWS_AS(argmax(Tensor()), InvalidArgumentError);
  REQUIRE_THROWS_AS(cumsum(Tensor(), 0), InvalidArgumentError);
}
