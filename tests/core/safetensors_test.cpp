// Tests of safetensors checkpoints: round trips, the published byte layout, zero-copy loads, corrupt files.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/allocator.h"
#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/tensor.h"

using namespace tfl;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

// A fresh directory per test case, removed afterwards.
struct TempDir {
  fs::path dir;
  TempDir() {
    static int counter = 0;
    dir = fs::temp_directory_path() / ("tfl_safetensors_test_" + std::to_string(::getpid()) + "_" +
                                       std::to_string(counter++));
    fs::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string file(const std::string& name) const { return (dir / name).string(); }
};

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// The elements of t in row-major order, as bytes, gathered with a naive loop over the strides.
std::vector<uint8_t> logical_bytes(const Tensor& t) {
  const size_t item = t.itemsize();
  std::vector<uint8_t> out;
  const int64_t n = t.numel();
  if (n == 0) return out;
  const auto* base = static_cast<const uint8_t*>(t.storage()->data());
  std::vector<int64_t> idx(static_cast<size_t>(t.ndim()), 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t off = t.offset();
    for (int d = 0; d < t.ndim(); ++d) off += idx[static_cast<size_t>(d)] * t.strides()[d];
    const uint8_t* p = base + off * static_cast<int64_t>(item);
    out.insert(out.end(), p, p + item);
    for (int d = t.ndim() - 1; d >= 0; --d) {
      if (++idx[static_cast<size_t>(d)] < t.shape()[d]) break;
      idx[static_cast<size_t>(d)] = 0;
    }
  }
  return out;
}

// A contiguous tensor whose bytes follow a fixed pattern (0/1 for bool, so every value is valid).
Tensor patterned(const Shape& shape, DType dt, int seed = 0) {
  Tensor t = Tensor::empty(shape, dt);
  auto* p = static_cast<uint8_t*>(t.data_ptr());
  const size_t nbytes = static_cast<size_t>(t.numel()) * t.itemsize();
  for (size_t i = 0; i < nbytes; ++i)
    p[i] = dt == DType::Bool ? static_cast<uint8_t>((i + static_cast<size_t>(seed)) % 2)
                             : static_cast<uint8_t>((i * 37 + 11 + static_cast<size_t>(seed) * 5) & 0xff);
  return t;
}

void append_u64_le(std::vector<uint8_t>& v, uint64_t x) {
  for (int i = 0; i < 8; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

// 8-byte length, header padded with spaces to `pad_to`, then the data.
std::vector<uint8_t> build_file(std::string header, const std::vector<uint8_t>& data, size_t pad_to = 8) {
  while (header.size() % pad_to) header.push_back(' ');
  std::vector<uint8_t> out;
  append_u64_le(out, header.size());
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

const Tensor& find(const SafetensorsFile& f, const std::string& name) {
  for (const auto& [n, t] : f.tensors)
    if (n == name) return t;
  FAIL("no tensor named " << name);
  static Tensor none;
  return none;
}

// True iff p lies inside a mapping of `path` listed in /proc/self/maps.
bool inside_file_mapping(const void* p, const std::string& path) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  const auto addr = reinterpret_cast<uintptr_t>(p);
  const std::string canon = fs::canonical(path).string();
  while (std::getline(maps, line)) {
    if (line.find(canon) == std::string::npos) continue;
    uintptr_t lo = 0, hi = 0;
    char dash;
    std::istringstream is(line);
    is >> std::hex >> lo >> dash >> hi;
    if (addr >= lo && addr < hi) return true;
  }
  return false;
}

const DType kAllDTypes[] = {DType::F32, DType::F64, DType::F16, DType::BF16,
                            DType::I32, DType::I64, DType::U8,  DType::Bool};

}  // namespace

TEST_CASE("safetensors round trip: every dtype, any layout, 0-d and 0-size", "[safetensors]") {
  TempDir tmp;
  const std::string path = tmp.file("model.safetensors");
  StateDict sd;
  int seed = 0;
  for (DType dt : kAllDTypes) {
    const std::string d = dtype_name(dt);
    Tensor base = patterned({3, 4}, dt, seed++);
    sd.emplace_back(d + ".contig", base);
    sd.emplace_back(d + ".transposed", base.as_strided({4, 3}, {1, 4}, 0));
    sd.emplace_back(d + ".stepped", base.as_strided({2, 2}, {8, 2}, 1));
    sd.emplace_back(d + ".negative", base.as_strided({3}, {-4}, 9));
    sd.emplace_back(d + ".broadcast", base.as_strided({2, 3}, {0, 1}, 2));
    sd.emplace_back(d + ".scalar", base.as_strided({}, {}, 5));
    sd.emplace_back(d + ".empty", Tensor::empty({0, 3}, dt));
  }
  SafetensorsMetadata meta{{"format", "pt"}, {"step", "1200"}};
  save_safetensors(path, sd, meta);

  SafetensorsFile f = load_safetensors(path);
  CHECK(f.metadata == meta);
  REQUIRE(f.tensors.size() == sd.size());
  for (size_t i = 0; i < sd.size(); ++i) {
    INFO(sd[i].first);
    CHECK(f.tensors[i].first == sd[i].first);  // header order = the caller's order
    const Tensor& got = f.tensors[i].second;
    CHECK(got.dtype() == sd[i].second.dtype());
    CHECK(got.shape() == sd[i].second.shape());
    CHECK(got.is_contiguous());
    CHECK(logical_bytes(got) == logical_bytes(sd[i].second));
  }
}

TEST_CASE("safetensors writer follows the published byte layout", "[safetensors]") {
  TempDir tmp;
  const std::string path = tmp.file("x.safetensors");
  Tensor x = Tensor::empty({2}, DType::F32);
  x.data<float>()[0] = 1.0f;
  x.data<float>()[1] = -2.0f;
  Tensor m = Tensor::empty({1}, DType::U8);
  m.data<uint8_t>()[0] = 7;
  save_safetensors(path, {{"x", x}, {"m", m}});

  // Expected file written out by hand: compact JSON in the caller's order, padded with spaces to a
  // multiple of 8, then x (1.0f = 0x3f800000, -2.0f = 0xc0000000, little-endian) and m.
  std::vector<uint8_t> expected = build_file(
      R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"m":{"dtype":"U8","shape":[1],"data_offsets":[8,9]}})",
      {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x07});
  CHECK(read_file(path) == expected);
}

TEST_CASE("safetensors loads a hand-built file of the published layout", "[safetensors]") {
  TempDir tmp;
  const std::string path = tmp.file("hand.safetensors");
  // Offsets in an order different from the header's, metadata first as the Python package writes it.
  const std::string header =
      R"({"__metadata__":{"format":"np"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]},)"
      R"("b":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"h":{"dtype":"F16","shape":[2],"data_offsets":[24,28]},)"
      R"("g":{"dtype":"BF16","shape":[],"data_offsets":[28,30]},"k":{"dtype":"BOOL","shape":[3],"data_offsets":[30,33]},)"
      R"("e":{"dtype":"I64","shape":[0,5],"data_offsets":[33,33]}})";
  const std::vector<uint8_t> data = {
      0x01, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff,  // b = [1, -2]
      0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40,  // w = [[1.0, 2.0],
      0x00, 0x00, 0x00, 0xbf, 0x00, 0x00, 0x80, 0x3e,  //      [-0.5, 0.25]]
      0x00, 0x3c, 0x00, 0xc0,                          // h = [1.0, -2.0] as f16 (0x3c00, 0xc000)
      0x00, 0x3f,                                      // g = 0.5 as bf16 (0x3f00)
      0x01, 0x00, 0x01};                               // k = [true, false, true]
  write_file(path, build_file(header, data));

  SafetensorsFile f = load_safetensors(path);
  CHECK(f.metadata == SafetensorsMetadata{{"format", "np"}});
  REQUIRE(f.tensors.size() == 6);
  CHECK(f.tensors[0].first == "w");
  CHECK(f.tensors[5].first == "e");
  const Tensor& w = find(f, "w");
  CHECK(w.shape() == Shape{2, 2});
  CHECK(w.data<float>()[0] == 1.0f);
  CHECK(w.data<float>()[1] == 2.0f);
  CHECK(w.data<float>()[2] == -0.5f);
  CHECK(w.data<float>()[3] == 0.25f);
  const Tensor& b = find(f, "b");
  CHECK(b.data<int32_t>()[0] == 1);
  CHECK(b.data<int32_t>()[1] == -2);
  const Tensor& h = find(f, "h");
  CHECK(h.dtype() == DType::F16);
  CHECK(h.as_strided({}, {}, 0).item() == 1.0);
  CHECK(h.as_strided({}, {}, 1).item() == -2.0);
  const Tensor& g = find(f, "g");
  CHECK(g.dtype() == DType::BF16);
  CHECK(g.ndim() == 0);
  CHECK(g.item() == 0.5);
  const Tensor& k = find(f, "k");
  CHECK(k.data<bool>()[0]);
  CHECK_FALSE(k.data<bool>()[1]);
  CHECK(k.data<bool>()[2]);
  const Tensor& e = find(f, "e");
  CHECK(e.shape() == Shape{0, 5});
  CHECK(e.dtype() == DType::I64);
}

TEST_CASE("safetensors loads without copying and unmaps with the last tensor", "[safetensors]") {
  TempDir tmp;
  const std::string path = tmp.file("big.safetensors");
  Tensor a = patterned({256, 256}, DType::F32), b = patterned({1000}, DType::F64, 3), c = patterned({7}, DType::U8, 4);
  save_safetensors(path, {{"a", a}, {"c", c}, {"b", b}});

  const int64_t mappings_before = safetensors_live_mappings();
  const int64_t live_before = HostAllocator::instance().stats().live_bytes;
  Tensor keep;
  {
    SafetensorsFile f = load_safetensors(path);
    CHECK(safetensors_live_mappings() == mappings_before + 1);
    // No allocator memory for the data: the tensors view the mapping of the file.
    CHECK(HostAllocator::instance().stats().live_bytes == live_before);
    for (const auto& [name, t] : f.tensors) {
      INFO(name);
      CHECK(inside_file_mapping(t.data_ptr(), path));
    }
    CHECK(logical_bytes(find(f, "a")) == logical_bytes(a));
    CHECK(logical_bytes(find(f, "b")) == logical_bytes(b));
    CHECK(logical_bytes(find(f, "c")) == logical_bytes(c));
    keep = find(f, "c");
  }
  CHECK(safetensors_live_mappings() == mappings_before + 1);  // `keep` holds the mapping
  // The mapping is private: writing through a loaded tensor leaves the file unchanged.
  const std::vector<uint8_t> file_before = read_file(path);
  keep.data<uint8_t>()[0] ^= 0xff;
  CHECK(read_file(path) == file_before);
  // Saving over the file while its mapping is alive replaces the file, not the mapped bytes.
  const std::vector<uint8_t> kept = logical_bytes(keep);
  save_safetensors(path, {{"c", patterned({7}, DType::U8, 9)}});
  CHECK(logical_bytes(keep) == kept);
  CHECK(logical_bytes(find(load_safetensors(path), "c")) == logical_bytes(patterned({7}, DType::U8, 9)));
  keep = Tensor();
  CHECK(safetensors_live_mappings() == mappings_before);
}

TEST_CASE("safetensors copies tensors whose data is misaligned for the dtype", "[safetensors]") {
  TempDir tmp;
  const std::string path = tmp.file("odd.safetensors");
  // Unpadded header length chosen so f's data starts 2 bytes past a 4-byte boundary of the (page-aligned)
  // mapping: misaligned for f32.
  std::string header = R"({"u":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"f":{"dtype":"F32","shape":[1],"data_offsets":[1,5]}})";
  while ((8 + header.size() + 1) % 4 != 2) header.push_back(' ');
  write_file(path, build_file(header, {0x2a, 0x00, 0x00, 0xc0, 0x3f}, 1));  // f = 1.5f (0x3fc00000)
  SafetensorsFile f = load_safetensors(path);
  const Tensor& u = find(f, "u");
  const Tensor& fl = find(f, "f");
  CHECK(u.data<uint8_t>()[0] == 42);
  CHECK(fl.data<float>()[0] == 1.5f);
  CHECK(reinterpret_cast<uintptr_t>(fl.data_ptr()) % alignof(float) == 0);
  CHECK_FALSE(inside_file_mapping(fl.data_ptr(), path));  // copied
  CHECK(inside_file_mapping(u.data_ptr(), path));         // bytes are always aligned: mapped
}

TEST_CASE("safetensors: a file truncated at any byte is a SerializationError", "[safetensors]") {
  TempDir tmp;
  const std::string good = tmp.file("good.safetensors"), bad = tmp.file("bad.safetensors");
  save_safetensors(good, {{"w", patterned({2, 3}, DType::F32)}, {"m", patterned({3}, DType::Bool)}}, {{"k", "v"}});
  const std::vector<uint8_t> bytes = read_file(good);
  REQUIRE(bytes.size() > 40);
  for (size_t len = 0; len < bytes.size(); ++len) {
    INFO("truncated to " << len << " bytes");
    write_file(bad, std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len)));
    CHECK_THROWS_AS(load_safetensors(bad), SerializationError);
  }
  // One byte too many is as wrong as one too few.
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  write_file(bad, longer);
  CHECK_THROWS_WITH(load_safetensors(bad), Contains("1 bytes after the last tensor belong to no tensor"));
}

TEST_CASE("safetensors: flipped header bytes give a SerializationError or a valid file, never a crash", "[safetensors]") {
  TempDir tmp;
  const std::string good = tmp.file("good.safetensors"), bad = tmp.file("bad.safetensors");
  save_safetensors(good, {{"w", patterned({2, 3}, DType::F32)}, {"m", patterned({3}, DType::Bool)},
                          {"i", patterned({2}, DType::I64)}});
  const std::vector<uint8_t> bytes = read_file(good);
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(bytes[static_cast<size_t>(i)]) << (8 * i);
  int errors = 0, loaded = 0;
  for (size_t pos = 0; pos < 8 + n; ++pos) {
    for (uint8_t mask : {0x01, 0x02, 0x10, 0x20, 0x80, 0xff}) {
      std::vector<uint8_t> v = bytes;
      v[pos] ^= mask;
      write_file(bad, v);
      try {
        SafetensorsFile f = load_safetensors(bad);
        // Accepted: the flip kept the file consistent (a changed name, say); it must still tile the data.
        int64_t total = 0;
        for (const auto& [name, t] : f.tensors) total += t.numel() * static_cast<int64_t>(t.itemsize());
        CHECK(static_cast<uint64_t>(total) == bytes.size() - 8 - n);
        ++loaded;
      } catch (const SerializationError& e) {
        CHECK_THAT(e.what(), Contains(bad));
        ++errors;
      }
    }
  }
  CHECK(errors > 0);
  CHECK(loaded > 0);
}

TEST_CASE("safetensors: each malformed header gives a clear SerializationError", "[safetensors]") {
  TempDir tmp;
  const std::string path = tmp.file("m.safetensors");
  auto expect = [&](const std::vector<uint8_t>& file, const std::string& msg) {
    INFO(msg);
    write_file(path, file);
    CHECK_THROWS_AS(load_safetensors(path), SerializationError);
    CHECK_THROWS_WITH(load_safetensors(path), Contains(msg) && Contains(path) && Contains("[load_safetensors]"));
  };
  auto one = [](const std::string& entry) { return std::string(R"({"t":)") + entry + "}"; };
  const std::vector<uint8_t> four = {1, 2, 3, 4};

  expect({1, 2, 3}, "fewer than the 8-byte header length");
  {
    std::vector<uint8_t> f;
    append_u64_le(f, 1000);
    f.push_back('{');
    expect(f, "header length 1000 exceeds the 1 bytes");
    std::vector<uint8_t> g;
    append_u64_le(g, ~uint64_t{0});
    expect(g, "exceeds the 0 bytes");
  }
  expect(build_file("[1,2]", {}), "does not start with '{'");
  expect(build_file("   {}", {}), "does not start with '{'");
  expect(build_file(R"({"t": {"dtype": "F32",)", four), "not valid JSON");
  expect(build_file(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x)", four), "not valid JSON");
  expect(build_file(one(R"({"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,4]})"), four), "unsupported dtype 'F8_E4M3'");
  expect(build_file(one(R"({"dtype":7,"shape":[2],"data_offsets":[0,4]})"), four), "dtype must be a string");
  expect(build_file(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,4]})"), four), "needs 8 bytes but data_offsets span 4");
  expect(build_file(one(R"({"dtype":"F32","shape":[-1],"data_offsets":[0,4]})"), four), "non-negative integers");
  expect(build_file(one(R"({"dtype":"F32","shape":[1.0],"data_offsets":[0,4]})"), four), "non-negative integers");
  expect(build_file(one(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4.5]})"), four), "non-negative integers");
  expect(build_file(one(R"({"dtype":"F32","shape":4,"data_offsets":[0,4]})"), four), "shape must be an array");
  expect(build_file(one(R"({"dtype":"F32","shape":[1],"data_offsets":[0]})"), four), "data_offsets must be [begin, end]");
  expect(build_file(one(R"({"dtype":"U8","shape":[0],"data_offsets":[4,0]})"), four), "end before they begin");
  expect(build_file(one(R"({"dtype":"F32","shape":[1],"data_offsets":[4,8]})"), four), "beyond the 4-byte data buffer");
  expect(build_file(one(R"({"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]})"), four),
         "beyond the 4-byte data buffer");
  expect(build_file(one(R"({"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]})"), four),
         "needs 2^64 bytes or more");
  expect(build_file(one(R"({"dtype":"U8","shape":[1,1,1,1,1,1,1,1,1,1,1,1,1],"data_offsets":[0,1]})"), {1}),
         "13 dimensions");
  expect(build_file(one(R"({"dtype":"F32","shape":[1]})"), four), "needs the fields dtype, shape and data_offsets");
  expect(build_file(one(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1})"), four), "unknown field 'extra'");
  expect(build_file(one("[1]"), four), "expected an object");
  expect(build_file(R"({"a":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", four),
         "tensors 'a' and 'b' overlap");
  expect(build_file(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[3,4]}})", four),
         "bytes [2, 3) of the data buffer belong to no tensor");
  expect(build_file(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[0],"data_offsets":[1,1]},"c":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", four),
         "tensors 'a' and 'b' overlap");
  expect(build_file(one(R"({"dtype":"U8","shape":[2],"data_offsets":[0,2]})"), four), "2 bytes after the last tensor");
  expect(build_file(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", four),
         "duplicate key 'a'");
  expect(build_file(one(R"({"dtype":"U8","dtype":"U8","shape":[4],"data_offsets":[0,4]})"), four), "duplicate key 'dtype'");
  expect(build_file(R"({"__metadata__":{"k":1}})", {}), "__metadata__ value of 'k' must be a string");
  expect(build_file(R"({"__metadata__":[]})", {}), "__metadata__ must be an object");
  expect(build_file(one(R"({"dtype":"BOOL","shape":[4],"data_offsets":[0,4]})"), {1, 0, 2, 1}),
         "BOOL byte 2 at element 2 is neither 0 nor 1");
  expect(build_file(std::string("{\"\xff\":1}"), {}), "not valid JSON");
  expect(build_file(std::string(20, '[') , {}), "does not start with '{'");
  expect(build_file("{\"a\":" + std::string(20, '[') + std::string(20, ']') + "}", {}), "nests deeper");
}

TEST_CASE("safetensors: file-system and argument errors", "[safetensors]") {
  TempDir tmp;
  const std::string missing = tmp.file("missing.safetensors");
  CHECK_THROWS_AS(load_safetensors(missing), IoError);
  CHECK_THROWS_WITH(load_safetensors(missing), Contains(missing) && Contains("cannot open"));
  CHECK_THROWS_WITH(load_safetensors(tmp.dir.string()), Contains("not a regular file"));

  Tensor t = patterned({2}, DType::F32);
  const std::string unwritable = tmp.file("no_such_dir/x.safetensors");
  CHECK_THROWS_AS(save_safetensors(unwritable, {{"t", t}}), IoError);
  CHECK_THROWS_WITH(save_safetensors(unwritable, {{"t", t}}), Contains(unwritable) && Contains("[save_safetensors]"));
  CHECK_FALSE(fs::exists(unwritable));

  const std::string path = tmp.file("a.safetensors");
  CHECK_THROWS_AS(save_safetensors(path, {{"t", t}, {"t", t}}), InvalidArgumentError);
  CHECK_THROWS_WITH(save_safetensors(path, {{"t", t}, {"t", t}}), Contains("duplicate tensor name 't'"));
  CHECK_THROWS_WITH(save_safetensors(path, {{"t", Tensor()}}), Contains("tensor 't' is undefined"));
  CHECK_THROWS_WITH(save_safetensors(path, {{"__metadata__", t}}), Contains("reserved"));
  CHECK_FALSE(fs::exists(path));  // failed saves leave nothing behind

  // A failed save keeps the previous file intact.
  save_safetensors(path, {{"t", t}});
  const auto before = read_file(path);
  CHECK_THROWS(save_safetensors(path, {{"t", t}, {"t", t}}));
  CHECK(read_file(path) == before);
  // Saving an empty state dict gives a valid file.
  save_safetensors(path, {});
  CHECK(load_safetensors(path).tensors.empty());
}
