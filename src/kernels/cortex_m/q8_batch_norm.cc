#include "kernels/cortex_m/q8_batch_norm.h"

namespace trit::cortex_m {

// Portable (any Cortex-M; picked at the DSP level): per element two multiplies, two adds, two
// shifts and the clamp, in 32 bits.
template <typename In, typename Out>
void BatchNormQ8Split(const BatchNormQ8Params& p, const In* input, Out* output, void* scratch) {
  const BatchNormTerms t =
      SplitBatchNormTerms(p.channels, p.multiplier, p.offset, p.shift, scratch);
  const int right = p.shift - 16;
  const int32_t zx = p.input_zero_point, zy = p.output_zero_point, lo = p.lo, hi = p.hi;
  const auto channels = static_cast<int32_t>(p.channels);
  for (int64_t n = 0; n < p.positions; ++n) {
    const In* x = input + n * channels;
    Out* y = output + n * channels;
    for (int32_t c = 0; c < channels; ++c) {
      const int32_t d = static_cast<int32_t>(x[c]) - zx;
      const int32_t low = (d * t.multiplier_low[c] + t.remainder_low[c]) >> 16;
      const int32_t joined = d * t.multiplier_high[c] + t.remainder_high[c] + low;
      const int32_t value = zy + t.quotient[c] + (joined >> right);
      y[c] = static_cast<Out>(value < lo ? lo : (value > hi ? hi : value));
    }
  }
}

#define TRIT_INSTANTIATE_BN_SPLIT(In, Out) \
  template void BatchNormQ8Split<In, Out>(const BatchNormQ8Params&, const In*, Out*, void*);
TRIT_INSTANTIATE_BN_SPLIT(int8_t, int8_t)
TRIT_INSTANTIATE_BN_SPLIT(int8_t, uint8_t)
TRIT_INSTANTIATE_BN_SPLIT(uint8_t, int8_t)
TRIT_INSTANTIATE_BN_SPLIT(uint8_t, uint8_t)

}  // namespace trit::cortex_m
