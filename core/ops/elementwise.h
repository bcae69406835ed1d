// Elementwise ops: unary math, binary arithmetic, comparisons, logical ops, selection, tests.
// Binary ops broadcast (NumPy rules) and promote (array API table, see promote_types).
#pragma once

#include "core/tensor.h"

namespace tfl {

// --- binary arithmetic ----------------------------------------------------------------------------
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
// True division: integer inputs give the default float (f32).
Tensor div(const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, double b);
Tensor sub(const Tensor& a, double b);
Tensor sub(double a, const Tensor& b);
Tensor mul(const Tensor& a, double b);
Tensor div(const Tensor& a, double b);
Tensor div(double a, const Tensor& b);
// Write into an existing tensor of the result's shape and dtype (may alias a or b).
Tensor& add_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& sub_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& mul_out(Tensor& out, const Tensor& a, const Tensor& b);
Tensor& div_out(Tensor& out, const Tensor& a, const Tensor& b);

// --- unary ----------------------------------------------------------------------------------------
Tensor neg(const Tensor& a);
Tensor exp(const Tensor& a);
Tensor relu(const Tensor& a);

}  // namespace tfl
