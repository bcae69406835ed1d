// Test helpers for shape and assembly ops: naive strided element access and tensor builders.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <vector>

#include "core/tensor.h"

namespace tfl::test {

inline const std::vector<DType> kAllDTypes = {DType::F32, DType::F64, DType::F16, DType::BF16, DType::I32,
                                              DType::I64, DType::U8,  DType::Bool, DType::I8,  DType::I16,
                                              DType::U16, DType::U32, DType::U64};

// A value of flat index i that every dtype represents exactly (and distinct for small i).
inline double test_value(int64_t i, DType dt) {
  switch (dt) {
    case DType::Bool: return (i % 3) != 0 ? 1.0 : 0.0;
    case DType::U8: return static_cast<double>(i % 251);
    case DType::I8: return static_cast<double>(i % 127);
    case DType::BF16: return static_cast<double>(i % 256);
    case DType::F16: return static_cast<double>(i % 2048);
    default: return static_cast<double>(i);
  }
}

// Element idx of t, read straight from storage through t's own offset and strides: the definition
// of a strided view, independent of any op.
inline double get(const Tensor& t, const std::vector<int64_t>& idx) {
  REQUIRE(static_cast<int>(idx.size()) == t.ndim());
  int64_t off = t.offset();
  for (size_t i = 0; i < idx.size(); ++i) {
    REQUIRE(idx[i] >= 0);
    REQUIRE(idx[i] < t.shape()[static_cast<int>(i)]);
    off += idx[i] * t.strides()[static_cast<int>(i)];
  }
  return dispatch_all_types(t.dtype(), "get", [&](auto tag) -> double {
    using T = typename decltype(tag)::type;
    const T* base = static_cast<const T*>(t.storage()->data());
    return static_cast<double>(static_cast<compute_t<T>>(base[off]));
  });
}

// Calls f(idx) for every index of shape in row-major order.
inline void for_each_index(const Shape& s, const std::function<void(const std::vector<int64_t>&)>& f) {
  if (shape_numel(s) == 0) return;
  std::vector<int64_t> idx(static_cast<size_t>(s.size()), 0);
  while (true) {
    f(idx);
    int d = s.size() - 1;
    for (; d >= 0; --d) {
      if (++idx[static_cast<size_t>(d)] < s[d]) break;
      idx[static_cast<size_t>(d)] = 0;
    }
    if (d < 0) return;
  }
}

// Row-major list of t's values, read with get().
inline std::vector<double> values(const Tensor& t) {
  std::vector<double> v;
  for_each_index(t.shape(), [&](const std::vector<int64_t>& idx) { v.push_back(get(t, idx)); });
  return v;
}

// A contiguous tensor whose row-major element i is value(i).
inline Tensor make(const Shape& shape, DType dt, const std::function<double(int64_t)>& value) {
  Tensor t = Tensor::empty(shape, dt);
  dispatch_all_types(dt, "make", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(t.data_ptr());
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(static_cast<compute_t<T>>(value(i)));
  });
  return t;
}

// Contiguous tensor with element i = test_value(i, dt).
inline Tensor iota(const Shape& shape, DType dt = DType::F32) {
  return make(shape, dt, [dt](int64_t i) { return test_value(i, dt); });
}

// A non-contiguous tensor of `shape` (each axis stepped by 2 inside a bigger buffer, last axis
// reversed) whose row-major element i is test_value(i, dt).
inline Tensor strided_iota(const Shape& shape, DType dt = DType::F32) {
  Shape big;
  for (int64_t d : shape) big.push_back(d * 2 + 1);
  Tensor base = Tensor::empty(big, dt);
  Strides st = base.strides();
  Strides vst;
  int64_t off = 0;
  for (int i = 0; i < shape.size(); ++i) vst.push_back(st[i] * 2);
  if (shape.size() > 0 && shape.back() > 0) {
    off += (shape.back() - 1) * vst[shape.size() - 1];
    vst[shape.size() - 1] = -vst[shape.size() - 1];
  }
  Tensor v = base.as_strided(shape, vst, shape_numel(shape) == 0 ? 0 : off);
  int64_t i = 0;
  for_each_index(shape, [&](const std::vector<int64_t>& idx) {
    int64_t o = v.offset();
    for (size_t k = 0; k < idx.size(); ++k) o += idx[k] * v.strides()[static_cast<int>(k)];
    dispatch_all_types(dt, "strided_iota", [&](auto tag) {
      using T = typename decltype(tag)::type;
      static_cast<T*>(base.storage()->data())[o] = static_cast<T>(static_cast<compute_t<T>>(test_value(i, dt)));
    });
    ++i;
  });
  if (shape_numel(shape) > 1) REQUIRE(!v.is_contiguous());
  return v;
}

inline bool same_storage(const Tensor& a, const Tensor& b) { return a.storage().get() == b.storage().get(); }

}  // namespace tfl::test
