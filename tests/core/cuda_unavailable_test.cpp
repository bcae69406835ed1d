// The CUDA device model on a machine where CUDA cannot be used (no GPU, no driver, or a build without
// CUDA): counts are 0, every device use is a DeviceError quoting the reason, the CPU path is untouched.
// On a machine with a usable GPU these cases are skipped with a message; tests/cuda covers that side.
#include <catch2/catch.hpp>

#include "core/cuda_allocator.h"
#include "core/cuda_device.h"
#include "core/dispatch.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/linalg.h"

using namespace tfl;
using Catch::Contains;

namespace {
const Device kCuda0{DeviceType::CUDA, 0};

// A tensor whose storage claims to be on cuda:0 over host memory that no kernel ever touches: lets the
// device checks of ops run without a device (they must throw before any kernel is called).
Tensor labelled_cuda(const Shape& shape) {
  static float backing[64] = {};
  return Tensor::from_external(backing, shape, {}, DType::F32, nullptr, nullptr, kCuda0);
}
}  // namespace

TEST_CASE("cuda unavailable: counts and reason", "[cuda]") {
  if (cuda::available()) {
    WARN("CUDA is available here; the unavailable-path checks do not apply (run tfl_cuda_tests)");
    return;
  }
  CHECK(cuda::device_count() == 0);
  CHECK_FALSE(cuda::unavailable_reason().empty());
  if (!cuda::compiled()) CHECK_THAT(cuda::unavailable_reason(), Contains("built without CUDA"));
  REQUIRE_THROWS_AS(cuda::device_properties(0), DeviceError);
  REQUIRE_THROWS_WITH(cuda::device_properties(0), Contains("CUDA unavailable: ") && Contains("device_properties"));
  REQUIRE_THROWS_WITH(cuda::synchronize(0), Contains("CUDA unavailable"));
  REQUIRE_THROWS_AS(DeviceAllocator::instance(0), DeviceError);
}

TEST_CASE("cuda unavailable: creating or copying to a cuda tensor is a DeviceError", "[cuda]") {
  if (cuda::available()) {
    WARN("CUDA is available here; the unavailable-path checks do not apply (run tfl_cuda_tests)");
    return;
  }
  REQUIRE_THROWS_AS(Tensor::empty({2, 3}, DType::F32, kCuda0), DeviceError);
  REQUIRE_THROWS_WITH(Tensor::empty({2, 3}, DType::F32, kCuda0), Contains("CUDA unavailable: "));
  REQUIRE_THROWS_WITH(zeros({4}, DType::F16, Device{DeviceType::CUDA, 1}), Contains("CUDA unavailable: "));
  Tensor x = ones({2, 2}, DType::F32);
  REQUIRE_THROWS_AS(to_device(x, kCuda0), DeviceError);
  REQUIRE_THROWS_WITH(to_device(x, kCuda0), Contains("[to_device]") && Contains("CUDA unavailable: "));
  // A zero-size tensor needs no memory but still names an unusable device.
  REQUIRE_THROWS_WITH(Tensor::empty({0}, DType::F32, kCuda0), Contains("CUDA unavailable"));
}

TEST_CASE("to_device on the CPU copies", "[cuda]") {
  Tensor x = arange(0.0, 6.0, 1.0, DType::F32).as_strided({2, 3}, {3, 1}, 0);
  Tensor t = x.as_strided({3, 2}, {1, 3}, 0);  // transposed view
  Tensor y = to_device(t, Device{});
  REQUIRE(y.device() == Device{});
  REQUIRE(y.is_contiguous());
  REQUIRE_FALSE(y.storage() == x.storage());
  // Values of the transposed view, read with a naive loop over its strides.
  const float* src = x.data<float>();
  const float* dst = y.data<float>();
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) CHECK(dst[i * 2 + j] == src[i * 1 + j * 3]);
  REQUIRE_THROWS_WITH(to_device(x, Device{DeviceType::CPU, 1}), Contains("CPU device has index 0"));
}

TEST_CASE("ops refuse operands on different devices before running a kernel", "[cuda]") {
  Tensor c = labelled_cuda({2, 2});
  Tensor h = ones({2, 2}, DType::F32);
  REQUIRE_THROWS_AS(add(h, c), DeviceError);
  REQUIRE_THROWS_WITH(add(h, c), Contains("[add]") && Contains("cpu") && Contains("cuda:0"));
  REQUIRE_THROWS_WITH(mul(c, h), Contains("[mul]") && Contains("cuda:0"));
  REQUIRE_THROWS_WITH(matmul(h, c), Contains("[matmul]") && Contains("cuda:0"));
  REQUIRE_THROWS_WITH(copy_(h, c), Contains("cuda:0"));
  REQUIRE_THROWS_WITH(where(ones({2, 2}, DType::Bool), h, c), Contains("[where]") && Contains("different devices"));
}

TEST_CASE("a host scalar next to a device tensor is moved, which needs CUDA", "[cuda]") {
  if (cuda::available()) {
    WARN("CUDA is available here; tests/cuda covers the moved scalar");
    return;
  }
  Tensor c = labelled_cuda({2, 2});
  REQUIRE_THROWS_AS(add(c, full({}, 1.0, DType::F32)), DeviceError);
  REQUIRE_THROWS_WITH(add(c, full({}, 1.0, DType::F32)), Contains("CUDA unavailable"));
  REQUIRE_THROWS_WITH(mul(c, 2.0), Contains("CUDA unavailable"));
}

TEST_CASE("ops without a CUDA kernel name the op and the device", "[cuda]") {
  // cumsum has no CUDA kernel (docs/cuda.md lists what exists).
  const int op = op_index("cumsum");
  REQUIRE_FALSE(has_kernel(op, DeviceType::CUDA, DType::F32));
  REQUIRE_THROWS_AS(find_kernel(op, DeviceType::CUDA, DType::F32), NotImplementedError);
  REQUIRE_THROWS_WITH(find_kernel(op, DeviceType::CUDA, DType::F32), Contains("[cumsum]") && Contains("cuda"));
}

TEST_CASE("the CUDA build registers its first kernel set", "[cuda]") {
  if (!cuda::compiled()) return;  // a build without CUDA registers none
  const char* ops[] = {"add", "sub", "mul", "div", "maximum", "minimum", "pow", "neg", "exp", "log", "sqrt",
                       "tanh", "sigmoid", "relu", "sum", "mean", "matmul", "copy", "fill", "eq", "ne", "lt",
                       "le", "gt", "ge", "where"};
  for (const char* name : ops)
    for (DType dt : {DType::F32, DType::F16, DType::BF16}) {
      INFO(name << " " << dtype_name(dt));
      CHECK(has_kernel(op_index(name), DeviceType::CUDA, dt));
    }
  CHECK(has_kernel(op_index("softmax"), DeviceType::CUDA, DType::F32));
  CHECK(has_kernel(op_index("log_softmax"), DeviceType::CUDA, DType::F32));
}
