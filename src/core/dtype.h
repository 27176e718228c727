// Element types. Low-bit weight types are stored bit-packed (see bitpack.h).
// This header depends on nothing but the standard library: kernels include it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace trit {

enum class DType : uint8_t {
  kF32 = 0,
  kI32 = 1,
  kI8 = 2,
  kU8 = 3,
  kI4 = 4,       // two's complement nibble, levels -8..7
  kI2 = 5,       // two's complement 2 bits, levels -2..1
  kTernary = 6,  // 2-bit code: 00 -> 0, 01 -> +1, 11 -> -1 (10 is invalid)
  kBinary = 7,   // 1 bit: 1 -> +1, 0 -> -1 (weights, and binary activations)
};

inline constexpr int kNumDTypes = 8;

constexpr int BitsPerElement(DType type) {
  switch (type) {
    case DType::kF32:
    case DType::kI32:
      return 32;
    case DType::kI8:
    case DType::kU8:
      return 8;
    case DType::kI4:
      return 4;
    case DType::kI2:
    case DType::kTernary:
      return 2;
    case DType::kBinary:
      return 1;
  }
  return 0;
}

// True for the types stored with several elements per byte.
constexpr bool IsPacked(DType type) { return BitsPerElement(type) < 8; }

// True for the types that carry a quantized activation (scale + zero point).
constexpr bool IsQuantizedActivation(DType type) {
  return type == DType::kI8 || type == DType::kU8;
}

// Bytes needed to store `count` elements, packed densely (no per-row padding).
constexpr size_t StorageBytes(DType type, int64_t count) {
  return static_cast<size_t>((count * BitsPerElement(type) + 7) / 8);
}

std::string_view DTypeName(DType type);
std::optional<DType> ParseDType(std::string_view name);

// Integer range of an activation type (binary activations are the levels -1 and +1).
constexpr int32_t QuantMin(DType type) {
  return type == DType::kU8 ? 0 : (type == DType::kBinary ? -1 : -128);
}
constexpr int32_t QuantMax(DType type) {
  return type == DType::kU8 ? 255 : (type == DType::kBinary ? 1 : 127);
}

}  // namespace trit
