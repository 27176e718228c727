#include "kernels/cortex_m/q8_clamp.h"

#if defined(__ARM_FEATURE_DSP)  // built into every Cortex-M image; compiled where DSP exists
#include <arm_acle.h>

#include <cstring>
#include <type_traits>

namespace trit::cortex_m {

template <typename T>
void ClampQ8Dsp(int64_t count, const T* input, int32_t lo, int32_t hi, T* output) {
  const uint32_t low = (static_cast<uint32_t>(lo) & 0xFFu) * 0x01010101u;
  const uint32_t high = (static_cast<uint32_t>(hi) & 0xFFu) * 0x01010101u;
  const int64_t whole = count & ~int64_t{3};
  for (int64_t i = 0; i < whole; i += 4) {
    uint32_t v;
    std::memcpy(&v, input + i, 4);
    // GE per byte where the first operand is the larger or equal; SEL takes its bytes there.
    if constexpr (std::is_signed_v<T>) {
      (void)__ssub8(static_cast<int8x4_t>(v), static_cast<int8x4_t>(low));
    } else {
      (void)__usub8(static_cast<uint8x4_t>(v), static_cast<uint8x4_t>(low));
    }
    v = static_cast<uint32_t>(__sel(static_cast<uint8x4_t>(v), static_cast<uint8x4_t>(low)));
    if constexpr (std::is_signed_v<T>) {
      (void)__ssub8(static_cast<int8x4_t>(high), static_cast<int8x4_t>(v));
    } else {
      (void)__usub8(static_cast<uint8x4_t>(high), static_cast<uint8x4_t>(v));
    }
    v = static_cast<uint32_t>(__sel(static_cast<uint8x4_t>(v), static_cast<uint8x4_t>(high)));
    std::memcpy(output + i, &v, 4);
  }
  for (int64_t i = whole; i < count; ++i) {
    const int32_t v = input[i];
    output[i] = static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
  }
}

template void ClampQ8Dsp<int8_t>(int64_t, const int8_t*, int32_t, int32_t, int8_t*);
template void ClampQ8Dsp<uint8_t>(int64_t, const uint8_t*, int32_t, int32_t, uint8_t*);

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_DSP
