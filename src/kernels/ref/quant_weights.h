// Quantized weights and output requantization as the reference kernels receive them.
#pragma once

#include <cstdint>

#include "core/bitpack.h"
#include "core/dtype.h"
#include "kernels/requantize.h"

namespace trit::ref {

// Weights stored as levels of `type` (i8 bytes or bit-packed low-bit), row-major with the
// output channel outermost. Ternary levels are scaled by per-channel integer magnitudes.
struct QuantWeights {
  DType type = DType::kI8;
  const uint8_t* data = nullptr;
  const int8_t* ternary_pos = nullptr;  // ternary only: one per channel (or one if per tensor)
  const int8_t* ternary_neg = nullptr;
  bool per_channel = false;  // whether ternary_pos/neg have one entry per output channel
};

// The integer weight of element `index` (flat) belonging to output channel `channel`.
inline int32_t WeightLevel(const QuantWeights& w, int64_t index, int channel) {
  const int32_t level = PackedLevel(w.type, w.data, index);
  if (w.type != DType::kTernary) return level;
  const int c = w.per_channel ? channel : 0;
  if (level > 0) return w.ternary_pos[c];
  if (level < 0) return -w.ternary_neg[c];
  return 0;
}

// Decodes the `count` integer weights of output channel `channel` (starting at flat element
// `first`) into `levels`, so that the reference loops read plain integers.
inline void DecodeChannel(const QuantWeights& w, int channel, int64_t first, int64_t count,
                          int32_t* levels) {
  for (int64_t i = 0; i < count; ++i) levels[i] = WeightLevel(w, first + i, channel);
}

// The same as int8 levels, for the stored types whose levels fit (i8, i4, i2, binary, and
// ternary with magnitudes up to 127): the type's switch taken once per row, not per element,
// as the load-time packers read whole rows.
inline void DecodeRowInt8(const QuantWeights& w, int channel, int64_t first, int64_t count,
                          int8_t* levels) {
  switch (w.type) {
    case DType::kI4:
      for (int64_t i = 0; i < count; ++i) {
        const int32_t code = static_cast<int32_t>(PackedCode(w.data, 4, first + i));
        levels[i] = static_cast<int8_t>(code >= 8 ? code - 16 : code);
      }
      return;
    case DType::kI2:
      for (int64_t i = 0; i < count; ++i) {
        const int32_t code = static_cast<int32_t>(PackedCode(w.data, 2, first + i));
        levels[i] = static_cast<int8_t>(code >= 2 ? code - 4 : code);
      }
      return;
    case DType::kTernary: {
      const int c = w.per_channel ? channel : 0;
      const int8_t by_code[4] = {0, w.ternary_pos[c], 0, static_cast<int8_t>(-w.ternary_neg[c])};
      for (int64_t i = 0; i < count; ++i) levels[i] = by_code[PackedCode(w.data, 2, first + i)];
      return;
    }
    case DType::kBinary:
      for (int64_t i = 0; i < count; ++i) levels[i] = PackedCode(w.data, 1, first + i) ? 1 : -1;
      return;
    default:
      for (int64_t i = 0; i < count; ++i) {
        levels[i] = static_cast<int8_t>(WeightLevel(w, first + i, channel));
      }
      return;
  }
}

// Output requantization: one multiplier per channel (or one for all), zero point, clamp.
struct QuantOutput {
  const Requant* requant = nullptr;
  bool per_channel = false;
  int32_t zero_point = 0;
  int32_t lo = -128, hi = 127;
};

inline int32_t RequantizeToOutput(int32_t acc, const QuantOutput& q, int channel) {
  const Requant r = q.requant[q.per_channel ? channel : 0];
  return Clamp(q.zero_point + Requantize(acc, r), q.lo, q.hi);
}

}  // namespace trit::ref
