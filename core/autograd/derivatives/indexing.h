// Recording of indexing ops' backward passes (called by core/ops/indexing.cpp). Index tensors and
// masks get no gradient.
#pragma once

#include "core/tensor.h"

namespace tfl::autograd {

void record_gather(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& out);
void record_take(const Tensor& t, const Tensor& index, const Tensor& out);
void record_index_select(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& out);
void record_take_along_axis(const Tensor& t, const Tensor& indices, int64_t axis, const Tensor& out);
void record_scatter_add(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src, const Tensor& out);
void record_index_add(const Tensor& t, int64_t axis, const Tensor& index, const Tensor& src, double alpha,
                      const Tensor& out);
void record_masked_select(const Tensor& t, const Tensor& mask, const Tensor& out);

}  // namespace tfl::autograd
