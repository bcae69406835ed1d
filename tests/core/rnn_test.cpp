// Tests of nn::RNN / LSTM / GRU: a naive per-time-step scalar loop written here, shapes for every
// option combination, finite-difference gradients in f64, dropout, errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/autograd/differentiable.h"
#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/nn/rnn.h"
#include "core/ops/assemble.h"
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

double sigm(double x) { return 1.0 / (1.0 + std::exp(-x)); }

struct Ref {
  std::vector<double> out, hn, cn;  // out (L, N, D*H) time-major; hn, cn (D*layers, N, H)
};

// The recurrence written out with scalar loops, one batch element and one step at a time, from the
// module's parameters (PyTorch's documented equations). x is time-major (L, N, I); h0 / c0 (D*layers,
// N, H) or empty for zeros.
Ref naive_rnn(const nn::RNNBase& m, const std::vector<double>& x, int64_t L, int64_t N, const std::vector<double>& h0,
              const std::vector<double>& c0) {
  std::map<std::string, std::vector<double>> p;
  for (const auto& [name, t] : m.named_parameters()) p[name] = values(t);
  const int64_t H = m.hidden_size(), D = m.num_directions(), layers = m.options().num_layers;
  const nn::RNNMode mode = m.mode();
  const int64_t G = mode == nn::RNNMode::kLstm ? 4 : mode == nn::RNNMode::kGru ? 3 : 1;
  auto at = [](const std::vector<double>& v, int64_t i) { return v[static_cast<size_t>(i)]; };
  Ref r;
  r.hn.assign(static_cast<size_t>(D * layers * N * H), 0.0);
  r.cn = r.hn;
  std::vector<double> in_seq = x;
  int64_t in = m.input_size();
  for (int64_t layer = 0; layer < layers; ++layer) {
    std::vector<double> out(static_cast<size_t>(L * N * D * H));
    for (int64_t d = 0; d < D; ++d) {
      const std::string sfx = "_l" + std::to_string(layer) + (d == 1 ? "_reverse" : "");
      const std::vector<double>& wih = p["weight_ih" + sfx];
      const std::vector<double>& whh = p["weight_hh" + sfx];
      std::vector<double> bih(static_cast<size_t>(G * H), 0.0), bhh = bih;
      if (m.options().bias) {
        bih = p["bias_ih" + sfx];
        bhh = p["bias_hh" + sfx];
      }
      const int64_t row = layer * D + d;
      for (int64_t n = 0; n < N; ++n) {
        std::vector<double> h(static_cast<size_t>(H), 0.0), c = h;
        for (int64_t j = 0; j < H; ++j) {
          if (!h0.empty()) h[static_cast<size_t>(j)] = at(h0, (row * N + n) * H + j);
          if (!c0.empty()) c[static_cast<size_t>(j)] = at(c0, (row * N + n) * H + j);
        }
        for (int64_t s = 0; s < L; ++s) {
          const int64_t t = d == 1 ? L - 1 - s : s;
          std::vector<double> gi(static_cast<size_t>(G * H)), gh(gi.size());
          for (int64_t k = 0; k < G * H; ++k) {
            double a = at(bih, k), b = at(bhh, k);
            for (int64_t i = 0; i < in; ++i) a += at(wih, k * in + i) * at(in_seq, (t * N + n) * in + i);
            for (int64_t i = 0; i < H; ++i) b += at(whh, k * H + i) * h[static_cast<size_t>(i)];
            gi[static_cast<size_t>(k)] = a;
            gh[static_cast<size_t>(k)] = b;
          }
          auto pre = [&](int64_t g, int64_t j) { return at(gi, g * H + j) + at(gh, g * H + j); };
          for (int64_t j = 0; j < H; ++j) {
            double& hj = h[static_cast<size_t>(j)];
            double& cj = c[static_cast<size_t>(j)];
            switch (mode) {
              case nn::RNNMode::kRnnTanh:
                hj = std::tanh(pre(0, j));
                break;
              case nn::RNNMode::kRnnRelu:
                hj = std::max(0.0, pre(0, j));
                break;
              case nn::RNNMode::kLstm: {
                const double ig = sigm(pre(0, j)), fg = sigm(pre(1, j)), gg = std::tanh(pre(2, j)), og = sigm(pre(3, j));
                cj = fg * cj + ig * gg;
                hj = og * std::tanh(cj);
                break;
              }
              case nn::RNNMode::kGru: {
                const double rg = sigm(pre(0, j)), zg = sigm(pre(1, j));
                const double ng = std::tanh(at(gi, 2 * H + j) + rg * at(gh, 2 * H + j));
                hj = (1.0 - zg) * ng + zg * hj;
                break;
              }
            }
          }
          for (int64_t j = 0; j < H; ++j) out[static_cast<size_t>((t * N + n) * D * H + d * H + j)] = h[static_cast<size_t>(j)];
        }
        for (int64_t j = 0; j < H; ++j) {
          r.hn[static_cast<size_t>((row * N + n) * H + j)] = h[static_cast<size_t>(j)];
          r.cn[static_cast<size_t>((row * N + n) * H + j)] = c[static_cast<size_t>(j)];
        }
      }
    }
    in_seq = out;
    in = D * H;
  }
  r.out = in_seq;
  return r;
}

void check_close(const Tensor& got, const std::vector<double>& want, double tol) {
  std::vector<double> g = values(got);
  REQUIRE(g.size() == want.size());
  for (size_t i = 0; i < g.size(); ++i) {
    INFO("element " << i << ": got " << g[i] << ", want " << want[i]);
    CHECK(std::abs(g[i] - want[i]) <= tol * (1.0 + std::abs(want[i])));
  }
}

const nn::RNNMode kModes[] = {nn::RNNMode::kRnnTanh, nn::RNNMode::kRnnRelu, nn::RNNMode::kLstm, nn::RNNMode::kGru};

const char* mode_name(nn::RNNMode m) {
  switch (m) {
    case nn::RNNMode::kRnnTanh:
      return "RNN tanh";
    case nn::RNNMode::kRnnRelu:
      return "RNN relu";
    case nn::RNNMode::kLstm:
      return "LSTM";
    default:
      return "GRU";
  }
}

std::shared_ptr<nn::RNNBase> make_layer(nn::RNNMode mode, int64_t in, int64_t hidden, const nn::RNNOptions& o,
                                        DType dt, Generator* gen) {
  switch (mode) {
    case nn::RNNMode::kRnnTanh:
      return std::make_shared<nn::RNN>(in, hidden, o, false, dt, gen);
    case nn::RNNMode::kRnnRelu:
      return std::make_shared<nn::RNN>(in, hidden, o, true, dt, gen);
    case nn::RNNMode::kLstm:
      return std::make_shared<nn::LSTM>(in, hidden, o, dt, gen);
    default:
      return std::make_shared<nn::GRU>(in, hidden, o, dt, gen);
  }
}

// (N, L, F) <-> (L, N, F) on flat row-major data.
std::vector<double> swap01(const std::vector<double>& v, int64_t a, int64_t b, int64_t f) {
  std::vector<double> r(v.size());
  for (int64_t i = 0; i < a; ++i)
    for (int64_t j = 0; j < b; ++j)
      for (int64_t k = 0; k < f; ++k) r[static_cast<size_t>((j * a + i) * f + k)] = v[static_cast<size_t>((i * b + j) * f + k)];
  return r;
}

}  // namespace

TEST_CASE("RNN/LSTM/GRU output and state shapes for every option combination", "[rnn][nn]") {
  const int64_t L = 4, N = 3, I = 5, H = 2;
  for (nn::RNNMode mode : kModes)
    for (int64_t layers : {1, 2})
      for (bool bidir : {false, true})
        for (bool batch_first : {false, true})
          for (bool bias : {false, true})
            for (bool with_state : {false, true}) {
              INFO(mode_name(mode) << " layers " << layers << " bidir " << bidir << " batch_first " << batch_first
                                   << " bias " << bias << " h0 " << with_state);
              nn::RNNOptions o;
              o.num_layers = layers;
              o.bidirectional = bidir;
              o.batch_first = batch_first;
              o.bias = bias;
              Generator gen(7);
              auto m = make_layer(mode, I, H, o, DType::F32, &gen);
              const int64_t D = bidir ? 2 : 1;
              const bool lstm = mode == nn::RNNMode::kLstm;
              CHECK(m->parameters().size() == static_cast<size_t>(layers * D * (bias ? 4 : 2)));
              Tensor x = batch_first ? zeros({N, L, I}) : zeros({L, N, I});
              Tensor h0 = with_state ? zeros({D * layers, N, H}) : Tensor();
              Tensor c0 = with_state && lstm ? zeros({D * layers, N, H}) : Tensor();
              nn::RNNState s = m->forward_state(x, h0, c0);
              CHECK(s.output.shape() == (batch_first ? Shape{N, L, D * H} : Shape{L, N, D * H}));
              CHECK(s.h_n.shape() == Shape{D * layers, N, H});
              CHECK(s.c_n.defined() == lstm);
              if (lstm) CHECK(s.c_n.shape() == Shape{D * layers, N, H});
              // Unbatched (L, I) input and (D*layers, H) states.
              nn::RNNState u = m->forward_state(zeros({L, I}), with_state ? zeros({D * layers, H}) : Tensor(),
                                                with_state && lstm ? zeros({D * layers, H}) : Tensor());
              CHECK(u.output.shape() == Shape{L, D * H});
              CHECK(u.h_n.shape() == Shape{D * layers, H});
              if (lstm) CHECK(u.c_n.shape() == Shape{D * layers, H});
            }
}

TEST_CASE("RNN parameters have PyTorch's names, shapes and init bound", "[rnn][nn]") {
  nn::RNNOptions o;
  o.num_layers = 2;
  o.bidirectional = true;
  Generator gen(3);
  nn::LSTM m(5, 4, o, DType::F64, &gen);
  const std::vector<std::pair<std::string, Shape>> want = {
      {"weight_ih_l0", {16, 5}},         {"weight_hh_l0", {16, 4}},         {"bias_ih_l0", {16}},
      {"bias_hh_l0", {16}},              {"weight_ih_l0_reverse", {16, 5}}, {"weight_hh_l0_reverse", {16, 4}},
      {"bias_ih_l0_reverse", {16}},      {"bias_hh_l0_reverse", {16}},      {"weight_ih_l1", {16, 8}},
      {"weight_hh_l1", {16, 4}},         {"bias_ih_l1", {16}},              {"bias_hh_l1", {16}},
      {"weight_ih_l1_reverse", {16, 8}}, {"weight_hh_l1_reverse", {16, 4}}, {"bias_ih_l1_reverse", {16}},
      {"bias_hh_l1_reverse", {16}}};
  auto named = m.named_parameters();
  REQUIRE(named.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    CHECK(named[i].first == want[i].first);
    CHECK(named[i].second.shape() == want[i].second);
    CHECK(autograd::requires_grad(named[i].second));
    for (double v : values(named[i].second)) CHECK(std::abs(v) <= 0.5);  // 1 / sqrt(4)
  }
  // GRU: 3 gates; a second layer's input is D*H; no bias -> weights only.
  o.bias = false;
  o.bidirectional = false;
  nn::GRU g(3, 6, o);
  auto gn = g.named_parameters();
  REQUIRE(gn.size() == 4);
  CHECK(gn[0].first == "weight_ih_l0");
  CHECK(gn[0].second.shape() == Shape{18, 3});
  CHECK(gn[2].second.shape() == Shape{18, 6});
  // Same seed, same weights; another seed, other weights.
  Generator a(11), b(11), c(12);
  nn::RNN ra(3, 4, {}, false, DType::F32, &a), rb(3, 4, {}, false, DType::F32, &b), rc(3, 4, {}, false, DType::F32, &c);
  CHECK(values(ra.parameters()[0]) == values(rb.parameters()[0]));
  CHECK(values(ra.parameters()[0]) != values(rc.parameters()[0]));
  CHECK(ra.to_string() == "RNN(3, 4)");
}

TEST_CASE("RNN/LSTM/GRU forward matches a naive per-step loop", "[rnn][nn]") {
  const int64_t L = 5, N = 2, I = 3, H = 4;
  for (nn::RNNMode mode : kModes)
    for (int cfg = 0; cfg < 3; ++cfg)
      for (DType dt : {DType::F64, DType::F32}) {
        nn::RNNOptions o;
        // cfg 0: defaults, no state; cfg 1: 2 layers, bidirectional, batch_first, with h0 (and c0);
        // cfg 2: 3 layers, no bias, with h0.
        o.num_layers = cfg == 0 ? 1 : cfg == 1 ? 2 : 3;
        o.bidirectional = cfg == 1;
        o.batch_first = cfg == 1;
        o.bias = cfg != 2;
        INFO(mode_name(mode) << " cfg " << cfg << " " << dtype_name(dt));
        Generator gen(100 + static_cast<uint64_t>(cfg));
        auto m = make_layer(mode, I, H, o, dt, &gen);
        const int64_t D = m->num_directions(), rows = D * o.num_layers;
        const bool lstm = mode == nn::RNNMode::kLstm;
        std::vector<double> x = reals(L * N * I, 1), h0, c0;
        if (cfg > 0) h0 = reals(rows * N * H, 2);
        if (cfg > 0 && lstm) c0 = reals(rows * N * H, 3);
        Ref want = naive_rnn(*m, x, L, N, h0, c0);
        Tensor xt = o.batch_first ? make(swap01(x, L, N, I), {N, L, I}, dt) : make(x, {L, N, I}, dt);
        Tensor h0t = h0.empty() ? Tensor() : make(h0, {rows, N, H}, dt);
        Tensor c0t = c0.empty() ? Tensor() : make(c0, {rows, N, H}, dt);
        nn::RNNState s = m->forward_state(xt, h0t, c0t);
        const double tol = dt == DType::F64 ? 1e-12 : 2e-6;
        check_close(s.output, o.batch_first ? swap01(want.out, L, N, D * H) : want.out, tol);
        check_close(s.h_n, want.hn, tol);
        if (lstm) check_close(s.c_n, want.cn, tol);
        CHECK(s.output.dtype() == dt);
        // forward (the Module interface) returns the same output.
        std::vector<Tensor> ins{xt};
        if (h0t.defined()) ins.push_back(h0t);
        if (c0t.defined()) ins.push_back(c0t);
        check_close((*m)(ins), o.batch_first ? swap01(want.out, L, N, D * H) : want.out, tol);
        // Unbatched: batch element 1 alone.
        if (cfg == 1) {
          std::vector<double> x1, h1, c1;
          for (int64_t t = 0; t < L; ++t)
            for (int64_t i = 0; i < I; ++i) x1.push_back(x[static_cast<size_t>((t * N + 1) * I + i)]);
          for (int64_t r = 0; r < rows; ++r)
            for (int64_t j = 0; j < H; ++j) {
              h1.push_back(h0[static_cast<size_t>((r * N + 1) * H + j)]);
              if (lstm) c1.push_back(c0[static_cast<size_t>((r * N + 1) * H + j)]);
            }
          Ref w1 = naive_rnn(*m, x1, L, 1, h1, c1);
          nn::RNNState u = m->forward_state(make(x1, {L, I}, dt), make(h1, {rows, H}, dt),
                                            lstm ? make(c1, {rows, H}, dt) : Tensor());
          check_close(u.output, w1.out, tol);
          check_close(u.h_n, w1.hn, tol);
          if (lstm) check_close(u.c_n, w1.cn, tol);
        }
      }
}

TEST_CASE("RNN handles an empty batch and a non-contiguous input", "[rnn][nn]") {
  Generator gen(5);
  nn::GRU m(3, 2, {}, DType::F64, &gen);
  nn::RNNState s = m.forward_state(zeros({4, 0, 3}, DType::F64));
  CHECK(s.output.shape() == Shape{4, 0, 2});
  CHECK(s.h_n.shape() == Shape{1, 0, 2});
  // A (L, N, I) view with permuted strides gives the same result as its contiguous copy.
  std::vector<double> x = reals(3 * 4 * 2, 9);
  Tensor base = make(x, {3, 4, 2}, DType::F64);  // (I, L, N) storage
  Tensor view = permute(base, {1, 2, 0});        // (L, N, I)
  CHECK(values(m.forward_state(view).output) == values(m.forward_state(contiguous(view)).output));
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

TEST_CASE("RNN/LSTM/GRU gradients (input, initial states, every parameter) match finite differences in f64",
          "[rnn][nn][autograd]") {
  if (!ops_differentiable({"matmul", "transpose", "reshape", "split_sections", "squeeze", "stack", "concat", "add",
                           "sub", "mul", "tanh", "sigmoid", "relu"}))
    return;
  const int64_t L = 3, N = 2, I = 3, H = 2;
  for (nn::RNNMode mode : kModes)
    for (int cfg = 0; cfg < 2; ++cfg) {
      nn::RNNOptions o;
      // cfg 0: one layer with batch_first; cfg 1: 2 layers, bidirectional.
      o.batch_first = cfg == 0;
      o.num_layers = cfg == 0 ? 1 : 2;
      o.bidirectional = cfg == 1;
      Generator gen(40 + static_cast<uint64_t>(cfg));
      auto m = make_layer(mode, I, H, o, DType::F64, &gen);
      const bool lstm = mode == nn::RNNMode::kLstm;
      const int64_t rows = m->num_directions() * o.num_layers;
      INFO(mode_name(mode) << " cfg " << cfg);
      // Not registered with TFL_GRAD_CASE: an RNN is a composition, not a differentiable op of its own.
      // The checked function concatenates output, h_n and c_n, so every returned value is covered.
      testing::GradCase c{mode_name(mode), "recurrent layer",
                          [m, lstm, rows, bf = o.batch_first] {
                            std::vector<Tensor> in{testing::random_input(bf ? Shape{N, L, I} : Shape{L, N, I}, 301),
                                                   testing::random_input({rows, N, H}, 302)};
                            in.push_back(lstm ? testing::random_input({rows, N, H}, 303) : Tensor());
                            for (const Tensor& p : m->parameters()) in.push_back(p);
                            return in;
                          },
                          [m, lstm](const std::vector<Tensor>& x) {
                            nn::RNNState s = m->forward_state(x[0], x[1], lstm ? x[2] : Tensor());
                            std::vector<Tensor> parts{ravel(s.output), ravel(s.h_n)};
                            if (lstm) parts.push_back(ravel(s.c_n));
                            return concat(parts, 0);
                          }};
      CHECK(testing::check_gradients(c) == "");
    }
}

TEST_CASE("RNN inter-layer dropout acts in training only, never after the last layer", "[rnn][nn]") {
  const int64_t L = 4, N = 3, I = 3, H = 5;
  for (nn::RNNMode mode : kModes) {
    INFO(mode_name(mode));
    nn::RNNOptions o;
    o.num_layers = 2;
    o.dropout = 0.5;
    Generator gen(21);
    auto m = make_layer(mode, I, H, o, DType::F64, &gen);
    Generator drop(22);
    m->set_generator(&drop);
    std::vector<double> x = reals(L * N * I, 4);
    Tensor xt = make(x, {L, N, I}, DType::F64);
    Ref want = naive_rnn(*m, x, L, N, {}, {});  // no dropout
    m->eval();
    check_close(m->forward_state(xt).output, want.out, 1e-12);
    m->train();
    std::vector<double> a = values(m->forward_state(xt).output), b = values(m->forward_state(xt).output);
    CHECK(a != want.out);
    CHECK(a != b);  // fresh masks each call
    // One layer: nothing to drop between layers, even in training.
    o.num_layers = 1;
    Generator gen1(23);
    auto one = make_layer(mode, I, H, o, DType::F64, &gen1);
    one->train();
    check_close(one->forward_state(xt).output, naive_rnn(*one, x, L, N, {}, {}).out, 1e-12);
  }
}

TEST_CASE("RNN rejects bad hyperparameters and inputs", "[rnn][nn]") {
  nn::RNNOptions o;
  REQUIRE_THROWS_AS(nn::RNN(3, 0), LayerConfigError);
  REQUIRE_THROWS_WITH(nn::LSTM(3, -2), Catch::Contains("[LSTM] hidden_size must be positive, got -2"));
  o.num_layers = 0;
  REQUIRE_THROWS_WITH(nn::GRU(3, 4, o), Catch::Contains("[GRU] num_layers must be positive, got 0"));
  o.num_layers = 1;
  for (double p : {-0.1, 1.0, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    o.dropout = p;
    REQUIRE_THROWS_AS(nn::RNN(3, 4, o), LayerConfigError);
  }
  o.dropout = 0.0;
  REQUIRE_NOTHROW(nn::GRU(3, 4, o));
  REQUIRE_THROWS_AS(nn::RNN(-1, 4), LayerConfigError);
  REQUIRE_THROWS_AS(nn::LSTM(3, 4, {}, DType::I64), DTypeError);

  nn::LSTM m(3, 4);
  REQUIRE_THROWS_WITH(m.forward_state(zeros({2, 5, 4})),
                      Catch::Contains("[LSTM] expects input of shape (seq, batch, 3) or (seq, 3), got 2x5x4"));
  REQUIRE_THROWS_AS(m.forward_state(zeros({1, 2, 5, 3})), ShapeError);
  REQUIRE_THROWS_AS(m.forward_state(zeros({3})), ShapeError);
  REQUIRE_THROWS_WITH(m.forward_state(zeros({0, 2, 3})), Catch::Contains("sequence length >= 1"));
  REQUIRE_THROWS_WITH(m.forward_state(zeros({5, 2, 3}), zeros({1, 3, 4})),
                      Catch::Contains("[LSTM] expects h0 of shape 1x2x4 for input 5x2x3, got 1x3x4"));
  REQUIRE_THROWS_WITH(m.forward_state(zeros({5, 2, 3}), Tensor(), zeros({2, 2, 4})),
                      Catch::Contains("expects c0 of shape 1x2x4"));
  REQUIRE_THROWS_AS(m.forward_state(zeros({5, 3}), zeros({1, 2, 4})), ShapeError);  // unbatched needs (1, 4)
  REQUIRE_THROWS_AS(m.forward_state(zeros({5, 2, 3}, DType::F64)), DTypeError);
  REQUIRE_THROWS_AS(m.forward_state(zeros({5, 2, 3}), zeros({1, 2, 4}, DType::F64)), DTypeError);
  REQUIRE_THROWS_AS(m.forward_state(Tensor()), InvalidArgumentError);
  REQUIRE_THROWS_AS(m.forward({zeros({5, 2, 3}), Tensor(), Tensor(), Tensor()}), InvalidArgumentError);
  nn::RNNOptions bf;
  bf.batch_first = true;
  nn::GRU g(3, 4, bf);
  REQUIRE_THROWS_WITH(g.forward_state(zeros({2, 5, 4})), Catch::Contains("(batch, seq, 3)"));
  REQUIRE_THROWS_WITH(g.forward_state(zeros({2, 5, 3}), Tensor(), zeros({1, 2, 4})),
                      Catch::Contains("[GRU] c0 is for LSTM only"));
  REQUIRE_THROWS_AS(g.forward({zeros({2, 5, 3}), Tensor(), Tensor()}), InvalidArgumentError);
}

TEST_CASE("RNN is a Module: backward reaches every parameter, state_dict round trip, hooks", "[rnn][nn]") {
  nn::RNNOptions o;
  o.num_layers = 2;
  o.bidirectional = true;
  Generator g1(51), g2(52);
  nn::LSTM a(3, 4, o, DType::F32, &g1), b(3, 4, o, DType::F32, &g2);
  Tensor x = make(reals(5 * 2 * 3, 6), {5, 2, 3}, DType::F32);
  CHECK(values(a.forward_state(x).output) != values(b.forward_state(x).output));
  b.load_state_dict(a.state_dict());
  CHECK(values(a.forward_state(x).output) == values(b.forward_state(x).output));
  autograd::backward({sum(a(x))});
  for (const Tensor& p : a.parameters()) CHECK(autograd::grad(p).defined());
  int calls = 0;
  a.register_forward_hook([&](nn::Module&, const std::vector<Tensor>&, const Tensor& out) {
    ++calls;
    CHECK(out.shape() == Shape{5, 2, 8});
    return Tensor();
  });
  a(x);
  CHECK(calls == 1);
  CHECK(a.to_string() == "LSTM(3, 4, num_layers=2, bidirectional=true)");
}
