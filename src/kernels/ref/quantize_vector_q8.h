// The symmetric int8 quantization of one vector (structured_matrix_q8.h's QuantizeVectorQ8),
// written once: the reference instantiates it, and the x86 files build it with their ISA flags
// (so that the loops vectorize) under a tag type of their own, so that the linker cannot hand
// one ISA's build to another (docs/kernels.md). Every operation is exact or IEEE-rounded the same
// way in a vector lane, so every build gives the reference's bytes and scale.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>

namespace trit::ref {

template <typename Build>
float QuantizeVectorQ8Loops(const float* __restrict v, int64_t count, int8_t* __restrict q) {
  // max |v| on the bit patterns: for floats that are not NaN, |a| < |b| exactly when the bits of
  // |a| are below those of |b|, and integer maxima vectorize where float ones may not. A NaN
  // counts as 0 (masked, not selected: a select here stops GCC's vectorizer), as
  // std::max(largest, NaN) keeps largest.
  uint32_t largest_bits = 0;
  for (int64_t i = 0; i < count; ++i) {
    const uint32_t magnitude = std::bit_cast<uint32_t>(v[i]) & 0x7fffffffu;
    const uint32_t not_nan = 0u - static_cast<uint32_t>(magnitude <= 0x7f800000u);
    largest_bits = std::max(largest_bits, magnitude & not_nan);
  }
  const auto largest = std::bit_cast<float>(largest_bits);
  const float scale = largest > 0.0f ? largest / 127.0f : 1.0f;
  // clamp(round(v / scale)) with the rounding spelled out: std::round is a libm call at the
  // baseline ISA. After the clamp the truncation is exact, and so is the remainder, so the
  // half-away-from-zero step gives std::round's result. Selects of values, not branches.
  for (int64_t i = 0; i < count; ++i) {
    float level = v[i] / scale;
    level = level < -127.0f ? -127.0f : level;
    level = level > 127.0f ? 127.0f : level;
    const auto whole = static_cast<int32_t>(level);
    const float rest = level - static_cast<float>(whole);
    q[i] = static_cast<int8_t>(whole + static_cast<int32_t>(rest >= 0.5f) -
                               static_cast<int32_t>(rest <= -0.5f));
  }
  return scale;
}

}  // namespace trit::ref
