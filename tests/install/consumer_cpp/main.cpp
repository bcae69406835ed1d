// Uses the installed C++ binding: ops, an exception and one gradient, then prints a last line.
#include <tenflowers/tenflowers_extra.hpp>

#include <cstdio>

int main() {
  tfl::Tensor x = tfl::tensor({1, 2, 3}, {3});
  x.set_requires_grad(true);
  tfl::Tensor y = (x * x).sum_axes({}, false);  // dy/dx = 2x
  y.backward(std::nullopt, false, false);
  std::vector<float> g = tfl::to_vector<float>(x.grad());
  bool threw = false;
  try {
    (void)x.reshape({2, 2});
  } catch (const tfl::ShapeError&) {
    threw = true;
  }
  if (g != std::vector<float>{2, 4, 6} || !threw) {
    std::printf("C++ binding: unexpected result\n");
    return 1;
  }
  std::printf("C++ binding %s: gradient [%g, %g, %g]\n", tfl::version().c_str(), g[0], g[1], g[2]);
  return 0;
}
