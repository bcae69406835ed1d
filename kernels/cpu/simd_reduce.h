// Contiguous reduction loops (sums, online softmax statistics) compiled per ISA and picked at run time
// (Note [Runtime ISA dispatch] in simd_isa.h), shared by the reduction and softmax kernels.
#pragma once

#include <cstdint>

namespace tfl::cpu {

// Sum of p[0 .. n): leaves of kSumLeaf elements are summed in many independent vector lanes (the loop
// runs at memory bandwidth) and the leaf sums are added pairwise in double, so the rounding error of
// an f32 sum is bounded by about (kSumLeaf / 32 + log2(n / kSumLeaf)) ulps of f32 relative to
// sum |p[i]|, whatever n is.
double sum_f32(const float* p, int64_t n);
double sum_f64(const double* p, int64_t n);

// Online softmax statistics of one contiguous run, read once: folds x[0 .. n) into the running
// maximum m and the running sum s of exp(x - m) (start from m = -inf, s = 0). Works block by block
// (block max, then the block's exponentials against the updated max, rescaling s when the max grows),
// with the polynomial exp of simd_isa.h. Returns false when the run holds a NaN or +inf; m and s are
// then unspecified and callers take their careful path. Elements equal to -inf add nothing.
bool max_expsum_f32(const float* x, int64_t n, float& m, double& s);

// Block length of max_expsum_f32 and softmax_stats_f32.
constexpr int64_t kSoftmaxBlock = 1024;

// max_expsum_f32 that also stores y[i] = exp(x[i] - m_b), with m_b the running maximum when x[i]'s
// block (kSoftmaxBlock elements from x) was processed, saved in block_m[block]; m_b is -inf (and y 0)
// for blocks before the first finite value. softmax then only rescales block b by
// exp(m_b - m) / s: one exponential per element. y must not overlap x unless y == x.
bool softmax_stats_f32(const float* x, float* y, int64_t n, float& m, double& s, float* block_m);

// out[i] = exp(x[i] - m) * scale (the polynomial exp, like max_expsum_f32). out may equal x.
void exp_scale_f32(float* out, const float* x, float m, float scale, int64_t n);

// out[i] = (x[i] - m) - c: log_softmax's last pass. out may equal x.
void sub2_f32(float* out, const float* x, float m, float c, int64_t n);

}  // namespace tfl::cpu
