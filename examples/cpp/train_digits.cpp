// The main job: trains an MLP on the 8x8 handwritten digits with tenflowers' autograd, layers, loss and
// optimizer, printing the loss as it goes and the test accuracy at the end, then saves a checkpoint.
//   train_digits [data/digits.csv] [checkpoint.safetensors]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/io/safetensors.h"
#include "core/nn/activation.h"
#include "core/nn/linear.h"
#include "core/nn/loss.h"
#include "core/nn/sequential.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/indexing.h"
#include "core/ops/reduce.h"
#include "core/optim/sgd.h"
#include "core/rng.h"
#include "core/thread_pool.h"
#include "kernels/cpu/blas.h"

namespace {

struct Digits {
  std::vector<float> pixels;  // n x 64, scaled to [0, 1]
  std::vector<int64_t> labels;
  int64_t n = 0;
};

Digits load_digits(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  Digits d;
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string cell;
    std::vector<double> row;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    if (row.size() != 65) throw std::runtime_error("bad row in " + path);
    for (int i = 0; i < 64; ++i) d.pixels.push_back(static_cast<float>(row[static_cast<size_t>(i)] / 16.0));
    d.labels.push_back(static_cast<int64_t>(row[64]));
    ++d.n;
  }
  return d;
}

// Rows `idx` of the data set as (x: k x 64 f32, y: k i64) tensors.
std::pair<tfl::Tensor, tfl::Tensor> batch(const Digits& d, const std::vector<int64_t>& idx, size_t begin, size_t end) {
  std::vector<float> x;
  std::vector<int64_t> y;
  for (size_t i = begin; i < end; ++i) {
    int64_t r = idx[i];
    x.insert(x.end(), d.pixels.begin() + r * 64, d.pixels.begin() + (r + 1) * 64);
    y.push_back(d.labels[static_cast<size_t>(r)]);
  }
  auto k = static_cast<int64_t>(end - begin);
  return {tfl::from_buffer(x.data(), x.size() * sizeof(float), {k, 64}, tfl::DType::F32),
          tfl::from_buffer(y.data(), y.size() * sizeof(int64_t), {k}, tfl::DType::I64)};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tfl;
  const std::string data_path = argc > 1 ? argv[1] : TFL_SOURCE_DIR "/data/digits.csv";
  const std::string ckpt_path = argc > 2 ? argv[2] : "digits_mlp.safetensors";
  Digits data = load_digits(data_path);
  const BlasInfo& blas = blas_info();
  std::printf("tenflowers: %d threads; BLAS %s, core %s%s\n", num_threads(), blas.library.c_str(), blas.core.c_str(),
              blas.core_forced_by_user ? " (OPENBLAS_CORETYPE set by the user)" : "");

  // A fixed 80/20 split: the same shuffle on every run.
  std::vector<int64_t> order(static_cast<size_t>(data.n));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(2026));
  const size_t n_train = static_cast<size_t>(data.n) * 4 / 5;
  std::vector<int64_t> train(order.begin(), order.begin() + static_cast<long>(n_train));
  std::vector<int64_t> test(order.begin() + static_cast<long>(n_train), order.end());
  std::printf("digits: %lld samples, %zu train / %zu test, 64 features, 10 classes\n",
              static_cast<long long>(data.n), train.size(), test.size());

  default_generator().manual_seed(0);
  auto model = std::make_shared<nn::Sequential>();
  model->push_back(std::make_shared<nn::Linear>(64, 128));
  model->push_back(std::make_shared<nn::ReLU>());
  model->push_back(std::make_shared<nn::Linear>(128, 10));
  std::vector<Tensor> params;
  for (auto& [name, p] : model->named_parameters()) params.push_back(p);
  optim::SGDOptions opts;
  opts.lr = 0.02;
  opts.momentum = 0.9;
  optim::SGD sgd(params, opts);

  const size_t batch_size = 32;
  const int epochs = 40;
  auto start = std::chrono::steady_clock::now();
  std::mt19937_64 shuffle_rng(7);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    std::shuffle(train.begin(), train.end(), shuffle_rng);
    double loss_sum = 0;
    int batches = 0;
    for (size_t b = 0; b < train.size(); b += batch_size) {
      auto [x, y] = batch(data, train, b, std::min(train.size(), b + batch_size));
      Tensor loss = nn::cross_entropy((*model)(x), y);
      sgd.zero_grad();
      autograd::backward({loss});
      sgd.step();
      loss_sum += loss.item();
      ++batches;
    }
    if (epoch == 1 || epoch % 10 == 0) std::printf("epoch %2d  train loss %.4f\n", epoch, loss_sum / batches);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  autograd::NoGradGuard no_grad;
  model->eval();
  auto [xt, yt] = batch(data, test, 0, test.size());
  Tensor predicted = argmax((*model)(xt), 1);
  double correct = sum(eq(predicted, yt)).item();
  std::printf("test accuracy %.2f%% (%d/%zu) after %d epochs in %.2f s\n", 100.0 * correct / static_cast<double>(test.size()),
              static_cast<int>(correct), test.size(), epochs, seconds);
  save_safetensors(ckpt_path, model->state_dict());
  std::printf("checkpoint written to %s\n", ckpt_path.c_str());
  return correct / static_cast<double>(test.size()) >= 0.9 ? 0 : 1;
}
