// Recording of assembly ops' backward passes (called by core/ops/assemble.cpp).
#pragma once

#include <utility>
#include <vector>

#include "core/ops/assemble.h"
#include "core/tensor.h"

namespace tfl::autograd {

// `axis` arguments are already normalized by the op.
void record_concat(const std::vector<Tensor>& tensors, int axis, const Tensor& out);
void record_stack(const std::vector<Tensor>& tensors, int axis, const Tensor& out);
// One node for all pieces of split / split_sections / chunk (`op` names which).
void record_split(const char* op, const Tensor& t, int axis, const std::vector<Tensor>& pieces);
// widths has one (before, after) pair per axis.
void record_pad(const Tensor& t, const std::vector<std::pair<int64_t, int64_t>>& widths, PadMode mode,
                const Tensor& out);
void record_flip(const Tensor& t, const std::vector<int64_t>& axes, const Tensor& out);
// roll of the flattened tensor.
void record_roll_flat(const Tensor& t, int64_t shift, const Tensor& out);
void record_roll(const Tensor& t, const std::vector<int64_t>& shifts, const std::vector<int64_t>& axes,
                 const Tensor& out);
void record_tril(const Tensor& t, int64_t k, const Tensor& out);
void record_triu(const Tensor& t, int64_t k, const Tensor& out);
// repeat along axis `axis` of `src_shape` (t itself, or t flattened) with one count per element.
void record_repeat(const Tensor& t, const Shape& src_shape, int axis, std::vector<int64_t> counts, const Tensor& out);
void record_tile(const Tensor& t, const std::vector<int64_t>& reps, const Tensor& out);

}  // namespace tfl::autograd
