// The training error classes (issue 9) provoked for real through the C++ binding: each failure throws
// its class (a tfl::Error with the matching code), and the data loader / numerical check mode work.
#include <catch2/catch.hpp>
#include <tenflowers/tenflowers_extra.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {
template <class E, class F>
void throws(F&& f, tfl::Status code, const char* needle) {
  try {
    f();
    FAIL("no exception");
  } catch (const E& e) {
    CHECK(e.code() == code);
    CHECK_THAT(e.what(), Catch::Contains(needle));
  }
}
}  // namespace

TEST_CASE("each new error class is thrown by a real failure", "[cpp_binding][errors]") {
  tfl::Tensor x = tfl::tensor({1, 2}, {2});
  throws<tfl::GradientError>([&] { x.sum().backward(std::nullopt, false, false); }, tfl::Status::ErrGradient,
                             "does not require grad");
  tfl::Tensor e = tfl::Tensor::zeros({0, 3}, tfl::Dtype::F32);
  throws<tfl::TensorOpError>([&] { (void)e.max(); }, tfl::Status::ErrTensorOp, "no identity");
  throws<tfl::LayerConfigError>([] { (void)tfl::nn_linear_create(-1, 2, true, tfl::Dtype::F32); },
                                tfl::Status::ErrLayerConfig, "in_features");
  throws<tfl::LayerConfigError>([] { (void)tfl::nn_multi_head_attention_create(10, 3, true, false, tfl::Dtype::F32); },
                                tfl::Status::ErrLayerConfig, "num_heads");
  tfl::Tensor p = tfl::tensor({1, 2}, {2});
  p.set_requires_grad(true);
  throws<tfl::OptimizerError>([&] { (void)tfl::optim_adam_create({p}, 0.1, 1.0, 0.999, 1e-8, 0, false); },
                              tfl::Status::ErrOptimizer, "beta1");

  // A safetensors file whose header is not JSON: SerializationError; a missing file stays IoError.
  const std::string path = "/tmp/tfl_cpp_binding_error_classes.safetensors";
  {
    std::ofstream f(path, std::ios::binary);
    f.write("\x05\0\0\0\0\0\0\0{oops", 13);
  }
  tfl::Optimizer adam = tfl::optim_adam_create({p}, 0.1, 0.9, 0.999, 1e-8, 0, false);
  throws<tfl::SerializationError>([&] { adam.state_load(path); }, tfl::Status::ErrSerialization, "JSON");
  std::remove(path.c_str());
  throws<tfl::IoError>([&] { adam.state_load(path); }, tfl::Status::ErrIo, path.c_str());

  tfl::Module a = tfl::nn_linear_create(2, 3, false, tfl::Dtype::F32);
  tfl::Tensor w = tfl::Tensor::zeros({4, 2}, tfl::Dtype::F32);
  throws<tfl::CheckpointError>([&] { (void)a.load_state_dict({"weight"}, {w}, true); }, tfl::Status::ErrCheckpoint,
                               "'weight'");

  tfl::Tensor neg = tfl::tensor({-1, 4}, {2});
  tfl::numerical_check_set_enabled(true);
  CHECK(tfl::numerical_check_enabled());
  throws<tfl::NumericalError>([&] { (void)neg.sqrt(); }, tfl::Status::ErrNumerical, "'sqrt'");
  tfl::numerical_check_set_enabled(false);
  CHECK(std::isnan(neg.sqrt().item_at(0)));

  throws<tfl::DataLoadingError>([&] { (void)tfl::Dataloader::create({x, tfl::tensor({1, 2, 3}, {3})}, 2, false, 0, false); },
                                tfl::Status::ErrDataLoading, "first dimension");
}

TEST_CASE("save_npy / load_npy and the Dataloader through the binding", "[cpp_binding][data]") {
  const std::string path = "/tmp/tfl_cpp_binding_error_classes.npy";
  tfl::Tensor x = tfl::tensor({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {5, 2});
  tfl::data_save_npy(path, x);
  tfl::Tensor back = tfl::data_load_npy(path);
  CHECK(tfl::to_vector<float>(back) == tfl::to_vector<float>(x));
  std::remove(path.c_str());

  tfl::Dataloader loader = tfl::Dataloader::create({x}, 2, true, 5, false);
  CHECK(loader.len() == 3);
  CHECK(loader.num_samples() == 5);
  CHECK(loader.num_tensors() == 1);
  std::vector<float> firsts;
  for (std::vector<tfl::Tensor> b = loader.next(); !b.empty(); b = loader.next()) {
    REQUIRE(b.size() == 1);
    for (float v : tfl::to_vector<float>(b[0])) firsts.push_back(v);
  }
  CHECK(firsts.size() == 10);
  float sum = 0;
  for (float v : firsts) sum += v;
  CHECK(sum == 45);
  CHECK(loader.next().empty());
  loader.reset();
  CHECK(loader.next().size() == 1);
  tfl::Dataloader copy = loader;  // retains
  CHECK(copy.len() == 3);
}
