// Assembling tensors from pieces and rearranging them: concat, stack, split, pad, flip, roll, tril/triu,
// repeat, tile.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace tfl {

// Joins tensors along an existing axis into a new tensor. All need the same rank (>= 1) and equal
// sizes off `axis`; dtypes are combined with promote_types. Empty pieces are allowed.
Tensor concat(const std::vector<Tensor>& tensors, int64_t axis = 0);
// Joins equally shaped tensors along a new axis (axis in [-ndim-1, ndim]); dtypes promote as in concat.
Tensor stack(const std::vector<Tensor>& tensors, int64_t axis = 0);

// Views of consecutive pieces along `axis` with the given sizes, which must sum to the axis size.
std::vector<Tensor> split(const Tensor& t, const std::vector<int64_t>& sizes, int64_t axis = 0);
// NumPy split with an integer: `sections` equal views; an error unless they divide the axis evenly.
// (A separate name, because split(t, {3}) would silently mean one piece of size 3.)
std::vector<Tensor> split_sections(const Tensor& t, int64_t sections, int64_t axis = 0);
// PyTorch chunk: views of ceil(size / chunks) elements along axis, the last possibly smaller, so fewer
// than `chunks` pieces may come back; an axis of size 0 gives `chunks` empty pieces.
std::vector<Tensor> chunk(const Tensor& t, int64_t chunks, int64_t axis = 0);

enum class PadMode {
  kConstant,  // fill with `value` (converted to the dtype like full())
  kReflect,   // mirror without repeating the edge (NumPy "reflect"): needs before, after < axis size
};
// Pads with per-axis (before, after) widths in NumPy order: widths[i] belongs to axis i (unlike
// torch.nn.functional.pad, which lists the last axis first). widths has ndim entries, or one entry
// that applies to every axis, as numpy.pad accepts. Always a new tensor.
Tensor pad(const Tensor& t, const std::vector<std::pair<int64_t, int64_t>>& widths,
           PadMode mode = PadMode::kConstant, double value = 0.0);

// Reverses the order of elements along the given axes (all axes for the overload without them).
// A view with negative strides.
Tensor flip(const Tensor& t, const std::vector<int64_t>& axes);
Tensor flip(const Tensor& t);

// NumPy roll: element i moves to (i + shift) mod size. Without an axis the tensor is rolled as if
// flattened and keeps its shape. With several axes, shifts has one entry per axis (or one for all);
// repeated axes add up. Always a new tensor.
Tensor roll(const Tensor& t, int64_t shift);
Tensor roll(const Tensor& t, int64_t shift, int64_t axis);
Tensor roll(const Tensor& t, const std::vector<int64_t>& shifts, const std::vector<int64_t>& axes);

// Lower / upper triangle of the last two axes (batched over the rest), zeros elsewhere; diagonal k
// counts up from the main diagonal (k > 0 above it). Needs ndim >= 2. A new tensor.
Tensor tril(const Tensor& t, int64_t k = 0);
Tensor triu(const Tensor& t, int64_t k = 0);

// NumPy repeat: each element along `axis` repeated `repeats` times (one count for all, or one per
// element). Without an axis the flattened tensor is repeated. Counts must be >= 0. A new tensor.
Tensor repeat(const Tensor& t, int64_t repeats, std::optional<int64_t> axis = std::nullopt);
Tensor repeat(const Tensor& t, const std::vector<int64_t>& repeats, std::optional<int64_t> axis = std::nullopt);

// NumPy tile: the whole tensor repeated reps[i] times along axis i; shorter reps are padded with
// leading 1s, and a shorter tensor gets leading size-1 axes. A new tensor.
Tensor tile(const Tensor& t, const std::vector<int64_t>& reps);

}  // namespace tfl
