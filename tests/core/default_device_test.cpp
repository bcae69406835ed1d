// Tests of the default device: cpu until set, CUDA refused with DeviceError when unusable, device info JSON.
#include <catch2/catch.hpp>
#include <string>

#include "core/cuda_device.h"
#include "core/default_device.h"
#include "core/error.h"
#include "core/ops/creation.h"

using namespace tfl;

TEST_CASE("default device: cpu, set to cpu, CUDA refused when unavailable", "[default_device]") {
  CHECK(default_device() == Device{});
  set_default_device(Device{});
  CHECK(default_device().str() == "cpu");
  Tensor t = zeros({2});
  CHECK(on_default_device(t).impl() == t.impl());  // already there: the same tensor
  if (!cuda::available()) {
    REQUIRE_THROWS_AS(set_default_device(Device{DeviceType::CUDA, 0}), DeviceError);
    REQUIRE_THROWS_WITH(set_default_device(Device{DeviceType::CUDA, 0}),
                        Catch::Contains("[set_default_device] CUDA unavailable: "));
    CHECK(default_device() == Device{});  // unchanged
  }
  REQUIRE_THROWS_WITH(set_default_device(Device{DeviceType::CPU, 2}),
                      Catch::Contains("the cpu device has index 0, got 2"));
  REQUIRE_THROWS_AS(set_default_device(Device{DeviceType::CUDA, -1}), InvalidArgumentError);
}

TEST_CASE("device_info_json lists the cpu and every counted GPU", "[default_device]") {
  const std::string j = device_info_json();
  CHECK(j.rfind("{\"default\": \"cpu\", \"cuda\": {\"compiled\": ", 0) == 0);
  CHECK(j.find("{\"name\": \"cpu\", \"type\": \"cpu\", \"index\": 0, \"available\": true, \"description\": ") !=
        std::string::npos);
  CHECK(j.find("\"device_count\": " + std::to_string(cuda::device_count()) + "}") != std::string::npos);
  CHECK((j.find("\"name\": \"cuda:0\"") != std::string::npos) == (cuda::device_count() > 0));
  CHECK(j.back() == '}');
}
