// Shape ops that return views; only reshape/flatten may copy (through clone). Every public op records
// its backward (as_strided itself is internal and never does).
#include "core/ops/shape.h"

#include <limits>
#include <utility>

#include "core/autograd/derivatives/shape.h"
#include "core/autograd/variable.h"
#include "core/ops/copy.h"

namespace tfl {

namespace {

// Product of sizes, or -1 when it overflows int64.
int64_t checked_numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s)
    if (__builtin_mul_overflow(n, d, &n)) return -1;
  return n;
}

// Resolves one -1 in `requested` against `numel` elements; ShapeError quoting both shapes otherwise.
Shape infer_shape(const Tensor& t, const Shape& requested, const char* op) {
  int infer = -1;
  Shape shape = requested;
  for (int i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) TFL_THROW(ShapeError, op, "only one dimension can be -1, got shape ", shape_str(requested));
      infer = i;
    } else if (shape[i] < 0) {
      TFL_THROW(ShapeError, op, "invalid size ", shape[i], " in shape ", shape_str(requested));
    }
  }
  const int64_t numel = t.numel();
  auto mismatch = [&](const char* why) {
    TFL_THROW(ShapeError, op, "cannot reshape a tensor of shape ", shape_str(t.shape()), " (", numel,
              " elements) into shape ", shape_str(requested), why);
  };
  if (infer >= 0) {
    shape[infer] = 1;
    int64_t known = checked_numel(shape);
    if (known < 0) mismatch(" (element count overflows)");
    if (known == 0) mismatch(" (the -1 dimension is ambiguous when other sizes multiply to 0)");
    if (numel % known != 0) mismatch(" (element count is not a multiple of the known sizes)");
    shape[infer] = numel / known;
    return shape;
  }
  int64_t n = checked_numel(shape);
  if (n < 0) mismatch(" (element count overflows)");
  if (n != numel)
    TFL_THROW(ShapeError, op, "cannot reshape a tensor of shape ", shape_str(t.shape()), " (", numel,
              " elements) into shape ", shape_str(requested), " (", n, " elements)");
  return shape;
}

// Note [Reshape as a view]
// Same rule as PyTorch's computeStride (and NumPy's _attempt_nocopy_reshape). Walk the old axes from
// the last, grouping them into maximal "chunks" of axes that are laid out as one contiguous block
// relative to each other (stride[d-1] == size[d] * stride[d]; size-1 axes never break a chunk). A
// view exists iff the new shape can be cut into consecutive groups whose products equal those chunks'
// element counts; each group then gets row-major strides scaled by the chunk's innermost stride.
// So permute(2x3x4 contiguous, {2,0,1}) (shape 4x2x3, strides 1,12,4) reshaped to 4x6 stays a view
// (strides 1,4), as does splitting any single axis of a transpose, while merging the two swapped axes
// of a transpose needs a copy. Works for negative and 0 strides.
// Returns false when no view exists.
bool view_strides(const Shape& old_shape, const Strides& old_strides, const Shape& shape, int64_t numel,
                  Strides* out) {
  out->resize(shape.size());
  if (numel == 0 || old_shape.empty()) {  // any strides address 0 elements, or a single one
    *out = contiguous_strides(shape);
    return true;
  }
  int view_d = shape.size() - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int d = old_shape.size() - 1; d >= 0; --d) {
    tensor_numel *= old_shape[d];
    if (d == 0 || (old_shape[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        (*out)[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (d > 0) {
        chunk_base_stride = old_strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

Tensor reshape_impl(const Tensor& t, const Shape& requested, const char* op, bool allow_copy) {
  check_defined(t, op, "t");
  Shape shape = infer_shape(t, requested, op);
  Strides strides;
  if (view_strides(t.shape(), t.strides(), shape, t.numel(), &strides))
    return t.as_strided(shape, strides, t.offset());
  if (!allow_copy)
    TFL_THROW(ShapeError, op, "a tensor of shape ", shape_str(t.shape()), " with strides ",
              shape_str(t.strides()), " cannot be viewed as shape ", shape_str(shape),
              " without a copy; use reshape");
  Tensor c = clone(t);
  return c.as_strided(shape, contiguous_strides(shape), 0);
}

}  // namespace

Tensor reshape(const Tensor& t, const Shape& shape) {
  Tensor out = reshape_impl(t, shape, "reshape", true);
  if (autograd::needs_grad({t})) autograd::record_reshape(t, out);
  return out;
}
Tensor view(const Tensor& t, const Shape& shape) {
  Tensor out = reshape_impl(t, shape, "view", false);
  if (autograd::needs_grad({t})) autograd::record_reshape(t, out);
  return out;
}

Tensor transpose(const Tensor& t, int64_t dim0, int64_t dim1) {
  check_defined(t, "transpose", "t");
  int a = normalize_axis(dim0, t.ndim(), "transpose"), b = normalize_axis(dim1, t.ndim(), "transpose");
  Shape shape = t.shape();
  Strides strides = t.strides();
  if (t.ndim() > 0) {
    std::swap(shape[a], shape[b]);
    std::swap(strides[a], strides[b]);
  }
  Tensor out = t.as_strided(shape, strides, t.offset());
  if (autograd::needs_grad({t})) autograd::record_transpose(t, a, b, out);
  return out;
}

Tensor permute(const Tensor& t, const std::vector<int64_t>& dims) {
  check_defined(t, "permute", "t");
  const int n = t.ndim();
  if (static_cast<int64_t>(dims.size()) != n)
    TFL_THROW(ShapeError, "permute", "got ", dims.size(), " axes for a tensor of shape ", shape_str(t.shape()),
              " (", n, " dimensions)");
  Shape shape;
  Strides strides;
  shape.resize(n);
  strides.resize(n);
  bool seen[kMaxDims] = {};
  for (int i = 0; i < n; ++i) {
    int d = normalize_axis(dims[static_cast<size_t>(i)], n, "permute");
    if (seen[d]) TFL_THROW(InvalidArgumentError, "permute", "axis ", d, " appears more than once");
    seen[d] = true;
    shape[i] = t.shape()[d];
    strides[i] = t.strides()[d];
  }
  Tensor out = t.as_strided(shape, strides, t.offset());
  if (autograd::needs_grad({t})) autograd::record_permute(t, dims, out);
  return out;
}

Tensor matrix_transpose(const Tensor& t) {
  check_defined(t, "matrix_transpose", "t");
  if (t.ndim() < 2)
    TFL_THROW(ShapeError, "matrix_transpose", "needs at least 2 dimensions, got shape ", shape_str(t.shape()));
  return transpose(t, -2, -1);
}

Tensor squeeze(const Tensor& t) {
  check_defined(t, "squeeze", "t");
  Shape shape;
  Strides strides;
  for (int i = 0; i < t.ndim(); ++i) {
    if (t.shape()[i] == 1) continue;
    shape.push_back(t.shape()[i]);
    strides.push_back(t.strides()[i]);
  }
  Tensor out = t.as_strided(shape, strides, t.offset());
  if (autograd::needs_grad({t})) autograd::record_squeeze(t, out);
  return out;
}

Tensor squeeze(const Tensor& t, const std::vector<int64_t>& axes) {
  check_defined(t, "squeeze", "t");
  bool drop[kMaxDims] = {};
  for (int64_t a : axes) {
    int d = normalize_axis(a, t.ndim(), "squeeze");
    if (t.ndim() == 0) continue;  // axis 0 / -1 of a 0-d tensor: nothing to drop (as NumPy)
    if (drop[d]) TFL_THROW(InvalidArgumentError, "squeeze", "axis ", d, " appears more than once");
    if (t.shape()[d] != 1)
      TFL_THROW(ShapeError, "squeeze", "cannot squeeze axis ", d, " of size ", t.shape()[d], " in shape ",
                shape_str(t.shape()), "; only size-1 axes can be removed");
    drop[d] = true;
  }
  Shape shape;
  Strides strides;
  for (int i = 0; i < t.ndim(); ++i) {
    if (drop[i]) continue;
    shape.push_back(t.shape()[i]);
    strides.push_back(t.strides()[i]);
  }
  Tensor out = t.as_strided(shape, strides, t.offset());
  if (autograd::needs_grad({t})) autograd::record_squeeze(t, out);
  return out;
}

Tensor unsqueeze(const Tensor& t, int64_t axis) {
  check_defined(t, "unsqueeze", "t");
  if (t.ndim() >= kMaxDims)
    TFL_THROW(ShapeError, "unsqueeze", "shape ", shape_str(t.shape()), " already has the maximum of ", kMaxDims,
              " dimensions");
  int d = normalize_axis(axis, t.ndim() + 1, "unsqueeze");
  Shape shape = t.shape();
  Strides strides = t.strides();
  // The stride of a size-1 axis is never used to step; pick the row-major value for readability.
  int64_t st = d < t.ndim() ? t.strides()[d] * (t.shape()[d] > 0 ? t.shape()[d] : 1) : 1;
  shape.insert(d, 1);
  strides.insert(d, st);
  Tensor out = t.as_strided(shape, strides, t.offset());
  if (autograd::needs_grad({t})) autograd::record_unsqueeze(t, d, out);
  return out;
}

namespace {
Tensor broadcast_impl(const Tensor& t, const Shape& requested, bool allow_minus_one, const char* op) {
  check_defined(t, op, "t");
  const int n = requested.size(), off = n - t.ndim();
  auto fail = [&](const char* why) {
    TFL_THROW(ShapeError, op, "cannot broadcast a tensor of shape ", shape_str(t.shape()), " to shape ",
              shape_str(requested), why);
  };
  if (off < 0) fail(" (the target has fewer dimensions)");
  Shape shape = requested;
  Strides strides;
  strides.resize(n);
  for (int i = 0; i < n; ++i) {
    int j = i - off;
    if (shape[i] == -1 && allow_minus_one && j >= 0) shape[i] = t.shape()[j];
    if (shape[i] < 0) fail(" (negative size)");
    if (j < 0) {
      strides[i] = 0;
    } else if (t.shape()[j] == shape[i]) {
      strides[i] = t.strides()[j];
    } else if (t.shape()[j] == 1) {
      strides[i] = 0;
    } else {
      TFL_THROW(ShapeError, op, "cannot broadcast a tensor of shape ", shape_str(t.shape()), " to shape ",
                shape_str(requested), " (input dimension ", j, " has size ", t.shape()[j], ", target ",
                shape[i], ")");
    }
  }
  return t.as_strided(shape, strides, t.offset());
}
}  // namespace

Tensor broadcast_to(const Tensor& t, const Shape& shape) {
  Tensor out = broadcast_impl(t, shape, false, "broadcast_to");
  if (autograd::needs_grad({t})) autograd::record_broadcast_to(t, out);
  return out;
}
Tensor expand(const Tensor& t, const Shape& shape) {
  Tensor out = broadcast_impl(t, shape, true, "expand");
  if (autograd::needs_grad({t})) autograd::record_broadcast_to(t, out);
  return out;
}

namespace {
// Python's slice.indices + length: clamps start/stop into the axis and returns the element count.
int64_t resolve_slice(int64_t size, std::optional<int64_t> start_in, std::optional<int64_t> stop_in, int64_t step,
                      int64_t* start_out, const char* op) {
  if (step == 0) TFL_THROW(InvalidArgumentError, op, "slice step cannot be zero");
  const int64_t lower = step < 0 ? -1 : 0, upper = step < 0 ? size - 1 : size;
  auto clamp = [&](std::optional<int64_t> v, int64_t dflt) {
    if (!v) return dflt;
    int64_t x = *v;
    if (x < 0) {
      x += size;  // cannot overflow: x < 0 <= size
      return x < lower ? lower : x;
    }
    return x > upper ? upper : x;
  };
  int64_t start = clamp(start_in, step < 0 ? upper : lower);
  int64_t stop = clamp(stop_in, step < 0 ? lower : upper);
  *start_out = start;
  if (step > 0) return start < stop ? (stop - start - 1) / step + 1 : 0;
  // -step overflows for INT64_MIN; any step beyond the axis length gives the same count.
  const int64_t neg = step == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -step;
  return stop < start ? (start - stop - 1) / neg + 1 : 0;
}

// Applies a resolved slice to axis d of (shape, strides, offset).
void apply_slice(const Tensor& t, int src_axis, int dst_axis, const IndexSpec& s, Shape* shape, Strides* strides,
                 int64_t* offset, const char* op) {
  int64_t start = 0;
  const int64_t stride = t.strides()[src_axis];
  int64_t len = resolve_slice(t.shape()[src_axis], s.start, s.stop, s.step, &start, op);
  (*shape)[dst_axis] = len;
  // With len <= 1 the step is never taken (and stride * step could overflow for a huge step).
  (*strides)[dst_axis] = len > 1 ? stride * s.step : stride;
  if (len > 0) *offset += start * stride;
}
}  // namespace

IndexSpec IndexSpec::slice(std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step) {
  IndexSpec s(Kind::kSlice);
  s.start = start;
  s.stop = stop;
  s.step = step;
  return s;
}
IndexSpec IndexSpec::new_axis() { return IndexSpec(Kind::kNewAxis); }
IndexSpec IndexSpec::ellipsis() { return IndexSpec(Kind::kEllipsis); }

Tensor slice(const Tensor& t, int64_t axis, std::optional<int64_t> start, std::optional<int64_t> stop,
             int64_t step) {
  check_defined(t, "slice", "t");
  if (t.ndim() == 0) TFL_THROW(IndexError, "slice", "cannot slice a 0-d tensor");
  int d = normalize_axis(axis, t.ndim(), "slice");
  Shape shape = t.shape();
  Strides strides = t.strides();
  int64_t offset = t.offset();
  apply_slice(t, d, d, IndexSpec::slice(start, stop, step), &shape, &strides, &offset, "slice");
  Tensor out = t.as_strided(shape, strides, offset);
  if (autograd::needs_grad({t})) autograd::record_slice(t, d, start, stop, step, out);
  return out;
}

Tensor index(const Tensor& t, const std::vector<IndexSpec>& specs) {
  check_defined(t, "index", "t");
  int consumed = 0, ellipses = 0;
  for (const IndexSpec& s : specs) {
    if (s.kind == IndexSpec::Kind::kInteger || s.kind == IndexSpec::Kind::kSlice) ++consumed;
    if (s.kind == IndexSpec::Kind::kEllipsis) ++ellipses;
  }
  if (ellipses > 1) TFL_THROW(IndexError, "index", "an index can only have a single ellipsis");
  if (consumed > t.ndim())
    TFL_THROW(IndexError, "index", "too many indices for a tensor of shape ", shape_str(t.shape()), ": ", t.ndim(),
              " dimension(s) but ", consumed, " were indexed");
  Shape shape;
  Strides strides;
  int64_t offset = t.offset();
  int src = 0;
  auto keep = [&](int n) {
    for (int k = 0; k < n; ++k, ++src) {
      shape.push_back(t.shape()[src]);
      strides.push_back(t.strides()[src]);
    }
  };
  for (const IndexSpec& s : specs) {
    switch (s.kind) {
      case IndexSpec::Kind::kInteger: {
        const int64_t size = t.shape()[src];
        if (s.index < -size || s.index >= size)
          TFL_THROW(IndexError, "index", "index ", s.index, " is out of bounds for axis ", src, " with size ", size);
        offset += (s.index < 0 ? s.index + size : s.index) * t.strides()[src];
        ++src;
        break;
      }
      case IndexSpec::Kind::kSlice:
        keep(1);
        apply_slice(t, src - 1, shape.size() - 1, s, &shape, &strides, &offset, "index");
        break;
      case IndexSpec::Kind::kNewAxis:
        shape.push_back(1);
        strides.push_back(1);
        break;
      case IndexSpec::Kind::kEllipsis:
        keep(t.ndim() - consumed);
        break;
    }
  }
  keep(t.ndim() - src);
  Tensor out = t.as_strided(shape, strides, offset);
  if (autograd::needs_grad({t})) autograd::record_index(t, specs, out);
  return out;
}

Tensor flatten(const Tensor& t, int64_t start_dim, int64_t end_dim) {
  check_defined(t, "flatten", "t");
  if (t.ndim() == 0) {
    normalize_axis(start_dim, 0, "flatten");
    normalize_axis(end_dim, 0, "flatten");
    return reshape(t, Shape{1});
  }
  int s = normalize_axis(start_dim, t.ndim(), "flatten"), e = normalize_axis(end_dim, t.ndim(), "flatten");
  if (s > e)
    TFL_THROW(InvalidArgumentError, "flatten", "start_dim ", start_dim, " comes after end_dim ", end_dim,
              " for shape ", shape_str(t.shape()));
  Shape shape;
  for (int i = 0; i < s; ++i) shape.push_back(t.shape()[i]);
  int64_t merged = 1;
  for (int i = s; i <= e; ++i) merged *= t.shape()[i];
  shape.push_back(merged);
  for (int i = e + 1; i < t.ndim(); ++i) shape.push_back(t.shape()[i]);
  return reshape(t, shape);
}

Tensor ravel(const Tensor& t) {
  check_defined(t, "ravel", "t");
  return reshape(t, Shape{-1});
}

}  // namespace tfl
