#include "kernels/cortex_m/q8_depthwise.h"

#if defined(__ARM_FEATURE_MVE)  // built into every Cortex-M image; compiled where MVE exists
#include <arm_mve.h>

#include <type_traits>

namespace trit::cortex_m {

template <typename In, typename Out>
void DepthwiseQ8Mve(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                    const ref::QuantWeights& weights, const int32_t* bias,
                    const ref::QuantOutput& out_params, Out* output, void* scratch) {
  const int stride = (g.in_c + 15) & ~15;
  auto* levels = static_cast<int8_t*>(scratch);
  RepackDepthwiseWeights(g, weights, stride, levels);
  for (int n = 0; n < g.batch; ++n) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) {
        Out* out = output + ((static_cast<int64_t>(n) * g.out_h + oy) * g.out_w + ox) * g.out_c;
        for (int c = 0; c < g.in_c; c += 4) {
          // Four channels in 32-bit lanes; the tail predicated.
          const mve_pred16_t lanes = vctp32q(static_cast<uint32_t>(g.in_c - c));
          int32x4_t acc = vdupq_n_s32(0);
          for (int ky = 0; ky < g.kernel_h; ++ky) {
            const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            if (iy < 0 || iy >= g.in_h) continue;  // padding is real zero
            for (int kx = 0; kx < g.kernel_w; ++kx) {
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              if (ix < 0 || ix >= g.in_w) continue;
              const In* x =
                  input + ((static_cast<int64_t>(n) * g.in_h + iy) * g.in_w + ix) * g.in_c + c;
              int32x4_t xv;
              if constexpr (std::is_signed_v<In>) {
                xv = vldrbq_z_s32(x, lanes);
              } else {
                xv = vreinterpretq_s32_u32(vldrbq_z_u32(x, lanes));
              }
              const int32x4_t wv =
                  vldrbq_z_s32(levels + (ky * g.kernel_w + kx) * stride + c, lanes);
              acc = vaddq_s32(acc, vmulq_s32(vsubq_n_s32(xv, input_zero_point), wv));
            }
          }
          int32_t sums[4];
          vst1q_s32(sums, acc);
          StoreChannels(sums, c, g.in_c - c < 4 ? g.in_c - c : 4, bias, out_params, out);
        }
      }
    }
  }
}

#define TRIT_INSTANTIATE_DEPTHWISE_MVE(In, Out)                                       \
  template void DepthwiseQ8Mve<In, Out>(const ref::ConvGeometry&, const In*, int32_t, \
                                        const ref::QuantWeights&, const int32_t*,     \
                                        const ref::QuantOutput&, Out*, void*);
TRIT_INSTANTIATE_DEPTHWISE_MVE(int8_t, int8_t)
TRIT_INSTANTIATE_DEPTHWISE_MVE(int8_t, uint8_t)
TRIT_INSTANTIATE_DEPTHWISE_MVE(uint8_t, int8_t)
TRIT_INSTANTIATE_DEPTHWISE_MVE(uint8_t, uint8_t)

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_MVE
