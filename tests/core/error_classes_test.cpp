// Each of the training error classes (issue 9) provoked for real in core: type, code and message.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "core/autograd/engine.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/tape.h"
#include "core/autograd/variable.h"
#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/nn/attention.h"
#include "core/nn/conv.h"
#include "core/nn/dropout.h"
#include "core/nn/embedding.h"
#include "core/nn/linear.h"
#include "core/nn/mamba.h"
#include "core/nn/norm.h"
#include "core/nn/pool.h"
#include "core/nn/sequential.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/indexing.h"
#include "core/ops/reduce.h"
#include "core/optim/adam.h"
#include "core/optim/clip.h"
#include "core/optim/rmsprop.h"
#include "core/optim/scheduler.h"
#include "core/optim/sgd.h"

using namespace tfl;
namespace ag = tfl::autograd;
using Catch::Contains;

namespace {
Tensor leaf(std::vector<double> v, Shape shape) {
  Tensor t = from_buffer(v.data(), v.size() * sizeof(double), shape, DType::F64);
  ag::set_requires_grad(t, true);
  return t;
}

// The code an exception carries, checked alongside its C++ type.
template <class F>
ErrorCode code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return static_cast<ErrorCode>(0);
}

std::string temp_path(const char* name) { return std::string("/tmp/tfl_error_classes_") + name; }

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A safetensors file: 8-byte little-endian header length, the header, the data.
std::string safetensors_bytes(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}
}  // namespace

// ---- GradientError ----------------------------------------------------------------------------------

TEST_CASE("GradientError: backward on a tensor without grad_fn", "[errors][autograd]") {
  Tensor x = ones({2}, DType::F64);
  REQUIRE_THROWS_AS(ag::backward({sum(x)}), GradientError);
  REQUIRE_THROWS_WITH(ag::backward({sum(x)}), Contains("does not require grad"));
  CHECK(code_of([&] { ag::backward({sum(x)}); }) == ErrorCode::kGradient);
  REQUIRE_THROWS_AS(ag::grad({sum(x)}, {x}), GradientError);
}

TEST_CASE("GradientError: backward through a freed graph", "[errors][autograd]") {
  Tensor x = leaf({0.5}, {});
  Tensor y = exp(x);
  ag::backward({y});
  REQUIRE_THROWS_AS(ag::backward({y}), GradientError);
  REQUIRE_THROWS_WITH(ag::backward({y}), Contains("already freed") && Contains("retain_graph"));
}

TEST_CASE("GradientError: a saved tensor modified in place", "[errors][autograd]") {
  Tensor x = leaf({1, 2}, {2});
  Tensor a = from_buffer(std::vector<double>{3, 4}.data(), 16, {2}, DType::F64);
  Tensor y = sum(mul(x, a));
  fill_(a, 7.0);
  REQUIRE_THROWS_AS(ag::backward({y}), GradientError);
  REQUIRE_THROWS_WITH(ag::backward({y}), Contains("modified in place"));
}

TEST_CASE("GradientError: implicit gradient of a non-scalar", "[errors][autograd]") {
  Tensor x = leaf({1, 2, 3}, {3});
  Tensor y = mul(x, x);
  REQUIRE_THROWS_AS(ag::backward({y}), GradientError);
  REQUIRE_THROWS_WITH(ag::backward({y}), Contains("one-element output") && Contains("shape 3"));
  // An explicit output gradient of the wrong shape stays a ShapeError.
  REQUIRE_THROWS_AS(ag::backward({y}, {ones({2}, DType::F64)}), ShapeError);
}

TEST_CASE("GradientError: requires_grad on a non-leaf, retain_grad and hooks without grad", "[errors][autograd]") {
  Tensor x = leaf({1, 2}, {2});
  Tensor y = mul(x, x);
  REQUIRE_THROWS_AS(ag::set_requires_grad(y, false), GradientError);
  REQUIRE_THROWS_WITH(ag::set_requires_grad(y, false), Contains("leaf"));
  Tensor plain = ones({2}, DType::F64);
  REQUIRE_THROWS_AS(ag::retain_grad(plain), GradientError);
  REQUIRE_THROWS_AS(ag::register_hook(plain, [](const Tensor& g) { return g; }), GradientError);
}

TEST_CASE("GradientError: tape misuse", "[errors][autograd]") {
  Tensor x = ones({}, DType::F64);
  ag::GradientTape tape;
  tape.watch(x);
  Tensor y = mul(x, x);
  tape.stop();
  REQUIRE_THROWS_AS(tape.watch(x), GradientError);
  tape.gradient(y, {x});
  REQUIRE_THROWS_AS(tape.gradient(y, {x}), GradientError);
  REQUIRE_THROWS_WITH(tape.gradient(y, {x}), Contains("persistent"));
  ag::GradientTape outer, inner;
  REQUIRE_THROWS_AS(outer.stop(), GradientError);
  inner.stop();
  outer.stop();
}

TEST_CASE("GradientError: in-place scatter on a tensor that takes part in autograd", "[errors][autograd]") {
  Tensor t = leaf({0, 0, 0}, {3});
  Tensor idx = from_buffer(std::vector<int64_t>{0}.data(), 8, {1}, DType::I64);
  REQUIRE_THROWS_AS(scatter_add_(t, 0, idx, ones({1}, DType::F64)), GradientError);
  REQUIRE_THROWS_WITH(scatter_add_(t, 0, idx, ones({1}, DType::F64)), Contains("[scatter_add_]"));
}

// ---- TensorOpError ----------------------------------------------------------------------------------

TEST_CASE("TensorOpError: reductions without identity over an empty extent", "[errors][ops]") {
  Tensor e = zeros({0, 3}, DType::F32);
  REQUIRE_THROWS_AS(max(e), TensorOpError);
  REQUIRE_THROWS_WITH(max(e), Contains("[max]") && Contains("0x3") && Contains("no identity"));
  REQUIRE_THROWS_AS(argmax(e, 0), TensorOpError);
  CHECK(code_of([&] { min(e, {0}); }) == ErrorCode::kTensorOp);
  CHECK(max(e, {1}).shape() == Shape{0});  // a non-empty extent over zero rows is fine
}

// ---- LayerConfigError -------------------------------------------------------------------------------

TEST_CASE("LayerConfigError: impossible layer hyperparameters", "[errors][nn]") {
  REQUIRE_THROWS_AS(nn::Linear(-1, 3), LayerConfigError);
  REQUIRE_THROWS_WITH(nn::Linear(-1, 3), Contains("[Linear]") && Contains("in_features"));
  REQUIRE_THROWS_AS(nn::Conv1d(0, 4, 3), LayerConfigError);
  REQUIRE_THROWS_AS(nn::Conv1d(2, 4, 0), LayerConfigError);
  REQUIRE_THROWS_WITH(nn::Conv1d(2, 4, 0), Contains("kernel_size"));
  REQUIRE_THROWS_AS(nn::Conv2d(3, 4, {3, 3}, {1, 1}, {0, 0}, {1, 1}, 2), LayerConfigError);
  REQUIRE_THROWS_AS(nn::MultiHeadAttention(10, 3), LayerConfigError);
  REQUIRE_THROWS_WITH(nn::MultiHeadAttention(10, 3), Contains("num_heads"));
  REQUIRE_THROWS_AS(nn::Dropout(1.5), LayerConfigError);
  REQUIRE_THROWS_AS(nn::Dropout(-0.1), LayerConfigError);
  REQUIRE_THROWS_AS(nn::Embedding(-2, 4), LayerConfigError);
  REQUIRE_THROWS_AS(nn::Embedding(5, 4, 9), LayerConfigError);
  REQUIRE_THROWS_AS(nn::BatchNorm1d(0), LayerConfigError);
  REQUIRE_THROWS_AS(nn::BatchNorm2d(4, -1.0), LayerConfigError);
  REQUIRE_THROWS_AS(nn::LayerNorm(Shape{}), LayerConfigError);
  REQUIRE_THROWS_AS(nn::GroupNorm(3, 4), LayerConfigError);
  REQUIRE_THROWS_AS(nn::MaxPool2d({0, 2}), LayerConfigError);
  REQUIRE_THROWS_AS(nn::AvgPool2d({2, 2}, {-1, 1}), LayerConfigError);
  REQUIRE_THROWS_AS(nn::AdaptiveAvgPool2d({0, 1}), LayerConfigError);
  REQUIRE_THROWS_AS(nn::Mamba(0), LayerConfigError);
  CHECK(code_of([] { nn::Linear(2, -3); }) == ErrorCode::kLayerConfig);
  // A wrong dtype stays a DTypeError; LayerConfigError is for the hyperparameters.
  REQUIRE_THROWS_AS(nn::Linear(2, 3, true, DType::I32), DTypeError);
}

// ---- OptimizerError ---------------------------------------------------------------------------------

TEST_CASE("OptimizerError: bad optimizer and scheduler hyperparameters", "[errors][optim]") {
  Tensor p = leaf({1, 2}, {2});
  optim::SGDOptions sgd;
  sgd.lr = -0.1;
  REQUIRE_THROWS_AS(optim::SGD({p}, sgd), OptimizerError);
  REQUIRE_THROWS_WITH(optim::SGD({p}, sgd), Contains("lr must be >= 0"));
  sgd = {};
  sgd.nesterov = true;
  REQUIRE_THROWS_AS(optim::SGD({p}, sgd), OptimizerError);
  sgd = {};
  sgd.momentum = -1;
  REQUIRE_THROWS_AS(optim::SGD({p}, sgd), OptimizerError);
  optim::AdamOptions adam;
  adam.beta1 = 1.0;
  REQUIRE_THROWS_AS(optim::Adam({p}, adam), OptimizerError);
  REQUIRE_THROWS_WITH(optim::Adam({p}, adam), Contains("beta1") && Contains("[0, 1)"));
  adam = {};
  adam.eps = -1e-8;
  REQUIRE_THROWS_AS(optim::Adam({p}, adam), OptimizerError);
  adam = {};
  adam.weight_decay = -0.5;
  REQUIRE_THROWS_AS(optim::Adam({p}, adam), OptimizerError);
  optim::SGD ok({p});
  REQUIRE_THROWS_AS(ok.set_lr(-1.0), OptimizerError);
  REQUIRE_THROWS_AS(optim::StepLR(ok, 0), OptimizerError);
  REQUIRE_THROWS_AS(optim::CosineAnnealingLR(ok, -5), OptimizerError);
  REQUIRE_THROWS_AS(optim::clip_grad_norm_({p}, -1.0), OptimizerError);
  CHECK(code_of([&] { optim::StepLR(ok, 0); }) == ErrorCode::kOptimizer);
}

TEST_CASE("OptimizerError: the state of another optimizer or parameter set", "[errors][optim]") {
  Tensor p = leaf({1, 2}, {2});
  Tensor q = leaf({1, 2, 3}, {3});
  optim::AdamOptions ao;
  optim::Adam adam({p}, ao);
  ag::set_grad(p, ones({2}, DType::F64));
  adam.step();
  optim::SGDOptions so;
  so.momentum = 0.9;
  optim::SGD sgd({p}, so);
  REQUIRE_THROWS_AS(sgd.load_state_dict(adam.state_dict()), OptimizerError);
  optim::Adam two({p, q}, ao);
  REQUIRE_THROWS_AS(two.load_state_dict(adam.state_dict()), OptimizerError);
  REQUIRE_THROWS_WITH(two.load_state_dict(adam.state_dict()), Contains("parameters"));
  optim::Adam other_shape({q}, ao);
  REQUIRE_THROWS_AS(other_shape.load_state_dict(adam.state_dict()), OptimizerError);
  REQUIRE_THROWS_WITH(other_shape.load_state_dict(adam.state_dict()), Contains("float64 2") && Contains("float64 3"));
}

// ---- SerializationError -----------------------------------------------------------------------------

TEST_CASE("SerializationError: malformed safetensors headers; IoError for unreadable files", "[errors][io]") {
  const std::string path = temp_path("bad.safetensors");
  write_bytes(path, safetensors_bytes("{not json", ""));
  REQUIRE_THROWS_AS(load_safetensors(path), SerializationError);
  REQUIRE_THROWS_WITH(load_safetensors(path), Contains("not valid JSON"));
  write_bytes(path, safetensors_bytes(R"({"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}})", "abcd"));
  REQUIRE_THROWS_AS(load_safetensors(path), SerializationError);
  REQUIRE_THROWS_WITH(load_safetensors(path), Contains("unsupported dtype 'Q7'"));
  write_bytes(path, safetensors_bytes(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", "abcd"));
  REQUIRE_THROWS_AS(load_safetensors(path), SerializationError);
  REQUIRE_THROWS_WITH(load_safetensors(path), Contains("beyond"));
  write_bytes(path, "\x10\0\0");
  REQUIRE_THROWS_AS(load_safetensors(path), SerializationError);
  CHECK(code_of([&] { load_safetensors(path); }) == ErrorCode::kSerialization);
  std::remove(path.c_str());
  REQUIRE_THROWS_AS(load_safetensors(temp_path("missing.safetensors")), IoError);
}

TEST_CASE("SerializationError: malformed optimizer and scheduler state dicts", "[errors][optim]") {
  Tensor p = leaf({1, 2}, {2});
  optim::SGD sgd({p});
  StateDict sd = sgd.state_dict();
  sd.push_back(sd.front());  // the same key twice
  REQUIRE_THROWS_AS(sgd.load_state_dict(sd), SerializationError);
  sd = sgd.state_dict();
  sd.front().second = zeros({2}, DType::F64);  // a scalar entry holding two values
  REQUIRE_THROWS_AS(sgd.load_state_dict(sd), SerializationError);
  optim::StepLR sched(sgd, 2);
  REQUIRE_THROWS_AS(sched.load_state_dict({{"last_epoch", zeros({}, DType::I64)}}), SerializationError);
  REQUIRE_THROWS_AS(sched.load_state_dict({{"bogus", zeros({}, DType::I64)}}), SerializationError);
  // Well-formed but from an optimizer with two groups: a mismatch, not a decoding problem.
  REQUIRE_THROWS_AS(
      sched.load_state_dict({{"last_epoch", zeros({}, DType::I64)}, {"base_lrs", zeros({2}, DType::F64)}}),
      OptimizerError);
}

// ---- CheckpointError --------------------------------------------------------------------------------

TEST_CASE("CheckpointError: module state dicts that do not match", "[errors][nn]") {
  nn::Linear a(2, 3);
  nn::Linear b(2, 4);
  REQUIRE_THROWS_AS(b.load_state_dict(a.state_dict()), CheckpointError);
  REQUIRE_THROWS_WITH(b.load_state_dict(a.state_dict()), Contains("'weight'") && Contains("4x2"));
  nn::Linear no_bias(2, 3, false);
  REQUIRE_THROWS_AS(no_bias.load_state_dict(a.state_dict()), CheckpointError);
  REQUIRE_THROWS_WITH(no_bias.load_state_dict(a.state_dict()), Contains("unexpected keys: 'bias'"));
  REQUIRE_THROWS_AS(a.load_state_dict(no_bias.state_dict()), CheckpointError);
  REQUIRE_THROWS_WITH(a.load_state_dict(no_bias.state_dict()), Contains("missing keys: 'bias'"));
  CHECK(a.load_state_dict(no_bias.state_dict(), false).missing_keys == std::vector<std::string>{"bias"});
  nn::Linear f64(2, 3, true, DType::F64);
  REQUIRE_THROWS_AS(f64.load_state_dict(a.state_dict()), CheckpointError);
  REQUIRE_THROWS_WITH(f64.load_state_dict(a.state_dict()), Contains("float64") && Contains("float32"));
  CHECK(code_of([&] { f64.load_state_dict(a.state_dict()); }) == ErrorCode::kCheckpoint);
}
