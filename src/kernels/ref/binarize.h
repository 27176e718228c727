// Reference Binarize (core/op_type.h): the sign as +1 or -1, +1 where x >= 0 (for 8-bit
// inputs: q >= zero point) and -1 below it or for NaN. Packed, one bit per element in the order
// of core/bitpack.h (1 -> +1), the tail of the last byte zero; or as floats for the float model.
#pragma once

#include <cstdint>

namespace trit::ref {

void BinarizeF32ToF32(int64_t count, const float* x, float* y);
void BinarizeF32(int64_t count, const float* x, uint8_t* bits);
template <typename T>
void BinarizeQ8(int64_t count, const T* x, int32_t zero_point, uint8_t* bits);

// The +-1 levels of a packed binary tensor, for kernels written for int8 inputs.
void UnpackBinary(int64_t count, const uint8_t* bits, int8_t* levels);

}  // namespace trit::ref
