// The struct behind the tfl_dataloader handle of the C API.
#pragma once

#include <atomic>
#include <cstdint>

#include "capi/api_types.h"
#include "core/data/dataloader.h"

struct tfl_dataloader {
  explicit tfl_dataloader(tfl::data::DataLoader l) : impl(std::move(l)) {}
  tfl::data::DataLoader impl;
  std::atomic<int32_t> refs{1};
};
