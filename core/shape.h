// Shape and strides (fixed inline capacity, no heap), numel, contiguity and NumPy broadcasting.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "core/error.h"

namespace tfl {

constexpr int kMaxDims = 12;

// A list of up to kMaxDims int64 values, stored inline so that creating a tensor allocates nothing
// for its metadata. Used for both shapes and strides (strides are in elements, not bytes).
class Dims {
 public:
  Dims() = default;
  Dims(std::initializer_list<int64_t> v) { assign(v.begin(), v.size()); }
  Dims(const int64_t* data, size_t n) { assign(data, n); }

  int size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t operator[](int i) const { return d_[static_cast<size_t>(i)]; }
  int64_t& operator[](int i) { return d_[static_cast<size_t>(i)]; }
  const int64_t* data() const { return d_.data(); }
  int64_t* data() { return d_.data(); }
  const int64_t* begin() const { return d_.data(); }
  const int64_t* end() const { return d_.data() + n_; }
  int64_t back() const { return d_[static_cast<size_t>(n_ - 1)]; }

  void resize(int n, int64_t fill = 0);
  void push_back(int64_t v);
  void insert(int pos, int64_t v);
  void erase(int pos);

  bool operator==(const Dims& o) const;
  bool operator!=(const Dims& o) const { return !(*this == o); }

 private:
  void assign(const int64_t* data, size_t n);
  std::array<int64_t, kMaxDims> d_{};
  int n_ = 0;
};

using Shape = Dims;
using Strides = Dims;

// Product of the sizes; 1 for a 0-d shape.
int64_t shape_numel(const Shape& s);
// shape_numel for shapes from outside (new tensors, views): ShapeError naming `op` if a size is negative
// or the product does not fit in int64.
int64_t checked_numel(const Shape& s, const char* op);
// Row-major (C-order) strides for s.
Strides contiguous_strides(const Shape& s);
// True iff a tensor with this shape and strides visits memory in row-major order with no gaps
// (dimensions of size 1 may carry any stride).
bool is_contiguous(const Shape& s, const Strides& st);
// "2x3x4" (or "scalar" for 0-d), as quoted in error messages.
std::string shape_str(const Shape& s);
// Wraps a possibly negative axis into [0, ndim); IndexError naming `op` when out of range.
int normalize_axis(int64_t axis, int ndim, const char* op);
// Validates sizes (non-negative) and count (<= kMaxDims) of a shape coming from a user.
Shape checked_shape(const int64_t* sizes, size_t n, const char* op);

// NumPy broadcasting of two shapes; ShapeError naming `op` when they are incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
// Strides that read a tensor of (shape, strides) as if it had shape `to` (0 on broadcast dims).
// `to` must be a broadcast of `shape`.
Strides broadcast_strides(const Shape& shape, const Strides& strides, const Shape& to);

}  // namespace tfl
