// A small end-to-end run of the core: create, broadcast, compute, reduce, and report the BLAS in use.
#include <cstdio>

#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "kernels/cpu/blas.h"

int main() {
  using namespace tfl;
  Tensor x = arange(0, 6, 1, DType::F32).as_strided(Shape{2, 3}, Strides{3, 1}, 0);
  Tensor b = full(Shape{3}, 0.5);
  Tensor y = relu(sub(mul(x, 2.0), add(b, b)));
  std::printf("y = relu(2*x - 1) over 2x3:");
  for (int64_t i = 0; i < y.numel(); ++i) std::printf(" %g", static_cast<double>(y.data<float>()[i]));
  std::printf("\n");
  const BlasInfo& blas = blas_info();
  std::printf("BLAS: %s, core %s%s, %d threads\n", blas.library.c_str(), blas.core.c_str(),
              blas.core_forced_by_user ? " (OPENBLAS_CORETYPE set by user)" : "", blas.threads);
  return 0;
}
