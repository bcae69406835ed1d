// Helper for the Python interop test: dumps a safetensors file as JSON, or writes a known one.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"

using namespace tfl;

namespace {

const char* st_dtype(DType dt) {
  switch (dt) {
    case DType::F32: return "F32";
    case DType::F64: return "F64";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::I32: return "I32";
    case DType::I64: return "I64";
    case DType::U8: return "U8";
    case DType::Bool: return "BOOL";
    case DType::I8: return "I8";
    case DType::I16: return "I16";
    case DType::U16: return "U16";
    case DType::U32: return "U32";
    case DType::U64: return "U64";
  }
  return "?";
}

// Prints {"metadata": {...}, "tensors": [{"name", "dtype", "shape", "hex"}]} with the raw little-endian bytes.
int dump(const std::string& path) {
  SafetensorsFile f = load_safetensors(path);
  nlohmann::ordered_json out;
  out["metadata"] = f.metadata;
  out["tensors"] = nlohmann::ordered_json::array();
  for (const auto& [name, t0] : f.tensors) {
    Tensor t = contiguous(t0);
    std::string hex;
    const auto* p = static_cast<const unsigned char*>(t.data_ptr());
    for (size_t i = 0; i < static_cast<size_t>(t.numel()) * t.itemsize(); ++i) {
      char b[3];
      std::snprintf(b, sizeof b, "%02x", p[i]);
      hex += b;
    }
    std::vector<int64_t> shape(t.shape().begin(), t.shape().end());
    out["tensors"].push_back({{"name", name}, {"dtype", st_dtype(t.dtype())}, {"shape", shape}, {"hex", hex}});
  }
  std::cout << out.dump() << "\n";
  return 0;
}

template <class T>
Tensor filled(const Shape& shape, std::initializer_list<T> values) {
  Tensor t = Tensor::empty(shape, DTypeOf<T>::value);
  std::copy(values.begin(), values.end(), t.data<T>());
  return t;
}

// The tensors check_safetensors_interop.py expects (its comments spell out the same values).
int write(const std::string& path) {
  Tensor base = filled<float>({2, 3}, {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 1.5f});
  StateDict sd = {
      {"f32_t", base.as_strided({3, 2}, {1, 3}, 0)},  // the transpose: a non-contiguous view
      {"f64", filled<double>({4}, {1.0, 0.5, 0.25, 0.125})},
      {"f16", to_dtype(filled<float>({3}, {0.5f, -1.25f, 2.0f}), DType::F16)},
      {"bf16", to_dtype(filled<float>({3}, {1.0f, -0.5f, 3.0f}), DType::BF16)},
      {"i32", filled<int32_t>({2, 3}, {-3, -2, -1, 0, 1, 2})},
      {"i64", filled<int64_t>({2}, {int64_t{1} << 40, -1})},
      {"u8", filled<uint8_t>({3}, {0, 255, 7})},
      {"bool", filled<bool>({3}, {true, false, true})},
      {"scalar", filled<float>({}, {3.5f})},
      {"empty", Tensor::empty({0, 4}, DType::F32)},
      {"i8", filled<int8_t>({3}, {-128, 0, 127})},
      {"i16", filled<int16_t>({2}, {-32768, 12345})},
      {"u16", filled<uint16_t>({2}, {0, 65535})},
      {"u32", filled<uint32_t>({2}, {4294967295u, 7})},
      {"u64", filled<uint64_t>({2}, {18446744073709551615ull, uint64_t{1} << 63})},
  };
  save_safetensors(path, sd, {{"framework", "tenflowers"}, {"note", "\xc3\xbc"}});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "dump") != 0 && std::strcmp(argv[1], "write") != 0)) {
    std::cerr << "usage: " << argv[0] << " dump|write FILE\n";
    return 2;
  }
  try {
    return std::strcmp(argv[1], "dump") == 0 ? dump(argv[2]) : write(argv[2]);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
