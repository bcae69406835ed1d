// Training end to end on a real small data set (the 8x8 handwritten digits, data/digits.csv): an MLP
// and a small CNN, trained with autograd, cross-entropy and SGD with momentum, must reach a stated
// accuracy on a held-out 20 % split.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/nn/activation.h"
#include "core/nn/conv.h"
#include "core/nn/flatten.h"
#include "core/nn/linear.h"
#include "core/nn/loss.h"
#include "core/nn/pool.h"
#include "core/nn/sequential.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/optim/sgd.h"
#include "core/rng.h"

using namespace tfl;

namespace {

struct Digits {
  std::vector<float> pixels;  // n x 64 in [0, 1]
  std::vector<int64_t> labels;
  std::vector<size_t> train, test;  // a fixed 80/20 split
};

const Digits& digits() {
  static const Digits d = [] {
    Digits r;
    std::ifstream in(TFL_SOURCE_DIR "/data/digits.csv");
    REQUIRE(in.good());
    std::string line;
    while (std::getline(in, line)) {
      std::stringstream ss(line);
      std::string cell;
      std::vector<float> row;
      while (std::getline(ss, cell, ',')) row.push_back(std::stof(cell));
      if (row.size() != 65) throw std::runtime_error("digits.csv: a row without 64 pixels and a label");
      for (int i = 0; i < 64; ++i) r.pixels.push_back(row[static_cast<size_t>(i)] / 16.0f);
      r.labels.push_back(static_cast<int64_t>(row[64]));
    }
    std::vector<size_t> order(r.labels.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::shuffle(order.begin(), order.end(), std::mt19937_64(2026));
    const size_t n_train = order.size() * 4 / 5;
    r.train.assign(order.begin(), order.begin() + static_cast<long>(n_train));
    r.test.assign(order.begin() + static_cast<long>(n_train), order.end());
    return r;
  }();
  return d;
}

// Rows idx[begin, end) as x (k x 64, or k x 1 x 8 x 8 for images) and y (k, i64).
std::pair<Tensor, Tensor> batch(const std::vector<size_t>& idx, size_t begin, size_t end, bool images) {
  const Digits& d = digits();
  std::vector<float> x;
  std::vector<int64_t> y;
  for (size_t i = begin; i < end; ++i) {
    x.insert(x.end(), d.pixels.begin() + static_cast<long>(idx[i] * 64), d.pixels.begin() + static_cast<long>(idx[i] * 64 + 64));
    y.push_back(d.labels[idx[i]]);
  }
  const auto k = static_cast<int64_t>(end - begin);
  Shape xs = images ? Shape{k, 1, 8, 8} : Shape{k, 64};
  return {from_buffer(x.data(), x.size() * sizeof(float), xs, DType::F32),
          from_buffer(y.data(), y.size() * sizeof(int64_t), {k}, DType::I64)};
}

// Trains with mini-batches of 32 (a fixed shuffle per epoch), then returns the test accuracy.
double train_and_test(nn::Module& model, double lr, int epochs, bool images) {
  optim::SGDOptions o;
  o.lr = lr;
  o.momentum = 0.9;
  optim::SGD sgd(model.parameters(), o);
  std::vector<size_t> train = digits().train;
  std::mt19937_64 rng(7);
  double first_loss = 0, last_loss = 0;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    std::shuffle(train.begin(), train.end(), rng);
    double loss_sum = 0;
    int batches = 0;
    for (size_t b = 0; b < train.size(); b += 32) {
      auto [x, y] = batch(train, b, std::min(train.size(), b + 32), images);
      Tensor loss = nn::cross_entropy(model(x), y);
      sgd.zero_grad();
      autograd::backward({loss});
      sgd.step();
      loss_sum += loss.item();
      ++batches;
    }
    (epoch == 0 ? first_loss : last_loss) = loss_sum / batches;
  }
  CHECK(last_loss < 0.25 * first_loss);  // the loss went down, not just the accuracy up by chance
  autograd::NoGradGuard no_grad;
  model.eval();
  const std::vector<size_t>& test = digits().test;
  auto [xt, yt] = batch(test, 0, test.size(), images);
  const double correct = sum(eq(argmax(model(xt), 1), yt)).item();
  return correct / static_cast<double>(test.size());
}

}  // namespace

TEST_CASE("An MLP trained on the 8x8 digits reaches >= 95% test accuracy", "[train][digits]") {
  Generator gen(0);
  nn::Sequential model;
  model.push_back(std::make_shared<nn::Linear>(64, 128, true, DType::F32, &gen));
  model.push_back(std::make_shared<nn::ReLU>());
  model.push_back(std::make_shared<nn::Linear>(128, 10, true, DType::F32, &gen));
  const double acc = train_and_test(model, 0.02, 30, false);
  INFO("MLP test accuracy " << acc);
  REQUIRE(acc >= 0.95);
}

TEST_CASE("A small CNN trained on the 8x8 digits reaches >= 96% test accuracy", "[train][digits]") {
  // conv 1->16 3x3, relu, pool 2 (4x4), conv 16->32 3x3, relu, pool 2 (2x2), linear 128 -> 10: the
  // model of bench's cnn_step.
  Generator gen(1);
  nn::Sequential model;
  model.push_back(std::make_shared<nn::Conv2d>(1, 16, Size2{3, 3}, Size2{1, 1}, Size2{1, 1}, Size2{1, 1}, 1, true,
                                               DType::F32, &gen));
  model.push_back(std::make_shared<nn::ReLU>());
  model.push_back(std::make_shared<nn::MaxPool2d>(Size2{2, 2}));
  model.push_back(std::make_shared<nn::Conv2d>(16, 32, Size2{3, 3}, Size2{1, 1}, Size2{1, 1}, Size2{1, 1}, 1, true,
                                               DType::F32, &gen));
  model.push_back(std::make_shared<nn::ReLU>());
  model.push_back(std::make_shared<nn::MaxPool2d>(Size2{2, 2}));
  model.push_back(std::make_shared<nn::Flatten>());
  model.push_back(std::make_shared<nn::Linear>(128, 10, true, DType::F32, &gen));
  const double acc = train_and_test(model, 0.05, 12, true);
  INFO("CNN test accuracy " << acc);
  REQUIRE(acc >= 0.96);
}
