// CUDA kernels of sum/mean reductions and softmax/log_softmax (f32, f16, bf16; accumulated in float).
#include "kernels/cuda/loops.cuh"
#include "kernels/params_nn.h"
#include "kernels/params_reduce.h"

namespace tfl {
namespace cuda {

namespace {

// Block-wide sum of one value per thread (blockDim.x == kThreads); every thread gets the result.
template <bool kMax>
__device__ float block_reduce(float v, float* scratch) {
  scratch[threadIdx.x] = v;
  __syncthreads();
  for (int s = kThreads / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      const float o = scratch[threadIdx.x + s];
      scratch[threadIdx.x] = kMax ? fmaxf(scratch[threadIdx.x], o) : scratch[threadIdx.x] + o;
    }
    __syncthreads();
  }
  const float r = scratch[0];
  __syncthreads();  // scratch is reused by the next call
  return r;
}

// One block per output element: its threads stride over the reduced elements.
template <class T, bool kMean>
__global__ void reduce_per_block(T* out, const T* in, int64_t n_out, int64_t n_red, Indexer ox, Indexer rx) {
  __shared__ float scratch[kThreads];
  for (int64_t o = blockIdx.x; o < n_out; o += gridDim.x) {
    int64_t off[2];
    ox.offsets(o, off, 2);
    float acc = 0.0f;
    for (int64_t r = threadIdx.x; r < n_red; r += blockDim.x) {
      int64_t roff;
      rx.offsets(r, &roff, 1);
      acc += load(in + off[1] + roff);
    }
    acc = block_reduce<false>(acc, scratch);
    if (threadIdx.x == 0) store(out + off[0], kMean ? acc / static_cast<float>(n_red) : acc);
  }
}

// One thread per output element: for many outputs with short reductions.
template <class T, bool kMean>
__global__ void reduce_per_thread(T* out, const T* in, int64_t n_out, int64_t n_red, Indexer ox, Indexer rx) {
  for (int64_t o = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; o < n_out; o += int64_t(gridDim.x) * blockDim.x) {
    int64_t off[2];
    ox.offsets(o, off, 2);
    float acc = 0.0f;
    for (int64_t r = 0; r < n_red; ++r) {
      int64_t roff;
      rx.offsets(r, &roff, 1);
      acc += load(in + off[1] + roff);
    }
    store(out + off[0], kMean ? acc / static_cast<float>(n_red) : acc);
  }
}

// The output (keepdims shape: size 1 on reduced axes) and the input have the same rank; kept axes
// index both, reduced axes index the input only.
template <class T, bool kMean>
void reduce_cuda(const KernelArgs& args) {
  const auto& p = *static_cast<const ReduceParams*>(args.params);
  const TensorArg& in = args.in[0];
  const TensorArg& out = args.out;
  Indexer ox, rx;
  int64_t n_out = 1, n_red = 1;
  for (int d = 0; d < in.ndim; ++d) {
    if ((p.axes_mask >> d) & 1u) {
      rx.sizes[rx.ndim] = in.shape[d];
      rx.strides[0][rx.ndim++] = in.strides[d];
      n_red *= in.shape[d];
    } else {
      ox.sizes[ox.ndim] = in.shape[d];
      ox.strides[0][ox.ndim] = out.strides[d];
      ox.strides[1][ox.ndim++] = in.strides[d];
      n_out *= in.shape[d];
    }
  }
  if (n_out == 0) return;
  T* o = reinterpret_cast<T*>(out.data);
  const T* x = reinterpret_cast<const T*>(in.data);
  cudaStream_t s = stream_of(o);
  // Long reductions, or too few outputs to fill the GPU with one thread each: a block per output.
  if (n_red >= 1024 || n_out < 2048)
    reduce_per_block<T, kMean><<<static_cast<unsigned>(n_out < 65536 ? n_out : 65536), kThreads, 0, s>>>(o, x, n_out, n_red, ox, rx);
  else
    reduce_per_thread<T, kMean><<<blocks_for(n_out), kThreads, 0, s>>>(o, x, n_out, n_red, ox, rx);
  check_launch(kMean ? "mean" : "sum");
}

// Softmax over the middle axis of a contiguous (outer, len, inner) input. inner == 1 (the last axis,
// the common case): one block per row. Otherwise one thread per (outer, inner) line.
template <bool kLog>
__global__ void softmax_rows(float* y, const float* x, int64_t rows, int64_t len) {
  __shared__ float scratch[kThreads];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const float* xr = x + r * len;
    float* yr = y + r * len;
    float mx = -INFINITY;
    for (int64_t i = threadIdx.x; i < len; i += blockDim.x) mx = fmaxf(mx, xr[i]);
    mx = block_reduce<true>(mx, scratch);
    float sum = 0.0f;
    for (int64_t i = threadIdx.x; i < len; i += blockDim.x) sum += expf(xr[i] - mx);
    sum = block_reduce<false>(sum, scratch);
    const float lse = logf(sum);
    for (int64_t i = threadIdx.x; i < len; i += blockDim.x)
      yr[i] = kLog ? xr[i] - mx - lse : expf(xr[i] - mx) / sum;
  }
}

template <bool kLog>
__global__ void softmax_lines(float* y, const float* x, int64_t outer, int64_t len, int64_t inner) {
  const int64_t lines = outer * inner;
  for (int64_t l = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; l < lines; l += int64_t(gridDim.x) * blockDim.x) {
    const int64_t base = (l / inner) * len * inner + l % inner;
    float mx = -INFINITY;
    for (int64_t i = 0; i < len; ++i) mx = fmaxf(mx, x[base + i * inner]);
    float sum = 0.0f;
    for (int64_t i = 0; i < len; ++i) sum += expf(x[base + i * inner] - mx);
    const float lse = logf(sum);
    for (int64_t i = 0; i < len; ++i) {
      const float v = x[base + i * inner];
      y[base + i * inner] = kLog ? v - mx - lse : expf(v - mx) / sum;
    }
  }
}

template <bool kLog>
void softmax_cuda(const KernelArgs& args) {
  const auto& p = *static_cast<const SoftmaxParams*>(args.params);
  float* y = reinterpret_cast<float*>(args.out.data);
  const float* x = reinterpret_cast<const float*>(args.in[0].data);
  if (p.outer * p.len * p.inner == 0) return;
  cudaStream_t s = stream_of(y);
  if (p.inner == 1)
    softmax_rows<kLog><<<static_cast<unsigned>(p.outer < 65536 ? p.outer : 65536), kThreads, 0, s>>>(y, x, p.outer, p.len);
  else
    softmax_lines<kLog><<<blocks_for(p.outer * p.inner), kThreads, 0, s>>>(y, x, p.outer, p.len, p.inner);
  check_launch(kLog ? "log_softmax" : "softmax");
}

template <class T> void sum_cuda(const KernelArgs& a) { reduce_cuda<T, false>(a); }
template <class T> void mean_cuda(const KernelArgs& a) { reduce_cuda<T, true>(a); }

TFL_REGISTER_KERNEL(sum, cuda, f32, sum_cuda<float>);
TFL_REGISTER_KERNEL(sum, cuda, f16, sum_cuda<__half>);
TFL_REGISTER_KERNEL(sum, cuda, bf16, sum_cuda<__nv_bfloat16>);
TFL_REGISTER_KERNEL(mean, cuda, f32, mean_cuda<float>);
TFL_REGISTER_KERNEL(mean, cuda, f16, mean_cuda<__half>);
TFL_REGISTER_KERNEL(mean, cuda, bf16, mean_cuda<__nv_bfloat16>);
// f16/bf16 softmax runs in f32: the op casts in and out (core/ops/nn.cpp kernel_dtype).
TFL_REGISTER_KERNEL(softmax, cuda, f32, softmax_cuda<false>);
TFL_REGISTER_KERNEL(log_softmax, cuda, f32, softmax_cuda<true>);

}  // namespace

}  // namespace cuda
}  // namespace tfl
