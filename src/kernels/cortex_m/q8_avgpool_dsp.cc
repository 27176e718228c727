#include "kernels/cortex_m/q8_avgpool.h"

#if defined(__ARM_FEATURE_DSP)  // built into every Cortex-M image; compiled where DSP exists
#include <cstring>
#include <type_traits>

namespace trit::cortex_m {
namespace {

// Adds the even bytes (channels c, c + 2) and the odd bytes (c + 1, c + 3) of a word to two
// words of 16-bit lanes. The rotation is the instruction's own operand (GCC does not fold a
// separate one into it).
template <typename In>
inline void AddLanes(uint32_t xs, uint32_t* even, uint32_t* odd) {
  if constexpr (std::is_signed_v<In>) {
    asm("sxtab16 %0, %0, %1" : "+r"(*even) : "r"(xs));
    asm("sxtab16 %0, %0, %1, ror #8" : "+r"(*odd) : "r"(xs));
  } else {
    asm("uxtab16 %0, %0, %1" : "+r"(*even) : "r"(xs));
    asm("uxtab16 %0, %0, %1, ror #8" : "+r"(*odd) : "r"(xs));
  }
}

template <typename In>
inline int32_t Low(uint32_t lanes) {
  return std::is_signed_v<In> ? static_cast<int16_t>(lanes & 0xFFFFu)
                              : static_cast<int32_t>(lanes & 0xFFFFu);
}
template <typename In>
inline int32_t High(uint32_t lanes) {
  return std::is_signed_v<In> ? static_cast<int32_t>(lanes) >> 16
                              : static_cast<int32_t>(lanes >> 16);
}

}  // namespace

template <typename In, typename Out>
void AvgPoolQ8Dsp(const ref::ConvGeometry& g, const In* input, const AvgPoolQ8Params& p,
                  Out* output) {
  const int channels = g.in_c, whole = g.in_c & ~3;
  ForEachPoolWindow(g, input, output, [&](const In* in, Out* out, const PoolWindow& w) {
    const int count = WindowCount(g, w, p.count_include_pad);
    const int width = w.x1 - w.x0, area = (w.y1 - w.y0) * width;
    if (width > kAvgPoolLaneRun) {
      for (int c = 0; c < channels; ++c)
        out[c] = AvgPoolOutput<Out>(WindowSum(g, in, w, c), area, count, p);
      return;
    }
    const int rows_a_run = kAvgPoolLaneRun / width;
    const int64_t row_step = static_cast<int64_t>(g.in_w) * channels;
    for (int c = 0; c < whole; c += 4) {
      int32_t sum[4] = {0, 0, 0, 0};
      for (int y0 = w.y0; y0 < w.y1; y0 += rows_a_run) {
        const int y1 = y0 + rows_a_run < w.y1 ? y0 + rows_a_run : w.y1;
        uint32_t even = 0, odd = 0;
        for (int y = y0; y < y1; ++y) {
          const In* x = in + y * row_step + static_cast<int64_t>(w.x0) * channels + c;
          for (int i = 0; i < width; ++i, x += channels) {
            uint32_t xs;
            std::memcpy(&xs, x, 4);
            AddLanes<In>(xs, &even, &odd);
          }
        }
        sum[0] += Low<In>(even);
        sum[2] += High<In>(even);
        sum[1] += Low<In>(odd);
        sum[3] += High<In>(odd);
      }
      for (int j = 0; j < 4; ++j) out[c + j] = AvgPoolOutput<Out>(sum[j], area, count, p);
    }
    for (int c = whole; c < channels; ++c) {
      out[c] = AvgPoolOutput<Out>(WindowSum(g, in, w, c), area, count, p);
    }
  });
}

#define TRIT_INSTANTIATE_AVGPOOL_DSP(In, Out)                                                      \
  template void AvgPoolQ8Dsp<In, Out>(const ref::ConvGeometry&, const In*, const AvgPoolQ8Params&, \
                                      Out*);
TRIT_INSTANTIATE_AVGPOOL_DSP(int8_t, int8_t)
TRIT_INSTANTIATE_AVGPOOL_DSP(int8_t, uint8_t)
TRIT_INSTANTIATE_AVGPOOL_DSP(uint8_t, int8_t)
TRIT_INSTANTIATE_AVGPOOL_DSP(uint8_t, uint8_t)

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_DSP
