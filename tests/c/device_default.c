/* Plain C99 use of the default device and device info: the default is the CPU, creation functions put
 * tensors there, setting CUDA fails with TFL_ERR_DEVICE "CUDA unavailable" when no GPU is usable (and
 * leaves the default unchanged), and the device-info JSON names the CPU and as many GPUs as are counted. */
#include "test_util.h"

int main(void) {
  tfl_device_type type = TFL_DEVICE_CUDA;
  int32_t index = -1, count = -1;
  tfl_tensor *t = NULL, *r = NULL;
  size_t len = 0;
  char* json;
  bool cuda = true;

  OK(tfl_default_device_get(&type, &index));
  CHECK(type == TFL_DEVICE_CPU && index == 0);
  OK(tfl_tensor_zeros(&t, S(2, 3), 2, TFL_DTYPE_F32));
  keep(t);
  OK(tfl_tensor_device(&type, &index, t));
  CHECK(type == TFL_DEVICE_CPU && index == 0);
  OK(tfl_tensor_randn(&r, S(4), 1, TFL_DTYPE_F32));
  keep(r);
  OK(tfl_tensor_device(&type, &index, r));
  CHECK(type == TFL_DEVICE_CPU);
  OK(tfl_default_device_set(TFL_DEVICE_CPU, 0));
  OK(tfl_cuda_is_available(&cuda));
  OK(tfl_cuda_device_count(&count));
  if (!cuda) {
    FAILS(tfl_default_device_set(TFL_DEVICE_CUDA, 0), TFL_ERR_DEVICE, "CUDA unavailable: ");
    OK(tfl_default_device_get(&type, &index));
    CHECK(type == TFL_DEVICE_CPU && index == 0);
  }
  FAILS(tfl_default_device_set(TFL_DEVICE_CPU, 1), TFL_ERR_INVALID_ARGUMENT, "index 0");
  FAILS(tfl_default_device_set((tfl_device_type)7, 0), TFL_ERR_INVALID_ARGUMENT, "device_type");

  OK(tfl_device_info_json(NULL, &len, 0));
  CHECK(len > 0);
  json = (char*)malloc(len + 1);
  FAILS(tfl_device_info_json(json, &len, len), TFL_ERR_INVALID_ARGUMENT, "capacity");
  OK(tfl_device_info_json(json, &len, len + 1));
  CHECK(strlen(json) == len);
  CHECK(strstr(json, "\"default\": \"cpu\"") != NULL);
  CHECK(strstr(json, "{\"name\": \"cpu\", \"type\": \"cpu\", \"index\": 0, \"available\": true") != NULL);
  CHECK(strstr(json, cuda ? "\"available\": true, \"reason\"" : "\"available\": false, \"reason\"") != NULL);
  CHECK((strstr(json, "\"name\": \"cuda:0\"") != NULL) == (count > 0));
  free(json);
  return finish("device_default");
}
