// Contiguous reduction loops (sums, online softmax statistics) compiled per ISA and picked at run time
// (Note [Runtime ISA dispatch] in simd_isa.h), shared by the reduction and softmax kernels.
#pragma once

#include <cstdint>

namespace tfl::cpu {

// Sum of p[0 .. n): leaves of 512 f32 (256 f64) are summed in 32 (16) independent lanes, 16 additions
// per lane, so the loop runs at memory bandwidth; lanes and leaves are added pairwise in double. The
// rounding error of an f32 sum is thus about 16 ulps of f32 relative to sum |p[i]| whatever n is (the
// old all-f32 pairwise sum grew with log2 n); an f64 sum's about (16 + log2(n / 256)) ulps of f64.
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
