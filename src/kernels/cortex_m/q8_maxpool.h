// MaxPool with 8-bit activations on Cortex-M, where input and output share their type and
// quantization: the output level is the largest input level of the window (the reference's
// clamp to the type's range changes nothing). Helium: sixteen channels a VMAX; DSP: four channels
// a word, SSUB8 (USUB8) setting each lane's GE flag where the new input is the larger, SEL
// taking those lanes. Windows are clipped to the image (padding never wins). Bit-exact with
// ref::MaxPoolQ8 without rescaling; layers that rescale run the reference.
#pragma once

#include <cstdint>

#include "kernels/cortex_m/pool_window.h"
#include "kernels/ref/conv2d.h"

namespace trit::cortex_m {

// T: int8_t or uint8_t. No scratch.
template <typename T>
void MaxPoolQ8Dsp(const ref::ConvGeometry& g, const T* input, T* output);

template <typename T>
void MaxPoolQ8Mve(const ref::ConvGeometry& g, const T* input, T* output);

}  // namespace trit::cortex_m
