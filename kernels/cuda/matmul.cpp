// CUDA matmul through cuBLAS (loaded at run time): batched GEMM on row-major or transposed operands.
#include <cublas_api.h>
#include <dlfcn.h>

#include <mutex>
#include <string>

#include "core/cuda_allocator.h"
#include "core/cuda_device.h"
#include "core/dispatch.h"
#include "core/error.h"
#include "kernels/cuda/runtime.h"

namespace tfl {
namespace cuda {

namespace {

// Note [cuBLAS at run time]
// libcublas is dlopened on the first CUDA matmul, like OpenBLAS on the CPU (kernels/cpu/blas.cpp): the
// library's NEEDED list stays free of CUDA libraries, so a CUDA build loads on machines without them.
using CreateFn = cublasStatus_t (*)(cublasHandle_t*);
using SetStreamFn = cublasStatus_t (*)(cublasHandle_t, cudaStream_t);
using GemmFn = cublasStatus_t (*)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const void*,
                                  const void*, cudaDataType, int, long long, const void*, cudaDataType, int, long long,
                                  const void*, void*, cudaDataType, int, long long, int, cublasComputeType_t,
                                  cublasGemmAlgo_t);

struct Cublas {
  CreateFn create = nullptr;
  SetStreamFn set_stream = nullptr;
  GemmFn gemm = nullptr;
  std::string error;  // why it could not be loaded
};

const Cublas& cublas() {
  static const Cublas lib = [] {
    Cublas c;
    const std::string name = "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR);
    void* h = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      c.error = std::string("cannot load ") + name + ": " + dlerror();
      return c;
    }
    c.create = reinterpret_cast<CreateFn>(dlsym(h, "cublasCreate_v2"));
    c.set_stream = reinterpret_cast<SetStreamFn>(dlsym(h, "cublasSetStream_v2"));
    c.gemm = reinterpret_cast<GemmFn>(dlsym(h, "cublasGemmStridedBatchedEx"));
    if (!c.create || !c.set_stream || !c.gemm) c.error = name + " lacks cublasCreate_v2/SetStream_v2/GemmStridedBatchedEx";
    return c;
  }();
  return lib;
}

void check_blas(cublasStatus_t st, const char* what) {
  if (st != CUBLAS_STATUS_SUCCESS) TFL_THROW(DeviceError, "matmul", what, " failed with cuBLAS status ", static_cast<int>(st));
}

// One handle per device, bound to the device's default stream.
cublasHandle_t handle_for(int device) {
  const Cublas& c = cublas();
  if (!c.error.empty()) TFL_THROW(DeviceError, "matmul", "cuBLAS unavailable: ", c.error);
  static std::mutex mu;
  static cublasHandle_t handles[64] = {};
  std::lock_guard<std::mutex> lock(mu);
  cudaStream_t s = stream_for(device);
  if (!handles[device]) {
    check_blas(c.create(&handles[device]), "cublasCreate");
    check_blas(c.set_stream(handles[device], s), "cublasSetStream");
  }
  return handles[device];
}

// How cuBLAS (column-major) sees a row-major rows x cols matrix view with strides (rs, cs): its memory
// is the column-major cols x rows matrix M^T when cs == 1 (op N), or M itself when rs == 1 (op T).
struct MatLayout {
  bool ok = false;
  cublasOperation_t op = CUBLAS_OP_N;
  int64_t ld = 1;
};

MatLayout layout_of(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  MatLayout l;
  if (cs == 1 || cols == 1) {
    l.ld = rows == 1 ? (cols > 1 ? cols : 1) : rs;
    if (l.ld >= (cols > 1 ? cols : 1)) {
      l.ok = true;
      l.op = CUBLAS_OP_N;
      return l;
    }
  }
  if (rs == 1 || rows == 1) {
    l.ld = cols == 1 ? (rows > 1 ? rows : 1) : cs;
    if (l.ld >= (rows > 1 ? rows : 1)) {
      l.ok = true;
      l.op = CUBLAS_OP_T;
    }
  }
  return l;
}

// A dense row-major copy of an operand whose matrices have no unit stride (made with the CUDA copy
// kernel into a device-allocator block that lives until the GEMM has been queued).
struct Packed {
  void* data = nullptr;
  size_t bytes = 0;
  int device = 0;
  ~Packed() {
    if (data) DeviceAllocator::instance(device).deallocate(data, bytes);
  }
};

void pack(const TensorArg& src, Packed* p, int64_t* strides_out) {
  int64_t n = 1;
  for (int d = 0; d < src.ndim; ++d) n *= src.shape[d];
  int64_t s = 1;
  for (int d = src.ndim - 1; d >= 0; --d) {
    strides_out[d] = s;
    s *= src.shape[d];
  }
  p->device = device_of(src.data);
  p->bytes = static_cast<size_t>(n) * dtype_size(src.dtype);
  p->data = DeviceAllocator::instance(p->device).allocate(p->bytes);
  KernelArgs args;
  args.out = TensorArg{static_cast<char*>(p->data), src.dtype, src.ndim, src.shape, strides_out};
  args.in[0] = src;
  args.nin = 1;
  static const int kCopy = op_index("copy");
  find_kernel(kCopy, DeviceType::CUDA, src.dtype)(args);
}

void matmul_cuda(const KernelArgs& args) {
  const TensorArg& out = args.out;
  TensorArg a = args.in[0], b = args.in[1];
  const int nd = out.ndim, nb = nd - 2;
  const int64_t m = out.shape[nd - 2], n = out.shape[nd - 1], k = a.shape[nd - 1];
  int64_t batch = 1;
  for (int d = 0; d < nb; ++d) batch *= out.shape[d];
  if (m == 0 || n == 0 || batch == 0) return;
  const int device = device_of(out.data);
  cudaStream_t stream = stream_for(device);
  const size_t item = dtype_size(out.dtype);
  if (k == 0) {  // empty sum: zeros (all-zero bits are 0 in every float dtype)
    check(cudaMemsetAsync(out.data, 0, static_cast<size_t>(batch * m * n) * item, stream), "matmul", "cudaMemsetAsync");
    return;
  }
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX)
    TFL_THROW(NotImplementedError, "matmul", "matrix dimensions above 2^31 - 1 on cuda");

  MatLayout la = layout_of(m, k, a.strides[nd - 2], a.strides[nd - 1]);
  MatLayout lb = layout_of(k, n, b.strides[nd - 2], b.strides[nd - 1]);
  Packed pa, pb;
  int64_t sa_packed[kMaxDims], sb_packed[kMaxDims];
  if (!la.ok) {
    pack(a, &pa, sa_packed);
    a.data = static_cast<char*>(pa.data);
    a.strides = sa_packed;
    la = layout_of(m, k, a.strides[nd - 2], a.strides[nd - 1]);
  }
  if (!lb.ok) {
    pack(b, &pb, sb_packed);
    b.data = static_cast<char*>(pb.data);
    b.strides = sb_packed;
    lb = layout_of(k, n, b.strides[nd - 2], b.strides[nd - 1]);
  }

  cudaDataType type;
  cublasComputeType_t compute;
  float alpha32 = 1.0f, beta32 = 0.0f;
  double alpha64 = 1.0, beta64 = 0.0;
  const void* alpha = &alpha32;
  const void* beta = &beta32;
  switch (out.dtype) {
    case DType::F32:
      type = CUDA_R_32F;
      compute = allow_tf32() ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
      break;
    case DType::F16: type = CUDA_R_16F; compute = CUBLAS_COMPUTE_32F; break;
    case DType::BF16: type = CUDA_R_16BF; compute = CUBLAS_COMPUTE_32F; break;
    case DType::F64:
      type = CUDA_R_64F;
      compute = CUBLAS_COMPUTE_64F;
      alpha = &alpha64;
      beta = &beta64;
      break;
    default: TFL_THROW(NotImplementedError, "matmul", "no kernel for (cuda, ", dtype_name(out.dtype), ")");
  }

  // The innermost batch dimension goes to one strided-batched call; the others loop on the host.
  const int64_t inner = nb > 0 ? out.shape[nb - 1] : 1;
  const int64_t sa_in = nb > 0 ? a.strides[nb - 1] : 0, sb_in = nb > 0 ? b.strides[nb - 1] : 0;
  const int64_t outer = batch / inner;
  cublasHandle_t h = handle_for(device);
  for (int64_t o = 0; o < outer; ++o) {
    // Offsets of outer batch index o (row-major over the batch dimensions before the last).
    int64_t rem = o, off_a = 0, off_b = 0;
    for (int d = nb - 2; d >= 0; --d) {
      const int64_t i = rem % out.shape[d];
      rem /= out.shape[d];
      off_a += i * a.strides[d];
      off_b += i * b.strides[d];
    }
    const char* pa_ptr = a.data + off_a * static_cast<int64_t>(item);
    const char* pb_ptr = b.data + off_b * static_cast<int64_t>(item);
    char* pc = out.data + o * inner * m * n * static_cast<int64_t>(item);
    // Row-major C = A B is column-major C^T = B^T A^T: cuBLAS gets (B, A) with sizes (n, m, k).
    check_blas(cublas().gemm(h, lb.op, la.op, static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), alpha,
                             pb_ptr, type, static_cast<int>(lb.ld), sb_in, pa_ptr, type, static_cast<int>(la.ld), sa_in,
                             beta, pc, type, static_cast<int>(n), m * n, static_cast<int>(inner), compute,
                             CUBLAS_GEMM_DEFAULT),
               "cublasGemmStridedBatchedEx");
  }
}

}  // namespace

TFL_REGISTER_KERNEL(matmul, cuda, f32, matmul_cuda);
TFL_REGISTER_KERNEL(matmul, cuda, f64, matmul_cuda);
TFL_REGISTER_KERNEL(matmul, cuda, f16, matmul_cuda);
TFL_REGISTER_KERNEL(matmul, cuda, bf16, matmul_cuda);

}  // namespace cuda
}  // namespace tfl
