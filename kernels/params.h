// Parameter structs passed through KernelArgs::params, shared by op files and kernels of all devices.
// Each family adds its own header kernels/params_<family>.h; the ones used by the core's basics live here.
#pragma once

#include <cstdint>

namespace tfl {

struct FillParams {
  double value;
};

}  // namespace tfl
