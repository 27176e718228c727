#include "kernels/cortex_m/q8_depthwise.h"

#if defined(__ARM_FEATURE_DSP)  // built into every Cortex-M image; compiled where DSP exists
#include <arm_acle.h>

#include <cstring>
#include <type_traits>

namespace trit::cortex_m {

template <typename In, typename Out>
void DepthwiseQ8Dsp(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                    const ref::QuantWeights& weights, const int32_t* bias,
                    const ref::QuantOutput& out_params, Out* output, void* scratch) {
  const int stride = (g.in_c + 15) & ~15;
  auto* levels = static_cast<int8_t*>(scratch);
  RepackDepthwiseWeights(g, weights, stride, levels);
  // (zx, zx) in two 16-bit lanes, subtracted from the widened inputs.
  const auto zero_pair = static_cast<int32_t>((static_cast<uint32_t>(input_zero_point) & 0xFFFFu) |
                                              (static_cast<uint32_t>(input_zero_point) << 16));
  const int whole = g.in_c & ~3;
  for (int n = 0; n < g.batch; ++n) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) {
        Out* out = output + ((static_cast<int64_t>(n) * g.out_h + oy) * g.out_w + ox) * g.out_c;
        for (int c = 0; c < g.in_c; c += 4) {
          int32_t acc[4] = {0, 0, 0, 0};
          const int lanes = c < whole ? 4 : g.in_c - c;
          for (int ky = 0; ky < g.kernel_h; ++ky) {
            const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            if (iy < 0 || iy >= g.in_h) continue;  // padding is real zero
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              if (ix < 0 || ix >= g.in_w) continue;
              const In* x =
                  input + ((static_cast<int64_t>(n) * g.in_h + iy) * g.in_w + ix) * g.in_c + c;
              const int8_t* w = levels + (ky * g.kernel_w + kx) * stride + c;
              if (lanes == 4) {
                uint32_t xs, ws;
                std::memcpy(&xs, x, 4);
                std::memcpy(&ws, w, 4);
                // Channels (c, c+2) and (c+1, c+3) as 16-bit pairs, minus the zero point.
                int32_t even, odd;
                if constexpr (std::is_signed_v<In>) {
                  even = __sxtb16(static_cast<int32_t>(xs));
                  odd = __sxtb16(static_cast<int32_t>((xs >> 8) | (xs << 24)));
                } else {
                  even = static_cast<int32_t>(__uxtb16(xs));
                  odd = static_cast<int32_t>(__uxtb16((xs >> 8) | (xs << 24)));
                }
                even = __ssub16(even, zero_pair);
                odd = __ssub16(odd, zero_pair);
                const int32_t w_even = __sxtb16(static_cast<int32_t>(ws));
                const int32_t w_odd = __sxtb16(static_cast<int32_t>((ws >> 8) | (ws << 24)));
                acc[0] = __smlabb(even, w_even, acc[0]);
                acc[2] = __smlatt(even, w_even, acc[2]);
                acc[1] = __smlabb(odd, w_odd, acc[1]);
                acc[3] = __smlatt(odd, w_odd, acc[3]);
              } else {
                for (int j = 0; j < lanes; ++j) {
                  acc[j] += (static_cast<int32_t>(x[j]) - input_zero_point) * w[j];
                }
              }
            }
          }
          StoreChannels(acc, c, lanes, bias, out_params, out);
        }
      }
    }
  }
}

#define TRIT_INSTANTIATE_DEPTHWISE_DSP(In, Out)                                       \
  template void DepthwiseQ8Dsp<In, Out>(const ref::ConvGeometry&, const In*, int32_t, \
                                        const ref::QuantWeights&, const int32_t*,     \
                                        const ref::QuantOutput&, Out*, void*);
TRIT_INSTANTIATE_DEPTHWISE_DSP(int8_t, int8_t)
TRIT_INSTANTIATE_DEPTHWISE_DSP(int8_t, uint8_t)
TRIT_INSTANTIATE_DEPTHWISE_DSP(uint8_t, int8_t)
TRIT_INSTANTIATE_DEPTHWISE_DSP(uint8_t, uint8_t)

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_DSP
