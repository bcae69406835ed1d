// CUDA kernels of comparisons (bool results) and where (f32, f16, bf16): what relu's and maximum's
// backward passes use, so autograd runs on the device.
#include "kernels/cuda/loops.cuh"

namespace tfl {
namespace cuda {

namespace {

template <class T, class F>
__global__ void compare_kernel(bool* out, const T* a, const T* b, int64_t n, Indexer ix, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t off[3];
    ix.offsets(i, off, 3);
    out[off[0]] = f(load(a + off[1]), load(b + off[2]));
  }
}

template <class T, class F>
void compare_launch(const KernelArgs& args, const char* op) {
  const int64_t n = numel_of(args.out);
  if (n == 0) return;
  const TensorArg* ops[3] = {&args.out, &args.in[0], &args.in[1]};
  const Indexer ix = make_indexer(ops, 3);
  bool* out = reinterpret_cast<bool*>(args.out.data);
  compare_kernel<T><<<blocks_for(n), kThreads, 0, stream_of(out)>>>(
      out, reinterpret_cast<const T*>(args.in[0].data), reinterpret_cast<const T*>(args.in[1].data), n, ix, F{});
  check_launch(op);
}

// out = cond ? a : b, all four broadcast to one shape.
template <class T>
__global__ void where_kernel(T* out, const bool* cond, const T* a, const T* b, int64_t n, Indexer ix) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t off[4];
    ix.offsets(i, off, 4);
    out[off[0]] = cond[off[1]] ? a[off[2]] : b[off[3]];
  }
}

template <class T>
void where_cuda(const KernelArgs& args) {
  const int64_t n = numel_of(args.out);
  if (n == 0) return;
  const TensorArg* ops[4] = {&args.out, &args.in[0], &args.in[1], &args.in[2]};
  const Indexer ix = make_indexer(ops, 4);
  T* out = reinterpret_cast<T*>(args.out.data);
  where_kernel<T><<<blocks_for(n), kThreads, 0, stream_of(out)>>>(
      out, reinterpret_cast<const bool*>(args.in[0].data), reinterpret_cast<const T*>(args.in[1].data),
      reinterpret_cast<const T*>(args.in[2].data), n, ix);
  check_launch("where");
}

struct Eq { __device__ bool operator()(float x, float y) const { return x == y; } };
struct Ne { __device__ bool operator()(float x, float y) const { return x != y; } };
struct Lt { __device__ bool operator()(float x, float y) const { return x < y; } };
struct Le { __device__ bool operator()(float x, float y) const { return x <= y; } };
struct Gt { __device__ bool operator()(float x, float y) const { return x > y; } };
struct Ge { __device__ bool operator()(float x, float y) const { return x >= y; } };

// Comparisons are registered under the operands' dtype (the op casts both to it); the result is bool.
#define TFL_CUDA_COMPARE(name, F)                                                                  \
  template <class T>                                                                               \
  void name##_cuda(const KernelArgs& a) { compare_launch<T, F>(a, #name); }                         \
  TFL_REGISTER_KERNEL(name, cuda, f32, name##_cuda<float>);                                        \
  TFL_REGISTER_KERNEL(name, cuda, f16, name##_cuda<__half>);                                       \
  TFL_REGISTER_KERNEL(name, cuda, bf16, name##_cuda<__nv_bfloat16>)

TFL_CUDA_COMPARE(eq, Eq);
TFL_CUDA_COMPARE(ne, Ne);
TFL_CUDA_COMPARE(lt, Lt);
TFL_CUDA_COMPARE(le, Le);
TFL_CUDA_COMPARE(gt, Gt);
TFL_CUDA_COMPARE(ge, Ge);

TFL_REGISTER_KERNEL(where, cuda, f32, where_cuda<float>);
TFL_REGISTER_KERNEL(where, cuda, f16, where_cuda<__half>);
TFL_REGISTER_KERNEL(where, cuda, bf16, where_cuda<__nv_bfloat16>);

}  // namespace

}  // namespace cuda
}  // namespace tfl
