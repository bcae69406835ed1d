// Backward formulas of assembly ops, written with differentiable ops (slices, pads, flips,
// index_add) so that under create_graph they are recorded too.
#include "core/autograd/derivatives/assemble.h"

#include "core/autograd/differentiable.h"
#include "core/autograd/grad_utils.h"
#include "core/autograd/variable.h"
#include "core/ops/creation.h"
#include "core/ops/elementwise.h"
#include "core/ops/indexing.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"

namespace tfl::autograd {

TFL_DIFFERENTIABLE(concat);
TFL_DIFFERENTIABLE(stack);
TFL_DIFFERENTIABLE(split);
TFL_DIFFERENTIABLE(split_sections);
TFL_DIFFERENTIABLE(chunk);
TFL_DIFFERENTIABLE(pad);
TFL_DIFFERENTIABLE(flip);
TFL_DIFFERENTIABLE(roll);
TFL_DIFFERENTIABLE(tril);
TFL_DIFFERENTIABLE(triu);
TFL_DIFFERENTIABLE(repeat);
TFL_DIFFERENTIABLE(tile);

namespace {
using Grads = std::vector<Tensor>;
using Saved = std::vector<SavedTensor>;

// The shift that undoes rolling an axis of size n by `shift` (no overflow for any int64 shift).
int64_t inverse_shift(int64_t shift, int64_t n) {
  if (n == 0) return 0;
  int64_t s = shift % n;
  if (s < 0) s += n;
  return s == 0 ? 0 : n - s;
}

// Index specs selecting [start, start + len) of axis `axis` and everything of the others.
std::vector<IndexSpec> axis_range(int axis, int64_t start, int64_t len) {
  std::vector<IndexSpec> specs(static_cast<size_t>(axis), IndexSpec::all());
  specs.push_back(IndexSpec::slice(start, start + len));
  return specs;
}

// Adjoint of reflect-padding axis d of a length-n axis by (b, a): g (length b + n + a on axis d)
// folded back onto n. Output b - 1 - j mirrors input 1 + j, output b + n + j mirrors input n - 2 - j.
Tensor fold_reflect(const Tensor& g, int d, int64_t n, int64_t b, int64_t a) {
  Tensor r = slice(g, d, b, b + n);
  std::vector<std::pair<int64_t, int64_t>> w(static_cast<size_t>(g.ndim()), {0, 0});
  if (b > 0) {
    // flip(g[0:b]) holds the contributions to inputs 1..b in order.
    w[static_cast<size_t>(d)] = {1, n - 1 - b};
    r = add(r, pad(flip(slice(g, d, 0, b), {d}), w));
  }
  if (a > 0) {
    // flip(g[b+n : b+n+a]) holds the contributions to inputs n-1-a..n-2 in order.
    w[static_cast<size_t>(d)] = {n - 1 - a, 1};
    r = add(r, pad(flip(slice(g, d, b + n, b + n + a), {d}), w));
  }
  return r;
}
}  // namespace

void record_concat(const std::vector<Tensor>& tensors, int axis, const Tensor& out) {
  std::vector<int64_t> lens;
  std::vector<DType> dtypes;
  for (const Tensor& t : tensors) {
    lens.push_back(t.shape()[axis]);
    dtypes.push_back(t.dtype());
  }
  record("concat", tensors, {out}, {}, [axis, lens, dtypes](const Grads& g, const Saved&) {
    Grads r;
    int64_t pos = 0;
    for (size_t i = 0; i < lens.size(); ++i) {
      // Integer inputs (promoted into a float result) get no gradient.
      r.push_back(is_floating(dtypes[i]) ? grad_like(index(g[0], axis_range(axis, pos, lens[i])), dtypes[i])
                                         : Tensor());
      pos += lens[i];
    }
    return r;
  });
}

void record_stack(const std::vector<Tensor>& tensors, int axis, const Tensor& out) {
  std::vector<DType> dtypes;
  for (const Tensor& t : tensors) dtypes.push_back(t.dtype());
  record("stack", tensors, {out}, {}, [axis, dtypes](const Grads& g, const Saved&) {
    Grads r;
    for (size_t i = 0; i < dtypes.size(); ++i) {
      std::vector<IndexSpec> specs(static_cast<size_t>(axis), IndexSpec::all());
      specs.push_back(static_cast<int64_t>(i));
      r.push_back(is_floating(dtypes[i]) ? grad_like(index(g[0], specs), dtypes[i]) : Tensor());
    }
    return r;
  });
}

void record_split(const char* op, const Tensor& t, int axis, const std::vector<Tensor>& pieces) {
  if (pieces.empty()) return;
  // The engine zero-fills the gradients of unused pieces, so concat always sees every piece.
  record(op, {t}, pieces, {}, [axis](const Grads& g, const Saved&) { return Grads{concat(g, axis)}; });
}

void record_pad(const Tensor& t, const std::vector<std::pair<int64_t, int64_t>>& widths, PadMode mode,
                const Tensor& out) {
  Shape in_shape = t.shape();
  record("pad", {t}, {out}, {}, [in_shape, widths, mode](const Grads& g, const Saved&) {
    const int nd = in_shape.size();
    if (mode == PadMode::kConstant) {
      std::vector<IndexSpec> specs;
      for (int d = 0; d < nd; ++d)
        specs.push_back(IndexSpec::slice(widths[static_cast<size_t>(d)].first,
                                         widths[static_cast<size_t>(d)].first + in_shape[d]));
      return Grads{nd == 0 ? g[0] : index(g[0], specs)};
    }
    // Reflect pads axis by axis; the per-axis maps act on different axes, so their adjoints can be
    // applied in any order.
    Tensor r = g[0];
    for (int d = 0; d < nd; ++d) {
      auto [b, a] = widths[static_cast<size_t>(d)];
      if (b > 0 || a > 0) r = fold_reflect(r, d, in_shape[d], b, a);
    }
    return Grads{r};
  });
}

void record_flip(const Tensor& t, const std::vector<int64_t>& axes, const Tensor& out) {
  record("flip", {t}, {out}, {}, [axes](const Grads& g, const Saved&) { return Grads{flip(g[0], axes)}; });
}

void record_roll_flat(const Tensor& t, int64_t shift, const Tensor& out) {
  const int64_t back = inverse_shift(shift, t.numel());
  record("roll", {t}, {out}, {}, [back](const Grads& g, const Saved&) { return Grads{roll(g[0], back)}; });
}

void record_roll(const Tensor& t, const std::vector<int64_t>& shifts, const std::vector<int64_t>& axes,
                 const Tensor& out) {
  std::vector<int64_t> back;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t ax = axes[i] < 0 ? axes[i] + t.ndim() : axes[i];
    back.push_back(inverse_shift(shifts[shifts.size() == 1 ? 0 : i], t.shape()[static_cast<int>(ax)]));
  }
  record("roll", {t}, {out}, {}, [back, axes](const Grads& g, const Saved&) { return Grads{roll(g[0], back, axes)}; });
}

void record_tril(const Tensor& t, int64_t k, const Tensor& out) {
  record("tril", {t}, {out}, {}, [k](const Grads& g, const Saved&) { return Grads{tril(g[0], k)}; });
}

void record_triu(const Tensor& t, int64_t k, const Tensor& out) {
  record("triu", {t}, {out}, {}, [k](const Grads& g, const Saved&) { return Grads{triu(g[0], k)}; });
}

void record_repeat(const Tensor& t, const Shape& src_shape, int axis, std::vector<int64_t> counts, const Tensor& out) {
  Shape in_shape = t.shape();
  record("repeat", {t}, {out}, {}, [in_shape, src_shape, axis, counts](const Grads& g, const Saved&) {
    const int64_t n = src_shape[axis];
    bool uniform = true;
    for (int64_t c : counts) uniform = uniform && c == counts[0];
    Tensor r;
    if (uniform && n > 0 && src_shape.size() < kMaxDims) {
      // Each element's copies are adjacent: view the axis as (n, count) and sum the copies.
      Shape grouped = src_shape;
      grouped.insert(axis + 1, counts[0]);
      r = sum(reshape(g[0], grouped), {axis + 1});
    } else {
      // Output position p along the axis came from element j: accumulate it there.
      std::vector<int64_t> from;
      for (int64_t j = 0; j < n; ++j) from.insert(from.end(), static_cast<size_t>(counts[static_cast<size_t>(j)]), j);
      Tensor idx = from_buffer(from.data(), from.size() * sizeof(int64_t), Shape{static_cast<int64_t>(from.size())},
                               DType::I64);
      r = index_add(zeros(src_shape, g[0].dtype(), g[0].device()), axis, idx, g[0]);
    }
    return Grads{reshape(r, in_shape)};
  });
}

void record_tile(const Tensor& t, const std::vector<int64_t>& reps, const Tensor& out) {
  Shape in_shape = t.shape();
  record("tile", {t}, {out}, {}, [in_shape, reps](const Grads& g, const Saved&) {
    const int nd = g[0].ndim(), lead = nd - in_shape.size(), rlead = nd - static_cast<int>(reps.size());
    if (g[0].numel() == 0) return Grads{zeros(in_shape, g[0].dtype(), g[0].device())};  // some reps are 0
    // g viewed with each tiled axis i split into (reps_i, size_i); summing the reps axes folds the tiles.
    Shape tiles;
    AxisList rep_axes;
    for (int i = 0; i < nd; ++i) {
      const int64_t r = i >= rlead ? reps[static_cast<size_t>(i - rlead)] : 1;
      const int64_t size = i >= lead ? in_shape[i - lead] : 1;
      if (r != 1) {
        rep_axes.push_back(tiles.size());
        tiles.push_back(r);
      }
      tiles.push_back(size);
    }
    Tensor r;
    if (tiles.size() <= kMaxDims) {
      r = rep_axes.empty() ? g[0] : sum(reshape(g[0], tiles), rep_axes);
    } else {
      // Too many axes for one view: fold the tiles axis by axis.
      r = g[0];
      for (int i = 0; i < nd; ++i) {
        const int64_t reps_i = i >= rlead ? reps[static_cast<size_t>(i - rlead)] : 1;
        if (reps_i == 1) continue;
        const int64_t size = i >= lead ? in_shape[i - lead] : 1;
        Tensor acc = slice(r, i, 0, size);
        for (int64_t k = 1; k < reps_i; ++k) acc = add(acc, slice(r, i, k * size, (k + 1) * size));
        r = acc;
      }
    }
    return Grads{reshape(r, in_shape)};
  });
}

}  // namespace tfl::autograd
