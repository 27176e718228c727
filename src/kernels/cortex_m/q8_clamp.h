// Relu and Clip with 8-bit activations on Cortex-M where input and output share their type and
// quantization: the reference's rescale is then the identity (multiplier 2^30, shift 30, equal
// zero points), so each output is the input clamped to [lo, hi]. Helium: sixteen lanes a
// VMAX/VMIN; DSP: four lanes a word, SSUB8 (USUB8) and SEL once for each bound.
#pragma once

#include <cstdint>

namespace trit::cortex_m {

// T: int8_t or uint8_t; lo and hi within T's range.
template <typename T>
void ClampQ8Dsp(int64_t count, const T* input, int32_t lo, int32_t hi, T* output);

template <typename T>
void ClampQ8Mve(int64_t count, const T* input, int32_t lo, int32_t hi, T* output);

}  // namespace trit::cortex_m
