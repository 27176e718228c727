// Bit-packed storage of the low-bit weight types (int4, int2, ternary, binary).
//
// Element i of a packed array occupies bits [i*b, i*b + b) of a little-endian bit stream,
// b = BitsPerElement: byte i*b/8, starting at bit (i*b)%8. Rows are not padded: the packing is
// the flat row-major element order. Levels are the small integers the element stands for:
//   int4: -8..7, int2: -2..1, ternary: -1, 0, +1 (code 10 is invalid), binary: -1, +1.
// Header-only and dependency-free so that kernels, the format and the quantizers share it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/dtype.h"

namespace trit {

// The raw b-bit code of element i.
inline uint32_t PackedCode(const uint8_t* data, int bits, int64_t i) {
  const int64_t bit = i * bits;
  return (data[bit >> 3] >> (bit & 7)) & ((1u << bits) - 1u);
}

// The integer level of element i of a packed array of `type`.
inline int32_t PackedLevel(DType type, const uint8_t* data, int64_t i) {
  switch (type) {
    case DType::kI4: {
      const int32_t code = static_cast<int32_t>(PackedCode(data, 4, i));
      return code >= 8 ? code - 16 : code;
    }
    case DType::kI2:
    case DType::kTernary: {
      const int32_t code = static_cast<int32_t>(PackedCode(data, 2, i));
      return code >= 2 ? code - 4 : code;  // ternary code 10 (-2) is rejected by the verifier
    }
    case DType::kBinary:
      return PackedCode(data, 1, i) ? 1 : -1;
    case DType::kI8:
      return reinterpret_cast<const int8_t*>(data)[i];
    case DType::kU8:
      return data[i];
    default:
      return 0;
  }
}

// The code that stores `level` in a packed type (level must be in range for the type).
inline uint32_t LevelCode(DType type, int32_t level) {
  switch (type) {
    case DType::kI4:
      return static_cast<uint32_t>(level) & 0xFu;
    case DType::kI2:
    case DType::kTernary:
      return static_cast<uint32_t>(level) & 0x3u;
    case DType::kBinary:
      return level > 0 ? 1u : 0u;
    default:
      return static_cast<uint32_t>(level) & 0xFFu;
  }
}

// Smallest and largest level a type can hold.
constexpr int32_t MinLevel(DType type) {
  switch (type) {
    case DType::kI4:
      return -8;
    case DType::kI2:
      return -2;
    case DType::kTernary:
    case DType::kBinary:
      return -1;
    case DType::kU8:
      return 0;
    default:
      return -128;
  }
}
constexpr int32_t MaxLevel(DType type) {
  switch (type) {
    case DType::kI4:
      return 7;
    case DType::kI2:
    case DType::kTernary:
    case DType::kBinary:
      return 1;
    case DType::kU8:
      return 255;
    default:
      return 127;
  }
}

// Packs `count` levels into `out` (StorageBytes(type, count) bytes, zeroed first here).
inline void PackLevels(DType type, const int8_t* levels, int64_t count, uint8_t* out) {
  const int bits = BitsPerElement(type);
  const size_t bytes = StorageBytes(type, count);
  for (size_t b = 0; b < bytes; ++b) out[b] = 0;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t bit = i * bits;
    out[bit >> 3] |= static_cast<uint8_t>(LevelCode(type, levels[i]) << (bit & 7));
  }
}

// Unpacks `count` levels of `type` into int8.
inline void UnpackLevels(DType type, const uint8_t* data, int64_t count, int8_t* out) {
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<int8_t>(PackedLevel(type, data, i));
}

}  // namespace trit
