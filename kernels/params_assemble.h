// Parameter structs of the assembly kernels (tril/triu, repeat), shared by op files and kernels.
#pragma once

#include <cstdint>

namespace tfl {

// tril keeps element (i, j) of each matrix iff j - i <= k; triu iff j - i >= k. The op clamps k into
// [-(rows + cols), rows + cols] so that kernels can add it to an index without overflow.
struct TriangleParams {
  int64_t k;
};

// Input is viewed as a contiguous [outer, n, inner] block, output as [outer, total, inner]; input row
// i along the middle axis appears counts[i] times in a row. counts has n entries, each >= 0, summing
// to total.
struct RepeatParams {
  const int64_t* counts;
  int64_t n;
  int64_t total;
};

}  // namespace tfl
