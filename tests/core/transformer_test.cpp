// Tests of TransformerEncoderLayer / TransformerDecoderLayer: values against a naive implementation
// written here with plain loops (attention, LayerNorm, feed-forward), causal and padding masks checked
// by perturbing inputs, pre vs post norm, dropout, layouts, finite-difference gradients, errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/autograd/grad_mode.h"
#include "core/error.h"
#include "core/nn/transformer.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/shape.h"
#include "layer_test_util.h"

using namespace tfl;
using namespace tfl::nn;
using namespace tfl::layer_test;
namespace ag = tfl::autograd;
using Catch::Contains;

namespace {

const double kInf = std::numeric_limits<double>::infinity();
using Vec = std::vector<double>;
// Additive mask value for (batch b, head h, query i, key j).
using MaskFn = std::function<double(int64_t b, int64_t h, int64_t i, int64_t j)>;
const MaskFn kNoMask = [](int64_t, int64_t, int64_t, int64_t) { return 0.0; };

Vec param(const Module& m, const std::string& name) { return values(m.parameter(name)); }

// Every parameter set to deterministic random values (LayerNorm weights near 1), so that each one
// matters in the comparisons.
void randomise(Module& m, uint32_t seed) {
  ag::NoGradGuard g;
  for (const auto& [name, p] : m.named_parameters()) {
    bool norm_weight = name.find("norm") != std::string::npos && name.find("weight") != std::string::npos;
    Vec v = reals(p.numel(), seed++, norm_weight ? 0.5 : -0.6, norm_weight ? 1.5 : 0.6);
    copy_(p, make(v, p.shape(), p.dtype()));
  }
}

// y (rows, out) = x (rows, in) W^T + b.
Vec linear(const Module& m, const std::string& prefix, const Vec& x, int64_t rows) {
  Vec w = param(m, prefix + ".weight"), b = param(m, prefix + ".bias");
  const int64_t out = static_cast<int64_t>(b.size()), in = static_cast<int64_t>(w.size()) / out;
  Vec y(rows * out);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double s = b[o];
      for (int64_t i = 0; i < in; ++i) s += x[r * in + i] * w[o * in + i];
      y[r * out + o] = s;
    }
  return y;
}

Vec layer_norm(const Module& m, const std::string& prefix, const Vec& x, int64_t rows, int64_t e, double eps) {
  Vec w = param(m, prefix + ".weight"), b = param(m, prefix + ".bias"), y(x.size());
  for (int64_t r = 0; r < rows; ++r) {
    double mu = 0, var = 0;
    for (int64_t i = 0; i < e; ++i) mu += x[r * e + i] / e;
    for (int64_t i = 0; i < e; ++i) var += (x[r * e + i] - mu) * (x[r * e + i] - mu) / e;
    for (int64_t i = 0; i < e; ++i) y[r * e + i] = (x[r * e + i] - mu) / std::sqrt(var + eps) * w[i] + b[i];
  }
  return y;
}

// Multi-head attention of one batch element b: query rows q_in (lq, e), key/value rows kv (lk, e).
Vec attention(const Module& m, const std::string& prefix, const Vec& q_in, const Vec& kv, int64_t lq, int64_t lk,
              int64_t e, int64_t heads, int64_t b, const MaskFn& mask) {
  Vec q = linear(m, prefix + ".q_proj", q_in, lq), k = linear(m, prefix + ".k_proj", kv, lk),
      v = linear(m, prefix + ".v_proj", kv, lk);
  const int64_t hd = e / heads;
  Vec merged(lq * e, 0.0);
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < lq; ++i) {
      Vec s(lk);
      double mx = -kInf;
      for (int64_t j = 0; j < lk; ++j) {
        double dot = 0;
        for (int64_t d = 0; d < hd; ++d) dot += q[i * e + h * hd + d] * k[j * e + h * hd + d];
        s[j] = dot / std::sqrt(static_cast<double>(hd)) + mask(b, h, i, j);
        mx = std::max(mx, s[j]);
      }
      double z = 0;
      for (double& x : s) z += (x = std::exp(x - mx));
      for (int64_t j = 0; j < lk; ++j)
        for (int64_t d = 0; d < hd; ++d) merged[i * e + h * hd + d] += s[j] / z * v[j * e + h * hd + d];
    }
  return linear(m, prefix + ".out_proj", merged, lq);
}

Vec add_vec(const Vec& a, const Vec& b) {
  Vec c(a.size());
  for (size_t i = 0; i < a.size(); ++i) c[i] = a[i] + b[i];
  return c;
}

Vec feed_forward(const Module& m, const Vec& x, int64_t rows, bool gelu_act) {
  Vec h = linear(m, "linear1", x, rows);
  for (double& v : h) v = gelu_act ? 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))) : std::max(v, 0.0);
  return linear(m, "linear2", h, rows);
}

// The encoder layer on batch-first data x (n, l, e).
Vec naive_encoder(const Module& m, const Vec& x, int64_t n, int64_t l, int64_t e, int64_t heads, bool norm_first,
                  bool gelu_act, const MaskFn& mask, double eps = 1e-5) {
  Vec out;
  for (int64_t b = 0; b < n; ++b) {
    Vec xb(x.begin() + b * l * e, x.begin() + (b + 1) * l * e);
    if (norm_first) {
      Vec t = layer_norm(m, "norm1", xb, l, e, eps);
      xb = add_vec(xb, attention(m, "self_attn", t, t, l, l, e, heads, b, mask));
      xb = add_vec(xb, feed_forward(m, layer_norm(m, "norm2", xb, l, e, eps), l, gelu_act));
    } else {
      xb = layer_norm(m, "norm1", add_vec(xb, attention(m, "self_attn", xb, xb, l, l, e, heads, b, mask)), l, e, eps);
      xb = layer_norm(m, "norm2", add_vec(xb, feed_forward(m, xb, l, gelu_act)), l, e, eps);
    }
    out.insert(out.end(), xb.begin(), xb.end());
  }
  return out;
}

// The decoder layer on batch-first tgt (n, t, e) and memory (n, s, e).
Vec naive_decoder(const Module& m, const Vec& tgt, const Vec& mem, int64_t n, int64_t t, int64_t s, int64_t e,
                  int64_t heads, bool norm_first, const MaskFn& self_mask, const MaskFn& cross_mask) {
  Vec out;
  for (int64_t b = 0; b < n; ++b) {
    Vec x(tgt.begin() + b * t * e, tgt.begin() + (b + 1) * t * e), mb(mem.begin() + b * s * e, mem.begin() + (b + 1) * s * e);
    if (norm_first) {
      Vec u = layer_norm(m, "norm1", x, t, e, 1e-5);
      x = add_vec(x, attention(m, "self_attn", u, u, t, t, e, heads, b, self_mask));
      x = add_vec(x, attention(m, "multihead_attn", layer_norm(m, "norm2", x, t, e, 1e-5), mb, t, s, e, heads, b, cross_mask));
      x = add_vec(x, feed_forward(m, layer_norm(m, "norm3", x, t, e, 1e-5), t, false));
    } else {
      x = layer_norm(m, "norm1", add_vec(x, attention(m, "self_attn", x, x, t, t, e, heads, b, self_mask)), t, e, 1e-5);
      x = layer_norm(m, "norm2", add_vec(x, attention(m, "multihead_attn", x, mb, t, s, e, heads, b, cross_mask)), t, e,
                     1e-5);
      x = layer_norm(m, "norm3", add_vec(x, feed_forward(m, x, t, false)), t, e, 1e-5);
    }
    out.insert(out.end(), x.begin(), x.end());
  }
  return out;
}

TransformerConfig small_config(bool batch_first, bool norm_first, double dropout = 0.0) {
  TransformerConfig c;
  c.d_model = 8;
  c.nhead = 2;
  c.dim_feedforward = 12;
  c.dropout = dropout;
  c.batch_first = batch_first;
  c.norm_first = norm_first;
  c.dtype = DType::F64;
  return c;
}

// Batch-first data (n, l, e) as the layer's input layout.
Tensor as_input(const Vec& x, int64_t n, int64_t l, int64_t e, bool batch_first) {
  Tensor t = make(x, {n, l, e});
  return batch_first ? t : transpose(t, 0, 1);
}

// The layer's output back in batch-first order, flattened.
Vec output_values(const Tensor& y, bool batch_first) { return values(batch_first ? y : transpose(y, 0, 1)); }

}  // namespace

TEST_CASE("TransformerEncoderLayer matches a naive loop: post/pre norm, relu/gelu, both layouts", "[nn][transformer]") {
  const int64_t N = 2, L = 4, E = 8, H = 2;
  Vec x = reals(N * L * E, 100, -1.5, 1.5);
  for (bool batch_first : {false, true})
    for (bool norm_first : {false, true})
      for (bool gelu_act : {false, true}) {
        INFO("batch_first " << batch_first << ", norm_first " << norm_first << ", gelu " << gelu_act);
        TransformerConfig c = small_config(batch_first, norm_first);
        c.activation = gelu_act ? TransformerActivation::GELU : TransformerActivation::ReLU;
        TransformerEncoderLayer layer(c);
        randomise(layer, 7);
        Tensor y = layer(as_input(x, N, L, E, batch_first));
        CHECK(y.shape() == (batch_first ? Shape{N, L, E} : Shape{L, N, E}));
        Vec want = naive_encoder(layer, x, N, L, E, H, norm_first, gelu_act, kNoMask);
        check_close(make(output_values(y, batch_first), {N * L * E}), {N * L * E}, want, 1e-10);
      }
}

TEST_CASE("TransformerEncoderLayer masks: float, bool (true = masked), 3-D per head, padding, causal",
          "[nn][transformer]") {
  const int64_t N = 2, L = 4, E = 8, H = 2;
  Vec x = reals(N * L * E, 101);
  TransformerEncoderLayer layer(small_config(true, false));
  randomise(layer, 9);
  Tensor src = make(x, {N, L, E});
  Vec fm = reals(L * L, 102, -2.0, 2.0);
  // Float (L, L) mask: added to the scores.
  check_close(layer(src, make(fm, {L, L})), {N, L, E},
              naive_encoder(layer, x, N, L, E, H, false, false, [&](int64_t, int64_t, int64_t i, int64_t j) { return fm[i * L + j]; }),
              1e-10);
  // Bool mask, true = masked out (PyTorch's MultiheadAttention convention).
  std::vector<double> bm{0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1};
  MaskFn bool_fn = [&](int64_t, int64_t, int64_t i, int64_t j) { return bm[i * L + j] != 0 ? -kInf : 0.0; };
  check_close(layer(src, make(bm, {L, L}, DType::Bool)), {N, L, E}, naive_encoder(layer, x, N, L, E, H, false, false, bool_fn),
              1e-10);
  // Key padding (N, L): batch 0 pads key 3, batch 1 pads keys 1 and 2; combined with the float mask.
  std::vector<double> pad{0, 0, 0, 1, 0, 1, 1, 0};
  MaskFn pad_fn = [&](int64_t b, int64_t, int64_t i, int64_t j) { return fm[i * L + j] + (pad[b * L + j] != 0 ? -kInf : 0.0); };
  check_close(layer(src, make(fm, {L, L}), make(pad, {N, L}, DType::Bool)), {N, L, E},
              naive_encoder(layer, x, N, L, E, H, false, false, pad_fn), 1e-10);
  // A 3-D (N * H, L, L) mask, different per batch element and head.
  Vec m3 = reals(N * H * L * L, 103, -2.0, 2.0);
  check_close(layer(src, make(m3, {N * H, L, L})), {N, L, E},
              naive_encoder(layer, x, N, L, E, H, false, false,
                            [&](int64_t b, int64_t h, int64_t i, int64_t j) { return m3[(b * H + h) * L * L + i * L + j]; }),
              1e-10);
  // is_causal alone, and the generated causal mask, give the causal result.
  MaskFn causal_fn = [](int64_t, int64_t, int64_t i, int64_t j) { return j > i ? -kInf : 0.0; };
  Vec want = naive_encoder(layer, x, N, L, E, H, false, false, causal_fn);
  check_close(layer(src, Tensor(), Tensor(), true), {N, L, E}, want, 1e-10);
  check_close(layer(src, generate_square_subsequent_mask(L, DType::F64)), {N, L, E}, want, 1e-10);
  check_close(layer(src, generate_square_subsequent_mask(L, DType::F64), Tensor(), true), {N, L, E}, want, 1e-10);
}

TEST_CASE("generate_square_subsequent_mask is 0 on and below the diagonal, -inf above", "[nn][transformer]") {
  Vec m = values(generate_square_subsequent_mask(3));
  CHECK(m == Vec{0, -kInf, -kInf, 0, 0, -kInf, 0, 0, 0});
  CHECK(generate_square_subsequent_mask(0).shape() == Shape{0, 0});
  REQUIRE_THROWS_AS(generate_square_subsequent_mask(-1), InvalidArgumentError);
  REQUIRE_THROWS_AS(generate_square_subsequent_mask(2, DType::I32), DTypeError);
}

TEST_CASE("causal encoder: the output at t does not depend on inputs after t", "[nn][transformer]") {
  const int64_t N = 2, L = 5, E = 8;
  for (bool norm_first : {false, true}) {
    TransformerEncoderLayer layer(small_config(false, norm_first));
    randomise(layer, 11);
    Vec x = reals(N * L * E, 104);
    for (int64_t t = 0; t < L - 1; ++t) {
      Vec x2 = x;
      for (int64_t b = 0; b < N; ++b)
        for (int64_t p = t + 1; p < L; ++p)
          for (int64_t d = 0; d < E; ++d) x2[(b * L + p) * E + d] += 0.7 + 0.1 * d;
      Vec y1 = output_values(layer(as_input(x, N, L, E, false), generate_square_subsequent_mask(L, DType::F64)), false);
      Vec y2 = output_values(layer(as_input(x2, N, L, E, false), Tensor(), Tensor(), true), false);
      double early = 0, late = 0;
      for (int64_t b = 0; b < N; ++b)
        for (int64_t p = 0; p < L; ++p)
          for (int64_t d = 0; d < E; ++d) {
            double diff = std::abs(y1[(b * L + p) * E + d] - y2[(b * L + p) * E + d]);
            (p <= t ? early : late) = std::max(p <= t ? early : late, diff);
          }
      CHECK(early < 1e-12);
      CHECK(late > 1e-3);
    }
  }
}

TEST_CASE("padding: padded keys do not affect the other positions", "[nn][transformer]") {
  const int64_t N = 2, L = 4, E = 8;
  TransformerEncoderLayer layer(small_config(true, false));
  randomise(layer, 13);
  Vec x = reals(N * L * E, 105);
  std::vector<double> pad{0, 0, 1, 1, 0, 0, 0, 1};
  Tensor kpm = make(pad, {N, L}, DType::Bool);
  Vec x2 = x;
  for (int64_t b = 0; b < N; ++b)
    for (int64_t p = 0; p < L; ++p)
      if (pad[b * L + p] != 0)
        for (int64_t d = 0; d < E; ++d) x2[(b * L + p) * E + d] = 5.0 - d;
  Vec y1 = values(layer(make(x, {N, L, E}), Tensor(), kpm)), y2 = values(layer(make(x2, {N, L, E}), Tensor(), kpm));
  for (int64_t b = 0; b < N; ++b)
    for (int64_t p = 0; p < L; ++p) {
      double diff = 0;
      for (int64_t d = 0; d < E; ++d) diff = std::max(diff, std::abs(y1[(b * L + p) * E + d] - y2[(b * L + p) * E + d]));
      INFO("batch " << b << ", position " << p);
      if (pad[b * L + p] != 0) CHECK(diff > 1e-3);  // its own residual changed
      else CHECK(diff < 1e-12);
    }
  // A float padding mask (-inf) is the same as the bool one.
  Vec fpad(pad.size());
  for (size_t i = 0; i < pad.size(); ++i) fpad[i] = pad[i] != 0 ? -kInf : 0.0;
  check_close(layer(make(x, {N, L, E}), Tensor(), make(fpad, {N, L})), {N, L, E}, y1, 1e-12);
}

TEST_CASE("TransformerDecoderLayer matches a naive loop with causal self-attention and memory padding",
          "[nn][transformer]") {
  const int64_t N = 2, T = 3, S = 4, E = 8, H = 2;
  Vec tgt = reals(N * T * E, 106), mem = reals(N * S * E, 107);
  std::vector<double> mpad{0, 0, 0, 1, 0, 1, 0, 0};
  MaskFn causal_fn = [](int64_t, int64_t, int64_t i, int64_t j) { return j > i ? -kInf : 0.0; };
  MaskFn mem_fn = [&](int64_t b, int64_t, int64_t, int64_t j) { return mpad[b * S + j] != 0 ? -kInf : 0.0; };
  for (bool batch_first : {false, true})
    for (bool norm_first : {false, true}) {
      INFO("batch_first " << batch_first << ", norm_first " << norm_first);
      TransformerDecoderLayer layer(small_config(batch_first, norm_first));
      randomise(layer, 17);
      Tensor y = layer(as_input(tgt, N, T, E, batch_first), as_input(mem, N, S, E, batch_first), Tensor(), Tensor(),
                       Tensor(), make(mpad, {N, S}, DType::Bool), true);
      Vec want = naive_decoder(layer, tgt, mem, N, T, S, E, H, norm_first, causal_fn, mem_fn);
      check_close(make(output_values(y, batch_first), {N * T * E}), {N * T * E}, want, 1e-10);
      // A float tgt_mask and memory_mask instead.
      Vec tm = reals(T * T, 108, -1, 1), mm = reals(T * S, 109, -1, 1);
      Tensor y2 = layer(as_input(tgt, N, T, E, batch_first), as_input(mem, N, S, E, batch_first), make(tm, {T, T}),
                        make(mm, {T, S}));
      Vec want2 = naive_decoder(layer, tgt, mem, N, T, S, E, H, norm_first,
                                [&](int64_t, int64_t, int64_t i, int64_t j) { return tm[i * T + j]; },
                                [&](int64_t, int64_t, int64_t i, int64_t j) { return mm[i * S + j]; });
      check_close(make(output_values(y2, batch_first), {N * T * E}), {N * T * E}, want2, 1e-10);
    }
  // Parameter names and order follow PyTorch's (attention projections split, see transformer.h).
  TransformerDecoderLayer layer(small_config(false, false));
  std::vector<std::string> names;
  for (const auto& [name, p] : layer.named_parameters()) names.push_back(name);
  CHECK(names == std::vector<std::string>{
                     "self_attn.q_proj.weight", "self_attn.q_proj.bias", "self_attn.k_proj.weight",
                     "self_attn.k_proj.bias", "self_attn.v_proj.weight", "self_attn.v_proj.bias",
                     "self_attn.out_proj.weight", "self_attn.out_proj.bias", "multihead_attn.q_proj.weight",
                     "multihead_attn.q_proj.bias", "multihead_attn.k_proj.weight", "multihead_attn.k_proj.bias",
                     "multihead_attn.v_proj.weight", "multihead_attn.v_proj.bias", "multihead_attn.out_proj.weight",
                     "multihead_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight",
                     "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias", "norm3.weight",
                     "norm3.bias"});
}

TEST_CASE("causal decoder: tgt position t ignores later targets; padded memory is ignored", "[nn][transformer]") {
  const int64_t N = 1, T = 4, S = 3, E = 8;
  TransformerDecoderLayer layer(small_config(true, true));
  randomise(layer, 19);
  Vec tgt = reals(N * T * E, 110), mem = reals(N * S * E, 111);
  Tensor mpad = make({0, 1, 0}, {N, S}, DType::Bool);
  Vec y = values(layer(make(tgt, {N, T, E}), make(mem, {N, S, E}), Tensor(), Tensor(), Tensor(), mpad, true));
  Vec tgt2 = tgt, mem2 = mem;
  for (int64_t d = 0; d < E; ++d) {
    tgt2[3 * E + d] += 1.0;   // the last target
    mem2[1 * E + d] -= 2.0;   // the padded memory slot
  }
  Vec y2 = values(layer(make(tgt2, {N, T, E}), make(mem2, {N, S, E}), Tensor(), Tensor(), Tensor(), mpad, true));
  for (int64_t p = 0; p < T; ++p) {
    double diff = 0;
    for (int64_t d = 0; d < E; ++d) diff = std::max(diff, std::abs(y[p * E + d] - y2[p * E + d]));
    if (p < 3) CHECK(diff < 1e-12);
    else CHECK(diff > 1e-3);
  }
}

TEST_CASE("pre vs post norm: post-norm rows are normalised, pre-norm rows keep the residual", "[nn][transformer]") {
  const int64_t N = 2, L = 3, E = 8;
  TransformerEncoderLayer post(small_config(true, false)), pre(small_config(true, true));
  randomise(post, 23);
  pre.load_state_dict(post.state_dict());  // the same weights
  {
    ag::NoGradGuard g;  // norm2 = identity affine, so post-norm rows have mean 0 and variance ~1
    fill_(post.parameter("norm2.weight"), 1.0);
    fill_(post.parameter("norm2.bias"), 0.0);
    fill_(pre.parameter("norm2.weight"), 1.0);
    fill_(pre.parameter("norm2.bias"), 0.0);
  }
  Vec x = reals(N * L * E, 112, -3, 3);
  Vec a = values(post(make(x, {N, L, E}))), b = values(pre(make(x, {N, L, E})));
  double max_pre_mean = 0;
  for (int64_t r = 0; r < N * L; ++r) {
    double mu_a = 0, var_a = 0, mu_b = 0;
    for (int64_t d = 0; d < E; ++d) {
      mu_a += a[r * E + d] / E;
      mu_b += b[r * E + d] / E;
    }
    for (int64_t d = 0; d < E; ++d) var_a += (a[r * E + d] - mu_a) * (a[r * E + d] - mu_a) / E;
    CHECK(std::abs(mu_a) < 1e-12);
    CHECK(std::abs(var_a - 1.0) < 1e-3);
    max_pre_mean = std::max(max_pre_mean, std::abs(mu_b));
  }
  CHECK(max_pre_mean > 1e-2);
  CHECK(max_abs_diff(make(a, {N * L * E}), make(b, {N * L * E})) > 1e-2);
}

TEST_CASE("dropout is the identity in eval mode and random in training", "[nn][transformer]") {
  const int64_t N = 2, L = 3, E = 8;
  TransformerEncoderLayer with(small_config(true, false, 0.5)), without(small_config(true, false, 0.0));
  randomise(with, 29);
  without.load_state_dict(with.state_dict());
  CHECK(with.self_attn().dropout() == 0.5);
  Tensor x = make(reals(N * L * E, 113), {N, L, E});
  with.eval();
  CHECK(max_abs_diff(with(x), without(x)) == 0.0);
  with.train();
  Tensor a = with(x), b = with(x);
  CHECK(max_abs_diff(a, without(x)) > 1e-3);
  CHECK(max_abs_diff(a, b) > 1e-3);
  // Attention-weight dropout alone: p = 1 zeroes every weight, leaving out_proj's bias.
  MultiHeadAttention mha(E, 2, true, false, DType::F64, nullptr, 1.0);
  {
    ag::NoGradGuard g;
    copy_(mha.parameter("out_proj.bias"), make(reals(E, 114), {E}));
  }
  Tensor y = mha(x, x, x);
  Vec bias = param(mha, "out_proj.bias"), want;
  for (int64_t r = 0; r < N * L; ++r) want.insert(want.end(), bias.begin(), bias.end());
  check_close(y, {N, L, E}, want, 1e-12);
  mha.eval();
  CHECK(max_abs_diff(mha(x, x, x), make(want, {N, L, E})) > 1e-3);
}

TEST_CASE("unbatched input equals a batch of one", "[nn][transformer]") {
  const int64_t L = 3, S = 4, E = 8;
  TransformerEncoderLayer enc(small_config(false, false));
  randomise(enc, 31);
  Vec x = reals(L * E, 115);
  Tensor kpm1 = make({0, 0, 1}, {L}, DType::Bool), kpm2 = make({0, 0, 1}, {1, L}, DType::Bool);
  Tensor y1 = enc(make(x, {L, E}), Tensor(), kpm1, true);
  Tensor y2 = enc(make(x, {L, 1, E}), Tensor(), kpm2, true);
  CHECK(y1.shape() == Shape{L, E});
  check_close(y1, {L, E}, values(y2), 1e-12);
  TransformerDecoderLayer dec(small_config(false, true));
  randomise(dec, 37);
  Vec m = reals(S * E, 116);
  check_close(dec(make(x, {L, E}), make(m, {S, E}), Tensor()), {L, E},
              values(dec(make(x, {L, 1, E}), make(m, {S, 1, E}), Tensor())), 1e-12);
}

TEST_CASE("transformer layer gradients match finite differences in f64", "[nn][transformer][grad]") {
  TransformerConfig c;
  c.d_model = 4;
  c.nhead = 2;
  c.dim_feedforward = 6;
  c.dropout = 0.0;
  c.dtype = DType::F64;
  for (bool norm_first : {false, true}) {
    c.norm_first = norm_first;
    c.activation = norm_first ? TransformerActivation::GELU : TransformerActivation::ReLU;
    auto enc = std::make_shared<TransformerEncoderLayer>(c);
    randomise(*enc, 41);
    Tensor kpm = make({0, 0, 0, 0, 0, 1}, {2, 3}, DType::Bool);
    check_layer_gradients(std::string("encoder, causal + padding, norm_first=") + (norm_first ? "1" : "0"),
                          [enc] { return with_params(*enc, {testing::random_input({3, 2, 4}, 60)}); },
                          [enc, kpm](const std::vector<Tensor>& in) { return (*enc)(in[0], Tensor(), kpm, true); },
                          1e-5, 1e-4);
    auto dec = std::make_shared<TransformerDecoderLayer>(c);
    randomise(*dec, 43);
    Tensor fmask = make(reals(6, 117), {2, 3});
    check_layer_gradients(std::string("decoder, causal + memory mask, norm_first=") + (norm_first ? "1" : "0"),
                          [dec] {
                            return with_params(*dec, {testing::random_input({2, 2, 4}, 61),
                                                      testing::random_input({3, 2, 4}, 62)});
                          },
                          [dec, fmask](const std::vector<Tensor>& in) {
                            return (*dec)(in[0], in[1], Tensor(), fmask, Tensor(), Tensor(), true);
                          },
                          1e-5, 1e-4);
  }
}

TEST_CASE("transformer layers reject bad hyperparameters, shapes and masks", "[nn][transformer]") {
  auto cfg = [](int64_t d, int64_t h, int64_t ff, double p) {
    TransformerConfig c = small_config(false, false, p);
    c.d_model = d;
    c.nhead = h;
    c.dim_feedforward = ff;
    return c;
  };
  REQUIRE_THROWS_WITH(TransformerEncoderLayer(cfg(6, 4, 8, 0.1)),
                      Contains("[TransformerEncoderLayer] d_model must be a positive multiple of nhead, got d_model 6"));
  REQUIRE_THROWS_AS(TransformerDecoderLayer(cfg(6, 4, 8, 0.1)), LayerConfigError);
  REQUIRE_THROWS_AS(TransformerEncoderLayer(cfg(0, 1, 8, 0.1)), LayerConfigError);
  REQUIRE_THROWS_WITH(TransformerEncoderLayer(cfg(8, 2, 0, 0.1)), Contains("dim_feedforward must be positive, got 0"));
  REQUIRE_THROWS_AS(TransformerDecoderLayer(cfg(8, 2, -3, 0.1)), LayerConfigError);
  REQUIRE_THROWS_WITH(TransformerEncoderLayer(cfg(8, 2, 8, 1.0)), Contains("dropout must be in [0, 1), got 1"));
  REQUIRE_THROWS_AS(TransformerEncoderLayer(cfg(8, 2, 8, -0.1)), LayerConfigError);
  TransformerConfig bad_eps = cfg(8, 2, 8, 0.1);
  bad_eps.layer_norm_eps = -1;
  REQUIRE_THROWS_AS(TransformerEncoderLayer(bad_eps), LayerConfigError);
  TransformerConfig int_dtype = cfg(8, 2, 8, 0.1);
  int_dtype.dtype = DType::I32;
  REQUIRE_THROWS_AS(TransformerEncoderLayer(int_dtype), DTypeError);
  REQUIRE_THROWS_AS(MultiHeadAttention(8, 2, true, false, DType::F32, nullptr, 1.5), LayerConfigError);

  TransformerEncoderLayer enc(small_config(false, false));
  REQUIRE_THROWS_WITH(enc(zeros({3, 2, 6}, DType::F64)),
                      Contains("expects src of shape (len, batch, 8) or unbatched (len, 8), got 3x2x6"));
  REQUIRE_THROWS_AS(enc(zeros({8}, DType::F64)), ShapeError);
  REQUIRE_THROWS_AS(enc(zeros({3, 2, 8}, DType::I32)), DTypeError);
  Tensor src = zeros({3, 2, 8}, DType::F64);
  REQUIRE_THROWS_WITH(enc(src, zeros({3, 4}, DType::F64)),
                      Contains("expects src_mask of shape 3x3 or 4x3x3 (batch * nhead, target length, source "
                               "length), got 3x4"));
  REQUIRE_THROWS_AS(enc(src, zeros({2, 3, 3}, DType::F64)), ShapeError);
  REQUIRE_THROWS_WITH(enc(src, Tensor(), zeros({3, 2}, DType::Bool)),
                      Contains("expects src_key_padding_mask of shape 2x3, got 3x2"));
  REQUIRE_THROWS_AS(enc(src, zeros({3, 3}, DType::I64)), DTypeError);
  REQUIRE_THROWS_AS(enc.forward(std::vector<Tensor>{}), InvalidArgumentError);
  REQUIRE_THROWS_AS(enc.forward(std::vector<Tensor>{src, Tensor(), Tensor(), zeros({2}, DType::Bool)}),
                    InvalidArgumentError);

  TransformerDecoderLayer dec(small_config(true, false));
  REQUIRE_THROWS_WITH(dec(zeros({2, 3, 8}, DType::F64), zeros({3, 4, 8}, DType::F64), Tensor()),
                      Contains("tgt and memory must both be batched with the same batch size (axis 0) or both "
                               "unbatched, got 2x3x8 and 3x4x8"));
  REQUIRE_THROWS_AS(dec(zeros({2, 3, 8}, DType::F64), zeros({4, 8}, DType::F64), Tensor()), ShapeError);
  REQUIRE_THROWS_AS(dec(zeros({2, 3, 8}, DType::F64), zeros({2, 4, 7}, DType::F64), Tensor()), ShapeError);
  REQUIRE_THROWS_WITH(dec(zeros({2, 3, 8}, DType::F64), zeros({2, 4, 8}, DType::F64), Tensor(), zeros({3, 3}, DType::F64)),
                      Contains("expects memory_mask of shape 3x4"));
  REQUIRE_THROWS_AS(dec.forward(std::vector<Tensor>{zeros({2, 3, 8}, DType::F64)}), InvalidArgumentError);
  CHECK(enc.to_string().rfind("TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=12, dropout=0, "
                              "activation=relu, layer_norm_eps=1e-05, batch_first=false, norm_first=false\n", 0) == 0);
}
