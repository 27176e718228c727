#include "kernels/cortex_m/q8_avgpool.h"

#if defined(__ARM_FEATURE_MVE)  // built into every Cortex-M image; compiled where MVE exists
#include <arm_mve.h>

#include <type_traits>

namespace trit::cortex_m {
namespace {

constexpr int kLanes = 8;  // channels a step, in 16-bit lanes

template <typename In>
inline int16x8_t LoadLanes(const In* x, mve_pred16_t lanes) {
  if constexpr (std::is_signed_v<In>) {
    return vldrbq_z_s16(x, lanes);
  } else {
    return vreinterpretq_s16_u16(vldrbq_z_u16(x, lanes));  // at most 255: a positive int16
  }
}

}  // namespace

// Per output position and group of eight channels: 16-bit sums of runs of the window's rows,
// widened into 32-bit even and odd halves (VMOVLB / VMOVLT), area x zx off, then requantized
// as four-lane vectors (VMULH, rounding VRSHL) where the count's shift allows, else per channel;
// stored narrowed, the channel tail predicated.
template <typename In, typename Out>
void AvgPoolQ8Mve(const ref::ConvGeometry& g, const In* input, const AvgPoolQ8Params& p,
                  Out* output) {
  const int channels = g.in_c;
  ForEachPoolWindow(g, input, output, [&](const In* in, Out* out, const PoolWindow& w) {
    const int count = WindowCount(g, w, p.count_include_pad);
    const int width = w.x1 - w.x0, area = (w.y1 - w.y0) * width;
    if (width > kAvgPoolLaneRun) {
      for (int c = 0; c < channels; ++c) {
        out[c] = AvgPoolOutput<Out>(WindowSum(g, in, w, c), area, count, p);
      }
      return;
    }
    const int rows_a_run = kAvgPoolLaneRun / width;
    const int64_t row_step = static_cast<int64_t>(g.in_w) * channels;
    const Requant r = p.per_count[count];
    const int32_t offset = -area * p.input_zero_point;
    for (int c = 0; c < channels; c += kLanes) {
      const mve_pred16_t lanes = vctp16q(static_cast<uint32_t>(channels - c));
      int32x4_t even = vdupq_n_s32(offset), odd = vdupq_n_s32(offset);
      for (int y0 = w.y0; y0 < w.y1; y0 += rows_a_run) {
        const int y1 = y0 + rows_a_run < w.y1 ? y0 + rows_a_run : w.y1;
        int16x8_t run = vdupq_n_s16(0);
        for (int y = y0; y < y1; ++y) {
          const In* x = in + y * row_step + static_cast<int64_t>(w.x0) * channels + c;
          for (int i = 0; i < width; ++i, x += channels) run = vaddq_s16(run, LoadLanes(x, lanes));
        }
        even = vaddq_s32(even, vmovlbq_s16(run));
        odd = vaddq_s32(odd, vmovltq_s16(run));
      }
      if (r.shift >= 33) {
        const int32x4_t k = vdupq_n_s32(-(r.shift - 32));
        const int32x4_t lo = vdupq_n_s32(p.lo), hi = vdupq_n_s32(p.hi);
        const auto requantize = [&](int32x4_t acc) {
          const int32x4_t shifted = vrshlq_s32(vmulhq_s32(acc, vdupq_n_s32(r.multiplier)), k);
          return vminq_s32(vmaxq_s32(vaddq_n_s32(shifted, p.output_zero_point), lo), hi);
        };
        const int16x8_t packed =
            vmovntq_s32(vmovnbq_s32(vdupq_n_s16(0), requantize(even)), requantize(odd));
        vstrbq_p_s16(reinterpret_cast<int8_t*>(out + c), packed, lanes);
      } else {
        int32_t halves[kLanes];
        vst1q_s32(halves, even);
        vst1q_s32(halves + 4, odd);
        for (int j = 0; j < kLanes && c + j < channels; ++j) {
          const int32_t centred = halves[(j % 2) * 4 + j / 2];
          out[c + j] =
              static_cast<Out>(Clamp(p.output_zero_point + RequantizeM(centred, r), p.lo, p.hi));
        }
      }
    }
  });
}

#define TRIT_INSTANTIATE_AVGPOOL_MVE(In, Out)                                                      \
  template void AvgPoolQ8Mve<In, Out>(const ref::ConvGeometry&, const In*, const AvgPoolQ8Params&, \
                                      Out*);
TRIT_INSTANTIATE_AVGPOOL_MVE(int8_t, int8_t)
TRIT_INSTANTIATE_AVGPOOL_MVE(int8_t, uint8_t)
TRIT_INSTANTIATE_AVGPOOL_MVE(uint8_t, int8_t)
TRIT_INSTANTIATE_AVGPOOL_MVE(uint8_t, uint8_t)

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_MVE
