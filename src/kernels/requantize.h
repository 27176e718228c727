// Integer requantization, the heart of the numerics contract (docs/quantization.md).
//
// A real multiplier M > 0 is stored as an integer pair (multiplier m, shift s) with
// M ~= m / 2^s, m in [2^30, 2^31) when M is representable that way. Applying it to an integer
// accumulator is one 64-bit product and one rounding right shift:
//     Requantize(acc) = (acc * m + 2^(s-1)) >> s        (arithmetic shift: round half up)
// This is exactly what ARM's rounding shift (SRSHL / vrshr) does and what add + sra does on
// x86, so every ISA gives the same bits. No float touches the value at run time.
#pragma once

#include <cmath>
#include <cstdint>

namespace trit {

struct Requant {
  int32_t multiplier = 1 << 30;  // m
  int32_t shift = 30;            // s, in [0, 62]
};

// Rounding arithmetic right shift, half rounds up (toward +inf). shift in [0, 62].
inline int64_t RoundingShiftRight(int64_t value, int32_t shift) {
  if (shift == 0) return value;
  return (value + (int64_t{1} << (shift - 1))) >> shift;
}

// acc * M, rounded. |acc| < 2^31 so the product fits in 64 bits.
inline int32_t Requantize(int32_t acc, Requant r) {
  return static_cast<int32_t>(
      RoundingShiftRight(static_cast<int64_t>(acc) * r.multiplier, r.shift));
}

inline int32_t Clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

// The integer pair for a real multiplier, computed once at load time in double precision.
// Multipliers in (0, 2^31) are supported; tiny ones lose mantissa bits rather than range.
inline Requant QuantizeMultiplier(double real) {
  Requant r;
  if (!(real > 0.0) || !std::isfinite(real)) {
    r.multiplier = 0;
    r.shift = 0;
    return r;
  }
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction * 2^exponent
  int64_t m = static_cast<int64_t>(std::llround(fraction * static_cast<double>(int64_t{1} << 31)));
  if (m == (int64_t{1} << 31)) {  // fraction rounded up to 1.0
    m >>= 1;
    ++exponent;
  }
  int32_t shift = 31 - exponent;
  while (shift > 62) {  // too small for the full mantissa: drop bits, keep the range
    m = (m + 1) >> 1;
    --shift;
  }
  if (shift < 0) {  // real >= 2^31: saturate
    m = (int64_t{1} << 31) - 1;
    shift = 0;
  }
  r.multiplier = static_cast<int32_t>(m);
  r.shift = shift;
  return r;
}

}  // namespace trit
