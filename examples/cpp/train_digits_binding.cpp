// The C++ binding example: the digits MLP of examples/c/train_digits.c, written only against the C++
// binding (<tenflowers/tenflowers_extra.hpp> over the generated tenflowers.hpp over the C ABI) and linked
// only against libtenflowers.so. Same data, split, model, optimizer and schedule as the C example; errors
// are tfl::Error exceptions (what() = the library's message) instead of status checks.
//   train_digits_binding [data/digits.csv] [checkpoint.safetensors]
#include <tenflowers/tenflowers_extra.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr int64_t kFeatures = 64, kClasses = 10, kHidden = 128, kBatch = 32;
constexpr int kEpochs = 40;

struct Digits {
  std::vector<float> pixels;  // n x 64, scaled to [0, 1]
  std::vector<int64_t> labels;
  size_t size() const { return labels.size(); }
};

Digits load_digits(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  Digits d;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string cell;
    std::vector<int> v;
    while (std::getline(row, cell, ',')) v.push_back(std::stoi(cell));
    if (v.size() != 65) continue;
    for (int i = 0; i < kFeatures; ++i) d.pixels.push_back(static_cast<float>(v[i]) / 16.0f);
    d.labels.push_back(v[64]);
  }
  if (d.size() == 0) throw std::runtime_error("no rows in " + path);
  return d;
}

// The C example's xorshift permutation, so both examples split and shuffle identically.
uint64_t rng_state = 2026;
uint64_t next_random() {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}
void shuffle(int64_t* v, size_t n) {
  for (size_t i = n; i > 1; --i) std::swap(v[i - 1], v[next_random() % i]);
}

// Rows idx[begin, end) as x (k x 64 f32) and y (k i64).
std::pair<tfl::Tensor, tfl::Tensor> make_batch(const Digits& d, const std::vector<int64_t>& idx, size_t begin,
                                               size_t end) {
  std::vector<float> xs;
  std::vector<int64_t> ys;
  for (size_t i = begin; i < end; ++i) {
    const float* row = &d.pixels[static_cast<size_t>(idx[i]) * kFeatures];
    xs.insert(xs.end(), row, row + kFeatures);
    ys.push_back(d.labels[static_cast<size_t>(idx[i])]);
  }
  const int64_t k = static_cast<int64_t>(end - begin);
  return {tfl::tensor<float>(xs, {k, kFeatures}), tfl::tensor<int64_t>(ys, {k})};
}

tfl::Module make_model() {
  return tfl::sequential({tfl::nn_linear_create(kFeatures, kHidden, true, tfl::Dtype::F32), tfl::nn_relu_create(),
                          tfl::nn_linear_create(kHidden, kClasses, true, tfl::Dtype::F32)});
}

// Fraction of rows idx[begin, end) classified correctly (eval mode, no graph recorded).
double accuracy(tfl::Module& model, const Digits& d, const std::vector<int64_t>& idx, size_t begin, size_t end) {
  model.eval();
  double correct;
  {
    tfl::NoGrad no_grad;
    auto [x, y] = make_batch(d, idx, begin, end);
    tfl::Tensor pred = tfl::forward(model, x).argmax_axis(1, false);
    correct = tfl::item(pred.eq(y).sum());
  }
  model.train(true);
  return correct / static_cast<double>(end - begin);
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string data_path = argc > 1 ? argv[1] : "data/digits.csv";
  const std::string ckpt_path = argc > 2 ? argv[2] : "digits_mlp_cpp.safetensors";
  std::printf("tenflowers %s (C++ binding)\n%s\n", tfl::version().c_str(), tfl::library_build_info().c_str());

  const Digits data = load_digits(data_path);
  std::vector<int64_t> order(data.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  shuffle(order.data(), order.size());
  const size_t n_train = data.size() * 4 / 5, n_test = data.size() - n_train;
  std::printf("digits: %zu samples, %zu train / %zu test, 64 features, 10 classes\n", data.size(), n_train, n_test);

  tfl::random_seed(0);
  tfl::Module model = make_model();
  tfl::Optimizer sgd = tfl::optim_sgd_create(tfl::parameters(model), 0.05, 0.9, 0.0, 0.0, false);
  tfl::Scheduler cosine = tfl::sched_cosine_create(sgd, kEpochs, 0.001);
  tfl::memory_profiler_start();

  const auto t0 = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= kEpochs; ++epoch) {
    double loss_sum = 0;
    int batches = 0;
    shuffle(order.data(), n_train);
    for (size_t b = 0; b < n_train; b += kBatch) {
      auto [x, y] = make_batch(data, order, b, std::min(b + kBatch, n_train));
      tfl::Tensor loss =
          tfl::loss_cross_entropy(tfl::forward(model, x), y, tfl::Reduction::Mean, -100, 0.0, std::nullopt);
      sgd.zero_grad(true);
      loss.backward(std::nullopt, false, false);
      sgd.step();
      loss_sum += tfl::item(loss);
      ++batches;
    }
    const double lr = sgd.lr();
    cosine.step();
    if (epoch == 1 || epoch % 10 == 0)
      std::printf("epoch %2d  lr %.4f  train loss %.4f\n", epoch, lr, loss_sum / batches);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  tfl::memory_profiler_stop();

  const double acc = accuracy(model, data, order, n_train, data.size());
  std::printf("test accuracy %.2f%% after %d epochs in %.2f s\n", 100.0 * acc, kEpochs, seconds);

  model.state_dict_save(ckpt_path);
  tfl::Module reloaded = make_model();
  (void)reloaded.state_dict_load(ckpt_path, true);
  const double acc_reloaded = accuracy(reloaded, data, order, n_train, data.size());
  std::printf("checkpoint written to %s; reloaded model: test accuracy %.2f%%\n", ckpt_path.c_str(),
              100.0 * acc_reloaded);

  std::printf("memory profiler findings:\n%s\n", tfl::memory_profiler_findings().c_str());
  return acc >= 0.95 && acc_reloaded == acc ? 0 : 1;
} catch (const tfl::Error& e) {
  std::fprintf(stderr, "tenflowers error (status %d): %s\n", static_cast<int>(e.code()), e.what());
  return 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 1;
}
