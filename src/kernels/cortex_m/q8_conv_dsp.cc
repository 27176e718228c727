#include "kernels/cortex_m/q8_conv_dsp.h"

#if defined(__ARM_FEATURE_DSP)  // built into every Cortex-M image; compiled where DSP exists
#include <arm_acle.h>

#include <array>
#include <cstring>
#include <type_traits>

#include "core/bitpack.h"
#include "kernels/cortex_m/requantize_m.h"
#include "kernels/cortex_m/weight_types.h"
#include "kernels/ref/conv2d.h"

namespace trit::cortex_m {
namespace {

// The im2col columns hold (x - zx) as int16 in the lane order SMLAD pairs with SXTB16's
// output: per group of four inputs x0 x1 x2 x3 the column stores x0 x2 x1 x3, so that the
// words (x0, x2) and (x1, x3) meet SXTB16(w) = (w0, w2) and SXTB16(w ror 8) = (w1, w3).
constexpr int kLaneOrder[4] = {0, 2, 1, 3};

// Scratch first holds the shared ternary level table (used by ternary layers only).
constexpr size_t kTableBytes = kDspLevelTableBytes;

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

// Both at once, for one LDRD: the +1 lanes in the low word, the -1 lanes in the high word.
constexpr std::array<uint64_t, 256> TernaryLanesTable() {
  std::array<uint64_t, 256> t{};
  for (size_t b = 0; b < 256; ++b) t[b] = kTernaryPlus[b] | uint64_t{kTernaryMinus[b]} << 32;
  return t;
}
constexpr std::array<uint64_t, 256> kTernaryLanes = TernaryLanesTable();

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

// Two nibbles per byte as two int8 lanes (low nibble first).
constexpr std::array<uint16_t, 256> Int4PairTable() {
  std::array<uint16_t, 256> t{};
  for (uint32_t b = 0; b < 256; ++b) {
    const int32_t lo =
        (b & 15u) >= 8 ? static_cast<int32_t>(b & 15u) - 16 : static_cast<int32_t>(b & 15u);
    const int32_t hi =
        (b >> 4) >= 8 ? static_cast<int32_t>(b >> 4) - 16 : static_cast<int32_t>(b >> 4);
    t[b] = static_cast<uint16_t>((static_cast<uint32_t>(lo) & 0xFFu) |
                                 (static_cast<uint32_t>(hi) & 0xFFu) << 8);
  }
  return t;
}
constexpr std::array<uint16_t, 256> kInt4Pair = Int4PairTable();

// One channel's weights, four at a time as int8 lanes (w0 in the low byte). The type is a
// template parameter, so each layer's loop has one expansion inlined; kAligned says every row
// starts on a byte (depth * bits a multiple of 8), when the packed codes are read as whole bytes.
// Ternary lanes are the levels +pos, 0, -neg: through `table` (256 level words built per call
// when every channel has the same magnitudes, as DeepChip's per-layer TTQ weights do), else the
// 0/1 lanes of +1 and -1 codes times pos and -neg as bytes (`neg` holds 256 - neg).
// An aligned row is read through `bytes` (its first byte) with 32-bit offsets: 64-bit index
// arithmetic costs several instructions per four weights on a 32-bit core.
template <DType kType, bool kAligned>
struct Row {
  const uint8_t* data;  // the packed weights
  int64_t first;        // the row's first element
  const uint32_t* table;
  uint32_t pos, neg;
  const uint8_t* bytes;  // kAligned: the row's first byte

  inline __attribute__((always_inline)) uint32_t Levels4(int k) const {
    const int64_t index = first + k;
    if constexpr (kType == DType::kI8) {
      uint32_t word;
      std::memcpy(&word, data + index, 4);  // (through `bytes` it takes more instructions)
      return word;
    } else if constexpr (kType == DType::kI4) {
      const uint32_t bits = kAligned
                                ? bytes[k >> 1] | static_cast<uint32_t>(bytes[(k >> 1) + 1]) << 8
                                : Bits16(data, index * 4);
      return kInt4Pair[bits & 0xFFu] | static_cast<uint32_t>(kInt4Pair[bits >> 8]) << 16;
    } else if constexpr (kType == DType::kI2 || kType == DType::kTernary) {
      const uint32_t bits = kAligned ? bytes[k >> 2] : Bits8(data, index * 2);
      if constexpr (kType == DType::kI2) {
        return kInt2[bits];
      } else {
        if (table) return table[bits];
        // plus * pos + minus * (256 - neg): each lane holds one of them, at most 255, so the
        // sum has no carries between lanes and lane i is pos, -neg (mod 256) or 0.
        const uint64_t lanes = kTernaryLanes[bits];
        return static_cast<uint32_t>(lanes) * pos + static_cast<uint32_t>(lanes >> 32) * neg;
      }
    } else {
      return kBinary[kAligned ? (bytes[k >> 3] >> (k & 4)) & 15u : Bits4(data, index)];
    }
  }
};

// The level of element `index` of a channel whose ternary magnitudes are pos, neg.
inline int32_t Level(const ref::QuantWeights& w, int64_t index, int32_t pos, int32_t neg) {
  const int32_t level = PackedLevel(w.type, w.data, index);
  if (w.type != DType::kTernary) return level;
  return level > 0 ? pos : (level < 0 ? -neg : 0);
}

inline uint32_t Load32(const int16_t* p) {
  uint32_t word;
  std::memcpy(&word, p, 4);
  return word;
}

inline int32_t Even(uint32_t w) { return __sxtb16(static_cast<int32_t>(w)); }
// The rotation as the instruction's own operand (GCC does not fold a separate one into it).
inline int32_t Odd(uint32_t w) {
  int32_t odd;
  asm("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(w));
  return odd;
}

// Writes `count` inputs from `in` (null: padding) as (x - zx) at column positions k.. in the lane
// order, and returns the next k: groups of four whole in the column take four inputs a word,
// split by SXTB16 (UXTB16) into the lane order and the zero point taken off by SSUB16; the
// group edges go one by one.
template <typename In>
inline int CopyRun(const In* in, int count, int k, int32_t zx, int32_t zero_pair, int16_t* column) {
  const auto one = [&](int i, int at) {
    column[(at & ~3) + kLaneOrder[at & 3]] =
        static_cast<int16_t>(in ? static_cast<int32_t>(in[i]) - zx : 0);
  };
  int i = 0;
  for (; i < count && (k & 3) != 0; ++i, ++k) one(i, k);
  for (; i + 4 <= count; i += 4, k += 4) {
    if (!in) {
      std::memset(column + k, 0, 4 * sizeof(int16_t));
      continue;
    }
    uint32_t x;
    std::memcpy(&x, in + i, 4);
    int32_t even, odd;
    if constexpr (std::is_signed_v<In>) {
      even = __sxtb16(static_cast<int32_t>(x));
      odd = Odd(x);
    } else {
      even = static_cast<int32_t>(__uxtb16(x));
      asm("uxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(x));
    }
    const int32_t pair[2] = {__ssub16(even, zero_pair), __ssub16(odd, zero_pair)};
    std::memcpy(column + k, pair, sizeof(pair));
  }
  for (; i < count; ++i, ++k) one(i, k);
  return k;
}

// Writes the im2col column of output position (oy, ox) of image n: (x - zx), 0 for padding. A
// window row wholly inside the image (dilation 1) is one run of kernel_w x in_c bytes in NHWC,
// copied as one: with few channels (LeNet's first layer has one) mostly a word at a time.
// Out of line: inlined into its one caller (a build with one weight type), it costs the
// sums loop registers (4% more instructions on MobileNet measured).
template <typename In>
__attribute__((noinline)) void Im2Col(const ref::ConvGeometry& g, const In* input, int32_t zx,
                                      int n, int oy, int ox, int16_t* column) {
  const auto zero_pair = static_cast<int32_t>((static_cast<uint32_t>(zx) & 0xFFFFu) |
                                              (static_cast<uint32_t>(zx) << 16));
  const int row_count = g.kernel_w * g.in_c;
  const int ix0 = ox * g.stride_w - g.pad_left;
  const bool row_inside = g.dilation_w == 1 && ix0 >= 0 && ix0 + g.kernel_w <= g.in_w;
  int k = 0;
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    const In* row = input + (static_cast<int64_t>(n) * g.in_h + iy) * g.in_w * g.in_c;
    if (iy < 0 || iy >= g.in_h) {
      k = CopyRun<In>(nullptr, row_count, k, zx, zero_pair, column);
    } else if (row_inside) {
      k = CopyRun(row + static_cast<int64_t>(ix0) * g.in_c, row_count, k, zx, zero_pair, column);
    } else {
      for (int kx = 0; kx < g.kernel_w; ++kx) {
        const int ix = ix0 + kx * g.dilation_w;
        const In* tap = ix >= 0 && ix < g.in_w ? row + static_cast<int64_t>(ix) * g.in_c : nullptr;
        k = CopyRun(tap, g.in_c, k, zx, zero_pair, column);
      }
    }
  }
}

// Sums of `kChannels` (1 or 2) output channels from `first` over `kColumns` (1 or 2) columns:
// the inner loop of the kernel, four inputs a step, every weight word used for every column.
template <DType kType, bool kAligned, int kChannels, int kColumns>
void Sums(const ref::QuantWeights& w, const uint32_t* table, int first_channel, int depth,
          const int16_t* const* column, int32_t (*sums)[2]) {
  uint32_t pos[2] = {0, 0}, neg[2] = {0, 0};
  if constexpr (kType == DType::kTernary) {
    for (int i = 0; i < kChannels; ++i) {
      const int m = w.per_channel ? first_channel + i : 0;
      pos[i] = static_cast<uint8_t>(w.ternary_pos[m]);
      neg[i] = (256u - static_cast<uint8_t>(w.ternary_neg[m])) & 0xFFu;  // -neg as a byte
    }
  }
  const int whole = depth & ~3;
  const int64_t row = static_cast<int64_t>(first_channel) * depth;
  Row<kType, kAligned> rows[2];
  for (int i = 0; i < kChannels; ++i) {
    const int64_t first = row + static_cast<int64_t>(i) * depth;
    // Meaningful when kAligned (int8 rows read through `data`).
    const uint8_t* bytes = w.data + first * BitsPerElement(kType) / 8;
    rows[i] = {w.data, first, table, pos[i], neg[i], bytes};
  }
  // Accumulators as locals (an array indexed in the loop stays in memory).
  int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;
  const int16_t* x0 = column[0];
  const int16_t* x1 = column[kColumns > 1 ? 1 : 0];
  for (int k = 0; k < whole; k += 4) {
    const uint32_t w0 = rows[0].Levels4(k);
    const int32_t even0 = Even(w0), odd0 = Odd(w0);
    const auto x0_even = static_cast<int32_t>(Load32(x0 + k));
    const auto x0_odd = static_cast<int32_t>(Load32(x0 + k + 2));
    a00 = __smlad(odd0, x0_odd, __smlad(even0, x0_even, a00));
    int32_t x1_even = 0, x1_odd = 0;
    if constexpr (kColumns > 1) {
      x1_even = static_cast<int32_t>(Load32(x1 + k));
      x1_odd = static_cast<int32_t>(Load32(x1 + k + 2));
      a01 = __smlad(odd0, x1_odd, __smlad(even0, x1_even, a01));
    }
    if constexpr (kChannels > 1) {
      const uint32_t w1 = rows[1].Levels4(k);
      const int32_t even1 = Even(w1), odd1 = Odd(w1);
      a10 = __smlad(odd1, x0_odd, __smlad(even1, x0_even, a10));
      if constexpr (kColumns > 1) a11 = __smlad(odd1, x1_odd, __smlad(even1, x1_even, a11));
    }
  }
  int32_t acc[2][2] = {{a00, a01}, {a10, a11}};
  // The last depth % 4 inputs, stored in lane order inside their partial group.
  for (int k = whole; k < depth; ++k) {
    const int at = (k & ~3) + kLaneOrder[k & 3];
    for (int i = 0; i < kChannels; ++i) {
      const int32_t level =
          Level(w, row + static_cast<int64_t>(i) * depth + k, static_cast<int32_t>(pos[i]),
                static_cast<int32_t>((256u - neg[i]) & 0xFFu));  // magnitude
      for (int j = 0; j < kColumns; ++j) acc[i][j] += level * column[j][at];
    }
  }
  for (int i = 0; i < kChannels; ++i) {
    for (int j = 0; j < kColumns; ++j) sums[i][j] = acc[i][j];
  }
}

// 256 ternary level words for magnitudes shared by every channel, or null when they differ.
const uint32_t* SharedTernaryTable(const ref::QuantWeights& w, int channels, uint32_t* table) {
  const int count = w.per_channel ? channels : 1;
  for (int c = 1; c < count; ++c) {
    if (w.ternary_pos[c] != w.ternary_pos[0] || w.ternary_neg[c] != w.ternary_neg[0]) {
      return nullptr;
    }
  }
  const auto pos = static_cast<uint32_t>(static_cast<uint8_t>(w.ternary_pos[0]));
  const auto neg = static_cast<uint32_t>(static_cast<uint8_t>(w.ternary_neg[0]));
  for (uint32_t b = 0; b < 256; ++b) {
    table[b] = static_cast<uint32_t>(__ssub8(static_cast<int32_t>(kTernaryPlus[b] * pos),
                                             static_cast<int32_t>(kTernaryMinus[b] * neg)));
  }
  return table;
}

// Rows start on a byte (every packed type here); the output written as bytes (an i8 or u8
// value's bits), so one instantiation serves both output types.
template <DType kType, typename In>
void Conv(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
          const ref::QuantWeights& weights, const int32_t* bias, const ref::QuantOutput& out_params,
          uint8_t* output, void* scratch) {
  constexpr bool kAligned = true;
  const int depth = g.kernel_h * g.kernel_w * g.in_c;
  const int padded = (depth + 3) & ~3;
  const uint32_t* table = nullptr;
  if constexpr (kType == DType::kTernary) {
    table = SharedTernaryTable(weights, g.out_c, static_cast<uint32_t*>(scratch));
  }
  auto* columns = static_cast<int16_t*>(scratch) + kTableBytes / sizeof(int16_t);
  const int16_t* column[2] = {columns, columns + padded};
  const int64_t positions = static_cast<int64_t>(g.batch) * g.out_h * g.out_w;
  for (int64_t p = 0; p < positions; p += 2) {
    const int count = positions - p >= 2 ? 2 : 1;
    for (int j = 0; j < count; ++j) {
      const int64_t q = p + j;
      const int ox = static_cast<int>(q % g.out_w);
      const int oy = static_cast<int>(q / g.out_w % g.out_h);
      const int n = static_cast<int>(q / (static_cast<int64_t>(g.out_w) * g.out_h));
      Im2Col(g, input, input_zero_point, n, oy, ox, columns + j * padded);
    }
    uint8_t* out = output + p * g.out_c;
    for (int c = 0; c < g.out_c; c += 2) {
      const int channels = g.out_c - c >= 2 ? 2 : 1;
      int32_t sums[2][2];
      if (channels == 2 && count == 2) {
        Sums<kType, kAligned, 2, 2>(weights, table, c, depth, column, sums);
      } else if (channels == 2) {
        Sums<kType, kAligned, 2, 1>(weights, table, c, depth, column, sums);
      } else if (count == 2) {
        Sums<kType, kAligned, 1, 2>(weights, table, c, depth, column, sums);
      } else {
        Sums<kType, kAligned, 1, 1>(weights, table, c, depth, column, sums);
      }
      for (int i = 0; i < channels; ++i) {
        const int32_t b = bias ? bias[c + i] : 0;
        for (int j = 0; j < count; ++j) {
          out[j * g.out_c + c + i] =
              static_cast<uint8_t>(RequantizeToOutputM(b + sums[i][j], out_params, c + i));
        }
      }
    }
  }
}

}  // namespace

template <typename In, typename Out>
void Conv2DQ8Dsp(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                 const ref::QuantWeights& weights, const int32_t* bias,
                 const ref::QuantOutput& out_params, Out* output, void* scratch) {
  // Rows that do not start on a byte (an odd depth of int4 weights, say; rare) take the
  // reference, within this kernel's scratch (it is larger than the reference's).
  if (static_cast<int64_t>(g.kernel_h) * g.kernel_w * g.in_c * BitsPerElement(weights.type) % 8 !=
      0) {
    return ref::Conv2DQ8(g, input, input_zero_point, weights, bias, out_params, output,
                         static_cast<int32_t*>(scratch));
  }
  // One loop per weight type: the expansion is inlined into it.
  auto* bytes = reinterpret_cast<uint8_t*>(output);
  ForWeightType(weights.type, [&](auto type) {
    Conv<decltype(type)::value>(g, input, input_zero_point, weights, bias, out_params, bytes,
                                scratch);
  });
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
