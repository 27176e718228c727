// ref::QuantizeVectorQ8 built for AArch64 (kernels/ref/quantize_vector_q8.h): the same bytes and
// scale, for the int8 structured products that quantize their input at every run (an int8
// recurrent cell's h at every step).
#pragma once

#include <cstdint>

namespace trit::arm {

float QuantizeVectorQ8Neon(const float* v, int64_t count, int8_t* q);

}  // namespace trit::arm
