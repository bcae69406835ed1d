// Shape arithmetic and broadcasting.
#include "core/shape.h"

#include <sstream>

namespace tfl {

void Dims::assign(const int64_t* data, size_t n) {
  if (n > static_cast<size_t>(kMaxDims))
    TFL_THROW(ShapeError, "shape", n, " dimensions exceed the maximum of ", kMaxDims);
  for (size_t i = 0; i < n; ++i) d_[i] = data[i];
  n_ = static_cast<int>(n);
}

void Dims::resize(int n, int64_t fill) {
  if (n > kMaxDims) TFL_THROW(ShapeError, "shape", n, " dimensions exceed the maximum of ", kMaxDims);
  for (int i = n_; i < n; ++i) d_[static_cast<size_t>(i)] = fill;
  n_ = n;
}

void Dims::push_back(int64_t v) {
  resize(n_ + 1);
  d_[static_cast<size_t>(n_ - 1)] = v;
}

void Dims::insert(int pos, int64_t v) {
  resize(n_ + 1);
  for (int i = n_ - 1; i > pos; --i) d_[static_cast<size_t>(i)] = d_[static_cast<size_t>(i - 1)];
  d_[static_cast<size_t>(pos)] = v;
}

void Dims::erase(int pos) {
  for (int i = pos; i + 1 < n_; ++i) d_[static_cast<size_t>(i)] = d_[static_cast<size_t>(i + 1)];
  --n_;
}

bool Dims::operator==(const Dims& o) const {
  if (n_ != o.n_) return false;
  for (int i = 0; i < n_; ++i)
    if (d_[static_cast<size_t>(i)] != o.d_[static_cast<size_t>(i)]) return false;
  return true;
}

int64_t shape_numel(const Shape& s) {
  // Zero first: a 0-size shape may have other sizes whose product overflows (see checked_numel).
  for (int64_t d : s)
    if (d == 0) return 0;
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

int64_t checked_numel(const Shape& s, const char* op) {
  for (int64_t d : s)
    if (d < 0) TFL_THROW(ShapeError, op, "negative dimension in shape ", shape_str(s));
  for (int64_t d : s)
    if (d == 0) return 0;  // checked first: {2^62, 4, 0} has no elements and must not overflow
  int64_t n = 1;
  for (int64_t d : s)
    if (__builtin_mul_overflow(n, d, &n))
      TFL_THROW(ShapeError, op, "shape ", shape_str(s), " has more than 2^63 elements");
  return n;
}

Strides contiguous_strides(const Shape& s) {
  Strides st;
  st.resize(s.size());
  int64_t acc = 1;
  for (int i = s.size() - 1; i >= 0; --i) {
    st[i] = acc;
    // Wrapping product: it can only overflow for a 0-size shape (checked_numel bounds the others),
    // whose strides are never used to address memory.
    acc = static_cast<int64_t>(static_cast<uint64_t>(acc) * static_cast<uint64_t>(s[i] > 0 ? s[i] : 1));
  }
  return st;
}

bool is_contiguous(const Shape& s, const Strides& st) {
  // No elements: trivially contiguous, whatever the strides of the other dimensions.
  if (shape_numel(s) == 0) return true;
  int64_t expected = 1;
  for (int i = s.size() - 1; i >= 0; --i) {
    if (s[i] != 1 && st[i] != expected) return false;
    expected *= s[i];
  }
  return true;
}

std::string shape_str(const Shape& s) {
  if (s.empty()) return "scalar";
  std::ostringstream os;
  for (int i = 0; i < s.size(); ++i) os << (i ? "x" : "") << s[i];
  return os.str();
}

int normalize_axis(int64_t axis, int ndim, const char* op) {
  int64_t lo = ndim == 0 ? -1 : -ndim, hi = ndim == 0 ? 0 : ndim - 1;
  if (axis < lo || axis > hi)
    TFL_THROW(IndexError, op, "axis ", axis, " is out of range for a tensor of ", ndim,
              " dimension(s) (valid: ", lo, "..", hi, ")");
  return static_cast<int>(axis < 0 ? axis + (ndim == 0 ? 1 : ndim) : axis);
}

Shape checked_shape(const int64_t* sizes, size_t n, const char* op) {
  if (n > static_cast<size_t>(kMaxDims))
    TFL_THROW(ShapeError, op, n, " dimensions exceed the maximum of ", kMaxDims);
  if (n > 0 && sizes == nullptr) TFL_THROW(InvalidArgumentError, op, "shape pointer is NULL with ", n, " dims");
  for (size_t i = 0; i < n; ++i)
    if (sizes[i] < 0) TFL_THROW(ShapeError, op, "negative size ", sizes[i], " in dimension ", i);
  return Shape(sizes, n);
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  int n = a.size() > b.size() ? a.size() : b.size();
  Shape out;
  out.resize(n);
  for (int i = 0; i < n; ++i) {
    int ia = a.size() - n + i, ib = b.size() - n + i;
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1)
      TFL_THROW(ShapeError, op, "shapes ", shape_str(a), " and ", shape_str(b),
                " cannot be broadcast together (dimension ", i, ": ", da, " vs ", db, ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Strides broadcast_strides(const Shape& shape, const Strides& strides, const Shape& to) {
  Strides out;
  out.resize(to.size());
  int off = to.size() - shape.size();
  for (int i = 0; i < to.size(); ++i) {
    int j = i - off;
    out[i] = (j < 0 || (shape[j] == 1 && to[i] != 1)) ? 0 : strides[j];
  }
  return out;
}

}  // namespace tfl
