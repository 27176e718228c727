// NumPy .npy files: little-endian f4 / i4 / i1 / u1 arrays in C order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/shape.h"

namespace trit::data {

struct NpyArray {
  DType dtype = DType::kF32;  // f32, i32, i8 or u8
  Shape shape;
  std::vector<uint8_t> bytes;  // NumElements(shape) elements
};

// Throws trit::Error (kIo for a missing file, kInvalidArgument for a malformed or unsupported
// one) naming the file and the problem.
NpyArray ReadNpy(const std::string& path);

// Writes atomically (temp file + rename): a failure never leaves a partial file.
void WriteNpy(const std::string& path, const NpyArray& array);

}  // namespace trit::data
