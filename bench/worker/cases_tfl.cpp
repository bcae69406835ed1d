// The tenflowers side of every benchmark case, through the C++ core. Shapes, models and optimizers
// mirror bench/ref_worker.py exactly; the case list with descriptions is bench/cases.py.
#include <memory>
#include <string>
#include <vector>

#include "bench/worker/registry.h"
#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/nn/activation.h"
#include "core/nn/conv.h"
#include "core/nn/flatten.h"
#include "core/nn/linear.h"
#include "core/nn/loss.h"
#include "core/nn/mamba.h"
#include "core/nn/pool.h"
#include "core/nn/sequential.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"
#include "core/ops/nn.h"
#include "core/ops/random.h"
#include "core/ops/reduce.h"
#include "core/optim/sgd.h"
#include "core/rng.h"

namespace tfl::bench {
namespace {

constexpr int64_t k16M = int64_t{1} << 24;

Tensor leaf(Tensor t) {
  autograd::set_requires_grad(t, true);
  return t;
}

// A training step: zero_grad, forward, loss, backward, optimizer step.
struct Trainer : Prepared {
  std::shared_ptr<nn::Module> model;
  std::unique_ptr<optim::SGD> sgd;
  Tensor x, y;
  bool classify = true;  // cross-entropy on labels y, else mean(out^2)
  void run() override {
    sgd->zero_grad();
    Tensor out = (*model)(x);
    Tensor loss = classify ? nn::cross_entropy(out, y) : mean(mul(out, out));
    autograd::backward({loss});
    sgd->step();
  }
};

std::unique_ptr<Prepared> make_trainer(std::shared_ptr<nn::Module> model, Tensor x, Tensor y, bool classify) {
  auto t = std::make_unique<Trainer>();
  t->model = std::move(model);
  optim::SGDOptions o;
  o.lr = 0.01;
  o.momentum = 0.9;
  t->sgd = std::make_unique<optim::SGD>(t->model->parameters(), o);
  t->x = std::move(x);
  t->y = std::move(y);
  t->classify = classify;
  return t;
}

// MLP 784-512-512-10, ReLU, batch 128 (issue 3's benchmark).
std::unique_ptr<Prepared> mlp_step() {
  Generator gen(1);
  auto m = std::make_shared<nn::Sequential>();
  m->push_back(std::make_shared<nn::Linear>(784, 512, true, DType::F32, &gen));
  m->push_back(std::make_shared<nn::ReLU>());
  m->push_back(std::make_shared<nn::Linear>(512, 512, true, DType::F32, &gen));
  m->push_back(std::make_shared<nn::ReLU>());
  m->push_back(std::make_shared<nn::Linear>(512, 10, true, DType::F32, &gen));
  return make_trainer(m, randn({128, 784}, DType::F32, &gen), randint(0, 10, {128}, DType::I64, &gen), true);
}

// The digits CNN of the training test: conv 1->16, pool, conv 16->32, pool, linear 128->10; batch 64 of 1x8x8.
std::unique_ptr<Prepared> cnn_step() {
  Generator gen(2);
  auto m = std::make_shared<nn::Sequential>();
  m->push_back(std::make_shared<nn::Conv2d>(1, 16, Size2{3, 3}, Size2{1, 1}, Size2{1, 1}, Size2{1, 1}, 1, true,
                                            DType::F32, &gen));
  m->push_back(std::make_shared<nn::ReLU>());
  m->push_back(std::make_shared<nn::MaxPool2d>(Size2{2, 2}));
  m->push_back(std::make_shared<nn::Conv2d>(16, 32, Size2{3, 3}, Size2{1, 1}, Size2{1, 1}, Size2{1, 1}, 1, true,
                                            DType::F32, &gen));
  m->push_back(std::make_shared<nn::ReLU>());
  m->push_back(std::make_shared<nn::MaxPool2d>(Size2{2, 2}));
  m->push_back(std::make_shared<nn::Flatten>());
  m->push_back(std::make_shared<nn::Linear>(128, 10, true, DType::F32, &gen));
  return make_trainer(m, randn({64, 1, 8, 8}, DType::F32, &gen), randint(0, 10, {64}, DType::I64, &gen), true);
}

// Mamba block d_model 64 (d_state 16, d_conv 4, expand 2) on (8, 64, 64), loss mean(out^2).
std::unique_ptr<Prepared> mamba_step() {
  Generator gen(3);
  auto m = std::make_shared<nn::Mamba>(64, 16, 4, 2, 0, DType::F32, &gen);
  return make_trainer(m, randn({8, 64, 64}, DType::F32, &gen), Tensor(), false);
}

// conv2d forward + backward (input, weight, bias gradients of sum(y)), padding 1.
std::unique_ptr<Prepared> conv_case(Shape xs, Shape ws) {
  Generator gen(4);
  Tensor x = leaf(randn(xs, DType::F32, &gen)), w = leaf(randn(ws, DType::F32, &gen)),
         b = leaf(randn({ws[0]}, DType::F32, &gen));
  return prepared([x, w, b] {
    Tensor y = conv2d(x, w, b, {1, 1}, {1, 1});
    auto g = autograd::grad({sum(y)}, {x, w, b});
    sink(static_cast<float>(g.size()));
  });
}

std::unique_ptr<Prepared> sgemm(int64_t n) {
  Generator gen(5);
  Tensor a = randn({n, n}, DType::F32, &gen), b = randn({n, n}, DType::F32, &gen);
  return prepared([a, b] { Tensor c = matmul(a, b); });
}

// Per-op overhead: a tiny op through the whole op path, result allocated and freed; with autograd the
// inputs require grad, so the op also records its backward node.
template <class Op>
std::unique_ptr<Prepared> tiny_op(Shape s, bool with_grad, Op op) {
  Tensor a = full(s, 1.5), b = full(s, 0.5);
  if (with_grad) {
    autograd::set_requires_grad(a, true);
    autograd::set_requires_grad(b, true);
  }
  return prepared([a, b, op] { Tensor r = op(a, b); });
}

}  // namespace

std::vector<Case> tfl_cases() {
  std::vector<Case> cs;
  for (int64_t n : {128, 256, 512, 1024, 2048})
    cs.push_back({"sgemm_" + std::to_string(n), [n] { return sgemm(n); }});
  cs.push_back({"add_16m", [] {
                  Tensor a = full({k16M}, 1.5), b = full({k16M}, 2.25);
                  return prepared([a, b] { Tensor c = add(a, b); });
                }});
  cs.push_back({"chain_16m", [] {
                  Tensor a = full({k16M}, 1.5), b = full({k16M}, -0.25), c = full({k16M}, 0.5);
                  return prepared([a, b, c] { Tensor r = relu(add(mul(a, b), c)); });
                }});
  cs.push_back({"sum_16m", [] {
                  Tensor a = uniform({k16M}, -1.0, 1.0);
                  return prepared([a] { sink(static_cast<float>(sum(a).item())); });
                }});
  cs.push_back({"softmax_16m", [] {
                  Tensor a = uniform({k16M}, -1.0, 1.0);
                  return prepared([a] { Tensor r = softmax(a, -1); });
                }});
  cs.push_back({"logsumexp_16m", [] {
                  Tensor a = uniform({k16M}, -1.0, 1.0);
                  return prepared([a] { sink(static_cast<float>(logsumexp(a).item())); });
                }});
  cs.push_back({"conv_digits", [] { return conv_case({128, 1, 8, 8}, {16, 1, 3, 3}); }});
  cs.push_back({"conv_cifar", [] { return conv_case({32, 3, 32, 32}, {16, 3, 3, 3}); }});
  cs.push_back({"mlp_step", mlp_step});
  cs.push_back({"cnn_step", cnn_step});
  cs.push_back({"mamba_step", mamba_step});
  for (bool g : {false, true}) {
    const std::string suf = g ? "_ag" : "";
    cs.push_back({"op_add1" + suf, [g] { return tiny_op({1}, g, [](const Tensor& a, const Tensor& b) { return add(a, b); }); }});
    cs.push_back({"op_relu100" + suf, [g] { return tiny_op({100}, g, [](const Tensor& a, const Tensor&) { return relu(a); }); }});
    cs.push_back({"op_matmul4" + suf,
                  [g] { return tiny_op({4, 4}, g, [](const Tensor& a, const Tensor& b) { return matmul(a, b); }); }});
  }
  cs.push_back({"tiny_graph", [] {
                  Generator gen(6);
                  Tensor a = leaf(randn({100}, DType::F32, &gen)), b = leaf(randn({100}, DType::F32, &gen));
                  return prepared([a, b] {
                    Tensor s = sum(relu(add(mul(a, b), a)));
                    auto g = autograd::grad({s}, {a, b});
                    sink(static_cast<float>(g.size()));
                  });
                }});
  return cs;
}

void tfl_mlp_loop(int steps) {
  auto step = mlp_step();
  for (int i = 0; i < steps; ++i) step->run();
}

}  // namespace tfl::bench
