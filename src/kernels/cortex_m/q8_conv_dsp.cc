#include "kernels/cortex_m/q8_conv_dsp.h"

#if defined(__ARM_FEATURE_DSP)  // built into every Cortex-M image; compiled where DSP exists
#include <arm_acle.h>

#include <array>
#include <cstring>

#include "core/bitpack.h"

namespace trit::cortex_m {
namespace {

// The im2col columns hold (x - zx) as int16 in the lane order SMLAD pairs with SXTB16's
// output: per group of four inputs x0 x1 x2 x3 the column stores x0 x2 x1 x3, so that the
// words (x0, x2) and (x1, x3) meet SXTB16(w) = (w0, w2) and SXTB16(w ror 8) = (w1, w3).
constexpr int kLaneOrder[4] = {0, 2, 1, 3};

// Four int8 levels in one word (w0 in the low byte), expanded from packed codes through a table
// built at compile time: the tables live in flash.
using Table = std::array<uint32_t, 256>;

constexpr uint32_t Lanes(int32_t l0, int32_t l1, int32_t l2, int32_t l3) {
  return (static_cast<uint32_t>(l0) & 0xFFu) | (static_cast<uint32_t>(l1) & 0xFFu) << 8 |
         (static_cast<uint32_t>(l2) & 0xFFu) << 16 | (static_cast<uint32_t>(l3) & 0xFFu) << 24;
}

// Four 2-bit codes per byte: int2 levels, ternary's +1 lanes and ternary's -1 lanes (each 1).
template <int kKind>
constexpr Table TwoBitTable() {
  Table t{};
  for (uint32_t b = 0; b < 256; ++b) {
    int32_t l[4];
    for (int k = 0; k < 4; ++k) {
      const uint32_t code = (b >> (2 * k)) & 3u;
      if (kKind == 0)
        l[k] = code >= 2 ? static_cast<int32_t>(code) - 4 : static_cast<int32_t>(code);
      if (kKind == 1) l[k] = code == 1 ? 1 : 0;
      if (kKind == 2) l[k] = code >= 2 ? 1 : 0;  // 10 is invalid; the reference reads it as -1
    }
    t[b] = Lanes(l[0], l[1], l[2], l[3]);
  }
  return t;
}
constexpr Table kInt2 = TwoBitTable<0>();
constexpr Table kTernaryPlus = TwoBitTable<1>();
constexpr Table kTernaryMinus = TwoBitTable<2>();

// Binary: four bits per word (the low nibble of the index), 1 -> +1, 0 -> -1.
constexpr std::array<uint32_t, 16> BinaryTable() {
  std::array<uint32_t, 16> t{};
  for (uint32_t b = 0; b < 16; ++b) {
    t[b] = Lanes(b & 1 ? 1 : -1, b & 2 ? 1 : -1, b & 4 ? 1 : -1, b & 8 ? 1 : -1);
  }
  return t;
}
constexpr std::array<uint32_t, 16> kBinary = BinaryTable();

// The 8 (16) bits at bit offset `bit` of a packed array, any alignment; a byte past them is
// never read (the array may end there).
inline uint32_t Bits8(const uint8_t* data, int64_t bit) {
  const uint8_t* p = data + (bit >> 3);
  const int shift = static_cast<int>(bit & 7);
  return shift == 0 ? p[0] : ((p[0] | static_cast<uint32_t>(p[1]) << 8) >> shift) & 0xFFu;
}
inline uint32_t Bits16(const uint8_t* data, int64_t bit) {
  const uint8_t* p = data + (bit >> 3);
  const int shift = static_cast<int>(bit & 7);
  const uint32_t two = p[0] | static_cast<uint32_t>(p[1]) << 8;
  return shift == 0 ? two : ((two | static_cast<uint32_t>(p[2]) << 16) >> shift) & 0xFFFFu;
}
inline uint32_t Bits4(const uint8_t* data, int64_t bit) {
  const uint8_t* p = data + (bit >> 3);
  const int shift = static_cast<int>(bit & 7);
  const uint32_t bits = shift <= 4 ? p[0] : p[0] | static_cast<uint32_t>(p[1]) << 8;
  return (bits >> shift) & 15u;
}

// Four weights (elements `index`..`index + 3`) as int8 lanes; for ternary, the +1 lanes (and
// the -1 lanes in *minus).
inline uint32_t FourLevels(const ref::QuantWeights& w, int64_t index, uint32_t* minus) {
  switch (w.type) {
    case DType::kI8: {
      uint32_t word;
      std::memcpy(&word, w.data + index, 4);
      return word;
    }
    case DType::kI4: {
      const uint32_t bits = Bits16(w.data, index * 4);
      int32_t l[4];
      for (int k = 0; k < 4; ++k) {
        const int32_t code = static_cast<int32_t>((bits >> (4 * k)) & 15u);
        l[k] = code >= 8 ? code - 16 : code;
      }
      return Lanes(l[0], l[1], l[2], l[3]);
    }
    case DType::kI2:
      return kInt2[Bits8(w.data, index * 2)];
    case DType::kTernary: {
      const uint32_t bits = Bits8(w.data, index * 2);
      *minus = kTernaryMinus[bits];
      return kTernaryPlus[bits];
    }
    default:  // binary: 4 bits
      return kBinary[Bits4(w.data, index)];
  }
}

inline uint32_t Load32(const int16_t* p) {
  uint32_t word;
  std::memcpy(&word, p, 4);
  return word;
}

// acc += the dot of four weight lanes with a column's next four inputs (lane-ordered).
inline int32_t Dot4(uint32_t weights, const int16_t* column, int32_t acc) {
  const auto even = static_cast<int32_t>(__sxtb16(static_cast<int32_t>(weights)));
  const auto odd =
      static_cast<int32_t>(__sxtb16(static_cast<int32_t>((weights >> 8) | (weights << 24))));
  acc = __smlad(even, static_cast<int32_t>(Load32(column)), acc);
  return __smlad(odd, static_cast<int32_t>(Load32(column + 2)), acc);
}

// Writes the im2col column of output position (oy, ox) of image n: (x - zx), 0 for padding.
template <typename In>
void Im2Col(const ref::ConvGeometry& g, const In* input, int32_t zx, int n, int oy, int ox,
            int16_t* column) {
  int k = 0;
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    for (int kx = 0; kx < g.kernel_w; ++kx) {
      const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      const bool inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w;
      const In* in = input + ((static_cast<int64_t>(n) * g.in_h + iy) * g.in_w + ix) * g.in_c;
      for (int c = 0; c < g.in_c; ++c, ++k) {
        const int at = (k & ~3) + kLaneOrder[k & 3];
        column[at] = static_cast<int16_t>(inside ? static_cast<int32_t>(in[c]) - zx : 0);
      }
    }
  }
}

// Output channel c's sums for `columns` (1 or 2) columns of `depth` inputs.
template <int kColumns>
void ChannelSums(const ref::QuantWeights& w, int c, int depth, const int16_t* const* column,
                 int32_t* sums) {
  const int64_t first = static_cast<int64_t>(c) * depth;
  const int whole = depth & ~3;
  int32_t plus[2] = {0, 0}, minus[2] = {0, 0};
  const bool ternary = w.type == DType::kTernary;
  for (int k = 0; k < whole; k += 4) {
    uint32_t minus_lanes = 0;
    const uint32_t lanes = FourLevels(w, first + k, &minus_lanes);
    for (int j = 0; j < kColumns; ++j) plus[j] = Dot4(lanes, column[j] + k, plus[j]);
    if (ternary) {
      for (int j = 0; j < kColumns; ++j) minus[j] = Dot4(minus_lanes, column[j] + k, minus[j]);
    }
  }
  // The last depth % 4 inputs: stored in lane order inside their (partial) group.
  for (int k = whole; k < depth; ++k) {
    const int32_t level = PackedLevel(w.type, w.data, first + k);
    const int at = (k & ~3) + kLaneOrder[k & 3];
    for (int j = 0; j < kColumns; ++j) {
      if (!ternary) {
        plus[j] += level * column[j][at];
      } else if (level > 0) {
        plus[j] += column[j][at];
      } else if (level < 0) {
        minus[j] += column[j][at];
      }
    }
  }
  if (ternary) {
    // Levels +pos and -neg: the sums under +1 and -1 codes, scaled (exact in 32 bits: the
    // accumulator bound of the layer covers them).
    const int m = w.per_channel ? c : 0;
    for (int j = 0; j < kColumns; ++j)
      sums[j] = w.ternary_pos[m] * plus[j] - w.ternary_neg[m] * minus[j];
  } else {
    for (int j = 0; j < kColumns; ++j) sums[j] = plus[j];
  }
}

}  // namespace

size_t Conv2DQ8DspScratchBytes(const ref::ConvGeometry& g) {
  const size_t depth = static_cast<size_t>(g.kernel_h) * g.kernel_w * g.in_c;
  return 2 * sizeof(int16_t) * ((depth + 3) & ~size_t{3});
}

template <typename In, typename Out>
void Conv2DQ8Dsp(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                 const ref::QuantWeights& weights, const int32_t* bias,
                 const ref::QuantOutput& out_params, Out* output, void* scratch) {
  const int depth = g.kernel_h * g.kernel_w * g.in_c;
  const int padded = (depth + 3) & ~3;
  auto* columns = static_cast<int16_t*>(scratch);
  const int16_t* column[2] = {columns, columns + padded};
  const int64_t positions = static_cast<int64_t>(g.batch) * g.out_h * g.out_w;
  auto position_of = [&](int64_t p, int* n, int* oy, int* ox) {
    *ox = static_cast<int>(p % g.out_w);
    *oy = static_cast<int>(p / g.out_w % g.out_h);
    *n = static_cast<int>(p / (static_cast<int64_t>(g.out_w) * g.out_h));
  };
  for (int64_t p = 0; p < positions; p += 2) {
    const int count = positions - p >= 2 ? 2 : 1;
    for (int j = 0; j < count; ++j) {
      int n, oy, ox;
      position_of(p + j, &n, &oy, &ox);
      Im2Col(g, input, input_zero_point, n, oy, ox, columns + j * padded);
    }
    Out* out = output + p * g.out_c;
    for (int c = 0; c < g.out_c; ++c) {
      int32_t sums[2];
      if (count == 2) {
        ChannelSums<2>(weights, c, depth, column, sums);
      } else {
        ChannelSums<1>(weights, c, depth, column, sums);
      }
      const int32_t b = bias ? bias[c] : 0;
      for (int j = 0; j < count; ++j) {
        out[j * g.out_c + c] =
            static_cast<Out>(ref::RequantizeToOutput(b + sums[j], out_params, c));
      }
    }
  }
}

#define TRIT_INSTANTIATE_DSP(In, Out)                                              \
  template void Conv2DQ8Dsp<In, Out>(const ref::ConvGeometry&, const In*, int32_t, \
                                     const ref::QuantWeights&, const int32_t*,     \
                                     const ref::QuantOutput&, Out*, void*);
TRIT_INSTANTIATE_DSP(int8_t, int8_t)
TRIT_INSTANTIATE_DSP(int8_t, uint8_t)
TRIT_INSTANTIATE_DSP(uint8_t, int8_t)
TRIT_INSTANTIATE_DSP(uint8_t, uint8_t)

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_DSP
