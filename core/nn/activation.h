// Activation modules: ReLU, LeakyReLU, GELU, SiLU, Tanh, Sigmoid, Softmax (no parameters).
#pragma once

#include "core/nn/module.h"

namespace tfl::nn {

class ReLU : public UnaryModule {
 public:
  ReLU() : UnaryModule("ReLU") {}

 protected:
  Tensor forward_one(const Tensor& x) override;
};

class LeakyReLU : public UnaryModule {
 public:
  explicit LeakyReLU(double negative_slope = 0.01) : UnaryModule("LeakyReLU"), slope_(negative_slope) {}

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  double slope_;
};

// Exact x * Phi(x) by default; approximate = true uses the tanh form (PyTorch approximate='tanh').
class GELU : public UnaryModule {
 public:
  explicit GELU(bool approximate = false) : UnaryModule("GELU"), approximate_(approximate) {}

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  bool approximate_;
};

class SiLU : public UnaryModule {
 public:
  SiLU() : UnaryModule("SiLU") {}

 protected:
  Tensor forward_one(const Tensor& x) override;
};

class Tanh : public UnaryModule {
 public:
  Tanh() : UnaryModule("Tanh") {}

 protected:
  Tensor forward_one(const Tensor& x) override;
};

class Sigmoid : public UnaryModule {
 public:
  Sigmoid() : UnaryModule("Sigmoid") {}

 protected:
  Tensor forward_one(const Tensor& x) override;
};

class Softmax : public UnaryModule {
 public:
  explicit Softmax(int64_t axis = -1) : UnaryModule("Softmax"), axis_(axis) {}

 protected:
  Tensor forward_one(const Tensor& x) override;
  std::string extra_repr() const override;

 private:
  int64_t axis_;
};

}  // namespace tfl::nn
