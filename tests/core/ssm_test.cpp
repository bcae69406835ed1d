// Tests of the selective scan (forward and its backward kernel) against a naive loop written here.
#include <catch2/catch.hpp>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/shape.h"
#include "core/ops/ssm.h"
#include "core/thread_pool.h"
#include "layer_test_util.h"

using namespace tfl;
using tfl::layer_test::make;
using tfl::layer_test::reals;
using tfl::layer_test::values;

namespace {

// Inputs of one scan problem in row-major double.
struct Problem {
  int64_t b, l, d, n;
  std::vector<double> u, delta, A, B, C, D;
  bool skip;  // whether D (the skip term) is given
};

Problem problem(int64_t b, int64_t l, int64_t d, int64_t n, uint32_t seed, bool skip = true) {
  Problem p{b, l, d, n, reals(b * l * d, seed), reals(b * l * d, seed + 1, 0.05, 1.0),
            reals(d * n, seed + 2, -2.0, -0.1), reals(b * l * n, seed + 3), reals(b * l * n, seed + 4), {}, skip};
  if (skip) p.D = reals(d, seed + 5);
  return p;
}

// The recurrence written out directly: h_t = exp(delta_t A) h_{t-1} + delta_t B_t u_t, y_t = C_t.h_t + D u_t.
std::vector<double> naive_scan(const Problem& p) {
  std::vector<double> y(static_cast<size_t>(p.b * p.l * p.d));
  for (int64_t b = 0; b < p.b; ++b)
    for (int64_t d = 0; d < p.d; ++d) {
      std::vector<double> h(static_cast<size_t>(p.n), 0.0);
      for (int64_t t = 0; t < p.l; ++t) {
        const size_t i = static_cast<size_t>((b * p.l + t) * p.d + d);
        double acc = 0;
        for (int64_t n = 0; n < p.n; ++n) {
          const size_t bn = static_cast<size_t>((b * p.l + t) * p.n + n);
          auto& hn = h[static_cast<size_t>(n)];
          hn = std::exp(p.delta[i] * p.A[static_cast<size_t>(d * p.n + n)]) * hn + p.delta[i] * p.B[bn] * p.u[i];
          acc += p.C[bn] * hn;
        }
        y[i] = acc + (p.skip ? p.D[static_cast<size_t>(d)] * p.u[i] : 0.0);
      }
    }
  return y;
}

struct Inputs {
  Tensor u, delta, A, B, C, D;
};

Inputs tensors(const Problem& p, DType dt) {
  Inputs in{make(p.u, {p.b, p.l, p.d}, dt), make(p.delta, {p.b, p.l, p.d}, dt), make(p.A, {p.d, p.n}, dt),
            make(p.B, {p.b, p.l, p.n}, dt),  make(p.C, {p.b, p.l, p.n}, dt),     Tensor()};
  if (p.skip) in.D = make(p.D, {p.d}, dt);
  return in;
}

// Rounds every input to what dtype stores, so the reference starts from the same values.
Problem rounded(Problem p, DType dt) {
  for (auto* v : {&p.u, &p.delta, &p.A, &p.B, &p.C, &p.D})
    if (!v->empty()) *v = values(make(*v, {static_cast<int64_t>(v->size())}, dt));
  return p;
}

void check_close(const Tensor& got, const std::vector<double>& want, double tol) {
  std::vector<double> g = values(got);
  REQUIRE(g.size() == want.size());
  for (size_t i = 0; i < g.size(); ++i) {
    INFO("element " << i << ": got " << g[i] << ", want " << want[i]);
    CHECK(std::abs(g[i] - want[i]) <= tol * (1.0 + std::abs(want[i])));
  }
}

// d(sum(w * y))/d(input k) by central differences of the naive loop, for every input of a problem.
std::vector<std::vector<double>> numeric_grads(const Problem& p0, const std::vector<double>& w) {
  std::vector<std::vector<double>> out;
  const double eps = 1e-6;
  Problem p = p0;
  for (auto* v : {&p.u, &p.delta, &p.A, &p.B, &p.C, &p.D}) {
    std::vector<double> g(v->size());
    for (size_t i = 0; i < v->size(); ++i) {
      const double orig = (*v)[i];
      double s[2];
      for (int k = 0; k < 2; ++k) {
        (*v)[i] = orig + (k == 0 ? eps : -eps);
        std::vector<double> y = naive_scan(p);
        s[k] = 0;
        for (size_t j = 0; j < y.size(); ++j) s[k] += w[j] * y[j];
      }
      (*v)[i] = orig;
      g[i] = (s[0] - s[1]) / (2 * eps);
    }
    out.push_back(g);
  }
  return out;
}

}  // namespace

TEST_CASE("selective_scan matches the naive recurrence in every float dtype", "[ssm]") {
  const struct {
    DType dt;
    double tol;
  } cases[] = {{DType::F64, 1e-12}, {DType::F32, 2e-5}, {DType::F16, 1e-2}, {DType::BF16, 6e-2}};
  for (const auto& c : cases) {
    for (bool skip : {true, false}) {
      INFO(dtype_name(c.dt) << (skip ? " with D" : " without D"));
      Problem p = rounded(problem(2, 7, 3, 4, 11, skip), c.dt);
      Inputs in = tensors(p, c.dt);
      Tensor y = selective_scan(in.u, in.delta, in.A, in.B, in.C, in.D);
      CHECK(y.dtype() == c.dt);
      REQUIRE(y.shape() == Shape{2, 7, 3});
      check_close(y, naive_scan(p), c.tol);
    }
  }
}

TEST_CASE("selective_scan over many lanes and a long sequence matches the naive loop", "[ssm]") {
  // 3 x 40 lanes split over the thread pool; 200 steps of decay stay finite.
  Problem p = problem(3, 200, 40, 5, 21);
  Inputs in = tensors(p, DType::F64);
  check_close(selective_scan(in.u, in.delta, in.A, in.B, in.C, in.D), naive_scan(p), 1e-11);
  Inputs f = tensors(p, DType::F32);
  check_close(selective_scan(f.u, f.delta, f.A, f.B, f.C, f.D), naive_scan(rounded(p, DType::F32)), 1e-4);
}

TEST_CASE("selective_scan reads non-contiguous views and promotes mixed dtypes", "[ssm]") {
  Problem p = problem(2, 5, 3, 4, 31);
  const DType dt = DType::F64;
  // u stored as (B, D, L) and transposed; A stored as (N, D) and transposed; B as every other row of a
  // (B, 2L, N) buffer; C reversed along time from a reversed buffer (negative stride).
  std::vector<double> u_bdl(p.u.size());
  for (int64_t b = 0; b < p.b; ++b)
    for (int64_t t = 0; t < p.l; ++t)
      for (int64_t d = 0; d < p.d; ++d) u_bdl[static_cast<size_t>((b * p.d + d) * p.l + t)] = p.u[static_cast<size_t>((b * p.l + t) * p.d + d)];
  Tensor u = transpose(make(u_bdl, {p.b, p.d, p.l}, dt), 1, 2);
  std::vector<double> a_nd(p.A.size());
  for (int64_t d = 0; d < p.d; ++d)
    for (int64_t n = 0; n < p.n; ++n) a_nd[static_cast<size_t>(n * p.d + d)] = p.A[static_cast<size_t>(d * p.n + n)];
  Tensor A = transpose(make(a_nd, {p.n, p.d}, dt), 0, 1);
  std::vector<double> b2(static_cast<size_t>(2 * p.b * p.l * p.n), 99.0);
  for (int64_t b = 0; b < p.b; ++b)
    for (int64_t t = 0; t < p.l; ++t)
      for (int64_t n = 0; n < p.n; ++n)
        b2[static_cast<size_t>((b * 2 * p.l + 2 * t) * p.n + n)] = p.B[static_cast<size_t>((b * p.l + t) * p.n + n)];
  Tensor B = slice(make(b2, {p.b, 2 * p.l, p.n}, dt), 1, 0, std::nullopt, 2);
  std::vector<double> c_rev(p.C.size());
  for (int64_t b = 0; b < p.b; ++b)
    for (int64_t t = 0; t < p.l; ++t)
      for (int64_t n = 0; n < p.n; ++n)
        c_rev[static_cast<size_t>((b * p.l + (p.l - 1 - t)) * p.n + n)] = p.C[static_cast<size_t>((b * p.l + t) * p.n + n)];
  Tensor C = slice(make(c_rev, {p.b, p.l, p.n}, dt), 1, std::nullopt, std::nullopt, -1);
  REQUIRE_FALSE(u.is_contiguous());
  REQUIRE(C.strides()[1] < 0);
  // delta in f32 (promotes to f64 with the rest), D broadcast-free but a stepped view.
  Problem pr = p;
  pr.delta = values(make(p.delta, {static_cast<int64_t>(p.delta.size())}, DType::F32));
  Tensor delta = make(p.delta, {p.b, p.l, p.d}, DType::F32);
  std::vector<double> d2 = {p.D[0], 0, p.D[1], 0, p.D[2], 0};
  Tensor D = slice(make(d2, {6}, dt), 0, 0, std::nullopt, 2);
  Tensor y = selective_scan(u, delta, A, B, C, D);
  CHECK(y.dtype() == DType::F64);
  check_close(y, naive_scan(pr), 1e-12);
}

TEST_CASE("selective_scan handles empty batch, sequence, channels and state", "[ssm]") {
  for (auto dims : std::vector<std::array<int64_t, 4>>{{0, 4, 3, 2}, {2, 0, 3, 2}, {2, 4, 0, 2}, {2, 4, 3, 0}}) {
    INFO(dims[0] << "x" << dims[1] << "x" << dims[2] << " state " << dims[3]);
    Problem p = problem(dims[0], dims[1], dims[2], dims[3], 41);
    Inputs in = tensors(p, DType::F32);
    Tensor y = selective_scan(in.u, in.delta, in.A, in.B, in.C, in.D);
    REQUIRE(y.shape() == Shape{dims[0], dims[1], dims[2]});
    // With no state the output is the skip term alone.
    check_close(y, naive_scan(p), 1e-5);
    std::vector<Tensor> g = selective_scan_backward(ones_like(y), in.u, in.delta, in.A, in.B, in.C, in.D);
    REQUIRE(g.size() == 6);
    CHECK(g[2].shape() == in.A.shape());
    CHECK(g[3].shape() == in.B.shape());
    CHECK(g[5].shape() == in.D.shape());
    // dA and dD are sums over lanes and time steps; with none they are zero.
    if (dims[0] * dims[1] * dims[2] == 0) {
      for (double v : values(g[2])) CHECK(v == 0.0);
      for (double v : values(g[5])) CHECK(v == 0.0);
    }
  }
}

TEST_CASE("selective_scan_backward matches finite differences of the naive loop", "[ssm][autograd]") {
  // 20 channels: more than the 16 channel blocks of the backward, so blocks hold one or two lanes.
  for (auto dims : std::vector<std::array<int64_t, 4>>{{2, 5, 3, 4}, {3, 4, 20, 3}}) {
    Problem p = problem(dims[0], dims[1], dims[2], dims[3], 51);
    std::vector<double> w = reals(dims[0] * dims[1] * dims[2], 52, 0.5, 1.5);
    std::vector<std::vector<double>> want = numeric_grads(p, w);
    for (DType dt : {DType::F64, DType::F32}) {
      INFO(dtype_name(dt) << " " << dims[2] << " channels");
      Inputs in = tensors(dt == DType::F64 ? p : rounded(p, dt), dt);
      Tensor gy = make(w, {dims[0], dims[1], dims[2]}, dt);
      std::vector<Tensor> g = selective_scan_backward(gy, in.u, in.delta, in.A, in.B, in.C, in.D);
      const double tol = dt == DType::F64 ? 1e-7 : 2e-3;
      for (size_t k = 0; k < 6; ++k) {
        INFO("gradient of input " << k);
        CHECK(g[k].dtype() == dt);
        check_close(g[k], want[k], tol);
      }
    }
  }
}

TEST_CASE("selective_scan gradients do not depend on the thread count", "[ssm][autograd]") {
  Problem p = problem(4, 9, 37, 6, 61);
  Inputs in = tensors(p, DType::F32);
  Tensor gy = make(reals(4 * 9 * 37, 62), {4, 9, 37}, DType::F32);
  const int threads = num_threads();
  set_num_threads(1);
  std::vector<Tensor> one = selective_scan_backward(gy, in.u, in.delta, in.A, in.B, in.C, in.D);
  set_num_threads(3);
  std::vector<Tensor> three = selective_scan_backward(gy, in.u, in.delta, in.A, in.B, in.C, in.D);
  set_num_threads(threads);
  for (size_t k = 0; k < 6; ++k) CHECK(values(one[k]) == values(three[k]));
}

TEST_CASE("selective_scan records its backward; create_graph through it is refused", "[ssm][autograd]") {
  Problem p = problem(1, 3, 2, 2, 71);
  Inputs in = tensors(p, DType::F64);
  autograd::set_requires_grad(in.u, true);
  autograd::set_requires_grad(in.A, true);
  Tensor y = selective_scan(in.u, in.delta, in.A, in.B, in.C, in.D);
  CHECK(autograd::requires_grad(y));
  std::vector<Tensor> g = autograd::grad({y}, {in.u, in.A}, {ones_like(y)}, {true, false});
  CHECK(g[0].shape() == in.u.shape());
  CHECK(g[1].shape() == in.A.shape());
  REQUIRE_THROWS_AS(autograd::grad({y}, {in.u}, {ones_like(y)}, {true, true}), NotImplementedError);
  REQUIRE_THROWS_WITH(autograd::grad({y}, {in.u}, {ones_like(y)}, {true, true}), Catch::Contains("create_graph"));
}

TEST_CASE("selective_scan rejects bad shapes, dtypes and missing operands", "[ssm]") {
  Problem p = problem(2, 3, 4, 5, 81);
  Inputs in = tensors(p, DType::F32);
  auto scan = [&](const Tensor& u, const Tensor& delta, const Tensor& A, const Tensor& B, const Tensor& C,
                  const Tensor& D) { return selective_scan(u, delta, A, B, C, D); };
  REQUIRE_THROWS_AS(scan(reshape(in.u, {6, 4}), in.delta, in.A, in.B, in.C, in.D), ShapeError);
  REQUIRE_THROWS_WITH(scan(reshape(in.u, {6, 4}), in.delta, in.A, in.B, in.C, in.D),
                      Catch::Contains("[selective_scan] u must be (batch, len, dim), got shape 6x4"));
  REQUIRE_THROWS_WITH(scan(in.u, reshape(in.delta, {2, 4, 3}), in.A, in.B, in.C, in.D),
                      Catch::Contains("delta must have u's shape 2x3x4, got 2x4x3"));
  REQUIRE_THROWS_WITH(scan(in.u, in.delta, transpose(in.A, 0, 1), in.B, in.C, in.D),
                      Catch::Contains("A must be (dim, state) with dim = 4"));
  REQUIRE_THROWS_WITH(scan(in.u, in.delta, in.A, slice(in.B, 2, 0, 4), in.C, in.D),
                      Catch::Contains("B must be (batch, len, state) = 2x3x5, got shape 2x3x4"));
  REQUIRE_THROWS_WITH(scan(in.u, in.delta, in.A, in.B, slice(in.C, 0, 0, 1), in.D),
                      Catch::Contains("C must be (batch, len, state) = 2x3x5, got shape 1x3x5"));
  REQUIRE_THROWS_AS(scan(in.u, in.delta, in.A, in.B, in.C, zeros({3})), ShapeError);
  REQUIRE_THROWS_WITH(scan(in.u, in.delta, in.A, in.B, in.C, zeros({3})), Catch::Contains("D must be (dim)"));
  REQUIRE_THROWS_AS(scan(to_dtype(in.u, DType::I32), to_dtype(in.delta, DType::I32), to_dtype(in.A, DType::I32),
                         to_dtype(in.B, DType::I32), to_dtype(in.C, DType::I32), Tensor()),
                    DTypeError);
  REQUIRE_THROWS_AS(scan(Tensor(), in.delta, in.A, in.B, in.C, in.D), InvalidArgumentError);
  REQUIRE_THROWS_AS(scan(in.u, in.delta, in.A, in.B, Tensor(), in.D), InvalidArgumentError);
  Tensor y = scan(in.u, in.delta, in.A, in.B, in.C, in.D);
  REQUIRE_THROWS_WITH(selective_scan_backward(zeros({2, 3}), in.u, in.delta, in.A, in.B, in.C, in.D),
                      Catch::Contains("[selective_scan_backward] grad_y must have the output's shape 2x3x4"));
  REQUIRE_THROWS_AS(selective_scan_backward(zeros({2, 3, 4}, DType::I32), in.u, in.delta, in.A, in.B, in.C, in.D),
                    DTypeError);
}
