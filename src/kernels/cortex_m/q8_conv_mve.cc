#include "kernels/cortex_m/q8_conv_mve.h"

#if defined(__ARM_FEATURE_MVE)  // built into every Cortex-M image; compiled where MVE exists
#include <arm_mve.h>

#include <type_traits>

#include "core/bitpack.h"
#include "kernels/cortex_m/requantize_m.h"
#include "kernels/cortex_m/weight_types.h"

namespace trit::cortex_m {
namespace {

constexpr int kColumns = 4;

// The constant vectors of the low-bit expansions, made once per row of weights rather than per
// step (the compiler does not hoist them out of the sums loop on its own).
struct ExpandConstants {
  uint8x16_t byte_of_lane;  // binary: the byte that holds lane k's bit
  int8x16_t bit_shift;      // binary: -(k % 8); int2 and ternary: -2 (k % 4)
};

template <DType kType>
inline __attribute__((always_inline)) ExpandConstants MakeExpandConstants() {
  static const uint8_t kByte[16] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
  static const int8_t kBit[16] = {0, -1, -2, -3, -4, -5, -6, -7, 0, -1, -2, -3, -4, -5, -6, -7};
  static const int8_t kCode[16] = {0, -2, -4, -6, 0, -2, -4, -6, 0, -2, -4, -6, 0, -2, -4, -6};
  if constexpr (kType == DType::kBinary) return {vldrbq_u8(kByte), vldrbq_s8(kBit)};
  return {vdupq_n_u8(0), vldrbq_s8(kCode)};
}

// Sixteen low-bit weights from whole packed bytes at `p` (2 x bits bytes) as int8 lanes (the
// levels; ternary as +pos, 0, -neg of the channel's magnitudes `pos`, `neg`).
template <DType kType>
inline __attribute__((always_inline)) int8x16_t Expand16(const uint8_t* p, const ExpandConstants& k,
                                                         int8_t pos, int8_t neg) {
  if constexpr (kType == DType::kBinary) {
    // Two bytes gathered into eight lanes each, lane k shifted right by k % 8: bit k; 1 -> +1,
    // 0 -> -1.
    const uint8x16_t bytes = vldrbq_gather_offset_u8(p, k.byte_of_lane);
    const uint8x16_t bit = vandq_u8(vshlq_u8(bytes, k.bit_shift), vdupq_n_u8(1));
    return vsubq_s8(vreinterpretq_s8_u8(vaddq_u8(bit, bit)), vdupq_n_s8(1));
  }
  if constexpr (kType == DType::kI4) {
    // Eight bytes widened to u16 lanes b; (b & 15) | (b >> 4) << 8 puts the two nibbles in the
    // two bytes of each lane, in element order; then sign-extend 4 bits: (v ^ 8) - 8.
    const uint16x8_t b = vldrbq_u16(p);
    const uint16x8_t pairs =
        vorrq_u16(vandq_u16(b, vdupq_n_u16(15)), vshlq_n_u16(vshrq_n_u16(b, 4), 8));
    const int8x16_t v = vreinterpretq_s8_u16(pairs);
    return vsubq_s8(veorq_s8(v, vdupq_n_s8(8)), vdupq_n_s8(8));
  }
  // int2 and ternary: four bytes widened to u32 lanes, each byte copied into its lane's four
  // bytes, then byte k of a lane shifted right by 2k: the sixteen 2-bit codes in order.
  const uint32x4_t b = vldrbq_u32(p);
  const uint8x16_t spread = vreinterpretq_u8_u32(vmulq_n_u32(b, 0x01010101u));
  const uint8x16_t codes = vandq_u8(vshlq_u8(spread, k.bit_shift), vdupq_n_u8(3));
  if constexpr (kType == DType::kI2) {
    const int8x16_t v = vreinterpretq_s8_u8(codes);
    return vsubq_s8(veorq_s8(v, vdupq_n_s8(2)), vdupq_n_s8(2));
  }
  // Ternary straight to levels: code 01 -> +pos, 1x -> -neg (10 is invalid; the reference reads
  // it as negative too), 00 -> 0. Arithmetic rather than compare-and-select: GCC 12 fails
  // (internal error) on vcmpeqq_n_u8 feeding vpselq_s8.
  const uint8x16_t high = vshrq_n_u8(codes, 1);
  const int8x16_t plus = vreinterpretq_s8_u8(vbicq_u8(vandq_u8(codes, vdupq_n_u8(1)), high));
  const int8x16_t minus = vreinterpretq_s8_u8(high);
  return vsubq_s8(vmulq_n_s8(plus, pos), vmulq_n_s8(minus, neg));
}

// Sixteen weights starting at element `index` as int8 lanes (the levels; ternary as +pos, 0,
// -neg of channel magnitude `pos`, `neg`). `count` < 16 reads only that many (the rest 0).
template <DType kType>
inline __attribute__((always_inline)) int8x16_t Weights16(const ref::QuantWeights& w, int64_t index,
                                                          int count, int8_t pos, int8_t neg) {
  constexpr int bits = BitsPerElement(kType);
  if constexpr (kType == DType::kI8) {
    const auto* data = reinterpret_cast<const int8_t*>(w.data) + index;
    return count == 16 ? vldrbq_s8(data) : vldrbq_z_s8(data, vctp8q(static_cast<uint32_t>(count)));
  }
  if ((index * bits) % 8 != 0 || count < 16) {
    // Unaligned rows and the tail: element by element.
    int8_t levels[16] = {};
    for (int k = 0; k < count; ++k) {
      int32_t level = PackedLevel(kType, w.data, index + k);
      if (kType == DType::kTernary) level = level > 0 ? pos : (level < 0 ? -neg : 0);
      levels[k] = static_cast<int8_t>(level);
    }
    return vldrbq_s8(levels);
  }
  return Expand16<kType>(w.data + index * bits / 8, MakeExpandConstants<kType>(), pos, neg);
}

// `count` bytes of x' = x - off from `in` (or, when `in` is null, padding) to `column`, sixteen
// at a time, the last group predicated.
template <typename In>
inline void CopyRun(const In* in, int32_t count, int8x16_t padding, int8_t* column) {
  for (int32_t c = 0; c < count; c += 16) {
    const mve_pred16_t lanes = vctp8q(static_cast<uint32_t>(count - c));
    int8x16_t x = padding;
    if (in) {
      if constexpr (std::is_signed_v<In>) {
        x = vldrbq_z_s8(in + c, lanes);
      } else {
        x = vreinterpretq_s8_u8(vsubq_n_u8(vldrbq_z_u8(in + c, lanes), 128));
      }
    }
    vstrbq_p_s8(column + c, x, lanes);
  }
}

// The int8 im2col column x' = x - off of output position (oy, ox) of image n; padding holds
// zx - off, which is x' of a real zero. A window row wholly inside the image (dilation 1) is one
// run of kernel_w x in_c bytes in NHWC, copied as one: with few channels (LeNet's first layer
// has one) that is kernel_w times fewer steps than tap by tap.
// Out of line: inlined into its one caller (a build with one weight type), it costs the
// sums loop registers (4% more instructions on MobileNet measured).
template <typename In>
__attribute__((noinline)) void Im2Col(const ref::ConvGeometry& g, const In* input, int32_t off,
                                      int32_t zx, int n, int oy, int ox, int8_t* column) {
  const int8x16_t padding = vdupq_n_s8(static_cast<int8_t>(zx - off));
  const int32_t row_bytes = g.kernel_w * g.in_c;
  const int ix0 = ox * g.stride_w - g.pad_left;
  const bool row_inside = g.dilation_w == 1 && ix0 >= 0 && ix0 + g.kernel_w <= g.in_w;
  for (int ky = 0; ky < g.kernel_h; ++ky, column += row_bytes) {
    const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    const In* row = input + (static_cast<int64_t>(n) * g.in_h + iy) * g.in_w * g.in_c;
    if (iy < 0 || iy >= g.in_h) {
      CopyRun<In>(nullptr, row_bytes, padding, column);
    } else if (row_inside) {
      CopyRun(row + static_cast<int64_t>(ix0) * g.in_c, row_bytes, padding, column);
    } else {
      for (int kx = 0; kx < g.kernel_w; ++kx) {
        const int ix = ix0 + kx * g.dilation_w;
        const bool inside = ix >= 0 && ix < g.in_w;
        CopyRun(inside ? row + static_cast<int64_t>(ix) * g.in_c : nullptr, g.in_c, padding,
                column + kx * g.in_c);
      }
    }
  }
}

// Output channel c's sums over kCount columns of `padded` bytes: whole steps of sixteen
// without a predicate, then the tail (lanes past `depth` meet zero weights). kSum: also the sum
// of the channel's weights, for the zero-point term (the first columns of a call compute it,
// the others reuse it).
template <DType kType, int kCount, bool kSum>
inline __attribute__((always_inline)) void ChannelSums(const ref::QuantWeights& w, int c, int depth,
                                                       int padded, const int8_t* columns,
                                                       int32_t* acc, int32_t* weight_sum) {
  const int m = w.per_channel ? c : 0;
  const int8_t pos = kType == DType::kTernary ? w.ternary_pos[m] : 0;
  const int8_t neg = kType == DType::kTernary ? w.ternary_neg[m] : 0;
  const int64_t first = static_cast<int64_t>(c) * depth;
  // Accumulators in registers (not through `acc`, which the compiler must assume aliased), and
  // one pointer a column, post-incremented: VLDRB takes no register offset.
  int32_t sum = 0, a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  const int8_t* x0 = columns;
  const int8_t* x1 = columns + padded;
  const int8_t* x2 = columns + 2 * padded;
  const int8_t* x3 = columns + 3 * padded;
  const int whole = depth & ~15;
  const auto step = [&](int8x16_t weights) {
    if constexpr (kSum) sum = vaddvaq_s8(sum, weights);
    a0 = vmladavaq_s8(a0, vldrbq_s8(x0), weights);
    x0 += 16;
    if constexpr (kCount > 1) {
      a1 = vmladavaq_s8(a1, vldrbq_s8(x1), weights);
      x1 += 16;
    }
    if constexpr (kCount > 2) {
      a2 = vmladavaq_s8(a2, vldrbq_s8(x2), weights);
      x2 += 16;
    }
    if constexpr (kCount > 3) {
      a3 = vmladavaq_s8(a3, vldrbq_s8(x3), weights);
      x3 += 16;
    }
  };
  if constexpr (kType == DType::kI8) {
    const auto* wp = reinterpret_cast<const int8_t*>(w.data) + first;
    for (int k = 0; k < whole; k += 16, wp += 16) step(vldrbq_s8(wp));
  } else {
    constexpr int bits = BitsPerElement(kType);
    if ((first * bits) % 8 == 0) {
      // A row starting on a byte: whole bytes a step, the constants made once.
      const ExpandConstants constants = MakeExpandConstants<kType>();
      const uint8_t* wp = w.data + first * bits / 8;
      for (int k = 0; k < whole; k += 16, wp += 2 * bits) {
        step(Expand16<kType>(wp, constants, pos, neg));
      }
    } else {
      for (int k = 0; k < whole; k += 16) step(Weights16<kType>(w, first + k, 16, pos, neg));
    }
  }
  if (whole < depth) step(Weights16<kType>(w, first + whole, depth - whole, pos, neg));
  acc[0] = a0;
  if constexpr (kCount > 1) acc[1] = a1;
  if constexpr (kCount > 2) acc[2] = a2;
  if constexpr (kCount > 3) acc[3] = a3;
  if constexpr (kSum) *weight_sum = sum;
}

// The output written as bytes (an i8 or u8 value's bits): one instantiation for both types.
template <DType kType, typename In>
void Conv(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
          const ref::QuantWeights& weights, const int32_t* bias, const ref::QuantOutput& out_params,
          uint8_t* output, void* scratch) {
  const int depth = g.kernel_h * g.kernel_w * g.in_c;
  const int padded = (depth + 15) & ~15;
  const int32_t off = std::is_signed_v<In> ? 0 : 128;
  const int32_t zero_term = off - input_zero_point;  // times sum(w)
  auto* columns = static_cast<int8_t*>(scratch);
  // Each channel's bias plus its zero-point term, once the first columns have its weight sum.
  auto* base = reinterpret_cast<int32_t*>(columns + kColumns * padded);
  const int64_t positions = static_cast<int64_t>(g.batch) * g.out_h * g.out_w;
  for (int64_t p = 0; p < positions; p += kColumns) {
    const int count = positions - p >= kColumns ? kColumns : static_cast<int>(positions - p);
    for (int j = 0; j < count; ++j) {
      const int64_t q = p + j;
      const int ox = static_cast<int>(q % g.out_w);
      const int oy = static_cast<int>(q / g.out_w % g.out_h);
      const int n = static_cast<int>(q / (static_cast<int64_t>(g.out_w) * g.out_h));
      Im2Col(g, input, off, input_zero_point, n, oy, ox, columns + j * padded);
    }
    uint8_t* out = output + p * g.out_c;
    const int step = out_params.per_channel ? 1 : 0;
    const uint32x4_t offsets = vmulq_n_u32(vidupq_n_u32(0, 1), static_cast<uint32_t>(g.out_c));
    const int32_t zero_point = out_params.zero_point, lo = out_params.lo, hi = out_params.hi;
    for (int c = 0; c < g.out_c; ++c) {
      int32_t acc[kColumns];
      if (p == 0) {
        int32_t weight_sum;
        if (count == kColumns) {
          ChannelSums<kType, kColumns, true>(weights, c, depth, padded, columns, acc, &weight_sum);
        } else {
          ChannelSums<kType, 1, true>(weights, c, depth, padded, columns, acc, &weight_sum);
          for (int j = 1; j < count; ++j) {
            ChannelSums<kType, 1, false>(weights, c, depth, padded, columns + j * padded, acc + j,
                                         nullptr);
          }
        }
        base[c] = (bias ? bias[c] : 0) + zero_term * weight_sum;
      } else if (count == kColumns) {
        ChannelSums<kType, kColumns, false>(weights, c, depth, padded, columns, acc, nullptr);
      } else {
        for (int j = 0; j < count; ++j) {
          ChannelSums<kType, 1, false>(weights, c, depth, padded, columns + j * padded, acc + j,
                                       nullptr);
        }
      }
      const Requant r = out_params.requant[c * step];
      if (count == kColumns && r.shift >= 33) {
        // The four positions' outputs of channel c at once (requantize_m.h's arithmetic:
        // VMULH is hi32(acc * m), a rounding VRSHL by -k adds 2^(k-1) and shifts), stored
        // out_c bytes apart.
        const int32x4_t sums = vaddq_n_s32(vldrwq_s32(acc), base[c]);
        const int32x4_t high = vmulhq_s32(sums, vdupq_n_s32(r.multiplier));
        const int32x4_t shifted = vrshlq_s32(high, vdupq_n_s32(32 - r.shift));
        const int32x4_t clamped = vminq_s32(
            vmaxq_s32(vaddq_n_s32(shifted, zero_point), vdupq_n_s32(lo)), vdupq_n_s32(hi));
        vstrbq_scatter_offset_u32(out + c, offsets, vreinterpretq_u32_s32(clamped));
        continue;
      }
      for (int j = 0; j < count; ++j) {
        out[j * g.out_c + c] =
            static_cast<uint8_t>(Clamp(zero_point + RequantizeM(base[c] + acc[j], r), lo, hi));
      }
    }
  }
}

}  // namespace

template <typename In, typename Out>
void Conv2DQ8Mve(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                 const ref::QuantWeights& weights, const int32_t* bias,
                 const ref::QuantOutput& out_params, Out* output, void* scratch) {
  // One loop per weight type: the expansion is inlined into it.
  auto* bytes = reinterpret_cast<uint8_t*>(output);
  ForWeightType(weights.type, [&](auto type) {
    Conv<decltype(type)::value>(g, input, input_zero_point, weights, bias, out_params, bytes,
                                scratch);
  });
}

#define TRIT_INSTANTIATE_MVE(In, Out)                                              \
  template void Conv2DQ8Mve<In, Out>(const ref::ConvGeometry&, const In*, int32_t, \
                                     const ref::QuantWeights&, const int32_t*,     \
                                     const ref::QuantOutput&, Out*, void*);
TRIT_INSTANTIATE_MVE(int8_t, int8_t)
TRIT_INSTANTIATE_MVE(int8_t, uint8_t)
TRIT_INSTANTIATE_MVE(uint8_t, int8_t)
TRIT_INSTANTIATE_MVE(uint8_t, uint8_t)

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_MVE
