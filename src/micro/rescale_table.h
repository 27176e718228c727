// The rescale and clamp of every 8-bit input level as a 256-byte table in the arena: what Relu,
// Clip and MaxPool that change quantization run through on Cortex-M (kernels/cortex_m/
// q8_lookup.h). Built with ref::RescaleClampQ8 itself, so each entry is the reference's byte.
#pragma once

#include <cstdint>

#include "core/dtype.h"
#include "kernels/requantize.h"
#include "micro/op.h"

namespace trit::micro {

struct RescaleLevels {
  DType input, output;
  int32_t input_zero_point, output_zero_point, lo, hi;
  Requant requant;
};

// Sets *table to the table's arena offset; false when the arena is full (already reported).
bool BuildRescaleTable(PrepareContext& c, const RescaleLevels& levels, uint32_t* table);

// out[i] = table[in[i] - type_min] for `count` bytes; in place allowed. Helium's gather when
// `gather` and the build has it, else the portable loop.
void LookupLevels(const RunArgs& args, uint32_t table, bool input_signed, bool gather,
                  int64_t count, const void* input, void* output);

}  // namespace trit::micro
