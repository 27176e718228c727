// ref::QuantizeVectorQ8 built per ISA (kernels/ref/quantize_vector_q8.h): the same bytes and
// scale, for the int8 structured products that quantize their input at every run (an int8
// recurrent cell's h at every step).
#pragma once

#include <cstdint>

namespace trit::x86 {

float QuantizeVectorQ8Avx2(const float* v, int64_t count, int8_t* q);
float QuantizeVectorQ8Avx512(const float* v, int64_t count, int8_t* q);

}  // namespace trit::x86
