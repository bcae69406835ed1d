// Tests of ops on the int8, int16, uint16, uint32 and uint64 dtypes where their width or signedness
// matters: casts, wrap-around, floor division, mixed-sign promotion, reductions, ordering of values above
// 2^53, matmul, randint and safetensors. Expected values are literals computed with NumPy 2.4 (astype,
// the ufuncs, np.sum) unless a comment gives the arithmetic.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "core/io/safetensors.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/indexing.h"
#include "core/ops/linalg.h"
#include "core/ops/random.h"
#include "core/ops/reduce.h"
#include "core/ops/sort.h"
#include "core/rng.h"

using namespace tfl;
using Catch::Contains;

namespace {

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint64_t k2p63 = uint64_t{1} << 63;
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

template <class T>
Tensor vec(const std::vector<T>& v) {
  const Shape shape{static_cast<int64_t>(v.size())};
  if constexpr (std::is_same_v<T, bool>) {  // std::vector<bool> is packed: bytes first
    std::vector<uint8_t> bytes(v.begin(), v.end());
    return from_buffer(bytes.data(), bytes.size(), shape, DType::Bool);
  } else {
    return from_buffer(v.data(), v.size() * sizeof(T), shape, DTypeOf<T>::value);
  }
}
// The elements of t (any layout) as T; t must have dtype T.
template <class T>
std::vector<T> elems(const Tensor& t) {
  REQUIRE(t.dtype() == DTypeOf<T>::value);
  Tensor c = contiguous(t);
  return std::vector<T>(c.data<T>(), c.data<T>() + c.numel());
}

}  // namespace

TEST_CASE("integer -> integer casts wrap modulo 2^bits like numpy astype", "[dtype_ops][cast]") {
  // np.array([200, -200, 32767, -32768], np.int16).astype(np.int8) == [-56, 56, -1, 0]
  CHECK(elems<int8_t>(to_dtype(vec<int16_t>({200, -200, 32767, -32768}), DType::I8)) ==
        std::vector<int8_t>{-56, 56, -1, 0});
  // np.array([-1, 65541], np.int64).astype(np.uint16) == [65535, 5]
  CHECK(elems<uint16_t>(to_dtype(vec<int64_t>({-1, 65541}), DType::U16)) == std::vector<uint16_t>{65535, 5});
  CHECK(elems<uint64_t>(to_dtype(vec<int64_t>({-1, 7}), DType::U64)) == std::vector<uint64_t>{kU64Max, 7});
  CHECK(elems<uint32_t>(to_dtype(vec<int8_t>({-1, -128}), DType::U32)) == std::vector<uint32_t>{4294967295u, 4294967168u});
  CHECK(elems<int8_t>(to_dtype(vec<uint64_t>({kU64Max, k2p63 + 3}), DType::I8)) == std::vector<int8_t>{-1, 3});
  CHECK(elems<int64_t>(to_dtype(vec<uint64_t>({kU64Max, k2p63}), DType::I64)) ==
        std::vector<int64_t>{-1, std::numeric_limits<int64_t>::min()});
  CHECK(elems<int16_t>(to_dtype(vec<uint32_t>({4294967295u, 40000}), DType::I16)) == std::vector<int16_t>{-1, -25536});
  CHECK(elems<uint8_t>(to_dtype(vec<uint16_t>({256, 511}), DType::U8)) == std::vector<uint8_t>{0, 255});
  CHECK(elems<int16_t>(to_dtype(vec<bool>({true, false}), DType::I16)) == std::vector<int16_t>{1, 0});
  CHECK(elems<bool>(to_dtype(vec<uint64_t>({k2p63, 0}), DType::Bool)) == std::vector<bool>{true, false});
}

TEST_CASE("float -> integer casts truncate and saturate; NaN becomes 0", "[dtype_ops][cast]") {
  // The documented rule of kernels/cpu/convert.h (NumPy leaves these values undefined).
  Tensor f = vec<float>({300.7f, -300.7f, static_cast<float>(kNaN), static_cast<float>(kInf),
                         static_cast<float>(-kInf), -0.9f, 12.9f});
  CHECK(elems<int8_t>(to_dtype(f, DType::I8)) == std::vector<int8_t>{127, -128, 0, 127, -128, 0, 12});
  CHECK(elems<int16_t>(to_dtype(f, DType::I16)) == std::vector<int16_t>{300, -300, 0, 32767, -32768, 0, 12});
  CHECK(elems<uint16_t>(to_dtype(f, DType::U16)) == std::vector<uint16_t>{300, 0, 0, 65535, 0, 0, 12});
  CHECK(elems<uint32_t>(to_dtype(f, DType::U32)) == std::vector<uint32_t>{300, 0, 0, 4294967295u, 0, 0, 12});
  CHECK(elems<uint64_t>(to_dtype(f, DType::U64)) == std::vector<uint64_t>{300, 0, 0, kU64Max, 0, 0, 12});
  // 2^64 and above saturate; 9.2e18 = 23 * 5^17 * 2^19 is exact in f64 and converts exactly.
  Tensor d = vec<double>({1e20, -1e20, 18446744073709551616.0, 9.2e18, 4294967296.0});
  CHECK(elems<uint64_t>(to_dtype(d, DType::U64)) ==
        std::vector<uint64_t>{kU64Max, 0, kU64Max, 9200000000000000000ull, 4294967296ull});
  CHECK(elems<uint32_t>(to_dtype(d, DType::U32)) == std::vector<uint32_t>{4294967295u, 0, 4294967295u, 4294967295u,
                                                                           4294967295u});
  // Half and bfloat16 sources go through float.
  CHECK(elems<int8_t>(to_dtype(to_dtype(vec<float>({-2.5f, 1000.0f}), DType::F16), DType::I8)) ==
        std::vector<int8_t>{-2, 127});
  CHECK(elems<uint16_t>(to_dtype(to_dtype(vec<float>({-2.5f, 70000.0f}), DType::BF16), DType::U16)) ==
        std::vector<uint16_t>{0, 65535});
}

TEST_CASE("integer -> float casts round to nearest", "[dtype_ops][cast]") {
  CHECK(elems<double>(to_dtype(vec<uint64_t>({kU64Max, k2p63, 3}), DType::F64)) ==
        std::vector<double>{18446744073709551616.0, 9223372036854775808.0, 3.0});
  CHECK(elems<float>(to_dtype(vec<int8_t>({-128, 127}), DType::F32)) == std::vector<float>{-128.0f, 127.0f});
  // np.array([65535, 2049], np.uint16).astype(np.float16) == [inf, 2048]
  Tensor h = to_dtype(vec<uint16_t>({65535, 2049}), DType::F16);
  CHECK(std::isinf(static_cast<float>(elems<Half>(h)[0])));
  CHECK(static_cast<float>(elems<Half>(h)[1]) == 2048.0f);
}

TEST_CASE("arithmetic on the narrow and unsigned dtypes wraps without UB", "[dtype_ops][arith]") {
  CHECK(elems<int8_t>(add(vec<int8_t>({127, -128}), vec<int8_t>({1, -1}))) == std::vector<int8_t>{-128, 127});
  CHECK(elems<int8_t>(mul(vec<int8_t>({16, -128, 11}), vec<int8_t>({16, -1, 12}))) == std::vector<int8_t>{0, -128, -124});
  CHECK(elems<int16_t>(mul(vec<int16_t>({300, -32768}), vec<int16_t>({300, -1}))) == std::vector<int16_t>{24464, -32768});
  // (2^16 - 1)^2 = 2^32 - 2^17 + 1 == 1 mod 2^16: computed in unsigned, not in (overflowing) int.
  CHECK(elems<uint16_t>(mul(vec<uint16_t>({65535, 256}), vec<uint16_t>({65535, 256}))) == std::vector<uint16_t>{1, 0});
  CHECK(elems<uint32_t>(mul(vec<uint32_t>({65536}), vec<uint32_t>({65536}))) == std::vector<uint32_t>{0});
  CHECK(elems<uint32_t>(sub(vec<uint32_t>({0}), vec<uint32_t>({1}))) == std::vector<uint32_t>{4294967295u});
  CHECK(elems<uint64_t>(add(vec<uint64_t>({kU64Max}), vec<uint64_t>({2}))) == std::vector<uint64_t>{1});
  CHECK(elems<uint32_t>(neg(vec<uint32_t>({1, 0}))) == std::vector<uint32_t>{4294967295u, 0});
  CHECK(elems<int16_t>(tfl::abs(vec<int16_t>({-32768, -5}))) == std::vector<int16_t>{-32768, 5});
  CHECK(elems<uint16_t>(square(vec<uint16_t>({65535, 300}))) == std::vector<uint16_t>{1, 24464});
  // 2^7 wraps to -128 in int8; 3^11 = 177147 = 46075 mod 65536.
  CHECK(elems<int8_t>(tfl::pow(vec<int8_t>({2, -2}), vec<int8_t>({7, 7}))) == std::vector<int8_t>{-128, -128});
  CHECK(elems<uint16_t>(tfl::pow(vec<uint16_t>({3}), vec<uint16_t>({11}))) == std::vector<uint16_t>{46075});
  // Scalars take the tensor's dtype.
  CHECK(elems<uint8_t>(add(vec<uint8_t>({250}), 10.0)) == std::vector<uint8_t>{4});
  CHECK(elems<int8_t>(add(vec<int8_t>({120}), 10.0)) == std::vector<int8_t>{-126});
  CHECK(elems<uint64_t>(sub(vec<uint64_t>({1}), 2.0)) == std::vector<uint64_t>{kU64Max});
}

TEST_CASE("floor_divide and remainder follow Python signs on every new integer dtype", "[dtype_ops][arith]") {
  // np.floor_divide([-7, 7, -7, 7], [2, -2, -2, 2]) == [-4, -4, 3, 3]; np.remainder == [1, -1, -1, 1]
  CHECK(elems<int8_t>(floor_divide(vec<int8_t>({-7, 7, -7, 7}), vec<int8_t>({2, -2, -2, 2}))) ==
        std::vector<int8_t>{-4, -4, 3, 3});
  CHECK(elems<int8_t>(remainder(vec<int8_t>({-7, 7, -7, 7}), vec<int8_t>({2, -2, -2, 2}))) ==
        std::vector<int8_t>{1, -1, -1, 1});
  CHECK(elems<int16_t>(floor_divide(vec<int16_t>({-7, 7, -7, 7}), vec<int16_t>({2, -2, -2, 2}))) ==
        std::vector<int16_t>{-4, -4, 3, 3});
  CHECK(elems<int16_t>(remainder(vec<int16_t>({-7, 7, -7, 7}), vec<int16_t>({2, -2, -2, 2}))) ==
        std::vector<int16_t>{1, -1, -1, 1});
  // MIN // -1 wraps to MIN and MIN % -1 is 0; division by zero gives 0 (NumPy's value, without its warning).
  CHECK(elems<int8_t>(floor_divide(vec<int8_t>({-128, 5}), vec<int8_t>({-1, 0}))) == std::vector<int8_t>{-128, 0});
  CHECK(elems<int8_t>(remainder(vec<int8_t>({-128, 5}), vec<int8_t>({-1, 0}))) == std::vector<int8_t>{0, 0});
  CHECK(elems<uint16_t>(floor_divide(vec<uint16_t>({7, 65535, 3}), vec<uint16_t>({2, 256, 0}))) ==
        std::vector<uint16_t>{3, 255, 0});
  CHECK(elems<uint32_t>(remainder(vec<uint32_t>({7, 4294967295u}), vec<uint32_t>({2, 10}))) ==
        std::vector<uint32_t>{1, 5});
  // (2^64 - 1) // 3 = 6148914691236517205 exactly (2^64 - 1 = 3 * 5 * 17 * 257 * 641 * 65537 * 6700417).
  CHECK(elems<uint64_t>(floor_divide(vec<uint64_t>({kU64Max, kU64Max}), vec<uint64_t>({3, 10}))) ==
        std::vector<uint64_t>{6148914691236517205ull, 1844674407370955161ull});
  CHECK(elems<uint64_t>(remainder(vec<uint64_t>({kU64Max}), vec<uint64_t>({10}))) == std::vector<uint64_t>{5});
}

TEST_CASE("comparisons, maximum and minimum are exact above 2^53", "[dtype_ops][compare]") {
  // Values a double cannot tell apart must still compare correctly (no detour through f64).
  Tensor a = vec<uint64_t>({kU64Max, k2p63, 1}), b = vec<uint64_t>({kU64Max - 1, 1, k2p63});
  CHECK(elems<bool>(eq(a, b)) == std::vector<bool>{false, false, false});
  CHECK(elems<bool>(gt(a, b)) == std::vector<bool>{true, true, false});
  CHECK(elems<bool>(le(a, b)) == std::vector<bool>{false, false, true});
  CHECK(elems<uint64_t>(maximum(a, b)) == std::vector<uint64_t>{kU64Max, k2p63, k2p63});
  CHECK(elems<uint64_t>(minimum(a, b)) == std::vector<uint64_t>{kU64Max - 1, 1, 1});
  CHECK(elems<bool>(lt(vec<int8_t>({-1, 5}), vec<int8_t>({0, -5}))) == std::vector<bool>{true, false});
  CHECK(elems<bool>(ne(vec<uint16_t>({65535}), vec<uint16_t>({65535}))) == std::vector<bool>{false});
}

TEST_CASE("mixed-sign integer operands promote by the array API table", "[dtype_ops][promotion]") {
  Tensor s = add(vec<int8_t>({100, -128}), vec<uint8_t>({200, 255}));
  CHECK(elems<int16_t>(s) == std::vector<int16_t>{300, 127});
  CHECK(elems<int32_t>(add(vec<uint16_t>({65535}), vec<int16_t>({-1}))) == std::vector<int32_t>{65534});
  CHECK(elems<int64_t>(add(vec<uint32_t>({4294967295u}), vec<int32_t>({1}))) == std::vector<int64_t>{4294967296});
  CHECK(elems<uint64_t>(add(vec<uint64_t>({k2p63}), vec<uint8_t>({1}))) == std::vector<uint64_t>{k2p63 + 1});
  CHECK(elems<int32_t>(mul(vec<int8_t>({-3}), vec<int32_t>({1000000}))) == std::vector<int32_t>{-3000000});
  CHECK(elems<bool>(lt(vec<int8_t>({-1}), vec<uint8_t>({255}))) == std::vector<bool>{true});  // compared as int16
  REQUIRE_THROWS_AS(add(vec<uint64_t>({1}), vec<int8_t>({1})), DTypeError);
  REQUIRE_THROWS_WITH(add(vec<uint64_t>({1}), vec<int64_t>({1})),
                      Contains("[add]") && Contains("uint64") && Contains("int64"));
  REQUIRE_THROWS_AS(add(vec<int16_t>({1}), vec<float>({1})), DTypeError);
  REQUIRE_THROWS_AS(eq(vec<uint32_t>({1}), vec<bool>({true})), DTypeError);
}

TEST_CASE("reductions: small integers sum into int64, uint64 stays uint64", "[dtype_ops][reduce]") {
  // np.sum of int8/uint8/int16/uint16/uint32 is int64 here (as for uint8 before); uint64 keeps uint64.
  Tensor i8 = vec<int8_t>({127, 127, 127, -128});
  CHECK(sum(i8).dtype() == DType::I64);
  CHECK(sum(i8).item() == 253.0);
  CHECK(sum(vec<uint16_t>({65535, 65535})).item() == 131070.0);
  CHECK(sum(vec<uint32_t>({4294967295u, 4294967295u})).item() == 8589934590.0);
  CHECK(prod(vec<uint32_t>({65536, 65536})).item() == 4294967296.0);
  CHECK(cumsum(vec<int16_t>({30000, 30000}), 0).dtype() == DType::I64);
  CHECK(elems<int64_t>(cumsum(vec<int16_t>({30000, 30000}), 0)) == std::vector<int64_t>{30000, 60000});
  Tensor u = vec<uint64_t>({k2p63, k2p63 >> 1, 5});
  CHECK(sum(u).dtype() == DType::U64);
  CHECK(elems<uint64_t>(sum(u)) == std::vector<uint64_t>{k2p63 + (k2p63 >> 1) + 5});
  CHECK(elems<uint64_t>(sum(vec<uint64_t>({kU64Max, 3}))) == std::vector<uint64_t>{2});  // wraps mod 2^64
  CHECK(elems<uint64_t>(cumsum(u, 0)) == std::vector<uint64_t>{k2p63, k2p63 + (k2p63 >> 1), k2p63 + (k2p63 >> 1) + 5});
  CHECK(elems<uint64_t>(prod(vec<uint64_t>({k2p63, 1}))) == std::vector<uint64_t>{k2p63});
  // mean is float: 2^63 exactly, not a negative number from an int64 reading.
  CHECK(mean(vec<uint64_t>({k2p63, k2p63})).item() == 9223372036854775808.0);
  CHECK(elems<uint64_t>(max(vec<uint64_t>({1, kU64Max, 5}))) == std::vector<uint64_t>{kU64Max});
  CHECK(elems<int8_t>(min(vec<int8_t>({-128, 5}))) == std::vector<int8_t>{-128});
  CHECK(argmax(vec<uint64_t>({1, kU64Max, k2p63})).item() == 1.0);
  CHECK(argmin(vec<uint16_t>({7, 0, 65535})).item() == 1.0);
  CHECK(var(vec<int8_t>({-1, 1})).item() == 1.0);
}

TEST_CASE("sort, indexing and matmul on the new dtypes", "[dtype_ops]") {
  SortResult s = sort(vec<uint64_t>({kU64Max, 0, k2p63, 5}));
  CHECK(elems<uint64_t>(s.values) == std::vector<uint64_t>{0, 5, k2p63, kU64Max});
  CHECK(elems<int64_t>(s.indices) == std::vector<int64_t>{1, 3, 2, 0});
  CHECK(elems<int8_t>(sort(vec<int8_t>({3, -128, 127, 0}), -1, true).values) == std::vector<int8_t>{127, 3, 0, -128});
  CHECK(elems<int16_t>(take(vec<int16_t>({-5, 6, 7}), vec<int64_t>({2, -3}))) == std::vector<int16_t>{7, -5});
  CHECK(elems<uint32_t>(masked_select(vec<uint32_t>({1, 2, 3}), vec<bool>({true, false, true}))) ==
        std::vector<uint32_t>{1, 3});
  Tensor acc = scatter_add(vec<uint16_t>({65535, 1}), 0, vec<int64_t>({0, 0}), vec<uint16_t>({1, 2}));
  CHECK(elems<uint16_t>(acc) == std::vector<uint16_t>{2, 1});  // 65535 + 3 wraps to 2
  // [[1, 2], [3, 4]] @ [[5, 6], [7, 8]] == [[19, 22], [43, 50]]; 65535 * 65535 == 1 mod 2^16.
  int8_t a8[] = {1, 2, 3, 4}, b8[] = {5, 6, 7, 8};
  Tensor m = matmul(from_buffer(a8, 4, Shape{2, 2}, DType::I8), from_buffer(b8, 4, Shape{2, 2}, DType::I8));
  CHECK(elems<int8_t>(m) == std::vector<int8_t>{19, 22, 43, 50});
  uint16_t big[] = {65535};
  Tensor mu = matmul(from_buffer(big, 2, Shape{1, 1}, DType::U16), from_buffer(big, 2, Shape{1, 1}, DType::U16));
  CHECK(elems<uint16_t>(mu) == std::vector<uint16_t>{1});
  CHECK(elems<uint64_t>(matmul(vec<uint64_t>({k2p63, 1}), vec<uint64_t>({1, 7}))) == std::vector<uint64_t>{k2p63 + 7});
}

TEST_CASE("creation ops cover the new dtypes", "[dtype_ops][creation]") {
  CHECK(elems<int8_t>(arange(-3, 3, 2, DType::I8)) == std::vector<int8_t>{-3, -1, 1});
  CHECK(elems<uint64_t>(full(Shape{2}, 1e19, DType::U64)) == std::vector<uint64_t>{10000000000000000000ull,
                                                                                   10000000000000000000ull});
  CHECK(elems<uint32_t>(zeros(Shape{3}, DType::U32)) == std::vector<uint32_t>{0, 0, 0});
  CHECK(elems<int16_t>(ones(Shape{2}, DType::I16)) == std::vector<int16_t>{1, 1});
  CHECK(elems<uint16_t>(eye(2, -1, 0, DType::U16)) == std::vector<uint16_t>{1, 0, 0, 1});
  CHECK(elems<int8_t>(one_hot(vec<int64_t>({1}), 3, DType::I8)) == std::vector<int8_t>{0, 1, 0});
  // Index tensors stay int32/int64 (as in PyTorch): a narrower integer index is a DTypeError.
  REQUIRE_THROWS_AS(take(vec<float>({1, 2}), vec<int8_t>({1})), DTypeError);
}

TEST_CASE("randint draws in range for every integer dtype", "[dtype_ops][random]") {
  Generator g(11);
  Tensor i8 = randint(-128, 128, Shape{20000}, DType::I8, &g);
  std::vector<int> seen(256, 0);
  for (int8_t v : elems<int8_t>(i8)) ++seen[static_cast<size_t>(v + 128)];
  for (int c : seen) CHECK(c > 0);  // every value appears (expected 78 each)
  for (int16_t v : elems<int16_t>(randint(-300, -290, Shape{100}, DType::I16, &g))) CHECK((v >= -300 && v < -290));
  for (uint16_t v : elems<uint16_t>(randint(65530, 65536, Shape{100}, DType::U16, &g))) CHECK(v >= 65530);
  for (uint32_t v : elems<uint32_t>(randint(4294967290LL, 4294967296LL, Shape{100}, DType::U32, &g)))
    CHECK(v >= 4294967290u);
  const int64_t top = std::numeric_limits<int64_t>::max();
  for (uint64_t v : elems<uint64_t>(randint(top - 4, top, Shape{100}, DType::U64, &g)))
    CHECK((v >= static_cast<uint64_t>(top - 4) && v < static_cast<uint64_t>(top)));
  REQUIRE_THROWS_WITH(randint(0, 129, Shape{2}, DType::I8), Contains("[randint]") && Contains("does not fit in int8"));
  REQUIRE_THROWS_AS(randint(-129, 0, Shape{2}, DType::I8), InvalidArgumentError);
  REQUIRE_THROWS_AS(randint(0, 65537, Shape{2}, DType::U16), InvalidArgumentError);
  REQUIRE_THROWS_AS(randint(-1, 3, Shape{2}, DType::U64), InvalidArgumentError);
  REQUIRE_THROWS_AS(randint(0, 4294967297LL, Shape{2}, DType::U32), InvalidArgumentError);
}

TEST_CASE("safetensors round-trips the new dtypes", "[dtype_ops][safetensors]") {
  namespace fs = std::filesystem;
  const fs::path path = fs::temp_directory_path() / ("tfl_dtype_ops_" + std::to_string(::getpid()) + ".safetensors");
  StateDict sd = {{"i8", vec<int8_t>({-128, 0, 127})},
                  {"i16", vec<int16_t>({-32768, 12345})},
                  {"u16", vec<uint16_t>({0, 65535})},
                  {"u32", vec<uint32_t>({4294967295u, 7})},
                  {"u64", vec<uint64_t>({kU64Max, k2p63})}};
  save_safetensors(path.string(), sd);
  {
    SafetensorsFile f = load_safetensors(path.string());
    REQUIRE(f.tensors.size() == 5);
    auto get = [&](const std::string& name) {
      for (const auto& [k, t] : f.tensors)
        if (k == name) return t;
      FAIL("no tensor " << name);
      return Tensor();
    };
    CHECK(elems<int8_t>(get("i8")) == std::vector<int8_t>{-128, 0, 127});
    CHECK(elems<int16_t>(get("i16")) == std::vector<int16_t>{-32768, 12345});
    CHECK(elems<uint16_t>(get("u16")) == std::vector<uint16_t>{0, 65535});
    CHECK(elems<uint32_t>(get("u32")) == std::vector<uint32_t>{4294967295u, 7});
    CHECK(elems<uint64_t>(get("u64")) == std::vector<uint64_t>{kU64Max, k2p63});
  }
  fs::remove(path);
}
