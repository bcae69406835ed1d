// NumPy .npy files: reading (format versions 1-3, little-endian, C order) and writing (version 1).
#pragma once

#include <string>

#include "core/tensor.h"

namespace tfl::data {

// Reads a .npy file as written by numpy.save: the magic string, a version byte pair (1.0, 2.0 or 3.0),
// the header dict {'descr', 'fortran_order', 'shape'} and the raw data. Supported descr: the library's
// dtypes in little-endian or byte-order-free form (<f2 <f4 <f8 <i4 <i8 |u1 |b1, '=' read as '<').
// The result is a new contiguous CPU tensor. IoError when the file cannot be opened or read;
// DataLoadingError (naming the file) for a bad magic string or version, a malformed header, an
// unsupported descr (big-endian, structured, or a dtype the library lacks), fortran_order True, data
// shorter than the shape needs, or bool bytes other than 0/1.
Tensor load_npy(const std::string& path);

// Writes `t` (any layout, CPU) as a version 1.0 .npy file that numpy.load reads back identically.
// bf16 has no NumPy dtype: DTypeError. IoError when the file cannot be written.
void save_npy(const std::string& path, const Tensor& t);

}  // namespace tfl::data
