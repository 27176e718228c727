#include "micro/rescale_table.h"

#include <limits>

#include "kernels/cortex_m/q8_lookup.h"
#include "kernels/ref/activation.h"

namespace trit::micro {
namespace {

template <typename In, typename Out>
void Fill(const RescaleLevels& l, Out* table) {
  In inputs[256];
  for (int32_t i = 0; i < 256; ++i) inputs[i] = static_cast<In>(std::numeric_limits<In>::min() + i);
  ref::RescaleClampQ8(256, inputs, l.input_zero_point, l.requant, l.output_zero_point, l.lo, l.hi,
                      table);
}

}  // namespace

bool BuildRescaleTable(PrepareContext& c, const RescaleLevels& l, uint32_t* offset) {
  auto* table = c.Allocate<uint8_t>(256);
  if (!table) return false;
  const bool in_i8 = l.input == DType::kI8, out_i8 = l.output == DType::kI8;
  if (in_i8 && out_i8) Fill<int8_t>(l, reinterpret_cast<int8_t*>(table));
  if (in_i8 && !out_i8) Fill<int8_t>(l, table);
  if (!in_i8 && out_i8) Fill<uint8_t>(l, reinterpret_cast<int8_t*>(table));
  if (!in_i8 && !out_i8) Fill<uint8_t>(l, table);
  *offset = c.ArenaOffset(table);
  return true;
}

void LookupLevels(const RunArgs& args, uint32_t table, bool input_signed,
                  [[maybe_unused]] bool gather, int64_t count, const void* input, void* output) {
  const uint8_t* levels = FromArena<uint8_t>(args, table);
  auto* out = static_cast<uint8_t*>(output);
#if defined(__ARM_FEATURE_MVE)
  if (gather) {
    if (input_signed) {
      cortex_m::LookupQ8Mve(count, static_cast<const int8_t*>(input), levels, out);
    } else {
      cortex_m::LookupQ8Mve(count, static_cast<const uint8_t*>(input), levels, out);
    }
    return;
  }
#endif
  if (input_signed) {
    ref::LookupQ8(count, static_cast<const int8_t*>(input), levels, out);
  } else {
    ref::LookupQ8(count, static_cast<const uint8_t*>(input), levels, out);
  }
}

}  // namespace trit::micro
