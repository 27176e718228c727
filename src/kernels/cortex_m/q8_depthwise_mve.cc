#include "kernels/cortex_m/q8_depthwise.h"

#if defined(__ARM_FEATURE_MVE)  // built into every Cortex-M image; compiled where MVE exists
#include <arm_mve.h>

#include <type_traits>

namespace trit::cortex_m {
namespace {

constexpr int kLanes = 8;  // channels a step: 16-bit lanes, multiplied into 32-bit even and odd

// Per group of eight channels, what the stores need, channels in the order the even and odd
// halves of the products hold them: (c, c+2, c+4, c+6), then (c+1, c+3, c+5, c+7).
struct GroupParams {
  int32_t inside_bias[kLanes];  // bias - zx * sum(w): positions with every tap inside
  int32_t border_bias[kLanes];  // bias
  int32_t multiplier[kLanes];
  int32_t negative_k[kLanes];  // -(shift - 32)
};

inline int Lane(int j) { return (j % 2) * 4 + j / 2; }  // channel j's slot in GroupParams

// A block's weights as int16 in [group][tap][8 channels] order (channels past the end zero), and
// each of its groups' parameters, from channel `first`. Returns whether every channel's shift
// takes the vector requantization (requantize_m.h: shift >= 33).
bool Prepare(const ref::ConvGeometry& g, const ref::QuantWeights& weights, const int32_t* bias,
             int32_t zero_point, const ref::QuantOutput& out, int first, int groups,
             int16_t* levels, GroupParams* params) {
  const int taps = g.kernel_h * g.kernel_w;
  bool vector = true;
  for (int group = 0; group < groups; ++group) {
    GroupParams& p = params[group];
    for (int j = 0; j < kLanes; ++j) {
      const int c = first + group * kLanes + j;
      const bool real = c < g.in_c;
      const Requant r = real ? out.requant[out.per_channel ? c : 0] : Requant{1 << 30, 33};
      int32_t sum = 0;
      for (int t = 0; t < taps; ++t) {
        const int32_t level =
            real ? ref::WeightLevel(weights, static_cast<int64_t>(c) * taps + t, c) : 0;
        levels[(group * taps + t) * kLanes + j] = static_cast<int16_t>(level);
        sum += level;
      }
      const int32_t b = real && bias ? bias[c] : 0;
      p.border_bias[Lane(j)] = b;
      p.inside_bias[Lane(j)] = b - zero_point * sum;
      p.multiplier[Lane(j)] = r.multiplier;
      p.negative_k[Lane(j)] = -(r.shift - 32);
      vector = vector && r.shift >= 33;
    }
  }
  return vector;
}

// Eight channels' sums at one position, as even and odd halves. kInside: every tap is inside
// the image, so the weights follow in tap order and the zero point is left to the bias; kWhole:
// all eight channels exist (no predicate).
template <typename In, bool kInside, bool kWhole>
inline void Sums8(const In* x, const DepthwiseTap* taps, int count, const int16_t* w,
                  int16_t zero_point, mve_pred16_t lanes, int32x4_t* even, int32x4_t* odd) {
  int32x4_t e = vdupq_n_s32(0), o = vdupq_n_s32(0);
  for (const DepthwiseTap* tap = taps; tap != taps + count; ++tap) {
    int16x8_t xv;
    if constexpr (std::is_signed_v<In>) {
      xv = kWhole ? vldrbq_s16(x + tap->input) : vldrbq_z_s16(x + tap->input, lanes);
    } else {
      xv = vreinterpretq_s16_u16(kWhole ? vldrbq_u16(x + tap->input)
                                        : vldrbq_z_u16(x + tap->input, lanes));
    }
    int16x8_t wv;
    if constexpr (kInside) {
      wv = vldrhq_s16(w);
      w += kLanes;
    } else {
      xv = vsubq_n_s16(xv, zero_point);
      wv = vldrhq_s16(w + tap->weights);
    }
    e = vaddq_s32(e, vmullbq_int_s16(xv, wv));
    o = vaddq_s32(o, vmulltq_int_s16(xv, wv));
  }
  *even = e;
  *odd = o;
}

// Requantizes one half: (hi32(acc * m) + 2^(k-1)) >> k, the zero point, the clamp.
inline int32x4_t Requantize4(int32x4_t acc, const int32_t* multiplier, const int32_t* negative_k,
                             int32_t zero_point, int32_t lo, int32_t hi) {
  const int32x4_t high = vmulhq_s32(acc, vld1q_s32(multiplier));
  const int32x4_t shifted = vrshlq_s32(high, vld1q_s32(negative_k));
  return vminq_s32(vmaxq_s32(vaddq_n_s32(shifted, zero_point), vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

}  // namespace

// Per block of 64 channels, per output position: the taps inside the image are the window's own
// (listed once a call) or, at a border, listed for the position; then each group of eight
// channels runs over them: per tap one widening byte load of the input, one load of eight int16
// weights, and two widening multiplies (even and odd lanes) into 32-bit sums. Where every tap is
// inside the image the input zero point comes off through the bias (bias - zx * sum(w)), at the
// borders from each input. Both are exact, and the 32-bit sums wrap as the reference's do, so the
// result is the reference's whenever its accumulator fits (checked at prepare). Requantization is
// vectorized where every shift of the block allows (requantize_m.h), else scalar; channel tails
// are predicated.
template <typename In, typename Out>
void DepthwiseQ8Mve(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                    const ref::QuantWeights& weights, const int32_t* bias,
                    const ref::QuantOutput& out_params, Out* output, void* scratch) {
  const int taps = g.kernel_h * g.kernel_w;
  const auto block_groups = static_cast<int>(DepthwiseBlockGroups(g, kLanes));
  auto* params = static_cast<GroupParams*>(scratch);
  auto* levels = reinterpret_cast<int16_t*>(params + block_groups);
  auto* window_taps = reinterpret_cast<DepthwiseTap*>(levels + block_groups * taps * kLanes);
  DepthwiseTap* border_taps = window_taps + taps;
  ListWindowTaps(g, kLanes, window_taps);
  const auto zero_point = static_cast<int16_t>(input_zero_point);
  const int32_t out_zero = out_params.zero_point, lo = out_params.lo, hi = out_params.hi;
  const int64_t image = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  for (int first = 0; first < g.in_c; first += block_groups * kLanes) {
    const int groups = (g.in_c - first + kLanes - 1) / kLanes < block_groups
                           ? (g.in_c - first + kLanes - 1) / kLanes
                           : block_groups;
    const bool vector =
        Prepare(g, weights, bias, input_zero_point, out_params, first, groups, levels, params);
    for (int n = 0; n < g.batch; ++n) {
      const In* image_in = input + n * image;
      for (int oy = 0; oy < g.out_h; ++oy) {
        for (int ox = 0; ox < g.out_w; ++ox) {
          Out* out = output + ((static_cast<int64_t>(n) * g.out_h + oy) * g.out_w + ox) * g.out_c;
          int64_t corner;
          const int valid = ListTapsAt(g, oy, ox, kLanes, border_taps, &corner);
          const bool inside = corner >= 0;
          const In* in = inside ? image_in + corner : image_in;
          const DepthwiseTap* tap_list = inside ? window_taps : border_taps;
          for (int group = 0; group < groups; ++group) {
            const int c = first + group * kLanes;
            const mve_pred16_t lanes = vctp16q(static_cast<uint32_t>(g.in_c - c));
            const int16_t* w = levels + group * taps * kLanes;
            int32x4_t even, odd;
            const bool whole = c + kLanes <= g.in_c;
            if (inside && whole) {
              Sums8<In, true, true>(in + c, tap_list, valid, w, zero_point, lanes, &even, &odd);
            } else if (inside) {
              Sums8<In, true, false>(in + c, tap_list, valid, w, zero_point, lanes, &even, &odd);
            } else if (whole) {
              Sums8<In, false, true>(in + c, tap_list, valid, w, zero_point, lanes, &even, &odd);
            } else {
              Sums8<In, false, false>(in + c, tap_list, valid, w, zero_point, lanes, &even, &odd);
            }
            const GroupParams& p = params[group];
            const int32_t* b = inside ? p.inside_bias : p.border_bias;
            even = vaddq_s32(even, vld1q_s32(b));
            odd = vaddq_s32(odd, vld1q_s32(b + 4));
            if (vector) {
              const int32x4_t e = Requantize4(even, p.multiplier, p.negative_k, out_zero, lo, hi);
              const int32x4_t o =
                  Requantize4(odd, p.multiplier + 4, p.negative_k + 4, out_zero, lo, hi);
              const int16x8_t packed = vmovntq_s32(vmovnbq_s32(vdupq_n_s16(0), e), o);
              vstrbq_p_s16(reinterpret_cast<int8_t*>(out + c), packed, lanes);
            } else {
              int32_t halves[kLanes], sums[kLanes];
              vst1q_s32(halves, even);
              vst1q_s32(halves + 4, odd);
              for (int j = 0; j < kLanes; ++j) sums[j] = halves[Lane(j)];
              const int count = g.in_c - c < kLanes ? g.in_c - c : kLanes;
              StoreChannels(sums, c, count, nullptr, out_params, out);  // bias already added
            }
          }
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
