// core/data: .npy reading/writing and the DataLoader; DataLoadingError for what cannot be loaded.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "core/data/dataloader.h"
#include "core/data/npy.h"
#include "core/error.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/shape.h"

using namespace tfl;
using Catch::Contains;

namespace {
std::string temp_path(const char* name) { return std::string("/tmp/tfl_data_loading_") + name; }

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A version 1.0 .npy file built by hand, as numpy.save lays it out (header padded to 64 bytes).
std::string npy_v1(const std::string& dict, const std::string& data) {
  std::string header = dict;
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out = std::string("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

template <class T>
std::string raw(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

Tensor iota(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
  return from_buffer(v.data(), v.size() * 8, {n}, DType::I64);
}
}  // namespace

TEST_CASE("load_npy reads hand-built version 1 and 2 files", "[data]") {
  const std::string path = temp_path("a.npy");
  write_bytes(path, npy_v1("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                           raw(std::vector<float>{1, 2, 3, 4, 5, 6})));
  Tensor t = data::load_npy(path);
  REQUIRE(t.shape() == Shape{2, 3});
  REQUIRE(t.dtype() == DType::F32);
  for (int i = 0; i < 6; ++i) CHECK(t.data<float>()[i] == static_cast<float>(i + 1));

  // Version 2.0: a 4-byte header length.
  std::string dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }";
  std::string header = dict + std::string((64 - (12 + dict.size() + 1) % 64) % 64, ' ') + "\n";
  std::string v2 = std::string("\x93NUMPY\x02\x00", 8);
  for (int i = 0; i < 4; ++i) v2 += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  write_bytes(path, v2 + header + raw(std::vector<int64_t>{-7, 0, 9}));
  t = data::load_npy(path);
  REQUIRE(t.shape() == Shape{3});
  CHECK(t.data<int64_t>()[0] == -7);
  CHECK(t.data<int64_t>()[2] == 9);

  // 0-d and empty arrays, bool and u8.
  write_bytes(path, npy_v1("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", raw(std::vector<double>{2.5})));
  t = data::load_npy(path);
  CHECK(t.ndim() == 0);
  CHECK(t.item() == 2.5);
  write_bytes(path, npy_v1("{'descr': '|b1', 'fortran_order': False, 'shape': (0, 4), }", ""));
  CHECK(data::load_npy(path).shape() == Shape{0, 4});
  write_bytes(path, npy_v1("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", "\x07\xff"));
  t = data::load_npy(path);
  CHECK(t.data<uint8_t>()[1] == 255);
  std::remove(path.c_str());
}

TEST_CASE("save_npy then load_npy round-trips every NumPy dtype and any layout", "[data]") {
  const std::string path = temp_path("rt.npy");
  Tensor base = reshape(iota(12), {3, 4});
  for (DType dt : {DType::F32, DType::F64, DType::F16, DType::I32, DType::I64, DType::U8, DType::Bool}) {
    INFO(dtype_name(dt));
    Tensor t = transpose(to_dtype(base, dt), 0, 1);  // non-contiguous
    data::save_npy(path, t);
    Tensor back = data::load_npy(path);
    REQUIRE(back.shape() == Shape{4, 3});
    REQUIRE(back.dtype() == dt);
    Tensor want = contiguous(to_dtype(to_dtype(transpose(base, 0, 1), dt), DType::F64));
    Tensor got = to_dtype(back, DType::F64);
    for (int i = 0; i < 12; ++i) CHECK(got.data<double>()[i] == want.data<double>()[i]);
  }
  REQUIRE_THROWS_AS(data::save_npy(path, zeros({2}, DType::BF16)), DTypeError);
  std::remove(path.c_str());
}

TEST_CASE("DataLoadingError for .npy files that cannot be loaded; IoError for missing files", "[data][errors]") {
  const std::string path = temp_path("bad.npy");
  const std::string ok_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }";
  write_bytes(path, npy_v1(ok_dict, raw(std::vector<float>{1, 2})));  // 8 of 16 bytes
  REQUIRE_THROWS_AS(data::load_npy(path), DataLoadingError);
  REQUIRE_THROWS_WITH(data::load_npy(path), Contains("truncated") && Contains("needs 16"));
  write_bytes(path, npy_v1("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", raw(std::vector<float>{1, 2, 3, 4})));
  REQUIRE_THROWS_WITH(data::load_npy(path), Contains("fortran_order"));
  write_bytes(path, npy_v1("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", raw(std::vector<float>{1})));
  REQUIRE_THROWS_WITH(data::load_npy(path), Contains("big-endian"));
  write_bytes(path, npy_v1("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", raw(std::vector<float>{1, 2})));
  REQUIRE_THROWS_WITH(data::load_npy(path), Contains("'<c8'"));
  write_bytes(path, npy_v1("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "abcd"));
  REQUIRE_THROWS_WITH(data::load_npy(path), Contains("structured"));
  write_bytes(path, npy_v1("{'descr': '<f4', 'shape': (1,), }", "abcd"));
  REQUIRE_THROWS_WITH(data::load_npy(path), Contains("fortran_order"));
  write_bytes(path, npy_v1("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", "\x01\x05"));
  REQUIRE_THROWS_WITH(data::load_npy(path), Contains("neither 0 nor 1"));
  write_bytes(path, "PK\x03\x04 not an npy file");
  REQUIRE_THROWS_WITH(data::load_npy(path), Contains("magic"));
  write_bytes(path, std::string("\x93NUMPY\x09\x00", 8) + "xx");
  REQUIRE_THROWS_WITH(data::load_npy(path), Contains("version 9"));
  write_bytes(path, std::string("\x93NUMPY\x01\x00\x40\x00{'descr'", 17));
  REQUIRE_THROWS_AS(data::load_npy(path), DataLoadingError);
  try {
    data::load_npy(path);
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kDataLoading);
  }
  std::remove(path.c_str());
  REQUIRE_THROWS_AS(data::load_npy(temp_path("missing.npy")), IoError);
}

TEST_CASE("DataLoader batches in order, with a short last batch or drop_last", "[data]") {
  Tensor x = reshape(to_dtype(iota(10), DType::F32), {5, 2});
  Tensor y = iota(5);
  data::DataLoader loader({x, y}, 2);
  CHECK(loader.num_batches() == 3);
  std::vector<Tensor> b;
  std::vector<int64_t> seen;
  while (loader.next(&b)) {
    REQUIRE(b.size() == 2);
    REQUIRE(b[0].shape()[0] == b[1].shape()[0]);
    for (int64_t i = 0; i < b[1].numel(); ++i) {
      const int64_t label = contiguous(b[1]).data<int64_t>()[i];
      seen.push_back(label);
      CHECK(contiguous(b[0]).data<float>()[2 * i] == static_cast<float>(2 * label));  // rows stay paired
    }
  }
  CHECK(seen == std::vector<int64_t>{0, 1, 2, 3, 4});
  CHECK_FALSE(loader.next(&b));  // stays exhausted until reset
  loader.reset();
  REQUIRE(loader.next(&b));
  CHECK(b[1].numel() == 2);

  data::DataLoader dropping({y}, 2, false, 0, true);
  CHECK(dropping.num_batches() == 2);
  int n = 0;
  while (dropping.next(&b)) {
    CHECK(b[0].numel() == 2);
    ++n;
  }
  CHECK(n == 2);
}

TEST_CASE("DataLoader shuffle visits a permutation that the seed determines", "[data]") {
  Tensor y = iota(50);
  auto epoch = [](data::DataLoader& l) {
    std::vector<int64_t> order;
    std::vector<Tensor> b;
    while (l.next(&b))
      for (int64_t i = 0; i < b[0].numel(); ++i) order.push_back(b[0].data<int64_t>()[i]);
    return order;
  };
  data::DataLoader a({y}, 7, true, 123), same({y}, 7, true, 123), other({y}, 7, true, 124);
  std::vector<int64_t> ea = epoch(a);
  CHECK(ea == epoch(same));
  CHECK(ea != epoch(other));
  std::vector<int64_t> sorted = ea;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> all(50);
  for (int i = 0; i < 50; ++i) all[static_cast<size_t>(i)] = i;
  CHECK(sorted == all);
  CHECK(ea != all);  // 50! orders: the identity would mean no shuffling
  a.reset();
  std::vector<int64_t> e2 = epoch(a);
  CHECK(e2 != ea);  // a new permutation each epoch
  std::sort(e2.begin(), e2.end());
  CHECK(e2 == all);
}

TEST_CASE("DataLoadingError for datasets the loader cannot batch", "[data][errors]") {
  REQUIRE_THROWS_AS(data::DataLoader({}, 2), DataLoadingError);
  REQUIRE_THROWS_AS(data::DataLoader({iota(4)}, 0), DataLoadingError);
  REQUIRE_THROWS_WITH(data::DataLoader({iota(4)}, -3), Contains("batch_size") && Contains("-3"));
  REQUIRE_THROWS_AS(data::DataLoader({iota(4), iota(5)}, 2), DataLoadingError);
  REQUIRE_THROWS_WITH(data::DataLoader({iota(4), iota(5)}, 2), Contains("shape 4") && Contains("shape 5"));
  REQUIRE_THROWS_AS(data::DataLoader({zeros({}, DType::F32)}, 1), DataLoadingError);
  REQUIRE_THROWS_AS(data::DataLoader({Tensor()}, 1), DataLoadingError);
}
