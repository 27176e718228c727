#include "kernels/cortex_m/q8_depthwise.h"

#if defined(__ARM_FEATURE_DSP)  // built into every Cortex-M image; compiled where DSP exists
#include <arm_acle.h>

#include <cstring>
#include <type_traits>

namespace trit::cortex_m {
namespace {

// Four channels' weights at one tap as two words of 16-bit lanes, in the order SXTB16 splits an
// input word: (c, c + 2) and (c + 1, c + 3); channels past the end are zero. Laid out
// [group][tap] for the block's groups from channel `first`, so that a group's taps follow each
// other. Also each of the block's channels' bias less zx * sum(w): what the sums of a position
// whose taps are all inside the image need.
void RepackPairs(const ref::ConvGeometry& g, const ref::QuantWeights& weights, int first,
                 int groups, const int32_t* bias, int32_t zero_point, int32_t* pairs,
                 int32_t* inside_bias) {
  const int taps = g.kernel_h * g.kernel_w;
  for (int group = 0; group < groups; ++group) {
    for (int j = 0; j < 4; ++j) {
      const int c = first + group * 4 + j;
      inside_bias[group * 4 + j] = c < g.in_c && bias ? bias[c] : 0;
    }
    for (int t = 0; t < taps; ++t) {
      int32_t level[4] = {0, 0, 0, 0};
      for (int j = 0; j < 4 && first + group * 4 + j < g.in_c; ++j) {
        const int c = first + group * 4 + j;
        level[j] = ref::WeightLevel(weights, static_cast<int64_t>(c) * taps + t, c);
        inside_bias[group * 4 + j] -= zero_point * level[j];
      }
      int32_t* pair = pairs + (group * taps + t) * 2;
      pair[0] = static_cast<int32_t>((static_cast<uint32_t>(level[0]) & 0xFFFFu) |
                                     (static_cast<uint32_t>(level[2]) << 16));
      pair[1] = static_cast<int32_t>((static_cast<uint32_t>(level[1]) & 0xFFFFu) |
                                     (static_cast<uint32_t>(level[3]) << 16));
    }
  }
}

// Input channels (c, c + 2) and (c + 1, c + 3) of a word as 16-bit lanes. The rotation is the
// instruction's own operand (GCC does not fold a separate one into it).
template <typename In>
inline void SplitLanes(uint32_t xs, int32_t* even, int32_t* odd) {
  int32_t e, o;
  if constexpr (std::is_signed_v<In>) {
    asm("sxtb16 %0, %1" : "=r"(e) : "r"(xs));
    asm("sxtb16 %0, %1, ror #8" : "=r"(o) : "r"(xs));
  } else {
    asm("uxtb16 %0, %1" : "=r"(e) : "r"(xs));
    asm("uxtb16 %0, %1, ror #8" : "=r"(o) : "r"(xs));
  }
  *even = e;
  *odd = o;
}

// Four channels' sums at one position. kInside: every tap is inside the image, so the group's
// pairs follow in tap order and the input zero point is left to the bias (RepackPairs); else
// only the listed taps, their pairs by offset, the zero point subtracted from each input.
template <typename In, bool kInside>
inline void Sums4(const In* x, const DepthwiseTap* taps, int count, const int32_t* pairs,
                  int32_t zero_pair, int32_t* acc) {
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  const int32_t* next = pairs;
  for (const DepthwiseTap* tap = taps; tap != taps + count; ++tap) {
    uint32_t xs;
    std::memcpy(&xs, x + tap->input, 4);
    const int32_t* pair = kInside ? next : pairs + tap->weights;
    next += 2;
    int32_t even, odd;
    SplitLanes<In>(xs, &even, &odd);
    if constexpr (!kInside) {
      even = __ssub16(even, zero_pair);
      odd = __ssub16(odd, zero_pair);
    }
    a0 = __smlabb(even, pair[0], a0);
    a2 = __smlatt(even, pair[0], a2);
    a1 = __smlabb(odd, pair[1], a1);
    a3 = __smlatt(odd, pair[1], a3);
  }
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

}  // namespace

// Per block of 32 channels, per output position: the taps inside the image are the window's
// own (listed once a call) or, at a border, listed for the position; then every group of four
// channels runs over them with no bounds checks: per tap one input word, one weight pair, two
// lane splits and four SMLAxy. Where every tap is inside the image the input zero point comes off
// through the bias (bias - zx * sum(w), once a block), at the borders per tap with SSUB16. Both
// are exact integer identities, and the products wrap in 32 bits as the sums do, so the result
// is the reference's whenever the reference's own accumulator fits (checked when the layer is
// prepared).
template <typename In, typename Out>
void DepthwiseQ8Dsp(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                    const ref::QuantWeights& weights, const int32_t* bias,
                    const ref::QuantOutput& out_params, Out* output, void* scratch) {
  const int taps = g.kernel_h * g.kernel_w;
  const auto block_groups = static_cast<int>(DepthwiseBlockGroups(g, 4));
  auto* pairs = static_cast<int32_t*>(scratch);
  int32_t* inside_bias = pairs + taps * block_groups * 2;
  auto* window_taps = reinterpret_cast<DepthwiseTap*>(inside_bias + block_groups * 4);
  DepthwiseTap* border_taps = window_taps + taps;
  ListWindowTaps(g, 2, window_taps);
  const auto zero_pair = static_cast<int32_t>((static_cast<uint32_t>(input_zero_point) & 0xFFFFu) |
                                              (static_cast<uint32_t>(input_zero_point) << 16));
  const int64_t image = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  for (int first = 0; first < g.in_c; first += block_groups * 4) {
    const int channels = g.in_c - first < block_groups * 4 ? g.in_c - first : block_groups * 4;
    const int whole = channels / 4;
    RepackPairs(g, weights, first, (channels + 3) / 4, bias, input_zero_point, pairs, inside_bias);
    const int32_t* border_bias = bias ? bias + first : nullptr;
    for (int n = 0; n < g.batch; ++n) {
      const In* image_in = input + n * image + first;
      for (int oy = 0; oy < g.out_h; ++oy) {
        for (int ox = 0; ox < g.out_w; ++ox) {
          Out* out = output + ((static_cast<int64_t>(n) * g.out_h + oy) * g.out_w + ox) * g.out_c;
          int64_t corner;
          const int valid = ListTapsAt(g, oy, ox, 2, border_taps, &corner);
          const bool inside = corner >= 0;
          const In* in = inside ? image_in + corner : image_in;
          const DepthwiseTap* tap_list = inside ? window_taps : border_taps;
          for (int group = 0; group < whole; ++group) {
            int32_t acc[4];
            const int32_t* group_pairs = pairs + group * taps * 2;
            if (inside) {
              Sums4<In, true>(in + group * 4, tap_list, valid, group_pairs, zero_pair, acc);
              StoreChannels(acc, first + group * 4, 4, inside_bias + group * 4, out_params, out);
            } else {
              Sums4<In, false>(in + group * 4, tap_list, valid, group_pairs, zero_pair, acc);
              StoreChannels(acc, first + group * 4, 4,
                            border_bias ? border_bias + group * 4 : nullptr, out_params, out);
            }
          }
          if (whole * 4 < channels) {  // the last channels, one at a time
            const int32_t* group_pairs = pairs + whole * taps * 2;
            int32_t acc[4] = {0, 0, 0, 0};
            for (int j = 0; whole * 4 + j < channels; ++j) {
              for (int t = 0; t < valid; ++t) {
                const int32_t pair = group_pairs[tap_list[t].weights + (j & 1)];
                const auto level = static_cast<int16_t>(j < 2 ? pair : pair >> 16);
                acc[j] += (static_cast<int32_t>(in[tap_list[t].input + whole * 4 + j]) -
                           input_zero_point) *
                          level;
              }
            }
            StoreChannels(acc, first + whole * 4, channels - whole * 4,
                          border_bias ? border_bias + whole * 4 : nullptr, out_params, out);
          }
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
