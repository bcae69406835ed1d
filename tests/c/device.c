/* Plain C99 checks of the device functions. Where CUDA cannot be used (this library built without
 * it, or no GPU or driver) the count is 0 and every device use fails with TFL_ERR_DEVICE "CUDA
 * unavailable: <reason>"; where it can, a round trip through cuda:0 keeps the values. */
#include "test_util.h"

static void test_build_info(int available) {
  const char* info = NULL;
  if (OK(tfl_library_build_info(&info))) {
    CHECK(strstr(info, "\"cuda\": {\"compiled\": ") != NULL);
    CHECK(strstr(info, available ? "\"available\": true" : "\"available\": false") != NULL);
    if (!available) CHECK(strstr(info, "CUDA unavailable: ") != NULL);
  }
}

static void test_unavailable(void) {
  int32_t count = -1, major = 0, minor = 0, sms = 0;
  int64_t mem = 0;
  const char* reason = NULL;
  const char* name = NULL;
  tfl_tensor *x = NULL, *y = NULL;
  if (OK(tfl_cuda_device_count(&count))) CHECK(count == 0);
  if (OK(tfl_cuda_unavailable_reason(&reason))) CHECK(reason != NULL && reason[0] != '\0');
  FAILS(tfl_cuda_device_name(&name, 0), TFL_ERR_DEVICE, "CUDA unavailable: ");
  CHECK(name == NULL);
  FAILS(tfl_cuda_device_properties(&mem, &major, &minor, &sms, 0), TFL_ERR_DEVICE, "CUDA unavailable: ");
  FAILS(tfl_cuda_synchronize(0), TFL_ERR_DEVICE, "CUDA unavailable: ");
  FAILS(tfl_cuda_memory_stat(&mem, 0, TFL_MEMORY_LIVE_BYTES), TFL_ERR_DEVICE, "CUDA unavailable: ");
  FAILS(tfl_cuda_memory_set_limit(0, 1024), TFL_ERR_DEVICE, "CUDA unavailable: ");
  FAILS(tfl_cuda_memory_empty_cache(0), TFL_ERR_DEVICE, "CUDA unavailable: ");
  /* Creating a tensor on cuda:0 (by copy) fails, names the reason, and leaves out NULL. */
  x = keep(mk(TFL_DTYPE_F32, 2, S(2, 2), V(1, 2, 3, 4)));
  FAILS(tfl_tensor_to_device(&y, x, TFL_DEVICE_CUDA, 0), TFL_ERR_DEVICE, "CUDA unavailable: ");
  CHECK(y == NULL);
  CHECK(tfl_cuda_set_allow_tf32(true) == TFL_OK);
  CHECK(tfl_cuda_set_allow_tf32(false) == TFL_OK);
}

static void test_available(void) {
  int32_t count = 0, major = 0, minor = 0, sms = 0;
  int64_t mem = 0;
  const char* name = NULL;
  tfl_tensor *x = NULL, *g = NULL, *back = NULL;
  tfl_device_type type = TFL_DEVICE_CPU;
  int32_t index = -1;
  if (OK(tfl_cuda_device_count(&count))) CHECK(count >= 1);
  if (OK(tfl_cuda_device_name(&name, 0))) CHECK(name != NULL && name[0] != '\0');
  if (OK(tfl_cuda_device_properties(&mem, &major, &minor, &sms, 0))) CHECK(mem > 0 && major >= 7 && sms > 0);
  FAILS(tfl_cuda_device_name(&name, count), TFL_ERR_DEVICE, "does not exist");
  x = keep(mk(TFL_DTYPE_F32, 2, S(2, 2), V(1, 2, 3, 4)));
  if (OK(tfl_tensor_to_device(&g, x, TFL_DEVICE_CUDA, 0))) {
    keep(g);
    if (OK(tfl_tensor_device(&type, &index, g))) CHECK(type == TFL_DEVICE_CUDA && index == 0);
    if (OK(tfl_tensor_to_device(&back, g, TFL_DEVICE_CPU, 0))) {
      keep(back);
      EXPECT(back, TFL_DTYPE_F32, 2, S(2, 2), V(1, 2, 3, 4));
    }
  }
  CHECK(tfl_cuda_synchronize(0) == TFL_OK);
}

static void test_any(void) {
  tfl_tensor *x = NULL, *y = NULL;
  /* A copy to the CPU works everywhere and is a new tensor. */
  x = keep(mk(TFL_DTYPE_F64, 1, S(3), V(1.5, -2, 7)));
  if (OK(tfl_tensor_to_device(&y, x, TFL_DEVICE_CPU, 0))) {
    keep(y);
    CHECK(y != x);
    EXPECT(y, TFL_DTYPE_F64, 1, S(3), V(1.5, -2, 7));
  }
  FAILS(tfl_tensor_to_device(&y, x, (tfl_device_type)7, 0), TFL_ERR_INVALID_ARGUMENT, "device_type");
  FAILS(tfl_tensor_to_device(&y, x, TFL_DEVICE_CPU, 1), TFL_ERR_DEVICE, "index 0");
}

int main(void) {
  bool available = false;
  CHECK(tfl_cuda_is_available(&available) == TFL_OK);
  test_build_info(available);
  if (available) test_available();
  else test_unavailable();
  test_any();
  return finish("device");
}
