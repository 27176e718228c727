// Storage encodings of constant tensors in a .trit file (docs/format.md). In memory a constant
// always holds its plain form (dense bytes, or bit-packed levels); in the file it may be stored
// sparse or entropy-coded, and is decoded once at load.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/dtype.h"
#include "format/model_file.h"

namespace trit::format {

// The stored bytes of `plain` (count elements of `type`) in `encoding`. Throws kUnsupported
// when the encoding does not apply to the type (e.g. sparse binary, entropy-coded f32).
std::vector<uint8_t> EncodeTensor(Encoding encoding, DType type, int64_t count,
                                  std::span<const uint8_t> plain);

// The smallest of the encodings that apply (ties keep the plain form, used in place).
Encoding SmallestEncoding(DType type, int64_t count, std::span<const uint8_t> plain,
                          uint64_t* stored_bytes = nullptr);

// The plain form of stored bytes. Throws trit::Error(kFormat) with a one-line reason when the
// stored bytes are inconsistent (truncated, trailing bytes, bad symbol, wrong count).
std::vector<uint8_t> DecodeTensor(Encoding encoding, DType type, int64_t count,
                                  std::span<const uint8_t> stored);

// The plain encoding of a type: bit-packed for the low-bit types, dense otherwise.
constexpr Encoding PlainEncoding(DType type) {
  return IsPacked(type) ? Encoding::kBitPacked : Encoding::kDense;
}

// True for the encodings kept in place in the mapped file (not decoded at load).
constexpr bool IsPlainEncoding(Encoding e) {
  return e == Encoding::kDense || e == Encoding::kBitPacked;
}

}  // namespace trit::format
