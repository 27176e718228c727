// An 8-bit pointwise map through a 256-entry table on Cortex-M: out[i] = table[in[i] - type_min].
// Relu and Clip that rescale (and MaxPool that rescales, after its max) run this way: an 8-bit
// input has 256 values, so the rescale and clamp of each is computed once when the layer is
// prepared, with the reference's own arithmetic (ref::RescaleClampQ8), and the bytes agree by
// construction. Helium: sixteen lanes a VLDRB gather with the inputs as byte offsets (signed
// inputs with their top bit flipped: x - (-128)); elsewhere the portable loop, one byte load
// into the table per element. In place is safe (each step reads its inputs before storing).
#pragma once

#include <cstdint>

namespace trit::cortex_m {

// In: int8_t or uint8_t; table and output as bytes of the output's type.
template <typename In>
void LookupQ8Mve(int64_t count, const In* input, const uint8_t* table, uint8_t* output);

}  // namespace trit::cortex_m
