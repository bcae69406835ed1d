// Tests of scaled_dot_product_attention and nn::MultiHeadAttention against naive loops written here.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <limits>
#include <random>
#include <vector>

#include "core/autograd/differentiable.h"
#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/nn/attention.h"
#include "core/ops/attention.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"
#include "gradcheck/gradcheck.h"
#include "layer_test_util.h"

using namespace tfl;
using tfl::layer_test::make;
using tfl::layer_test::reals;
using tfl::layer_test::values;

namespace {

void check_close(const Tensor& got, const std::vector<double>& want, double tol) {
  std::vector<double> g = values(got);
  REQUIRE(g.size() == want.size());
  for (size_t i = 0; i < g.size(); ++i) {
    INFO("element " << i << ": got " << g[i] << ", want " << want[i]);
    CHECK(std::abs(g[i] - want[i]) <= tol * (1.0 + std::abs(want[i])));
  }
}

const double kNegInf = -std::numeric_limits<double>::infinity();

// Attention over `batch` independent (Lq, E) x (Lk, E) x (Lk, Ev) problems stored row-major; `bias`
// (Lq x Lk, shared by all batches; empty = none) is added to the scores, causal hides j > i.
std::vector<double> naive_attention(const std::vector<double>& q, const std::vector<double>& k,
                                    const std::vector<double>& v, int64_t batch, int64_t lq, int64_t lk, int64_t e,
                                    int64_t ev, double scale, const std::vector<double>& bias, bool causal) {
  std::vector<double> out(static_cast<size_t>(batch * lq * ev), 0.0);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < lq; ++i) {
      std::vector<double> s(static_cast<size_t>(lk));
      double mx = kNegInf;
      for (int64_t j = 0; j < lk; ++j) {
        double dot = 0;
        for (int64_t x = 0; x < e; ++x)
          dot += q[static_cast<size_t>((b * lq + i) * e + x)] * k[static_cast<size_t>((b * lk + j) * e + x)];
        double sc = dot * scale + (bias.empty() ? 0.0 : bias[static_cast<size_t>(i * lk + j)]);
        if (causal && j > i) sc = kNegInf;
        s[static_cast<size_t>(j)] = sc;
        mx = std::max(mx, sc);
      }
      double sum = 0;
      for (double& x : s) sum += (x = std::exp(x - mx));
      for (int64_t j = 0; j < lk; ++j)
        for (int64_t y = 0; y < ev; ++y)
          out[static_cast<size_t>((b * lq + i) * ev + y)] +=
              s[static_cast<size_t>(j)] / sum * v[static_cast<size_t>((b * lk + j) * ev + y)];
    }
  return out;
}

}  // namespace

TEST_CASE("scaled_dot_product_attention matches a naive loop", "[attention]") {
  const int64_t B = 2, H = 3, lq = 4, lk = 6, e = 5, ev = 7;
  std::vector<double> q = reals(B * H * lq * e, 1), k = reals(B * H * lk * e, 2), v = reals(B * H * lk * ev, 3);
  const struct {
    DType dt;
    double tol;
  } cases[] = {{DType::F64, 1e-12}, {DType::F32, 1e-5}, {DType::F16, 5e-3}};
  for (const auto& c : cases) {
    INFO(dtype_name(c.dt));
    std::vector<double> qr = values(make(q, {B * H * lq * e}, c.dt)), kr = values(make(k, {B * H * lk * e}, c.dt)),
                        vr = values(make(v, {B * H * lk * ev}, c.dt));
    Tensor tq = make(q, {B, H, lq, e}, c.dt), tk = make(k, {B, H, lk, e}, c.dt), tv = make(v, {B, H, lk, ev}, c.dt);
    Tensor y = scaled_dot_product_attention(tq, tk, tv);
    CHECK(y.dtype() == c.dt);
    REQUIRE(y.shape() == Shape{B, H, lq, ev});
    check_close(y, naive_attention(qr, kr, vr, B * H, lq, lk, e, ev, 1.0 / std::sqrt(5.0), {}, false), c.tol);
    // Explicit scale.
    check_close(scaled_dot_product_attention(tq, tk, tv, Tensor(), false, 0.7),
                naive_attention(qr, kr, vr, B * H, lq, lk, e, ev, 0.7, {}, false), c.tol);
  }
}

TEST_CASE("scaled_dot_product_attention applies float, bool and causal masks", "[attention]") {
  const int64_t B = 3, lq = 4, lk = 5, e = 3, ev = 2;
  std::vector<double> q = reals(B * lq * e, 11), k = reals(B * lk * e, 12), v = reals(B * lk * ev, 13);
  Tensor tq = make(q, {B, lq, e}, DType::F64), tk = make(k, {B, lk, e}, DType::F64), tv = make(v, {B, lk, ev}, DType::F64);
  const double s = 1.0 / std::sqrt(3.0);
  // Float (additive) mask of shape (Lq, Lk), broadcast over the batch.
  std::vector<double> bias = reals(lq * lk, 14, -2.0, 2.0);
  check_close(scaled_dot_product_attention(tq, tk, tv, make(bias, {lq, lk}, DType::F64)),
              naive_attention(q, k, v, B, lq, lk, e, ev, s, bias, false), 1e-12);
  // Bool mask: false positions get -inf.
  std::vector<double> keep(static_cast<size_t>(lq * lk)), as_bias(keep.size());
  for (size_t i = 0; i < keep.size(); ++i) {
    keep[i] = (i % 3 != 1) ? 1.0 : 0.0;
    as_bias[i] = keep[i] != 0.0 ? 0.0 : kNegInf;
  }
  check_close(scaled_dot_product_attention(tq, tk, tv, make(keep, {lq, lk}, DType::Bool)),
              naive_attention(q, k, v, B, lq, lk, e, ev, s, as_bias, false), 1e-12);
  // Causal, Lq < Lk: query i sees keys 0..i (top-left aligned).
  check_close(scaled_dot_product_attention(tq, tk, tv, Tensor(), true),
              naive_attention(q, k, v, B, lq, lk, e, ev, s, {}, true), 1e-12);
  // Causal and a float mask together.
  check_close(scaled_dot_product_attention(tq, tk, tv, make(bias, {lq, lk}, DType::F64), true),
              naive_attention(q, k, v, B, lq, lk, e, ev, s, bias, true), 1e-12);
  // A row with every key masked gives NaN (as in PyTorch), the others stay finite.
  std::vector<double> none_first(static_cast<size_t>(lq * lk), 1.0);
  for (int64_t j = 0; j < lk; ++j) none_first[static_cast<size_t>(j)] = 0.0;
  std::vector<double> y = values(scaled_dot_product_attention(tq, tk, tv, make(none_first, {lq, lk}, DType::Bool)));
  CHECK(std::isnan(y[0]));
  CHECK(std::isfinite(y[static_cast<size_t>(ev)]));
}

TEST_CASE("scaled_dot_product_attention broadcasts batch axes and reads views", "[attention]") {
  const int64_t B = 2, lq = 3, lk = 4, e = 2, ev = 3;
  std::vector<double> q = reals(B * lq * e, 21), k = reals(lk * e, 22), v = reals(lk * ev, 23);
  // k and v shared by both batch elements (leading axis 1); q is a transposed view of (B, E, Lq).
  std::vector<double> q_bel(q.size());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < lq; ++i)
      for (int64_t x = 0; x < e; ++x) q_bel[static_cast<size_t>((b * e + x) * lq + i)] = q[static_cast<size_t>((b * lq + i) * e + x)];
  Tensor tq = transpose(make(q_bel, {B, e, lq}, DType::F64), 1, 2);
  REQUIRE_FALSE(tq.is_contiguous());
  Tensor y = scaled_dot_product_attention(tq, make(k, {1, lk, e}, DType::F64), make(v, {1, lk, ev}, DType::F64));
  REQUIRE(y.shape() == Shape{B, lq, ev});
  std::vector<double> kk(k), vv(v);
  kk.insert(kk.end(), k.begin(), k.end());
  vv.insert(vv.end(), v.begin(), v.end());
  check_close(y, naive_attention(q, kk, vv, B, lq, lk, e, ev, 1.0 / std::sqrt(2.0), {}, false), 1e-12);
  // Empty query length gives an empty result.
  Tensor empty_q = zeros({B, 0, e}, DType::F64);
  CHECK(scaled_dot_product_attention(empty_q, make(k, {1, lk, e}, DType::F64), make(v, {1, lk, ev}, DType::F64)).shape() ==
        Shape{B, 0, ev});
}

TEST_CASE("scaled_dot_product_attention rejects bad shapes and dtypes", "[attention]") {
  Tensor q = zeros({2, 3, 4}), k = zeros({2, 5, 4}), v = zeros({2, 5, 6});
  REQUIRE_THROWS_WITH(scaled_dot_product_attention(zeros({4}), k, v), Catch::Contains("[scaled_dot_product_attention] q, k and v need at least 2 dimensions"));
  REQUIRE_THROWS_AS(scaled_dot_product_attention(q, zeros({2, 5, 3}), v), ShapeError);
  REQUIRE_THROWS_WITH(scaled_dot_product_attention(q, zeros({2, 5, 3}), v), Catch::Contains("share the embedding size"));
  REQUIRE_THROWS_WITH(scaled_dot_product_attention(q, k, zeros({2, 4, 6})), Catch::Contains("same number of keys"));
  REQUIRE_THROWS_AS(scaled_dot_product_attention(zeros({2, 3, 4}, DType::I32), zeros({2, 5, 4}, DType::I32),
                                                 zeros({2, 5, 6}, DType::I32)),
                    DTypeError);
  REQUIRE_THROWS_AS(scaled_dot_product_attention(q, k, v, zeros({3, 5}, DType::I64)), DTypeError);
  REQUIRE_THROWS_WITH(scaled_dot_product_attention(q, k, v, zeros({3, 4})),
                      Catch::Contains("[scaled_dot_product_attention] shapes 2x3x5 and 3x4 cannot be broadcast"));
  REQUIRE_THROWS_AS(scaled_dot_product_attention(q, k, v, zeros({7, 2, 3, 5})), ShapeError);
  REQUIRE_THROWS_WITH(scaled_dot_product_attention(q, k, v, zeros({7, 2, 3, 5})),
                      Catch::Contains("mask of shape 7x2x3x5 does not broadcast to the scores' shape 2x3x5"));
  REQUIRE_THROWS_AS(scaled_dot_product_attention(q, k, v, Tensor(), false, std::nan("")), InvalidArgumentError);
  REQUIRE_THROWS_AS(scaled_dot_product_attention(Tensor(), k, v), InvalidArgumentError);
}

namespace {

// x W^T + b over rows of a (rows, in) matrix.
std::vector<double> naive_linear(const std::vector<double>& x, int64_t rows, int64_t in, const std::vector<double>& w,
                                 int64_t out, const std::vector<double>& b) {
  std::vector<double> y(static_cast<size_t>(rows * out));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double s = b.empty() ? 0.0 : b[static_cast<size_t>(o)];
      for (int64_t i = 0; i < in; ++i) s += x[static_cast<size_t>(r * in + i)] * w[static_cast<size_t>(o * in + i)];
      y[static_cast<size_t>(r * out + o)] = s;
    }
  return y;
}

// Multi-head attention written out: project, attend per (batch, head), merge, project.
std::vector<double> naive_mha(const nn::MultiHeadAttention& m, const std::vector<double>& xq, const std::vector<double>& xkv,
                              int64_t B, int64_t lq, int64_t lk, bool causal) {
  const int64_t E = m.embed_dim(), H = m.num_heads(), dh = E / H;
  std::vector<std::vector<double>> w(4), b(4);
  const char* names[4] = {"q_proj", "k_proj", "v_proj", "out_proj"};
  for (const auto& [name, t] : m.named_parameters())
    for (int i = 0; i < 4; ++i) {
      if (name == std::string(names[i]) + ".weight") w[static_cast<size_t>(i)] = values(t);
      if (name == std::string(names[i]) + ".bias") b[static_cast<size_t>(i)] = values(t);
    }
  std::vector<double> q = naive_linear(xq, B * lq, E, w[0], E, b[0]);
  std::vector<double> k = naive_linear(xkv, B * lk, E, w[1], E, b[1]);
  std::vector<double> v = naive_linear(xkv, B * lk, E, w[2], E, b[2]);
  std::vector<double> merged(static_cast<size_t>(B * lq * E));
  for (int64_t bb = 0; bb < B; ++bb)
    for (int64_t h = 0; h < H; ++h) {
      std::vector<double> qh, kh, vh;
      for (int64_t i = 0; i < lq; ++i)
        for (int64_t x = 0; x < dh; ++x) qh.push_back(q[static_cast<size_t>((bb * lq + i) * E + h * dh + x)]);
      for (int64_t j = 0; j < lk; ++j)
        for (int64_t x = 0; x < dh; ++x) {
          kh.push_back(k[static_cast<size_t>((bb * lk + j) * E + h * dh + x)]);
          vh.push_back(v[static_cast<size_t>((bb * lk + j) * E + h * dh + x)]);
        }
      std::vector<double> o = naive_attention(qh, kh, vh, 1, lq, lk, dh, dh, 1.0 / std::sqrt(static_cast<double>(dh)), {}, causal);
      for (int64_t i = 0; i < lq; ++i)
        for (int64_t x = 0; x < dh; ++x)
          merged[static_cast<size_t>((bb * lq + i) * E + h * dh + x)] = o[static_cast<size_t>(i * dh + x)];
    }
  return naive_linear(merged, B * lq, E, w[3], E, b[3]);
}

}  // namespace

TEST_CASE("MultiHeadAttention matches a naive multi-head loop", "[attention][nn]") {
  const int64_t B = 2, lq = 3, lk = 5, E = 8, H = 2;
  Generator gen(7);
  nn::MultiHeadAttention m(E, H, true, false, DType::F64, &gen);
  // Non-zero biases, so that their use is checked too.
  {
    autograd::NoGradGuard no_grad;
    for (const auto& [name, t] : m.named_parameters())
      if (name.find("bias") != std::string::npos) copy_(t, make(reals(E, 99), {E}, DType::F64));
  }
  std::vector<double> xq = reals(B * lq * E, 31), xkv = reals(B * lk * E, 32);
  Tensor y = m.forward(make(xq, {B, lq, E}, DType::F64), make(xkv, {B, lk, E}, DType::F64),
                       make(xkv, {B, lk, E}, DType::F64));
  REQUIRE(y.shape() == Shape{B, lq, E});
  check_close(y, naive_mha(m, xq, xkv, B, lq, lk, false), 1e-12);
  // Self-attention, causal, no bias.
  nn::MultiHeadAttention c(E, 4, false, true, DType::F64, &gen);
  CHECK(c.named_parameters().size() == 4);
  Tensor ys = c.forward(make(xkv, {B, lk, E}, DType::F64));
  REQUIRE(ys.shape() == Shape{B, lk, E});
  check_close(ys, naive_mha(c, xkv, xkv, B, lk, lk, true), 1e-12);
}

TEST_CASE("MultiHeadAttention parameters are named, shaped, deterministic and trainable", "[attention][nn]") {
  Generator g1(3), g2(3);
  nn::MultiHeadAttention a(6, 3, true, false, DType::F32, &g1), b(6, 3, true, false, DType::F32, &g2);
  StateDict pa = a.named_parameters(), pb = b.named_parameters();
  const std::vector<std::string> names = {"q_proj.weight", "q_proj.bias",   "k_proj.weight", "k_proj.bias",
                                          "v_proj.weight", "v_proj.bias",   "out_proj.weight", "out_proj.bias"};
  REQUIRE(pa.size() == names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    CHECK(pa[i].first == names[i]);
    CHECK(pa[i].second.shape() == (i % 2 == 0 ? Shape{6, 6} : Shape{6}));
    CHECK(autograd::requires_grad(pa[i].second));
    CHECK(values(pa[i].second) == values(pb[i].second));
    if (i % 2 == 0)
      for (double x : values(pa[i].second)) CHECK(std::abs(x) <= 1.0 / std::sqrt(6.0));
  }
  CHECK(a.parameters().size() == 8);
}

TEST_CASE("causal MultiHeadAttention: later tokens never change earlier outputs", "[attention][nn]") {
  const int64_t B = 2, L = 6, E = 4;
  nn::MultiHeadAttention m(E, 2, true, true, DType::F64);
  std::vector<double> x = reals(B * L * E, 41);
  std::vector<double> y0 = values(m.forward(make(x, {B, L, E}, DType::F64)));
  for (int64_t t = 1; t < L; ++t) {
    INFO("perturbed position " << t);
    std::vector<double> xp = x;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t e = 0; e < E; ++e) xp[static_cast<size_t>((b * L + t) * E + e)] += 3.0;
    std::vector<double> y1 = values(m.forward(make(xp, {B, L, E}, DType::F64)));
    for (int64_t b = 0; b < B; ++b)
      for (int64_t s = 0; s < L; ++s)
        for (int64_t e = 0; e < E; ++e) {
          const size_t i = static_cast<size_t>((b * L + s) * E + e);
          if (s < t) CHECK(y1[i] == y0[i]);
        }
    // Position t itself does change.
    CHECK(y1[static_cast<size_t>(t * E)] != y0[static_cast<size_t>(t * E)]);
  }
}

TEST_CASE("MultiHeadAttention rejects bad configurations and inputs", "[attention][nn]") {
  REQUIRE_THROWS_WITH(nn::MultiHeadAttention(6, 4), Catch::Contains("[MultiHeadAttention] embed_dim must be a positive multiple of num_heads"));
  REQUIRE_THROWS_AS(nn::MultiHeadAttention(0, 1), LayerConfigError);
  REQUIRE_THROWS_AS(nn::MultiHeadAttention(4, 2, true, false, DType::I32), DTypeError);
  nn::MultiHeadAttention m(4, 2);
  REQUIRE_THROWS_WITH(m.forward(zeros({2, 3, 5})), Catch::Contains("expects query, key and value of shape (batch, len, 4)"));
  REQUIRE_THROWS_AS(m.forward(zeros({3, 4})), ShapeError);
  REQUIRE_THROWS_AS(m.forward(zeros({2, 3, 4}), zeros({1, 3, 4}), zeros({1, 3, 4})), ShapeError);
  REQUIRE_THROWS_AS(m.forward(zeros({2, 3, 4}), zeros({2, 3, 4}), zeros({2, 2, 4})), ShapeError);
}

namespace {
// The gradient checks of composed layers need every op they use to record its backward: a missing one
// fails the test (it never skips).
bool ops_differentiable(std::initializer_list<const char*> ops) {
  for (const char* op : ops)
    if (!autograd::is_registered_differentiable(op)) {
      FAIL(op << " does not record its backward");
    }
  return true;
}
}  // namespace

TEST_CASE("scaled_dot_product_attention gradients match finite differences in f64", "[attention][autograd]") {
  if (!ops_differentiable({"matmul", "transpose", "softmax", "mul", "add"})) return;
  // Not registered with TFL_GRAD_CASE: attention is a composition of registered ops.
  testing::GradCase c{"scaled_dot_product_attention", "sdpa 2x3x4 / 2x5x4 / 2x5x3, float mask, causal",
                      [] {
                        return std::vector<Tensor>{testing::random_input({2, 3, 4}, 301), testing::random_input({2, 5, 4}, 302),
                                                   testing::random_input({2, 5, 3}, 303), testing::random_input({3, 5}, 304)};
                      },
                      [](const std::vector<Tensor>& x) { return scaled_dot_product_attention(x[0], x[1], x[2], x[3], true); }};
  CHECK(testing::check_gradients(c) == "");
}

TEST_CASE("MultiHeadAttention gradients (inputs and every parameter) match finite differences in f64",
          "[attention][nn][autograd]") {
  if (!ops_differentiable({"matmul", "transpose", "softmax", "mul", "add", "reshape"})) return;
  Generator gen(17);
  for (bool causal : {false, true}) {
    auto m = std::make_shared<nn::MultiHeadAttention>(4, 2, true, causal, DType::F64, &gen);
    testing::GradCase c{"MultiHeadAttention", causal ? "MHA causal E4 H2" : "MHA E4 H2 cross-attention",
                        [m] {
                          std::vector<Tensor> in{testing::random_input({2, 3, 4}, 311), testing::random_input({2, 4, 4}, 312)};
                          for (const Tensor& p : m->parameters()) in.push_back(p);
                          return in;
                        },
                        [m, causal](const std::vector<Tensor>& x) {
                          return causal ? m->forward(x[1]) : m->forward(x[0], x[1], x[1]);
                        }};
    INFO(c.name);
    CHECK(testing::check_gradients(c) == "");
  }
}

TEST_CASE("MultiHeadAttention is a Module: state_dict round trip, parameter_count, mode, zero_grad", "[attention][nn]") {
  const int64_t B = 2, lq = 3, lk = 4, E = 6, H = 3;
  Generator g1(21), g2(22);
  nn::MultiHeadAttention m(E, H, true, false, DType::F64, &g1), other(E, H, true, false, DType::F64, &g2);
  // Four (E, E) weights and four E biases; without bias only the weights.
  CHECK(m.parameter_count() == 4 * (E * E + E));
  CHECK(nn::MultiHeadAttention(E, H, false).parameter_count() == 4 * E * E);
  CHECK(m.named_children().size() == 4);
  Tensor q = make(reals(B * lq * E, 51), {B, lq, E}, DType::F64), kv = make(reals(B * lk * E, 52), {B, lk, E}, DType::F64);
  std::vector<double> y0 = values(m(q, kv, kv));
  StateDict saved;
  for (const auto& [name, t] : m.state_dict()) saved.emplace_back(name, clone(t));
  REQUIRE(saved.size() == 8);
  CHECK(saved[0].first == "q_proj.weight");
  // Perturb every parameter: the output changes; loading the snapshot restores it exactly.
  {
    autograd::NoGradGuard no_grad;
    for (const Tensor& p : m.parameters()) copy_(p, add(p, 0.25));
  }
  CHECK(values(m(q, kv, kv)) != y0);
  nn::LoadResult r = m.load_state_dict(saved);
  CHECK(r.missing_keys.empty());
  CHECK(r.unexpected_keys.empty());
  CHECK(values(m(q, kv, kv)) == y0);
  // Another module with different weights computes the same function once it loads the dict.
  CHECK(values(other(q, kv, kv)) != y0);
  other.load_state_dict(saved);
  CHECK(values(other(q, kv, kv)) == y0);
  CHECK(values(other.forward(std::vector<Tensor>{q, kv, kv})) == y0);
  // train()/eval() reach the projections.
  m.eval();
  CHECK(!m.is_training());
  CHECK(!m.child("out_proj")->is_training());
  m.train();
  CHECK(m.child("q_proj")->is_training());
  // zero_grad clears the gradients backward wrote into every parameter.
  autograd::backward({sum(m(q))});
  for (const Tensor& p : m.parameters()) CHECK(autograd::grad(p).defined());
  m.zero_grad();
  for (const Tensor& p : m.parameters()) CHECK(!autograd::grad(p).defined());
  CHECK(m.to_string().find("MultiHeadAttention(embed_dim=6, num_heads=3, bias=true, causal=false\n"
                           "  (q_proj): Linear(in_features=6, out_features=6, bias=true)\n") == 0);
}

TEST_CASE("MultiHeadAttention runs its hooks and its children's through operator()", "[attention][nn]") {
  const int64_t B = 1, L = 3, E = 4;
  nn::MultiHeadAttention m(E, 2, true, false, DType::F64);
  Tensor q = make(reals(B * L * E, 61), {B, L, E}, DType::F64), kv = make(reals(B * 2 * E, 62), {B, 2, E}, DType::F64);
  const std::vector<double> plain = values(m.forward(q, kv, kv));
  const std::vector<double> self = values(m.forward(q));
  size_t pre_inputs = 0;
  int out_proj_calls = 0;
  m.register_forward_pre_hook([&](nn::Module&, const std::vector<Tensor>& in) {
    pre_inputs = in.size();
    return std::vector<Tensor>{};
  });
  // The forward hook doubles the output.
  m.register_forward_hook([](nn::Module&, const std::vector<Tensor>&, const Tensor& out) { return mul(out, 2.0); });
  m.child("out_proj")->register_forward_hook([&](nn::Module&, const std::vector<Tensor>&, const Tensor&) {
    ++out_proj_calls;
    return Tensor();
  });
  std::vector<double> doubled = plain;
  for (double& v : doubled) v *= 2.0;
  CHECK(values(m(q, kv, kv)) == doubled);
  CHECK(pre_inputs == 3);
  CHECK(out_proj_calls == 1);
  std::vector<double> self_doubled = self;
  for (double& v : self_doubled) v *= 2.0;
  CHECK(values(m(q)) == self_doubled);
  CHECK(pre_inputs == 1);
  CHECK(out_proj_calls == 2);
  // forward() itself runs no hook of this module.
  CHECK(values(m.forward(q, kv, kv)) == plain);
  // A mask travels as the fourth input: masking out every key but the first equals attending to it alone.
  Tensor bmask = to_dtype(make({1.0, 0.0}, {1, 2}, DType::F64), DType::Bool);
  Tensor first = slice(kv, 1, 0, 1);
  check_close(m.forward(std::vector<Tensor>{q, kv, kv, bmask}), values(m.forward(q, first, first)), 1e-12);
  REQUIRE_THROWS_WITH(m.forward(std::vector<Tensor>{q, kv}), Catch::Contains("[MultiHeadAttention] expects 1 input"));
}
