// Assembly ops. Most are built from views plus the "copy" kernel (which also converts dtypes), so a
// piece costs one strided copy whose contiguous runs the copy loop turns into memcpy; tril/triu and
// repeat have their own kernels in kernels/cpu/assemble.cpp.
#include "core/ops/assemble.h"

#include <algorithm>

#include "core/allocator.h"
#include "core/autograd/derivatives/assemble.h"
#include "core/autograd/grad_mode.h"
#include "core/autograd/variable.h"
#include "core/dispatch.h"
#include "core/ops/copy.h"
#include "core/ops/creation.h"
#include "core/ops/shape.h"
#include "kernels/params_assemble.h"

namespace tfl {

namespace {

// dst = src (equal shapes; src converted to dst's dtype), through the copy kernel. Fresh outputs are
// written this way, so unlike copy_() the version counter is left alone.
void copy_region(const Tensor& dst, const Tensor& src) {
  static const int kCopy = op_index("copy");
  if (dst.numel() == 0) return;
  KernelArgs args;
  args.out = make_arg(dst.data_ptr(), dst.dtype(), dst.shape(), dst.strides());
  args.in[0] = make_arg(src.data_ptr(), src.dtype(), src.shape(), src.strides());
  args.nin = 1;
  find_kernel(kCopy, dst.device().type, dst.dtype())(args);
}

// Elements start, start + step, ... (len of them) along axis, with no wrap-around of negative
// positions (unlike slice()); the caller guarantees they are in range.
Tensor axis_view(const Tensor& t, int axis, int64_t start, int64_t len, int64_t step = 1) {
  Shape shape = t.shape();
  Strides strides = t.strides();
  int64_t offset = t.offset() + (len > 0 ? start * strides[axis] : 0);
  shape[axis] = len;
  strides[axis] *= step;
  return t.as_strided(shape, strides, offset);
}

void check_list(const std::vector<Tensor>& ts, const char* op) {
  if (ts.empty()) TFL_THROW(InvalidArgumentError, op, "needs at least one tensor");
  for (size_t i = 0; i < ts.size(); ++i)
    if (!ts[i].defined()) TFL_THROW(InvalidArgumentError, op, "tensor ", i, " is undefined");
  for (size_t i = 1; i < ts.size(); ++i)
    if (ts[i].device() != ts[0].device())
      TFL_THROW(DeviceError, op, "tensor ", i, " is on ", ts[i].device().str(), ", tensor 0 on ",
                ts[0].device().str());
}

DType promoted_dtype(const std::vector<Tensor>& ts, const char* op) {
  DType dt = ts[0].dtype();
  for (size_t i = 1; i < ts.size(); ++i) dt = promote_types(dt, ts[i].dtype(), op);
  return dt;
}

Tensor concat_impl(const std::vector<Tensor>& ts, int64_t axis, const char* op) {
  const Tensor& first = ts[0];
  if (first.ndim() == 0)
    TFL_THROW(ShapeError, op, "0-d tensors cannot be concatenated; use stack");
  const int d = normalize_axis(axis, first.ndim(), op);
  const DType dt = promoted_dtype(ts, op);
  Shape shape = first.shape();
  for (size_t i = 1; i < ts.size(); ++i) {
    const Shape& s = ts[i].shape();
    bool ok = s.size() == shape.size();
    for (int k = 0; ok && k < s.size(); ++k) ok = k == d || s[k] == shape[k];
    if (!ok)
      TFL_THROW(ShapeError, op, "tensor ", i, " has shape ", shape_str(s), " but tensor 0 has shape ",
                shape_str(first.shape()), "; all sizes must match except along axis ", d);
    shape[d] += s[d];
  }
  Tensor out = Tensor::empty(shape, dt, first.device());
  int64_t pos = 0;
  for (const Tensor& t : ts) {
    copy_region(axis_view(out, d, pos, t.shape()[d]), t);
    pos += t.shape()[d];
  }
  return out;
}

}  // namespace

Tensor concat(const std::vector<Tensor>& tensors, int64_t axis) {
  MemoryOpTag memory_scope("concat");  // tags this op's allocations for the memory profiler
  check_list(tensors, "concat");
  Tensor out = concat_impl(tensors, axis, "concat");
  if (autograd::needs_grad(tensors)) autograd::record_concat(tensors, normalize_axis(axis, out.ndim(), "concat"), out);
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t axis) {
  MemoryOpTag memory_scope("stack");  // tags this op's allocations for the memory profiler
  check_list(tensors, "stack");
  const Shape& shape = tensors[0].shape();
  for (size_t i = 1; i < tensors.size(); ++i)
    if (tensors[i].shape() != shape)
      TFL_THROW(ShapeError, "stack", "tensor ", i, " has shape ", shape_str(tensors[i].shape()),
                " but tensor 0 has shape ", shape_str(shape), "; stack needs equal shapes");
  if (shape.size() >= kMaxDims)
    TFL_THROW(ShapeError, "stack", "shape ", shape_str(shape), " already has the maximum of ", kMaxDims,
              " dimensions");
  const int d = normalize_axis(axis, shape.size() + 1, "stack");
  Tensor out;
  {
    autograd::NoGradGuard no_grad;  // the unsqueezed pieces are internal; stack records as a whole
    std::vector<Tensor> pieces;
    pieces.reserve(tensors.size());
    for (const Tensor& t : tensors) pieces.push_back(unsqueeze(t, d));
    out = concat_impl(pieces, d, "stack");
  }
  if (autograd::needs_grad(tensors)) autograd::record_stack(tensors, d, out);
  return out;
}

namespace {
int split_axis(const Tensor& t, int64_t axis, const char* op) {
  check_defined(t, op, "t");
  if (t.ndim() == 0) TFL_THROW(ShapeError, op, "cannot split a 0-d tensor");
  return normalize_axis(axis, t.ndim(), op);
}

std::vector<Tensor> pieces_of(const Tensor& t, int d, const std::vector<int64_t>& sizes) {
  std::vector<Tensor> out;
  out.reserve(sizes.size());
  int64_t pos = 0;
  for (int64_t s : sizes) {
    out.push_back(axis_view(t, d, pos, s));
    pos += s;
  }
  return out;
}

// The pieces, recorded as one multi-output node named `op` when t needs a gradient.
std::vector<Tensor> record_pieces(const char* op, const Tensor& t, int d, const std::vector<int64_t>& sizes) {
  std::vector<Tensor> out = pieces_of(t, d, sizes);
  if (autograd::needs_grad({t})) autograd::record_split(op, t, d, out);
  return out;
}
}  // namespace

std::vector<Tensor> split(const Tensor& t, const std::vector<int64_t>& sizes, int64_t axis) {
  const int d = split_axis(t, axis, "split");
  int64_t sum = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 0) TFL_THROW(InvalidArgumentError, "split", "size ", sizes[i], " at position ", i, " is negative");
    if (__builtin_add_overflow(sum, sizes[i], &sum)) sum = -1;
    if (sum < 0) break;
  }
  if (sum != t.shape()[d])
    TFL_THROW(ShapeError, "split", "sizes sum to ", sum, " but axis ", d, " of shape ", shape_str(t.shape()),
              " has size ", t.shape()[d]);
  return record_pieces("split", t, d, sizes);
}

std::vector<Tensor> split_sections(const Tensor& t, int64_t sections, int64_t axis) {
  const int d = split_axis(t, axis, "split_sections");
  if (sections <= 0) TFL_THROW(InvalidArgumentError, "split_sections", "sections must be > 0, got ", sections);
  const int64_t n = t.shape()[d];
  if (n % sections != 0)
    TFL_THROW(ShapeError, "split_sections", "axis ", d, " of shape ", shape_str(t.shape()), " (size ", n,
              ") does not divide into ", sections, " equal sections");
  return record_pieces("split_sections", t, d, std::vector<int64_t>(static_cast<size_t>(sections), n / sections));
}

std::vector<Tensor> chunk(const Tensor& t, int64_t chunks, int64_t axis) {
  const int d = split_axis(t, axis, "chunk");
  if (chunks <= 0) TFL_THROW(InvalidArgumentError, "chunk", "chunks must be > 0, got ", chunks);
  const int64_t n = t.shape()[d];
  if (n == 0) return record_pieces("chunk", t, d, std::vector<int64_t>(static_cast<size_t>(chunks), 0));
  const int64_t size = n / chunks + (n % chunks != 0);
  std::vector<int64_t> sizes;
  for (int64_t pos = 0; pos < n; pos += size) sizes.push_back(std::min(size, n - pos));
  return record_pieces("chunk", t, d, sizes);
}

namespace {
Tensor pad_impl(const Tensor& t, const std::vector<std::pair<int64_t, int64_t>>& widths_in, PadMode mode,
                double value) {
  check_defined(t, "pad", "t");
  const int nd = t.ndim();
  if (static_cast<int>(widths_in.size()) != nd && widths_in.size() != 1)
    TFL_THROW(ShapeError, "pad", "got ", widths_in.size(), " (before, after) pairs for a tensor of shape ",
              shape_str(t.shape()), "; need ", nd, " (NumPy order: first pair for axis 0) or 1 for all axes");
  auto widths = [&](int i) { return widths_in.size() == 1 ? widths_in[0] : widths_in[static_cast<size_t>(i)]; };
  Shape shape = t.shape();
  for (int i = 0; i < nd; ++i) {
    auto [before, after] = widths(i);
    if (before < 0 || after < 0)
      TFL_THROW(InvalidArgumentError, "pad", "widths must be >= 0, got (", before, ", ", after, ") for axis ", i);
    const int64_t n = t.shape()[i];
    if (mode == PadMode::kReflect && (before > 0 || after > 0) && (before >= n || after >= n))
      TFL_THROW(ShapeError, "pad", "reflect padding (", before, ", ", after, ") of axis ", i, " in shape ",
                shape_str(t.shape()), " must be smaller than the axis size ", n);
    if (__builtin_add_overflow(n, before, &shape[i]) || __builtin_add_overflow(shape[i], after, &shape[i]))
      TFL_THROW(ShapeError, "pad", "padded size of axis ", i, " overflows");
  }
  Tensor out = mode == PadMode::kConstant ? full(shape, value, t.dtype(), t.device())
                                          : Tensor::empty(shape, t.dtype(), t.device());
  // The input goes into the interior; reflect then fills the borders axis by axis, each step reading
  // the already padded earlier axes, which gives NumPy's corners.
  auto region = [&](int full_upto) {  // axes < full_upto span the output, the rest only the interior
    Shape s = out.shape();
    int64_t offset = 0;
    for (int i = full_upto; i < nd; ++i) {
      s[i] = t.shape()[i];
      offset += widths(i).first * out.strides()[i];
    }
    return out.as_strided(s, out.strides(), offset);
  };
  if (t.numel() == 0) return out;  // nothing to place (reflect of a non-empty pad was refused above)
  copy_region(region(0), t);
  if (mode == PadMode::kReflect) {
    for (int d = 0; d < nd; ++d) {
      auto [before, after] = widths(d);
      const int64_t n = t.shape()[d];
      Tensor r = region(d + 1);
      if (before > 0) copy_region(axis_view(r, d, 0, before), axis_view(r, d, 2 * before, before, -1));
      if (after > 0)
        copy_region(axis_view(r, d, before + n, after), axis_view(r, d, before + n - 2, after, -1));
    }
  }
  return out;
}

}  // namespace

Tensor pad(const Tensor& t, const std::vector<std::pair<int64_t, int64_t>>& widths, PadMode mode, double value) {
  MemoryOpTag memory_scope("pad");  // tags this op's allocations for the memory profiler
  Tensor out = pad_impl(t, widths, mode, value);
  if (autograd::needs_grad({t})) {
    std::vector<std::pair<int64_t, int64_t>> per_axis;
    for (int i = 0; i < t.ndim(); ++i) per_axis.push_back(widths.size() == 1 ? widths[0] : widths[static_cast<size_t>(i)]);
    autograd::record_pad(t, per_axis, mode, out);
  }
  return out;
}

Tensor flip(const Tensor& t, const std::vector<int64_t>& axes) {
  check_defined(t, "flip", "t");
  Strides strides = t.strides();
  int64_t offset = t.offset();
  bool seen[kMaxDims] = {};
  for (int64_t a : axes) {
    int d = normalize_axis(a, t.ndim(), "flip");
    if (t.ndim() == 0) continue;  // a 0-d tensor has nothing to reverse
    if (seen[d]) TFL_THROW(InvalidArgumentError, "flip", "axis ", d, " appears more than once");
    seen[d] = true;
    if (t.shape()[d] > 0) offset += (t.shape()[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  Tensor out = t.as_strided(t.shape(), strides, t.numel() == 0 ? t.offset() : offset);
  if (autograd::needs_grad({t})) autograd::record_flip(t, axes, out);
  return out;
}

Tensor flip(const Tensor& t) {
  check_defined(t, "flip", "t");
  std::vector<int64_t> axes;
  for (int i = 0; i < t.ndim(); ++i) axes.push_back(i);
  return flip(t, axes);
}

namespace {
// A new contiguous tensor: t rolled by shift (already reduced into [0, size)) along axis d.
Tensor roll_axis(const Tensor& t, int64_t shift, int d) {
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  const int64_t n = t.shape()[d];
  copy_region(axis_view(out, d, shift, n - shift), axis_view(t, d, 0, n - shift));
  if (shift > 0) copy_region(axis_view(out, d, 0, shift), axis_view(t, d, n - shift, shift));
  return out;
}
int64_t reduce_shift(int64_t shift, int64_t n) {
  if (n == 0) return 0;
  int64_t s = shift % n;
  return s < 0 ? s + n : s;
}
}  // namespace

Tensor roll(const Tensor& t, int64_t shift) {
  MemoryOpTag memory_scope("roll");  // tags this op's allocations for the memory profiler
  check_defined(t, "roll", "t");
  Tensor out;
  {
    autograd::NoGradGuard no_grad;  // the flattening views are internal
    Tensor flat = contiguous(ravel(t));
    out = reshape(roll_axis(flat, reduce_shift(shift, flat.numel()), 0), t.shape());
  }
  if (autograd::needs_grad({t})) autograd::record_roll_flat(t, shift, out);
  return out;
}

Tensor roll(const Tensor& t, int64_t shift, int64_t axis) {
  MemoryOpTag memory_scope("roll");  // tags this op's allocations for the memory profiler
  return roll(t, std::vector<int64_t>{shift}, std::vector<int64_t>{axis});
}

Tensor roll(const Tensor& t, const std::vector<int64_t>& shifts, const std::vector<int64_t>& axes) {
  MemoryOpTag memory_scope("roll");  // tags this op's allocations for the memory profiler
  check_defined(t, "roll", "t");
  if (axes.empty()) TFL_THROW(InvalidArgumentError, "roll", "needs at least one axis (or use the flattened roll)");
  if (shifts.size() != axes.size() && shifts.size() != 1)
    TFL_THROW(InvalidArgumentError, "roll", "got ", shifts.size(), " shifts for ", axes.size(), " axes");
  if (t.ndim() == 0) TFL_THROW(IndexError, "roll", "a 0-d tensor has no axis to roll along");
  int64_t total[kMaxDims] = {};
  for (size_t i = 0; i < axes.size(); ++i) {
    const int d = normalize_axis(axes[i], t.ndim(), "roll");
    const int64_t n = t.shape()[d];
    total[d] = reduce_shift(total[d] + reduce_shift(shifts[shifts.size() == 1 ? 0 : i], n), n);
  }
  Tensor cur = t;
  bool copied = false;
  for (int d = 0; d < t.ndim(); ++d) {
    if (total[d] == 0) continue;
    cur = roll_axis(cur, total[d], d);
    copied = true;
  }
  Tensor out = copied ? cur : clone(t);
  if (autograd::needs_grad({t})) autograd::record_roll(t, shifts, axes, out);
  return out;
}

namespace {
Tensor triangle(const Tensor& t, int64_t k, int op_id) {
  const char* op = op_name(op_id);
  check_defined(t, op, "t");
  if (t.ndim() < 2) TFL_THROW(ShapeError, op, "needs at least 2 dimensions, got shape ", shape_str(t.shape()));
  const int64_t lim = t.shape()[t.ndim() - 2] + t.shape()[t.ndim() - 1];
  TriangleParams p{std::clamp(k, -lim, lim)};
  Kernel kernel = find_kernel(op_id, t.device().type, t.dtype());
  Tensor out = Tensor::empty(t.shape(), t.dtype(), t.device());
  if (out.numel() == 0) return out;
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), out.dtype(), out.shape(), out.strides());
  args.in[0] = make_arg(t.data_ptr(), t.dtype(), t.shape(), t.strides());
  args.nin = 1;
  args.params = &p;
  kernel(args);
  return out;
}
}  // namespace

Tensor tril(const Tensor& t, int64_t k) {
  MemoryOpTag memory_scope("tril");  // tags this op's allocations for the memory profiler
  static const int kTril = op_index("tril");
  Tensor out = triangle(t, k, kTril);
  if (autograd::needs_grad({t})) autograd::record_tril(t, k, out);
  return out;
}
Tensor triu(const Tensor& t, int64_t k) {
  MemoryOpTag memory_scope("triu");  // tags this op's allocations for the memory profiler
  static const int kTriu = op_index("triu");
  Tensor out = triangle(t, k, kTriu);
  if (autograd::needs_grad({t})) autograd::record_triu(t, k, out);
  return out;
}

Tensor repeat(const Tensor& t, int64_t repeats, std::optional<int64_t> axis) {
  MemoryOpTag memory_scope("repeat");  // tags this op's allocations for the memory profiler
  return repeat(t, std::vector<int64_t>{repeats}, axis);
}

Tensor repeat(const Tensor& t, const std::vector<int64_t>& repeats, std::optional<int64_t> axis) {
  MemoryOpTag memory_scope("repeat");  // tags this op's allocations for the memory profiler
  static const int kRepeat = op_index("repeat");
  check_defined(t, "repeat", "t");
  // Without an axis NumPy repeats the flattened array; a 0-d tensor is treated as 1-D either way.
  if (axis) normalize_axis(*axis, t.ndim(), "repeat");
  // detach: the flattened view is internal (repeat records as a whole).
  const Tensor src = (!axis || t.ndim() == 0) ? ravel(autograd::detach(t)) : t;
  const int d = (!axis || t.ndim() == 0) ? 0 : normalize_axis(*axis, t.ndim(), "repeat");
  const int64_t n = src.shape()[d];
  if (repeats.size() != 1 && static_cast<int64_t>(repeats.size()) != n)
    TFL_THROW(ShapeError, "repeat", "got ", repeats.size(), " counts for axis ", d, " of size ", n, " (shape ",
              shape_str(src.shape()), "); need 1 or ", n);
  std::vector<int64_t> counts =
      repeats.size() == 1 ? std::vector<int64_t>(static_cast<size_t>(n), repeats[0]) : repeats;
  int64_t total = 0;
  for (size_t i = 0; i < repeats.size(); ++i)
    if (repeats[i] < 0)
      TFL_THROW(InvalidArgumentError, "repeat", "counts must be >= 0, got ", repeats[i], " at position ", i);
  for (int64_t c : counts)
    if (__builtin_add_overflow(total, c, &total)) TFL_THROW(ShapeError, "repeat", "repeated size overflows");
  Kernel kernel = find_kernel(kRepeat, t.device().type, t.dtype());
  Shape shape = src.shape();
  shape[d] = total;
  Tensor out = Tensor::empty(shape, t.dtype(), t.device());
  if (out.numel() == 0) {
    if (autograd::needs_grad({t})) autograd::record_repeat(t, src.shape(), d, std::move(counts), out);
    return out;
  }
  Tensor in = contiguous(src);
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < d; ++i) outer *= shape[i];
  for (int i = d + 1; i < shape.size(); ++i) inner *= shape[i];
  const Shape in3{outer, n, inner}, out3{outer, total, inner};
  const Strides in3s = contiguous_strides(in3), out3s = contiguous_strides(out3);
  RepeatParams p{counts.data(), n, total};
  KernelArgs args;
  args.out = make_arg(out.data_ptr(), out.dtype(), out3, out3s);
  args.in[0] = make_arg(in.data_ptr(), in.dtype(), in3, in3s);
  args.nin = 1;
  args.params = &p;
  kernel(args);
  if (autograd::needs_grad({t})) autograd::record_repeat(t, src.shape(), d, std::move(counts), out);
  return out;
}

namespace {
Tensor tile_impl(const Tensor& t, const std::vector<int64_t>& reps) {
  for (size_t i = 0; i < reps.size(); ++i)
    if (reps[i] < 0) TFL_THROW(InvalidArgumentError, "tile", "reps must be >= 0, got ", reps[i], " at position ", i);
  const int nd = std::max<int>(t.ndim(), static_cast<int>(reps.size()));
  if (nd > kMaxDims)
    TFL_THROW(ShapeError, "tile", reps.size(), " reps exceed the maximum of ", kMaxDims, " dimensions");
  // Align t and reps to nd axes by prepending size-1 axes / 1 reps.
  Shape shape, result;
  Strides strides;
  std::vector<int64_t> r(static_cast<size_t>(nd), 1);
  for (int i = 0; i < nd; ++i) {
    const int j = i - (nd - t.ndim()), k = i - (nd - static_cast<int>(reps.size()));
    shape.push_back(j >= 0 ? t.shape()[j] : 1);
    strides.push_back(j >= 0 ? t.strides()[j] : 0);
    if (k >= 0) r[static_cast<size_t>(i)] = reps[static_cast<size_t>(k)];
    int64_t size;
    if (__builtin_mul_overflow(shape[i], r[static_cast<size_t>(i)], &size))
      TFL_THROW(ShapeError, "tile", "tiled size of axis ", i, " overflows");
    result.push_back(size);
  }
  if (shape_numel(result) == 0) return Tensor::empty(result, t.dtype(), t.device());
  Tensor aligned = t.as_strided(shape, strides, t.offset());
  int extra = 0;
  for (int64_t x : r) extra += x != 1;
  if (nd + extra > kMaxDims) {
    // The one-copy view below needs an extra axis per tiled axis; beyond kMaxDims, tile axis by axis.
    Tensor cur = aligned;
    for (int i = 0; i < nd; ++i)
      if (r[static_cast<size_t>(i)] != 1)
        cur = concat(std::vector<Tensor>(static_cast<size_t>(r[static_cast<size_t>(i)]), cur), i);
    return cur;  // extra > 0 here, so cur is a fresh tensor
  }
  // View each tiled axis i as (reps_i, size_i) with stride 0 on the reps axis; one copy then lays
  // the tiles out row-major, which is exactly the tiled tensor.
  Shape vshape;
  Strides vstrides;
  for (int i = 0; i < nd; ++i) {
    if (r[static_cast<size_t>(i)] != 1) {
      vshape.push_back(r[static_cast<size_t>(i)]);
      vstrides.push_back(0);
    }
    vshape.push_back(shape[i]);
    vstrides.push_back(strides[i]);
  }
  Tensor c = clone(t.as_strided(vshape, vstrides, t.offset()));
  return c.as_strided(result, contiguous_strides(result), 0);
}

}  // namespace

Tensor tile(const Tensor& t, const std::vector<int64_t>& reps) {
  MemoryOpTag memory_scope("tile");  // tags this op's allocations for the memory profiler
  check_defined(t, "tile", "t");
  Tensor out;
  {
    autograd::NoGradGuard no_grad;  // the axis-by-axis fallback concatenates internally
    out = tile_impl(t, reps);
  }
  if (autograd::needs_grad({t})) autograd::record_tile(t, reps, out);
  return out;
}

}  // namespace tfl
