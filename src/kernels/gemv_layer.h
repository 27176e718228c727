// What the batch-1 Dense kernels (x86/lowbit_gemv.h: int4, int2 and ternary codes;
// sparse/ternary_gemv.h: ternary index lists) take: the layer's integer levels, bias and
// requantization.
#pragma once

#include <cstdint>

#include "core/dtype.h"
#include "kernels/requantize.h"

namespace trit {

struct GemvLayer {
  int64_t n = 0, depth = 0;
  const int8_t* levels = nullptr;  // [n][depth] (ternary kernels: each channel in {+pos, 0, -neg})
  const int32_t* bias = nullptr;   // [n] or null
  const Requant* requant = nullptr;
  bool per_channel = false;
  DType input_type = DType::kI8;  // kI8 or kU8
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0, lo = -128, hi = 127;
};

// Whether every channel takes at most one positive and one negative level.
inline bool IsTernaryPerChannel(const int8_t* levels, int64_t n, int64_t depth) {
  for (int64_t c = 0; c < n; ++c) {
    int pos = 0, neg = 0;
    for (int64_t k = 0; k < depth; ++k) {
      const int v = levels[c * depth + k];
      if ((v > 0 && pos != 0 && v != pos) || (v < 0 && neg != 0 && v != neg)) return false;
      if (v > 0) pos = v;
      if (v < 0) neg = v;
    }
  }
  return true;
}

}  // namespace trit
