// CUDA kernels of elementwise arithmetic and math (f32, f16, bf16; computed in float), with broadcasting.
#include "kernels/cuda/loops.cuh"

namespace tfl {
namespace cuda {

namespace {

// out[i] = f(a[i], b[i]) over the broadcast shape; operands may have any strides (0 for broadcast).
// One kernel serves dense and strided operands (`flat` is uniform across the grid): half the kernels
// to compile, and the dense case never pays for the index arithmetic.
template <class T, class F>
__global__ void binary_kernel(T* out, const T* a, const T* b, int64_t n, bool flat, Indexer ix, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    if (flat) {
      store(out + i, f(load(a + i), load(b + i)));
    } else {
      int64_t off[3];
      ix.offsets(i, off, 3);
      store(out + off[0], f(load(a + off[1]), load(b + off[2])));
    }
  }
}

template <class T, class F>
__global__ void unary_kernel(T* out, const T* a, int64_t n, bool flat, Indexer ix, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    if (flat) {
      store(out + i, f(load(a + i)));
    } else {
      int64_t off[2];
      ix.offsets(i, off, 2);
      store(out + off[0], f(load(a + off[1])));
    }
  }
}

template <class T, class F>
void binary_launch(const KernelArgs& args, const char* op) {
  const int64_t n = numel_of(args.out);
  if (n == 0) return;
  const TensorArg* ops[3] = {&args.out, &args.in[0], &args.in[1]};
  const Indexer ix = make_indexer(ops, 3);
  T* out = reinterpret_cast<T*>(args.out.data);
  const T* a = reinterpret_cast<const T*>(args.in[0].data);
  const T* b = reinterpret_cast<const T*>(args.in[1].data);
  cudaStream_t s = stream_of(out);
  binary_kernel<T><<<blocks_for(n), kThreads, 0, s>>>(out, a, b, n, is_flat(ix, 3), ix, F{});
  check_launch(op);
}

template <class T, class F>
void unary_launch(const KernelArgs& args, const char* op) {
  const int64_t n = numel_of(args.out);
  if (n == 0) return;
  const TensorArg* ops[2] = {&args.out, &args.in[0]};
  const Indexer ix = make_indexer(ops, 2);
  T* out = reinterpret_cast<T*>(args.out.data);
  const T* a = reinterpret_cast<const T*>(args.in[0].data);
  cudaStream_t s = stream_of(out);
  unary_kernel<T><<<blocks_for(n), kThreads, 0, s>>>(out, a, n, is_flat(ix, 2), ix, F{});
  check_launch(op);
}

// Functors compute in float (the compute type of every dtype registered here).
struct Add { __device__ float operator()(float x, float y) const { return x + y; } };
struct Sub { __device__ float operator()(float x, float y) const { return x - y; } };
struct Mul { __device__ float operator()(float x, float y) const { return x * y; } };
struct Div { __device__ float operator()(float x, float y) const { return x / y; } };
struct Pow { __device__ float operator()(float x, float y) const { return powf(x, y); } };
// numpy.maximum / numpy.minimum: NaN in either operand wins (as kernels/cpu/elementwise_math.h).
struct Max { __device__ float operator()(float x, float y) const { return (x > y || x != x) ? x : y; } };
struct Min { __device__ float operator()(float x, float y) const { return (x < y || x != x) ? x : y; } };

struct Neg { __device__ float operator()(float x) const { return -x; } };
struct Abs { __device__ float operator()(float x) const { return fabsf(x); } };
struct Exp { __device__ float operator()(float x) const { return expf(x); } };
struct Log { __device__ float operator()(float x) const { return logf(x); } };
struct Sqrt { __device__ float operator()(float x) const { return sqrtf(x); } };
struct Sin { __device__ float operator()(float x) const { return sinf(x); } };
struct Cos { __device__ float operator()(float x) const { return cosf(x); } };
struct Tanh { __device__ float operator()(float x) const { return tanhf(x); } };
struct Sigmoid { __device__ float operator()(float x) const { return 1.0f / (1.0f + expf(-x)); } };
// relu keeps NaN and -0.0 (x < 0 is false for both), as the CPU kernel.
struct Relu { __device__ float operator()(float x) const { return x < 0.0f ? 0.0f : x; } };

#define TFL_CUDA_BINARY(name, F)                                                                   \
  template <class T>                                                                               \
  void name##_cuda(const KernelArgs& a) { binary_launch<T, F>(a, #name); }                          \
  TFL_REGISTER_KERNEL(name, cuda, f32, name##_cuda<float>);                                        \
  TFL_REGISTER_KERNEL(name, cuda, f16, name##_cuda<__half>);                                       \
  TFL_REGISTER_KERNEL(name, cuda, bf16, name##_cuda<__nv_bfloat16>)

#define TFL_CUDA_UNARY(name, F)                                                                    \
  template <class T>                                                                               \
  void name##_cuda(const KernelArgs& a) { unary_launch<T, F>(a, #name); }                           \
  TFL_REGISTER_KERNEL(name, cuda, f32, name##_cuda<float>);                                        \
  TFL_REGISTER_KERNEL(name, cuda, f16, name##_cuda<__half>);                                       \
  TFL_REGISTER_KERNEL(name, cuda, bf16, name##_cuda<__nv_bfloat16>)

TFL_CUDA_BINARY(add, Add);
TFL_CUDA_BINARY(sub, Sub);
TFL_CUDA_BINARY(mul, Mul);
TFL_CUDA_BINARY(div, Div);
TFL_CUDA_BINARY(pow, Pow);
TFL_CUDA_BINARY(maximum, Max);
TFL_CUDA_BINARY(minimum, Min);

TFL_CUDA_UNARY(neg, Neg);
TFL_CUDA_UNARY(abs, Abs);
TFL_CUDA_UNARY(exp, Exp);
TFL_CUDA_UNARY(log, Log);
TFL_CUDA_UNARY(sqrt, Sqrt);
TFL_CUDA_UNARY(sin, Sin);
TFL_CUDA_UNARY(cos, Cos);
TFL_CUDA_UNARY(tanh, Tanh);
TFL_CUDA_UNARY(sigmoid, Sigmoid);
TFL_CUDA_UNARY(relu, Relu);

}  // namespace

}  // namespace cuda
}  // namespace tfl
