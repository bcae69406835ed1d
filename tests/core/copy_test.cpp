#include <catch2/catch.hpp>

#include "core/ops/copy.h"
#include "core/ops/creation.h"

using namespace tfl;

TEST_CASE("contiguous copies of transposed batches match index arithmetic", "[copy]") {
  // 3 x 37 x 45 viewed as its last-two-dims transpose: partial 32x32 tiles on both axes.
  const int64_t B = 3, R = 37, C = 45;
  Tensor base = arange(0, static_cast<double>(B * R * C), 1, DType::F64);
  Tensor t = base.as_strided({B, C, R}, {R * C, 1, C}, 0);
  for (DType dt : {DType::F64, DType::F32, DType::I32, DType::F16}) {
    Tensor c = to_dtype(t, dt);
    REQUIRE(c.is_contiguous());
    Tensor back = to_dtype(c, DType::F64);
    const double* p = back.data<double>();
    bool ok = true;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = 0; i < C; ++i)
        for (int64_t j = 0; j < R; ++j) {
          double expected = static_cast<double>(b * R * C + j * C + i);
          if (dt == DType::F16 && expected > 2048) expected = static_cast<double>(static_cast<float>(Half(static_cast<float>(expected))));
          ok = ok && p[(b * C + i) * R + j] == expected;
        }
    INFO(dtype_name(dt));
    CHECK(ok);
  }
}

TEST_CASE("copy_ writes a transposed source into a strided destination", "[copy]") {
  Tensor src = arange(0, 64 * 48, 1, DType::F32).as_strided({48, 64}, {1, 48}, 0);
  Tensor dst_base = zeros({48, 128}, DType::F32);
  Tensor dst = dst_base.as_strided({48, 64}, {128, 2}, 1);  // every other column, offset 1
  copy_(dst, src);
  const float* d = dst_base.data<float>();
  bool ok = true;
  for (int64_t i = 0; i < 48; ++i)
    for (int64_t j = 0; j < 64; ++j) ok = ok && d[i * 128 + 2 * j + 1] == static_cast<float>(j * 48 + i) && d[i * 128 + 2 * j] == 0;
  CHECK(ok);
}
