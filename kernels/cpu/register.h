// Registration helpers for CPU kernels templated on the storage type.
#pragma once

#include "core/dispatch.h"

// Registers Kernel<T> for op under every floating dtype, every numeric dtype, or all dtypes.
#define TFL_REGISTER_CPU_FLOAT(op, Kernel)                      \
  TFL_REGISTER_KERNEL(op, cpu, f32, Kernel<float>);             \
  TFL_REGISTER_KERNEL(op, cpu, f64, Kernel<double>);            \
  TFL_REGISTER_KERNEL(op, cpu, f16, Kernel<::tfl::Half>);       \
  TFL_REGISTER_KERNEL(op, cpu, bf16, Kernel<::tfl::BFloat16>)

// Every integer dtype (bool excluded), for kernels listed per integer type.
#define TFL_REGISTER_CPU_INTEGER(op, Kernel)            \
  TFL_REGISTER_KERNEL(op, cpu, i32, Kernel<int32_t>);   \
  TFL_REGISTER_KERNEL(op, cpu, i64, Kernel<int64_t>);   \
  TFL_REGISTER_KERNEL(op, cpu, u8, Kernel<uint8_t>);    \
  TFL_REGISTER_KERNEL(op, cpu, i8, Kernel<int8_t>);     \
  TFL_REGISTER_KERNEL(op, cpu, i16, Kernel<int16_t>);   \
  TFL_REGISTER_KERNEL(op, cpu, u16, Kernel<uint16_t>);  \
  TFL_REGISTER_KERNEL(op, cpu, u32, Kernel<uint32_t>);  \
  TFL_REGISTER_KERNEL(op, cpu, u64, Kernel<uint64_t>)

#define TFL_REGISTER_CPU_NUMERIC(op, Kernel) \
  TFL_REGISTER_CPU_FLOAT(op, Kernel);        \
  TFL_REGISTER_CPU_INTEGER(op, Kernel)

#define TFL_REGISTER_CPU_ALL(op, Kernel) \
  TFL_REGISTER_CPU_NUMERIC(op, Kernel);  \
  TFL_REGISTER_KERNEL(op, cpu, bool, Kernel<bool>)
