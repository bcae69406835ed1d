// CUDA kernels of copy (strided, with dtype conversion) and fill, for every dtype.
#include "kernels/cuda/loops.cuh"
#include "kernels/params.h"

namespace tfl {
namespace cuda {

namespace {

// The source dtype is a run-time argument (uniform across the grid, so the switch costs no divergence):
// one kernel per destination type instead of one per (destination, source) pair keeps the build short.
template <class To>
__device__ __forceinline__ To load_as(const char* base, int64_t off, DType from) {
  switch (from) {
    case DType::F32: return convert<To>(load(reinterpret_cast<const float*>(base) + off));
    case DType::F64: return convert<To>(load(reinterpret_cast<const double*>(base) + off));
    case DType::F16: return convert<To>(load(reinterpret_cast<const __half*>(base) + off));
    case DType::BF16: return convert<To>(load(reinterpret_cast<const __nv_bfloat16*>(base) + off));
    case DType::I32: return convert<To>(load(reinterpret_cast<const int32_t*>(base) + off));
    case DType::I64: return convert<To>(load(reinterpret_cast<const int64_t*>(base) + off));
    case DType::U8: return convert<To>(load(reinterpret_cast<const uint8_t*>(base) + off));
    case DType::Bool: return convert<To>(load(reinterpret_cast<const bool*>(base) + off));
    case DType::I8: return convert<To>(load(reinterpret_cast<const int8_t*>(base) + off));
    case DType::I16: return convert<To>(load(reinterpret_cast<const int16_t*>(base) + off));
    case DType::U16: return convert<To>(load(reinterpret_cast<const uint16_t*>(base) + off));
    case DType::U32: return convert<To>(load(reinterpret_cast<const uint32_t*>(base) + off));
    case DType::U64: return convert<To>(load(reinterpret_cast<const uint64_t*>(base) + off));
  }
  return To{};
}

template <class To>
__global__ void copy_strided(To* out, const char* in, DType from, int64_t n, Indexer ix) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t off[2];
    ix.offsets(i, off, 2);
    out[off[0]] = load_as<To>(in, off[1], from);
  }
}

template <class To>
void copy_cuda(const KernelArgs& args) {
  const int64_t n = numel_of(args.out);
  if (n == 0) return;
  const TensorArg* ops[2] = {&args.out, &args.in[0]};
  const Indexer ix = make_indexer(ops, 2);
  To* out = reinterpret_cast<To*>(args.out.data);
  cudaStream_t s = stream_of(out);
  if (args.in[0].dtype == args.out.dtype && is_flat(ix, 2)) {
    check(cudaMemcpyAsync(out, args.in[0].data, static_cast<size_t>(n) * sizeof(To), cudaMemcpyDeviceToDevice, s),
          "copy", "cudaMemcpyAsync");
    return;
  }
  copy_strided<To><<<blocks_for(n), kThreads, 0, s>>>(out, args.in[0].data, args.in[0].dtype, n, ix);
  check_launch("copy");
}

template <class T>
__global__ void fill_strided(T* out, int64_t n, Indexer ix, T v) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    int64_t off[1];
    ix.offsets(i, off, 1);
    out[off[0]] = v;
  }
}

template <class T>
void fill_cuda(const KernelArgs& args) {
  const int64_t n = numel_of(args.out);
  if (n == 0) return;
  const TensorArg* ops[1] = {&args.out};
  const Indexer ix = make_indexer(ops, 1);
  T* out = reinterpret_cast<T*>(args.out.data);
  const double value = static_cast<const FillParams*>(args.params)->value;
  // The value is converted once on the host, with the rules of convert<T> (kernels/cpu/convert.h).
  T v{};
  if constexpr (std::is_same<T, __half>::value) v = __double2half(value);
  else if constexpr (std::is_same<T, __nv_bfloat16>::value) v = __double2bfloat16(value);
  else if constexpr (std::is_same<T, bool>::value) v = value != 0.0;
  else if constexpr (std::is_integral<T>::value) {
    if (value != value) v = T(0);
    else if (value <= static_cast<double>(std::numeric_limits<T>::min())) v = std::numeric_limits<T>::min();
    else if (value >= static_cast<double>(std::numeric_limits<T>::max())) v = std::numeric_limits<T>::max();
    else v = static_cast<T>(value);
  } else v = static_cast<T>(value);
  fill_strided<T><<<blocks_for(n), kThreads, 0, stream_of(out)>>>(out, n, ix, v);
  check_launch("fill");
}

#define TFL_CUDA_ALL_TYPES(op, K)                              \
  TFL_REGISTER_KERNEL(op, cuda, f32, K<float>);                \
  TFL_REGISTER_KERNEL(op, cuda, f64, K<double>);               \
  TFL_REGISTER_KERNEL(op, cuda, f16, K<__half>);               \
  TFL_REGISTER_KERNEL(op, cuda, bf16, K<__nv_bfloat16>);       \
  TFL_REGISTER_KERNEL(op, cuda, i32, K<int32_t>);              \
  TFL_REGISTER_KERNEL(op, cuda, i64, K<int64_t>);              \
  TFL_REGISTER_KERNEL(op, cuda, u8, K<uint8_t>);               \
  TFL_REGISTER_KERNEL(op, cuda, bool, K<bool>);                \
  TFL_REGISTER_KERNEL(op, cuda, i8, K<int8_t>);                \
  TFL_REGISTER_KERNEL(op, cuda, i16, K<int16_t>);              \
  TFL_REGISTER_KERNEL(op, cuda, u16, K<uint16_t>);             \
  TFL_REGISTER_KERNEL(op, cuda, u32, K<uint32_t>);             \
  TFL_REGISTER_KERNEL(op, cuda, u64, K<uint64_t>)

TFL_CUDA_ALL_TYPES(copy, copy_cuda);
TFL_CUDA_ALL_TYPES(fill, fill_cuda);

}  // namespace

}  // namespace cuda
}  // namespace tfl
